using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0006
{
    /// <summary>
    /// Locals named like p_t that hold 1 - p_t: FL0006 (information) on the name, and the refactoring to the paper's
    /// notation rewrites the definition and every use together.
    /// </summary>
    public sealed class ReportAndRefactorTests
    {
        private static Task VerifyRefactoringAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
            RuleFixVerifier<PtNotationAnalyzer, PaperNotationCodeFixProvider>.FixAsync(source, fixedSource, PaperNotationCodeFixProvider.EquivalenceKey, expected);

        private static Task VerifyNoRefactoringAsync(string source, params DiagnosticResult[] expected) =>
            RuleFixVerifier<PtNotationAnalyzer, PaperNotationCodeFixProvider>.NoFixAsync(source, expected);

        internal static DiagnosticResult At(int marker, string name, string exponent = "gamma") =>
            Verify.Diagnostic(Rules.Descriptors.PtHoldsOneMinusPt).WithLocation(marker)
                .WithMessage("'" + name + "' holds 1 - p_t (the probability of the wrong class), not the paper's p_t; the loss is correct: " + name + "^" + exponent + " is the focal term (1 - p_t)^" + exponent);

        [Fact]
        public Task PcdetModule_ReportsNotationAndRefactorsToPaperNotation() => VerifyRefactoringAsync(
            Pcdet("var {|#0:pt|} = target * (1.0 - pred_sigmoid) + (1.0 - target) * pred_sigmoid;", "torch.pow(pt, this.gamma)"),
            Pcdet("var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);", "torch.pow(1 - pt, this.gamma)"),
            At(0, "pt"));

        [Fact]
        public Task MmdetPySigmoidFocalLoss_ReportsNotationAndRefactorsToPaperNotation() => VerifyRefactoringAsync(
            Mmdet("var {|#0:pt|} = (1 - pred_sigmoid) * target + pred_sigmoid * (1 - target);", "pt.pow(gamma)"),
            Mmdet("var pt = pred_sigmoid * target + (1 - pred_sigmoid) * (1 - target);", "(1 - pt).pow(gamma)"),
            At(0, "pt"));

        [Fact]
        public Task WhereFormWithOneMinusUse_SwapsArmsAndSimplifiesOneMinus() => VerifyRefactoringAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var {|#0:p_t|} = torch.where(t == 1, 1 - p, p);
return p_t.pow(gamma) * -torch.log(1 - p_t);"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var p_t = torch.where(t == 1, p, 1 - p);
return (1 - p_t).pow(gamma) * -torch.log(p_t);"),
            At(0, "p_t"));

        [Fact]
        public Task ScalarConditionalProbTrue_RefactorsDefinitionAndUses() => VerifyRefactoringAsync(
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double {|#0:prob_true|} = t == 1 ? 1 - p : p;
return -Math.Pow(prob_true, gamma) * Math.Log(1 - prob_true);"),
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double prob_true = t == 1 ? p : 1 - p;
return -Math.Pow(1 - prob_true, gamma) * Math.Log(prob_true);"),
            At(0, "prob_true"));

        [Fact]
        public Task ScalarSelfProduct_RefactorsEachFactor() => VerifyRefactoringAsync(
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double {|#0:pTrue|} = t * (1 - p) + (1 - t) * p;
return pTrue * pTrue * -Math.Log(1 - pTrue);"),
            Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pTrue = t * p + (1 - t) * (1 - p);
return (1 - pTrue) * (1 - pTrue) * -Math.Log(pTrue);"),
            At(0, "pTrue", "2"));

        [Fact]
        public Task OneMinusExpNegativeCrossEntropy_KeepsTheInnerExpression() => VerifyRefactoringAsync(
            Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var {|#0:pt|} = 1 - torch.exp(-ce);
return alpha * pt.pow(gamma) * ce;"),
            Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var pt = torch.exp(-ce);
return alpha * (1 - pt).pow(gamma) * ce;"),
            At(0, "pt"));

        [Fact]
        public Task AbsoluteDifferenceWithSquare_WrapsDefinitionInOneMinus() => VerifyRefactoringAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var {|#0:pt|} = torch.abs(t - p);
return pt.square() * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"),
            Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = 1 - torch.abs(t - p);
return (1 - pt).square() * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"),
            At(0, "pt", "2"));

        [Fact]
        public Task DeclaredThenAssigned_ReportsWithoutRefactoring() => VerifyNoRefactoringAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
Tensor {|#0:pt|};
pt = t * (1 - p) + (1 - t) * p;
return pt.pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"),
            At(0, "pt"));

        [Fact]
        public Task UsedInsideLambda_ReportsWithoutRefactoring() => VerifyNoRefactoringAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var {|#0:pt|} = t * (1 - p) + (1 - t) * p;
Func<Tensor, Tensor> weight = ce => pt.pow(gamma) * ce;
return weight(torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None));"),
            At(0, "pt"));

        internal static string Pcdet(string definition, string focalTerm) => Seeds.Pcdet(pt: definition, focalTerm: focalTerm);

        internal static string Mmdet(string definition, string focalTerm) => Seeds.Mmdet(pt: definition, focalTerm: focalTerm);
    }
}
