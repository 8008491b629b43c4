using System.Linq;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Evaluation
{
    /// <summary>The evaluator on compiled snippets: what it builds, follows, refuses to follow, and what the values are.</summary>
    public sealed class ExpressionBuilderTests
    {
        private static (Expr Expr, ExpressionBuilder Builder, Compilation Compilation) Build(string source, string expression)
        {
            var compilation = Compiler.CompileClean(source);
            var builder = new ExpressionBuilder(KnownSymbols.Create(compilation));
            return (builder.Build(Compiler.OperationOf(compilation, expression)), builder, compilation);
        }

        private static Expr Symbol(Compilation compilation, string name)
        {
            var method = (IMethodSymbol)compilation.GetSymbolsWithName("Loss").Single();
            return Expr.SymbolOf(method.Parameters.Single(p => p.Name == name));
        }

        [Fact]
        public void SeedProposalPt_ClassifiedAsPt()
        {
            var (expr, _, _) = Build(Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
return pt.pow(gamma);"), "pt.pow(gamma)");
            Assert.Equal(ExprKind.Power, expr.Kind);
            Assert.Equal(ProbabilityForm.Pt, FocalMath.Classify(expr.Operands[0]).Form);
        }

        [Fact]
        public void PcdetPt_ClassifiedAsOneMinusPt()
        {
            var (expr, _, _) = Build(Sources.Torch(@"
var pred_sigmoid = torch.sigmoid(x);
var pt = t * (1.0 - pred_sigmoid) + (1.0 - t) * pred_sigmoid;
return torch.pow(pt, gamma);"), "torch.pow(pt, gamma)");
            var classification = FocalMath.Classify(expr.Operands[0]);
            Assert.Equal(ProbabilityForm.OneMinusPt, classification.Form);
        }

        [Fact]
        public void TargetIsIdentifiedByElimination_NotByName()
        {
            // The logit is called 't' and the target 'x' here: roles follow the sigmoid, not the names.
            var (expr, _, compilation) = Build(Sources.Torch(@"
var p = torch.sigmoid(t);
var pt = x * p + (1 - x) * (1 - p);
return pt.pow(gamma);"), "pt.pow(gamma)");
            var classification = FocalMath.Classify(expr.Operands[0]);
            Assert.Equal(ProbabilityForm.Pt, classification.Form);
            Assert.Equal(Symbol(compilation, "x"), classification.Target);
        }

        [Fact]
        public void ExpOfNegativeCrossEntropy_EvaluatesToPt()
        {
            var (expr, _, compilation) = Build(Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return torch.exp(-ce);"), "torch.exp(-ce)");
            var x = Symbol(compilation, "x");
            var t = Symbol(compilation, "t");
            Assert.Equal(NumericEvaluator.Sigmoid(1.1), FocalMath.EvaluateAt(expr, x, 1.1, t, 1), 12);
            Assert.Equal(1 - NumericEvaluator.Sigmoid(-0.7), FocalMath.EvaluateAt(expr, x, -0.7, t, 0), 12);
        }

        [Fact]
        public void ScalarSigmoidFormula_RecognisedAsSigmoid()
        {
            var (expr, _, _) = Build(Sources.Scalar(@"
return 1.0 / (1.0 + Math.Exp(-x));"), "1.0 / (1.0 + Math.Exp(-x))");
            Assert.Equal(ExprKind.Sigmoid, expr.Kind);
        }

        [Fact]
        public void CompoundAssignment_FollowedInFlowOrder()
        {
            var (expr, _, _) = Build(Sources.Torch(@"
var loss = torch.exp(x);
loss *= t;
loss += 2;
return loss;"), "loss");
            Assert.Equal("((exp(x) * t) + 2)", expr.ToString());
        }

        [Fact]
        public void ReassignedParameter_FollowsTheWrite()
        {
            var (expr, _, _) = Build(Sources.Torch(@"
t = t.to(x.dtype);
x = 1 - x;
return x * t;"), "x * t");
            Assert.Equal("((1 - x) * t)", expr.ToString());
        }

        [Fact]
        public void AssignmentInBranch_NotFollowed()
        {
            var (expr, _, _) = Build(Sources.Torch(@"
var w = x;
if (gamma > 1) { w = t; }
return w;"), "w");
            Assert.Equal(ExprKind.Opaque, expr.Kind);
        }

        [Fact]
        public void LoopCarriedLocal_NotFollowed()
        {
            var (expr, _, _) = Build(Sources.Torch(@"
var w = x;
for (var i = 0; i < 3; i++) { w = w * t; }
return w;"), "w");
            Assert.Equal(ExprKind.Opaque, expr.Kind);
        }

        [Fact]
        public void InPlaceTensorMethod_StopsFollowing()
        {
            var (expr, _, _) = Build(Sources.Torch(@"
var w = x.exp();
w.sigmoid_();
return w;"), "w");
            Assert.Equal(ExprKind.Opaque, expr.Kind);
        }

        [Fact]
        public void WhereWithMask_EvaluatesPerTarget()
        {
            var (expr, _, compilation) = Build(Sources.Torch(@"
var p = x.sigmoid();
return torch.where(t == 1, p, 1 - p);"), "torch.where(t == 1, p, 1 - p)");
            var x = Symbol(compilation, "x");
            var t = Symbol(compilation, "t");
            Assert.Equal(NumericEvaluator.Sigmoid(0.3), FocalMath.EvaluateAt(expr, x, 0.3, t, 1), 12);
            Assert.Equal(1 - NumericEvaluator.Sigmoid(0.3), FocalMath.EvaluateAt(expr, x, 0.3, t, 0), 12);
        }

        [Fact]
        public void ClampWithConstantBound_EvaluatesTheBound_AndIsKept()
        {
            var (expr, _, compilation) = Build(Sources.Torch(@"
return torch.clamp_min(x, 0);"), "torch.clamp_min(x, 0)");
            Assert.Equal(ExprKind.Clamp, expr.Kind);
            var x = Symbol(compilation, "x");
            Assert.Equal(0, FocalMath.EvaluateAt(expr, x, -2, null, 0));
            Assert.Equal(1.5, FocalMath.EvaluateAt(expr, x, 1.5, null, 0));
        }

        [Fact]
        public void CrossEntropyWithDefaultReduction_IsAReduction()
        {
            var (expr, _, _) = Build(Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits(x, t);"), "torch.nn.functional.binary_cross_entropy_with_logits(x, t)");
            Assert.Equal(ExprKind.Reduce, expr.Kind);
            Assert.Equal("mean", expr.Tag);
            Assert.Equal(ExprKind.CrossEntropyWithLogits, expr.Operands[0].Kind);
        }

        [Fact]
        public void UnknownCall_IsOpaque_AndRemembersItsOperands()
        {
            var (expr, _, _) = Build(@"using TorchSharp;
using static TorchSharp.torch;
public static class Losses
{
    private static Tensor Mystery(Tensor a) => a;
    public static Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)
    {
        return Mystery(x.sigmoid());
    }
}", "Mystery(x.sigmoid())");
            Assert.Equal(ExprKind.Opaque, expr.Kind);
            Assert.Equal(ExprKind.Sigmoid, expr.Operands.Single().Kind);
        }

        [Fact]
        public void ScalarImplicitConversionsAndCasts_KeepTheValue()
        {
            var (expr, _, _) = Build(@"using TorchSharp;
using static TorchSharp.torch;
public static class Losses
{
    public static Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)
    {
        return x.pow((float)gamma).mul(2.5f);
    }
}", "x.pow((float)gamma).mul(2.5f)");
            Assert.Equal("((x ^ gamma) * 2.5)", expr.ToString());
        }

        [Fact]
        public void FieldsOfTheContainingModule_AreFreeSymbols()
        {
            var (expr, _, compilation) = Build(@"using TorchSharp;
using static TorchSharp.torch;
public sealed class Focal
{
    private readonly double gamma = 2;
    public double Alpha { get; } = 0.25;
    public Tensor Loss(Tensor x) => x.pow(this.gamma) * Alpha;
}", "x.pow(this.gamma) * Alpha");
            var focal = (INamedTypeSymbol)compilation.GetSymbolsWithName("Focal").Single();
            Assert.Equal(Expr.SymbolOf(focal.GetMembers("gamma").Single()), expr.Operands[0].Operands[1]);
            Assert.Equal(Expr.SymbolOf(focal.GetMembers("Alpha").Single()), expr.Operands[1]);
        }

        [Fact]
        public void SelfReferenceInIncompleteCode_IsOpaque_NotARecursionFailure()
        {
            var compilation = Compiler.Compile(Sources.Torch(@"
var pt = pt * torch.sigmoid(x);
return pt;"));
            var builder = new ExpressionBuilder(KnownSymbols.Create(compilation));
            var expr = builder.Build(Compiler.OperationOf(compilation, "pt * torch.sigmoid(x)"));
            Assert.Equal(ExprKind.Multiply, expr.Kind);
            Assert.Equal(ExprKind.Opaque, expr.Operands[0].Kind);
        }
    }
}
