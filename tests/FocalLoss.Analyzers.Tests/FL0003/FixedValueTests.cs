using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.Tests.FL0004;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0003
{
    /// <summary>
    /// After the fix the call is a cross entropy with logits whose value is the cross entropy the code meant:
    /// binary cross entropy of the probability it used to pass (checked with the evaluator).
    /// </summary>
    public sealed class FixedValueTests
    {
        [Theory]
        [InlineData("return torch.nn.functional.binary_cross_entropy_with_logits(torch.sigmoid(x), t, reduction: nn.Reduction.None);")]
        [InlineData("var p = x.sigmoid();\nreturn torch.nn.functional.binary_cross_entropy_with_logits(p, t, reduction: nn.Reduction.None);")]
        [InlineData("return torch.nn.functional.binary_cross_entropy_with_logits(1 - torch.special.expit(x * gamma), t, reduction: nn.Reduction.None);")]
        [InlineData("var q = 1 - torch.sigmoid(x);\nreturn torch.nn.functional.binary_cross_entropy_with_logits(q, t, reduction: nn.Reduction.None);")]
        public async Task FixedCall_IsTheCrossEntropyOfTheIntendedProbability(string body)
        {
            var source = Sources.Torch(body);
            var fixedSource = (await Compiler.ApplyFirstActionsAsync(
                source, new ProbabilitiesToLogitsLossAnalyzer(), new ProbabilitiesToLogitsLossCodeFixProvider(), DiagnosticIds.ProbabilitiesToLogitsLoss, ProbabilitiesToLogitsLossCodeFixProvider.EquivalenceKey)).Text;
            var before = LossValues.ReturnValue(source);
            var after = LossValues.ReturnValue(fixedSource);
            Assert.Equal(ExprKind.CrossEntropyWithLogits, before.Kind);
            Assert.Equal(ExprKind.CrossEntropyWithLogits, after.Kind);
            Assert.False(ProbabilitiesToLogitsLossAnalyzer.IsProbability(after.Operands[0]));

            // What the code meant: binary cross entropy of the probability it passed.
            var intended = Expr.Binary(ExprKind.CrossEntropy, before.Operands[0], before.Operands[1]);
            var sawDifference = false;
            foreach (var x in new[] { -6.0, -1.5, -0.2, 0.4, 2.2, 5.0 })
            {
                foreach (var t in new[] { 0.0, 1.0, 0.7 })
                {
                    var values = new Dictionary<string, double> { ["x"] = x, ["t"] = t, ["gamma"] = 1.3, ["alpha"] = 0.25 };
                    var expected = LossValues.Evaluate(intended, values);
                    var actual = LossValues.Evaluate(after, values);
                    var buggy = LossValues.Evaluate(before, values);
                    Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"x={x}, t={t}: intended {expected}, fixed {actual}");
                    sawDifference |= Math.Abs(buggy - expected) > 1e-3;
                }
            }

            Assert.True(sawDifference, "The sigmoid applied twice should differ from the intended cross entropy.");
        }
    }
}
