using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Tests.Verification;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0002
{
    /// <summary>Correct alpha balances in every form, and look-alike expressions that are not a focal alpha: FL0002 stays silent.</summary>
    public sealed class NoWarningTests
    {
        private static Task NoDiagnosticsAsync(string source)
        {
            var test = new FocalAnalyzerTest<InvertedAlphaBalanceAnalyzer> { TestState = { Sources = { source } } };
            return test.RunAsync();
        }

        [Fact]
        public Task TorchvisionFormWithAlphaGuard_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p_t = p * t + (1 - p) * (1 - t);
var loss = ce * (1 - p_t).pow(gamma);
if (alpha >= 0)
{
    var alpha_t = alpha * t + (1 - alpha) * (1 - t);
    loss = alpha_t * loss;
}

return loss;"));

        [Fact]
        public Task PcdetModule_NoWarning() => NoDiagnosticsAsync(ReportAndFixTests.Pcdet("target * this.alpha + (1 - target) * (1 - this.alpha)"));

        [Fact]
        public Task MmdetPySigmoidFocalLoss_NoWarning() => NoDiagnosticsAsync(ReportAndFixTests.Mmdet("alpha * target + (1 - alpha) * (1 - target)"));

        [Fact]
        public Task YoloV5FocalLoss_NoWarning() => NoDiagnosticsAsync(ReportAndFixTests.YoloV5("@true * alpha + (1 - @true) * (1 - alpha)"));

        [Fact]
        public Task WhereForm_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var p_t = torch.where(t == 1, p, 1 - p);
var alpha_t = torch.where(t == 1, alpha, 1 - alpha);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return alpha_t * (1 - p_t).pow(gamma) * ce;"));

        [Fact]
        public Task ScalarConditional_NoWarning() => NoDiagnosticsAsync(Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double alpha_t = t == 1 ? alpha : 1 - alpha;
return -alpha_t * Math.Pow(1 - pt, gamma) * Math.Log(pt);"));

        [Fact]
        public Task TwoBranchForm_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
return -alpha * t * (1 - p).pow(gamma) * torch.log(p) - (1 - alpha) * (1 - t) * p.pow(gamma) * torch.log(1 - p);"));

        [Fact]
        public Task LinearInterpolationInUnrelatedCode_NoWarning() => NoDiagnosticsAsync(@"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Blend
{
    public static Tensor Mix(Tensor t, Tensor image, double a) => (t * (1 - a) + (1 - t) * a) * torch.sigmoid(image);

    public static double Lerp(double t, double a) => t * (1 - a) + (1 - t) * a;

    public static double Curve(double t, double a, double gamma) => Math.Pow(t * (1 - a) + (1 - t) * a, gamma) * Math.Exp(-t);
}
");

        [Fact]
        public Task LabelSmoothingOfTheTarget_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var eps = alpha;
var smooth = t * (1 - eps) + (1 - t) * eps;
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, smooth, reduction: nn.Reduction.None);
return ce * (1 - p_t).pow(gamma);"));

        [Fact]
        public Task ClassWeightedCrossEntropyWithoutFocalTerm_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
// A class-weighted BCE (no focal term) has its own weighting convention: not a focal alpha.
var w = t * (1 - alpha) + (1 - t) * alpha;
return w * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"));

        [Fact]
        public Task LiteralAlpha_NotDecidable_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
// With a literal, 0.75 for positives is simply alpha = 0.75: nothing to judge.
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var alpha_t = t * 0.75 + (1 - t) * 0.25;
return alpha_t * (1 - p_t).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"));

        [Fact]
        public Task InvertedBalanceAssignedInBranch_NotFollowed_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
Tensor w = torch.ones_like(t);
if (gamma > 1)
{
    w = t * (1 - alpha) + (1 - t) * alpha;
}

return w * (1 - p_t).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"));

        [Fact]
        public Task ScalarCodeWithoutExp_NoWarning() => NoDiagnosticsAsync(@"using System;

public static class Mixing
{
    public static double Mix(double t, double a, double g) => (t * (1 - a) + (1 - t) * a) * Math.Pow(1 - t, g);
}
");
    }
}
