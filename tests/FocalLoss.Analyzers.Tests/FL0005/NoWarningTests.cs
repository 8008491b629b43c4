using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Tests.Verification;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0005
{
    /// <summary>Correct reductions and scalar weights: FL0005 stays silent.</summary>
    public sealed class NoWarningTests
    {
        private static Task VerifyNoDiagnosticAsync(string source)
        {
            var test = new FocalAnalyzerTest<ReducedBeforeWeightingAnalyzer> { TestState = { Sources = { source } } };
            return test.RunAsync();
        }

        [Fact]
        public Task ReductionAfterWeighting_NoWarning() => VerifyNoDiagnosticAsync(Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
return (ce * (1 - p_t).pow(gamma)).mean();"));

        /// <summary>
        /// Knowledge distillation: a reduced BCE scaled by temperature^2. The temperature is a scalar shared with the
        /// probabilities, not an element-wise weight (found by build/bench-analyzer.sh).
        /// </summary>
        [Fact]
        public Task DistillationLossScaledByScalarTemperature_NoWarning() => VerifyNoDiagnosticAsync(@"using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

public static class Distillation
{
    public static Tensor soft_target_loss(Tensor student, Tensor teacher, double temperature)
    {
        var p = torch.sigmoid(student / temperature);
        var q = torch.sigmoid(teacher / temperature);
        return functional.binary_cross_entropy(p, q) * (temperature * temperature);
    }
}
");

        /// <summary>TorchSharp's double overload (src/TorchVision/Ops/Losses.cs): Reduction.None, weighting, then the switch on the parameter.</summary>
        [Fact]
        public Task TorchSharpDoubleOverload_NoWarning() => VerifyNoDiagnosticAsync(@"using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

public static class FocalOps
{
    public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, double alpha = 0.25, double gamma = 2.0, nn.Reduction reduction = nn.Reduction.None)
    {
        var p = torch.sigmoid(inputs);
        var ce_loss = binary_cross_entropy_with_logits(inputs, targets, reduction: nn.Reduction.None);
        var p_t = p * targets + (1 - p) * (1 - targets);
        var loss = ce_loss * (1 - p_t).pow(gamma);

        if (alpha >= 0) {
            var alpha_t = alpha * targets + (1 - alpha) * (1 - targets);
            loss = alpha_t * loss;
        }

        switch (reduction) {
        case nn.Reduction.None:
            break;
        case nn.Reduction.Mean:
            loss = loss.mean();
            break;
        case nn.Reduction.Sum:
            loss = loss.sum();
            break;
        }

        return loss;
    }
}
");

        [Fact]
        public Task ReducedCrossEntropyTimesScalarWeights_NoWarning() => VerifyNoDiagnosticAsync(@"using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Weighted(Tensor x, Tensor t, double loss_weight, Tensor num_pos)
    {
        var ce = nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Sum);
        var scaled = ce * loss_weight;
        return scaled * (1.0 / num_pos.clamp_min(1.0));
    }
}
");

        [Fact]
        public Task YoloV5FocalLoss_NoWarning() => VerifyNoDiagnosticAsync(Sources.Torch(@"
var loss = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var pred_prob = torch.sigmoid(x);
var p_t = t * pred_prob + (1 - t) * (1 - pred_prob);
var alpha_factor = t * alpha + (1 - t) * (1 - alpha);
var modulating_factor = (1.0 - p_t).pow(gamma);
loss *= alpha_factor * modulating_factor;
return loss.mean();"));

        [Fact]
        public Task ReductionNoneThenWeightingThenSum_NoWarning() => VerifyNoDiagnosticAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None);
var loss = ce.mul((1 - (p * t + (1 - p) * (1 - t))).pow(gamma));
return torch.sum(loss) / 16;"));

        /// <summary>A guard keeps Mean and Sum away from the cross entropy: the parameter cannot reach it reduced.</summary>
        [Fact]
        public Task ReductionParameterGuardedBeforeTheCrossEntropy_NoWarning() => VerifyNoDiagnosticAsync(@"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Focal(Tensor x, Tensor t, double gamma, nn.Reduction reduction)
    {
        if (reduction != nn.Reduction.None) throw new ArgumentException(""element-wise only"", nameof(reduction));
        var ce = nn.functional.binary_cross_entropy_with_logits(x, t, reduction: reduction);
        var p = torch.sigmoid(x);
        var p_t = p * t + (1 - p) * (1 - t);
        return ce * (1 - p_t).pow(gamma);
    }
}
");

        /// <summary>The argument is a function of the parameter that is None for every value: decided by evaluating it per member.</summary>
        [Fact]
        public Task ReductionArgumentAlwaysNone_NoWarning() => VerifyNoDiagnosticAsync(@"using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Focal(Tensor x, Tensor t, double gamma, nn.Reduction reduction)
    {
        var ce = nn.functional.binary_cross_entropy_with_logits(x, t, reduction: reduction == nn.Reduction.None ? reduction : nn.Reduction.None);
        var p = torch.sigmoid(x);
        return ce * (1 - (p * t + (1 - p) * (1 - t))).pow(gamma);
    }
}
");

        /// <summary>A weight that depends on the targets only (a mask, class balance) multiplies no focal term.</summary>
        [Fact]
        public Task ReducedCrossEntropyTimesWeightOfOtherTensor_NoWarning() => VerifyNoDiagnosticAsync(Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t);
var p = torch.sigmoid(t);
return ce * (1 - p).pow(gamma);"));

        [Fact]
        public Task PlainScalarCode_NoWarning() => VerifyNoDiagnosticAsync(Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double ce = -(t * Math.Log(p) + (1 - t) * Math.Log(1 - p));
double pt = t * p + (1 - t) * (1 - p);
return Math.Pow(1 - pt, gamma) * ce;"));
    }
}
