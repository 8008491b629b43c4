using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0005
{
    /// <summary>Cross entropy reduced before the element-wise focal weight: FL0005 reports on the reducing call and the fix reduces after weighting.</summary>
    public sealed class ReportAndFixTests
    {
        internal const string Rest = "before the element-wise focal weight is applied{0}: the weight multiplies a scalar, not each element's loss; reduce after weighting";

        internal static Task VerifyFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
        {
            var test = new FocalCodeFixTest<ReducedBeforeWeightingAnalyzer, ReducedBeforeWeightingCodeFixProvider>
            {
                TestState = { Sources = { source } },
                FixedState = { Sources = { fixedSource } },
                CodeActionEquivalenceKey = ReducedBeforeWeightingCodeFixProvider.EquivalenceKey,
            };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        internal static DiagnosticResult At(int marker, string expression, string reducedTo, string when = "") =>
            Verify.Diagnostic(Rules.Descriptors.ReducedBeforeWeighting).WithLocation(marker)
                .WithMessage("'" + expression + "' reduces the cross entropy to its " + reducedTo + " " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Rest, when));

        /// <summary>The TorchSharp float overload of torchvision.ops.sigmoid_focal_loss, in its shape (without the dispose scope, which does not change what it computes).</summary>
        [Fact]
        public Task TorchSharpFloatOverload_ReportsReductionParameterPassedToCrossEntropy() => VerifyFixAsync(
            Runtime.SeedLosses.TorchSharpFloatOverload,
            @"using TorchSharp;
using static TorchSharp.torch;

public static class FocalOps
{
    public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = 2.0f, nn.Reduction reduction = nn.Reduction.None)
    {
        var p = torch.sigmoid(inputs);
        var ce_loss = nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction: nn.Reduction.None);
        var p_t = p * targets + (1 - p) * (1 - targets);

        using var gamma_scalar = gamma.ToScalar();
        var loss = ce_loss * (1 - p_t).pow(gamma_scalar);

        if (alpha >= 0) {
            var alpha_t = alpha * targets + (1 - alpha) * (1 - targets);
            loss = alpha_t * loss;
        }

        if (reduction == nn.Reduction.Mean) {
            loss = loss.mean();
        } else if (reduction == nn.Reduction.Sum) {
            loss = loss.sum();
        }

        return loss.MoveToOuterDisposeScope();
    }
}
",
            At(0, "nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction: reduction)", "mean or sum", " when 'reduction' is Mean or Sum"));

        [Fact]
        public Task ConstantMeanThenWeightedLocal_ReportsAndReducesTheReturnedLoss() => VerifyFixAsync(
            Sources.Torch(@"
var ce = {|#0:torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean)|};
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var loss = ce * (1 - p_t).pow(gamma);
return loss;"),
            Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var loss = ce * (1 - p_t).pow(gamma);
return loss.mean();"),
            At(0, "torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean)", "mean"));

        [Fact]
        public Task DefaultReductionInline_ReportsAndWrapsTheProduct() => VerifyFixAsync(
            Sources.Torch(@"
var p = x.sigmoid();
var p_t = t * p + (1 - t) * (1 - p);
var alpha_t = t * alpha + (1 - t) * (1 - alpha);
return alpha_t * (1 - p_t).pow(gamma) * {|#0:torch.nn.functional.binary_cross_entropy_with_logits(x, t)|};"),
            Sources.Torch(@"
var p = x.sigmoid();
var p_t = t * p + (1 - t) * (1 - p);
var alpha_t = t * alpha + (1 - t) * (1 - alpha);
return (alpha_t * (1 - p_t).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None)).mean();"),
            At(0, "torch.nn.functional.binary_cross_entropy_with_logits(x, t)", "mean", " (Mean is the default reduction)"));

        [Fact]
        public Task SumCallThenCompoundWeighting_ReportsAndMovesTheSum() => VerifyFixAsync(
            Sources.Torch(@"
var loss = {|#0:torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None).sum()|};
var p = torch.sigmoid(x);
var p_t = t * p + (1 - t) * (1 - p);
loss *= (t * alpha + (1 - t) * (1 - alpha)) * (1 - p_t).pow(gamma);
return loss;"),
            Sources.Torch(@"
var loss = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p = torch.sigmoid(x);
var p_t = t * p + (1 - t) * (1 - p);
loss *= (t * alpha + (1 - t) * (1 - alpha)) * (1 - p_t).pow(gamma);
return loss.sum();"),
            At(0, "torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None).sum()", "sum"));

        [Fact]
        public Task TorchMeanOfProbabilityCrossEntropyBeforeFinalMean_ReportsAndDropsTheEarlyMean() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = {|#0:torch.mean(torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None))|};
var p_t = torch.where(t == 1, p, 1 - p);
var loss = ce * (1 - p_t).pow(gamma);
return loss.mean();"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None);
var p_t = torch.where(t == 1, p, 1 - p);
var loss = ce * (1 - p_t).pow(gamma);
return loss.mean();"),
            At(0, "torch.mean(torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None))", "mean"));

        [Fact]
        public Task ReductionParameterReturnedDirectly_ReportsAndSwitchesOnTheParameter() => VerifyFixAsync(
            @"using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Focal(Tensor x, Tensor t, double gamma, nn.Reduction reduction)
    {
        var ce = {|#0:nn.functional.binary_cross_entropy_with_logits(x, t, reduction: reduction)|};
        var p = torch.sigmoid(x);
        var p_t = p * t + (1 - p) * (1 - t);
        return ce * (1 - p_t).pow(gamma);
    }
}
",
            @"using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Focal(Tensor x, Tensor t, double gamma, nn.Reduction reduction)
    {
        var ce = nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
        var p = torch.sigmoid(x);
        var p_t = p * t + (1 - p) * (1 - t);
        return reduction switch { nn.Reduction.Mean => (ce * (1 - p_t).pow(gamma)).mean(), nn.Reduction.Sum => (ce * (1 - p_t).pow(gamma)).sum(), _ => ce * (1 - p_t).pow(gamma) };
    }
}
",
            At(0, "nn.functional.binary_cross_entropy_with_logits(x, t, reduction: reduction)", "mean or sum", " when 'reduction' is Mean or Sum"));
    }
}
