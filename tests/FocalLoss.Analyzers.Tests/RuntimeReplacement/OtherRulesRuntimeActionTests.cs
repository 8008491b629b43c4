using System.Collections.Generic;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static FocalLoss.Analyzers.Tests.Runtime.RuntimeTestSupport;

namespace FocalLoss.Analyzers.Tests.Runtime
{
    /// <summary>
    /// "Use FocalLoss.TorchSharp sigmoid_focal_loss" for FL0002 (from the alpha balance), FL0003 (from the probability
    /// argument: the walk starts at the logits loss that takes it) and FL0005 (from the reducing call): offered second,
    /// after the rule's in-place fix; the rewrite is exact, compiles against TorchSharp plus FocalLoss.TorchSharp, and
    /// computes the correct focal loss. The dotnet-format replay still applies the in-place fix.
    /// </summary>
    public sealed class OtherRulesRuntimeActionTests
    {
        private static Task VerifyRuntimeFixAsync<TAnalyzer, TProvider>(string source, string runtimeFixed, string inPlaceFixed, DiagnosticResult expected)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TProvider : CodeFixProvider, new()
        {
            var test = new FocalCodeFixTest<TAnalyzer, TProvider>
            {
                TestState = { Sources = { source } },
                FixedState = { Sources = { runtimeFixed } },
                FormatFixedSources = { inPlaceFixed },
                CodeActionEquivalenceKey = RuntimeReplacement.EquivalenceKey,
            };
            test.TestState.AdditionalReferences.Add(RuntimeReference);
            test.ExpectedDiagnostics.Add(expected);
            return test.RunAsync();
        }

        private static void AssertRuntimeActionSecond(List<List<CodeAction>> offered, string inPlaceKey)
        {
            var actions = Assert.Single(offered);
            Assert.Equal(2, actions.Count);
            Assert.Equal(inPlaceKey, actions[0].EquivalenceKey);
            Assert.Equal(RuntimeReplacement.EquivalenceKey, actions[1].EquivalenceKey);
            Assert.Equal(RuntimeReplacement.Title, actions[1].Title);
        }

        private static void AssertOnlyInPlace(List<List<CodeAction>> offered, string inPlaceKey)
        {
            var actions = Assert.Single(offered);
            var only = Assert.Single(actions);
            Assert.Equal(inPlaceKey, only.EquivalenceKey);
            Assert.False(OffersRuntime(actions));
        }

        // ---------------------------------------------------------------------------------------------
        // FL0002: MMDetection py_sigmoid_focal_loss with the alpha balance inverted, weight and avg_factor.

        [Fact]
        public Task Fl0002_MmdetInvertedAlpha_RewritesToRuntimeCallWithWeightAndAvgFactor() =>
            VerifyRuntimeFixAsync<InvertedAlphaBalanceAnalyzer, InvertedAlphaBalanceCodeFixProvider>(
                SeedLosses.MmdetInvertedAlpha,
                SeedLosses.MmdetRuntime,
                SeedLosses.MmdetAlphaInPlace,
                FL0002.ReportAndFixTests.At(0, "alpha * (1 - target) + (1 - alpha) * target"));

        [Fact]
        public async Task Fl0002_RuntimeActionIsOfferedSecond() => AssertRuntimeActionSecond(
            await ActionsAsync(SeedLosses.MmdetInvertedAlpha, new InvertedAlphaBalanceAnalyzer(), new InvertedAlphaBalanceCodeFixProvider()),
            InvertedAlphaBalanceCodeFixProvider.EquivalenceKey);

        [Fact]
        public async Task Fl0002_ScalarLossWeight_OffersOnlyTheInPlaceFix() => AssertOnlyInPlace(
            await ActionsAsync(
                Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return 0.5 * ({|#0:t * (1 - alpha) + (1 - t) * alpha|}) * (1 - pt).pow(gamma) * ce;"),
                new InvertedAlphaBalanceAnalyzer(),
                new InvertedAlphaBalanceCodeFixProvider()),
            InvertedAlphaBalanceCodeFixProvider.EquivalenceKey);

        // ---------------------------------------------------------------------------------------------
        // FL0003: a torchvision-style loss that passes torch.sigmoid(x) to binary_cross_entropy_with_logits, sum reduction.

        [Fact]
        public Task Fl0003_TorchvisionStyleDoubleSigmoid_RewritesToRuntimeCallWithSumReduction() =>
            VerifyRuntimeFixAsync<ProbabilitiesToLogitsLossAnalyzer, ProbabilitiesToLogitsLossCodeFixProvider>(
                SeedLosses.VisionDoubleSigmoid,
                SeedLosses.VisionRuntime,
                SeedLosses.VisionInPlace,
                FL0003.ReportAndFixTests.At(0, "torch.sigmoid(inputs)"));

        [Fact]
        public async Task Fl0003_RuntimeActionIsOfferedSecond() => AssertRuntimeActionSecond(
            await ActionsAsync(SeedLosses.VisionDoubleSigmoid, new ProbabilitiesToLogitsLossAnalyzer(), new ProbabilitiesToLogitsLossCodeFixProvider()),
            ProbabilitiesToLogitsLossCodeFixProvider.EquivalenceKey);

        [Fact]
        public async Task Fl0003_PlainCrossEntropyWithoutFocalTerm_OffersOnlyTheInPlaceFix() => AssertOnlyInPlace(
            await ActionsAsync(
                Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:torch.sigmoid(x)|}, t);"),
                new ProbabilitiesToLogitsLossAnalyzer(),
                new ProbabilitiesToLogitsLossCodeFixProvider()),
            ProbabilitiesToLogitsLossCodeFixProvider.EquivalenceKey);

        // ---------------------------------------------------------------------------------------------
        // FL0005: TorchSharp's float-overload shape with a constant Reduction.Mean given to the cross entropy.

        [Fact]
        public Task Fl0005_FloatOverloadWithConstantMean_RewritesToRuntimeCallWithMeanReduction() =>
            VerifyRuntimeFixAsync<ReducedBeforeWeightingAnalyzer, ReducedBeforeWeightingCodeFixProvider>(
                SeedLosses.FloatOverloadMeanFirst,
                SeedLosses.FloatOverloadRuntime,
                SeedLosses.FloatOverloadInPlace,
                FL0005.ReportAndFixTests.At(0, "nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction: nn.Reduction.Mean)", "mean"));

        [Fact]
        public async Task Fl0005_RuntimeActionIsOfferedSecond() => AssertRuntimeActionSecond(
            await ActionsAsync(SeedLosses.FloatOverloadMeanFirst, new ReducedBeforeWeightingAnalyzer(), new ReducedBeforeWeightingCodeFixProvider()),
            ReducedBeforeWeightingCodeFixProvider.EquivalenceKey);

        [Fact]
        public async Task Fl0005_PublishedFloatOverloadWithAlphaBranch_OffersOnlyTheInPlaceFix() => AssertOnlyInPlace(
            await ActionsAsync(SeedLosses.TorchSharpFloatOverload, new ReducedBeforeWeightingAnalyzer(), new ReducedBeforeWeightingCodeFixProvider()),
            ReducedBeforeWeightingCodeFixProvider.EquivalenceKey);
    }
}
