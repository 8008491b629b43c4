using System;
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

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>
    /// Code fix test: everything <see cref="AnalyzerTest{TAnalyzer}"/> checks, then the fix applied one diagnostic at a
    /// time, by FixAll in Document, Project and Solution scope, and by a replay of <c>dotnet format analyzers</c>; each
    /// result must equal <see cref="FixedSources"/> (or <see cref="FormatFixedSources"/> for the replay), compile
    /// without errors or new warnings, leave exactly <see cref="FixedExpectedDiagnostics"/>, and re-parse to the tree the
    /// fix produced.
    /// </summary>
    public class CodeFixTest<TAnalyzer, TCodeFix> : AnalyzerTest<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        /// <summary>Expected sources of the tested project after fixing (markup marks diagnostics that legitimately remain).</summary>
        public SourceFileList FixedSources { get; } = new SourceFileList();

        /// <summary>Analyzer diagnostics that legitimately remain after the fix, besides markup in <see cref="FixedSources"/> (default none).</summary>
        public List<DiagnosticResult> FixedExpectedDiagnostics { get; } = new List<DiagnosticResult>();

        /// <summary>Selects the code action by equivalence key (checked against <see cref="CodeActionIndex"/> when both are set).</summary>
        public string? CodeActionEquivalenceKey { get; set; }

        /// <summary>Selects the code action by its index among the actions offered for a diagnostic (nested actions flattened); default 0, the first.</summary>
        public int? CodeActionIndex { get; set; }

        /// <summary>
        /// The exact number of fix applications the one-by-one pass must take. Default: at most the number of fixable
        /// diagnostics in the sources (more means the fix does not converge).
        /// </summary>
        public int? NumberOfIncrementalIterations { get; set; }

        /// <summary>
        /// Upper limit on FixAll applications per scope (exact for Solution scope). Default: one per document (Document
        /// scope), one per project (Project scope), one (Solution scope).
        /// </summary>
        public int? NumberOfFixAllIterations { get; set; }

        /// <summary>Expected sources after the <c>dotnet format</c> replay (first registered action, FixAll in Solution scope); default <see cref="FixedSources"/>.</summary>
        public SourceFileList FormatFixedSources { get; } = new SourceFileList();

        /// <summary>Skips the <c>dotnet format</c> replay; requires <see cref="SkipFormatReplayReason"/>.</summary>
        public bool SkipFormatReplay { get; set; }

        /// <summary>Why the replay is skipped.</summary>
        public string? SkipFormatReplayReason { get; set; }

        /// <summary>Skips the FixAll passes (only for fixes that deliberately offer no FixAll); default false.</summary>
        public bool SkipFixAllCheck { get; set; }

        /// <inheritdoc />
        public override async Task RunAsync()
        {
            var analyzer = new TAnalyzer();
            var codeFix = new TCodeFix();
            var state = PrepareState(analyzer);
            await RunAnalyzerChecksAsync(analyzer, state).ConfigureAwait(false);

            if (FixedSources.Count == 0)
            {
                Fail("A CodeFixTest needs FixedSources (use the unchanged source when no fix is expected).");
            }

            if (SkipFormatReplay && string.IsNullOrWhiteSpace(SkipFormatReplayReason))
            {
                Fail("SkipFormatReplay needs a SkipFormatReplayReason.");
            }

            var fixableIds = codeFix.FixableDiagnosticIds.ToImmutableHashSet(StringComparer.Ordinal);
            var expectedIds = state.Expected.Select(e => e.Id).Distinct().ToList();
            if (expectedIds.Count > 0 && !expectedIds.Any(fixableIds.Contains))
            {
                Fail($"{typeof(TCodeFix).Name}.FixableDiagnosticIds ({string.Join(", ", fixableIds)}) contain none of the expected diagnostic ids ({string.Join(", ", expectedIds)}).");
            }

            var fixedState = BuildFixedState(analyzer, FixedSources, p => p.EffectiveFixedSources, FixedExpectedDiagnostics, "FixedSources");
            var original = CreateSolution(state.Projects);
            var originalResult = await AnalyzeAsync(analyzer, original).ConfigureAwait(false);
            var initialFixable = Fixable(originalResult, fixableIds);

            // a. One diagnostic at a time.
            var incremental = await FixIncrementallyAsync(analyzer, codeFix, fixableIds, original, initialFixable.Count).ConfigureAwait(false);
            await AssertFixedAsync(analyzer, originalResult, incremental, fixedState, "One-by-one fix").ConfigureAwait(false);

            // b. FixAll in each scope with the selected action's equivalence key.
            // Nothing to fix all (or to replay) when the selected action is offered for no diagnostic.
            var (offered, key) = await SelectedEquivalenceKeyAsync(codeFix, original, initialFixable).ConfigureAwait(false);
            if (!SkipFixAllCheck && offered)
            {
                if (key is null)
                {
                    Fail($"{typeof(TCodeFix).Name}: the selected code action has no EquivalenceKey, so FixAll (and dotnet format) cannot apply it.");
                }

                foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution })
                {
                    var limit = NumberOfFixAllIterations ?? scope switch
                    {
                        FixAllScope.Document => initialFixable.Select(d => d.Location.SourceTree!.FilePath).Distinct().Count(),
                        FixAllScope.Project => initialFixable.Select(d => ProjectOf(original, d).Id).Distinct().Count(),
                        _ => 1,
                    };
                    var fixedAll = await FixAllAsync(analyzer, codeFix, fixableIds, original, scope, key!, fixableIds, limit, exact: scope == FixAllScope.Solution && NumberOfFixAllIterations is not null, $"FixAll ({scope})").ConfigureAwait(false);
                    await AssertFixedAsync(analyzer, originalResult, fixedAll, fixedState, $"FixAll in {scope} scope").ConfigureAwait(false);
                }
            }

            // c. dotnet format analyzers: per diagnostic id, the first registered action's key, FixAll in Solution scope.
            if (!SkipFormatReplay && offered)
            {
                var selectsFirst = await SelectsFirstActionAsync(codeFix, original, initialFixable).ConfigureAwait(false);
                var formatState = fixedState;
                var anyFormatSources = FormatFixedSources.Count > 0 || AdditionalProjects.Values.Any(p => p.FormatFixedSources.Count > 0);
                if (anyFormatSources)
                {
                    formatState = BuildFixedState(
                        analyzer,
                        FormatFixedSources.Count > 0 ? FormatFixedSources : FixedSources,
                        p => p.FormatFixedSources.Count > 0 ? p.FormatFixedSources : p.EffectiveFixedSources,
                        FixedExpectedDiagnostics,
                        "FormatFixedSources");
                }
                else if (!selectsFirst)
                {
                    Fail("The test selects a code action other than the first registered one, but dotnet format applies the first: provide FormatFixedSources, or set SkipFormatReplay with a SkipFormatReplayReason.");
                }

                var formatted = await ReplayDotnetFormatAsync(analyzer, codeFix, fixableIds, original).ConfigureAwait(false);
                await AssertFixedAsync(analyzer, originalResult, formatted, formatState, "dotnet format replay").ConfigureAwait(false);
            }
        }

        private TestState BuildFixedState(TAnalyzer analyzer, SourceFileList mainSources, Func<TestProject, IEnumerable<(string Name, string Text)>> additional, IEnumerable<DiagnosticResult> expected, string what)
        {
            var projects = new List<(string Name, IEnumerable<(string Name, string Text)> Sources, bool References)>
            {
                (TestProjectName, mainSources, false),
            };
            projects.AddRange(AdditionalProjects.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, additional(p.Value), p.Value.ReferencesTestProject)));
            return BuildState(analyzer, projects, expected, Array.Empty<DiagnosticResult>(), what);
        }

        // ------------------------------------------------------------------------------------------------
        // Code actions.

        private static List<Diagnostic> Fixable(AnalysisResult result, ImmutableHashSet<string> fixableIds)
            => result.AnalyzerDiagnostics.Where(d => fixableIds.Contains(d.Id) && d.Location.IsInSource).ToList();

        private static Project ProjectOf(Solution solution, Diagnostic diagnostic)
            => DocumentOf(solution, diagnostic).Project;

        private static Document DocumentOf(Solution solution, Diagnostic diagnostic)
        {
            var path = diagnostic.Location.SourceTree!.FilePath;
            return solution.Projects.SelectMany(p => p.Documents).First(d => d.FilePath == path);
        }

        private async Task<List<CodeAction>> GetActionsAsync(TCodeFix codeFix, Document document, Diagnostic diagnostic, bool flatten)
        {
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken);
            await codeFix.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            if (!flatten)
            {
                return actions;
            }

            var flat = new List<CodeAction>();
            void Add(CodeAction action)
            {
                if (action.NestedActions.IsDefaultOrEmpty)
                {
                    flat.Add(action);
                }
                else
                {
                    foreach (var nested in action.NestedActions)
                    {
                        Add(nested);
                    }
                }
            }

            actions.ForEach(Add);
            return flat;
        }

        private CodeAction? Select(List<CodeAction> actions)
        {
            if (CodeActionEquivalenceKey is not null)
            {
                var index = actions.FindIndex(a => a.EquivalenceKey == CodeActionEquivalenceKey);
                if (index < 0)
                {
                    return null;
                }

                if (CodeActionIndex is { } expectedIndex && expectedIndex != index)
                {
                    Fail($"The code action with EquivalenceKey '{CodeActionEquivalenceKey}' is at index {index}, not at CodeActionIndex {expectedIndex}. Offered: {Describe(actions)}");
                }

                return actions[index];
            }

            var i = CodeActionIndex ?? 0;
            return i < actions.Count ? actions[i] : null;
        }

        private static string Describe(IEnumerable<CodeAction> actions)
            => string.Join("; ", actions.Select((a, i) => $"[{i}] '{a.Title}' (key {(a.EquivalenceKey is null ? "null" : DiagnosticResult.CSharpLiteral(a.EquivalenceKey))})"));

        private async Task<(bool Offered, string? Key)> SelectedEquivalenceKeyAsync(TCodeFix codeFix, Solution solution, List<Diagnostic> fixable)
        {
            foreach (var diagnostic in fixable)
            {
                var action = Select(await GetActionsAsync(codeFix, DocumentOf(solution, diagnostic), diagnostic, flatten: true).ConfigureAwait(false));
                if (action is not null)
                {
                    return (true, action.EquivalenceKey);
                }
            }

            return (false, null);
        }

        private async Task<bool> SelectsFirstActionAsync(TCodeFix codeFix, Solution solution, List<Diagnostic> fixable)
        {
            if (CodeActionEquivalenceKey is null)
            {
                return (CodeActionIndex ?? 0) == 0;
            }

            foreach (var diagnostic in fixable)
            {
                var actions = await GetActionsAsync(codeFix, DocumentOf(solution, diagnostic), diagnostic, flatten: false).ConfigureAwait(false);
                if (actions.Count > 0)
                {
                    return actions[0].EquivalenceKey == CodeActionEquivalenceKey && (CodeActionIndex ?? 0) == 0;
                }
            }

            return true;
        }

        private async Task<Solution> ApplyAsync(CodeAction action, Solution before, string pass)
        {
            var operations = await action.GetOperationsAsync(CancellationToken).ConfigureAwait(false);
            var apply = operations.OfType<ApplyChangesOperation>().ToList();
            if (apply.Count != 1)
            {
                Fail($"{pass}: code action '{action.Title}' returned {apply.Count} ApplyChangesOperation(s); expected exactly one.");
            }

            var after = apply[0].ChangedSolution;
            var changed = await ChangedDocumentsAsync(before, after).ConfigureAwait(false);
            if (changed.Count == 0)
            {
                Fail($"{pass}: code action '{action.Title}' (key {action.EquivalenceKey ?? "null"}) changed nothing (a no-op fix).");
            }

            foreach (var document in changed)
            {
                await AssertReparsesToSameTreeAsync(document, pass, action).ConfigureAwait(false);
            }

            return after;
        }

        private static async Task<List<Document>> ChangedDocumentsAsync(Solution before, Solution after)
        {
            var changed = new List<Document>();
            foreach (var project in after.Projects)
            {
                foreach (var document in project.Documents)
                {
                    var old = before.GetDocument(document.Id);
                    var newText = (await document.GetTextAsync().ConfigureAwait(false)).ToString();
                    var oldText = old is null ? null : (await old.GetTextAsync().ConfigureAwait(false)).ToString();
                    if (newText != oldText)
                    {
                        changed.Add(document);
                    }
                }
            }

            return changed;
        }

        /// <summary>The printed text of a fixed document must parse back to the tree the fix built (catches missing parentheses).</summary>
        private async Task AssertReparsesToSameTreeAsync(Document document, string pass, CodeAction action)
        {
            var root = await document.GetSyntaxRootAsync(CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            var text = root.ToFullString();
            var reparsed = CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)document.Project.ParseOptions!, cancellationToken: CancellationToken).GetRoot(CancellationToken);
            if (reparsed.IsEquivalentTo(root, topLevel: false))
            {
                return;
            }

            var built = root.DescendantNodesAndSelf().ToList();
            var parsed = reparsed.DescendantNodesAndSelf().ToList();
            var detail = string.Empty;
            for (var i = 0; i < Math.Min(built.Count, parsed.Count); i++)
            {
                if (built[i].RawKind != parsed[i].RawKind)
                {
                    detail = $"{Environment.NewLine}First difference: the fix built {built[i].Kind()} '{built[i]}' where its text parses as {parsed[i].Kind()} '{parsed[i]}' (missing parentheses?).";
                    break;
                }
            }

            Fail($"{pass}: code action '{action.Title}' produced a syntax tree for '{DisplayPath(document.FilePath)}' that its own text does not parse back to.{detail}{Environment.NewLine}Text:{Environment.NewLine}{text}");
        }

        // ------------------------------------------------------------------------------------------------
        // Passes.

        private async Task<Solution> FixIncrementallyAsync(TAnalyzer analyzer, TCodeFix codeFix, ImmutableHashSet<string> fixableIds, Solution solution, int initialFixableCount)
        {
            var limit = NumberOfIncrementalIterations ?? initialFixableCount;
            var iterations = 0;
            var offered = new List<string>();
            while (true)
            {
                var result = await AnalyzeAsync(analyzer, solution).ConfigureAwait(false);
                AssertAnalyzerHealthy(analyzer, result, $"One-by-one fix, iteration {iterations + 1}");
                CodeAction? chosen = null;
                foreach (var diagnostic in Fixable(result, fixableIds))
                {
                    var actions = await GetActionsAsync(codeFix, DocumentOf(solution, diagnostic), diagnostic, flatten: true).ConfigureAwait(false);
                    if (actions.Count > 0 && offered.Count < 5)
                    {
                        offered.Add($"{FormatDiagnostic(diagnostic)}: {Describe(actions)}");
                    }

                    chosen = Select(actions);
                    if (chosen is not null)
                    {
                        break;
                    }
                }

                if (chosen is null)
                {
                    break;
                }

                if (iterations >= limit)
                {
                    Fail($"One-by-one fix: still fixable after {iterations} iteration(s) (limit {limit}{(NumberOfIncrementalIterations is null ? ", the number of fixable diagnostics in the sources" : string.Empty)}): the fix does not converge (infinite fix loop?), or set NumberOfIncrementalIterations.{Environment.NewLine}Current text:{Environment.NewLine}{await DescribeSolutionAsync(solution).ConfigureAwait(false)}");
                }

                solution = await ApplyAsync(chosen, solution, $"One-by-one fix, iteration {iterations + 1}").ConfigureAwait(false);
                iterations++;
            }

            if (NumberOfIncrementalIterations is { } expected && expected != iterations)
            {
                Fail($"One-by-one fix: took {iterations} iteration(s), expected NumberOfIncrementalIterations = {expected}.");
            }

            if (iterations == 0 && initialFixableCount > 0 && CodeActionEquivalenceKey is not null)
            {
                Fail($"One-by-one fix: no code action with EquivalenceKey '{CodeActionEquivalenceKey}' was offered. Offered:{Environment.NewLine}{string.Join(Environment.NewLine, offered)}");
            }

            return solution;
        }

        private async Task<Solution> FixAllAsync(
            TAnalyzer analyzer,
            TCodeFix codeFix,
            ImmutableHashSet<string> fixableIds,
            Solution solution,
            FixAllScope scope,
            string equivalenceKey,
            IEnumerable<string> diagnosticIds,
            int limit,
            bool exact,
            string pass,
            bool stopAtLimit = false)
        {
            var provider = codeFix.GetFixAllProvider();
            if (provider is null)
            {
                Fail($"{pass}: {typeof(TCodeFix).Name}.GetFixAllProvider() returned null (users get no 'Fix all', and dotnet format cannot apply the fix).");
            }

            if (!provider!.GetSupportedFixAllScopes().Contains(scope))
            {
                Fail($"{pass}: the FixAll provider of {typeof(TCodeFix).Name} does not support {scope} scope (supported: {string.Join(", ", provider.GetSupportedFixAllScopes())}).");
            }

            var ids = diagnosticIds.ToImmutableArray();
            var iterations = 0;
            while (true)
            {
                var result = await AnalyzeAsync(analyzer, solution).ConfigureAwait(false);
                AssertAnalyzerHealthy(analyzer, result, $"{pass}, iteration {iterations + 1}");
                var fixable = Fixable(result, fixableIds).Where(d => ids.Contains(d.Id)).ToList();
                if (fixable.Count == 0)
                {
                    break;
                }

                var document = DocumentOf(solution, fixable[0]);
                var diagnosticProvider = new TestDiagnosticProvider(this, analyzer, fixableIds);
                var context = scope == FixAllScope.Document
                    ? new FixAllContext(document, codeFix, scope, equivalenceKey, ids, diagnosticProvider, CancellationToken)
                    : new FixAllContext(document.Project, codeFix, scope, equivalenceKey, ids, diagnosticProvider, CancellationToken);
                var action = await provider.GetFixAsync(context).ConfigureAwait(false);
                if (action is null)
                {
                    if (iterations == 0)
                    {
                        Fail($"{pass}: the FixAll provider returned no code action for equivalence key '{equivalenceKey}' with {fixable.Count} fixable diagnostic(s).");
                    }

                    break;
                }

                if (iterations >= limit && stopAtLimit)
                {
                    break;
                }

                if (iterations >= limit)
                {
                    Fail($"{pass}: still fixable after {iterations} iteration(s) (limit {limit}): FixAll does not converge, or set NumberOfFixAllIterations.{Environment.NewLine}Remaining:{Environment.NewLine}{FormatDiagnostics(fixable)}");
                }

                solution = await ApplyAsync(action, solution, $"{pass}, iteration {iterations + 1}").ConfigureAwait(false);
                iterations++;
            }

            if (exact && iterations != limit)
            {
                Fail($"{pass}: took {iterations} iteration(s), expected NumberOfFixAllIterations = {limit}.");
            }

            return solution;
        }

        private async Task<Solution> ReplayDotnetFormatAsync(TAnalyzer analyzer, TCodeFix codeFix, ImmutableHashSet<string> fixableIds, Solution solution)
        {
            var result = await AnalyzeAsync(analyzer, solution).ConfigureAwait(false);
            var ids = Fixable(result, fixableIds).Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal).ToList();
            foreach (var id in ids)
            {
                var current = await AnalyzeAsync(analyzer, solution).ConfigureAwait(false);
                var first = Fixable(current, fixableIds).FirstOrDefault(d => d.Id == id);
                if (first is null)
                {
                    continue;
                }

                var actions = await GetActionsAsync(codeFix, DocumentOf(solution, first), first, flatten: false).ConfigureAwait(false);
                if (actions.Count == 0)
                {
                    continue;
                }

                var key = actions[0].EquivalenceKey;
                if (key is null)
                {
                    Fail($"dotnet format replay: the first code action registered for {id} ('{actions[0].Title}') has no EquivalenceKey.");
                }

                solution = await FixAllAsync(analyzer, codeFix, fixableIds, solution, FixAllScope.Solution, key!, new[] { id }, limit: 1, exact: false, $"dotnet format replay ({id})", stopAtLimit: true).ConfigureAwait(false);
            }

            return solution;
        }

        // ------------------------------------------------------------------------------------------------
        // Checks on a fixed solution.

        private async Task AssertFixedAsync(TAnalyzer analyzer, AnalysisResult originalResult, Solution actual, TestState expected, string pass)
        {
            // Text.
            var failures = new StringBuilder();
            foreach (var project in expected.Projects)
            {
                var actualProject = actual.Projects.Single(p => p.Name == project.Name);
                var actualDocuments = actualProject.Documents.ToDictionary(d => d.Name, StringComparer.Ordinal);
                foreach (var document in project.Documents)
                {
                    if (!actualDocuments.TryGetValue(document.Name, out var actualDocument))
                    {
                        failures.AppendLine($"'{document.DisplayPath}' is missing after the fix.");
                        continue;
                    }

                    var actualText = Markup.NormalizeLineEndings((await actualDocument.GetTextAsync(CancellationToken).ConfigureAwait(false)).ToString());
                    if (actualText != document.Text)
                    {
                        failures.AppendLine($"'{document.DisplayPath}' differs from the expected fixed source:");
                        failures.AppendLine(TextDiff.Unified(document.Text, actualText, "expected " + document.DisplayPath, "actual " + document.DisplayPath));
                        failures.AppendLine("Actual text:");
                        failures.AppendLine(actualText);
                    }
                }

                foreach (var extra in actualDocuments.Keys.Except(project.Documents.Select(d => d.Name)))
                {
                    failures.AppendLine($"The fix added '{extra}' to project '{project.Name}', which the expected fixed sources do not have.");
                }
            }

            if (failures.Length > 0)
            {
                Fail($"{pass}: the result differs from the expected fixed sources.{Environment.NewLine}{failures}");
            }

            // Compiles, no new warnings.
            var result = await AnalyzeAsync(analyzer, actual).ConfigureAwait(false);
            AssertAnalyzerHealthy(analyzer, result, pass + " (analyzing the fixed code)");
            var errors = result.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var originalErrors = originalResult.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var newErrors = Subtract(errors, originalErrors);
            if (newErrors.Count > 0)
            {
                Fail($"{pass}: the fixed code has compiler errors:{Environment.NewLine}{FormatDiagnostics(newErrors)}");
            }

            var newWarnings = Subtract(
                result.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).ToList(),
                originalResult.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).ToList());
            if (newWarnings.Count > 0)
            {
                Fail($"{pass}: the fix introduced compiler warnings:{Environment.NewLine}{FormatDiagnostics(newWarnings)}");
            }

            // Remaining analyzer diagnostics.
            AssertDiagnosticsEqual(expected.Expected, result.AnalyzerDiagnostics, $"{pass}: analyzer diagnostics remaining after the fix");
        }

        /// <summary>Multiset difference by id and message (locations move when code changes).</summary>
        private static List<Diagnostic> Subtract(List<Diagnostic> after, List<Diagnostic> before)
        {
            var pool = before.Select(d => d.Id + "\u0001" + d.GetMessage(CultureInfo.InvariantCulture)).ToList();
            var extra = new List<Diagnostic>();
            foreach (var diagnostic in after)
            {
                var key = diagnostic.Id + "\u0001" + diagnostic.GetMessage(CultureInfo.InvariantCulture);
                var index = pool.IndexOf(key);
                if (index >= 0)
                {
                    pool.RemoveAt(index);
                }
                else
                {
                    extra.Add(diagnostic);
                }
            }

            return extra;
        }

        private async Task<string> DescribeSolutionAsync(Solution solution)
        {
            var sb = new StringBuilder();
            foreach (var document in solution.Projects.SelectMany(p => p.Documents))
            {
                sb.Append("----- ").Append(DisplayPath(document.FilePath)).AppendLine(" -----");
                sb.AppendLine((await document.GetTextAsync(CancellationToken).ConfigureAwait(false)).ToString());
            }

            return sb.ToString();
        }

        private sealed class TestDiagnosticProvider : FixAllContext.DiagnosticProvider
        {
            private readonly CodeFixTest<TAnalyzer, TCodeFix> test;
            private readonly TAnalyzer analyzer;
            private readonly ImmutableHashSet<string> fixableIds;

            public TestDiagnosticProvider(CodeFixTest<TAnalyzer, TCodeFix> test, TAnalyzer analyzer, ImmutableHashSet<string> fixableIds)
            {
                this.test = test;
                this.analyzer = analyzer;
                this.fixableIds = fixableIds;
            }

            public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => await GetAsync(project).ConfigureAwait(false);

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
                => (await GetAsync(document.Project).ConfigureAwait(false)).Where(d => d.Location.IsInSource && d.Location.SourceTree!.FilePath == document.FilePath);

            public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => (await GetAsync(project).ConfigureAwait(false)).Where(d => !d.Location.IsInSource);

            private async Task<List<Diagnostic>> GetAsync(Project project)
            {
                var compilation = await project.GetCompilationAsync(test.CancellationToken).ConfigureAwait(false);
                var options = new CompilationWithAnalyzersOptions(project.AnalyzerOptions, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
                var diagnostics = await compilation!.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), options).GetAnalyzerDiagnosticsAsync(test.CancellationToken).ConfigureAwait(false);
                return diagnostics.Where(d => !d.IsSuppressed && fixableIds.Contains(d.Id)).ToList();
            }
        }
    }
}
