using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>
    /// Builds the symbolic <see cref="Expr"/> of the value an operation computes, following locals
    /// to the writes that reach them (straight-line flow), compound assignments, <c>?:</c>,
    /// conversions (TorchSharp's Scalar conversions, numeric casts), TorchSharp operators and
    /// functions, and System.Math/MathF. Parameters, fields and properties are free symbols;
    /// everything else is an opaque node. One instance per operation block (<see cref="BlockModel"/>), shared by
    /// every rule; results are cached. Never throws on incomplete code: depth and cycle guards turn trouble into
    /// opaque nodes; the work is charged to the current <see cref="ExprContext"/>'s budget.
    /// </summary>
    internal sealed class ExpressionBuilder
    {
        private const int MaxDepth = 96;

        /// <summary>
        /// Taller values are opaque: the numeric evaluator stops at depth 256 anyway, and every traversal of the DAG
        /// (memoised on the nodes, recursive) stays shallow however long the chain of locals.
        /// </summary>
        private const int MaxHeight = 192;

        private readonly KnownSymbols _known;
        private readonly Dictionary<IOperation, Expr> _cache = new Dictionary<IOperation, Expr>();
        private readonly Dictionary<LocalEvent, Expr> _writeCache = new Dictionary<LocalEvent, Expr>();
        private readonly HashSet<LocalEvent> _inProgress = new HashSet<LocalEvent>();
        private readonly Dictionary<IOperation, LocalFlowIndex> _indexes = new Dictionary<IOperation, LocalFlowIndex>();
        private readonly Dictionary<(IOperation, string), object?> _facts = new Dictionary<(IOperation, string), object?>();

        public ExpressionBuilder(KnownSymbols known)
        {
            _known = known;
        }

        public KnownSymbols Known => _known;

        /// <summary>The expression for the value of <paramref name="operation"/>.</summary>
        public Expr Build(IOperation? operation) => Build(operation, 0);

        /// <summary>
        /// A fact about <paramref name="operation"/> that a rule derived from this model (<paramref name="fact"/> names
        /// it), computed once and shared by every rule that asks (FL0006 asks for FL0001's verdicts, say).
        /// </summary>
        public T Remember<T>(IOperation operation, string fact, Func<T> compute)
        {
            if (_facts.TryGetValue((operation, fact), out var known))
            {
                return (T)known!;
            }

            var value = compute();
            _facts[(operation, fact)] = value;
            return value;
        }

        /// <summary>The local-write index of the block that holds <paramref name="operation"/>.</summary>
        public LocalFlowIndex IndexFor(IOperation operation)
        {
            var root = operation;
            while (root.Parent != null)
            {
                root = root.Parent;
            }

            if (!_indexes.TryGetValue(root, out var index))
            {
                index = new LocalFlowIndex(root, _known);
                _indexes.Add(root, index);
            }

            return index;
        }

        private Expr Build(IOperation? operation, int depth)
        {
            if (operation == null)
            {
                return Expr.Opaque(null);
            }

            if (_cache.TryGetValue(operation, out var cached))
            {
                return cached;
            }

            Expr result;
            ExprContext.ChargeCurrent(1);
            if (depth > MaxDepth)
            {
                result = Expr.Opaque(operation);
            }
            else
            {
                try
                {
                    result = BuildCore(operation, depth + 1);
                    if (result.Height > MaxHeight)
                    {
                        result = Expr.Opaque(operation);
                    }
                }
                catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is AnalysisBudgetExceededException))
                {
                    // Defensive: a shape of operation tree this code did not expect (incomplete code) is opaque, never AD0001.
                    result = Expr.Opaque(operation);
                }
            }

            _cache[operation] = result;
            return result;
        }

        private Expr BuildCore(IOperation operation, int depth)
        {
            var constant = operation.ConstantValue;
            if (constant.HasValue && TryNumber(constant.Value, out var number))
            {
                return Expr.Constant(number);
            }

            switch (operation)
            {
                case IConversionOperation conversion:
                    return BuildConversion(conversion, depth);
                case IParenthesizedOperation parenthesized:
                    return Build(parenthesized.Operand, depth);
                case ILocalReferenceOperation local:
                    return BuildVariable(local.Local, local, depth);
                case IParameterReferenceOperation parameter:
                    return BuildVariable(parameter.Parameter, parameter, depth);
                case IFieldReferenceOperation field:
                    return BuildMember(field.Field, field.Instance, operation, depth);
                case IPropertyReferenceOperation property when property.Arguments.Length == 0:
                    return BuildMember(property.Property, property.Instance, operation, depth);
                case IBinaryOperation binary:
                    return BuildBinary(binary, depth);
                case IUnaryOperation unary:
                    return BuildUnary(unary, depth);
                case IConditionalOperation conditional when conditional.WhenFalse != null && !conditional.IsRef:
                    return Expr.Where(Build(conditional.Condition, depth), Build(conditional.WhenTrue, depth), Build(conditional.WhenFalse, depth));
                case IInvocationOperation invocation:
                    return BuildInvocation(invocation, depth);
                case ISimpleAssignmentOperation assignment when !assignment.IsRef:
                    return Build(assignment.Value, depth);
                case ICompoundAssignmentOperation compound:
                    return BuildCompound(compound, Build(compound.Target, depth), depth);
                default:
                    return Expr.Opaque(operation);
            }
        }

        private static bool TryNumber(object? value, out double number)
        {
            switch (value)
            {
                case double d: number = d; return true;
                case float f: number = f; return true;
                case int i: number = i; return true;
                case long l: number = l; return true;
                case short s: number = s; return true;
                case byte b: number = b; return true;
                case sbyte sb: number = sb; return true;
                case ushort us: number = us; return true;
                case uint ui: number = ui; return true;
                case ulong ul: number = ul; return true;
                case decimal m: number = (double)m; return true;
                case bool flag: number = flag ? 1 : 0; return true;
                default: number = 0; return false;
            }
        }

        private Expr BuildConversion(IConversionOperation conversion, int depth)
        {
            var method = conversion.OperatorMethod;
            if (method != null)
            {
                // Scalar/Tensor implicit conversions from double, float, int... keep the value.
                return _known.IsTorchOperatorContainer(method.ContainingType)
                    ? Build(conversion.Operand, depth)
                    : Expr.Opaque(conversion, ImmutableArray.Create(Build(conversion.Operand, depth)), method);
            }

            var to = conversion.Type;
            var from = conversion.Operand?.Type;
            if (to != null && from != null && IsIntegral(to.SpecialType) && IsFloating(from.SpecialType))
            {
                // (int)x truncates: not modelled.
                return Expr.Opaque(conversion, ImmutableArray.Create(Build(conversion.Operand, depth)));
            }

            return Build(conversion.Operand, depth);
        }

        private static bool IsIntegral(SpecialType type) =>
            type == SpecialType.System_Int32 || type == SpecialType.System_Int64 || type == SpecialType.System_Int16
            || type == SpecialType.System_Byte || type == SpecialType.System_SByte || type == SpecialType.System_UInt16
            || type == SpecialType.System_UInt32 || type == SpecialType.System_UInt64 || type == SpecialType.System_Char;

        private static bool IsFloating(SpecialType type) =>
            type == SpecialType.System_Double || type == SpecialType.System_Single || type == SpecialType.System_Decimal;

        private Expr BuildMember(ISymbol member, IOperation? instance, IOperation operation, int depth)
        {
            if (instance == null || instance is IInstanceReferenceOperation)
            {
                return Expr.SymbolOf(member);
            }

            return Expr.SymbolOf(member, Build(instance, depth));
        }

        /// <summary>A read of a local or parameter: the write that reaches it, the free symbol of its entry value, or opaque.</summary>
        private Expr BuildVariable(ISymbol symbol, IOperation reference, int depth)
        {
            var index = IndexFor(reference);
            var write = index.ReachingWrite(symbol, reference, out var initialValue);
            if (write == null)
            {
                // Never written before the read (a parameter, a foreach or pattern variable): a free symbol.
                return initialValue ? Expr.SymbolOf(symbol) : Expr.Opaque(reference);
            }

            return BuildWrite(write, reference, depth);
        }

        private Expr BuildWrite(LocalEvent write, IOperation reference, int depth)
        {
            if (_writeCache.TryGetValue(write, out var cached))
            {
                return cached;
            }

            if (!_inProgress.Add(write))
            {
                return Expr.Opaque(reference);
            }

            Expr result;
            try
            {
                switch (write.Kind)
                {
                    case LocalEventKind.Assign:
                        result = Build(write.Value, depth);
                        break;
                    case LocalEventKind.Compound when write.Node is ICompoundAssignmentOperation compound && LocalFlowIndex.ReferencedSymbol(compound.Target) is ISymbol target:
                        result = BuildCompound(compound, BuildVariable(target, compound.Target, depth), depth);
                        break;
                    default:
                        result = Expr.Opaque(write.Node);
                        break;
                }
            }
            finally
            {
                _inProgress.Remove(write);
            }

            _writeCache[write] = result;
            return result;
        }

        private Expr BuildCompound(ICompoundAssignmentOperation compound, Expr previous, int depth)
        {
            var method = compound.OperatorMethod;
            if (method != null && !_known.IsTorchOperatorContainer(method.ContainingType))
            {
                return Expr.Opaque(compound);
            }

            var kind = ArithmeticKind(compound.OperatorKind);
            if (kind == null)
            {
                return Expr.Opaque(compound);
            }

            return Expr.Binary(kind.Value, previous, Build(compound.Value, depth));
        }

        private static ExprKind? ArithmeticKind(BinaryOperatorKind kind)
        {
            switch (kind)
            {
                case BinaryOperatorKind.Add: return ExprKind.Add;
                case BinaryOperatorKind.Subtract: return ExprKind.Subtract;
                case BinaryOperatorKind.Multiply: return ExprKind.Multiply;
                case BinaryOperatorKind.Divide: return ExprKind.Divide;
                default: return null;
            }
        }

        private Expr BuildBinary(IBinaryOperation binary, int depth)
        {
            var method = binary.OperatorMethod;
            if (method != null && !_known.IsTorchOperatorContainer(method.ContainingType))
            {
                return Expr.Opaque(binary, ImmutableArray.Create(Build(binary.LeftOperand, depth), Build(binary.RightOperand, depth)), method);
            }

            var left = Build(binary.LeftOperand, depth);
            var right = Build(binary.RightOperand, depth);
            var arithmetic = ArithmeticKind(binary.OperatorKind);
            if (arithmetic != null)
            {
                return Expr.Binary(arithmetic.Value, left, right);
            }

            switch (binary.OperatorKind)
            {
                case BinaryOperatorKind.Equals: return Expr.Compare(Comparison.Equal, left, right);
                case BinaryOperatorKind.NotEquals: return Expr.Compare(Comparison.NotEqual, left, right);
                case BinaryOperatorKind.LessThan: return Expr.Compare(Comparison.Less, left, right);
                case BinaryOperatorKind.LessThanOrEqual: return Expr.Compare(Comparison.LessOrEqual, left, right);
                case BinaryOperatorKind.GreaterThan: return Expr.Compare(Comparison.Greater, left, right);
                case BinaryOperatorKind.GreaterThanOrEqual: return Expr.Compare(Comparison.GreaterOrEqual, left, right);
                case BinaryOperatorKind.ConditionalAnd:
                case BinaryOperatorKind.And when IsBooleanOrTensor(binary):
                    return Expr.Binary(ExprKind.And, left, right);
                case BinaryOperatorKind.ConditionalOr:
                case BinaryOperatorKind.Or when IsBooleanOrTensor(binary):
                    return Expr.Binary(ExprKind.Or, left, right);
                default:
                    return Expr.Opaque(binary, ImmutableArray.Create(left, right), method);
            }
        }

        private bool IsBooleanOrTensor(IBinaryOperation binary) =>
            binary.Type?.SpecialType == SpecialType.System_Boolean || _known.IsTensor(binary.Type);

        private Expr BuildUnary(IUnaryOperation unary, int depth)
        {
            var method = unary.OperatorMethod;
            var operand = Build(unary.Operand, depth);
            if (method != null && !_known.IsTorchOperatorContainer(method.ContainingType))
            {
                return Expr.Opaque(unary, ImmutableArray.Create(operand), method);
            }

            switch (unary.OperatorKind)
            {
                case UnaryOperatorKind.Minus: return Expr.Unary(ExprKind.Negate, operand);
                case UnaryOperatorKind.Plus: return operand;
                case UnaryOperatorKind.Not: return Expr.Unary(ExprKind.Not, operand);
                default: return Expr.Opaque(unary, ImmutableArray.Create(operand), method);
            }
        }

        private Expr BuildInvocation(IInvocationOperation invocation, int depth)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            Expr? result = null;
            if (_known.IsMath(type))
            {
                result = BuildMath(invocation, method.Name, depth);
            }
            else if (_known.IsTorchFunctionContainer(type))
            {
                result = method.IsStatic ? BuildTorchStatic(invocation, method.Name, depth) : BuildTensorMethod(invocation, method.Name, depth);
            }
            else if (_known.IsFocalRuntime(type) && method.Name == "sigmoid_focal_loss")
            {
                result = BuildFocalRuntime(invocation, depth);
            }

            return result ?? OpaqueCall(invocation, depth);
        }

        /// <summary>
        /// FocalLoss.TorchSharp's <c>focal.sigmoid_focal_loss(input, target, alpha, gamma, reduction, weight, avg_factor)</c>
        /// with a dense target: <c>alpha_t * (1 - p_t)^gamma * CE(input, target) * weight</c>, reduced as asked
        /// (mean with avg_factor is sum / avg_factor). Null (opaque) for anything it does not model.
        /// </summary>
        private Expr? BuildFocalRuntime(IInvocationOperation invocation, int depth)
        {
            var input = Argument(invocation, "input");
            var target = Argument(invocation, "target");
            var alphaArgument = Argument(invocation, "alpha");
            var gammaArgument = Argument(invocation, "gamma");
            if (input == null || target == null || alphaArgument == null || gammaArgument == null)
            {
                return null;
            }

            var x = Build(input.Value, depth);
            var t = Build(target.Value, depth);
            var alpha = Build(alphaArgument.Value, depth);
            var gamma = Build(gammaArgument.Value, depth);
            var p = Expr.Unary(ExprKind.Sigmoid, x);
            var oneMinusT = Expr.Binary(ExprKind.Subtract, Expr.One, t);
            var pt = Expr.Binary(ExprKind.Add, Expr.Binary(ExprKind.Multiply, t, p), Expr.Binary(ExprKind.Multiply, oneMinusT, Expr.Binary(ExprKind.Subtract, Expr.One, p)));
            var balanced = Expr.Binary(ExprKind.Add, Expr.Binary(ExprKind.Multiply, t, alpha), Expr.Binary(ExprKind.Multiply, oneMinusT, Expr.Binary(ExprKind.Subtract, Expr.One, alpha)));
            Expr alphaT = alpha.TryGetConstant(out var alphaValue)
                ? (alphaValue < 0 ? Expr.One : balanced)
                : Expr.Where(Expr.Compare(Comparison.Less, alpha, Expr.Zero), Expr.One, balanced);
            var loss = Expr.Binary(
                ExprKind.Multiply,
                Expr.Binary(ExprKind.Multiply, alphaT, Expr.Binary(ExprKind.Power, Expr.Binary(ExprKind.Subtract, Expr.One, pt), gamma)),
                Expr.Binary(ExprKind.CrossEntropyWithLogits, x, t));
            var weight = Argument(invocation, "weight");
            if (weight != null && weight.ArgumentKind != ArgumentKind.DefaultValue && !IsNullOrAbsent(weight))
            {
                loss = Expr.Binary(ExprKind.Multiply, loss, Build(weight.Value, depth));
            }

            var reductionArgument = Argument(invocation, "reduction");
            var reduction = reductionArgument == null || reductionArgument.ArgumentKind == ArgumentKind.DefaultValue ? "none" : ReductionName(reductionArgument);
            var avgFactorArgument = Argument(invocation, "avg_factor");
            var avgFactor = avgFactorArgument == null || avgFactorArgument.ArgumentKind == ArgumentKind.DefaultValue ? null : avgFactorArgument;
            switch (reduction)
            {
                case "none":
                    return loss;
                case "sum":
                    return IsNullOrAbsent(avgFactor) ? Expr.Reduce(loss, "sum") : null;
                case "mean":
                    return IsNullOrAbsent(avgFactor)
                        ? Expr.Reduce(loss, "mean")
                        : Expr.Binary(ExprKind.Divide, Expr.Reduce(loss, "sum"), Build(avgFactor!.Value, depth));
                default:
                    return null;
            }
        }

        private Expr OpaqueCall(IInvocationOperation invocation, int depth)
        {
            var operands = ImmutableArray.CreateBuilder<Expr>();
            if (invocation.Instance != null)
            {
                operands.Add(Build(invocation.Instance, depth));
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                {
                    operands.Add(Build(argument.Value, depth));
                }
            }

            return Expr.Opaque(invocation, operands.ToImmutable(), invocation.TargetMethod);
        }

        /// <summary>The argument bound to the parameter at <paramref name="ordinal"/> (explicit or default), or null.</summary>
        internal static IArgumentOperation? Argument(IInvocationOperation invocation, int ordinal)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Ordinal == ordinal)
                {
                    return argument;
                }
            }

            return null;
        }

        /// <summary>The argument bound to the parameter named <paramref name="name"/>, or null.</summary>
        internal static IArgumentOperation? Argument(IInvocationOperation invocation, string name)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Name == name)
                {
                    return argument;
                }
            }

            return null;
        }

        private static int ParameterCount(IInvocationOperation invocation) => invocation.TargetMethod.Parameters.Length;

        /// <summary>True when the argument is absent or null (a default <c>null</c>).</summary>
        internal static bool IsNullOrAbsent(IArgumentOperation? argument)
        {
            if (argument == null)
            {
                return true;
            }

            var value = argument.Value;
            while (value is IConversionOperation conversion && conversion.Operand != null && conversion.OperatorMethod == null)
            {
                if (conversion.ConstantValue.HasValue && conversion.ConstantValue.Value == null)
                {
                    return true;
                }

                value = conversion.Operand;
            }

            return (value.ConstantValue.HasValue && value.ConstantValue.Value == null) || value is IDefaultValueOperation && !(value.Type?.IsValueType ?? false);
        }

        private Expr Arg(IInvocationOperation invocation, int ordinal, int depth)
        {
            var argument = Argument(invocation, ordinal);
            return argument == null ? Expr.Opaque(invocation) : Build(argument.Value, depth);
        }

        private Expr? BuildMath(IInvocationOperation invocation, string name, int depth)
        {
            var count = ParameterCount(invocation);
            switch (name)
            {
                case "Pow" when count == 2: return Expr.Binary(ExprKind.Power, Arg(invocation, 0, depth), Arg(invocation, 1, depth));
                case "Exp" when count == 1: return Expr.Unary(ExprKind.Exp, Arg(invocation, 0, depth));
                case "Log" when count == 1: return Expr.Unary(ExprKind.Log, Arg(invocation, 0, depth));
                case "Log" when count == 2:
                    return Expr.Binary(ExprKind.Divide, Expr.Unary(ExprKind.Log, Arg(invocation, 0, depth)), Expr.Unary(ExprKind.Log, Arg(invocation, 1, depth)));
                case "Abs" when count == 1: return Expr.Unary(ExprKind.Abs, Arg(invocation, 0, depth));
                case "Sqrt" when count == 1: return Expr.Unary(ExprKind.Sqrt, Arg(invocation, 0, depth));
                case "Max" when count == 2: return Expr.Binary(ExprKind.Max, Arg(invocation, 0, depth), Arg(invocation, 1, depth));
                case "Min" when count == 2: return Expr.Binary(ExprKind.Min, Arg(invocation, 0, depth), Arg(invocation, 1, depth));
                case "Clamp" when count == 3: return Expr.Clamp(Arg(invocation, 0, depth), Arg(invocation, 1, depth), Arg(invocation, 2, depth));
                default: return null;
            }
        }

        /// <summary>Instance methods of torch.Tensor: the receiver is the first operand.</summary>
        private Expr? BuildTensorMethod(IInvocationOperation invocation, string name, int depth)
        {
            if (invocation.Instance == null)
            {
                return null;
            }

            var self = Build(invocation.Instance, depth);
            return BuildTorchFunction(invocation, name, self, 0, depth);
        }

        /// <summary>Static functions of torch, torch.nn.functional and torch.special: the first argument is the first operand.</summary>
        private Expr? BuildTorchStatic(IInvocationOperation invocation, string name, int depth)
        {
            if (ParameterCount(invocation) == 0)
            {
                return null;
            }

            var first = Arg(invocation, 0, depth);
            return BuildTorchFunction(invocation, name, first, 1, depth);
        }

        /// <summary>
        /// One TorchSharp function with its first operand already built; <paramref name="next"/> is the
        /// ordinal of the parameter that holds the second operand (0 for methods, 1 for static functions).
        /// </summary>
        private Expr? BuildTorchFunction(IInvocationOperation invocation, string name, Expr first, int next, int depth)
        {
            var count = ParameterCount(invocation);
            var extra = count - next;
            switch (name)
            {
                case "sigmoid":
                case "expit":
                    return extra == 0 ? Expr.Unary(ExprKind.Sigmoid, first) : null;
                case "exp":
                    return extra == 0 ? Expr.Unary(ExprKind.Exp, first) : null;
                case "log":
                    return extra == 0 ? Expr.Unary(ExprKind.Log, first) : null;
                case "log1p":
                    return extra == 0 ? Expr.Unary(ExprKind.Log1p, first) : null;
                case "abs":
                case "absolute":
                    return extra == 0 ? Expr.Unary(ExprKind.Abs, first) : null;
                case "sqrt":
                    return extra == 0 ? Expr.Unary(ExprKind.Sqrt, first) : null;
                case "neg":
                case "negative":
                    return extra == 0 ? Expr.Unary(ExprKind.Negate, first) : null;
                case "reciprocal":
                    return extra == 0 ? Expr.Binary(ExprKind.Divide, Expr.One, first) : null;
                case "square":
                    return extra == 0 ? Expr.Binary(ExprKind.Power, first, Expr.Constant(2)) : null;
                case "logsigmoid":
                case "log_sigmoid":
                    // log(sigmoid(x)) in its stable form: -log1p(exp(-x)).
                    return extra == 0 ? Expr.Unary(ExprKind.Negate, Expr.Unary(ExprKind.Log1p, Expr.Unary(ExprKind.Exp, Expr.Unary(ExprKind.Negate, first)))) : null;
                case "softplus":
                    return IsDefaultOrConstant(invocation, next, 1) ? Expr.Unary(ExprKind.Log1p, Expr.Unary(ExprKind.Exp, first)) : null;
                case "pow":
                    return extra == 1 ? Expr.Binary(ExprKind.Power, first, Arg(invocation, next, depth)) : null;
                case "add":
                    return WithAlpha(invocation, ExprKind.Add, first, next, depth);
                case "sub":
                case "subtract":
                    return WithAlpha(invocation, ExprKind.Subtract, first, next, depth);
                case "rsub":
                    {
                        // rsub(input, other, alpha = 1) = other - alpha * input
                        var alpha = Argument(invocation, next + 1);
                        if (extra < 1 || !(alpha == null || IsDefaultOrConstant(invocation, next + 1, 1)))
                        {
                            return null;
                        }

                        return Expr.Binary(ExprKind.Subtract, Arg(invocation, next, depth), first);
                    }

                case "mul":
                case "multiply":
                    return extra == 1 ? Expr.Binary(ExprKind.Multiply, first, Arg(invocation, next, depth)) : null;
                case "div":
                case "divide":
                case "true_divide":
                    {
                        var roundingMode = Argument(invocation, next + 1);
                        if (extra < 1 || !(IsNullOrAbsent(roundingMode) || roundingMode!.ArgumentKind == ArgumentKind.DefaultValue || ReductionName(roundingMode) == "none"))
                        {
                            return null; // a rounding mode (trunc, floor) is not modelled
                        }

                        return Expr.Binary(ExprKind.Divide, first, Arg(invocation, next, depth));
                    }

                case "max" when extra == 1 && IsTensorParameter(invocation, next):
                case "maximum":
                    return extra == 1 ? Expr.Binary(ExprKind.Max, first, Arg(invocation, next, depth)) : null;
                case "min" when extra == 1 && IsTensorParameter(invocation, next):
                case "minimum":
                    return extra == 1 ? Expr.Binary(ExprKind.Min, first, Arg(invocation, next, depth)) : null;
                case "eq":
                    return extra == 1 ? Expr.Compare(Comparison.Equal, first, Arg(invocation, next, depth)) : null;
                case "ne":
                    return extra == 1 ? Expr.Compare(Comparison.NotEqual, first, Arg(invocation, next, depth)) : null;
                case "lt":
                case "less":
                    return extra == 1 ? Expr.Compare(Comparison.Less, first, Arg(invocation, next, depth)) : null;
                case "le":
                case "less_equal":
                    return extra == 1 ? Expr.Compare(Comparison.LessOrEqual, first, Arg(invocation, next, depth)) : null;
                case "gt":
                case "greater":
                    return extra == 1 ? Expr.Compare(Comparison.Greater, first, Arg(invocation, next, depth)) : null;
                case "ge":
                case "greater_equal":
                    return extra == 1 ? Expr.Compare(Comparison.GreaterOrEqual, first, Arg(invocation, next, depth)) : null;
                case "where":
                    if (next == 1 && extra == 2)
                    {
                        // torch.where(condition, x, y)
                        return Expr.Where(first, Arg(invocation, 1, depth), Arg(invocation, 2, depth));
                    }

                    if (next == 0 && extra == 2)
                    {
                        // x.where(condition, y) = torch.where(condition, x, y)
                        return Expr.Where(Arg(invocation, 0, depth), first, Arg(invocation, 1, depth));
                    }

                    return null;
                case "clamp":
                case "clip":
                    return extra == 2 ? Expr.Clamp(first, Bound(invocation, next, depth), Bound(invocation, next + 1, depth)) : null;
                case "clamp_min":
                    return extra == 1 ? Expr.Clamp(first, Bound(invocation, next, depth), null) : null;
                case "clamp_max":
                    return extra == 1 ? Expr.Clamp(first, null, Bound(invocation, next, depth)) : null;
                case "binary_cross_entropy_with_logits":
                    return CrossEntropy(invocation, ExprKind.CrossEntropyWithLogits, first, next, depth);
                case "binary_cross_entropy":
                    return CrossEntropy(invocation, ExprKind.CrossEntropy, first, next, depth);
                case "sum":
                    return ReductionOf(invocation, first, "sum");
                case "mean":
                    return ReductionOf(invocation, first, "mean");
                case "detach":
                case "clone":
                case "contiguous":
                case "to":
                case "to_type":
                case "type":
                case "type_as":
                case "float":
                case "double":
                case "half":
                case "bfloat16":
                case "cpu":
                case "cuda":
                case "view":
                case "view_as":
                case "reshape":
                case "reshape_as":
                case "expand":
                case "expand_as":
                case "unsqueeze":
                case "squeeze":
                case "flatten":
                case "alias":
                    // Dtype, device and shape changes keep each element's value.
                    return next == 0 ? first : null;
                default:
                    return null;
            }
        }

        private bool IsTensorParameter(IInvocationOperation invocation, int ordinal) =>
            ordinal < invocation.TargetMethod.Parameters.Length && _known.IsTensor(invocation.TargetMethod.Parameters[ordinal].Type);

        private Expr? WithAlpha(IInvocationOperation invocation, ExprKind kind, Expr first, int next, int depth)
        {
            var count = ParameterCount(invocation) - next;
            if (count < 1)
            {
                return null;
            }

            var other = Arg(invocation, next, depth);
            if (count >= 2)
            {
                var alpha = Argument(invocation, next + 1);
                if (alpha != null && alpha.ArgumentKind != ArgumentKind.DefaultValue)
                {
                    other = Expr.Binary(ExprKind.Multiply, Build(alpha.Value, depth), other);
                }
            }

            return Expr.Binary(kind, first, other);
        }

        private bool IsDefaultOrConstant(IInvocationOperation invocation, int ordinal, double expected)
        {
            var argument = Argument(invocation, ordinal);
            if (argument == null || argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                return true;
            }

            return Build(argument.Value).TryGetConstant(out var value) && value == expected;
        }

        private Expr? Bound(IInvocationOperation invocation, int ordinal, int depth)
        {
            var argument = Argument(invocation, ordinal);
            return IsNullOrAbsent(argument) ? null : Build(argument!.Value, depth);
        }

        private Expr? ReductionOf(IInvocationOperation invocation, Expr first, string reduction) =>
            Expr.Reduce(first, reduction);

        private Expr? CrossEntropy(IInvocationOperation invocation, ExprKind kind, Expr input, int next, int depth)
        {
            if (ParameterCount(invocation) - next < 1)
            {
                return null;
            }

            var target = Arg(invocation, next, depth);
            Expr result = Expr.Binary(kind, input, target);
            var weight = Argument(invocation, "weight");
            if (!IsNullOrAbsent(weight))
            {
                result = Expr.Binary(ExprKind.Multiply, result, Build(weight!.Value, depth));
            }

            if (!IsNullOrAbsent(Argument(invocation, "pos_weights")) || !IsNullOrAbsent(Argument(invocation, "pos_weight")))
            {
                return null;
            }

            var reduction = ReductionName(Argument(invocation, "reduction"));
            if (reduction == "none")
            {
                return result;
            }

            return Expr.Reduce(result, reduction ?? "unknown");
        }

        /// <summary>The lower-case name of the enum member passed as reduction ("none", "mean", "sum"), or null.</summary>
        internal static string? ReductionName(IArgumentOperation? argument)
        {
            if (argument == null)
            {
                return null;
            }

            var value = argument.Value.ConstantValue;
            var type = argument.Parameter?.Type as INamedTypeSymbol;
            if (!value.HasValue || value.Value == null || type == null || type.TypeKind != TypeKind.Enum)
            {
                return value.HasValue && value.Value is string text ? text.ToLowerInvariant() : null;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol field && field.HasConstantValue && Equals(Convert.ToInt64(field.ConstantValue, System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(value.Value, System.Globalization.CultureInfo.InvariantCulture)))
                {
                    return field.Name.ToLowerInvariant();
                }
            }

            return null;
        }
    }
}
