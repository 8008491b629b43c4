using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0002
{
    /// <summary>Inverted alpha balances: FL0002 reports the balance expression and the fix exchanges the alpha operands.</summary>
    public sealed class ReportAndFixTests
    {
        private static Task VerifyFixAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
            RuleFixVerifier<InvertedAlphaBalanceAnalyzer, InvertedAlphaBalanceCodeFixProvider>.FixAsync(source, fixedSource, InvertedAlphaBalanceCodeFixProvider.EquivalenceKey, expected);

        /// <summary>The diagnostic is reported and no code action is offered: the source stays as it is.</summary>
        private static Task VerifyNoFixAsync(string source, params DiagnosticResult[] expected) =>
            RuleFixVerifier<InvertedAlphaBalanceAnalyzer, InvertedAlphaBalanceCodeFixProvider>.NoFixAsync(source, expected);

        internal static DiagnosticResult At(int marker, string expression, string alpha = "alpha") =>
            Verify.Diagnostic(Rules.Descriptors.InvertedAlphaBalance).WithLocation(marker)
                .WithMessage("'" + expression + "' gives positives 1 - " + alpha + " and negatives " + alpha + ": the balance is inverted; alpha_t = t*alpha + (1-t)*(1-alpha)");

        [Fact]
        public Task TorchvisionStyleInsideAlphaGuard_ReportsAndSwapsAlphaOperands() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p_t = p * t + (1 - p) * (1 - t);
var loss = ce * (1 - p_t).pow(gamma);
if (alpha >= 0)
{
    var alpha_t = {|#0:alpha * (1 - t) + (1 - alpha) * t|};
    loss = alpha_t * loss;
}

return loss;"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p_t = p * t + (1 - p) * (1 - t);
var loss = ce * (1 - p_t).pow(gamma);
if (alpha >= 0)
{
    var alpha_t = (1 - alpha) * (1 - t) + alpha * t;
    loss = alpha_t * loss;
}

return loss;"),
            At(0, "alpha * (1 - t) + (1 - alpha) * t"));

        [Fact]
        public Task PcdetStyleModuleWithInvertedAlphaWeight_ReportsAndSwapsAlphaOperands() => VerifyFixAsync(
            Pcdet("{|#0:target * (1 - this.alpha) + (1 - target) * this.alpha|}"),
            Pcdet("target * this.alpha + (1 - target) * (1 - this.alpha)"),
            At(0, "target * (1 - this.alpha) + (1 - target) * this.alpha"));

        [Fact]
        public Task MmdetStyleInlineBalance_ReportsAndSwapsAlphaOperands() => VerifyFixAsync(
            Mmdet("{|#0:alpha * (1 - target) + (1 - alpha) * target|}"),
            Mmdet("(1 - alpha) * (1 - target) + alpha * target"),
            At(0, "alpha * (1 - target) + (1 - alpha) * target"));

        [Fact]
        public Task YoloV5StyleAlphaFactor_ReportsAndSwapsAlphaOperands() => VerifyFixAsync(
            YoloV5("{|#0:@true * (1 - alpha) + (1 - @true) * alpha|}"),
            YoloV5("@true * alpha + (1 - @true) * (1 - alpha)"),
            At(0, "@true * (1 - alpha) + (1 - @true) * alpha"));

        [Fact]
        public Task WhereFormWithOneMinusAlphaForPositives_ReportsAndSwapsArms() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var p_t = torch.where(t == 1, p, 1 - p);
var alpha_t = {|#0:torch.where(t == 1, 1 - alpha, alpha)|};
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return alpha_t * (1 - p_t).pow(gamma) * ce;"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var p_t = torch.where(t == 1, p, 1 - p);
var alpha_t = torch.where(t == 1, alpha, 1 - alpha);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return alpha_t * (1 - p_t).pow(gamma) * ce;"),
            At(0, "torch.where(t == 1, 1 - alpha, alpha)"));

        [Fact]
        public Task ScalarConditionalAlpha_ReportsAndSwapsBranches() => VerifyFixAsync(
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double alpha_t = {|#0:t == 1 ? 1 - alpha : alpha|};
return -alpha_t * Math.Pow(1 - pt, gamma) * Math.Log(pt);"),
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double alpha_t = t == 1 ? alpha : 1 - alpha;
return -alpha_t * Math.Pow(1 - pt, gamma) * Math.Log(pt);"),
            At(0, "t == 1 ? 1 - alpha : alpha"));

        [Fact]
        public Task ScalarProductFormInCompoundAssignment_ReportsAndSwapsAlphaOperands() => VerifyFixAsync(
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double loss = -Math.Log(pt) * Math.Pow(1 - pt, gamma);
loss *= {|#0:t * (1 - alpha) + (1 - t) * alpha|};
return loss;"),
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double loss = -Math.Log(pt) * Math.Pow(1 - pt, gamma);
loss *= t * alpha + (1 - t) * (1 - alpha);
return loss;"),
            At(0, "t * (1 - alpha) + (1 - t) * alpha"));

        [Fact]
        public Task TwoBranchFormWithSwappedAlphas_ReportsWholeExpressionAndSwapsAlphaFactors() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
return {|#0:-(1 - alpha) * t * (1 - p).pow(gamma) * torch.log(p) - alpha * (1 - t) * p.pow(gamma) * torch.log(1 - p)|};"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
return -alpha * t * (1 - p).pow(gamma) * torch.log(p) - (1 - alpha) * (1 - t) * p.pow(gamma) * torch.log(1 - p);"),
            At(0, "-(1 - alpha) * t * (1 - p).pow(gamma) * torch.log(p) - alpha * (1 - t) * p.pow(gamma) * torch.log(1 - p)"));

        [Fact]
        public Task ExpandedPolynomialBalance_ReportsWithoutFix()
        {
            // alpha + t - 2*t*alpha is t*(1-alpha) + (1-t)*alpha multiplied out: no operand pair to exchange.
            var source = Sources.Torch(@"
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var w = {|#0:alpha + t - 2 * t * alpha|};
return w * (1 - p_t).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);");
            return VerifyNoFixAsync(source, At(0, "alpha + t - 2 * t * alpha"));
        }

        [Fact]
        public Task OneMinusCorrectBalance_ReportsWithoutFix()
        {
            var source = Sources.Torch(@"
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var w = {|#0:1 - (t * alpha + (1 - t) * (1 - alpha))|};
return w * (1 - p_t).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);");
            return VerifyNoFixAsync(source, At(0, "1 - (t * alpha + (1 - t) * (1 - alpha))"));
        }

        [Fact]
        public Task InvertedBalanceNextToFl0001Bug_StillReported() => VerifyFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return ({|#0:t * (1 - alpha) + (1 - t) * alpha|}) * pt.pow(gamma) * ce;"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return (t * alpha + (1 - t) * (1 - alpha)) * pt.pow(gamma) * ce;"),
            At(0, "t * (1 - alpha) + (1 - t) * alpha"));

        internal static string Pcdet(string alphaWeight) => Seeds.Pcdet(alphaWeight: alphaWeight);

        internal static string Mmdet(string balance) => Seeds.Mmdet(balance: balance);

        internal static string YoloV5(string alphaFactor) => Seeds.YoloV5(alphaFactor);
    }
}
