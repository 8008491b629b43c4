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
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Verification
{
    /// <summary>
    /// The checks the product relies on that Microsoft.CodeAnalysis.Testing does not make, run after the standard test
    /// passed (<see cref="FocalAnalyzerTest{TAnalyzer}"/>, <see cref="FocalCodeFixTest{TAnalyzer, TCodeFix}"/>):
    /// nothing reported in <c>// &lt;auto-generated/&gt;</c> code; <c>#pragma warning disable</c> before each diagnostic
    /// suppresses it; a fix adds no compiler warning; FixAll providers are never null; the <c>dotnet format</c> replay
    /// (per id, the first registered action's equivalence key, FixAll over the solution). Each works on the sources
    /// with markup removed, compiled with the same references and options as the standard test.
    /// </summary>
    internal sealed class ProductChecks
    {
        private readonly ImmutableArray<DiagnosticAnalyzer> analyzers;
        private readonly CSharpParseOptions parseOptions;
        private readonly CSharpCompilationOptions compilationOptions;
        private readonly ImmutableArray<MetadataReference> references;
        private readonly CancellationToken cancellationToken;

        public ProductChecks(IEnumerable<DiagnosticAnalyzer> analyzers, CSharpParseOptions parseOptions, CSharpCompilationOptions compilationOptions, IEnumerable<MetadataReference> references, CancellationToken cancellationToken)
        {
            this.analyzers = analyzers.ToImmutableArray();
            this.parseOptions = parseOptions;
            this.compilationOptions = compilationOptions;
            this.references = references.ToImmutableArray();
            this.cancellationToken = cancellationToken;
        }

        /// <summary>The result of compiling and analysing one project.</summary>
        internal sealed class Analysis
        {
            public List<Diagnostic> Compiler { get; } = new List<Diagnostic>();

            public List<Diagnostic> Analyzer { get; } = new List<Diagnostic>();

            public List<string> Exceptions { get; } = new List<string>();
        }

        /// <summary>A one-project solution of <paramref name="sources"/> (file paths as the standard test names them, e.g. /0/Test0.cs).</summary>
        public Solution CreateSolution(IEnumerable<(string Path, string Text)> sources)
        {
            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId("TestProject");
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                projectId, VersionStamp.Default, "TestProject", "TestProject", LanguageNames.CSharp,
                compilationOptions: compilationOptions, parseOptions: parseOptions, metadataReferences: references));
            foreach (var (path, text) in sources)
            {
                solution = solution.AddDocument(DocumentId.CreateNewId(projectId, path), path, SourceText.From(text, Encoding.UTF8), filePath: path);
            }

            return solution;
        }

        /// <summary>Compiler warnings and errors only (no analyzer runs).</summary>
        public async Task<Analysis> CompileAsync(Solution solution)
        {
            var result = new Analysis();
            var compilation = (await solution.Projects.Single().GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
            result.Compiler.AddRange(compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning));
            return result;
        }

        /// <summary>Compiler warnings and errors, and the analyzers' unsuppressed diagnostics, as a build would report them (computed once per solution snapshot).</summary>
        public Task<Analysis> AnalyzeAsync(Solution solution)
        {
            lock (analyses)
            {
                if (!analyses.TryGetValue(solution, out var analysis))
                {
                    analysis = AnalyzeCoreAsync(solution);
                    analyses.Add(solution, analysis);
                }

                return analysis;
            }
        }

        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Solution, Task<Analysis>> analyses = new();

        private async Task<Analysis> AnalyzeCoreAsync(Solution solution)
        {
            var result = new Analysis();
            var project = solution.Projects.Single();
            var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
            result.Compiler.AddRange(compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning));
            var exceptions = new ConcurrentQueue<string>();
            var options = new CompilationWithAnalyzersOptions(
                project.AnalyzerOptions,
                onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue(analyzer.GetType().Name + " threw: " + exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
            result.Analyzer.AddRange(diagnostics.Where(d => !d.IsSuppressed).OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start));
            result.Exceptions.AddRange(exceptions);
            return result;
        }

        /// <summary>
        /// With <c>// &lt;auto-generated/&gt;</c> at the top of every source, the analyzers report nothing in source
        /// (generated code is not the user's to fix: <c>ConfigureGeneratedCodeAnalysis(None)</c>).
        /// </summary>
        public async Task VerifyNothingReportedInGeneratedCodeAsync(IReadOnlyList<(string Path, string Text)> sources)
        {
            var generated = await AnalyzeAsync(CreateSolution(sources.Select(s => (s.Path, "// <auto-generated/>\n" + s.Text)))).ConfigureAwait(false);
            AssertNoExceptions(generated, "Generated-code pass");
            var reported = generated.Analyzer.Where(d => d.Location.IsInSource).ToList();
            if (reported.Count > 0)
            {
                Assert.Fail("Generated-code pass: with '// <auto-generated/>' at the top of every source the analyzer still reports "
                            + "(configure generated code analysis as None):" + Environment.NewLine + Format(reported));
            }
        }

        /// <summary>
        /// With <c>#pragma warning disable</c> of the reported ids at the top of every source and again on the line before
        /// each diagnostic (so that a <c>#pragma warning restore</c> in the source does not undo it), nothing is reported.
        /// <paramref name="original"/> is the analysis of <paramref name="sources"/>.
        /// </summary>
        public async Task VerifyPragmaSuppressesEachDiagnosticAsync(IReadOnlyList<(string Path, string Text)> sources, Analysis original)
        {
            var inSource = original.Analyzer.Where(d => d.Location.IsInSource).ToList();
            if (inSource.Count == 0)
            {
                return;
            }

            var directive = "#pragma warning disable " + string.Join(", ", inSource.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal));
            var linesByFile = inSource.GroupBy(d => d.Location.SourceTree!.FilePath)
                .ToDictionary(g => g.Key, g => g.Select(d => d.Location.GetLineSpan().StartLinePosition.Line).Distinct().OrderByDescending(l => l).ToList());
            var suppressed = sources.Select(s =>
            {
                var lines = s.Text.Split('\n').ToList();
                if (linesByFile.TryGetValue(s.Path, out var diagnosticLines))
                {
                    foreach (var line in diagnosticLines)
                    {
                        lines.Insert(line, directive);
                    }
                }

                return (s.Path, directive + "\n" + string.Join("\n", lines));
            });
            var result = await AnalyzeAsync(CreateSolution(suppressed)).ConfigureAwait(false);
            AssertNoExceptions(result, "Pragma pass");
            var reported = result.Analyzer.Where(d => d.Location.IsInSource).ToList();
            if (reported.Count > 0)
            {
                Assert.Fail($"Pragma pass: with '{directive}' at the top of every source and on the line before every diagnostic, these are still reported:"
                            + Environment.NewLine + Format(reported));
            }
        }

        /// <summary>The code after a fix has no compiler warning that the original code did not have (compared by id and message: locations move).</summary>
        public static void VerifyNoNewCompilerWarnings(Analysis original, Analysis fixedCode, string pass)
        {
            var pool = original.Compiler.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(Key).ToList();
            var added = new List<Diagnostic>();
            foreach (var warning in fixedCode.Compiler.Where(d => d.Severity == DiagnosticSeverity.Warning))
            {
                if (!pool.Remove(Key(warning)))
                {
                    added.Add(warning);
                }
            }

            if (added.Count > 0)
            {
                Assert.Fail($"{pass}: the fix introduced compiler warnings:" + Environment.NewLine + Format(added));
            }

            static string Key(Diagnostic d) => d.Id + "\u0001" + d.GetMessage(CultureInfo.InvariantCulture);
        }

        /// <summary>Every fixer offers a FixAll provider: users get 'Fix all', and dotnet format can apply the fix.</summary>
        public static void VerifyFixAllProvidersNotNull(IEnumerable<CodeFixProvider> fixers)
        {
            foreach (var fixer in fixers)
            {
                if (fixer.GetFixAllProvider() is null)
                {
                    Assert.Fail($"{fixer.GetType().Name}.GetFixAllProvider() returned null: users get no 'Fix all', and dotnet format cannot apply the fix.");
                }
            }
        }

        /// <summary>
        /// Replays <c>dotnet format analyzers</c>: for each fixable id (in order), the equivalence key of the first action
        /// registered for the first diagnostic with that id, applied once by FixAll in Solution scope. Returns the result
        /// and, per id, the key applied.
        /// </summary>
        public async Task<(Solution Solution, Dictionary<string, string> FirstKeys)> ReplayDotnetFormatAsync(Solution solution, IReadOnlyList<CodeFixProvider> fixers)
        {
            var firstKeys = new Dictionary<string, string>(StringComparer.Ordinal);
            var ids = (await AnalyzeAsync(solution).ConfigureAwait(false)).Analyzer
                .Where(d => d.Location.IsInSource && fixers.Any(f => f.FixableDiagnosticIds.Contains(d.Id)))
                .Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal).ToList();
            foreach (var id in ids)
            {
                var first = (await AnalyzeAsync(solution).ConfigureAwait(false)).Analyzer.FirstOrDefault(d => d.Id == id && d.Location.IsInSource);
                if (first is null)
                {
                    continue;
                }

                var document = solution.GetDocument(first.Location.SourceTree)!;
                foreach (var fixer in fixers.Where(f => f.FixableDiagnosticIds.Contains(id)))
                {
                    var actions = new List<CodeAction>();
                    await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, first, (action, _) => actions.Add(action), cancellationToken)).ConfigureAwait(false);
                    if (actions.Count == 0)
                    {
                        continue;
                    }

                    var key = actions[0].EquivalenceKey;
                    if (key is null)
                    {
                        Assert.Fail($"dotnet format replay: the first action registered for {id} ('{actions[0].Title}') has no equivalence key, so dotnet format cannot apply it.");
                    }

                    firstKeys[id] = key!;
                    var provider = fixer.GetFixAllProvider()!;
                    var context = new FixAllContext(document, fixer, FixAllScope.Solution, key!, new[] { id }, new DiagnosticProvider(this, id), cancellationToken);
                    var fixAll = await provider.GetFixAsync(context).ConfigureAwait(false);
                    if (fixAll is null)
                    {
                        Assert.Fail($"dotnet format replay: {fixer.GetType().Name}'s FixAll provider returned no action for {id} with key '{key}'.");
                    }

                    var operations = await fixAll!.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
                    solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
                    break;
                }
            }

            return (solution, firstKeys);
        }

        /// <summary>Each document of <paramref name="actual"/> has the text given for its path in <paramref name="expected"/>.</summary>
        public static async Task VerifyTextsAsync(Solution actual, IReadOnlyList<(string Path, string Text)> expected, string pass)
        {
            var failures = new StringBuilder();
            var documents = actual.Projects.Single().Documents.ToList();
            foreach (var (path, text) in expected)
            {
                var document = documents.SingleOrDefault(d => d.FilePath == path);
                if (document is null)
                {
                    failures.AppendLine($"'{path}' is missing.");
                    continue;
                }

                var actualText = Normalize((await document.GetTextAsync().ConfigureAwait(false)).ToString());
                if (actualText != Normalize(text))
                {
                    failures.AppendLine($"'{path}' differs from the expected source. Expected:").AppendLine(Normalize(text)).AppendLine("Actual:").AppendLine(actualText);
                }
            }

            if (documents.Count != expected.Count)
            {
                failures.AppendLine($"{documents.Count} documents, expected {expected.Count}.");
            }

            if (failures.Length > 0)
            {
                Assert.Fail($"{pass}: the result differs from the expected sources." + Environment.NewLine + failures);
            }
        }

        /// <summary>No analyzer threw (users would see AD0001).</summary>
        public static void AssertNoExceptions(Analysis analysis, string pass)
        {
            if (analysis.Exceptions.Count > 0)
            {
                Assert.Fail($"{pass}: the analyzer threw (users would see AD0001):" + Environment.NewLine + string.Join(Environment.NewLine, analysis.Exceptions));
            }
        }

        public static string Format(IEnumerable<Diagnostic> diagnostics) =>
            string.Join(Environment.NewLine, diagnostics.Select(d => "    " + d.ToString()));

        private static string Normalize(string text) => text.Replace("\r\n", "\n");

        /// <summary>The diagnostics FixAll asks for: the analyzers' unsuppressed diagnostics with one id.</summary>
        private sealed class DiagnosticProvider : FixAllContext.DiagnosticProvider
        {
            private readonly ProductChecks checks;
            private readonly string id;

            public DiagnosticProvider(ProductChecks checks, string id)
            {
                this.checks = checks;
                this.id = id;
            }

            public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                await GetAsync(project).ConfigureAwait(false);

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                (await GetAsync(document.Project).ConfigureAwait(false)).Where(d => d.Location.SourceTree?.FilePath == document.FilePath);

            public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                (await GetAsync(project).ConfigureAwait(false)).Where(d => !d.Location.IsInSource);

            private async Task<IEnumerable<Diagnostic>> GetAsync(Project project) =>
                (await checks.AnalyzeAsync(project.Solution).ConfigureAwait(false)).Analyzer.Where(d => d.Id == id);
        }
    }
}
