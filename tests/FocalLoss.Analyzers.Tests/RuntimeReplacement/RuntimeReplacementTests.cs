using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static FocalLoss.Analyzers.Tests.Runtime.RuntimeTestSupport;

namespace FocalLoss.Analyzers.Tests.Runtime
{
    /// <summary>
    /// "Use FocalLoss.TorchSharp sigmoid_focal_loss": the second FL0001 action replaces a recognised hand-written loss
    /// with one runtime call. The rewritten code must compile against TorchSharp plus FocalLoss.TorchSharp, map every
    /// argument exactly, and compute the correct focal loss (checked with the evaluator against the correct original).
    /// </summary>
    public sealed class RuntimeReplacementTests
    {
        private const string PtPowGamma = "weights by p_t^gamma: easy examples get the largest weight; the focal term is (1 - p_t)^gamma";

        private static Task VerifyRuntimeFixAsync(string source, string runtimeFixed, string inPlaceFixed, params DiagnosticResult[] expected)
        {
            var test = new FocalCodeFixTest<InvertedModulatingFactorAnalyzer, InvertedModulatingFactorCodeFixProvider>
            {
                TestState = { Sources = { source } },
                FixedState = { Sources = { runtimeFixed } },
                FormatFixedSources = { inPlaceFixed },
                CodeActionEquivalenceKey = RuntimeReplacement.EquivalenceKey,
            };
            test.TestState.AdditionalReferences.Add(RuntimeReference);
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        private static DiagnosticResult At(int marker, string expression) =>
            Verify.Diagnostic(Rules.Descriptors.InvertedModulatingFactor).WithLocation(marker).WithMessage("'" + expression + "' " + PtPowGamma);

        // ---------------------------------------------------------------------------------------------
        // The seed losses: exact rewrite, compiles, and the evaluator confirms the correct focal loss.

        [Fact]
        public Task PcdetWithSeed000Change_RewritesToRuntimeCallWithAnchorWeight() => VerifyRuntimeFixAsync(
            SeedLosses.PcdetSeed000, SeedLosses.PcdetRuntime, SeedLosses.PcdetInPlace, At(0, "torch.pow(pt, this.gamma)"));

        [Fact]
        public Task MmdetInvertedPow_RewritesToRuntimeCallWithWeightAndAvgFactor() => VerifyRuntimeFixAsync(
            SeedLosses.MmdetInvertedPow, SeedLosses.MmdetRuntime, SeedLosses.MmdetInPlace, At(0, "(1 - pt).pow(gamma)"));

        [Fact]
        public Task YoloV5PtPow_RewritesToRuntimeCallWithMeanReduction() => VerifyRuntimeFixAsync(
            SeedLosses.YoloPtPow, SeedLosses.YoloRuntime, SeedLosses.YoloInPlace, At(0, "p_t.pow(gamma)"));

        [Fact]
        public Task TorchvisionStyleSumInverted_RewritesToRuntimeCallWithSumReduction() => VerifyRuntimeFixAsync(
            SeedLosses.VisionInverted, SeedLosses.VisionRuntime, SeedLosses.VisionInPlace, At(0, "p_t.pow(gamma)"));

        [Theory]
        [InlineData("pcdet")]
        [InlineData("mmdet")]
        [InlineData("yolov5")]
        [InlineData("torchvision")]
        [InlineData("mmdet FL0002")]
        [InlineData("torchvision FL0003")]
        [InlineData("float overload FL0005")]
        public void RewrittenCall_EvaluatesToTheCorrectFocalLoss_AndTheBuggyOriginalDoesNot(string seed)
        {
            var (buggy, correct, runtime, method) = seed switch
            {
                "pcdet" => (SeedLosses.PcdetSeed000, SeedLosses.PcdetCorrect, SeedLosses.PcdetRuntime, "forward"),
                "mmdet" => (SeedLosses.MmdetInvertedPow, SeedLosses.MmdetCorrect, SeedLosses.MmdetRuntime, "py_sigmoid_focal_loss"),
                "yolov5" => (SeedLosses.YoloPtPow, SeedLosses.YoloCorrect, SeedLosses.YoloRuntime, "forward"),
                "mmdet FL0002" => (SeedLosses.MmdetInvertedAlpha, SeedLosses.MmdetCorrect, SeedLosses.MmdetRuntime, "py_sigmoid_focal_loss"),
                "torchvision FL0003" => (SeedLosses.VisionDoubleSigmoid, SeedLosses.VisionCorrect, SeedLosses.VisionRuntime, "sigmoid_focal_loss"),
                "float overload FL0005" => (SeedLosses.FloatOverloadMeanFirst, SeedLosses.FloatOverloadCorrect, SeedLosses.FloatOverloadRuntime, "sigmoid_focal_loss"),
                _ => (SeedLosses.VisionInverted, SeedLosses.VisionCorrect, SeedLosses.VisionRuntime, "sigmoid_focal_loss"),
            };

            var reference = ReturnedExpr(correct, method);
            Assert.True(SameLoss(reference, ReturnedExpr(runtime, method)), "the runtime call does not compute the correct focal loss: " + reference + " vs " + ReturnedExpr(runtime, method));
            Assert.False(SameLoss(reference, ReturnedExpr(buggy, method)), "the sample points do not tell the buggy loss from the correct one");
        }

        [Fact]
        public void RuntimeModel_DiffersFromInvertedAlphaAndFromOtherGamma()
        {
            // The evaluator's model of the runtime call is sensitive to each argument.
            var reference = ReturnedExpr(SeedLosses.VisionCorrect, "sigmoid_focal_loss");
            Assert.False(SameLoss(reference, ReturnedExpr(SeedLosses.VisionRuntime.Replace("alpha: alpha", "alpha: 1 - alpha"), "sigmoid_focal_loss")));
            Assert.False(SameLoss(reference, ReturnedExpr(SeedLosses.VisionRuntime.Replace("gamma: gamma", "gamma: gamma + 1"), "sigmoid_focal_loss")));
            Assert.False(SameLoss(reference, ReturnedExpr(SeedLosses.VisionRuntime.Replace("nn.Reduction.Sum", "nn.Reduction.Mean"), "sigmoid_focal_loss")));
        }

        // ---------------------------------------------------------------------------------------------
        // Registration: second, with its own key; the title says when the package is missing.

        [Fact]
        public async Task RuntimeAction_IsRegisteredSecondAfterTheInPlaceFix()
        {
            var offered = await ActionsAsync(SeedLosses.YoloPtPow);
            var actions = Assert.Single(offered);
            Assert.Equal(2, actions.Count);
            Assert.Equal(InvertedModulatingFactorCodeFixProvider.EquivalenceKey, actions[0].EquivalenceKey);
            Assert.Equal(RuntimeReplacement.EquivalenceKey, actions[1].EquivalenceKey);
            Assert.Equal("Use FocalLoss.TorchSharp sigmoid_focal_loss", actions[1].Title);
        }

        [Fact]
        public async Task ProjectWithoutRuntimePackage_TitleSaysToAddIt()
        {
            var actions = Assert.Single(await ActionsAsync(SeedLosses.YoloPtPow, withRuntime: false));
            Assert.Equal(2, actions.Count);
            Assert.Equal("Use FocalLoss.TorchSharp sigmoid_focal_loss (add the FocalLoss.TorchSharp package)", actions[1].Title);
            Assert.Equal(RuntimeReplacement.EquivalenceKey, actions[1].EquivalenceKey);
        }

        // ---------------------------------------------------------------------------------------------
        // Surrounding code: kept where still used; FixAll over several losses.

        [Fact]
        public Task LocalStillUsedElsewhere_IsKept() => VerifyRuntimeFixAsync(
            @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor? LastCrossEntropy;

    public static Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)
    {
        var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
        LastCrossEntropy = ce;
        var p = torch.sigmoid(x);
        var pt = t * p + (1 - t) * (1 - p);
        return (t * alpha + (1 - t) * (1 - alpha)) * {|#0:pt.pow(gamma)|} * ce;
    }
}
",
            @"using System;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor? LastCrossEntropy;

    public static Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)
    {
        var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
        LastCrossEntropy = ce;
        return focal.sigmoid_focal_loss(x, t, alpha: alpha, gamma: gamma);
    }
}
",
            @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor? LastCrossEntropy;

    public static Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)
    {
        var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
        LastCrossEntropy = ce;
        var p = torch.sigmoid(x);
        var pt = t * p + (1 - t) * (1 - p);
        return (t * alpha + (1 - t) * (1 - alpha)) * (1 - pt).pow(gamma) * ce;
    }
}
",
            At(0, "pt.pow(gamma)"));

        [Fact]
        public Task LossReadTwice_ReplacesTheValueAndKeepsBothUses() => VerifyRuntimeFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var loss = ce * {|#0:pt.pow(gamma)|};
Console.WriteLine(loss.sum());
return loss.mean();"),
            Seeds.WithRuntimeUsing(Sources.Torch(@"
var loss = focal.sigmoid_focal_loss(x, t, alpha: -1.0, gamma: gamma);
Console.WriteLine(loss.sum());
return loss.mean();")),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var loss = ce * (1 - pt).pow(gamma);
Console.WriteLine(loss.sum());
return loss.mean();"),
            At(0, "pt.pow(gamma)"));

        [Fact]
        public Task TwoLossesInOneFile_FixAllRewritesBoth() => VerifyRuntimeFixAsync(
            @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor A(Tensor x, Tensor t, double gamma)
    {
        var pt = t * torch.sigmoid(x) + (1 - t) * (1 - torch.sigmoid(x));
        return {|#0:pt.pow(gamma)|} * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
    }

    public static Tensor B(Tensor logits, Tensor labels)
    {
        var q = labels * logits.sigmoid() + (1 - labels) * (1 - logits.sigmoid());
        var ce = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction: nn.Reduction.None);
        return ((0.25 * labels + 0.75 * (1 - labels)) * {|#1:q.square()|} * ce).sum();
    }
}
",
            @"using System;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor A(Tensor x, Tensor t, double gamma)
    {
        return focal.sigmoid_focal_loss(x, t, alpha: -1.0, gamma: gamma);
    }

    public static Tensor B(Tensor logits, Tensor labels)
    {
        return focal.sigmoid_focal_loss(logits, labels, alpha: 0.25, gamma: 2.0, reduction: nn.Reduction.Sum);
    }
}
",
            @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor A(Tensor x, Tensor t, double gamma)
    {
        var pt = t * torch.sigmoid(x) + (1 - t) * (1 - torch.sigmoid(x));
        return (1 - pt).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
    }

    public static Tensor B(Tensor logits, Tensor labels)
    {
        var q = labels * logits.sigmoid() + (1 - labels) * (1 - logits.sigmoid());
        var ce = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction: nn.Reduction.None);
        return ((0.25 * labels + 0.75 * (1 - labels)) * (1 - q).square() * ce).sum();
    }
}
",
            At(0, "pt.pow(gamma)"),
            Verify.Diagnostic(Rules.Descriptors.InvertedModulatingFactor).WithLocation(1)
                .WithMessage("'q.square()' weights by p_t^2: easy examples get the largest weight; the focal term is (1 - p_t)^2"));

        // ---------------------------------------------------------------------------------------------
        // Shapes that cannot be mapped completely: only the in-place fix.

        [Theory]
        [InlineData("two-branch", @"
var p = torch.sigmoid(x);
return -alpha * t * {|#0:p.pow(gamma)|} * torch.log(p) - (1 - alpha) * (1 - t) * (1 - p).pow(gamma) * torch.log(1 - p);")]
        [InlineData("scalar loss weight", @"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return 0.5 * {|#0:pt.pow(gamma)|} * ce;")]
        [InlineData("extra factor of the logits", @"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return p * {|#0:pt.pow(gamma)|} * ce;")]
        [InlineData("no cross entropy", @"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
return {|#0:pt.pow(gamma)|} * torch.log(p);")]
        [InlineData("alpha out of range", @"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return (t * 1.5 + (1 - t) * (1 - 1.5)) * {|#0:pt.pow(gamma)|} * ce;")]
        [InlineData("gamma changed before the call site", @"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var w = {|#0:pt.pow(gamma)|};
gamma = 0;
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return w * ce;")]
        [InlineData("mean divided by a count", @"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return ({|#0:pt.pow(gamma)|} * ce).mean() / alpha;")]
        public async Task UnmappableShape_OffersOnlyTheInPlaceFix(string shape, string body)
        {
            var offered = await ActionsAsync(Sources.Torch(body));
            Assert.True(offered.Count >= 1, shape + ": no FL0001 diagnostic");
            Assert.All(offered, actions => Assert.Contains(actions, a => a.EquivalenceKey == InvertedModulatingFactorCodeFixProvider.EquivalenceKey));
            Assert.All(offered, actions => Assert.False(OffersRuntime(actions), shape + ": the runtime action was offered"));
        }

        /// <summary>
        /// OpenPCDet as published reshapes the anchor weights inside an <c>if</c> on their rank. The
        /// rewrite keeps that statement and passes the reshaped local: after it, a per-anchor weight
        /// always has the trailing 1, which the runtime reads as per-anchor, exactly as broadcasting.
        /// </summary>
        [Fact]
        public Task PcdetAsPublishedWithSeed000Change_KeepsTheWeightReshapeAndPassesIt() => VerifyRuntimeFixAsync(
            Seeds.PcdetHead + @"        var pred_sigmoid = torch.sigmoid(input);
        var alpha_weight = target * this.alpha + (1 - target) * (1 - this.alpha);
        var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);
        var focal_weight = alpha_weight * {|#0:torch.pow(pt, this.gamma)|};
        var bce_loss = SigmoidCrossEntropyWithLogits(input, target);
        var loss = focal_weight * bce_loss;
        if (weights.dim() == 2 || (weights.dim() == 1 && target.dim() == 2))
        {
            weights = weights.unsqueeze(-1);
        }
        return loss * weights;
" + Seeds.ClassTail,
            Seeds.PcdetHead.Replace("using System;\n", "using System;\nusing FocalLoss.TorchSharp;\n") + @"        if (weights.dim() == 2 || (weights.dim() == 1 && target.dim() == 2))
        {
            weights = weights.unsqueeze(-1);
        }
        return focal.sigmoid_focal_loss(input, target, alpha: this.alpha, gamma: this.gamma, weight: weights);
" + Seeds.ClassTail,
            Seeds.PcdetHead + @"        var pred_sigmoid = torch.sigmoid(input);
        var alpha_weight = target * this.alpha + (1 - target) * (1 - this.alpha);
        var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);
        var focal_weight = alpha_weight * torch.pow(1 - pt, this.gamma);
        var bce_loss = SigmoidCrossEntropyWithLogits(input, target);
        var loss = focal_weight * bce_loss;
        if (weights.dim() == 2 || (weights.dim() == 1 && target.dim() == 2))
        {
            weights = weights.unsqueeze(-1);
        }
        return loss * weights;
" + Seeds.ClassTail,
            At(0, "torch.pow(pt, this.gamma)"));

        [Fact]
        public async Task PerClassAlphaTensor_OffersOnlyTheInPlaceFix()
        {
            var offered = await ActionsAsync(@"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Loss(Tensor x, Tensor t, Tensor alpha, double gamma)
    {
        var p = torch.sigmoid(x);
        var pt = t * p + (1 - t) * (1 - p);
        var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
        return (t * alpha + (1 - t) * (1 - alpha)) * {|#0:pt.pow(gamma)|} * ce;
    }
}
");
            var actions = Assert.Single(offered);
            Assert.Single(actions);
            Assert.False(OffersRuntime(actions));
        }

        [Fact]
        public async Task GlobalClassNamedFocalLoss_OffersOnlyTheInPlaceFix()
        {
            // A global type FocalLoss hides the namespace FocalLoss (even after global::): the call cannot be written.
            var offered = await ActionsAsync(SeedLosses.YoloPtPow.Replace("namespace YoloV5;\n", string.Empty));
            var actions = Assert.Single(offered);
            Assert.Single(actions);
            Assert.False(OffersRuntime(actions));
        }

        [Fact]
        public Task SymbolNamedFocalInScope_WritesTheQualifiedCallWithoutUsing() => VerifyRuntimeFixAsync(
            Sources.Torch(@"
var focal = 0.5;
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
Console.WriteLine(focal);
return {|#0:pt.pow(gamma)|} * ce;"),
            Sources.Torch(@"
var focal = 0.5;
Console.WriteLine(focal);
return global::FocalLoss.TorchSharp.focal.sigmoid_focal_loss(x, t, alpha: -1.0, gamma: gamma);"),
            Sources.Torch(@"
var focal = 0.5;
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
Console.WriteLine(focal);
return (1 - pt).pow(gamma) * ce;"),
            At(0, "pt.pow(gamma)"));

        [Fact]
        public async Task ScalarLoss_OffersOnlyTheInPlaceFix()
        {
            var offered = await ActionsAsync(Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double alpha_t = t * alpha + (1 - t) * (1 - alpha);
return -alpha_t * {|#0:Math.Pow(pt, gamma)|} * Math.Log(pt);"));
            var actions = Assert.Single(offered);
            Assert.Single(actions);
            Assert.False(OffersRuntime(actions));
        }

        [Fact]
        public async Task SameShapeWithMappableArguments_OffersTheRuntimeAction()
        {
            // Control for the negative cases above: the shape they start from is offered the action.
            var offered = await ActionsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return (t * alpha + (1 - t) * (1 - alpha)) * {|#0:pt.pow(gamma)|} * ce;"));
            Assert.True(OffersRuntime(Assert.Single(offered)));
        }
    }
}
