using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0003
{
    /// <summary>Probabilities passed to a loss that takes logits: FL0003 reports on the argument and the fix passes the logits.</summary>
    public sealed class ReportAndFixTests
    {
        private const string Bce = "binary_cross_entropy_with_logits";

        private static Task VerifyFixAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
            RuleFixVerifier<ProbabilitiesToLogitsLossAnalyzer, ProbabilitiesToLogitsLossCodeFixProvider>.FixAsync(source, fixedSource, ProbabilitiesToLogitsLossCodeFixProvider.EquivalenceKey, expected);

        /// <summary>The diagnostic is reported and no fix is offered: the source stays as it is.</summary>
        private static Task VerifyNoFixAsync(string source, params DiagnosticResult[] expected) =>
            RuleFixVerifier<ProbabilitiesToLogitsLossAnalyzer, ProbabilitiesToLogitsLossCodeFixProvider>.NoFixAsync(source, expected);

        internal static DiagnosticResult At(int marker, string argument, string loss = Bce) =>
            Verify.Diagnostic(Rules.Descriptors.ProbabilitiesToLogitsLoss).WithLocation(marker).WithMessage(
                "'" + argument + "' is a probability, but " + loss + " applies the sigmoid itself: the loss sees sigmoid(sigmoid(x)); pass the logits");

        [Fact]
        public Task TorchSigmoidArgument_ReportsAndPassesLogits() => VerifyFixAsync(
            Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:torch.sigmoid(x)|}, t);"),
            Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits(x, t);"),
            At(0, "torch.sigmoid(x)"));

        [Fact]
        public Task WidedeepIssue13_SigmoidLocalThenLogitsLoss_ReportsAndPassesLogits() => VerifyFixAsync(
            Sources.Torch(@"
var p = x.sigmoid();
var weight = alpha * t + (1 - alpha) * (1 - t);
var ce = torch.nn.functional.binary_cross_entropy_with_logits({|#0:p|}, t, reduction: nn.Reduction.None);
return (weight * ce).mean();"),
            Sources.Torch(@"
var p = x.sigmoid();
var weight = alpha * t + (1 - alpha) * (1 - t);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return (weight * ce).mean();"),
            At(0, "p"));

        [Fact]
        public Task SpecialExpitOfAnExpression_ReportsAndPassesTheExpression() => VerifyFixAsync(
            Sources.Torch(@"
return nn.functional.binary_cross_entropy_with_logits({|#0:torch.special.expit(x * gamma)|}, t, reduction: nn.Reduction.Sum);"),
            Sources.Torch(@"
return nn.functional.binary_cross_entropy_with_logits(x * gamma, t, reduction: nn.Reduction.Sum);"),
            At(0, "torch.special.expit(x * gamma)"));

        [Fact]
        public Task FunctionalSigmoid_ReportsAndPassesLogits() => VerifyFixAsync(
            Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:torch.nn.functional.sigmoid(x)|}, t);"),
            Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits(x, t);"),
            At(0, "torch.nn.functional.sigmoid(x)"));

        [Fact]
        public Task OneMinusSigmoidOfAnExpression_ReportsAndPassesNegatedLogits() => VerifyFixAsync(
            Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:1 - torch.sigmoid(x + 1)|}, t);"),
            Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits(-(x + 1), t);"),
            At(0, "1 - torch.sigmoid(x + 1)"));

        [Fact]
        public Task OneMinusSigmoidThroughLocal_ReportsAndPassesNegatedLogits() => VerifyFixAsync(
            Sources.Torch(@"
var q = 1 - torch.sigmoid(x);
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:q|}, t);"),
            Sources.Torch(@"
var q = 1 - torch.sigmoid(x);
return torch.nn.functional.binary_cross_entropy_with_logits(-x, t);"),
            At(0, "q"));

        [Fact]
        public Task TorchvisionSigmoidFocalLossOnProbabilities_ReportsAndPassesLogits() => VerifyFixAsync(
            Sources.Torch(@"
var probs = torch.sigmoid(x);
return torchvision.ops.sigmoid_focal_loss({|#0:probs|}, t, 0.25, 2.0, nn.Reduction.Mean);"),
            Sources.Torch(@"
var probs = torch.sigmoid(x);
return torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 2.0, nn.Reduction.Mean);"),
            At(0, "probs", "sigmoid_focal_loss"));

        [Fact]
        public Task TwoCallsInOneMethod_FixAllPassesBothLogits() => VerifyFixAsync(
            Sources.Torch(@"
var a = torch.nn.functional.binary_cross_entropy_with_logits({|#0:x.sigmoid()|}, t);
var b = torch.nn.functional.binary_cross_entropy_with_logits({|#1:torch.sigmoid(x * 2)|}, t);
return a + b;"),
            Sources.Torch(@"
var a = torch.nn.functional.binary_cross_entropy_with_logits(x, t);
var b = torch.nn.functional.binary_cross_entropy_with_logits(x * 2, t);
return a + b;"),
            At(0, "x.sigmoid()"),
            At(1, "torch.sigmoid(x * 2)"));

        [Fact]
        public Task LogitsReassignedAfterTheSigmoid_ReportsWithoutFix() => VerifyNoFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
x = x * 2;
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:p|}, t);"),
            At(0, "p"));

        [Fact]
        public Task LogitsOutOfScopeAtTheCall_ReportsWithoutFix() => VerifyNoFixAsync(
            Sources.Torch(@"
Tensor p;
{
    var z = x * gamma;
    p = z.sigmoid();
}
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:p|}, t);"),
            At(0, "p"));

        [Fact]
        public Task LocalOfASigmoidOfAnExpression_ReportsWithoutFix() => VerifyNoFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x * gamma);
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:p|}, t);"),
            At(0, "p"));

        [Fact]
        public Task ClampedProbability_ReportsWithoutFix() => VerifyNoFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x).clamp(1e-6, 1 - 1e-6);
return torch.nn.functional.binary_cross_entropy_with_logits({|#0:p|}, t);"),
            At(0, "p"));
    }
}
