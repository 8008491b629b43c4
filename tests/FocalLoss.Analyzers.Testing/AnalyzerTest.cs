using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>
    /// Analyzer test: compiles <see cref="Sources"/> (markup removed) against the .NET 8 reference assemblies and the
    /// TorchSharp reference facade, runs <typeparamref name="TAnalyzer"/>, and compares the reported diagnostics with
    /// the markup and <see cref="ExpectedDiagnostics"/> exactly. Then it checks that the same sources marked
    /// <c>// &lt;auto-generated/&gt;</c>, and the same sources under <c>#pragma warning disable</c>, report nothing.
    /// </summary>
    public class AnalyzerTest<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        /// <summary>The name of the tested project; its files keep the names given in <see cref="Sources"/>.</summary>
        public const string TestProjectName = "TestProject";

        /// <summary>Source documents (markup allowed).</summary>
        public SourceFileList Sources { get; } = new SourceFileList();

        /// <summary>Expected analyzer diagnostics besides those written as markup.</summary>
        public List<DiagnosticResult> ExpectedDiagnostics { get; } = new List<DiagnosticResult>();

        /// <summary>
        /// Compiler diagnostics the test sources are expected to produce (for example CS0121). When empty, any compiler
        /// error fails the test (and any compiler warning when <see cref="FailOnCompilerWarnings"/> is set); when not
        /// empty, the compiler errors (and warnings when <see cref="FailOnCompilerWarnings"/> is set) must equal it.
        /// Severity defaults to Error.
        /// </summary>
        public List<DiagnosticResult> ExpectedCompilerDiagnostics { get; } = new List<DiagnosticResult>();

        /// <summary>Whether the compile-only TorchSharp reference facade is referenced (default true).</summary>
        public bool ReferenceTorchSharpFacade { get; set; } = true;

        /// <summary>Further metadata references for every project.</summary>
        public List<MetadataReference> AdditionalReferences { get; } = new List<MetadataReference>();

        /// <summary>The C# language version (default C# 12, the default of net8.0 which the reference set targets).</summary>
        public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.CSharp12;

        /// <summary>The output kind (default a class library).</summary>
        public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

        /// <summary>The nullable context (default enabled, as in the SDK templates).</summary>
        public NullableContextOptions NullableContextOptions { get; set; } = NullableContextOptions.Enable;

        /// <summary>Text of an .editorconfig at the solution root that applies to every source file; null for none.</summary>
        public string? AnalyzerConfigDocument { get; set; }

        /// <summary>Further projects in the same solution, by name.</summary>
        public Dictionary<string, TestProject> AdditionalProjects { get; } = new Dictionary<string, TestProject>(StringComparer.Ordinal);

        /// <summary>Whether compiler warnings in the test sources fail the test (default false).</summary>
        public bool FailOnCompilerWarnings { get; set; }

        /// <summary>Whether sources contain markup (default true). Set false when a source legitimately contains "[|" or "{|".</summary>
        public bool ParseMarkup { get; set; } = true;

        /// <summary>Skips the <c>// &lt;auto-generated/&gt;</c> pass (for analyzers that deliberately analyze generated code).</summary>
        public bool SkipGeneratedCodeCheck { get; set; }

        /// <summary>Skips the <c>#pragma warning disable</c> pass.</summary>
        public bool SkipSuppressionCheck { get; set; }

        /// <summary>Cancellation for the whole run.</summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>An expectation of a diagnostic with <paramref name="id"/>.</summary>
        public static DiagnosticResult Diagnostic(string id) => DiagnosticResult.Create(id);

        /// <summary>An expectation of the analyzer's single supported diagnostic.</summary>
        public static DiagnosticResult Diagnostic() => DiagnosticResult.Create(SingleSupportedId(new TAnalyzer()));

        /// <summary>Runs every check; throws (failing the test) on the first failed one.</summary>
        public virtual async Task RunAsync()
        {
            var analyzer = new TAnalyzer();
            var state = PrepareState(analyzer);
            await RunAnalyzerChecksAsync(analyzer, state).ConfigureAwait(false);
        }

        // ------------------------------------------------------------------------------------------------
        // State preparation: markup, expectations.

        internal sealed class DocumentSpec
        {
            public DocumentSpec(string project, string name, string text)
            {
                Project = project;
                Name = name;
                Text = text;
            }

            public string Project { get; }
            public string Name { get; }
            public string Text { get; }
            public string FilePath => "/" + Project + "/" + Name;
            public string DisplayPath => Project == TestProjectName ? Name : Project + "/" + Name;
        }

        internal sealed class ProjectSpec
        {
            public ProjectSpec(string name, bool referencesTestProject, IReadOnlyList<DocumentSpec> documents)
            {
                Name = name;
                ReferencesTestProject = referencesTestProject;
                Documents = documents;
            }

            public string Name { get; }
            public bool ReferencesTestProject { get; }
            public IReadOnlyList<DocumentSpec> Documents { get; }
        }

        /// <summary>Expectation with locations resolved to display path and 0-based line span.</summary>
        internal sealed class Expectation
        {
            public Expectation(DiagnosticResult source, string id, ImmutableArray<(string Path, LinePositionSpan Span)> locations, DiagnosticSeverity severity, string? message, bool fromMarkup = false)
            {
                FromMarkup = fromMarkup;
                Source = source;
                Id = id;
                Locations = locations;
                Severity = severity;
                Message = message;
            }

            public DiagnosticResult Source { get; }
            public bool FromMarkup { get; }
            public string Id { get; }
            public ImmutableArray<(string Path, LinePositionSpan Span)> Locations { get; }
            public DiagnosticSeverity Severity { get; }
            public string? Message { get; }

            public override string ToString()
            {
                var sb = new StringBuilder("Diagnostic(").Append(DiagnosticResult.CSharpLiteral(Id)).Append(')');
                foreach (var (path, span) in Locations)
                {
                    sb.Append(FormatSpan(path, span));
                }

                sb.Append(".WithSeverity(DiagnosticSeverity.").Append(Severity).Append(')');
                if (Message is not null)
                {
                    sb.Append(".WithMessage(").Append(DiagnosticResult.CSharpLiteral(Message)).Append(')');
                }

                return sb.ToString();
            }
        }

        internal sealed class TestState
        {
            public TestState(IReadOnlyList<ProjectSpec> projects, IReadOnlyList<Expectation> expected, IReadOnlyList<Expectation> expectedCompiler)
            {
                Projects = projects;
                Expected = expected;
                ExpectedCompiler = expectedCompiler;
            }

            public IReadOnlyList<ProjectSpec> Projects { get; }
            public IReadOnlyList<Expectation> Expected { get; }
            public IReadOnlyList<Expectation> ExpectedCompiler { get; }
        }

        internal TestState PrepareState(TAnalyzer analyzer)
        {
            if (Sources.Count == 0)
            {
                Fail("The test has no Sources.");
            }

            if (AdditionalProjects.ContainsKey(TestProjectName))
            {
                Fail($"An additional project may not be named '{TestProjectName}'.");
            }

            var main = (Name: TestProjectName, Sources: (IEnumerable<(string Name, string Text)>)Sources, References: false);
            var all = new[] { main }.Concat(AdditionalProjects.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => (Name: p.Key, Sources: (IEnumerable<(string Name, string Text)>)p.Value.Sources, References: p.Value.ReferencesTestProject)));
            return BuildState(analyzer, all.ToList(), ExpectedDiagnostics, ExpectedCompilerDiagnostics, "Sources");
        }

        internal TestState BuildState(
            TAnalyzer analyzer,
            IReadOnlyList<(string Name, IEnumerable<(string Name, string Text)> Sources, bool References)> projects,
            IEnumerable<DiagnosticResult> explicitExpected,
            IEnumerable<DiagnosticResult> explicitCompilerExpected,
            string what)
        {
            var projectSpecs = new List<ProjectSpec>();
            var markupDocs = new List<(DocumentSpec Doc, IReadOnlyList<MarkupSpan> Spans)>();
            foreach (var project in projects)
            {
                var docs = new List<DocumentSpec>();
                foreach (var (name, markup) in project.Sources)
                {
                    string text;
                    IReadOnlyList<MarkupSpan> spans;
                    if (ParseMarkup)
                    {
                        try
                        {
                            (text, spans) = Markup.Parse(markup);
                        }
                        catch (FormatException ex)
                        {
                            Fail($"{what}: invalid markup in '{name}' of project '{project.Name}': {ex.Message}");
                            throw;
                        }
                    }
                    else
                    {
                        text = Markup.NormalizeLineEndings(markup);
                        spans = Array.Empty<MarkupSpan>();
                    }

                    var doc = new DocumentSpec(project.Name, name, text);
                    if (docs.Any(d => d.Name == name))
                    {
                        Fail($"{what}: project '{project.Name}' has two files named '{name}'.");
                    }

                    docs.Add(doc);
                    markupDocs.Add((doc, spans));
                }

                projectSpecs.Add(new ProjectSpec(project.Name, project.References, docs));
            }

            var descriptors = analyzer.SupportedDiagnostics;
            var markers = new Dictionary<int, (string Path, LinePositionSpan Span)>();
            var expected = new List<Expectation>();
            foreach (var (doc, spans) in markupDocs)
            {
                var sourceText = SourceText.From(doc.Text);
                foreach (var span in spans)
                {
                    var lineSpan = sourceText.Lines.GetLinePositionSpan(span.Span);
                    switch (span.Kind)
                    {
                        case MarkupSpanKind.Location:
                            if (markers.ContainsKey(span.Index!.Value))
                            {
                                Fail($"{what}: markup location {{|#{span.Index}:...|}} is used twice.");
                            }

                            markers[span.Index.Value] = (doc.DisplayPath, lineSpan);
                            break;
                        case MarkupSpanKind.DiagnosticWithId:
                        case MarkupSpanKind.DiagnosticDefaultId:
                            var id = span.Id ?? SingleSupportedId(analyzer);
                            var descriptor = descriptors.FirstOrDefault(d => d.Id == id);
                            if (descriptor is null)
                            {
                                Fail($"{what}: markup expects diagnostic '{id}' in '{doc.DisplayPath}', but {typeof(TAnalyzer).Name} does not support it (supported: {string.Join(", ", descriptors.Select(d => d.Id))}).");
                            }

                            var result = DiagnosticResult.Create(id).WithSpan(doc.DisplayPath, lineSpan.Start.Line + 1, lineSpan.Start.Character + 1, lineSpan.End.Line + 1, lineSpan.End.Character + 1);
                            expected.Add(new Expectation(result, id, ImmutableArray.Create((doc.DisplayPath, lineSpan)), descriptor!.DefaultSeverity, null, fromMarkup: true));
                            break;
                    }
                }
            }

            var defaultPath = projectSpecs[0].Documents.Count > 0 ? projectSpecs[0].Documents[0].DisplayPath : "Test0.cs";
            foreach (var result in explicitExpected)
            {
                var descriptor = descriptors.FirstOrDefault(d => d.Id == result.Id);
                if (descriptor is null)
                {
                    Fail($"ExpectedDiagnostics contains '{result.Id}', which {typeof(TAnalyzer).Name} does not support (supported: {string.Join(", ", descriptors.Select(d => d.Id))}). Compiler diagnostics go in ExpectedCompilerDiagnostics.");
                }

                var resolved = Resolve(result, descriptor, markers, defaultPath, what);

                // An explicit expectation on exactly the span of a markup diagnostic with the same id replaces it
                // (this is how a message is added to a markup diagnostic).
                var index = expected.FindIndex(e => e.FromMarkup
                                                    && e.Id == resolved.Id
                                                    && resolved.Locations.Length >= 1
                                                    && e.Locations[0] == resolved.Locations[0]);
                if (index >= 0)
                {
                    expected[index] = resolved;
                }
                else
                {
                    expected.Add(resolved);
                }
            }

            var expectedCompiler = explicitCompilerExpected.Select(r => Resolve(r, null, markers, defaultPath, what)).ToList();
            return new TestState(projectSpecs, SortExpectations(expected), SortExpectations(expectedCompiler));
        }

        private static Expectation Resolve(DiagnosticResult result, DiagnosticDescriptor? descriptor, Dictionary<int, (string Path, LinePositionSpan Span)> markers, string defaultPath, string what)
        {
            var locations = ImmutableArray.CreateBuilder<(string, LinePositionSpan)>();
            foreach (var location in result.Locations)
            {
                if (location.MarkupIndex is { } index)
                {
                    if (!markers.TryGetValue(index, out var marker))
                    {
                        Fail($"{result} refers to markup location #{index}, but {what} has no {{|#{index}:...|}}.");
                    }

                    locations.Add(marker);
                }
                else
                {
                    locations.Add((location.Path ?? defaultPath, new LinePositionSpan(
                        new LinePosition(location.StartLine - 1, location.StartColumn - 1),
                        new LinePosition(location.EndLine - 1, location.EndColumn - 1))));
                }
            }

            var message = result.Message;
            if (message is null && result.Arguments is { } arguments && descriptor is not null)
            {
                message = string.Format(CultureInfo.InvariantCulture, descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture), arguments.ToArray());
            }

            var severity = result.Severity ?? descriptor?.DefaultSeverity ?? DiagnosticSeverity.Error;
            return new Expectation(result, result.Id, locations.ToImmutable(), severity, message);
        }

        internal static string SingleSupportedId(DiagnosticAnalyzer analyzer)
        {
            var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().ToList();
            if (ids.Count != 1)
            {
                Fail($"'[|...|]' markup and Diagnostic() need an analyzer with exactly one supported diagnostic id; {analyzer.GetType().Name} supports {ids.Count}: {string.Join(", ", ids)}. Use '{{|ID:...|}}' instead.");
            }

            return ids[0];
        }

        private static IReadOnlyList<Expectation> SortExpectations(IEnumerable<Expectation> expectations)
            => expectations
                .OrderBy(e => e.Locations.Length == 0 ? string.Empty : e.Locations[0].Path, StringComparer.Ordinal)
                .ThenBy(e => e.Locations.Length == 0 ? default : e.Locations[0].Span.Start)
                .ThenBy(e => e.Locations.Length == 0 ? default : e.Locations[0].Span.End)
                .ThenBy(e => e.Id, StringComparer.Ordinal)
                .ToList();

        // ------------------------------------------------------------------------------------------------
        // Workspace.

        internal IReadOnlyList<MetadataReference> References()
        {
            var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net80.References.All);
            if (ReferenceTorchSharpFacade)
            {
                references.Add(TorchSharpFacade.Reference);
            }

            references.AddRange(AdditionalReferences);
            return references;
        }

        internal Solution CreateSolution(IReadOnlyList<ProjectSpec> projects, Func<DocumentSpec, string>? transform = null)
        {
            var workspace = new AdhocWorkspace();
            var solution = workspace.CurrentSolution;
            var parseOptions = new CSharpParseOptions(LanguageVersion, DocumentationMode.Diagnose);
            var compilationOptions = new CSharpCompilationOptions(OutputKind, nullableContextOptions: NullableContextOptions, allowUnsafe: true);
            var references = References();
            ProjectId? mainId = null;
            foreach (var project in projects)
            {
                var projectId = ProjectId.CreateNewId(project.Name);
                mainId ??= projectId;
                solution = solution.AddProject(ProjectInfo.Create(
                    projectId,
                    VersionStamp.Default,
                    project.Name,
                    project.Name,
                    LanguageNames.CSharp,
                    filePath: "/" + project.Name + "/" + project.Name + ".csproj",
                    compilationOptions: compilationOptions,
                    parseOptions: parseOptions,
                    metadataReferences: references));
                if (project.ReferencesTestProject && projectId != mainId)
                {
                    solution = solution.AddProjectReference(projectId, new ProjectReference(mainId));
                }

                foreach (var document in project.Documents)
                {
                    var text = transform is null ? document.Text : transform(document);
                    solution = solution.AddDocument(DocumentId.CreateNewId(projectId, document.Name), document.Name, SourceText.From(text, Encoding.UTF8), filePath: document.FilePath);
                }

                if (AnalyzerConfigDocument is not null)
                {
                    solution = solution.AddAnalyzerConfigDocument(
                        DocumentId.CreateNewId(projectId, ".editorconfig"),
                        ".editorconfig",
                        SourceText.From(Markup.NormalizeLineEndings(AnalyzerConfigDocument), Encoding.UTF8),
                        filePath: "/.editorconfig");
                }
            }

            return solution;
        }

        /// <summary>The display path of a source file ("Test0.cs" in the tested project, "Other/Test0.cs" elsewhere).</summary>
        internal static string DisplayPath(string? filePath)
        {
            if (string.IsNullOrEmpty(filePath))
            {
                return "<no file>";
            }

            var prefix = "/" + TestProjectName + "/";
            return filePath!.StartsWith(prefix, StringComparison.Ordinal) ? filePath.Substring(prefix.Length) : filePath.TrimStart('/');
        }

        // ------------------------------------------------------------------------------------------------
        // Analysis.

        internal sealed class AnalysisResult
        {
            public List<Diagnostic> CompilerDiagnostics { get; } = new List<Diagnostic>();
            public List<Diagnostic> AnalyzerDiagnostics { get; } = new List<Diagnostic>();
            public List<Diagnostic> SuppressedAnalyzerDiagnostics { get; } = new List<Diagnostic>();
            public List<string> AnalyzerExceptions { get; } = new List<string>();
        }

        internal async Task<AnalysisResult> AnalyzeAsync(TAnalyzer analyzer, Solution solution)
        {
            var result = new AnalysisResult();
            foreach (var project in solution.Projects.OrderBy(p => p.Name == TestProjectName ? 0 : 1).ThenBy(p => p.Name, StringComparer.Ordinal))
            {
                var compilation = await project.GetCompilationAsync(CancellationToken).ConfigureAwait(false)
                                  ?? throw new InvalidOperationException("No compilation for " + project.Name);
                result.CompilerDiagnostics.AddRange(compilation.GetDiagnostics(CancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning));

                var exceptions = new ConcurrentQueue<string>();
                var options = new CompilationWithAnalyzersOptions(
                    project.AnalyzerOptions,
                    onAnalyzerException: (exception, failedAnalyzer, diagnostic) => exceptions.Enqueue($"{failedAnalyzer.GetType().Name} threw in project '{project.Name}': {exception}"),
                    concurrentAnalysis: true,
                    logAnalyzerExecutionTime: false,
                    reportSuppressedDiagnostics: true);
                var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), options);
                var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken).ConfigureAwait(false);
                foreach (var diagnostic in diagnostics)
                {
                    if (diagnostic.IsSuppressed)
                    {
                        result.SuppressedAnalyzerDiagnostics.Add(diagnostic);
                    }
                    else
                    {
                        result.AnalyzerDiagnostics.Add(diagnostic);
                    }
                }

                result.AnalyzerExceptions.AddRange(exceptions);
            }

            Sort(result.CompilerDiagnostics);
            Sort(result.AnalyzerDiagnostics);
            return result;
        }

        private static void Sort(List<Diagnostic> diagnostics)
        {
            var sorted = diagnostics
                .OrderBy(d => d.Location.IsInSource ? DisplayPath(d.Location.SourceTree!.FilePath) : string.Empty, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ThenBy(d => d.Location.SourceSpan.End)
                .ThenBy(d => d.Id, StringComparer.Ordinal)
                .ThenBy(d => d.GetMessage(CultureInfo.InvariantCulture), StringComparer.Ordinal)
                .ToList();
            diagnostics.Clear();
            diagnostics.AddRange(sorted);
        }

        /// <summary>Fails on analyzer exceptions (AD0001) and on diagnostics whose id the analyzer does not declare.</summary>
        internal static void AssertAnalyzerHealthy(TAnalyzer analyzer, AnalysisResult result, string pass)
        {
            if (result.AnalyzerExceptions.Count > 0)
            {
                Fail($"{pass}: the analyzer threw (users would see AD0001):{Environment.NewLine}{string.Join(Environment.NewLine + Environment.NewLine, result.AnalyzerExceptions)}");
            }

            var supported = new HashSet<string>(analyzer.SupportedDiagnostics.Select(d => d.Id), StringComparer.Ordinal);
            var unsupported = result.AnalyzerDiagnostics.Concat(result.SuppressedAnalyzerDiagnostics).Where(d => !supported.Contains(d.Id)).ToList();
            if (unsupported.Count > 0)
            {
                Fail($"{pass}: the analyzer reported diagnostic ids it does not list in SupportedDiagnostics ({string.Join(", ", supported)}):{Environment.NewLine}{FormatDiagnostics(unsupported)}");
            }
        }

        /// <summary>Compiler errors (and warnings when asked) must be none, or equal ExpectedCompilerDiagnostics.</summary>
        internal void AssertCompilerDiagnostics(AnalysisResult result, IReadOnlyList<Expectation> expectedCompiler, string pass, string sourcesText)
        {
            var relevant = result.CompilerDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error || (FailOnCompilerWarnings && d.Severity == DiagnosticSeverity.Warning))
                .ToList();
            if (expectedCompiler.Count == 0)
            {
                if (relevant.Count > 0)
                {
                    Fail($"{pass}: the test sources do not compile cleanly ({relevant.Count} compiler {(FailOnCompilerWarnings ? "errors/warnings" : "errors")}):{Environment.NewLine}{FormatDiagnostics(relevant)}{Environment.NewLine}{sourcesText}");
                }

                return;
            }

            AssertDiagnosticsEqual(expectedCompiler, relevant, $"{pass} (compiler diagnostics)");
        }

        internal async Task RunAnalyzerChecksAsync(TAnalyzer analyzer, TestState state)
        {
            var solution = CreateSolution(state.Projects);
            var result = await AnalyzeAsync(analyzer, solution).ConfigureAwait(false);
            AssertCompilerDiagnostics(result, state.ExpectedCompiler, "Compiling the test sources", DescribeSources(state.Projects));
            AssertAnalyzerHealthy(analyzer, result, "Analyzing the test sources");
            AssertDiagnosticsEqual(state.Expected, result.AnalyzerDiagnostics, "Analyzer diagnostics");

            if (state.Expected.Count == 0)
            {
                return;
            }

            if (!SkipGeneratedCodeCheck)
            {
                var generated = CreateSolution(state.Projects, document => "// <auto-generated/>\n" + document.Text);
                var generatedResult = await AnalyzeAsync(analyzer, generated).ConfigureAwait(false);
                AssertAnalyzerHealthy(analyzer, generatedResult, "Auto-generated pass");
                if (generatedResult.AnalyzerDiagnostics.Count > 0)
                {
                    Fail("Auto-generated pass: with every source prefixed by '// <auto-generated/>' the analyzer still reports diagnostics (call context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None), or set SkipGeneratedCodeCheck):"
                         + Environment.NewLine + FormatDiagnostics(generatedResult.AnalyzerDiagnostics));
                }
            }

            if (!SkipSuppressionCheck)
            {
                var ids = string.Join(", ", analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal));
                // '#pragma warning disable' at the top of each file, and again just before each line where a
                // diagnostic starts (so that a '#pragma warning restore' in the test source does not undo it).
                var directive = "#pragma warning disable " + ids;
                var linesByFile = result.AnalyzerDiagnostics
                    .Where(d => d.Location.IsInSource)
                    .GroupBy(d => DisplayPath(d.Location.SourceTree!.FilePath))
                    .ToDictionary(g => g.Key, g => new HashSet<int>(g.Select(d => d.Location.GetLineSpan().StartLinePosition.Line)));
                var pragma = CreateSolution(state.Projects, document =>
                {
                    var lines = document.Text.Split('\n').ToList();
                    if (linesByFile.TryGetValue(document.DisplayPath, out var diagnosticLines))
                    {
                        foreach (var line in diagnosticLines.OrderByDescending(l => l))
                        {
                            lines.Insert(line, directive);
                        }
                    }

                    return directive + "\n" + string.Join("\n", lines);
                });
                var pragmaResult = await AnalyzeAsync(analyzer, pragma).ConfigureAwait(false);
                AssertAnalyzerHealthy(analyzer, pragmaResult, "Pragma pass");
                if (pragmaResult.AnalyzerDiagnostics.Count > 0)
                {
                    Fail($"Pragma pass: with '{directive}' at the top of every source and before every diagnostic's line, these diagnostics are still reported (not suppressed):"
                         + Environment.NewLine + FormatDiagnostics(pragmaResult.AnalyzerDiagnostics));
                }
            }
        }

        // ------------------------------------------------------------------------------------------------
        // Comparison and formatting.

        internal static void AssertDiagnosticsEqual(IReadOnlyList<Expectation> expected, IReadOnlyList<Diagnostic> actual, string title)
        {
            var unmatchedActual = actual.ToList();
            var missing = new List<Expectation>();
            foreach (var expectation in expected)
            {
                var index = unmatchedActual.FindIndex(d => Matches(expectation, d));
                if (index < 0)
                {
                    missing.Add(expectation);
                }
                else
                {
                    unmatchedActual.RemoveAt(index);
                }
            }

            if (missing.Count == 0 && unmatchedActual.Count == 0)
            {
                return;
            }

            var sb = new StringBuilder();
            sb.Append(title).Append(": expected ").Append(expected.Count).Append(", actual ").Append(actual.Count).AppendLine(".");
            if (missing.Count > 0)
            {
                sb.AppendLine("Expected but not reported (or reported differently):");
                foreach (var m in missing)
                {
                    sb.Append("    ").AppendLine(m.ToString());
                }
            }

            if (unmatchedActual.Count > 0)
            {
                sb.AppendLine("Reported but not expected:");
                foreach (var d in unmatchedActual)
                {
                    sb.Append("    ").AppendLine(FormatDiagnostic(d));
                }
            }

            sb.AppendLine("Expected (all):");
            foreach (var e in expected)
            {
                sb.Append("    ").Append(e).AppendLine(",");
            }

            sb.AppendLine("Actual (all, copy-pasteable):");
            foreach (var d in actual)
            {
                sb.Append("    ").Append(FormatDiagnostic(d)).AppendLine(",");
            }

            Fail(sb.ToString());
        }

        private static bool Matches(Expectation expected, Diagnostic actual)
        {
            if (actual.Id != expected.Id || actual.Severity != expected.Severity)
            {
                return false;
            }

            if (expected.Message is not null && actual.GetMessage(CultureInfo.InvariantCulture) != expected.Message)
            {
                return false;
            }

            if (expected.Locations.Length == 0)
            {
                return !actual.Location.IsInSource;
            }

            if (!LocationEquals(expected.Locations[0], actual.Location))
            {
                return false;
            }

            if (expected.Locations.Length > 1)
            {
                if (actual.AdditionalLocations.Count != expected.Locations.Length - 1)
                {
                    return false;
                }

                for (var i = 1; i < expected.Locations.Length; i++)
                {
                    if (!LocationEquals(expected.Locations[i], actual.AdditionalLocations[i - 1]))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool LocationEquals((string Path, LinePositionSpan Span) expected, Location actual)
        {
            if (!actual.IsInSource)
            {
                return false;
            }

            var lineSpan = actual.GetLineSpan();
            return DisplayPath(actual.SourceTree!.FilePath) == expected.Path && lineSpan.Span == expected.Span;
        }

        private static string FormatSpan(string path, LinePositionSpan span)
            => $".WithSpan({DiagnosticResult.CSharpLiteral(path)}, {span.Start.Line + 1}, {span.Start.Character + 1}, {span.End.Line + 1}, {span.End.Character + 1})";

        /// <summary>A diagnostic as the C# expectation that would match it.</summary>
        internal static string FormatDiagnostic(Diagnostic diagnostic)
        {
            var sb = new StringBuilder("Diagnostic(").Append(DiagnosticResult.CSharpLiteral(diagnostic.Id)).Append(')');
            foreach (var location in new[] { diagnostic.Location }.Concat(diagnostic.AdditionalLocations))
            {
                if (location.IsInSource)
                {
                    sb.Append(FormatSpan(DisplayPath(location.SourceTree!.FilePath), location.GetLineSpan().Span));
                }
            }

            sb.Append(".WithSeverity(DiagnosticSeverity.").Append(diagnostic.Severity).Append(')');
            sb.Append(".WithMessage(").Append(DiagnosticResult.CSharpLiteral(diagnostic.GetMessage(CultureInfo.InvariantCulture))).Append(')');
            if (diagnostic.IsSuppressed)
            {
                sb.Append(" /* suppressed */");
            }

            return sb.ToString();
        }

        internal static string FormatDiagnostics(IEnumerable<Diagnostic> diagnostics)
            => string.Join(Environment.NewLine, diagnostics.Select(d => "    " + FormatDiagnostic(d)));

        internal static string DescribeSources(IReadOnlyList<ProjectSpec> projects)
        {
            var sb = new StringBuilder();
            foreach (var project in projects)
            {
                foreach (var document in project.Documents)
                {
                    sb.Append("----- ").Append(document.DisplayPath).AppendLine(" -----");
                    var lines = document.Text.Split('\n');
                    for (var i = 0; i < lines.Length; i++)
                    {
                        sb.Append((i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(4)).Append(": ").AppendLine(lines[i]);
                    }
                }
            }

            return sb.ToString();
        }

        internal static void Fail(string message) => Assert.Fail(message);
    }
}
