using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0001
{
    /// <summary>Inverted modulating factors: FL0001 reports on the power expression and the fix corrects its base.</summary>
    public sealed class ReportAndFixTests
    {
        private const string PtPowGamma = "weights by p_t^gamma: easy examples get the largest weight; the focal term is (1 - p_t)^gamma";
        private const string PtSquared = "weights by p_t^2: easy examples get the largest weight; the focal term is (1 - p_t)^2";

        private static Task VerifyFixAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
            RuleFixVerifier<InvertedModulatingFactorAnalyzer, InvertedModulatingFactorCodeFixProvider>.FixAsync(source, fixedSource, InvertedModulatingFactorCodeFixProvider.EquivalenceKey, expected);

        private static DiagnosticResult At(int marker, string expression, string rest) =>
            Verify.Diagnostic(Rules.Descriptors.InvertedModulatingFactor).WithLocation(marker).WithMessage("'" + expression + "' " + rest);

        [Fact]
        public Task SeedBlogProposal_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Seeds.Pcdet(pt: Seeds.Seed000Pt, focalTerm: "{|#0:torch.pow(pt, this.gamma)|}"),
            Seeds.Pcdet(pt: Seeds.Seed000Pt, focalTerm: "torch.pow(1 - pt, this.gamma)"),
            At(0, "torch.pow(pt, this.gamma)", PtPowGamma));

        [Fact]
        public Task SeedBlogProposalWithPtPow_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return {|#0:pt.pow(gamma)|} * ce;"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return (1 - pt).pow(gamma) * ce;"),
            At(0, "pt.pow(gamma)", PtPowGamma));

        [Fact]
        public Task YoloV5StylePtPow_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Torch(@"
var loss = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var pred_prob = torch.sigmoid(x);
var p_t = t * pred_prob + (1 - t) * (1 - pred_prob);
var alpha_factor = t * alpha + (1 - t) * (1 - alpha);
var modulating_factor = {|#0:p_t.pow(gamma)|};
loss *= alpha_factor * modulating_factor;
return loss.mean();"),
            Sources.Torch(@"
var loss = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var pred_prob = torch.sigmoid(x);
var p_t = t * pred_prob + (1 - t) * (1 - pred_prob);
var alpha_factor = t * alpha + (1 - t) * (1 - alpha);
var modulating_factor = (1 - p_t).pow(gamma);
loss *= alpha_factor * modulating_factor;
return loss.mean();"),
            At(0, "p_t.pow(gamma)", PtPowGamma));

        [Fact]
        public Task ExpNegativeCrossEntropyPow_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return {|#0:torch.exp(-ce).pow(gamma)|} * ce;"),
            Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return (1 - torch.exp(-ce)).pow(gamma) * ce;"),
            At(0, "torch.exp(-ce).pow(gamma)", PtPowGamma));

        [Fact]
        public Task WhereFormPtPow_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Torch(@"
var p = x.sigmoid();
var pt = torch.where(t == 1, p, 1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return {|#0:pt.pow(gamma)|} * ce;"),
            Sources.Torch(@"
var p = x.sigmoid();
var pt = torch.where(t == 1, p, 1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return (1 - pt).pow(gamma) * ce;"),
            At(0, "pt.pow(gamma)", PtPowGamma));

        [Fact]
        public Task SwappedBranchExponents_ReportsBothBranches() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
return -alpha * t * {|#0:p.pow(gamma)|} * torch.log(p) - (1 - alpha) * (1 - t) * {|#1:(1 - p).pow(gamma)|} * torch.log(1 - p);"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
return -alpha * t * (1 - p).pow(gamma) * torch.log(p) - (1 - alpha) * (1 - t) * p.pow(gamma) * torch.log(1 - p);"),
            Verify.Diagnostic(Rules.Descriptors.InvertedModulatingFactor).WithLocation(0)
                .WithMessage("'p.pow(gamma)' weights by p^gamma on the positive (t = 1) branch: easy examples get the largest weight; the focal term is (1 - p)^gamma"),
            Verify.Diagnostic(Rules.Descriptors.InvertedModulatingFactor).WithLocation(1)
                .WithMessage("'(1 - p).pow(gamma)' weights by (1 - p)^gamma on the negative (t = 0) branch: easy examples get the largest weight; the focal term is p^gamma"));

        [Fact]
        public Task ScalarMathPowOfPt_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double alpha_t = t * alpha + (1 - t) * (1 - alpha);
return -alpha_t * {|#0:Math.Pow(pt, gamma)|} * Math.Log(pt);"),
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double alpha_t = t * alpha + (1 - t) * (1 - alpha);
return -alpha_t * Math.Pow(1 - pt, gamma) * Math.Log(pt);"),
            At(0, "Math.Pow(pt, gamma)", PtPowGamma));

        [Fact]
        public Task SelfProductOfPt_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t == 1 ? p : 1 - p;
double w = {|#0:pt * pt|};
return -w * Math.Log(pt);"),
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t == 1 ? p : 1 - p;
double w = (1 - pt) * (1 - pt);
return -w * Math.Log(pt);"),
            At(0, "pt * pt", PtSquared));

        [Fact]
        public Task TorchSquareOfPt_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = p * t + (1 - p) * (1 - t);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return {|#0:torch.square(pt)|} * ce;"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = p * t + (1 - p) * (1 - t);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return torch.square(1 - pt) * ce;"),
            At(0, "torch.square(pt)", PtSquared));

        [Fact]
        public Task CompoundAssignmentWithPtPow_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Torch(@"
var loss = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p = torch.sigmoid(x);
var pt = p * t + (1 - p) * (1 - t);
loss *= {|#0:pt.pow(gamma)|};
return loss;"),
            Sources.Torch(@"
var loss = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p = torch.sigmoid(x);
var pt = p * t + (1 - p) * (1 - t);
loss *= (1 - pt).pow(gamma);
return loss;"),
            At(0, "pt.pow(gamma)", PtPowGamma));

        [Fact]
        public Task PcdetNamingWithOneMinusPt_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Torch(@"
var pred_sigmoid = torch.sigmoid(x);
var pt = t * (1.0 - pred_sigmoid) + (1.0 - t) * pred_sigmoid;
var focal_weight = (t * alpha + (1 - t) * (1 - alpha)) * {|#0:(1 - pt).pow(gamma)|};
return focal_weight * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"),
            Sources.Torch(@"
var pred_sigmoid = torch.sigmoid(x);
var pt = t * (1.0 - pred_sigmoid) + (1.0 - t) * pred_sigmoid;
var focal_weight = (t * alpha + (1 - t) * (1 - alpha)) * pt.pow(gamma);
return focal_weight * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"),
            At(0, "(1 - pt).pow(gamma)", PtPowGamma));

        [Fact]
        public Task CompoundBaseIsParenthesisedInFix() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return ce * {|#0:(t * p + (1 - t) * (1 - p)).pow(gamma)|};"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return ce * (1 - (t * p + (1 - t) * (1 - p))).pow(gamma);"),
            At(0, "(t * p + (1 - t) * (1 - p)).pow(gamma)", PtPowGamma));

        [Fact]
        public Task SpecialExpitWithTensorSquare_ReportsInvertedModulatingFactor() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.special.expit(x);
var pt = t * p + (1 - t) * (1 - p);
return {|#0:pt.square()|} * torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None);"),
            Sources.Torch(@"
var p = torch.special.expit(x);
var pt = t * p + (1 - t) * (1 - p);
return (1 - pt).square() * torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None);"),
            At(0, "pt.square()", PtSquared));
    }
}
