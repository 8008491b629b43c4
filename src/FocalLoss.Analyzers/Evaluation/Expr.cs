using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>What an <see cref="Expr"/> node computes.</summary>
    internal enum ExprKind
    {
        /// <summary>A number (<see cref="Expr.Value"/>). Booleans are 1 and 0.</summary>
        Constant,

        /// <summary>A free symbol: a parameter, a field or property (optionally of an instance operand).</summary>
        Symbol,

        /// <summary>A value the builder does not model; free like a symbol, identified by its operation. Operands are what it was computed from.</summary>
        Opaque,

        Add,
        Subtract,
        Multiply,
        Divide,
        Negate,

        /// <summary>Operands: base, exponent.</summary>
        Power,
        Exp,
        Log,
        Log1p,
        Abs,
        Sqrt,

        /// <summary>1 / (1 + exp(-x)). Also recognised from that formula when written out.</summary>
        Sigmoid,

        /// <summary>Operands: condition (non-zero is true), value when true, value when false.</summary>
        Where,

        /// <summary>Operands: left, right; <see cref="Expr.Comparison"/> says which. 1 when it holds, else 0.</summary>
        Compare,
        Not,
        And,
        Or,
        Max,
        Min,

        /// <summary>Operands: value, lower bound, upper bound (infinite when absent). Bounds that are not constants evaluate as absent.</summary>
        Clamp,

        /// <summary>Element-wise binary cross entropy on logits. Operands: logits, target.</summary>
        CrossEntropyWithLogits,

        /// <summary>Element-wise binary cross entropy on probabilities. Operands: probabilities, target.</summary>
        CrossEntropy,

        /// <summary>A reduction (mean/sum, <see cref="Expr.Tag"/>) of its operand: not element-wise, evaluates to NaN.</summary>
        Reduce,
    }

    /// <summary>Which comparison a <see cref="ExprKind.Compare"/> node makes.</summary>
    internal enum Comparison
    {
        None,
        Equal,
        NotEqual,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
    }

    /// <summary>
    /// An immutable symbolic expression for the value an operation computes. Structural equality;
    /// opaque nodes are equal only to themselves (same origin operation).
    /// </summary>
    internal sealed class Expr : IEquatable<Expr>
    {
        /// <summary>Free variables memoised on a node up to this many; beyond, they are collected again on each request.</summary>
        private const int MaxMemoisedVariables = 64;

        /// <summary>Logits kept on a node: this many and one more (enough to know there are several).</summary>
        private const int MaxMemoisedLogits = 16;

        private readonly int _hash;

        /// <summary>The context whose table holds this node (null: not interned); the static constants belong to every context.</summary>
        private ExprContext? _context;
        private bool _universal;
        private ImmutableArray<Expr> _freeVariables;
        private bool _freeVariablesOverflow;
        private LogitSet? _logits;
        private ulong _kindsBelow;

        private Expr(ExprKind kind, ImmutableArray<Expr> operands, double value, ISymbol? symbol, IOperation? origin, Comparison comparison, string? tag)
        {
            Kind = kind;
            Operands = operands.IsDefault ? ImmutableArray<Expr>.Empty : operands;
            Value = value;
            Symbol = symbol;
            Origin = origin;
            Comparison = comparison;
            Tag = tag;

            var hash = (int)kind * 397;
            hash = unchecked(hash ^ value.GetHashCode());
            if (symbol != null)
            {
                hash = unchecked((hash * 31) + SymbolEqualityComparer.Default.GetHashCode(symbol));
            }

            if (origin != null)
            {
                hash = unchecked((hash * 31) + RuntimeHelpers.GetHashCode(origin));
            }

            hash = unchecked((hash * 31) + (int)comparison);
            foreach (var operand in Operands)
            {
                hash = unchecked((hash * 31) + operand._hash);
            }

            _hash = hash;
            var size = 1;
            foreach (var operand in Operands)
            {
                size += operand.Size;
            }

            Size = size > 1_000_000 ? 1_000_000 : size;
            var height = 0;
            foreach (var operand in Operands)
            {
                if (operand.Height > height)
                {
                    height = operand.Height;
                }
            }

            Height = height + 1;
        }

        /// <summary>Builds a node, interned in the current <see cref="ExprContext"/> when there is one and its operands are interned there.</summary>
        private static Expr Make(ExprKind kind, ImmutableArray<Expr> operands, double value, ISymbol? symbol, IOperation? origin, Comparison comparison, string? tag)
        {
            var node = new Expr(kind, operands, value, symbol, origin, comparison, tag);
            var context = ExprContext.Current;
            if (context == null || (kind == ExprKind.Opaque && origin == null))
            {
                // Without an origin operation an opaque node is only itself: never shared.
                return node;
            }

            foreach (var operand in node.Operands)
            {
                if (!operand.IsInternedIn(context))
                {
                    return node;
                }
            }

            return context.Intern(node);
        }

        private static Expr Universal(double value, int id)
        {
            var node = new Expr(ExprKind.Constant, default, value, null, null, Comparison.None, null);
            node._universal = true;
            node.Id = id;
            return node;
        }

        /// <summary>Sequence number in the interning context (negative for the static constants).</summary>
        internal int Id { get; private set; } = -100;

        internal void SetInterned(ExprContext context, int id)
        {
            _context = context;
            Id = id;
        }

        /// <summary>Interned in <paramref name="context"/> (or one of the static constants every context shares).</summary>
        internal bool IsInternedIn(ExprContext context) => _universal || ReferenceEquals(_context, context);

        public ExprKind Kind { get; }

        public ImmutableArray<Expr> Operands { get; }

        /// <summary>The number of a <see cref="ExprKind.Constant"/>.</summary>
        public double Value { get; }

        /// <summary>The symbol of a <see cref="ExprKind.Symbol"/>; the method of an opaque call when known.</summary>
        public ISymbol? Symbol { get; }

        /// <summary>The operation an opaque node stands for (also kept on a few other nodes for reporting).</summary>
        public IOperation? Origin { get; }

        public Comparison Comparison { get; }

        /// <summary>Extra information: the reduction of a <see cref="ExprKind.Reduce"/> ("mean", "sum").</summary>
        public string? Tag { get; }

        /// <summary>Tree size (nodes counted with repetition), saturating.</summary>
        public int Size { get; }

        /// <summary>The longest path to a leaf, in nodes (1 for a leaf).</summary>
        public int Height { get; }

        public bool IsConstant => Kind == ExprKind.Constant;

        /// <summary>Symbols and opaque nodes: the leaves that take sample values.</summary>
        public bool IsVariable => Kind == ExprKind.Symbol || Kind == ExprKind.Opaque;

        public static readonly Expr Zero = Universal(0, -1);
        public static readonly Expr One = Universal(1, -2);
        public static readonly Expr PositiveInfinity = Universal(double.PositiveInfinity, -3);
        public static readonly Expr NegativeInfinity = Universal(double.NegativeInfinity, -4);

        public static Expr Constant(double value)
        {
            if (value == 0)
            {
                return Zero;
            }

            if (value == 1)
            {
                return One;
            }

            return Make(ExprKind.Constant, default, value, null, null, Comparison.None, null);
        }

        public static Expr SymbolOf(ISymbol symbol, Expr? instance = null) =>
            Make(ExprKind.Symbol, instance == null ? ImmutableArray<Expr>.Empty : ImmutableArray.Create(instance), 0, symbol, null, Comparison.None, null);

        public static Expr Opaque(IOperation? origin, ImmutableArray<Expr> from = default, ISymbol? symbol = null) =>
            Make(ExprKind.Opaque, from, 0, symbol, origin, Comparison.None, null);

        public static Expr Unary(ExprKind kind, Expr operand) => Create(kind, ImmutableArray.Create(operand));

        public static Expr Binary(ExprKind kind, Expr left, Expr right) => Create(kind, ImmutableArray.Create(left, right));

        public static Expr Compare(Comparison comparison, Expr left, Expr right) =>
            Make(ExprKind.Compare, ImmutableArray.Create(left, right), 0, null, null, comparison, null);

        public static Expr Where(Expr condition, Expr whenTrue, Expr whenFalse) =>
            Make(ExprKind.Where, ImmutableArray.Create(condition, whenTrue, whenFalse), 0, null, null, Comparison.None, null);

        public static Expr Clamp(Expr value, Expr? min, Expr? max) =>
            Make(ExprKind.Clamp, ImmutableArray.Create(value, min ?? NegativeInfinity, max ?? PositiveInfinity), 0, null, null, Comparison.None, null);

        public static Expr Reduce(Expr operand, string reduction) =>
            Make(ExprKind.Reduce, ImmutableArray.Create(operand), 0, null, null, Comparison.None, reduction);

        /// <summary>Builds a node; recognises 1 / (1 + exp(-x)) and exp(x) / (1 + exp(x)) as sigmoid(x).</summary>
        public static Expr Create(ExprKind kind, ImmutableArray<Expr> operands)
        {
            if (kind == ExprKind.Divide && operands.Length == 2 && TryMatchSigmoid(operands[0], operands[1], out var logit))
            {
                return Make(ExprKind.Sigmoid, ImmutableArray.Create(logit), 0, null, null, Comparison.None, null);
            }

            return Make(kind, operands, 0, null, null, Comparison.None, null);
        }

        /// <summary>The number, when this is a constant.</summary>
        public bool TryGetConstant(out double value)
        {
            value = Value;
            return Kind == ExprKind.Constant;
        }

        private static bool TryMatchSigmoid(Expr numerator, Expr denominator, out Expr logit)
        {
            logit = null!;
            if (denominator.Kind != ExprKind.Add || denominator.Operands.Length != 2)
            {
                return false;
            }

            Expr? exp;
            if (denominator.Operands[0].IsOne())
            {
                exp = denominator.Operands[1];
            }
            else if (denominator.Operands[1].IsOne())
            {
                exp = denominator.Operands[0];
            }
            else
            {
                return false;
            }

            if (exp.Kind != ExprKind.Exp)
            {
                return false;
            }

            var argument = exp.Operands[0];
            if (numerator.IsOne())
            {
                // 1 / (1 + exp(-x)) = sigmoid(x); 1 / (1 + exp(x)) = sigmoid(-x).
                logit = argument.Kind == ExprKind.Negate ? argument.Operands[0] : Unary(ExprKind.Negate, argument);
                return true;
            }

            if (numerator.Equals(exp))
            {
                // exp(x) / (1 + exp(x)) = sigmoid(x).
                logit = argument;
                return true;
            }

            return false;
        }

        public bool IsOne() => Kind == ExprKind.Constant && Value == 1;

        public bool Equals(Expr? other)
        {
            if (ReferenceEquals(this, other))
            {
                return true;
            }

            if (other is null || other._hash != _hash || other.Kind != Kind || other.Operands.Length != Operands.Length)
            {
                return false;
            }

            if (_context != null && ReferenceEquals(_context, other._context))
            {
                // Both interned in one table: structurally equal nodes are one object.
                return false;
            }

            switch (Kind)
            {
                case ExprKind.Constant:
                    return Value.Equals(other.Value);
                case ExprKind.Opaque:
                    // Without an origin operation an opaque node is only itself.
                    return Origin != null && ReferenceEquals(Origin, other.Origin) && SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol) && OperandsEqual(other);
                case ExprKind.Symbol:
                    return SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol) && OperandsEqual(other);
                default:
                    return Comparison == other.Comparison && Tag == other.Tag && OperandsEqual(other);
            }
        }

        private bool OperandsEqual(Expr other)
        {
            for (var i = 0; i < Operands.Length; i++)
            {
                if (!Operands[i].Equals(other.Operands[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is Expr other && Equals(other);

        public override int GetHashCode() => _hash;

        /// <summary>True when <paramref name="predicate"/> holds for this node or a node below it.</summary>
        public bool Any(Func<Expr, bool> predicate)
        {
            var visited = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
            return AnyCore(this, predicate, visited);
        }

        private static bool AnyCore(Expr node, Func<Expr, bool> predicate, HashSet<Expr> visited)
        {
            if (!visited.Add(node))
            {
                return false;
            }

            ExprContext.ChargeCurrent(1);
            if (predicate(node))
            {
                return true;
            }

            foreach (var operand in node.Operands)
            {
                if (AnyCore(operand, predicate, visited))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when a node of <paramref name="kind"/> is this node or below it (memoised on the node).</summary>
        public bool ContainsKind(ExprKind kind) => (KindsBelow & (1UL << (int)kind)) != 0;

        /// <summary>True when this node or a node below it equals <paramref name="node"/>.</summary>
        public bool Contains(Expr node)
        {
            if (node.IsVariable)
            {
                return FreeVariables().Contains(node);
            }

            if (!ContainsKind(node.Kind))
            {
                return false;
            }

            return Any(e => e.Height >= node.Height && e.Equals(node));
        }

        /// <summary>The kinds of this node and every node below it, one bit per <see cref="ExprKind"/>.</summary>
        private ulong KindsBelow
        {
            get
            {
                if (_kindsBelow == 0)
                {
                    var mask = 1UL << (int)Kind;
                    foreach (var operand in Operands)
                    {
                        mask |= operand.KindsBelow;
                    }

                    _kindsBelow = mask;
                }

                return _kindsBelow;
            }
        }

        /// <summary>The distinct nodes (structural equality) of this tree matching <paramref name="predicate"/>, in first-seen order.</summary>
        public ImmutableArray<Expr> Collect(Func<Expr, bool> predicate)
        {
            var visited = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
            var found = new HashSet<Expr>();
            var builder = ImmutableArray.CreateBuilder<Expr>();
            CollectCore(this, predicate, visited, found, builder);
            return builder.ToImmutable();
        }

        private static void CollectCore(Expr node, Func<Expr, bool> predicate, HashSet<Expr> visited, HashSet<Expr> found, ImmutableArray<Expr>.Builder builder)
        {
            if (!visited.Add(node))
            {
                return;
            }

            ExprContext.ChargeCurrent(1);
            if (predicate(node) && found.Add(node))
            {
                builder.Add(node);
            }

            foreach (var operand in node.Operands)
            {
                CollectCore(operand, predicate, visited, found, builder);
            }
        }

        /// <summary>
        /// The free variables (symbols and opaque nodes) this expression depends on, including those an opaque node was computed from,
        /// in first-seen order. Memoised on the node (from its operands' lists) while there are at most 64.
        /// </summary>
        public ImmutableArray<Expr> FreeVariables()
        {
            if (_freeVariables.IsDefault && !_freeVariablesOverflow)
            {
                ComputeFreeVariables();
            }

            return _freeVariablesOverflow ? Collect(e => e.IsVariable) : _freeVariables;
        }

        private void ComputeFreeVariables()
        {
            if (Operands.Length == 0)
            {
                _freeVariables = IsVariable ? ImmutableArray.Create(this) : ImmutableArray<Expr>.Empty;
                return;
            }

            // Preorder first occurrences: this node, then each operand's list, without repeats.
            ImmutableArray<Expr>.Builder? merged = null;
            var result = IsVariable ? ImmutableArray.Create(this) : ImmutableArray<Expr>.Empty;
            foreach (var operand in Operands)
            {
                var below = operand.FreeVariables();
                if (operand._freeVariablesOverflow)
                {
                    _freeVariablesOverflow = true;
                    return;
                }

                ExprContext.ChargeCurrent(1);
                if (merged == null && result.IsEmpty)
                {
                    result = below;
                    continue;
                }

                foreach (var variable in below)
                {
                    if (merged == null)
                    {
                        if (result.Contains(variable))
                        {
                            continue;
                        }

                        merged = ImmutableArray.CreateBuilder<Expr>();
                        merged.AddRange(result);
                    }
                    else if (merged.Contains(variable))
                    {
                        continue;
                    }

                    merged.Add(variable);
                    if (merged.Count > MaxMemoisedVariables)
                    {
                        _freeVariablesOverflow = true;
                        return;
                    }
                }
            }

            _freeVariables = merged == null ? result : merged.ToImmutable();
        }

        /// <summary>
        /// The logits of the sigmoids and cross entropies inside this expression, in first-seen order
        /// (<see cref="FocalMath.LogitsOf"/>), memoised on the node. Past 16 distinct logits only the first 17 are kept:
        /// every rule asks whether there is more than one.
        /// </summary>
        internal ImmutableArray<Expr> Logits(out bool unsupported)
        {
            var set = LogitSetOf(this);
            unsupported = set.Unsupported;
            return unsupported ? ImmutableArray<Expr>.Empty : set.Logits;
        }

        private static LogitSet LogitSetOf(Expr node)
        {
            if (node._logits != null)
            {
                return node._logits;
            }

            if ((node.KindsBelow & LogitSourceKinds) == 0)
            {
                node._logits = LogitSet.Empty;
                return node._logits;
            }

            ExprContext.ChargeCurrent(1);
            var unsupported = false;
            var logits = ImmutableArray.CreateBuilder<Expr>();
            if (IsLogitSource(node))
            {
                var own = OwnLogit(node);
                if (own == null)
                {
                    unsupported = true;
                }
                else
                {
                    logits.Add(own);
                }
            }

            foreach (var operand in node.Operands)
            {
                var below = LogitSetOf(operand);
                unsupported |= below.Unsupported;
                foreach (var logit in below.Logits)
                {
                    if (logits.Count > MaxMemoisedLogits)
                    {
                        break;
                    }

                    if (!logits.Contains(logit))
                    {
                        logits.Add(logit);
                    }
                }
            }

            node._logits = logits.Count == 0 && !unsupported ? LogitSet.Empty : new LogitSet(logits.ToImmutable(), unsupported);
            return node._logits;
        }

        private const ulong LogitSourceKinds = (1UL << (int)ExprKind.Sigmoid) | (1UL << (int)ExprKind.CrossEntropyWithLogits) | (1UL << (int)ExprKind.CrossEntropy);

        private static bool IsLogitSource(Expr e) => e.Kind == ExprKind.Sigmoid || e.Kind == ExprKind.CrossEntropyWithLogits || e.Kind == ExprKind.CrossEntropy;

        /// <summary>The logit a source takes; null for a cross entropy on probabilities that are not a sigmoid (unsupported).</summary>
        private static Expr? OwnLogit(Expr source)
        {
            if (source.Kind == ExprKind.CrossEntropy)
            {
                // Probabilities: only followed when they are a sigmoid.
                return source.Operands[0].Kind == ExprKind.Sigmoid ? source.Operands[0].Operands[0] : null;
            }

            return source.Operands[0];
        }

        private sealed class LogitSet
        {
            public static readonly LogitSet Empty = new LogitSet(ImmutableArray<Expr>.Empty, false);

            public LogitSet(ImmutableArray<Expr> logits, bool unsupported)
            {
                Logits = logits;
                Unsupported = unsupported;
            }

            public ImmutableArray<Expr> Logits { get; }

            public bool Unsupported { get; }
        }

        /// <summary>A copy with every node equal to <paramref name="target"/> replaced by <paramref name="replacement"/>.</summary>
        public Expr Replace(Expr target, Expr replacement)
        {
            var memo = new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance);
            return ReplaceCore(this, target, replacement, memo);
        }

        private static Expr ReplaceCore(Expr node, Expr target, Expr replacement, Dictionary<Expr, Expr> memo)
        {
            if (memo.TryGetValue(node, out var done))
            {
                return done;
            }

            ExprContext.ChargeCurrent(1);
            Expr result;
            if (node.Equals(target))
            {
                result = replacement;
            }
            else if (node.Operands.Length == 0 || node.Kind == ExprKind.Opaque || node.Kind == ExprKind.Symbol)
            {
                result = node;
            }
            else
            {
                var changed = false;
                var operands = ImmutableArray.CreateBuilder<Expr>(node.Operands.Length);
                foreach (var operand in node.Operands)
                {
                    var replaced = ReplaceCore(operand, target, replacement, memo);
                    changed |= !ReferenceEquals(replaced, operand);
                    operands.Add(replaced);
                }

                result = changed
                    ? Make(node.Kind, operands.MoveToImmutable(), node.Value, node.Symbol, node.Origin, node.Comparison, node.Tag)
                    : node;
            }

            memo[node] = result;
            return result;
        }

        public override string ToString() => ExprPrinter.Print(this);

        /// <summary>Reference identity, for memo tables over shared sub-trees.</summary>
        internal sealed class ReferenceEqualityComparer : IEqualityComparer<Expr>
        {
            public static readonly ReferenceEqualityComparer Instance = new ReferenceEqualityComparer();

            public bool Equals(Expr? x, Expr? y) => ReferenceEquals(x, y);

            public int GetHashCode(Expr obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
