using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>How a flagged cross entropy gets reduced.</summary>
    internal enum ReductionSource
    {
        /// <summary><c>binary_cross_entropy[_with_logits](..., reduction: Mean/Sum)</c>, a constant.</summary>
        ConstantArgument,

        /// <summary><c>binary_cross_entropy[_with_logits](x, t)</c>: the default reduction (Mean).</summary>
        DefaultArgument,

        /// <summary><c>binary_cross_entropy[_with_logits](..., reduction: r)</c> with r a parameter that can be Mean or Sum.</summary>
        VariableArgument,

        /// <summary><c>ce.mean()</c>, <c>ce.sum()</c>, <c>torch.mean(ce)</c>, <c>torch.sum(ce)</c>: a full reduction of an element-wise cross entropy.</summary>
        ReductionCall,
    }

    /// <summary>What the code fix does (travels in the diagnostic's properties).</summary>
    internal enum ReducedBeforeWeightingFix
    {
        /// <summary>No safe rewrite: the values feed several uses, flow through branches, or the shape is not recognised.</summary>
        None,

        /// <summary>Remove the early reduction and wrap the returned weighted loss (additional location) in <c>.mean()</c>/<c>.sum()</c>.</summary>
        WrapReturn,

        /// <summary>Remove the early reduction only: the weighted loss already flows into a reduction of the same kind.</summary>
        ExistingReduction,

        /// <summary>Pass Reduction.None only: the method already reduces the weighted loss by the same parameter (if/switch on it).</summary>
        MethodReducesByVariable,

        /// <summary>Pass Reduction.None and return <c>parameter switch { Mean => (E).mean(), Sum => (E).sum(), _ => E }</c> for the returned E.</summary>
        SwitchOnVariable,
    }

    /// <summary>One cross entropy that is reduced before an element-wise focal weight multiplies it.</summary>
    internal sealed class ReducedCrossEntropy
    {
        public ReducedCrossEntropy(IInvocationOperation operation, ReductionSource source, ImmutableArray<string> reductions, IArgumentOperation? reductionArgument, IParameterSymbol? variable, Expr input, IOperation? reducedOperand)
        {
            Operation = operation;
            Source = source;
            Reductions = reductions;
            ReductionArgument = reductionArgument;
            Variable = variable;
            Input = input;
            ReducedOperand = reducedOperand;
        }

        /// <summary>The invocation that reduces (the reported span).</summary>
        public IInvocationOperation Operation { get; }

        public ReductionSource Source { get; }

        /// <summary>The reductions it can apply: "mean", "sum" (both for a parameter).</summary>
        public ImmutableArray<string> Reductions { get; }

        /// <summary>The <c>reduction</c> argument of a cross entropy call (explicit or default).</summary>
        public IArgumentOperation? ReductionArgument { get; }

        /// <summary>The parameter a <see cref="ReductionSource.VariableArgument"/> reads.</summary>
        public IParameterSymbol? Variable { get; }

        /// <summary>The cross entropy's input (logits or probabilities) as the evaluator sees it.</summary>
        public Expr Input { get; }

        /// <summary>The operand of a <see cref="ReductionSource.ReductionCall"/> (receiver or first argument).</summary>
        public IOperation? ReducedOperand { get; }
    }

    /// <summary>The fix plan for one finding.</summary>
    internal readonly struct ReducedBeforeWeightingPlan
    {
        public ReducedBeforeWeightingPlan(ReducedBeforeWeightingFix fix, IOperation? sink)
        {
            Fix = fix;
            Sink = sink;
        }

        public ReducedBeforeWeightingFix Fix { get; }

        /// <summary>The weighted loss expression the fix reduces (<see cref="ReducedBeforeWeightingFix.WrapReturn"/>, <see cref="ReducedBeforeWeightingFix.SwitchOnVariable"/>).</summary>
        public IOperation? Sink { get; }
    }

    /// <summary>
    /// FL0005's decisions, shared by the analyzer, the code fix and the tests: which products multiply a reduced
    /// cross entropy by a weight that depends element-wise on the logits or probabilities, and where the reduction can
    /// safely move. Values are followed with the evaluator's dataflow (locals, <c>*=</c>), never by names.
    /// </summary>
    internal static class ReducedBeforeWeightingAnalysis
    {
        private const int MaxTraceDepth = 24;
        private const int MaxFlowSteps = 32;

        /// <summary>A multiplication site: <c>a * b</c>, <c>a.mul(b)</c>, <c>torch.mul(a, b)</c>, <c>a *= b</c> on tensors. Cheap, for operation callbacks.</summary>
        public static bool TryGetProduct(IOperation operation, KnownSymbols known, out IOperation? left, out IOperation? right)
        {
            left = null;
            right = null;
            switch (operation)
            {
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Multiply
                                                 && binary.OperatorMethod != null && known.IsTorchOperatorContainer(binary.OperatorMethod.ContainingType):
                    left = binary.LeftOperand;
                    right = binary.RightOperand;
                    return left != null && right != null;
                case ICompoundAssignmentOperation compound when compound.OperatorKind == BinaryOperatorKind.Multiply
                                                               && compound.OperatorMethod != null && known.IsTorchOperatorContainer(compound.OperatorMethod.ContainingType):
                    left = compound.Target;
                    right = compound.Value;
                    return left != null && right != null;
                case IInvocationOperation invocation when IsMul(invocation, known):
                    if (invocation.TargetMethod.IsStatic)
                    {
                        left = ExpressionBuilder.Argument(invocation, 0)?.Value;
                        right = ExpressionBuilder.Argument(invocation, 1)?.Value;
                    }
                    else
                    {
                        left = invocation.Instance;
                        right = ExpressionBuilder.Argument(invocation, 0)?.Value;
                    }

                    return left != null && right != null;
                default:
                    return false;
            }
        }

        private static bool IsMul(IInvocationOperation invocation, KnownSymbols known)
        {
            var method = invocation.TargetMethod;
            return (method.Name == "mul" || method.Name == "multiply")
                   && known.IsTorchFunctionContainer(method.ContainingType)
                   && method.Parameters.Length == (method.IsStatic ? 2 : 1);
        }

        /// <summary>
        /// The reduced cross entropies that the product at <paramref name="product"/> multiplies by an element-wise focal
        /// weight (one side carries the reduced cross entropy, the other depends element-wise on its logits or probabilities).
        /// </summary>
        public static ImmutableArray<ReducedCrossEntropy> Analyze(IOperation product, ExpressionBuilder builder)
        {
            if (!TryGetProduct(product, builder.Known, out var left, out var right))
            {
                return ImmutableArray<ReducedCrossEntropy>.Empty;
            }

            var found = ImmutableArray.CreateBuilder<ReducedCrossEntropy>();
            Collect(left!, right!, builder, found);
            Collect(right!, left!, builder, found);
            return found.ToImmutable();
        }

        private static void Collect(IOperation lossSide, IOperation weightSide, ExpressionBuilder builder, ImmutableArray<ReducedCrossEntropy>.Builder found)
        {
            var reduced = new List<ReducedCrossEntropy>();
            Trace(lossSide, builder, 0, reduced);
            if (reduced.Count == 0)
            {
                return;
            }

            var weightLeaves = ElementwiseLeaves(builder.Build(weightSide));
            foreach (var candidate in reduced)
            {
                var inputLeaves = ElementwiseLeaves(candidate.Input);
                if (inputLeaves.Overlaps(weightLeaves) && !Contains(found, candidate.Operation))
                {
                    found.Add(candidate);
                }
            }
        }

        private static bool Contains(ImmutableArray<ReducedCrossEntropy>.Builder found, IInvocationOperation operation)
        {
            foreach (var item in found)
            {
                if (ReferenceEquals(item.Operation, operation))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The variables (symbols, opaque values) an expression depends on element-wise: reached without passing through a
        /// reduction or into what an opaque value was computed from.
        /// </summary>
        internal static HashSet<Expr> ElementwiseLeaves(Expr expr)
        {
            var leaves = new HashSet<Expr>();
            var visited = new HashSet<Expr>(Expr.ReferenceEqualityComparer.Instance);
            var stack = new Stack<Expr>();
            stack.Push(expr);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                if (!visited.Add(node) || node.Kind == ExprKind.Reduce || node.Kind == ExprKind.Constant)
                {
                    continue;
                }

                if (node.IsVariable)
                {
                    // A scalar (a double temperature, a Scalar) scales every element alike: it is not an
                    // element-wise input, so sharing it does not make the other factor an element-wise weight.
                    if (!IsScalarValued(node))
                    {
                        leaves.Add(node);
                    }

                    continue;
                }

                foreach (var operand in node.Operands)
                {
                    stack.Push(operand);
                }
            }

            return leaves;
        }

        private static bool IsScalarValued(Expr leaf)
        {
            var type = leaf.Symbol switch
            {
                ILocalSymbol local => local.Type,
                IParameterSymbol parameter => parameter.Type,
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => leaf.Origin?.Type,
            };
            if (type is null)
            {
                return false;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Double:
                case SpecialType.System_Single:
                case SpecialType.System_Decimal:
                case SpecialType.System_Int16:
                case SpecialType.System_Int32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt16:
                case SpecialType.System_UInt32:
                case SpecialType.System_UInt64:
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                    return true;
            }

            return type.Name == "Scalar" && type.ContainingNamespace?.ToDisplayString() == "TorchSharp";
        }

        /// <summary>True when <paramref name="expr"/> holds a binary cross entropy element-wise (not under a reduction).</summary>
        private static Expr? ElementwiseCrossEntropyInput(Expr expr)
        {
            var visited = new HashSet<Expr>(Expr.ReferenceEqualityComparer.Instance);
            var stack = new Stack<Expr>();
            stack.Push(expr);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                if (!visited.Add(node) || node.Kind == ExprKind.Reduce || node.IsVariable)
                {
                    continue;
                }

                if (node.Kind == ExprKind.CrossEntropy || node.Kind == ExprKind.CrossEntropyWithLogits)
                {
                    return node.Operands[0];
                }

                foreach (var operand in node.Operands)
                {
                    stack.Push(operand);
                }
            }

            return null;
        }

        /// <summary>Follows a loss value back through locals, <c>*=</c>, products and quotients to the invocations that reduce a cross entropy.</summary>
        private static void Trace(IOperation? operation, ExpressionBuilder builder, int depth, List<ReducedCrossEntropy> found)
        {
            if (operation == null || depth > MaxTraceDepth)
            {
                return;
            }

            operation = SkipValuePreservingWrappers(operation, builder.Known);
            switch (operation)
            {
                case ILocalReferenceOperation _:
                case IParameterReferenceOperation _:
                    {
                        var symbol = LocalFlowIndex.ReferencedSymbol(operation)!;
                        var write = builder.IndexFor(operation).ReachingWrite(symbol, operation, out _);
                        if (write == null)
                        {
                            return;
                        }

                        if (write.Kind == LocalEventKind.Assign)
                        {
                            Trace(write.Value, builder, depth + 1, found);
                        }
                        else if (write.Kind == LocalEventKind.Compound && write.Node is ICompoundAssignmentOperation compound && IsProductOrQuotient(compound.OperatorKind, compound.OperatorMethod, builder.Known))
                        {
                            Trace(compound.Target, builder, depth + 1, found);
                            if (compound.OperatorKind == BinaryOperatorKind.Multiply)
                            {
                                Trace(compound.Value, builder, depth + 1, found);
                            }
                        }

                        return;
                    }

                case IBinaryOperation binary when IsProductOrQuotient(binary.OperatorKind, binary.OperatorMethod, builder.Known):
                    Trace(binary.LeftOperand, builder, depth + 1, found);
                    if (binary.OperatorKind == BinaryOperatorKind.Multiply)
                    {
                        Trace(binary.RightOperand, builder, depth + 1, found);
                    }

                    return;
                case IUnaryOperation unary when unary.OperatorKind == UnaryOperatorKind.Minus || unary.OperatorKind == UnaryOperatorKind.Plus:
                    Trace(unary.Operand, builder, depth + 1, found);
                    return;
                case ISimpleAssignmentOperation assignment:
                    Trace(assignment.Value, builder, depth + 1, found);
                    return;
                case IInvocationOperation invocation:
                    TraceInvocation(invocation, builder, depth, found);
                    return;
            }
        }

        private static void TraceInvocation(IInvocationOperation invocation, ExpressionBuilder builder, int depth, List<ReducedCrossEntropy> found)
        {
            var method = invocation.TargetMethod;
            var known = builder.Known;
            if (!known.IsTorchFunctionContainer(method.ContainingType))
            {
                return;
            }

            if (IsMul(invocation, known) && TryGetProduct(invocation, known, out var left, out var right))
            {
                Trace(left, builder, depth + 1, found);
                Trace(right, builder, depth + 1, found);
                return;
            }

            switch (method.Name)
            {
                case "binary_cross_entropy_with_logits":
                case "binary_cross_entropy":
                    {
                        var reduced = FromCrossEntropyCall(invocation, builder);
                        if (reduced != null)
                        {
                            found.Add(reduced);
                        }

                        return;
                    }

                case "mean":
                case "sum":
                    {
                        var operand = FullReductionOperand(invocation, known);
                        if (operand == null)
                        {
                            return;
                        }

                        var input = ElementwiseCrossEntropyInput(builder.Build(operand));
                        if (input != null)
                        {
                            found.Add(new ReducedCrossEntropy(invocation, ReductionSource.ReductionCall, ImmutableArray.Create(method.Name), null, null, input, operand));
                        }
                        else
                        {
                            // The mean of a scalar is the scalar: look for the reduction below.
                            Trace(operand, builder, depth + 1, found);
                        }

                        return;
                    }
            }
        }

        /// <summary>
        /// The operand of a full reduction: <c>x.mean()</c>, <c>x.sum()</c>, <c>x.sum(type)</c>, <c>torch.mean(x)</c>,
        /// <c>torch.sum(x)</c>; null for reductions over some dimensions (their shape is not a scalar) and anything else.
        /// </summary>
        internal static IOperation? FullReductionOperand(IInvocationOperation invocation, KnownSymbols known)
        {
            var method = invocation.TargetMethod;
            if ((method.Name != "mean" && method.Name != "sum") || !known.IsTorchFunctionContainer(method.ContainingType))
            {
                return null;
            }

            var first = method.IsStatic ? 1 : 0;
            if (method.IsStatic && (method.Parameters.Length == 0 || !known.IsTensor(method.Parameters[0].Type)))
            {
                return null;
            }

            for (var i = first; i < method.Parameters.Length; i++)
            {
                var name = method.Parameters[i].Name;
                if (name != "type" && name != "dtype")
                {
                    return null;
                }
            }

            return method.IsStatic ? ExpressionBuilder.Argument(invocation, 0)?.Value : invocation.Instance;
        }

        private static ReducedCrossEntropy? FromCrossEntropyCall(IInvocationOperation invocation, ExpressionBuilder builder)
        {
            var method = invocation.TargetMethod;
            if (!method.IsStatic || method.Parameters.Length < 2)
            {
                return null;
            }

            var inputArgument = ExpressionBuilder.Argument(invocation, 0);
            var argument = ExpressionBuilder.Argument(invocation, "reduction");
            if (inputArgument == null || argument == null || !(argument.Parameter?.Type is INamedTypeSymbol reductionType) || reductionType.TypeKind != TypeKind.Enum)
            {
                return null;
            }

            var input = builder.Build(inputArgument.Value);
            var name = ExpressionBuilder.ReductionName(argument);
            if (name != null)
            {
                if (name != "mean" && name != "sum")
                {
                    return null;
                }

                var source = argument.ArgumentKind == ArgumentKind.DefaultValue ? ReductionSource.DefaultArgument : ReductionSource.ConstantArgument;
                return new ReducedCrossEntropy(invocation, source, ImmutableArray.Create(name), argument, null, input, null);
            }

            // A value that is not a constant: decided exactly when it is a function of one parameter of the enum type,
            // read with the value the caller passed, by evaluating it for every member.
            var value = builder.Build(argument.Value);
            var variables = value.FreeVariables();
            if (variables.Length != 1 || variables[0].Kind != ExprKind.Symbol || !(variables[0].Symbol is IParameterSymbol parameter)
                || parameter.RefKind != RefKind.None || !SymbolEqualityComparer.Default.Equals(parameter.Type, reductionType))
            {
                return null;
            }

            var reachable = new List<string>();
            foreach (var member in reductionType.GetMembers())
            {
                if (!(member is IFieldSymbol field) || !field.HasConstantValue)
                {
                    continue;
                }

                var result = NumericEvaluator.Evaluate(value, new Dictionary<Expr, double> { [variables[0]] = Convert.ToDouble(field.ConstantValue, CultureInfo.InvariantCulture) });
                var resultName = MemberName(reductionType, result);
                if (resultName == null)
                {
                    return null;
                }

                if ((resultName == "mean" || resultName == "sum") && !reachable.Contains(resultName))
                {
                    reachable.Add(resultName);
                }
            }

            if (reachable.Count == 0)
            {
                return null;
            }

            reachable.Sort(StringComparer.Ordinal);
            return new ReducedCrossEntropy(invocation, ReductionSource.VariableArgument, reachable.ToImmutableArray(), argument, parameter, input, null);
        }

        private static string? MemberName(INamedTypeSymbol enumType, double value)
        {
            if (double.IsNaN(value))
            {
                return null;
            }

            foreach (var member in enumType.GetMembers())
            {
                if (member is IFieldSymbol field && field.HasConstantValue && Convert.ToDouble(field.ConstantValue, CultureInfo.InvariantCulture) == value)
                {
                    return field.Name.ToLowerInvariant();
                }
            }

            return null;
        }

        private static bool IsProductOrQuotient(BinaryOperatorKind kind, IMethodSymbol? method, KnownSymbols known) =>
            (kind == BinaryOperatorKind.Multiply || kind == BinaryOperatorKind.Divide)
            && (method == null || known.IsTorchOperatorContainer(method.ContainingType));

        private static IOperation SkipValuePreservingWrappers(IOperation operation, KnownSymbols known)
        {
            while (true)
            {
                switch (operation)
                {
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    case IConversionOperation conversion when conversion.Operand != null
                                                              && (conversion.OperatorMethod == null || known.IsTorchOperatorContainer(conversion.OperatorMethod.ContainingType)):
                        operation = conversion.Operand;
                        continue;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>
        /// For a reduction by a parameter: every other read of the parameter must come after the weighting and only
        /// select how the weighted loss is reduced (<c>if (r == Mean)</c>, <c>switch (r)</c>, <c>r switch { ... }</c>,
        /// without a throw). Anything else might keep Mean and Sum away from the cross entropy (a guard), so nothing is
        /// reported.
        /// </summary>
        public static bool VariableReachesUnguarded(ReducedCrossEntropy reduced, int weightingEnd, ExpressionBuilder builder)
        {
            if (reduced.Variable == null || reduced.ReductionArgument == null)
            {
                return false;
            }

            var argumentSpan = reduced.ReductionArgument.Syntax.Span;
            foreach (var reference in builder.IndexFor(reduced.Operation).ReferencesOf(reduced.Variable))
            {
                if (argumentSpan.Contains(reference.Syntax.Span))
                {
                    continue;
                }

                if (reference.Syntax.SpanStart < weightingEnd || SelectingConstruct(reference) == null)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The if, switch statement or switch expression that selects on <paramref name="reference"/> (compared with constants), or null.</summary>
        private static IOperation? SelectingConstruct(IOperation reference)
        {
            var parent = reference.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                reference = parent;
                parent = parent.Parent;
            }

            IOperation? construct = null;
            if (parent is IBinaryOperation binary && (binary.OperatorKind == BinaryOperatorKind.Equals || binary.OperatorKind == BinaryOperatorKind.NotEquals))
            {
                var other = ReferenceEquals(binary.LeftOperand, reference) ? binary.RightOperand : binary.LeftOperand;
                var condition = (IOperation)binary;
                while (condition.Parent is IBinaryOperation logical && (logical.OperatorKind == BinaryOperatorKind.ConditionalOr || logical.OperatorKind == BinaryOperatorKind.ConditionalAnd))
                {
                    condition = logical;
                }

                if (other.ConstantValue.HasValue && condition.Parent is IConditionalOperation conditional && ReferenceEquals(conditional.Condition, condition))
                {
                    construct = conditional;
                }
            }
            else if (parent is ISwitchOperation @switch && ReferenceEquals(@switch.Value, reference))
            {
                construct = @switch;
            }
            else if (parent is ISwitchExpressionOperation switchExpression && ReferenceEquals(switchExpression.Value, reference))
            {
                construct = switchExpression;
            }

            if (construct == null)
            {
                return null;
            }

            foreach (var descendant in construct.Descendants())
            {
                if (descendant is IThrowOperation)
                {
                    return null;
                }
            }

            return construct;
        }

        /// <summary>Where the reduction can move: follows the reduced value forward through products and single-use locals.</summary>
        public static ReducedBeforeWeightingPlan Plan(ReducedCrossEntropy reduced, int weightingEnd, ExpressionBuilder builder)
        {
            var flow = Follow(reduced.Operation, builder);
            var kind = reduced.Reductions.Length == 1 ? reduced.Reductions[0] : null;
            switch (reduced.Source)
            {
                case ReductionSource.VariableArgument:
                    if (!(reduced.ReductionArgument?.Value is IParameterReferenceOperation))
                    {
                        // Only 'reduction: r' itself: the switch the fix writes selects on r.
                        return default;
                    }

                    if (MethodReducesByVariable(reduced, flow.Carriers, weightingEnd, builder))
                    {
                        return new ReducedBeforeWeightingPlan(ReducedBeforeWeightingFix.MethodReducesByVariable, null);
                    }

                    return flow.Sink != null && flow.ExistingReduction == null
                        ? new ReducedBeforeWeightingPlan(ReducedBeforeWeightingFix.SwitchOnVariable, flow.Sink)
                        : default;
                default:
                    if (flow.Sink == null || kind == null)
                    {
                        return default;
                    }

                    if (flow.ExistingReduction != null)
                    {
                        return flow.ExistingReduction == kind ? new ReducedBeforeWeightingPlan(ReducedBeforeWeightingFix.ExistingReduction, null) : default;
                    }

                    return new ReducedBeforeWeightingPlan(ReducedBeforeWeightingFix.WrapReturn, flow.Sink);
            }
        }

        private readonly struct Flow
        {
            public Flow(IOperation? sink, string? existingReduction, List<(ISymbol Local, LocalEvent Write)> carriers)
            {
                Sink = sink;
                ExistingReduction = existingReduction;
                Carriers = carriers;
            }

            /// <summary>The returned weighted loss, or the operand of the reduction it flows into; null when the flow is not followed to its end.</summary>
            public IOperation? Sink { get; }

            /// <summary>"mean"/"sum" when the sink is the operand of an existing full reduction.</summary>
            public string? ExistingReduction { get; }

            /// <summary>The locals the value passes through, with the write that stores it.</summary>
            public List<(ISymbol Local, LocalEvent Write)> Carriers { get; }
        }

        private static Flow Follow(IOperation start, ExpressionBuilder builder)
        {
            var carriers = new List<(ISymbol, LocalEvent)>();
            var current = start;
            for (var step = 0; step < MaxFlowSteps; step++)
            {
                var top = InvertedModulatingFactorAnalysis.EnclosingProduct(current);
                var parent = top.Parent;
                if (parent is IReturnOperation ret && ReferenceEquals(ret.ReturnedValue, top))
                {
                    return new Flow(top, null, carriers);
                }

                if (parent is IArgumentOperation argument && argument.Parent is IInvocationOperation call
                    && FullReductionOperand(call, builder.Known) is IOperation reducedArgument && ReferenceEquals(reducedArgument, top))
                {
                    return new Flow(top, call.TargetMethod.Name, carriers);
                }

                if (parent is IInvocationOperation reduction && ReferenceEquals(reduction.Instance, top)
                    && FullReductionOperand(reduction, builder.Known) is IOperation receiver && ReferenceEquals(receiver, top))
                {
                    return new Flow(top, reduction.TargetMethod.Name, carriers);
                }

                ISymbol? local = null;
                IOperation? writeNode = null;
                switch (parent)
                {
                    case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                        local = declarator.Symbol;
                        writeNode = declarator;
                        break;
                    case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclarationOperation declaration && declaration.Declarators.Length == 1:
                        local = declaration.Declarators[0].Symbol;
                        writeNode = declaration.Declarators[0];
                        break;
                    case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, top) && !assignment.IsRef && assignment.Target is ILocalReferenceOperation target:
                        local = target.Local;
                        writeNode = assignment;
                        break;
                    case ICompoundAssignmentOperation compound when compound.OperatorKind == BinaryOperatorKind.Multiply && compound.Target is ILocalReferenceOperation target
                                                                   && (ReferenceEquals(compound.Value, top) || ReferenceEquals(compound.Target, top)):
                        local = target.Local;
                        writeNode = compound;
                        break;
                }

                if (local == null || writeNode == null || !(local is ILocalSymbol))
                {
                    return new Flow(null, null, carriers);
                }

                var index = builder.IndexFor(writeNode);
                LocalEvent? write = null;
                foreach (var e in index.EventsOf(local))
                {
                    if (ReferenceEquals(e.Node, writeNode))
                    {
                        write = e;
                    }
                }

                if (write == null)
                {
                    return new Flow(null, null, carriers);
                }

                carriers.Add((local, write));
                var next = SingleRead(index, local, write);
                if (next == null)
                {
                    return new Flow(null, null, carriers);
                }

                current = next;
            }

            return new Flow(null, null, carriers);
        }

        /// <summary>The one read that sees <paramref name="write"/>; null when there are several, none, or a later read cannot be resolved.</summary>
        private static IOperation? SingleRead(LocalFlowIndex index, ISymbol local, LocalEvent write)
        {
            IOperation? read = null;
            foreach (var reference in index.ReferencesOf(local))
            {
                if (reference.Syntax.SpanStart < write.End)
                {
                    continue;
                }

                if (reference.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference))
                {
                    continue;
                }

                var reaching = index.ReachingWrite(local, reference, out _);
                if (reaching == null)
                {
                    return null;
                }

                if (!ReferenceEquals(reaching, write))
                {
                    continue;
                }

                if (read != null)
                {
                    return null;
                }

                read = reference;
            }

            return read;
        }

        /// <summary>
        /// True when, after the weighting, the method reduces a local holding the weighted loss with mean()/sum() under
        /// <c>if (r == Mean)</c> / <c>switch (r)</c> / <c>r switch</c> for every reduction the parameter can request
        /// (TorchSharp's own shape): then passing Reduction.None is the whole fix.
        /// </summary>
        private static bool MethodReducesByVariable(ReducedCrossEntropy reduced, List<(ISymbol Local, LocalEvent Write)> carriers, int weightingEnd, ExpressionBuilder builder)
        {
            var parameter = reduced.Variable!;
            foreach (var (local, write) in carriers)
            {
                if (write.End < weightingEnd)
                {
                    continue;
                }

                var covered = new HashSet<string>();
                var index = builder.IndexFor(write.Node);
                foreach (var reference in index.ReferencesOf(local))
                {
                    if (reference.Syntax.SpanStart < write.End || !(SkipUp(reference).Parent is IOperation parent))
                    {
                        continue;
                    }

                    var invocation = parent as IInvocationOperation ?? (parent as IArgumentOperation)?.Parent as IInvocationOperation;
                    if (invocation == null || !ReferenceEquals(FullReductionOperand(invocation, builder.Known) is IOperation operand ? SkipValuePreservingWrappers(operand, builder.Known) : null, reference))
                    {
                        continue;
                    }

                    var selected = SelectedValue(invocation, parameter);
                    if (selected != null && selected == invocation.TargetMethod.Name)
                    {
                        covered.Add(selected);
                    }
                }

                var all = true;
                foreach (var kind in reduced.Reductions)
                {
                    all &= covered.Contains(kind);
                }

                if (all)
                {
                    return true;
                }
            }

            return false;
        }

        private static IOperation SkipUp(IOperation operation)
        {
            while (operation.Parent is IConversionOperation || operation.Parent is IParenthesizedOperation)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>The enum member (lower case) that <paramref name="parameter"/> must equal for <paramref name="operation"/> to run, or null.</summary>
        private static string? SelectedValue(IOperation operation, IParameterSymbol parameter)
        {
            IOperation child = operation;
            for (var current = operation.Parent; current != null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IConditionalOperation conditional when ReferenceEquals(conditional.WhenTrue, child):
                        if (conditional.Condition is IBinaryOperation equals && equals.OperatorKind == BinaryOperatorKind.Equals)
                        {
                            var name = ComparedMember(equals.LeftOperand, equals.RightOperand, parameter) ?? ComparedMember(equals.RightOperand, equals.LeftOperand, parameter);
                            if (name != null)
                            {
                                return name;
                            }
                        }

                        break;
                    case ISwitchCaseOperation section when section.Parent is ISwitchOperation @switch && IsParameter(@switch.Value, parameter) && section.Clauses.Length == 1:
                        if (section.Clauses[0] is ISingleValueCaseClauseOperation single)
                        {
                            return ConstantMember(single.Value);
                        }

                        if (section.Clauses[0] is IPatternCaseClauseOperation patternClause && patternClause.Guard == null && patternClause.Pattern is IConstantPatternOperation constantPattern)
                        {
                            return ConstantMember(constantPattern.Value);
                        }

                        return null;
                    case ISwitchExpressionArmOperation arm when arm.Parent is ISwitchExpressionOperation switchExpression && IsParameter(switchExpression.Value, parameter)
                                                                && arm.Guard == null && arm.Pattern is IConstantPatternOperation armPattern && ReferenceEquals(arm.Value, child):
                        return ConstantMember(armPattern.Value);
                    case IAnonymousFunctionOperation _:
                    case ILocalFunctionOperation _:
                    case ILoopOperation _:
                        return null;
                }
            }

            return null;
        }

        private static string? ComparedMember(IOperation variable, IOperation constant, IParameterSymbol parameter) =>
            IsParameter(variable, parameter) ? ConstantMember(constant) : null;

        private static bool IsParameter(IOperation? operation, IParameterSymbol parameter)
        {
            while (operation is IConversionOperation conversion && conversion.Operand != null)
            {
                operation = conversion.Operand;
            }

            return operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter);
        }

        private static string? ConstantMember(IOperation? operation)
        {
            while (operation is IConversionOperation conversion && conversion.Operand != null)
            {
                operation = conversion.Operand;
            }

            return operation is IFieldReferenceOperation field && field.Field.HasConstantValue && field.Field.ContainingType?.TypeKind == TypeKind.Enum
                ? field.Field.Name.ToLowerInvariant()
                : null;
        }
    }
}
