using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>Where the base of a power sits in the code (what a fix edits).</summary>
    internal enum FocalSiteShape
    {
        /// <summary><c>b.pow(g)</c>, <c>b.square()</c>: the receiver.</summary>
        Receiver,

        /// <summary><c>torch.pow(b, g)</c>, <c>Math.Pow(b, g)</c>, <c>torch.square(b)</c>: the first argument.</summary>
        FirstArgument,

        /// <summary><c>b * b</c>: both operands.</summary>
        SelfProduct,
    }

    /// <summary>
    /// A candidate modulating factor: a power of some base (pow, Math.Pow, MathF.Pow, square, b * b).
    /// Recognised by the called symbol (TorchSharp by metadata name, System.Math), never by names of variables.
    /// </summary>
    internal sealed class FocalSite
    {
        private FocalSite(IOperation operation, IOperation @base, IOperation? exponent, FocalSiteShape shape)
        {
            Operation = operation;
            Base = @base;
            Exponent = exponent;
            Shape = shape;
        }

        /// <summary>The whole power expression (the reported span).</summary>
        public IOperation Operation { get; }

        /// <summary>The base (for <see cref="FocalSiteShape.SelfProduct"/>, the left operand).</summary>
        public IOperation Base { get; }

        /// <summary>The exponent operation; null for square and b * b (exponent 2).</summary>
        public IOperation? Exponent { get; }

        public FocalSiteShape Shape { get; }

        /// <summary>The exponent is 2 by construction (square, b * b).</summary>
        public bool IsSquare => Exponent == null;

        /// <summary>Cheap test for use in operation callbacks: symbol checks and, for b * b, syntax equivalence.</summary>
        public static FocalSite? TryCreate(IOperation operation, KnownSymbols known)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    return FromInvocation(invocation, known);
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Multiply:
                    return FromProduct(binary, known);
                default:
                    return null;
            }
        }

        private static FocalSite? FromInvocation(IInvocationOperation invocation, KnownSymbols known)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            var name = method.Name;
            if (name != "Pow" && name != "pow" && name != "square")
            {
                return null;
            }

            if (known.IsMath(type))
            {
                if (name == "Pow" && method.Parameters.Length == 2)
                {
                    var b = ExpressionBuilder.Argument(invocation, 0);
                    var e = ExpressionBuilder.Argument(invocation, 1);
                    return b != null && e != null ? new FocalSite(invocation, b.Value, e.Value, FocalSiteShape.FirstArgument) : null;
                }

                return null;
            }

            if (!known.IsTorchFunctionContainer(type))
            {
                return null;
            }

            if (!method.IsStatic)
            {
                if (invocation.Instance == null)
                {
                    return null;
                }

                if (name == "pow" && method.Parameters.Length == 1)
                {
                    var e = ExpressionBuilder.Argument(invocation, 0);
                    return e != null ? new FocalSite(invocation, invocation.Instance, e.Value, FocalSiteShape.Receiver) : null;
                }

                if (name == "square" && method.Parameters.Length == 0)
                {
                    return new FocalSite(invocation, invocation.Instance, null, FocalSiteShape.Receiver);
                }

                return null;
            }

            if (name == "pow" && method.Parameters.Length == 2)
            {
                var b = ExpressionBuilder.Argument(invocation, 0);
                var e = ExpressionBuilder.Argument(invocation, 1);
                return b != null && e != null ? new FocalSite(invocation, b.Value, e.Value, FocalSiteShape.FirstArgument) : null;
            }

            if (name == "square" && method.Parameters.Length == 1)
            {
                var b = ExpressionBuilder.Argument(invocation, 0);
                return b != null ? new FocalSite(invocation, b.Value, null, FocalSiteShape.FirstArgument) : null;
            }

            return null;
        }

        private static FocalSite? FromProduct(IBinaryOperation binary, KnownSymbols known)
        {
            var method = binary.OperatorMethod;
            if (method != null && !known.IsTorchOperatorContainer(method.ContainingType))
            {
                return null;
            }

            if (method == null && !IsFloatingPoint(binary.Type))
            {
                return null;
            }

            var left = binary.LeftOperand;
            var right = binary.RightOperand;
            if (left == null || right == null || !SyntaxFactory.AreEquivalent(Unwrap(left).Syntax, Unwrap(right).Syntax))
            {
                return null;
            }

            return new FocalSite(binary, left, null, FocalSiteShape.SelfProduct);
        }

        private static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation conversion && conversion.IsImplicit && conversion.Operand != null)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        private static bool IsFloatingPoint(ITypeSymbol? type) =>
            type != null && (type.SpecialType == SpecialType.System_Double || type.SpecialType == SpecialType.System_Single);
    }
}
