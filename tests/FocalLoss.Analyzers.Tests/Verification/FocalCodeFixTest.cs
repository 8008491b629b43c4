using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Verification
{
    /// <summary>
    /// The standard <see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/> (diagnostics; the fix one by one
    /// and by FixAll in Document, Project and Solution scope, each giving the fixed sources, which compile and re-parse
    /// to the same tree) with this product's settings (see <see cref="FocalAnalyzerTest{TAnalyzer}"/>), then the
    /// <see cref="ProductChecks"/>: FixAll providers never null (checked first), the generated-code and pragma passes,
    /// no new compiler warning in the fixed sources, and the <c>dotnet format</c> replay, which must give
    /// <see cref="FormatFixedSources"/> (default: the fixed sources).
    /// </summary>
    public class FocalCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        public FocalCodeFixTest()
        {
            ReferenceAssemblies = TestReferences.None;
            TestState.AdditionalReferences.AddRange(TestReferences.Default);
            TestBehaviors |= TestBehaviors.SkipGeneratedCodeCheck | TestBehaviors.SkipSuppressionCheck;
        }

        /// <summary>The C# version of the test sources (default C# 12, the default of net8.0).</summary>
        public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.CSharp12;

        /// <summary>The nullable context (default enabled, as in the SDK templates).</summary>
        public NullableContextOptions NullableContextOptions { get; set; } = NullableContextOptions.Enable;

        /// <summary>
        /// The sources (no markup) after the <c>dotnet format</c> replay, one per source in order; empty means the fixed
        /// sources. Needed when the test selects an action other than the first registered one.
        /// </summary>
        public List<string> FormatFixedSources { get; } = new List<string>();

        /// <inheritdoc />
        protected override ParseOptions CreateParseOptions() => TestReferences.ParseOptions(LanguageVersion);

        /// <inheritdoc />
        protected override CompilationOptions CreateCompilationOptions() => TestReferences.CompilationOptions(NullableContextOptions);

        /// <inheritdoc />
        protected override async Task RunImplAsync(CancellationToken cancellationToken)
        {
            var fixers = GetCodeFixProviders().ToList();
            ProductChecks.VerifyFixAllProvidersNotNull(fixers);
            await base.RunImplAsync(cancellationToken).ConfigureAwait(false);

            var analyzers = GetDiagnosticAnalyzers().ToArray();
            var supported = analyzers.SelectMany(a => a.SupportedDiagnostics).ToImmutableArray();
            var fixable = fixers.SelectMany(f => f.FixableDiagnosticIds).Distinct().ToImmutableArray();
            var defaultDiagnostic = GetDefaultDiagnostic(analyzers);
            var rawTestState = TestState.WithInheritedValuesApplied(null, fixable);
            var testState = rawTestState.WithProcessedMarkup(MarkupOptions, defaultDiagnostic, supported, fixable, DefaultFilePath);
            var fixedState = FixedState.WithInheritedValuesApplied(rawTestState, fixable).WithProcessedMarkup(MarkupOptions, defaultDiagnostic, supported, fixable, DefaultFilePath);

            var checks = new ProductChecks(analyzers, (CSharpParseOptions)CreateParseOptions(), (CSharpCompilationOptions)CreateCompilationOptions(), TestState.AdditionalReferences, cancellationToken);
            var (originalSolution, original) = await TestLayer.RunAnalyzerChecksAsync(checks, testState).ConfigureAwait(false);
            var sources = TestLayer.Sources(testState);
            var fixedSources = TestLayer.Sources(fixedState);

            // The standard test checked that the fix gives exactly the fixed sources; they must not add compiler warnings.
            var fixedAnalysis = await checks.CompileAsync(checks.CreateSolution(fixedSources)).ConfigureAwait(false);
            ProductChecks.VerifyNoNewCompilerWarnings(original, fixedAnalysis, "Fixed sources");

            // dotnet format analyzers --diagnostics: per id, the first registered action, FixAll in Solution scope.
            var (formatted, firstKeys) = await checks.ReplayDotnetFormatAsync(originalSolution, fixers).ConfigureAwait(false);
            List<(string Path, string Text)> formatExpected;
            if (FormatFixedSources.Count > 0)
            {
                if (FormatFixedSources.Count != sources.Count)
                {
                    Assert.Fail($"FormatFixedSources has {FormatFixedSources.Count} sources; the test has {sources.Count}.");
                }

                formatExpected = sources.Select((s, i) => (s.Path, FormatFixedSources[i])).ToList();
            }
            else
            {
                var selectsFirst = CodeActionEquivalenceKey is null
                    ? (CodeActionIndex ?? 0) == 0
                    : firstKeys.Values.All(k => k == CodeActionEquivalenceKey);
                if (!selectsFirst)
                {
                    Assert.Fail($"The test selects the code action {(CodeActionEquivalenceKey is null ? "at index " + CodeActionIndex : "with key '" + CodeActionEquivalenceKey + "'")}, which is not the first registered one, but dotnet format applies the first: give FormatFixedSources.");
                }

                formatExpected = fixedSources;
            }

            await ProductChecks.VerifyTextsAsync(formatted, formatExpected, "dotnet format replay").ConfigureAwait(false);
            var formattedAnalysis = await checks.CompileAsync(formatted).ConfigureAwait(false);
            if (formattedAnalysis.Compiler.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                Assert.Fail("dotnet format replay: the result does not compile:" + System.Environment.NewLine + ProductChecks.Format(formattedAnalysis.Compiler));
            }

            ProductChecks.VerifyNoNewCompilerWarnings(original, formattedAnalysis, "dotnet format replay");
        }
    }
}
