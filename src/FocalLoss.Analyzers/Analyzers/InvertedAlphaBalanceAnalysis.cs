using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>What an alpha-balance candidate evaluates to.</summary>
    internal enum BalanceForm
    {
        /// <summary>Not an alpha balance, not a focal alpha weight, or undecided.</summary>
        Unknown,

        /// <summary>alpha on positives (t = 1), 1 - alpha on negatives (t = 0): t*alpha + (1-t)*(1-alpha).</summary>
        Correct,

        /// <summary>1 - alpha on positives, alpha on negatives: t*(1-alpha) + (1-t)*alpha.</summary>
        Inverted,
    }

    /// <summary>FL0002's decision for one candidate expression.</summary>
    internal sealed class AlphaBalanceFinding
    {
        public AlphaBalanceFinding(IOperation operation, BalanceForm form, Expr target, Expr alpha, bool branches, (IOperation First, IOperation Second)? slots)
        {
            Operation = operation;
            Form = form;
            Target = target;
            Alpha = alpha;
            Branches = branches;
            Slots = slots;
        }

        /// <summary>The expression judged (the reported span).</summary>
        public IOperation Operation { get; }

        public BalanceForm Form { get; }

        /// <summary>The free variable that plays the target t.</summary>
        public Expr Target { get; }

        /// <summary>The free variable that plays alpha.</summary>
        public Expr Alpha { get; }

        /// <summary>The explicit two-branch form (the expression holds the whole loss), not a weight on its own.</summary>
        public bool Branches { get; }

        /// <summary>For an inverted balance: the two operands whose exchange makes it correct (confirmed by the evaluator); null when no such edit is known.</summary>
        public (IOperation First, IOperation Second)? Slots { get; }

        /// <summary>How the message names alpha: the name of its symbol, else "alpha".</summary>
        public string AlphaName => Alpha.Kind == ExprKind.Symbol && Alpha.Symbol != null ? Alpha.Symbol.Name : "alpha";
    }

    /// <summary>
    /// FL0002, shared by the analyzer, the code fix and the tests. A candidate is a sum or difference,
    /// <c>?:</c> or <c>torch.where</c>. Two shapes are judged, by value only:
    /// <list type="bullet">
    /// <item>a weight without a logit: evaluated at t in {0, 1} and several alpha, it equals t*alpha + (1-t)*(1-alpha)
    /// (correct) or t*(1-alpha) + (1-t)*alpha (inverted); it counts only when its value reaches a product with a
    /// focal modulating factor (a power of p_t or 1 - p_t with the same t), through locals and <c>*=</c>;</item>
    /// <item>the explicit two-branch loss (with the logit): a classification loss in t (falls with the logit at t = 1,
    /// rises at t = 0) with a focal power, whose value scales with alpha as alpha_t does (correct) or as the inverted one.</item>
    /// </list>
    /// </summary>
    internal static class InvertedAlphaBalanceAnalysis
    {
        private const int MaxVariables = 6;
        private const int MaxSize = 5_000;
        private const int MaxForwardDepth = 4;
        private const int MaxPowers = 8;
        private const double Tolerance = 1e-9;

        /// <summary>Alpha samples: none at 0.5, where the two balances agree.</summary>
        private static readonly double[] AlphaSamples = { 0.1, 0.25, 0.4, 0.7, 0.85 };

        private const double ReferenceAlpha = 0.3;

        /// <summary>Values for every other free symbol (gamma, weights), two sets.</summary>
        private static readonly double[][] OtherValues =
        {
            new[] { 0.7, 1.9, 0.3, 2.4, 0.55, 1.45 },
            new[] { 1.3, 0.45, 2.2, 0.8, 1.75, 0.6 },
        };

        /// <summary>Cheap syntactic-semantic test for operation callbacks.</summary>
        public static bool IsCandidate(IOperation operation, KnownSymbols known)
        {
            switch (operation)
            {
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Add || binary.OperatorKind == BinaryOperatorKind.Subtract:
                    return binary.OperatorMethod == null
                        ? IsFloatingPoint(binary.Type)
                        : known.IsTorchOperatorContainer(binary.OperatorMethod.ContainingType) && known.IsTensor(binary.Type);
                case IConditionalOperation conditional when conditional.WhenFalse != null && !conditional.IsRef:
                    return IsFloatingPoint(conditional.Type) || known.IsTensor(conditional.Type);
                case IInvocationOperation invocation:
                    return OperandSwap.IsWhere(invocation, known);
                default:
                    return false;
            }
        }

        /// <summary>Judges one candidate; null when it is not an alpha balance used as a focal weight.</summary>
        public static AlphaBalanceFinding? Analyze(IOperation operation, ExpressionBuilder builder)
        {
            var expr = builder.Build(operation);
            if (expr.Size >= MaxSize)
            {
                return null;
            }

            var variables = expr.FreeVariables();
            if (variables.Length < 2 || variables.Length > MaxVariables)
            {
                return null;
            }

            var logits = FocalMath.LogitsOf(expr, out var unsupported);
            if (unsupported || logits.Length > 1)
            {
                return null;
            }

            return logits.Length == 0
                ? AnalyzeWeight(operation, expr, variables, builder)
                : AnalyzeBranches(operation, expr, variables, logits[0], builder);
        }

        private static AlphaBalanceFinding? AnalyzeWeight(IOperation operation, Expr expr, ImmutableArray<Expr> variables, ExpressionBuilder builder)
        {
            var pairs = new List<(Expr Target, Expr Alpha, BalanceForm Form)>();
            foreach (var target in variables)
            {
                foreach (var alpha in variables)
                {
                    if (ReferenceEquals(target, alpha) || !IsAlphaCandidate(alpha))
                    {
                        continue;
                    }

                    var form = WeightForm(expr, target, alpha, Except(variables, target, alpha));
                    if (form != BalanceForm.Unknown)
                    {
                        pairs.Add((target, alpha, form));
                    }
                }
            }

            if (pairs.Count == 0)
            {
                return null;
            }

            // Evidence that it is the alpha of a focal loss: it multiplies a focal power with the same target.
            var evidence = new Evidence();
            Walk(operation, builder, evidence, 0);
            (Expr Target, Expr Alpha, BalanceForm Form)? chosen = null;
            foreach (var pair in pairs)
            {
                if (!evidence.Targets.Contains(pair.Target) || evidence.LogitVariables.Contains(pair.Alpha))
                {
                    continue;
                }

                if (chosen != null && chosen.Value.Form != pair.Form)
                {
                    return null;
                }

                chosen ??= pair;
            }

            if (chosen == null)
            {
                return null;
            }

            var (t, a, verdict) = chosen.Value;
            (IOperation, IOperation)? slots = null;
            if (verdict == BalanceForm.Inverted)
            {
                var rest = Except(variables, t, a);
                slots = FindSwap(operation, expr, a, t, builder, swapped => WeightForm(swapped, t, a, rest) == BalanceForm.Correct);
            }

            return new AlphaBalanceFinding(operation, verdict, t, a, branches: false, slots);
        }

        private static AlphaBalanceFinding? AnalyzeBranches(IOperation operation, Expr expr, ImmutableArray<Expr> variables, Expr logit, ExpressionBuilder builder)
        {
            if (!OperandSwap.TryGetArms(operation, builder.Known, out _, out _))
            {
                return null;
            }

            var logitVariables = logit.FreeVariables();
            if (logitVariables.Length == 0)
            {
                return null;
            }

            // A loss (a log or a cross entropy) with a focal power in it.
            if (!(expr.ContainsKind(ExprKind.Log) || expr.ContainsKind(ExprKind.Log1p) || expr.ContainsKind(ExprKind.CrossEntropy) || expr.ContainsKind(ExprKind.CrossEntropyWithLogits))
                || !HasFocalPower(expr, logit))
            {
                return null;
            }

            var others = new List<Expr>();
            foreach (var variable in variables)
            {
                if (!logitVariables.Contains(variable) && !DependsOn(variable, logitVariables))
                {
                    others.Add(variable);
                }
            }

            (Expr Target, Expr Alpha, BalanceForm Form)? chosen = null;
            foreach (var target in others)
            {
                foreach (var alpha in others)
                {
                    if (ReferenceEquals(target, alpha) || !IsAlphaCandidate(alpha))
                    {
                        continue;
                    }

                    var rest = Except(Except(variables, target, alpha), logitVariables);
                    var form = BranchForm(expr, logit, logitVariables, target, alpha, rest);
                    if (form == BalanceForm.Unknown)
                    {
                        continue;
                    }

                    if (chosen != null && chosen.Value.Form != form)
                    {
                        return null;
                    }

                    chosen ??= (target, alpha, form);
                }
            }

            if (chosen == null)
            {
                return null;
            }

            var (t, a, verdict) = chosen.Value;
            (IOperation, IOperation)? slots = null;
            if (verdict == BalanceForm.Inverted)
            {
                var rest = Except(Except(variables, t, a), logitVariables);
                slots = FindSwap(operation, expr, a, t, builder, swapped => BranchForm(swapped, logit, logitVariables, t, a, rest) == BalanceForm.Correct);
            }

            return new AlphaBalanceFinding(operation, verdict, t, a, branches: true, slots);
        }

        /// <summary>The alpha factor of each arm (a value of alpha and constants only), when exchanging them makes the balance correct.</summary>
        private static (IOperation, IOperation)? FindSwap(IOperation operation, Expr expr, Expr alpha, Expr target, ExpressionBuilder builder, Func<Expr, bool> correct)
        {
            var slots = OperandSwap.FindSlots(operation, builder, e => DependsOnlyOn(e, alpha));
            if (slots == null)
            {
                return null;
            }

            var swapped = OperandSwap.Swapped(expr, builder.Build(slots.Value.First), builder.Build(slots.Value.Second));
            return swapped != null && correct(swapped) ? slots : null;
        }

        /// <summary>A value of <paramref name="alpha"/> (and constants) only, that does depend on it.</summary>
        private static bool DependsOnlyOn(Expr e, Expr alpha)
        {
            var variables = e.FreeVariables();
            return variables.Length == 1 && variables[0].Equals(alpha);
        }

        /// <summary>Alpha is a parameter, field, property or a value the builder leaves free; not something computed from other values.</summary>
        private static bool IsAlphaCandidate(Expr e) => e.Kind == ExprKind.Symbol || (e.Kind == ExprKind.Opaque && e.Operands.Length == 0);

        /// <summary>The direct test: t in {0, 1}, alpha over the samples, the other symbols at two sets of values.</summary>
        internal static BalanceForm WeightForm(Expr expr, Expr target, Expr alpha, ImmutableArray<Expr> rest)
        {
            var correct = true;
            var inverted = true;
            for (var set = 0; set < OtherValues.Length; set++)
            {
                var values = new Dictionary<Expr, double>();
                for (var j = 0; j < rest.Length; j++)
                {
                    values[rest[j]] = OtherValues[set][j % OtherValues[set].Length];
                }

                foreach (var a in AlphaSamples)
                {
                    values[alpha] = a;
                    for (var t = 0; t <= 1; t++)
                    {
                        values[target] = t;
                        var value = NumericEvaluator.Evaluate(expr, values);
                        correct &= Close(value, t == 1 ? a : 1 - a);
                        inverted &= Close(value, t == 1 ? 1 - a : a);
                        if (!correct && !inverted)
                        {
                            return BalanceForm.Unknown;
                        }
                    }
                }
            }

            return correct ? BalanceForm.Correct : inverted ? BalanceForm.Inverted : BalanceForm.Unknown;
        }

        /// <summary>
        /// The two-branch test. At t = 1 the loss must fall as the logit rises and at t = 0 rise (it is a
        /// classification loss with target t); its ratio between two alphas must be that of alpha (t = 1) and
        /// 1 - alpha (t = 0) for a correct balance, the other way round for an inverted one.
        /// </summary>
        internal static BalanceForm BranchForm(Expr expr, Expr logit, ImmutableArray<Expr> logitVariables, Expr target, Expr alpha, ImmutableArray<Expr> rest)
        {
            var correct = true;
            var inverted = true;
            for (var set = 0; set < OtherValues.Length; set++)
            {
                for (var t = 0; t <= 1; t++)
                {
                    double? previousLogit = null;
                    double? previousLoss = null;
                    foreach (var sample in FocalMath.SampleLogits)
                    {
                        var values = new Dictionary<Expr, double>();
                        for (var j = 0; j < rest.Length; j++)
                        {
                            values[rest[j]] = OtherValues[set][j % OtherValues[set].Length];
                        }

                        for (var j = 0; j < logitVariables.Length; j++)
                        {
                            values[logitVariables[j]] = j == 0 ? sample : OtherValues[set][j % OtherValues[set].Length];
                        }

                        values[target] = t;
                        values[alpha] = ReferenceAlpha;
                        var evaluator = new NumericEvaluator(values);
                        var x = evaluator.Evaluate(logit);
                        var reference = evaluator.Evaluate(expr);
                        if (!IsFinite(x) || !IsFinite(reference) || Math.Abs(reference) < 1e-12)
                        {
                            return BalanceForm.Unknown;
                        }

                        // Monotonic in the logit (the samples are increasing in the first logit variable; compare by the logit's value).
                        if (previousLogit != null)
                        {
                            var rising = (reference - previousLoss!.Value) * (x - previousLogit.Value);
                            if (t == 1 ? !(rising < 0) : !(rising > 0))
                            {
                                return BalanceForm.Unknown;
                            }
                        }

                        previousLogit = x;
                        previousLoss = reference;
                        foreach (var a in AlphaSamples)
                        {
                            var scaled = new Dictionary<Expr, double>(values) { [alpha] = a };
                            var ratio = NumericEvaluator.Evaluate(expr, scaled) / reference;
                            var alphaRatio = a / ReferenceAlpha;
                            var oneMinusRatio = (1 - a) / (1 - ReferenceAlpha);
                            correct &= Close(ratio, t == 1 ? alphaRatio : oneMinusRatio);
                            inverted &= Close(ratio, t == 1 ? oneMinusRatio : alphaRatio);
                            if (!correct && !inverted)
                            {
                                return BalanceForm.Unknown;
                            }
                        }
                    }
                }
            }

            return correct ? BalanceForm.Correct : inverted ? BalanceForm.Inverted : BalanceForm.Unknown;
        }

        private static bool HasFocalPower(Expr expr, Expr logit)
        {
            var count = 0;
            foreach (var power in expr.Collect(e => e.Kind == ExprKind.Power))
            {
                if (++count > MaxPowers)
                {
                    break;
                }

                var classification = FocalMath.Classify(power.Operands[0]);
                if (classification.Form != ProbabilityForm.Unknown && classification.Logit != null && classification.Logit.Equals(logit))
                {
                    return true;
                }
            }

            return false;
        }

        private sealed class Evidence
        {
            public HashSet<Expr> Targets { get; } = new HashSet<Expr>();

            public HashSet<Expr> LogitVariables { get; } = new HashSet<Expr>();

            public int Visits { get; set; }
        }

        /// <summary>Follows the value of <paramref name="operation"/> forward: the products it is a factor of, the locals they are stored in, <c>*=</c>.</summary>
        private static void Walk(IOperation operation, ExpressionBuilder builder, Evidence evidence, int depth)
        {
            if (depth > MaxForwardDepth || ++evidence.Visits > 64)
            {
                return;
            }

            var product = InvertedModulatingFactorAnalysis.EnclosingProduct(operation);
            if (!ReferenceEquals(product, operation))
            {
                Collect(builder.Build(product), evidence);
            }

            var parent = product.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                product = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, product):
                    Walk(conditional, builder, evidence, depth + 1);
                    break;
                case IArgumentOperation argument when argument.Parent is IInvocationOperation call && OperandSwap.IsWhere(call, builder.Known)
                                                      && argument.Parameter != null && argument.Parameter.Ordinal > 0:
                    Walk(call, builder, evidence, depth + 1);
                    break;
                case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                    FollowReads(declarator.Symbol, declarator, builder, evidence, depth);
                    break;
                case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclarationOperation declaration && declaration.Declarators.Length == 1:
                    FollowReads(declaration.Declarators[0].Symbol, declaration.Declarators[0], builder, evidence, depth);
                    break;
                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, product) && LocalFlowIndex.ReferencedSymbol(assignment.Target) is ISymbol target:
                    FollowReads(target, assignment, builder, evidence, depth);
                    break;
                case ICompoundAssignmentOperation compound when compound.OperatorKind == BinaryOperatorKind.Multiply && ReferenceEquals(compound.Value, product):
                    Collect(builder.Build(compound), evidence);
                    if (LocalFlowIndex.ReferencedSymbol(compound.Target) is ISymbol local)
                    {
                        FollowReads(local, compound, builder, evidence, depth);
                    }

                    break;
            }
        }

        private static void FollowReads(ISymbol local, IOperation write, ExpressionBuilder builder, Evidence evidence, int depth)
        {
            var index = builder.IndexFor(write);
            foreach (var reference in index.ReferencesOf(local))
            {
                if ((reference.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference))
                    || (reference.Parent is ICompoundAssignmentOperation compound && ReferenceEquals(compound.Target, reference)))
                {
                    continue;
                }

                var reaching = index.ReachingWrite(local, reference, out _);
                if (reaching != null && ReferenceEquals(reaching.Node, write))
                {
                    Walk(reference, builder, evidence, depth + 1);
                }
            }
        }

        /// <summary>The targets of the focal powers (bases that evaluate to p_t or 1 - p_t) in a product.</summary>
        private static void Collect(Expr product, Evidence evidence)
        {
            if (product.Size >= MaxSize)
            {
                return;
            }

            var count = 0;
            foreach (var power in product.Collect(e => e.Kind == ExprKind.Power))
            {
                if (++count > MaxPowers)
                {
                    return;
                }

                var classification = FocalMath.Classify(power.Operands[0]);
                if ((classification.Form == ProbabilityForm.Pt || classification.Form == ProbabilityForm.OneMinusPt)
                    && classification.Target != null && classification.Logit != null)
                {
                    evidence.Targets.Add(classification.Target);
                    foreach (var variable in classification.Logit.FreeVariables())
                    {
                        evidence.LogitVariables.Add(variable);
                    }
                }
            }
        }

        /// <summary>An opaque value computed from one of <paramref name="logitVariables"/>.</summary>
        private static bool DependsOn(Expr variable, ImmutableArray<Expr> logitVariables)
        {
            if (variable.Kind != ExprKind.Opaque || variable.Operands.Length == 0)
            {
                return false;
            }

            foreach (var inner in variable.Operands)
            {
                foreach (var logitVariable in logitVariables)
                {
                    if (inner.Contains(logitVariable))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static ImmutableArray<Expr> Except(ImmutableArray<Expr> all, Expr first, Expr second)
        {
            var builder = ImmutableArray.CreateBuilder<Expr>();
            foreach (var item in all)
            {
                if (!item.Equals(first) && !item.Equals(second))
                {
                    builder.Add(item);
                }
            }

            return builder.ToImmutable();
        }

        private static ImmutableArray<Expr> Except(ImmutableArray<Expr> all, ImmutableArray<Expr> remove)
        {
            var builder = ImmutableArray.CreateBuilder<Expr>();
            foreach (var item in all)
            {
                if (!remove.Contains(item))
                {
                    builder.Add(item);
                }
            }

            return builder.ToImmutable();
        }

        private static bool IsFloatingPoint(ITypeSymbol? type) =>
            type != null && (type.SpecialType == SpecialType.System_Double || type.SpecialType == SpecialType.System_Single);

        private static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

        private static bool Close(double actual, double expected)
        {
            if (!IsFinite(actual))
            {
                return false;
            }

            return Math.Abs(actual - expected) <= Tolerance * Math.Max(1, Math.Abs(expected));
        }
    }
}
