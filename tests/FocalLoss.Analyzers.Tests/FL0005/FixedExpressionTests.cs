using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0005
{
    /// <summary>
    /// After the fix, the evaluator (not the text) says the loss is the reduction of the element-wise focal loss: a
    /// Reduce node of the original kind wraps a product of the element-wise cross entropy and (1 - p_t)^gamma, with no
    /// reduction left below it.
    /// </summary>
    public sealed class FixedExpressionTests
    {
        [Theory]
        [InlineData("mean", "var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean);\nvar p = torch.sigmoid(x);\nvar p_t = p * t + (1 - p) * (1 - t);\nvar loss = ce * (1 - p_t).pow(gamma);\nreturn loss;")]
        [InlineData("mean", "var p = x.sigmoid();\nvar p_t = t * p + (1 - t) * (1 - p);\nreturn (t * alpha + (1 - t) * (1 - alpha)) * (1 - p_t).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t);")]
        [InlineData("sum", "var loss = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None).sum();\nvar p = torch.sigmoid(x);\nvar p_t = t * p + (1 - t) * (1 - p);\nloss *= (1 - p_t).pow(gamma);\nreturn loss;")]
        [InlineData("mean", "var p = torch.sigmoid(x);\nvar ce = torch.mean(torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None));\nvar loss = ce * (1 - torch.where(t == 1, p, 1 - p)).pow(gamma);\nreturn loss.mean();")]
        [InlineData("sum", "var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Sum);\nvar p = torch.sigmoid(x);\nvar w = (1 - (p * t + (1 - p) * (1 - t))).pow(gamma);\nvar loss = w.mul(ce);\nloss = loss * alpha;\nreturn loss;")]
        public async Task FixedLoss_ReducesTheElementwiseFocalLoss(string reduction, string body)
        {
            var compilation = await ApplyFixAsync(Sources.Torch(body));
            var returned = ReturnedValues(compilation).Single();
            var builder = new ExpressionBuilder(KnownSymbols.Create(compilation));
            AssertReducesElementwiseFocalLoss(builder.Build(returned), reduction);
        }

        [Fact]
        public async Task FixedSwitchOnReductionParameter_ReducesTheElementwiseFocalLossPerArm()
        {
            var compilation = await ApplyFixAsync(@"using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Focal(Tensor x, Tensor t, double gamma, nn.Reduction reduction)
    {
        var ce = nn.functional.binary_cross_entropy_with_logits(x, t, reduction: reduction);
        var p = torch.sigmoid(x);
        return ce * (1 - (p * t + (1 - p) * (1 - t))).pow(gamma);
    }
}
");
            var returned = ReturnedValues(compilation).Single();
            var arms = ((ISwitchExpressionOperation)returned).Arms;
            Assert.Equal(3, arms.Length);
            var builder = new ExpressionBuilder(KnownSymbols.Create(compilation));
            AssertReducesElementwiseFocalLoss(builder.Build(arms[0].Value), "mean");
            AssertReducesElementwiseFocalLoss(builder.Build(arms[1].Value), "sum");
            AssertElementwiseFocalLoss(builder.Build(arms[2].Value));
        }

        [Fact]
        public async Task FixedTorchSharpFloatOverload_WeightsTheElementwiseCrossEntropy()
        {
            var compilation = await ApplyFixAsync(@"using TorchSharp;
using static TorchSharp.torch;

public static class FocalOps
{
    public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = 2.0f, nn.Reduction reduction = nn.Reduction.None)
    {
        var p = torch.sigmoid(inputs);
        var ce_loss = nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction: reduction);
        var p_t = p * targets + (1 - p) * (1 - targets);
        var loss = ce_loss * (1 - p_t).pow(gamma);
        if (alpha >= 0) {
            var alpha_t = alpha * targets + (1 - alpha) * (1 - targets);
            loss = alpha_t * loss;
        }

        if (reduction == nn.Reduction.Mean) {
            loss = loss.mean();
        } else if (reduction == nn.Reduction.Sum) {
            loss = loss.sum();
        }

        return loss;
    }
}
");
            var product = Compiler.OperationOf(compilation, "ce_loss * (1 - p_t).pow(gamma)");
            var builder = new ExpressionBuilder(KnownSymbols.Create(compilation));
            AssertElementwiseFocalLoss(builder.Build(product));
        }

        private static void AssertReducesElementwiseFocalLoss(Expr expr, string reduction)
        {
            Assert.Equal(ExprKind.Reduce, expr.Kind);
            Assert.Equal(reduction, expr.Tag);
            AssertElementwiseFocalLoss(expr.Operands[0]);
        }

        /// <summary>No reduction anywhere; an element-wise cross entropy times a power whose base evaluates to 1 - p_t.</summary>
        private static void AssertElementwiseFocalLoss(Expr expr)
        {
            Assert.False(expr.Any(e => e.Kind == ExprKind.Reduce), "A reduction is left below the weighting: " + expr);
            Assert.True(expr.Any(e => e.Kind == ExprKind.CrossEntropyWithLogits || e.Kind == ExprKind.CrossEntropy), "No element-wise cross entropy: " + expr);
            Assert.True(
                expr.Any(e => e.Kind == ExprKind.Power && FocalMath.Classify(e.Operands[0]).Form == ProbabilityForm.OneMinusPt),
                "No (1 - p_t)^gamma factor: " + expr);
        }

        private static IEnumerable<IOperation> ReturnedValues(Compilation compilation)
        {
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            foreach (var statement in tree.GetRoot().DescendantNodes().OfType<ReturnStatementSyntax>())
            {
                if (model.GetOperation(statement) is IReturnOperation { ReturnedValue: IOperation value })
                {
                    yield return value;
                }
            }
        }

        /// <summary>Applies the first registered fix until FL0005 is gone; the result compiles and FL0005 no longer reports.</summary>
        private static async Task<Compilation> ApplyFixAsync(string source) =>
            (await Compiler.ApplyFirstActionsAsync(source, new ReducedBeforeWeightingAnalyzer(), new ReducedBeforeWeightingCodeFixProvider(), DiagnosticIds.ReducedBeforeWeighting, ReducedBeforeWeightingCodeFixProvider.EquivalenceKey)).Compilation;
    }
}
