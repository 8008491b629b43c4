using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0002
{
    /// <summary>
    /// The evaluator, not the text, checks the fix: before it the returned loss is the focal loss with alpha and 1 - alpha
    /// exchanged, after it the loss is alpha_t * (1 - p_t)^gamma * CE at every sample point.
    /// </summary>
    public sealed class FixedValueTests
    {
        [Theory]
        [InlineData("var p = torch.sigmoid(x);\nvar ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);\nvar p_t = p * t + (1 - p) * (1 - t);\nvar alpha_t = alpha * (1 - t) + (1 - alpha) * t;\nreturn alpha_t * (ce * (1 - p_t).pow(gamma));")]
        [InlineData("var p = torch.sigmoid(x);\nvar p_t = torch.where(t == 1, p, 1 - p);\nvar alpha_t = torch.where(t == 1, 1 - alpha, alpha);\nreturn alpha_t * (1 - p_t).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);")]
        [InlineData("var pred_sigmoid = x.sigmoid();\nvar pt = (1 - pred_sigmoid) * t + pred_sigmoid * (1 - t);\nvar focal_weight = (alpha * (1 - t) + (1 - alpha) * t) * pt.pow(gamma);\nreturn torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None) * focal_weight;")]
        [InlineData("var p = torch.sigmoid(x);\nreturn -(1 - alpha) * t * (1 - p).pow(gamma) * torch.log(p) - alpha * (1 - t) * p.pow(gamma) * torch.log(1 - p);")]
        public async Task FixedTorchLoss_EqualsTheFocalLoss(string body)
        {
            var source = Sources.Torch(body);
            LossValues.AssertLoss(Compiler.CompileClean(source), LossValues.InvertedAlpha);
            var fixedCompilation = (await Compiler.ApplyFirstActionsAsync(source, new InvertedAlphaBalanceAnalyzer(), new InvertedAlphaBalanceCodeFixProvider(), DiagnosticIds.InvertedAlphaBalance, InvertedAlphaBalanceCodeFixProvider.EquivalenceKey)).Compilation;
            LossValues.AssertLoss(fixedCompilation, LossValues.Focal);
        }

        [Theory]
        [InlineData("double p = 1.0 / (1.0 + Math.Exp(-x));\ndouble pt = t * p + (1 - t) * (1 - p);\ndouble alpha_t = t == 1 ? 1 - alpha : alpha;\nreturn -alpha_t * Math.Pow(1 - pt, gamma) * Math.Log(pt);")]
        [InlineData("double p = 1.0 / (1.0 + Math.Exp(-x));\ndouble pt = t * p + (1 - t) * (1 - p);\ndouble loss = -Math.Log(pt) * Math.Pow(1 - pt, gamma);\nloss *= t * (1 - alpha) + (1 - t) * alpha;\nreturn loss;")]
        public async Task FixedScalarLoss_EqualsTheFocalLoss(string body)
        {
            var source = Sources.Scalar(body);
            LossValues.AssertLoss(Compiler.CompileClean(source), LossValues.InvertedAlpha);
            var fixedCompilation = (await Compiler.ApplyFirstActionsAsync(source, new InvertedAlphaBalanceAnalyzer(), new InvertedAlphaBalanceCodeFixProvider(), DiagnosticIds.InvertedAlphaBalance, InvertedAlphaBalanceCodeFixProvider.EquivalenceKey)).Compilation;
            LossValues.AssertLoss(fixedCompilation, LossValues.Focal);
        }
    }
}
