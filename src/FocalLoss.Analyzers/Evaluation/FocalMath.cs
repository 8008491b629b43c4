using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>What a base expression evaluates to, in terms of p = sigmoid(logit) and the target t.</summary>
    internal enum ProbabilityForm
    {
        /// <summary>Undecided: not a function of p (and t) the evaluator recognises, or ambiguous.</summary>
        Unknown,

        /// <summary>p_t = t*p + (1-t)*(1-p) at binary t (also exp(-CE), where(t == 1, p, 1 - p)).</summary>
        Pt,

        /// <summary>1 - p_t = |t - p| at binary t (PCDet's and MMDetection's <c>pt</c>).</summary>
        OneMinusPt,

        /// <summary>p, independent of the target.</summary>
        P,

        /// <summary>1 - p, independent of the target.</summary>
        OneMinusP,
    }

    /// <summary>Which branch of the explicit two-branch focal loss a product belongs to.</summary>
    internal enum BranchForm
    {
        Unknown,

        /// <summary>The positive (t = 1) branch: the product is proportional to log(p).</summary>
        Positive,

        /// <summary>The negative (t = 0) branch: the product is proportional to log(1 - p).</summary>
        Negative,
    }

    /// <summary>The result of <see cref="FocalMath.Classify(Expr)"/>.</summary>
    internal readonly struct ProbabilityClassification
    {
        public ProbabilityClassification(ProbabilityForm form, Expr? logit, Expr? target)
        {
            Form = form;
            Logit = logit;
            Target = target;
        }

        public ProbabilityForm Form { get; }

        /// <summary>The logit x of p = sigmoid(x) the classification was made against.</summary>
        public Expr? Logit { get; }

        /// <summary>The free variable that plays the target t (null for <see cref="ProbabilityForm.P"/> and <see cref="ProbabilityForm.OneMinusP"/>).</summary>
        public Expr? Target { get; }

        public static ProbabilityClassification Unknown => new ProbabilityClassification(ProbabilityForm.Unknown, null, null);
    }

    /// <summary>
    /// Numeric decisions over <see cref="Expr"/>: evaluate at sample points (several logits, binary
    /// targets, several values of every other free symbol) and compare with p_t, 1 - p_t, p, 1 - p.
    /// Two rational functions of p that agree at this many points are, for focal-loss code, the same;
    /// anything that does not agree everywhere, or agrees with more than one reading, is Unknown.
    /// </summary>
    internal static class FocalMath
    {
        private const int MaxVariables = 6;
        private const double Tolerance = 1e-9;

        /// <summary>Sample logits: p from about 0.05 to 0.95, none at 0.5.</summary>
        internal static readonly ImmutableArray<double> SampleLogits = ImmutableArray.Create(-2.9, -1.3, -0.45, 0.35, 1.1, 2.6);

        /// <summary>Two sets of values for free symbols that are neither logit nor target (gamma, alpha, weights).</summary>
        private static readonly double[][] OtherValues =
        {
            new[] { 0.7, 1.9, 0.3, 2.4, 0.55, 1.45 },
            new[] { 1.3, 0.45, 2.2, 0.8, 1.75, 0.6 },
        };

        /// <summary>
        /// What <paramref name="expr"/> evaluates to: p_t, 1 - p_t, p or 1 - p, for p = sigmoid of the one
        /// logit inside it (or, without a sigmoid, of one of its free symbols) and t one other free symbol.
        /// </summary>
        public static ProbabilityClassification Classify(Expr expr)
        {
            // Memoised per interned node: every rule classifies the same bases and factors.
            var context = ExprContext.Current;
            if (context == null || !expr.IsInternedIn(context))
            {
                return ClassifyCore(expr);
            }

            if (!context.TryGetClassification(expr, out var classification))
            {
                classification = ClassifyCore(expr);
                context.SetClassification(expr, classification);
            }

            return classification;
        }

        private static ProbabilityClassification ClassifyCore(Expr expr)
        {
            var variables = expr.FreeVariables();
            if (variables.Length == 0 || variables.Length > MaxVariables)
            {
                return ProbabilityClassification.Unknown;
            }

            var logits = LogitsOf(expr, out var unsupported);
            if (unsupported || logits.Length > 1)
            {
                return ProbabilityClassification.Unknown;
            }

            var candidates = logits.Length == 1 ? logits : variables;
            ProbabilityClassification? decided = null;
            foreach (var logit in candidates)
            {
                var logitVariables = logit.FreeVariables();
                if (logitVariables.Length == 0 || DependsOnOpaqueOf(variables, logitVariables))
                {
                    continue;
                }

                var others = Except(variables, logitVariables);
                if (others.Length == 0)
                {
                    var form = MatchesEverywhere(expr, logit, logitVariables, null, others, ProbabilityForm.P) ? ProbabilityForm.P
                        : MatchesEverywhere(expr, logit, logitVariables, null, others, ProbabilityForm.OneMinusP) ? ProbabilityForm.OneMinusP
                        : ProbabilityForm.Unknown;
                    if (!Merge(ref decided, new ProbabilityClassification(form, logit, null)))
                    {
                        return ProbabilityClassification.Unknown;
                    }

                    continue;
                }

                foreach (var target in others)
                {
                    var rest = Except(others, ImmutableArray.Create(target));
                    var form = MatchesEverywhere(expr, logit, logitVariables, target, rest, ProbabilityForm.Pt) ? ProbabilityForm.Pt
                        : MatchesEverywhere(expr, logit, logitVariables, target, rest, ProbabilityForm.OneMinusPt) ? ProbabilityForm.OneMinusPt
                        : ProbabilityForm.Unknown;
                    if (!Merge(ref decided, new ProbabilityClassification(form, logit, target)))
                    {
                        return ProbabilityClassification.Unknown;
                    }
                }
            }

            return decided ?? ProbabilityClassification.Unknown;
        }

        /// <summary>
        /// Which branch a product (a term with the modulating factor replaced by 1) belongs to: proportional
        /// to log(p) for every value of the other symbols → positive; to log(1 - p) → negative.
        /// </summary>
        public static BranchForm ClassifyBranch(Expr cofactor, Expr logit)
        {
            var logitVariables = logit.FreeVariables();
            var variables = cofactor.FreeVariables();
            if (logitVariables.Length == 0 || variables.Length > MaxVariables + 2 || DependsOnOpaqueOf(variables, logitVariables))
            {
                return BranchForm.Unknown;
            }

            var others = Except(variables, logitVariables);
            var positive = ProportionalEverywhere(cofactor, logit, logitVariables, others, negativeBranch: false);
            var negative = ProportionalEverywhere(cofactor, logit, logitVariables, others, negativeBranch: true);
            if (positive == negative)
            {
                return BranchForm.Unknown;
            }

            return positive ? BranchForm.Positive : BranchForm.Negative;
        }

        /// <summary>
        /// Evaluates <paramref name="expr"/> at one point: the logit's variables set so the logit is
        /// <paramref name="logitValue"/> where it is a single variable, the target to <paramref name="target"/>.
        /// For tests and for rules that need a specific value.
        /// </summary>
        public static double EvaluateAt(Expr expr, Expr logitVariable, double logitValue, Expr? targetVariable, double target, IReadOnlyDictionary<Expr, double>? others = null)
        {
            var values = new Dictionary<Expr, double>();
            if (others != null)
            {
                foreach (var pair in others)
                {
                    values[pair.Key] = pair.Value;
                }
            }

            values[logitVariable] = logitValue;
            if (targetVariable != null)
            {
                values[targetVariable] = target;
            }

            return NumericEvaluator.Evaluate(expr, values);
        }

        /// <summary>The logits of the sigmoids and logits cross entropies inside <paramref name="expr"/>.</summary>
        internal static ImmutableArray<Expr> LogitsOf(Expr expr, out bool unsupported) => expr.Logits(out unsupported);

        private static bool Merge(ref ProbabilityClassification? decided, ProbabilityClassification next)
        {
            if (next.Form == ProbabilityForm.Unknown)
            {
                return true;
            }

            if (decided == null)
            {
                decided = next;
                return true;
            }

            return decided.Value.Form == next.Form;
        }

        /// <summary>An opaque value computed from the logit: its relation to p is unknown.</summary>
        private static bool DependsOnOpaqueOf(ImmutableArray<Expr> variables, ImmutableArray<Expr> logitVariables)
        {
            foreach (var variable in variables)
            {
                if (variable.Kind != ExprKind.Opaque || variable.Operands.Length == 0 || logitVariables.Contains(variable))
                {
                    continue;
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
            }

            return false;
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

        private static Dictionary<Expr, double> Assign(ImmutableArray<Expr> logitVariables, int sample, ImmutableArray<Expr> rest, int set)
        {
            var values = new Dictionary<Expr, double>();
            for (var j = 0; j < logitVariables.Length; j++)
            {
                // The first logit variable runs over the samples; any other (a scale, say) takes fixed values.
                values[logitVariables[j]] = j == 0 ? SampleLogits[sample] : OtherValues[set][j % OtherValues[set].Length];
            }

            for (var j = 0; j < rest.Length; j++)
            {
                values[rest[j]] = OtherValues[set][j % OtherValues[set].Length];
            }

            return values;
        }

        private static bool MatchesEverywhere(Expr expr, Expr logit, ImmutableArray<Expr> logitVariables, Expr? target, ImmutableArray<Expr> rest, ProbabilityForm form)
        {
            var discriminating = false;
            for (var set = 0; set < OtherValues.Length; set++)
            {
                for (var sample = 0; sample < SampleLogits.Length; sample++)
                {
                    var values = Assign(logitVariables, sample, rest, set);
                    var targets = target == null ? 1 : 2;
                    for (var t = 0; t < targets; t++)
                    {
                        if (target != null)
                        {
                            values[target] = t;
                        }

                        var evaluator = new NumericEvaluator(values);
                        var p = NumericEvaluator.Sigmoid(evaluator.Evaluate(logit));
                        if (double.IsNaN(p) || p <= 1e-6 || p >= 1 - 1e-6)
                        {
                            return false;
                        }

                        discriminating |= Math.Abs(p - 0.5) > 0.05;
                        double expected;
                        switch (form)
                        {
                            case ProbabilityForm.Pt: expected = t == 1 ? p : 1 - p; break;
                            case ProbabilityForm.OneMinusPt: expected = t == 1 ? 1 - p : p; break;
                            case ProbabilityForm.P: expected = p; break;
                            case ProbabilityForm.OneMinusP: expected = 1 - p; break;
                            default: return false;
                        }

                        if (!Close(evaluator.Evaluate(expr), expected))
                        {
                            return false;
                        }
                    }
                }
            }

            return discriminating;
        }

        private static bool ProportionalEverywhere(Expr cofactor, Expr logit, ImmutableArray<Expr> logitVariables, ImmutableArray<Expr> others, bool negativeBranch)
        {
            // Every assignment of the other symbols: the two value sets, and 0/1 for each of up to three symbols (target masks).
            var assignments = new List<Dictionary<Expr, double>>();
            for (var set = 0; set < OtherValues.Length; set++)
            {
                var values = new Dictionary<Expr, double>();
                for (var j = 0; j < others.Length; j++)
                {
                    values[others[j]] = OtherValues[set][j % OtherValues[set].Length];
                }

                assignments.Add(values);
            }

            if (others.Length <= 3)
            {
                for (var mask = 0; mask < (1 << others.Length); mask++)
                {
                    var values = new Dictionary<Expr, double>();
                    for (var j = 0; j < others.Length; j++)
                    {
                        values[others[j]] = (mask >> j) & 1;
                    }

                    assignments.Add(values);
                }
            }

            var nonZero = false;
            foreach (var assignment in assignments)
            {
                double? ratio = null;
                for (var sample = 0; sample < SampleLogits.Length; sample++)
                {
                    var values = new Dictionary<Expr, double>(assignment);
                    for (var j = 0; j < logitVariables.Length; j++)
                    {
                        values[logitVariables[j]] = j == 0 ? SampleLogits[sample] : OtherValues[0][j % OtherValues[0].Length];
                    }

                    var evaluator = new NumericEvaluator(values);
                    var p = NumericEvaluator.Sigmoid(evaluator.Evaluate(logit));
                    var value = evaluator.Evaluate(cofactor);
                    if (double.IsNaN(p) || double.IsNaN(value) || double.IsInfinity(value) || p <= 1e-6 || p >= 1 - 1e-6)
                    {
                        return false;
                    }

                    var log = Math.Log(negativeBranch ? 1 - p : p);
                    var r = value / log;
                    if (ratio == null)
                    {
                        ratio = r;
                    }
                    else if (!Close(r, ratio.Value))
                    {
                        return false;
                    }
                }

                nonZero |= ratio != null && Math.Abs(ratio.Value) > 1e-12;
            }

            return nonZero;
        }

        private static bool Close(double actual, double expected)
        {
            if (double.IsNaN(actual) || double.IsInfinity(actual))
            {
                return false;
            }

            return Math.Abs(actual - expected) <= Tolerance * Math.Max(1, Math.Abs(expected));
        }
    }
}
