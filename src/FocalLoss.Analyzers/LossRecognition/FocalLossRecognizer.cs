using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.LossRecognition
{
    /// <summary>
    /// Recognises a whole hand-written sigmoid focal loss from one flagged expression inside it (an FL0001
    /// power, an FL0002 alpha balance, an FL0003 cross entropy, an FL0005 reduction) and maps it onto
    /// FocalLoss.TorchSharp's <c>focal.sigmoid_focal_loss</c>.
    /// </summary>
    /// <remarks>
    /// <para>How: from the flagged expression it walks outwards through products, divisions, negations,
    /// <c>mul</c>, <c>mean()</c>/<c>sum()</c> and the locals that carry the value (a local read exactly once is
    /// followed to that read) to the <em>root</em>: the expression the rest of the code uses. The root is peeled
    /// of its reduction (<c>.mean()</c>, <c>.sum()</c>, <c>.sum() / n</c>) and the remaining element-wise value
    /// is flattened into factors (through locals, <c>*=</c>, <c>*</c>, <c>mul</c>, unary minus). Each factor is
    /// judged by what it evaluates to, never by names:</para>
    /// <list type="bullet">
    /// <item>exactly one power whose base evaluates to <c>1 - p_t</c> (or to <c>p_t</c>: FL0001, corrected), which
    /// also fixes the logit <c>x</c>, the target <c>t</c> and gamma; or <c>q * q</c> (gamma 2);</item>
    /// <item>exactly one factor equal to the binary cross entropy of <c>x</c> and <c>t</c> at every sample point
    /// (also of <c>sigmoid(x)</c>: FL0003, or reduced: FL0005, both corrected);</item>
    /// <item>at most one factor of <c>t</c> alone equal to <c>t*a + (1-t)*(1-a)</c> (or inverted: FL0002, corrected)
    /// for a constant or one symbol <c>a</c>; none means balancing disabled (alpha -1);</item>
    /// <item>at most one tensor factor of neither <c>x</c> nor <c>t</c>: the weight.</item>
    /// </list>
    /// <para>Anything else (another factor, a sum of branches, a scalar loss weight, a reduction over a dim, values
    /// that are not valid where the call goes) means no recognition. Every argument is an expression of the
    /// original code that holds the same value at the call site, or a literal.</para>
    /// <para>Used by the code fixes, not by the analyzers: it runs only when a fix is asked for, and it may follow
    /// small helper methods (a single <c>return</c>) through <paramref name="bodyOf"/>, which needs semantic models
    /// of other members that analyzers should not request.</para>
    /// </remarks>
    internal static class FocalLossRecognizer
    {
        /// <summary>
        /// Recognises the loss that <paramref name="flagged"/> belongs to, or returns null. Never throws
        /// (except for cancellation).
        /// </summary>
        /// <param name="flagged">The operation of a diagnostic's span.</param>
        /// <param name="known">The compilation's known symbols.</param>
        /// <param name="bodyOf">The body operation of a source method (for helper methods such as PCDet's
        /// sigmoid_cross_entropy_with_logits), or null not to follow helpers.</param>
        /// <param name="cancellationToken">Cancellation.</param>
        public static RecognizedFocalLoss? TryRecognize(IOperation flagged, KnownSymbols known, Func<IMethodSymbol, IOperation?>? bodyOf, CancellationToken cancellationToken)
        {
            if (flagged == null || known == null || !known.HasTorchSharp)
            {
                return null;
            }

            // Its own interning context and work budget: a loss too costly to map is not mapped.
            using (new ExprContext().Enter())
            {
                try
                {
                    return new Session(flagged, known, bodyOf, cancellationToken).Run();
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    return null;
                }
            }
        }

        /// <summary>
        /// Where the walk to the loss starts for a diagnostic <paramref name="diagnosticId"/> reported on
        /// <paramref name="flagged"/>. FL0001 (the power), FL0002 (the alpha balance) and FL0005 (the reducing call)
        /// report on a factor of the loss or on the cross entropy itself: the walk starts there. FL0003 reports on the
        /// probability ARGUMENT of the logits loss, which is no factor of the loss: the walk starts at the call that
        /// takes it. Null when there is no such call.
        /// </summary>
        public static IOperation? StartOf(string diagnosticId, IOperation flagged)
        {
            if (diagnosticId != DiagnosticIds.ProbabilitiesToLogitsLoss)
            {
                return flagged;
            }

            for (var current = flagged; current != null; current = current.Parent)
            {
                switch (current)
                {
                    case IArgumentOperation argument:
                        return argument.Parent as IInvocationOperation;
                    case IConversionOperation _:
                    case IParenthesizedOperation _:
                        continue;
                    default:
                        if (!ReferenceEquals(current, flagged))
                        {
                            return null;
                        }

                        continue;
                }
            }

            return null;
        }

        /// <summary>The binary cross entropy with logits, stable form.</summary>
        internal static double CrossEntropy(double x, double t) => Math.Max(x, 0) - (x * t) + NumericEvaluator.Log1p(Math.Exp(-Math.Abs(x)));

        private sealed class Session
        {
            private const int MaxLeaves = 16;
            private const int MaxWalk = 64;
            private const double Tolerance = 1e-9;
            private static readonly double[] AlphaSamples = { 0.2, 0.35, 0.8 };

            private readonly IOperation _flagged;
            private readonly KnownSymbols _known;
            private readonly Func<IMethodSymbol, IOperation?>? _bodyOf;
            private readonly CancellationToken _cancellationToken;
            private readonly ExpressionBuilder _builder;
            private readonly LocalFlowIndex _index;
            private readonly HashSet<ILocalSymbol> _consumed = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            private readonly List<IOperation> _leaves = new List<IOperation>();
            private int _sign = 1;
            private int _position;
            private IOperation _root = null!;

            public Session(IOperation flagged, KnownSymbols known, Func<IMethodSymbol, IOperation?>? bodyOf, CancellationToken cancellationToken)
            {
                _flagged = flagged;
                _known = known;
                _bodyOf = bodyOf;
                _cancellationToken = cancellationToken;
                _builder = new ExpressionBuilder(known);
                _index = _builder.IndexFor(flagged);
            }

            public RecognizedFocalLoss? Run()
            {
                if (_index.TooLarge)
                {
                    return null;
                }

                var root = FindRoot(_flagged);
                if (root == null || !_known.IsTensor(root.Type) || !(root.Syntax is ExpressionSyntax))
                {
                    return null;
                }

                _root = root;
                _position = root.Syntax.SpanStart;

                // 1. The reduction around the element-wise loss.
                var reduction = LossReduction.None;
                IOperation? divisor = null;
                var elementwise = Unwrap(root);
                if (elementwise is IBinaryOperation division && division.OperatorKind == BinaryOperatorKind.Divide && IsTorchOrPrimitive(division.OperatorMethod))
                {
                    if (!IsReduction(Unwrap(division.LeftOperand), "sum", out var summed))
                    {
                        return null;
                    }

                    divisor = division.RightOperand;
                    reduction = LossReduction.Mean;
                    elementwise = summed;
                }
                else if (IsReduction(elementwise, "mean", out var averaged))
                {
                    reduction = LossReduction.Mean;
                    elementwise = averaged;
                }
                else if (IsReduction(elementwise, "sum", out var summed))
                {
                    reduction = LossReduction.Sum;
                    elementwise = summed;
                }

                // 2. The factors of the element-wise loss.
                if (!Flatten(elementwise, 0) || _sign != 1)
                {
                    return null;
                }

                _cancellationToken.ThrowIfCancellationRequested();
                var exprs = new Expr[_leaves.Count];
                for (var i = 0; i < _leaves.Count; i++)
                {
                    exprs[i] = Inline(_builder.Build(_leaves[i]), 0);
                }

                // 3. The modulating factor: fixes x, t and gamma.
                var corrected = CorrectedBugs.None;
                var used = new bool[_leaves.Count];
                Expr? x = null;
                Expr? t = null;
                Expr? gammaValue = null;
                IOperation? gammaOperation = null;
                for (var i = 0; i < exprs.Length; i++)
                {
                    if (exprs[i].Kind != ExprKind.Power)
                    {
                        continue;
                    }

                    var classification = FocalMath.Classify(exprs[i].Operands[0]);
                    if ((classification.Form != ProbabilityForm.Pt && classification.Form != ProbabilityForm.OneMinusPt) || classification.Target == null || classification.Logit == null)
                    {
                        continue;
                    }

                    if (x != null)
                    {
                        return null; // two modulating factors
                    }

                    x = classification.Logit;
                    t = classification.Target;
                    gammaValue = exprs[i].Operands[1];
                    gammaOperation = FocalSite.TryCreate(_leaves[i], _known)?.Exponent;
                    used[i] = true;
                    if (classification.Form == ProbabilityForm.Pt)
                    {
                        corrected |= CorrectedBugs.InvertedModulatingFactor;
                    }
                }

                if (x == null)
                {
                    // q * q: two equal factors that evaluate to p_t or 1 - p_t.
                    for (var i = 0; i < exprs.Length && x == null; i++)
                    {
                        for (var j = i + 1; j < exprs.Length; j++)
                        {
                            if (!exprs[i].Equals(exprs[j]))
                            {
                                continue;
                            }

                            var classification = FocalMath.Classify(exprs[i]);
                            if ((classification.Form == ProbabilityForm.Pt || classification.Form == ProbabilityForm.OneMinusPt) && classification.Target != null && classification.Logit != null)
                            {
                                x = classification.Logit;
                                t = classification.Target;
                                gammaValue = Expr.Constant(2);
                                used[i] = used[j] = true;
                                if (classification.Form == ProbabilityForm.Pt)
                                {
                                    corrected |= CorrectedBugs.InvertedModulatingFactor;
                                }

                                break;
                            }
                        }
                    }
                }

                if (x == null || t == null || gammaValue == null || !x.IsVariable || !t.IsVariable)
                {
                    return null;
                }

                if (gammaValue.TryGetConstant(out var gammaConstant) && !(gammaConstant >= 0 && !double.IsInfinity(gammaConstant)))
                {
                    return null;
                }

                // 4. The cross entropy.
                var ceIndex = -1;
                string? preReduced = null;
                for (var i = 0; i < exprs.Length; i++)
                {
                    if (used[i])
                    {
                        continue;
                    }

                    var e = exprs[i];
                    string? tag = null;
                    if (e.Kind == ExprKind.Reduce)
                    {
                        tag = e.Tag;
                        e = e.Operands[0];
                    }

                    var kind = CrossEntropyKind(e, x, t, out var sign);
                    if (kind == 0)
                    {
                        continue;
                    }

                    if (ceIndex >= 0 || (tag != null && tag != "mean" && tag != "sum"))
                    {
                        return null;
                    }

                    ceIndex = i;
                    used[i] = true;
                    _sign *= sign;
                    preReduced = tag;
                    if (kind == 2)
                    {
                        corrected |= CorrectedBugs.DoubleSigmoid;
                    }
                }

                if (ceIndex < 0 || _sign != 1)
                {
                    return null;
                }

                if (preReduced != null)
                {
                    corrected |= CorrectedBugs.ReducedBeforeWeighting;
                    if (reduction == LossReduction.None)
                    {
                        reduction = preReduced == "mean" ? LossReduction.Mean : LossReduction.Sum;
                    }
                }

                // 5. The alpha balance and the weight.
                int alphaIndex = -1, weightIndex = -1;
                for (var i = 0; i < exprs.Length; i++)
                {
                    if (used[i])
                    {
                        continue;
                    }

                    var e = exprs[i];
                    var hasX = Mentions(e, x);
                    var hasT = Mentions(e, t);
                    if (hasX)
                    {
                        return null;
                    }

                    if (hasT)
                    {
                        if (alphaIndex >= 0)
                        {
                            return null;
                        }

                        alphaIndex = i;
                    }
                    else if (e.TryGetConstant(out var c))
                    {
                        if (c != 1)
                        {
                            return null; // a scale (loss weight) the runtime does not take
                        }
                    }
                    else
                    {
                        if (weightIndex >= 0 || !_known.IsTensor(_leaves[i].Type))
                        {
                            return null;
                        }

                        weightIndex = i;
                    }
                }

                // 6. The arguments, as expressions valid at the call site.
                var closure = Closure();
                foreach (var operation in closure)
                {
                    if (operation is ILocalReferenceOperation reference && !reference.Local.IsRef)
                    {
                        _consumed.Add(reference.Local);
                    }
                }

                var input = Choose(x, closure, op => _known.IsTensor(op.Type), null);
                var target = Choose(t, closure, op => _known.IsTensor(op.Type), null);
                if (input == null || target == null)
                {
                    return null;
                }

                RuntimeArgument? alpha;
                if (alphaIndex < 0)
                {
                    alpha = RuntimeArgument.FromConstant(-1);
                }
                else
                {
                    var alphaValue = AlphaOf(exprs[alphaIndex], t, out var inverted);
                    if (alphaValue == null)
                    {
                        return null;
                    }

                    if (inverted)
                    {
                        corrected |= CorrectedBugs.InvertedAlphaBalance;
                    }

                    alpha = Choose(alphaValue, closure, op => IsDoubleConvertible(op.Type), null);
                    if (alpha == null && alphaValue.TryGetConstant(out var alphaConstant))
                    {
                        alpha = RuntimeArgument.FromConstant(alphaConstant);
                    }
                }

                var gamma = Choose(gammaValue, closure, op => IsDoubleConvertible(op.Type), gammaOperation);
                if (gamma == null && gammaValue.TryGetConstant(out var gammaLiteral))
                {
                    gamma = RuntimeArgument.FromConstant(gammaLiteral);
                }

                if (alpha == null || gamma == null)
                {
                    return null;
                }

                RuntimeArgument? weight = null;
                if (weightIndex >= 0)
                {
                    if (!ValidAt(_leaves[weightIndex]))
                    {
                        return null;
                    }

                    weight = RuntimeArgument.FromSyntax(_leaves[weightIndex].Syntax);
                }

                RuntimeArgument? avgFactor = null;
                RuntimeArgument? outerDivisor = null;
                if (divisor != null)
                {
                    if (!ValidAt(divisor))
                    {
                        return null;
                    }

                    if (IsDoubleConvertible(divisor.Type))
                    {
                        if (divisor.ConstantValue.HasValue && divisor.ConstantValue.Value is object value
                            && Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) is var count && !(count > 0))
                        {
                            return null;
                        }

                        avgFactor = RuntimeArgument.FromSyntax(divisor.Syntax);
                    }
                    else if (_known.IsTensor(divisor.Type))
                    {
                        reduction = LossReduction.Sum;
                        outerDivisor = RuntimeArgument.FromSyntax(divisor.Syntax);
                    }
                    else
                    {
                        return null;
                    }
                }

                var consumed = ImmutableArray.CreateBuilder<ILocalSymbol>();
                foreach (var local in _consumed)
                {
                    consumed.Add(local);
                }

                return new RecognizedFocalLoss(root, input, target, alpha, gamma, reduction, weight, avgFactor, outerDivisor, consumed.ToImmutable(), corrected);
            }

            // ------------------------------------------------------------------------------------------
            // The root: walk outwards from the flagged expression.

            private IOperation? FindRoot(IOperation site)
            {
                var current = site;
                for (var step = 0; step < MaxWalk; step++)
                {
                    var parent = current.Parent;
                    if (parent == null)
                    {
                        break;
                    }

                    if (CarriesValue(parent, current, out var next))
                    {
                        current = next;
                        continue;
                    }

                    ILocalSymbol? local = null;
                    IOperation? write = null;
                    var compound = false;
                    switch (parent)
                    {
                        case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                            local = declarator.Symbol;
                            write = declarator;
                            break;
                        case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclarationOperation declaration && declaration.Declarators.Length == 1:
                            local = declaration.Declarators[0].Symbol;
                            write = declaration.Declarators[0];
                            break;
                        case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, current) && assignment.Target is ILocalReferenceOperation target && !assignment.IsRef:
                            local = target.Local;
                            write = assignment;
                            break;
                        case ICompoundAssignmentOperation multiply when multiply.OperatorKind == BinaryOperatorKind.Multiply && multiply.Target is ILocalReferenceOperation target
                                                                         && IsTorchOrPrimitive(multiply.OperatorMethod):
                            local = target.Local;
                            write = multiply;
                            compound = true;
                            break;
                    }

                    if (local == null || write == null || local.IsRef)
                    {
                        break;
                    }

                    var reads = ReadsReachedBy(local, write);
                    if (reads.Count == 1)
                    {
                        current = reads[0];
                        continue;
                    }

                    // Read several times (or never): the written value is what the rest of the code uses.
                    return compound || reads.Count == 0 ? null : current;
                }

                return current;
            }

            private bool CarriesValue(IOperation parent, IOperation child, out IOperation next)
            {
                next = parent;
                switch (parent)
                {
                    case IConversionOperation _:
                    case IParenthesizedOperation _:
                        return true;
                    case IUnaryOperation unary:
                        return (unary.OperatorKind == UnaryOperatorKind.Minus || unary.OperatorKind == UnaryOperatorKind.Plus) && IsTorchOrPrimitive(unary.OperatorMethod);
                    case IBinaryOperation binary:
                        return IsTorchOrPrimitive(binary.OperatorMethod)
                               && (binary.OperatorKind == BinaryOperatorKind.Multiply
                                   || (binary.OperatorKind == BinaryOperatorKind.Divide && ReferenceEquals(binary.LeftOperand, child)));
                    case IArgumentOperation argument when argument.Parent is IInvocationOperation call && call.TargetMethod.IsStatic
                                                          && _known.IsTorchFunctionContainer(call.TargetMethod.ContainingType):
                        next = call;
                        return IsMul(call.TargetMethod.Name) || IsReduction(call, call.TargetMethod.Name, out _);
                    case IInvocationOperation invocation when ReferenceEquals(invocation.Instance, child) && _known.IsTorchFunctionContainer(invocation.TargetMethod.ContainingType):
                        return IsMul(invocation.TargetMethod.Name) || IsReduction(invocation, invocation.TargetMethod.Name, out _);
                    default:
                        return false;
                }
            }

            private List<IOperation> ReadsReachedBy(ILocalSymbol local, IOperation write)
            {
                var reads = new List<IOperation>();
                foreach (var reference in _index.ReferencesOf(local))
                {
                    if (reference.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference))
                    {
                        continue;
                    }

                    var reaching = _index.ReachingWrite(local, reference, out _);
                    if (reaching != null && ReferenceEquals(reaching.Node, write))
                    {
                        reads.Add(reference);
                    }
                    else if (reaching == null && reference.Syntax.SpanStart > write.Syntax.Span.End)
                    {
                        // A read the write may reach along with other writes: not followed.
                        reads.Add(reference);
                        reads.Add(reference);
                    }
                }

                return reads;
            }

            // ------------------------------------------------------------------------------------------
            // Reductions and factors.

            private IOperation Unwrap(IOperation operation)
            {
                for (var step = 0; step < MaxWalk; step++)
                {
                    switch (operation)
                    {
                        case IConversionOperation conversion when conversion.Operand != null && (conversion.OperatorMethod == null || _known.IsTorchOperatorContainer(conversion.OperatorMethod.ContainingType)):
                            operation = conversion.Operand;
                            continue;
                        case IParenthesizedOperation parenthesized:
                            operation = parenthesized.Operand;
                            continue;
                        case ILocalReferenceOperation local:
                            {
                                var write = _index.ReachingWrite(local.Local, local, out _);
                                if (write == null || write.Kind != LocalEventKind.Assign || write.Value == null)
                                {
                                    return operation;
                                }

                                _consumed.Add(local.Local);
                                operation = write.Value;
                                continue;
                            }

                        default:
                            return operation;
                    }
                }

                return operation;
            }

            /// <summary><c>e.mean()</c>, <c>e.sum()</c>, <c>torch.mean(e)</c>, <c>torch.sum(e)</c>: over all elements, nothing else passed.</summary>
            private bool IsReduction(IOperation operation, string name, out IOperation inner)
            {
                inner = operation;
                if (!(operation is IInvocationOperation invocation) || invocation.TargetMethod.Name != name || !_known.IsTorchFunctionContainer(invocation.TargetMethod.ContainingType))
                {
                    return false;
                }

                IOperation? reduced = invocation.Instance;
                foreach (var argument in invocation.Arguments)
                {
                    if (reduced == null && argument.Parameter?.Ordinal == 0 && _known.IsTensor(argument.Parameter.Type))
                    {
                        reduced = argument.Value;
                        continue;
                    }

                    if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                    {
                        return false;
                    }
                }

                if (reduced == null || !_known.IsTensor(reduced.Type))
                {
                    return false;
                }

                inner = reduced;
                return true;
            }

            private bool Flatten(IOperation operation, int depth)
            {
                if (depth > MaxWalk || _leaves.Count > MaxLeaves)
                {
                    return false;
                }

                while (operation is IConversionOperation conversion && conversion.Operand != null
                       && (conversion.OperatorMethod == null || _known.IsTorchOperatorContainer(conversion.OperatorMethod.ContainingType)))
                {
                    operation = conversion.Operand;
                }

                switch (operation)
                {
                    case IParenthesizedOperation parenthesized:
                        return Flatten(parenthesized.Operand, depth + 1);
                    case ILocalReferenceOperation local:
                        {
                            var write = _index.ReachingWrite(local.Local, local, out _);
                            if (write == null || local.Local.IsRef)
                            {
                                break;
                            }

                            if (write.Kind == LocalEventKind.Assign && write.Value != null)
                            {
                                _consumed.Add(local.Local);
                                return Flatten(write.Value, depth + 1);
                            }

                            if (write.Kind == LocalEventKind.Compound && write.Node is ICompoundAssignmentOperation compound
                                && compound.OperatorKind == BinaryOperatorKind.Multiply && IsTorchOrPrimitive(compound.OperatorMethod))
                            {
                                _consumed.Add(local.Local);
                                return Flatten(compound.Target, depth + 1) && Flatten(compound.Value, depth + 1);
                            }

                            break;
                        }

                    case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Multiply && IsTorchOrPrimitive(binary.OperatorMethod):
                        return Flatten(binary.LeftOperand, depth + 1) && Flatten(binary.RightOperand, depth + 1);
                    case IUnaryOperation unary when (unary.OperatorKind == UnaryOperatorKind.Minus || unary.OperatorKind == UnaryOperatorKind.Plus) && IsTorchOrPrimitive(unary.OperatorMethod):
                        if (unary.OperatorKind == UnaryOperatorKind.Minus)
                        {
                            _sign = -_sign;
                        }

                        return Flatten(unary.Operand, depth + 1);
                    case IInvocationOperation invocation when IsMul(invocation.TargetMethod.Name) && _known.IsTorchFunctionContainer(invocation.TargetMethod.ContainingType):
                        {
                            if (invocation.Instance != null && invocation.TargetMethod.Parameters.Length == 1)
                            {
                                var other = ExpressionBuilder.Argument(invocation, 0);
                                return other != null && Flatten(invocation.Instance, depth + 1) && Flatten(other.Value, depth + 1);
                            }

                            if (invocation.Instance == null && invocation.TargetMethod.Parameters.Length == 2)
                            {
                                var left = ExpressionBuilder.Argument(invocation, 0);
                                var right = ExpressionBuilder.Argument(invocation, 1);
                                return left != null && right != null && Flatten(left.Value, depth + 1) && Flatten(right.Value, depth + 1);
                            }

                            break;
                        }
                }

                _leaves.Add(operation);
                return _leaves.Count <= MaxLeaves;
            }

            private static bool IsMul(string name) => name == "mul" || name == "multiply";

            private bool IsTorchOrPrimitive(IMethodSymbol? method) => method == null || _known.IsTorchOperatorContainer(method.ContainingType);

            // ------------------------------------------------------------------------------------------
            // Helper methods (a single return) are followed by substituting their parameters.

            private Expr Inline(Expr expr, int depth)
            {
                if (_bodyOf == null || depth > 2)
                {
                    return expr;
                }

                var calls = expr.Collect(e => e.Kind == ExprKind.Opaque && e.Origin is IInvocationOperation invocation
                                              && !invocation.TargetMethod.DeclaringSyntaxReferences.IsEmpty && !invocation.TargetMethod.IsAbstract);
                foreach (var call in calls)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    var invocation = (IInvocationOperation)call.Origin!;
                    var method = invocation.TargetMethod;
                    if (method.IsGenericMethod || method.IsVirtual || method.IsOverride || method.IsExtern)
                    {
                        continue;
                    }

                    var returned = SingleReturn(_bodyOf(method.OriginalDefinition));
                    if (returned == null)
                    {
                        continue;
                    }

                    var body = _builder.Build(returned);
                    var complete = true;
                    foreach (var parameter in method.Parameters)
                    {
                        if (parameter.RefKind != RefKind.None)
                        {
                            complete = false;
                            break;
                        }

                        var argument = ExpressionBuilder.Argument(invocation, parameter.Ordinal);
                        if (argument == null)
                        {
                            complete = false;
                            break;
                        }

                        body = body.Replace(Expr.SymbolOf(parameter), _builder.Build(argument.Value));
                    }

                    if (complete)
                    {
                        expr = expr.Replace(call, Inline(body, depth + 1));
                    }
                }

                return expr;
            }

            private static IOperation? SingleReturn(IOperation? body)
            {
                IBlockOperation? block = null;
                switch (body)
                {
                    case IMethodBodyOperation methodBody:
                        block = methodBody.BlockBody ?? methodBody.ExpressionBody;
                        break;
                    case IBlockOperation b:
                        block = b;
                        break;
                }

                if (block != null && block.Operations.Length == 1 && block.Operations[0] is IReturnOperation ret)
                {
                    return ret.ReturnedValue;
                }

                return null;
            }

            // ------------------------------------------------------------------------------------------
            // Numeric judgements.

            private static bool Mentions(Expr expr, Expr variable) => expr.Contains(variable);

            /// <summary>0: not a cross entropy; 1: CE(x, t); 2: CE(sigmoid(x), t) (sigmoid applied twice). <paramref name="sign"/>: -1 for -CE.</summary>
            private static int CrossEntropyKind(Expr expr, Expr x, Expr t, out int sign)
            {
                sign = 1;
                foreach (var candidateSign in new[] { 1, -1 })
                {
                    foreach (var kind in new[] { 1, 2 })
                    {
                        var matches = true;
                        foreach (var logit in FocalMath.SampleLogits)
                        {
                            for (var target = 0; target <= 1 && matches; target++)
                            {
                                var values = new Dictionary<Expr, double> { [x] = logit, [t] = target };
                                var value = NumericEvaluator.Evaluate(expr, values);
                                var input = kind == 1 ? logit : NumericEvaluator.Sigmoid(logit);
                                matches = Close(value, candidateSign * CrossEntropy(input, target));
                            }

                            if (!matches)
                            {
                                break;
                            }
                        }

                        if (matches)
                        {
                            sign = candidateSign;
                            return kind;
                        }
                    }
                }

                return 0;
            }

            /// <summary>The alpha of a balance factor (a constant or a free symbol), or null. <paramref name="inverted"/>: t*(1-a) + (1-t)*a.</summary>
            private static Expr? AlphaOf(Expr factor, Expr t, out bool inverted)
            {
                inverted = false;
                var others = new List<Expr>();
                foreach (var variable in factor.FreeVariables())
                {
                    if (!variable.Equals(t))
                    {
                        others.Add(variable);
                    }
                }

                if (others.Count == 0)
                {
                    var a1 = NumericEvaluator.Evaluate(factor, new Dictionary<Expr, double> { [t] = 1 });
                    var a0 = NumericEvaluator.Evaluate(factor, new Dictionary<Expr, double> { [t] = 0 });
                    var half = NumericEvaluator.Evaluate(factor, new Dictionary<Expr, double> { [t] = 0.5 });
                    if (!Close(a0, 1 - a1) || !Close(half, 0.5) || !(a1 >= 0 && a1 <= 1))
                    {
                        return null;
                    }

                    return Expr.Constant(a1);
                }

                if (others.Count != 1 || others[0].Kind != ExprKind.Symbol)
                {
                    return null;
                }

                var alpha = others[0];
                bool correct = true, swapped = true;
                foreach (var a in AlphaSamples)
                {
                    foreach (var target in new[] { 0.0, 1.0 })
                    {
                        var value = NumericEvaluator.Evaluate(factor, new Dictionary<Expr, double> { [t] = target, [alpha] = a });
                        correct &= Close(value, (target * a) + ((1 - target) * (1 - a)));
                        swapped &= Close(value, (target * (1 - a)) + ((1 - target) * a));
                    }
                }

                if (correct == swapped)
                {
                    return null;
                }

                inverted = swapped;
                return alpha;
            }

            private static bool Close(double actual, double expected) =>
                !double.IsNaN(actual) && !double.IsInfinity(actual) && Math.Abs(actual - expected) <= Tolerance * Math.Max(1, Math.Abs(expected));

            // ------------------------------------------------------------------------------------------
            // Arguments: expressions of the code that hold the value where the call goes.

            /// <summary>The operations of this body the loss was computed from (leaves, their subtrees, the values of the locals they read).</summary>
            private List<IOperation> Closure()
            {
                var result = new List<IOperation>();
                var visited = new HashSet<IOperation>();
                var pending = new Stack<IOperation>();
                pending.Push(_root);
                foreach (var leaf in _leaves)
                {
                    pending.Push(leaf);
                }

                while (pending.Count > 0 && result.Count < 4096)
                {
                    var operation = pending.Pop();
                    foreach (var node in operation.DescendantsAndSelf())
                    {
                        if (!visited.Add(node))
                        {
                            continue;
                        }

                        result.Add(node);
                        if (node is ILocalReferenceOperation local)
                        {
                            var write = _index.ReachingWrite(local.Local, local, out _);
                            if (write?.Value != null)
                            {
                                pending.Push(write.Value);
                            }

                            if (write?.Node is ICompoundAssignmentOperation compound)
                            {
                                pending.Push(compound);
                            }
                        }
                    }
                }

                return result;
            }

            /// <summary>The shortest expression of the closure that evaluates to <paramref name="value"/>, has a fitting type and is valid at the call site.</summary>
            private RuntimeArgument? Choose(Expr value, List<IOperation> closure, Func<IOperation, bool> typeFits, IOperation? preferred)
            {
                if (preferred != null && typeFits(preferred) && _builder.Build(preferred).Equals(value) && ValidAt(preferred))
                {
                    return RuntimeArgument.FromSyntax(preferred.Syntax);
                }

                IOperation? best = null;
                foreach (var candidate in closure)
                {
                    if (!(candidate.Syntax is ExpressionSyntax) || candidate.Syntax is AssignmentExpressionSyntax || candidate.Type == null || !typeFits(candidate)
                        || candidate is IArgumentOperation || candidate.IsImplicit)
                    {
                        continue;
                    }

                    if (best != null && candidate.Syntax.Span.Length >= best.Syntax.Span.Length)
                    {
                        continue;
                    }

                    if (_builder.Build(candidate).Equals(value) && ValidAt(candidate))
                    {
                        best = candidate;
                    }
                }

                return best == null ? null : RuntimeArgument.FromSyntax(best.Syntax);
            }

            /// <summary>
            /// True when the expression can be copied to the call site (the start of the root) and still mean the same:
            /// not inside a lambda, every local it reads is in scope there, and every write in between keeps the value.
            /// </summary>
            private bool ValidAt(IOperation operation)
            {
                if (operation.Syntax.SyntaxTree != _root.Syntax.SyntaxTree)
                {
                    return false;
                }

                for (var current = operation.Parent; current != null; current = current.Parent)
                {
                    if ((current is IAnonymousFunctionOperation || current is ILocalFunctionOperation) && !current.Syntax.Span.Contains(_root.Syntax.Span))
                    {
                        return false;
                    }
                }

                foreach (var node in operation.DescendantsAndSelf())
                {
                    if (node is IInvocationOperation call && !IsPureCall(call))
                    {
                        return false;
                    }

                    var symbol = LocalFlowIndex.ReferencedSymbol(node);
                    if (symbol == null)
                    {
                        continue;
                    }

                    if (symbol is ILocalSymbol local && !InScopeAtCallSite(local))
                    {
                        return false;
                    }

                    var start = node.Syntax.SpanStart;
                    Expr? read = null;
                    foreach (var write in _index.EventsOf(symbol))
                    {
                        var writeStart = write.Node.Syntax.SpanStart;
                        var between = (write.End > start && writeStart < _position) || (write.End > _position && writeStart < start);
                        if (!between)
                        {
                            continue;
                        }

                        read ??= _builder.Build(node);
                        if (write.Kind != LocalEventKind.Assign || write.InsideFunction || !_builder.Build(write.Value).Equals(read))
                        {
                            return false;
                        }
                    }
                }

                return true;
            }

            private bool IsPureCall(IInvocationOperation call)
            {
                var type = call.TargetMethod.ContainingType;
                return _known.IsTorchFunctionContainer(type) || _known.IsMath(type) || !call.TargetMethod.DeclaringSyntaxReferences.IsEmpty;
            }

            private bool InScopeAtCallSite(ILocalSymbol local)
            {
                foreach (var reference in local.DeclaringSyntaxReferences)
                {
                    var declaration = reference.GetSyntax(_cancellationToken);
                    for (var node = declaration.Parent; node != null; node = node.Parent)
                    {
                        if (node is BlockSyntax || node is SwitchSectionSyntax || node is GlobalStatementSyntax || node is CompilationUnitSyntax)
                        {
                            return node.Span.Contains(_root.Syntax.Span) && declaration.SpanStart < _position;
                        }
                    }
                }

                return false;
            }

            private static bool IsDoubleConvertible(ITypeSymbol? type)
            {
                switch (type?.SpecialType)
                {
                    case SpecialType.System_Double:
                    case SpecialType.System_Single:
                    case SpecialType.System_Int32:
                    case SpecialType.System_Int64:
                    case SpecialType.System_Int16:
                    case SpecialType.System_Byte:
                    case SpecialType.System_SByte:
                    case SpecialType.System_UInt16:
                    case SpecialType.System_UInt32:
                        return true;
                    default:
                        return false;
                }
            }
        }
    }
}
