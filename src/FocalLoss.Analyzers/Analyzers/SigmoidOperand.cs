using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>
    /// The logit a probability was computed from, as code a fix can reuse: for a value written as
    /// <c>torch.sigmoid(z)</c>, <c>z.sigmoid()</c>, <c>torch.special.expit(z)</c>, <c>1 / (1 + exp(-z))</c>,
    /// <c>exp(z) / (1 + exp(z))</c>, <c>1 - (any of these)</c>, directly or through a local that holds one,
    /// it finds the operation of <c>z</c> and whether the value is <c>sigmoid(z)</c> or <c>sigmoid(-z)</c>.
    /// Shared by FL0003 and FL0004. Syntax shapes only decide what a fix can reuse; whether the value is a
    /// probability is decided by the evaluator.
    /// </summary>
    internal static class SigmoidOperand
    {
        private const int MaxSteps = 16;

        /// <summary>
        /// Finds the logit operand of <paramref name="value"/>. When the path goes through a local, the operand
        /// must be a local or parameter that is in scope at <paramref name="use"/> and holds the same value there
        /// as where the sigmoid was computed; otherwise there is no reusable operand.
        /// </summary>
        /// <param name="value">The probability as written (an argument value).</param>
        /// <param name="use">Where the operand would be evaluated instead (the argument value or the log call).</param>
        /// <param name="builder">The block's expression builder (for local writes and constants).</param>
        /// <param name="operand">The logit operation (its syntax is what a fix inserts).</param>
        /// <param name="negated">True when the value is sigmoid(-operand), i.e. 1 - sigmoid(operand).</param>
        /// <param name="throughLocal">True when the operand sits outside <paramref name="value"/>, reached through a local.</param>
        public static bool TryFind(IOperation value, IOperation use, ExpressionBuilder builder, out IOperation? operand, out bool negated, out bool throughLocal)
        {
            operand = null;
            negated = false;
            throughLocal = false;
            var current = value;
            for (var step = 0; step < MaxSteps && current != null; step++)
            {
                current = Skip(current, builder.Known);
                switch (current)
                {
                    case IInvocationOperation invocation when IsTorchUnary(invocation, builder, ExprKind.Sigmoid):
                        operand = UnaryOperand(invocation);
                        return operand != null && Accept(ref operand, use, builder, throughLocal);
                    case IBinaryOperation subtract when subtract.OperatorKind == BinaryOperatorKind.Subtract && builder.Build(subtract.LeftOperand).IsOne():
                        negated = !negated;
                        current = subtract.RightOperand;
                        continue;
                    case IBinaryOperation divide when divide.OperatorKind == BinaryOperatorKind.Divide && builder.Build(divide).Kind == ExprKind.Sigmoid:
                        {
                            if (!TryWrittenOutSigmoid(divide, builder, out operand, out var flips))
                            {
                                return false;
                            }

                            negated ^= flips;
                            return Accept(ref operand, use, builder, throughLocal);
                        }

                    case ILocalReferenceOperation local:
                        {
                            var write = builder.IndexFor(local).ReachingWrite(local.Local, local, out _);
                            if (write == null || write.Kind != LocalEventKind.Assign || write.Value == null)
                            {
                                return false;
                            }

                            throughLocal = true;
                            current = write.Value;
                            continue;
                        }

                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>1 / (1 + exp(a))</c> is sigmoid(-a): the operand is <c>z</c> when <c>a</c> is <c>-z</c>, else <c>a</c> negated;
        /// <c>exp(a) / (1 + exp(a))</c> is sigmoid(a).
        /// </summary>
        private static bool TryWrittenOutSigmoid(IBinaryOperation divide, ExpressionBuilder builder, out IOperation? operand, out bool negated)
        {
            operand = null;
            negated = false;
            if (!(Skip(divide.RightOperand, builder.Known) is IBinaryOperation add) || add.OperatorKind != BinaryOperatorKind.Add)
            {
                return false;
            }

            IOperation other;
            if (builder.Build(add.LeftOperand).IsOne())
            {
                other = add.RightOperand;
            }
            else if (builder.Build(add.RightOperand).IsOne())
            {
                other = add.LeftOperand;
            }
            else
            {
                return false;
            }

            if (!(Skip(other, builder.Known) is IInvocationOperation exp) || !IsExp(exp, builder))
            {
                return false;
            }

            var argument = UnaryOperand(exp);
            if (argument == null)
            {
                return false;
            }

            if (builder.Build(divide.LeftOperand).IsOne())
            {
                var inner = Skip(argument, builder.Known);
                if (inner is IUnaryOperation minus && minus.OperatorKind == UnaryOperatorKind.Minus)
                {
                    operand = minus.Operand;
                    return true;
                }

                operand = argument;
                negated = true;
                return true;
            }

            if (Skip(divide.LeftOperand, builder.Known) is IInvocationOperation numerator && IsExp(numerator, builder)
                && builder.Build(numerator).Equals(builder.Build(exp)))
            {
                operand = argument;
                return true;
            }

            return false;
        }

        private static bool IsExp(IInvocationOperation invocation, ExpressionBuilder builder)
        {
            var type = invocation.TargetMethod.ContainingType;
            if (builder.Known.IsMath(type))
            {
                return invocation.TargetMethod.Name == "Exp" && invocation.Arguments.Length == 1;
            }

            return IsTorchUnary(invocation, builder, ExprKind.Exp);
        }

        private static bool IsTorchUnary(IInvocationOperation invocation, ExpressionBuilder builder, ExprKind kind) =>
            builder.Known.IsTorchFunctionContainer(invocation.TargetMethod.ContainingType)
            && builder.Build(invocation).Kind == kind
            && UnaryOperand(invocation) != null;

        /// <summary>The receiver of an instance call, else the first argument of a one-operand call.</summary>
        public static IOperation? UnaryOperand(IInvocationOperation invocation)
        {
            if (!invocation.TargetMethod.IsStatic)
            {
                return invocation.Instance;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Ordinal == 0)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>Parentheses and value-keeping conversions (numeric widening, TorchSharp's Scalar/Tensor conversions).</summary>
        public static IOperation Skip(IOperation operation, KnownSymbols known)
        {
            while (true)
            {
                switch (operation)
                {
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    case IConversionOperation conversion when conversion.Operand != null
                                                               && (conversion.OperatorMethod == null ? conversion.IsImplicit : known.IsTorchOperatorContainer(conversion.OperatorMethod.ContainingType)):
                        operation = conversion.Operand;
                        continue;
                    default:
                        return operation;
                }
            }
        }

        private static bool Accept(ref IOperation? operand, IOperation use, ExpressionBuilder builder, bool throughLocal)
        {
            if (operand == null || operand.Syntax == null)
            {
                return false;
            }

            if (!throughLocal)
            {
                return true;
            }

            // Reached through a local: the operand is re-read at the use, so it must be a plain local or
            // parameter, visible there, and not written between the sigmoid and the use.
            var reference = Skip(operand, builder.Known);
            var symbol = LocalFlowIndex.ReferencedSymbol(reference);
            if (symbol == null || !IsInScope(symbol, use) || !Unchanged(symbol, reference, use, builder))
            {
                return false;
            }

            operand = reference;
            return true;
        }

        private static bool IsInScope(ISymbol symbol, IOperation use)
        {
            var model = use.SemanticModel;
            if (model == null)
            {
                return false;
            }

            foreach (var candidate in model.LookupSymbols(use.Syntax.SpanStart, name: symbol.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(candidate, symbol))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Unchanged(ISymbol symbol, IOperation read, IOperation use, ExpressionBuilder builder)
        {
            var index = builder.IndexFor(use);
            if (!ReferenceEquals(index, builder.IndexFor(read)))
            {
                return false;
            }

            var atRead = index.ReachingWrite(symbol, read, out var initialAtRead);
            var atUse = index.ReachingWrite(symbol, use, out var initialAtUse);
            var same = atRead != null ? ReferenceEquals(atRead, atUse) : atUse == null && initialAtRead && initialAtUse;
            if (!same)
            {
                return false;
            }

            // No write of any kind between the read and the use, nor one whose timing is unknown.
            var from = read.Syntax.SpanStart;
            var to = use.Syntax.SpanStart;
            foreach (var e in index.EventsOf(symbol))
            {
                if (e.InsideFunction || (e.End > from && e.Node.Syntax.SpanStart < to))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
