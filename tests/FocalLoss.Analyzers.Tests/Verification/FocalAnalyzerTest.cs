using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Verification
{
    /// <summary>
    /// The standard <see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/> (exact ids, spans, severities and messages of
    /// every diagnostic, compile errors in test sources fail) with this product's settings: C# 12 class libraries against
    /// .NET 8, TorchSharp and TorchVision (<see cref="TestReferences"/>, nothing downloaded); then, when the analyzer
    /// reports, the <see cref="ProductChecks"/> generated-code and pragma passes. These replace the standard library's
    /// own generated-code and suppression checks, which they include (the standard pragma goes only at the top of a
    /// file, where a <c>#pragma warning restore</c> in the source can undo it).
    /// </summary>
    public class FocalAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public FocalAnalyzerTest()
        {
            ReferenceAssemblies = TestReferences.None;
            TestState.AdditionalReferences.AddRange(TestReferences.Default);
            TestBehaviors |= TestBehaviors.SkipGeneratedCodeCheck | TestBehaviors.SkipSuppressionCheck;
        }

        /// <summary>The C# version of the test sources (default C# 12, the default of net8.0).</summary>
        public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.CSharp12;

        /// <summary>The nullable context (default enabled, as in the SDK templates).</summary>
        public NullableContextOptions NullableContextOptions { get; set; } = NullableContextOptions.Enable;

        /// <inheritdoc />
        protected override ParseOptions CreateParseOptions() => TestReferences.ParseOptions(LanguageVersion);

        /// <inheritdoc />
        protected override CompilationOptions CreateCompilationOptions() => TestReferences.CompilationOptions(NullableContextOptions);

        /// <inheritdoc />
        protected override async Task RunImplAsync(CancellationToken cancellationToken)
        {
            await base.RunImplAsync(cancellationToken).ConfigureAwait(false);
            var analyzers = GetDiagnosticAnalyzers().ToArray();
            var state = TestState.WithInheritedValuesApplied(null, ImmutableArray<string>.Empty)
                .WithProcessedMarkup(MarkupOptions, GetDefaultDiagnostic(analyzers), analyzers.SelectMany(a => a.SupportedDiagnostics).ToImmutableArray(), ImmutableArray<string>.Empty, DefaultFilePath);
            await TestLayer.RunAnalyzerChecksAsync(Checks(analyzers, cancellationToken), state).ConfigureAwait(false);
        }

        internal ProductChecks Checks(IEnumerable<DiagnosticAnalyzer> analyzers, CancellationToken cancellationToken) =>
            new ProductChecks(analyzers, (CSharpParseOptions)CreateParseOptions(), (CSharpCompilationOptions)CreateCompilationOptions(), TestState.AdditionalReferences, cancellationToken);
    }

    /// <summary>What the analyzer and code-fix tests share.</summary>
    internal static class TestLayer
    {
        /// <summary>The processed (markup removed) sources of <paramref name="state"/>; only single-project tests are supported.</summary>
        public static List<(string Path, string Text)> Sources(SolutionState state)
        {
            if (state.AdditionalProjects.Count > 0)
            {
                Assert.Fail("The FocalLoss test layer checks single-project tests only; extend ProductChecks before adding projects.");
            }

            return state.Sources.Select(s => (s.filename, s.content.ToString())).ToList();
        }

        /// <summary>The analyzer reports what the standard test expected (same compilation); then the generated-code and pragma passes.</summary>
        public static async Task<(Solution Solution, ProductChecks.Analysis Analysis)> RunAnalyzerChecksAsync(ProductChecks checks, SolutionState state)
        {
            var sources = Sources(state);
            var solution = checks.CreateSolution(sources);
            var original = await checks.AnalyzeAsync(solution).ConfigureAwait(false);
            ProductChecks.AssertNoExceptions(original, "Analyzing the test sources");
            var expected = state.ExpectedDiagnostics.Count(d => d.HasLocation && !d.Id.StartsWith("CS", System.StringComparison.Ordinal));
            var reported = original.Analyzer.Count(d => d.Location.IsInSource);
            if (expected != reported)
            {
                Assert.Fail($"The test layer's compilation reports {reported} analyzer diagnostics where the standard test expected {expected}: the two compilations differ."
                            + System.Environment.NewLine + ProductChecks.Format(original.Analyzer));
            }

            if (reported > 0)
            {
                await checks.VerifyNothingReportedInGeneratedCodeAsync(sources).ConfigureAwait(false);
                await checks.VerifyPragmaSuppressesEachDiagnosticAsync(sources, original).ConfigureAwait(false);
            }

            return (solution, original);
        }
    }
}
