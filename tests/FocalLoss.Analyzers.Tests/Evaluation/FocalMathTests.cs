using FocalLoss.Analyzers.Evaluation;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Evaluation
{
    /// <summary>The numeric classification on hand-built expressions.</summary>
    public sealed class FocalMathTests
    {
        private static readonly Expr X = Expr.Opaque(null);
        private static readonly Expr T = Expr.Opaque(null);
        private static readonly Expr P = Expr.Unary(ExprKind.Sigmoid, X);
        private static readonly Expr OneMinusP = Expr.Binary(ExprKind.Subtract, Expr.One, P);
        private static readonly Expr OneMinusT = Expr.Binary(ExprKind.Subtract, Expr.One, T);

        private static Expr Mul(Expr a, Expr b) => Expr.Binary(ExprKind.Multiply, a, b);

        private static Expr Add(Expr a, Expr b) => Expr.Binary(ExprKind.Add, a, b);

        [Fact]
        public void TextbookPt_IsPt()
        {
            Assert.Equal(ProbabilityForm.Pt, FocalMath.Classify(Add(Mul(T, P), Mul(OneMinusT, OneMinusP))).Form);
        }

        [Fact]
        public void PcdetPt_IsOneMinusPt()
        {
            Assert.Equal(ProbabilityForm.OneMinusPt, FocalMath.Classify(Add(Mul(T, OneMinusP), Mul(OneMinusT, P))).Form);
        }

        [Fact]
        public void AbsoluteDifference_IsOneMinusPt()
        {
            Assert.Equal(ProbabilityForm.OneMinusPt, FocalMath.Classify(Expr.Unary(ExprKind.Abs, Expr.Binary(ExprKind.Subtract, T, P))).Form);
        }

        [Fact]
        public void SigmoidAlone_IsP_AndOneMinusSigmoid_IsOneMinusP()
        {
            Assert.Equal(ProbabilityForm.P, FocalMath.Classify(P).Form);
            Assert.Equal(ProbabilityForm.OneMinusP, FocalMath.Classify(OneMinusP).Form);
        }

        [Fact]
        public void UnrelatedMixture_IsUnknown()
        {
            // t*p + (1-t)*p = p for binary t, but with an extra symbol weighting it is neither p_t nor 1 - p_t.
            var w = Expr.Opaque(null);
            Assert.Equal(ProbabilityForm.Unknown, FocalMath.Classify(Add(Mul(T, P), Mul(w, OneMinusP))).Form);
        }

        [Fact]
        public void TwoDifferentLogits_AreUnknown()
        {
            var q = Expr.Unary(ExprKind.Sigmoid, Expr.Opaque(null));
            Assert.Equal(ProbabilityForm.Unknown, FocalMath.Classify(Add(Mul(T, P), Mul(OneMinusT, Expr.Binary(ExprKind.Subtract, Expr.One, q)))).Form);
        }

        [Fact]
        public void BranchProportionalToLogP_IsPositive_AndToLogOneMinusP_IsNegative()
        {
            var alpha = Expr.Opaque(null);
            var positive = Mul(Mul(Expr.Unary(ExprKind.Negate, alpha), T), Expr.Unary(ExprKind.Log, P));
            var negative = Mul(Mul(Expr.Binary(ExprKind.Subtract, Expr.One, alpha), OneMinusT), Expr.Unary(ExprKind.Log, OneMinusP));
            Assert.Equal(BranchForm.Positive, FocalMath.ClassifyBranch(positive, X));
            Assert.Equal(BranchForm.Negative, FocalMath.ClassifyBranch(negative, X));
        }

        [Fact]
        public void BranchWithoutLog_IsUnknown()
        {
            // (1 - t) alone could be a mask or an alpha weight: not enough to name the branch.
            Assert.Equal(BranchForm.Unknown, FocalMath.ClassifyBranch(OneMinusT, X));
        }
    }
}
