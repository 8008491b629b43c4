using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>How a local gets a value at one place in the body.</summary>
    internal enum LocalEventKind
    {
        /// <summary>Declarator initializer or simple assignment: <see cref="LocalEvent.Value"/> is the new value.</summary>
        Assign,

        /// <summary>Compound assignment (<c>loss *= w</c>): <see cref="LocalEvent.Node"/> is the <see cref="ICompoundAssignmentOperation"/>.</summary>
        Compound,

        /// <summary>Something the evaluator does not follow: ref/out, ++/--, deconstruction, an in-place tensor method.</summary>
        Unknown,
    }

    /// <summary>One write to a local.</summary>
    internal sealed class LocalEvent
    {
        public LocalEvent(LocalEventKind kind, IOperation node, IOperation? value, bool insideFunction)
        {
            Kind = kind;
            Node = node;
            Value = value;
            InsideFunction = insideFunction;
        }

        public LocalEventKind Kind { get; }

        /// <summary>The declarator, assignment or call that writes the local.</summary>
        public IOperation Node { get; }

        public IOperation? Value { get; }

        /// <summary>The write happens inside a lambda or local function of the body.</summary>
        public bool InsideFunction { get; }

        /// <summary>Where the write is complete (flow order in straight-line code is text order).</summary>
        public int End => Node.Syntax.Span.End;
    }

    /// <summary>
    /// Every write to every local of one operation block, found with one walk, so a read can be
    /// resolved to the write that reaches it in straight-line flow. Where the value could come from
    /// more than one write (branches, loops, lambdas) the read stays unresolved.
    /// </summary>
    internal sealed class LocalFlowIndex
    {
        /// <summary>One walk indexes the block; only a body past this many operations (far beyond any real method) is left unresolved.</summary>
        private const int MaxOperations = 2_000_000;

        private readonly Dictionary<ISymbol, List<LocalEvent>> _events = new Dictionary<ISymbol, List<LocalEvent>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<IOperation>> _references = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);

        public LocalFlowIndex(IOperation root, KnownSymbols known)
        {
            Root = root;
            var count = 0;
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (++count > MaxOperations)
                {
                    TooLarge = true;
                    break;
                }

                Record(operation, known);
            }

            foreach (var list in _events.Values)
            {
                list.Sort((a, b) => a.End.CompareTo(b.End));
            }
        }

        public IOperation Root { get; }

        /// <summary>The body was too large to index; nothing is resolved.</summary>
        public bool TooLarge { get; }

        public IReadOnlyList<LocalEvent> EventsOf(ISymbol local) =>
            _events.TryGetValue(local, out var list) ? list : (IReadOnlyList<LocalEvent>)System.Array.Empty<LocalEvent>();

        /// <summary>Every reference to the local in the block (reads, and the targets of writes), in tree order.</summary>
        public IReadOnlyList<IOperation> ReferencesOf(ISymbol local) =>
            _references.TryGetValue(local, out var list) ? list : (IReadOnlyList<IOperation>)System.Array.Empty<IOperation>();

        /// <summary>The local or parameter a reference operation names, or null.</summary>
        public static ISymbol? ReferencedSymbol(IOperation? operation)
        {
            switch (operation)
            {
                case ILocalReferenceOperation local: return local.Local;
                case IParameterReferenceOperation parameter: return parameter.Parameter;
                default: return null;
            }
        }

        private void Record(IOperation operation, KnownSymbols known)
        {
            switch (operation)
            {
                case ILocalReferenceOperation _:
                case IParameterReferenceOperation _:
                    {
                        var symbol = ReferencedSymbol(operation)!;
                        if (!_references.TryGetValue(symbol, out var references))
                        {
                            references = new List<IOperation>();
                            _references.Add(symbol, references);
                        }

                        references.Add(operation);
                        break;
                    }

                case IVariableDeclaratorOperation declarator:
                    {
                        var initializer = declarator.Initializer?.Value
                            ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                        if (initializer != null)
                        {
                            Add(declarator.Symbol, declarator.Symbol.IsRef ? LocalEventKind.Unknown : LocalEventKind.Assign, declarator, initializer);
                        }

                        break;
                    }

                case ISimpleAssignmentOperation assignment when ReferencedSymbol(assignment.Target) is ISymbol target:
                    Add(target, assignment.IsRef ? LocalEventKind.Unknown : LocalEventKind.Assign, assignment, assignment.Value);
                    break;
                case ICompoundAssignmentOperation compound when ReferencedSymbol(compound.Target) is ISymbol target:
                    Add(target, LocalEventKind.Compound, compound, compound.Value);
                    break;
                case IIncrementOrDecrementOperation increment when ReferencedSymbol(increment.Target) is ISymbol target:
                    Add(target, LocalEventKind.Unknown, increment, null);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var target in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (ReferencedSymbol(target) is ISymbol local)
                        {
                            Add(local, LocalEventKind.Unknown, deconstruction, null);
                        }
                    }

                    break;
                case IArgumentOperation argument when argument.Parameter != null && argument.Parameter.RefKind != RefKind.None:
                    foreach (var target in argument.Value.DescendantsAndSelf())
                    {
                        if (ReferencedSymbol(target) is ISymbol local)
                        {
                            Add(local, LocalEventKind.Unknown, argument, null);
                        }
                    }

                    break;
                case IInvocationOperation invocation
                    when ReferencedSymbol(invocation.Instance) is ISymbol receiver
                         && invocation.TargetMethod.Name.EndsWith("_", System.StringComparison.Ordinal)
                         && known.IsTensor(invocation.TargetMethod.ContainingType):
                    // In-place tensor methods (mul_, sigmoid_, clamp_) change the local's value.
                    Add(receiver, LocalEventKind.Unknown, invocation, null);
                    break;
            }
        }

        private void Add(ISymbol local, LocalEventKind kind, IOperation node, IOperation? value)
        {
            if (!_events.TryGetValue(local, out var list))
            {
                list = new List<LocalEvent>();
                _events.Add(local, list);
            }

            list.Add(new LocalEvent(kind, node, value, IsInsideFunction(node)));
        }

        private static bool IsInsideFunction(IOperation node)
        {
            for (var current = node.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation || current is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The write that reaches <paramref name="reference"/> (a read at that place), or null when
        /// none does or more than one could (then the value is not followed). <paramref name="initialValue"/>
        /// is true when the read certainly sees the value the local or parameter had on entry (for a
        /// parameter: its free symbol).
        /// </summary>
        public LocalEvent? ReachingWrite(ISymbol local, IOperation reference, out bool initialValue)
        {
            var events = EventsOf(local);
            initialValue = false;
            if (TooLarge)
            {
                return null;
            }

            if (events.Count == 0)
            {
                initialValue = true;
                return null;
            }

            var position = reference.Syntax.SpanStart;
            LocalEvent? chosen = null;
            foreach (var e in events)
            {
                if (e.End <= position)
                {
                    chosen = e;
                }
            }

            if (chosen == null)
            {
                initialValue = local is IParameterSymbol && !WrittenInLoopOrFunctionAround(events, reference);
                return null;
            }

            // Writes inside a lambda or local function that does not contain the read: unknown timing.
            foreach (var e in events)
            {
                if (e.InsideFunction && !EnclosingFunctionContains(e.Node, reference))
                {
                    return null;
                }
            }

            // The chosen write must dominate the read in the structured sense: no branch between them.
            if (!ReachesWithoutBranch(chosen.Node, position))
            {
                return null;
            }

            // Loops around the read that also hold a write: loop-carried values are not followed.
            for (var current = reference.Parent; current != null; current = current.Parent)
            {
                if (current is ILoopOperation loop)
                {
                    var span = loop.Syntax.Span;
                    var chosenInside = span.Contains(chosen.Node.Syntax.Span);
                    foreach (var e in events)
                    {
                        if (span.Contains(e.Node.Syntax.Span) && (e.End > position || !chosenInside))
                        {
                            return null;
                        }
                    }
                }

                if (current is IAnonymousFunctionOperation || current is ILocalFunctionOperation)
                {
                    // A read inside a lambda sees the value at call time: only follow a local written once.
                    if (!current.Syntax.Span.Contains(chosen.Node.Syntax.Span) && events.Count > 1)
                    {
                        return null;
                    }
                }
            }

            return chosen;
        }

        private static bool WrittenInLoopOrFunctionAround(IReadOnlyList<LocalEvent> events, IOperation reference)
        {
            foreach (var e in events)
            {
                if (e.InsideFunction)
                {
                    return true;
                }
            }

            for (var current = reference.Parent; current != null; current = current.Parent)
            {
                if (current is ILoopOperation || current is IAnonymousFunctionOperation || current is ILocalFunctionOperation)
                {
                    foreach (var e in events)
                    {
                        if (current.Syntax.Span.Contains(e.Node.Syntax.Span) || current is IAnonymousFunctionOperation || current is ILocalFunctionOperation)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool EnclosingFunctionContains(IOperation write, IOperation read)
        {
            for (var current = write.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation || current is ILocalFunctionOperation)
                {
                    return current.Syntax.Span.Contains(read.Syntax.Span);
                }
            }

            return true;
        }

        private static bool ReachesWithoutBranch(IOperation write, int readPosition)
        {
            IOperation child = write;
            for (var current = write.Parent; current != null; child = current, current = current.Parent)
            {
                if (current.Syntax.Span.Contains(readPosition))
                {
                    // The common ancestor: straight-line from here unless the write sits in a branch of it.
                    // (Loops are judged separately by the caller.)
                    return current is ILoopOperation || !IsBranching(current, child);
                }

                if (IsBranching(current, child))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsConditionalChild(IOperation parent, IOperation child)
        {
            switch (parent)
            {
                case IConditionalOperation conditional:
                    return !ReferenceEquals(conditional.Condition, child);
                case IBinaryOperation binary:
                    return (binary.OperatorKind == BinaryOperatorKind.ConditionalAnd || binary.OperatorKind == BinaryOperatorKind.ConditionalOr)
                           && ReferenceEquals(binary.RightOperand, child);
                case ICoalesceOperation coalesce:
                    return ReferenceEquals(coalesce.WhenNull, child);
                default:
                    return false;
            }
        }

        private static bool IsBranching(IOperation parent, IOperation child)
        {
            switch (parent)
            {
                case IConditionalOperation _:
                case IBinaryOperation _:
                case ICoalesceOperation _:
                    return IsConditionalChild(parent, child);
                case ILoopOperation _:
                case ISwitchOperation _:
                case ISwitchCaseOperation _:
                case ISwitchExpressionOperation _:
                case ISwitchExpressionArmOperation _:
                case ITryOperation _:
                case ICatchClauseOperation _:
                case IAnonymousFunctionOperation _:
                case ILocalFunctionOperation _:
                case IConditionalAccessOperation _:
                case IBranchOperation _:
                    return true;
                default:
                    return false;
            }
        }
    }
}
