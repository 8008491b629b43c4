using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Tests.Verification;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0001
{
    /// <summary>Correct focal losses (every form in docs/rules/FL0001.md) and unrelated powers: FL0001 stays silent.</summary>
    public sealed class NoWarningTests
    {
        private static Task NoDiagnosticsAsync(string source)
        {
            var test = new FocalAnalyzerTest<InvertedModulatingFactorAnalyzer> { TestState = { Sources = { source } } };
            return test.RunAsync();
        }

        [Fact]
        public Task TorchvisionForm_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p_t = p * t + (1 - p) * (1 - t);
var loss = ce * (1 - p_t).pow(gamma);
var alpha_t = alpha * t + (1 - alpha) * (1 - t);
loss = alpha_t * loss;
return loss;"));

        [Fact]
        public Task PcdetNaming_NoWarning() => NoDiagnosticsAsync(Seeds.Pcdet());

        [Fact]
        public Task MmdetPySigmoidFocalLoss_NoWarning() => NoDiagnosticsAsync(Seeds.Mmdet(targetCast: "target.to(pred.dtype)"));

        [Fact]
        public Task YoloV5FocalLoss_NoWarning() => NoDiagnosticsAsync(Seeds.YoloV5());

        [Fact]
        public Task PtFromExpNegativeCrossEntropy_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var pt = torch.exp(-ce);
return alpha * (1 - pt).pow(gamma) * ce;"));

        [Fact]
        public Task WhereFormWithOneMinusPt_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = x.sigmoid();
var pt = torch.where(t == 1, p, 1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return (1 - pt).pow(gamma) * ce;"));

        [Fact]
        public Task AbsoluteDifference_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return torch.abs(t - p).pow(gamma) * ce;"));

        [Fact]
        public Task ExplicitBranchesWithPOnNegativeBranch_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
return -alpha * t * (1 - p).pow(gamma) * torch.log(p) - (1 - alpha) * (1 - t) * p.pow(gamma) * torch.log(1 - p);"));

        [Fact]
        public Task GammaAndAlphaAsModuleFields_NoWarning() => NoDiagnosticsAsync(@"using System;
using TorchSharp;
using static TorchSharp.torch;

public sealed class Focal : nn.Module<Tensor, Tensor, Tensor>
{
    public double Gamma { get; set; } = 2.0;
    private readonly double alpha = 0.25;

    public Focal() : base(nameof(Focal)) { }

    public override Tensor forward(Tensor logits, Tensor labels)
    {
        var prob = logits.sigmoid();
        var ce = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction: nn.Reduction.None);
        var pt = prob * labels + (1 - prob) * (1 - labels);
        var w = (labels * alpha + (1 - labels) * (1 - alpha)) * (1 - pt).pow(Gamma);
        return (w * ce).sum();
    }
}
");

        [Fact]
        public Task ScalarMathPowCorrect_NoWarning() => NoDiagnosticsAsync(Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double alpha_t = t * alpha + (1 - t) * (1 - alpha);
return -alpha_t * Math.Pow(1 - pt, gamma) * Math.Log(pt);"));

        [Fact]
        public Task ScalarMathFPowCorrect_NoWarning() => NoDiagnosticsAsync(@"using System;

public static class Losses
{
    public static float Loss(float x, float t, float gamma)
    {
        float p = 1f / (1f + MathF.Exp(-x));
        float q = t == 1f ? 1f - p : p;
        return MathF.Pow(q, gamma) * -MathF.Log(1f - q);
    }
}
");

        [Fact]
        public Task ImageGammaCorrection_NoWarning() => NoDiagnosticsAsync(@"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Images
{
    public static Tensor Correct(Tensor img, double gamma) => img.pow(1.0 / gamma).clamp(0, 1);

    public static double Srgb(double v) => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);

    public static Tensor Squash(Tensor x, double gamma) => torch.sigmoid(x).pow(gamma);

    public static Tensor Energy(Tensor x) => torch.square(x) * x.square();

    public static double Sq(double x) => Math.Exp(-x) * Math.Exp(-x);
}
");

        [Fact]
        public Task GeneralizedCrossEntropyPtPower_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
// Generalized cross entropy (Zhang & Sabuncu 2018): (1 - p_t^q) / q uses p_t^q on purpose.
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var q = gamma;
return (1 - pt.pow(q)) / q;"));

        [Fact]
        public Task PtPowerInBranchedAssignments_NotFollowed_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
if (alpha > 0)
{
    pt = 1 - pt;
}

return pt.pow(gamma);"));

        [Fact]
        public Task ScalarCodeWithoutExp_NoWarning() => NoDiagnosticsAsync(@"using System;

public static class Physics
{
    public static double Energy(double m, double v) => 0.5 * m * v * v + Math.Pow(v, 2);
}
");

        [Fact]
        public Task FunctionalSigmoidWithOneMinusPtSquare_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.nn.functional.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
return torch.square(1 - pt) * torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None);"));
    }
}
