using System;
using System.Collections.Generic;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>
    /// Finds two operands to exchange in a two-armed expression (a sum or difference, <c>?:</c>,
    /// <c>torch.where</c>): one multiplicative factor in each arm that satisfies a predicate, e.g.
    /// <c>(1 - alpha)</c> and <c>alpha</c> in <c>t * (1 - alpha) + (1 - t) * alpha</c>, and computes what
    /// the expression evaluates to after the exchange, so a fix is offered only when the evaluator
    /// confirms the result. Shared by FL0002 and FL0006.
    /// </summary>
    internal static class OperandSwap
    {
        private const int MaxSize = 5_000;

        /// <summary>The two arms of a sum or difference, a conditional, or a TorchSharp <c>where</c>.</summary>
        public static bool TryGetArms(IOperation operation, KnownSymbols known, out IOperation left, out IOperation right)
        {
            left = null!;
            right = null!;
            switch (operation)
            {
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Add || binary.OperatorKind == BinaryOperatorKind.Subtract:
                    left = binary.LeftOperand;
                    right = binary.RightOperand;
                    return left != null && right != null;
                case IConditionalOperation conditional when conditional.WhenFalse != null && !conditional.IsRef:
                    left = conditional.WhenTrue;
                    right = conditional.WhenFalse;
                    return true;
                case IInvocationOperation invocation when IsWhere(invocation, known):
                    if (invocation.TargetMethod.IsStatic)
                    {
                        var x = ExpressionBuilder.Argument(invocation, 1);
                        var y = ExpressionBuilder.Argument(invocation, 2);
                        if (x == null || y == null)
                        {
                            return false;
                        }

                        left = x.Value;
                        right = y.Value;
                        return true;
                    }
                    else
                    {
                        var y = ExpressionBuilder.Argument(invocation, 1);
                        if (invocation.Instance == null || y == null)
                        {
                            return false;
                        }

                        left = invocation.Instance;
                        right = y.Value;
                        return true;
                    }

                default:
                    return false;
            }
        }

        /// <summary>TorchSharp's <c>torch.where(condition, x, y)</c> or <c>x.where(condition, y)</c>.</summary>
        public static bool IsWhere(IInvocationOperation invocation, KnownSymbols known)
        {
            var method = invocation.TargetMethod;
            if (method.Name != "where" || !known.IsTorchFunctionContainer(method.ContainingType))
            {
                return false;
            }

            return method.IsStatic ? method.Parameters.Length == 3 : method.Parameters.Length == 2 && invocation.Instance != null;
        }

        /// <summary>
        /// One factor in each arm whose value satisfies <paramref name="isSlot"/> (exactly one per arm), of the
        /// same type, not overlapping; null when there is no such pair.
        /// </summary>
        public static (IOperation First, IOperation Second)? FindSlots(IOperation operation, ExpressionBuilder builder, Func<Expr, bool> isSlot)
        {
            if (!TryGetArms(operation, builder.Known, out var left, out var right))
            {
                return null;
            }

            var first = SingleFactor(left, builder, isSlot);
            var second = SingleFactor(right, builder, isSlot);
            if (first == null || second == null || first.Syntax.Span.OverlapsWith(second.Syntax.Span))
            {
                return null;
            }

            var firstType = first.Type;
            var secondType = second.Type;
            if (firstType == null || secondType == null || !SymbolEqualityComparer.Default.Equals(firstType, secondType))
            {
                return null;
            }

            return (first, second);
        }

        /// <summary>
        /// The value of <paramref name="whole"/> with the sub-expressions <paramref name="a"/> and <paramref name="b"/>
        /// exchanged; null unless each occurs exactly once (not counting occurrences inside the other), so the
        /// result is the value of the swapped source text.
        /// </summary>
        public static Expr? Swapped(Expr whole, Expr a, Expr b)
        {
            if (whole.Size >= MaxSize || a.Equals(b))
            {
                return null;
            }

            var counts = new int[2];
            Count(whole, a, b, counts, 0);
            if (counts[0] != 1 || counts[1] != 1)
            {
                return null;
            }

            var placeholder = Expr.Opaque(null);
            return whole.Replace(a, placeholder).Replace(b, a).Replace(placeholder, b);
        }

        private static void Count(Expr node, Expr a, Expr b, int[] counts, int depth)
        {
            if (depth > 256)
            {
                counts[0] = counts[1] = int.MaxValue / 2;
                return;
            }

            if (node.Equals(a))
            {
                counts[0]++;
                return;
            }

            if (node.Equals(b))
            {
                counts[1]++;
                return;
            }

            if (node.Kind == ExprKind.Opaque || node.Kind == ExprKind.Symbol)
            {
                // Replace does not look inside these.
                return;
            }

            foreach (var operand in node.Operands)
            {
                Count(operand, a, b, counts, depth + 1);
            }
        }

        /// <summary>The factors of a product: through *, mul(), unary minus and implicit conversions.</summary>
        public static void CollectFactors(IOperation operation, KnownSymbols known, List<IOperation> factors, int depth = 0)
        {
            if (depth > 64)
            {
                factors.Add(operation);
                return;
            }

            switch (operation)
            {
                case IConversionOperation conversion when conversion.IsImplicit && conversion.Operand != null:
                    CollectFactors(conversion.Operand, known, factors, depth + 1);
                    return;
                case IParenthesizedOperation parenthesized:
                    CollectFactors(parenthesized.Operand, known, factors, depth + 1);
                    return;
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Multiply
                                                  && (binary.OperatorMethod == null || known.IsTorchOperatorContainer(binary.OperatorMethod.ContainingType)):
                    CollectFactors(binary.LeftOperand, known, factors, depth + 1);
                    CollectFactors(binary.RightOperand, known, factors, depth + 1);
                    return;
                case IUnaryOperation unary when (unary.OperatorKind == UnaryOperatorKind.Minus || unary.OperatorKind == UnaryOperatorKind.Plus)
                                                && (unary.OperatorMethod == null || known.IsTorchOperatorContainer(unary.OperatorMethod.ContainingType)):
                    CollectFactors(unary.Operand, known, factors, depth + 1);
                    return;
                case IInvocationOperation invocation when (invocation.TargetMethod.Name == "mul" || invocation.TargetMethod.Name == "multiply")
                                                          && known.IsTorchFunctionContainer(invocation.TargetMethod.ContainingType):
                    {
                        var args = new List<IOperation>();
                        if (!invocation.TargetMethod.IsStatic && invocation.Instance != null && invocation.TargetMethod.Parameters.Length == 1)
                        {
                            args.Add(invocation.Instance);
                            var other = ExpressionBuilder.Argument(invocation, 0);
                            if (other != null)
                            {
                                args.Add(other.Value);
                            }
                        }
                        else if (invocation.TargetMethod.IsStatic && invocation.TargetMethod.Parameters.Length == 2)
                        {
                            var a = ExpressionBuilder.Argument(invocation, 0);
                            var b = ExpressionBuilder.Argument(invocation, 1);
                            if (a != null && b != null)
                            {
                                args.Add(a.Value);
                                args.Add(b.Value);
                            }
                        }

                        if (args.Count != 2)
                        {
                            factors.Add(operation);
                            return;
                        }

                        foreach (var arg in args)
                        {
                            CollectFactors(arg, known, factors, depth + 1);
                        }

                        return;
                    }

                default:
                    factors.Add(operation);
                    return;
            }
        }

        private static IOperation? SingleFactor(IOperation arm, ExpressionBuilder builder, Func<Expr, bool> isSlot)
        {
            var factors = new List<IOperation>();
            CollectFactors(arm, builder.Known, factors);
            IOperation? found = null;
            foreach (var factor in factors)
            {
                if (!isSlot(builder.Build(factor)))
                {
                    continue;
                }

                if (found != null)
                {
                    return null;
                }

                found = factor;
            }

            return found;
        }
    }
}
