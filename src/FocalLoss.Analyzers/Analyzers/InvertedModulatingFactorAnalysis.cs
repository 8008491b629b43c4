using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>What FL0001 found at a power site.</summary>
    internal enum ModulatingVerdict
    {
        /// <summary>Correct, not a focal weight, or not decided.</summary>
        None,

        /// <summary>The base evaluates to p_t: the factor is p_t^gamma.</summary>
        PtPower,

        /// <summary>Explicit branches: p^gamma multiplies the log(p) (positive) branch.</summary>
        PositiveBranchP,

        /// <summary>Explicit branches: (1 - p)^gamma multiplies the log(1 - p) (negative) branch.</summary>
        NegativeBranchOneMinusP,
    }

    /// <summary>
    /// FL0001's decision for one <see cref="FocalSite"/>, shared by the analyzer, the code fix and the tests.
    /// </summary>
    internal static class InvertedModulatingFactorAnalysis
    {
        private const int MaxForwardDepth = 4;

        /// <summary>Judges the power at <paramref name="site"/> by what its base evaluates to (once per block model: FL0006 asks too).</summary>
        public static ModulatingVerdict Analyze(FocalSite site, ExpressionBuilder builder) =>
            builder.Remember(site.Operation, "FL0001", () => AnalyzeCore(site, builder));

        private static ModulatingVerdict AnalyzeCore(FocalSite site, ExpressionBuilder builder)
        {
            if (site.Exponent != null)
            {
                var exponent = builder.Build(site.Exponent);
                if (exponent.TryGetConstant(out var value) && !(value > 0))
                {
                    return ModulatingVerdict.None;
                }
            }

            var @base = builder.Build(site.Base);
            if (site.Shape == FocalSiteShape.SelfProduct && site.Operation is IBinaryOperation product
                && !builder.Build(product.RightOperand).Equals(@base))
            {
                return ModulatingVerdict.None;
            }

            var classification = FocalMath.Classify(@base);
            switch (classification.Form)
            {
                case ProbabilityForm.Pt:
                    return IsUsedAsWeight(site.Operation, builder, 0) ? ModulatingVerdict.PtPower : ModulatingVerdict.None;
                case ProbabilityForm.P:
                case ProbabilityForm.OneMinusP:
                    {
                        var term = EnclosingProduct(site.Operation);
                        if (ReferenceEquals(term, site.Operation) || classification.Logit == null)
                        {
                            return ModulatingVerdict.None;
                        }

                        var cofactor = builder.Build(term).Replace(builder.Build(site.Operation), Expr.One);
                        var branch = FocalMath.ClassifyBranch(cofactor, classification.Logit);
                        if (classification.Form == ProbabilityForm.P && branch == BranchForm.Positive)
                        {
                            return ModulatingVerdict.PositiveBranchP;
                        }

                        if (classification.Form == ProbabilityForm.OneMinusP && branch == BranchForm.Negative)
                        {
                            return ModulatingVerdict.NegativeBranchOneMinusP;
                        }

                        return ModulatingVerdict.None;
                    }

                default:
                    return ModulatingVerdict.None;
            }
        }

        /// <summary>True when the base is written <c>1 - e</c> (so the fix removes <c>1 -</c> instead of adding it).</summary>
        public static bool IsOneMinus(IOperation @base, ExpressionBuilder builder, out IOperation? inner)
        {
            inner = null;
            var operation = SkipImplicitConversions(@base);
            if (operation is IBinaryOperation binary && binary.OperatorKind == BinaryOperatorKind.Subtract
                && builder.Build(binary.LeftOperand).IsOne())
            {
                inner = binary.RightOperand;
                return true;
            }

            return false;
        }

        /// <summary>
        /// The product a factor belongs to: walks up through multiplication (operators and mul()),
        /// division (as the numerator), negation and conversions.
        /// </summary>
        public static IOperation EnclosingProduct(IOperation factor)
        {
            var current = factor;
            while (current.Parent != null && IsMultiplicativeParent(current.Parent, current))
            {
                current = current.Parent is IArgumentOperation ? current.Parent.Parent! : current.Parent;
            }

            return current;
        }

        private static bool IsMultiplicativeParent(IOperation parent, IOperation child)
        {
            switch (parent)
            {
                case IConversionOperation _:
                case IParenthesizedOperation _:
                    return true;
                case IUnaryOperation unary:
                    return unary.OperatorKind == UnaryOperatorKind.Minus || unary.OperatorKind == UnaryOperatorKind.Plus;
                case IBinaryOperation binary:
                    return binary.OperatorKind == BinaryOperatorKind.Multiply
                           || (binary.OperatorKind == BinaryOperatorKind.Divide && ReferenceEquals(binary.LeftOperand, child));
                case IInvocationOperation invocation:
                    return ReferenceEquals(invocation.Instance, child) && IsMulName(invocation.TargetMethod.Name) && !invocation.TargetMethod.IsStatic;
                case IArgumentOperation argument:
                    return argument.Parent is IInvocationOperation call && IsMulName(call.TargetMethod.Name)
                           && (!call.TargetMethod.IsStatic || call.TargetMethod.Parameters.Length == 2);
                default:
                    return false;
            }
        }

        private static bool IsMulName(string name) => name == "mul" || name == "multiply";

        /// <summary>
        /// False when the power is used as <c>c - power</c> or <c>power - c</c> with a constant c (as in the
        /// generalized cross entropy (1 - p_t^q)/q, where p_t^q is correct), directly or through locals.
        /// </summary>
        private static bool IsUsedAsWeight(IOperation power, ExpressionBuilder builder, int depth)
        {
            if (depth > MaxForwardDepth)
            {
                return true;
            }

            var current = power;
            while (current.Parent != null && IsMultiplicativeParent(current.Parent, current))
            {
                current = current.Parent is IArgumentOperation ? current.Parent.Parent! : current.Parent;
            }

            var parent = current.Parent;
            switch (parent)
            {
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Add || binary.OperatorKind == BinaryOperatorKind.Subtract:
                    {
                        var other = ReferenceEquals(binary.LeftOperand, current) ? binary.RightOperand : binary.LeftOperand;
                        return !builder.Build(other).IsConstant;
                    }

                case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                    return ReadsAreWeights(declarator.Symbol, declarator, builder, depth);
                case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclarationOperation declaration && declaration.Declarators.Length == 1:
                    return ReadsAreWeights(declaration.Declarators[0].Symbol, declaration.Declarators[0], builder, depth);
                case ISimpleAssignmentOperation assignment when LocalFlowIndex.ReferencedSymbol(assignment.Target) is ISymbol target && ReferenceEquals(assignment.Value, current):
                    return ReadsAreWeights(target, assignment, builder, depth);
                default:
                    return true;
            }
        }

        private static bool ReadsAreWeights(ISymbol local, IOperation write, ExpressionBuilder builder, int depth)
        {
            var index = builder.IndexFor(write);
            foreach (var reference in index.ReferencesOf(local))
            {
                if (reference.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference))
                {
                    continue;
                }

                var reaching = index.ReachingWrite(local, reference, out _);
                if (reaching != null && ReferenceEquals(reaching.Node, write) && !IsUsedAsWeight(reference, builder, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        private static IOperation SkipImplicitConversions(IOperation operation)
        {
            while (operation is IConversionOperation conversion && conversion.Operand != null && (conversion.IsImplicit || conversion.OperatorMethod != null))
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}
