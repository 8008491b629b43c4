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
        private readonly int _hash;

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
        }

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

        public bool IsConstant => Kind == ExprKind.Constant;

        /// <summary>Symbols and opaque nodes: the leaves that take sample values.</summary>
        public bool IsVariable => Kind == ExprKind.Symbol || Kind == ExprKind.Opaque;

        public static readonly Expr Zero = new Expr(ExprKind.Constant, default, 0, null, null, Comparison.None, null);
        public static readonly Expr One = new Expr(ExprKind.Constant, default, 1, null, null, Comparison.None, null);
        public static readonly Expr PositiveInfinity = new Expr(ExprKind.Constant, default, double.PositiveInfinity, null, null, Comparison.None, null);
        public static readonly Expr NegativeInfinity = new Expr(ExprKind.Constant, default, double.NegativeInfinity, null, null, Comparison.None, null);

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

            return new Expr(ExprKind.Constant, default, value, null, null, Comparison.None, null);
        }

        public static Expr SymbolOf(ISymbol symbol, Expr? instance = null) =>
            new Expr(ExprKind.Symbol, instance == null ? ImmutableArray<Expr>.Empty : ImmutableArray.Create(instance), 0, symbol, null, Comparison.None, null);

        public static Expr Opaque(IOperation? origin, ImmutableArray<Expr> from = default, ISymbol? symbol = null) =>
            new Expr(ExprKind.Opaque, from, 0, symbol, origin, Comparison.None, null);

        public static Expr Unary(ExprKind kind, Expr operand) => Create(kind, ImmutableArray.Create(operand));

        public static Expr Binary(ExprKind kind, Expr left, Expr right) => Create(kind, ImmutableArray.Create(left, right));

        public static Expr Compare(Comparison comparison, Expr left, Expr right) =>
            new Expr(ExprKind.Compare, ImmutableArray.Create(left, right), 0, null, null, comparison, null);

        public static Expr Where(Expr condition, Expr whenTrue, Expr whenFalse) =>
            new Expr(ExprKind.Where, ImmutableArray.Create(condition, whenTrue, whenFalse), 0, null, null, Comparison.None, null);

        public static Expr Clamp(Expr value, Expr? min, Expr? max) =>
            new Expr(ExprKind.Clamp, ImmutableArray.Create(value, min ?? NegativeInfinity, max ?? PositiveInfinity), 0, null, null, Comparison.None, null);

        public static Expr Reduce(Expr operand, string reduction) =>
            new Expr(ExprKind.Reduce, ImmutableArray.Create(operand), 0, null, null, Comparison.None, reduction);

        /// <summary>Builds a node; recognises 1 / (1 + exp(-x)) and exp(x) / (1 + exp(x)) as sigmoid(x).</summary>
        public static Expr Create(ExprKind kind, ImmutableArray<Expr> operands)
        {
            if (kind == ExprKind.Divide && operands.Length == 2 && TryMatchSigmoid(operands[0], operands[1], out var logit))
            {
                return new Expr(ExprKind.Sigmoid, ImmutableArray.Create(logit), 0, null, null, Comparison.None, null);
            }

            return new Expr(kind, operands, 0, null, null, Comparison.None, null);
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

            if (predicate(node) && found.Add(node))
            {
                builder.Add(node);
            }

            foreach (var operand in node.Operands)
            {
                CollectCore(operand, predicate, visited, found, builder);
            }
        }

        /// <summary>The free variables (symbols and opaque nodes) this expression depends on, including those an opaque node was computed from.</summary>
        public ImmutableArray<Expr> FreeVariables() => Collect(e => e.IsVariable);

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
                    ? new Expr(node.Kind, operands.MoveToImmutable(), node.Value, node.Symbol, node.Origin, node.Comparison, node.Tag)
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
