using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0004
{
    /// <summary>
    /// After the fix the value is the same log-probability: the evaluator says so at moderate logits (TorchSharp and
    /// scalar), and the compiled scalar code stays finite and exact where the original gives -inf.
    /// </summary>
    public sealed class FixedValueTests
    {
        private static async Task<string> FixAsync(string source) => (await Compiler.ApplyFirstActionsAsync(
            source, new UnstableLogSigmoidAnalyzer(), new UnstableLogSigmoidCodeFixProvider(), DiagnosticIds.UnstableLogSigmoid, UnstableLogSigmoidCodeFixProvider.EquivalenceKey)).Text;

        /// <summary>
        /// Reference log(sigmoid(x)) in double, independent of the fix's formula: the series x - e^x and -e^-x in the
        /// tails (exact to double precision beyond |x| = 30), the direct form in between (accurate there).
        /// </summary>
        private static double LogSigmoid(double x) => x < -30 ? x - Math.Exp(x) : x > 30 ? -Math.Exp(-x) : Math.Log(1 / (1 + Math.Exp(-x)));

        [Theory]
        [InlineData("return -t * torch.log(torch.sigmoid(x));")]
        [InlineData("var p = x.sigmoid();\nreturn -(t * p.log() + (1 - t) * (1 - p).log());")]
        [InlineData("return torch.log(1 - torch.special.expit(x * gamma)) + torch.log(1 / (1 + torch.exp(-x)));")]
        public async Task FixedTorchExpression_HasTheOriginalValueAtModerateLogits(string body)
        {
            var source = Sources.Torch(body);
            var fixedSource = await FixAsync(source);
            Assert.Contains("logsigmoid", fixedSource, StringComparison.Ordinal);
            var before = LossValues.ReturnValue(source);
            var after = LossValues.ReturnValue(fixedSource);
            Assert.False(before.Equals(after));
            foreach (var x in new[] { -4.5, -2.0, -0.3, 0.0, 0.8, 2.1, 3.1 })
            {
                foreach (var t in new[] { 0.0, 1.0, 0.3 })
                {
                    var values = new Dictionary<string, double> { ["x"] = x, ["t"] = t, ["gamma"] = 1.7, ["alpha"] = 0.25 };
                    var expected = LossValues.Evaluate(before, values);
                    var actual = LossValues.Evaluate(after, values);
                    Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"x={x}, t={t}: before {expected}, after {actual}");
                }
            }
        }

        [Theory]
        [InlineData("return Math.Log(1.0 / (1.0 + Math.Exp(-x)));", false)]
        [InlineData("double p = Math.Exp(x) / (1 + Math.Exp(x));\nreturn Math.Log(p);", false)]
        [InlineData("double p = 1 / (1 + Math.Exp(-x));\nreturn Math.Log(1 - p);", true)]
        public async Task FixedScalarCode_IsExactAndFiniteWhereTheOriginalIsMinusInfinity(string body, bool oneMinus)
        {
            var source = Sources.Scalar(body);
            var fixedSource = await FixAsync(source);
            var original = LossValues.CompileScalarLoss(source);
            var repaired = LossValues.CompileScalarLoss(fixedSource);
            foreach (var x in new[] { -5000.0, -1000.0, -745.0, -709.0, -100.0, -30.0, -1.0, 0.0, 0.5, 20.0, 36.0, 40.0, 100.0, 800.0, 5000.0 })
            {
                var expected = LogSigmoid(oneMinus ? -x : x);
                var actual = repaired(x, 1, 2, 0.25);
                Assert.False(double.IsInfinity(actual) || double.IsNaN(actual), $"x={x}: fixed code gives {actual}");
                Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"x={x}: fixed {actual}, log-sigmoid {expected}");
                if (Math.Abs(x) <= 5)
                {
                    var before = original(x, 1, 2, 0.25);
                    Assert.True(Math.Abs(before - actual) <= 1e-9 * Math.Max(1, Math.Abs(actual)), $"x={x}: original {before}, fixed {actual}");
                }
            }

            // The original form really is unstable at the far end (so this test can tell the two apart).
            Assert.True(double.IsNegativeInfinity(original(oneMinus ? 1000 : -1000, 1, 2, 0.25)));
        }

        [Fact]
        public async Task FixedMathFCode_IsFiniteInFloat32WhereTheOriginalIsMinusInfinity()
        {
            var source = Sources.Scalar(@"
float z = (float)x;
float p = 1f / (1f + MathF.Exp(-z));
return MathF.Log(p);");
            var fixedSource = await FixAsync(source);
            Assert.Contains("MathF.Max(-z, 0)", fixedSource, StringComparison.Ordinal);
            var original = LossValues.CompileScalarLoss(source);
            var repaired = LossValues.CompileScalarLoss(fixedSource);
            foreach (var x in new[] { -200.0, -104.0, -89.0, -88.0, -20.0, -1.0, 0.0, 2.0, 17.0, 90.0 })
            {
                var actual = repaired(x, 1, 2, 0.25);
                var expected = LogSigmoid(x);
                Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"x={x}: fixed {actual}, log-sigmoid {expected}");
            }

            // float32: 1/(1+exp(-x)) is 0 below about -88.7, so the original log is -inf there.
            Assert.True(double.IsNegativeInfinity(original(-89, 1, 2, 0.25)));
            Assert.False(double.IsInfinity(original(-88, 1, 2, 0.25)));
        }
    }
}
