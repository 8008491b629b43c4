using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0006
{
    /// <summary>
    /// The refactoring changes notation, never the value: by the evaluator, the returned loss is the focal loss of the
    /// paper before and after it, and the local holds p_t afterwards.
    /// </summary>
    public sealed class RefactoredValueTests
    {
        [Theory]
        [InlineData("var p = torch.sigmoid(x);\nvar pt = t * (1.0 - p) + (1.0 - t) * p;\nvar alpha_weight = t * alpha + (1 - t) * (1 - alpha);\nreturn alpha_weight * torch.pow(pt, gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);")]
        [InlineData("var pred_sigmoid = x.sigmoid();\nvar pt = (1 - pred_sigmoid) * t + pred_sigmoid * (1 - t);\nvar focal_weight = (alpha * t + (1 - alpha) * (1 - t)) * pt.pow(gamma);\nreturn torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None) * focal_weight;")]
        [InlineData("var p = torch.sigmoid(x);\nvar p_t = torch.where(t == 1, 1 - p, p);\nreturn (t * alpha + (1 - t) * (1 - alpha)) * p_t.pow(gamma) * -torch.log(1 - p_t);")]
        [InlineData("var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);\nvar pt = 1 - torch.exp(-ce);\nreturn (t * alpha + (1 - t) * (1 - alpha)) * pt.pow(gamma) * ce;")]
        [InlineData("var p = torch.sigmoid(x);\nvar pt = torch.abs(t - p);\nreturn (t * alpha + (1 - t) * (1 - alpha)) * pt.pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);")]
        public async Task RefactoredTorchLoss_KeepsTheFocalLossValue(string body)
        {
            var source = Sources.Torch(body);
            LossValues.AssertLoss(Compiler.CompileClean(source), LossValues.Focal);
            var refactored = (await Compiler.ApplyFirstActionsAsync(source, new PtNotationAnalyzer(), new PaperNotationCodeFixProvider(), DiagnosticIds.PtHoldsOneMinusPt, PaperNotationCodeFixProvider.EquivalenceKey)).Compilation;
            LossValues.AssertLoss(refactored, LossValues.Focal);
        }

        [Fact]
        public async Task RefactoredScalarLoss_KeepsTheFocalLossValue()
        {
            var source = Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double prob_true = t == 1 ? 1 - p : p;
double alpha_t = t * alpha + (1 - t) * (1 - alpha);
return -alpha_t * Math.Pow(prob_true, gamma) * Math.Log(1 - prob_true);");
            LossValues.AssertLoss(Compiler.CompileClean(source), LossValues.Focal);
            var refactored = (await Compiler.ApplyFirstActionsAsync(source, new PtNotationAnalyzer(), new PaperNotationCodeFixProvider(), DiagnosticIds.PtHoldsOneMinusPt, PaperNotationCodeFixProvider.EquivalenceKey)).Compilation;
            LossValues.AssertLoss(refactored, LossValues.Focal);
        }
    }
}
