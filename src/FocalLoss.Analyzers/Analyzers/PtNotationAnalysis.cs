using System;
using System.Collections.Generic;
using System.Globalization;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>How the refactoring rewrites the definition of the local so that it holds p_t.</summary>
    internal enum DefinitionRewrite
    {
        /// <summary>No refactoring (more than one write, uses in a lambda, ...).</summary>
        None,

        /// <summary>The definition is <c>1 - e</c> and <c>e</c> is p_t: keep <c>e</c>.</summary>
        RemoveOneMinus,

        /// <summary>Exchange two operands (<c>t*(1-p) + (1-t)*p</c> → <c>t*p + (1-t)*(1-p)</c>, the arms of a <c>where</c>).</summary>
        Swap,

        /// <summary>Write <c>1 - (definition)</c>.</summary>
        WrapOneMinus,
    }

    /// <summary>FL0006's decision for one local.</summary>
    internal sealed class PtNotationFinding
    {
        public PtNotationFinding(ILocalSymbol local, IVariableDeclaratorOperation declarator, string exponent, DefinitionRewrite rewrite, IOperation? definition, (IOperation First, IOperation Second)? slots, IReadOnlyList<IOperation> reads)
        {
            Local = local;
            Declarator = declarator;
            Exponent = exponent;
            Rewrite = rewrite;
            Definition = definition;
            Slots = slots;
            Reads = reads;
        }

        public ILocalSymbol Local { get; }

        public IVariableDeclaratorOperation Declarator { get; }

        /// <summary>How the message writes the exponent: "gamma", "2", or the constant.</summary>
        public string Exponent { get; }

        public DefinitionRewrite Rewrite { get; }

        /// <summary>The initializer value (what the refactoring rewrites).</summary>
        public IOperation? Definition { get; }

        /// <summary>For <see cref="DefinitionRewrite.Swap"/>: the operands to exchange.</summary>
        public (IOperation First, IOperation Second)? Slots { get; }

        /// <summary>Every read of the local (what the refactoring turns into <c>1 - local</c>).</summary>
        public IReadOnlyList<IOperation> Reads { get; }
    }

    /// <summary>
    /// FL0006, shared by the analyzer, the refactoring and the tests. A local whose name reads like p_t
    /// (<see cref="IsPtLikeName"/>) holds 1 - p_t by value (every write evaluates to 1 - p_t), is raised to a
    /// power directly (<c>pt.pow(gamma)</c>, which FL0001 judges correct), and no power that FL0001 reports
    /// depends on it. The name only decides whether to give this notation hint; the value decides the rest.
    /// </summary>
    internal static class PtNotationAnalysis
    {
        /// <summary>
        /// Names that read like the paper's p_t, compared case-insensitively with underscores removed:
        /// pt, p_t, pT; ptrue, p_true, pTrue; probt, prob_t; probst, probs_t; probtrue, prob_true, probTrue;
        /// probstrue, probs_true; probabilitytrue, probability_true.
        /// </summary>
        internal static readonly IReadOnlyList<string> PtLikeNames = new[] { "pt", "ptrue", "probt", "probst", "probtrue", "probstrue", "probabilitytrue" };

        /// <summary>True when <paramref name="name"/> is one of <see cref="PtLikeNames"/> (case-insensitive, underscores ignored).</summary>
        public static bool IsPtLikeName(string name)
        {
            var normalized = name.Replace("_", string.Empty).ToLowerInvariant();
            foreach (var candidate in PtLikeNames)
            {
                if (normalized == candidate)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Judges the local declared by <paramref name="declarator"/>. <paramref name="sites"/> are the power sites of
        /// the block; <paramref name="flagged"/> those FL0001 reports.
        /// </summary>
        public static PtNotationFinding? Analyze(IVariableDeclaratorOperation declarator, IReadOnlyList<FocalSite> sites, IReadOnlyList<FocalSite> flagged, ExpressionBuilder builder)
        {
            var local = declarator.Symbol;
            if (local == null || local.IsRef || !IsPtLikeName(local.Name))
            {
                return null;
            }

            var index = builder.IndexFor(declarator);
            var events = index.EventsOf(local);
            if (events.Count == 0 || index.TooLarge)
            {
                return null;
            }

            var values = new List<Expr>();
            foreach (var e in events)
            {
                if (e.Kind != LocalEventKind.Assign || e.Value == null)
                {
                    return null;
                }

                var value = builder.Build(e.Value);
                if (FocalMath.Classify(value).Form != ProbabilityForm.OneMinusPt)
                {
                    return null;
                }

                values.Add(value);
            }

            // Not where FL0001 fires on a power that depends on this local (PCDet naming with (1 - pt).pow(gamma)).
            foreach (var site in flagged)
            {
                var @base = builder.Build(site.Base);
                foreach (var value in values)
                {
                    if (@base.Contains(value) || ReadsLocal(site.Base, local))
                    {
                        return null;
                    }
                }
            }

            // Raised to a power directly, and that power is a correct focal term.
            FocalSite? power = null;
            foreach (var site in sites)
            {
                if (LocalFlowIndex.ReferencedSymbol(SkipImplicitConversions(site.Base)) is ILocalSymbol read
                    && SymbolEqualityComparer.Default.Equals(read, local)
                    && InvertedModulatingFactorAnalysis.Analyze(site, builder) == ModulatingVerdict.None)
                {
                    power = site;
                    break;
                }
            }

            if (power == null)
            {
                return null;
            }

            var reads = new List<IOperation>();
            var refactorable = events.Count == 1 && ReferenceEquals(events[0].Node, declarator);
            foreach (var reference in index.ReferencesOf(local))
            {
                if (IsWriteTarget(reference) || IsInsideFunctionOrNameof(reference))
                {
                    refactorable = false;
                }

                reads.Add(reference);
            }

            var rewrite = DefinitionRewrite.None;
            IOperation? definition = null;
            (IOperation, IOperation)? slots = null;
            if (refactorable && events[0].Value != null)
            {
                definition = events[0].Value!;
                rewrite = ChooseRewrite(definition, builder, out slots);
            }

            return new PtNotationFinding(local, declarator, ExponentText(power, builder), rewrite, definition, slots, reads);
        }

        private static DefinitionRewrite ChooseRewrite(IOperation definition, ExpressionBuilder builder, out (IOperation, IOperation)? slots)
        {
            slots = null;
            var value = SkipImplicitConversions(definition);
            if (IsOneMinus(value, builder, out var inner) && FocalMath.Classify(builder.Build(inner!)).Form == ProbabilityForm.Pt)
            {
                return DefinitionRewrite.RemoveOneMinus;
            }

            var expr = builder.Build(definition);
            var classification = FocalMath.Classify(expr);
            if (classification.Logit != null)
            {
                var logitVariables = classification.Logit.FreeVariables();
                var found = OperandSwap.FindSlots(value, builder, e => OnlyLogit(e, logitVariables));
                if (found != null)
                {
                    var swapped = OperandSwap.Swapped(expr, builder.Build(found.Value.First), builder.Build(found.Value.Second));
                    if (swapped != null && FocalMath.Classify(swapped).Form == ProbabilityForm.Pt)
                    {
                        slots = found;
                        return DefinitionRewrite.Swap;
                    }
                }
            }

            return DefinitionRewrite.WrapOneMinus;
        }

        /// <summary>A value of the logit only (p or 1 - p): depends on the logit's variables and nothing else.</summary>
        private static bool OnlyLogit(Expr e, System.Collections.Immutable.ImmutableArray<Expr> logitVariables)
        {
            var variables = e.FreeVariables();
            if (variables.Length == 0)
            {
                return false;
            }

            foreach (var variable in variables)
            {
                if (!logitVariables.Contains(variable))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>1 - e</c> (operator form, the 1 a constant); <paramref name="inner"/> is <c>e</c>.</summary>
        public static bool IsOneMinus(IOperation operation, ExpressionBuilder builder, out IOperation? inner)
        {
            inner = null;
            operation = SkipImplicitConversions(operation);
            if (operation is IBinaryOperation binary && binary.OperatorKind == BinaryOperatorKind.Subtract
                && binary.LeftOperand != null && binary.RightOperand != null
                && builder.Build(binary.LeftOperand).IsOne())
            {
                inner = binary.RightOperand;
                return true;
            }

            return false;
        }

        /// <summary>The <c>1 - local</c> expression a read sits in, if any (so the refactoring writes <c>local</c> there).</summary>
        public static IBinaryOperation? EnclosingOneMinus(IOperation read, ExpressionBuilder builder)
        {
            var current = read;
            while (current.Parent is IConversionOperation conversion && conversion.IsImplicit)
            {
                current = conversion;
            }

            if (current.Parent is IBinaryOperation binary && ReferenceEquals(binary.RightOperand, current)
                && IsOneMinus(binary, builder, out _))
            {
                return binary;
            }

            return null;
        }

        private static string ExponentText(FocalSite site, ExpressionBuilder builder)
        {
            if (site.IsSquare)
            {
                return "2";
            }

            var exponent = builder.Build(site.Exponent);
            return exponent.TryGetConstant(out var value) ? value.ToString("R", CultureInfo.InvariantCulture) : "gamma";
        }

        private static bool ReadsLocal(IOperation operation, ILocalSymbol local)
        {
            foreach (var node in operation.DescendantsAndSelf())
            {
                if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsWriteTarget(IOperation reference)
        {
            switch (reference.Parent)
            {
                case ISimpleAssignmentOperation assignment:
                    return ReferenceEquals(assignment.Target, reference);
                case ICompoundAssignmentOperation compound:
                    return ReferenceEquals(compound.Target, reference);
                case IIncrementOrDecrementOperation _:
                case IDeconstructionAssignmentOperation _:
                    return true;
                case IArgumentOperation argument:
                    return argument.Parameter != null && argument.Parameter.RefKind != RefKind.None;
                default:
                    return reference.Parent is ITupleOperation || reference.Parent is IDeclarationExpressionOperation;
            }
        }

        private static bool IsInsideFunctionOrNameof(IOperation reference)
        {
            for (var current = reference.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation || current is ILocalFunctionOperation || current is INameOfOperation)
                {
                    return true;
                }
            }

            return false;
        }

        internal static IOperation SkipImplicitConversions(IOperation operation)
        {
            while (operation is IConversionOperation conversion && conversion.Operand != null && (conversion.IsImplicit || conversion.OperatorMethod != null))
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}
