using System;
using System.Collections.Generic;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>
    /// The shared state of one analysis (one operation block, or one code fix): the table that interns every
    /// <see cref="Expr"/> built while the context is current (hash-consing: structurally equal nodes are one object,
    /// so equality is a reference comparison and every traversal can be memoised on the node), the numeric memo
    /// shared by every evaluation with the same variable values, and the work budget. Current per thread
    /// (<see cref="Enter"/>); one thread at a time uses a context.
    /// </summary>
    internal sealed class ExprContext
    {
        /// <summary>The work one query may do (built operations, interned nodes, numeric evaluations of uncached nodes, traversal steps).</summary>
        public const long DefaultBudget = 1_000_000;

        /// <summary>The work all queries over one block may do together.</summary>
        public const long DefaultTotalBudget = 3_000_000;

        [ThreadStatic]
        private static ExprContext? t_current;

        private readonly Dictionary<Expr, Expr> _table = new Dictionary<Expr, Expr>(ShallowComparer.Instance);
        private readonly Dictionary<Assignment, Dictionary<Expr, double>> _numeric = new Dictionary<Assignment, Dictionary<Expr, double>>();
        private readonly Dictionary<Expr, ProbabilityClassification> _classifications = new Dictionary<Expr, ProbabilityClassification>(Expr.ReferenceEqualityComparer.Instance);
        private int _nextId;

        private long _queryStart;

        public ExprContext(long budget = DefaultBudget, long totalBudget = DefaultTotalBudget)
        {
            Budget = budget;
            TotalBudget = totalBudget;
        }

        /// <summary>The context of the analysis running on this thread, or null.</summary>
        public static ExprContext? Current => t_current;

        /// <summary>The work allowed to one query (<see cref="BeginQuery"/>).</summary>
        public long Budget { get; }

        /// <summary>The work allowed to every query together.</summary>
        public long TotalBudget { get; }

        /// <summary>The work done so far.</summary>
        public long Work { get; private set; }

        /// <summary>Distinct nodes interned.</summary>
        public int Nodes => _table.Count;

        /// <summary>Makes this context current on the thread until the scope is disposed.</summary>
        public Scope Enter()
        {
            var previous = t_current;
            t_current = this;
            return new Scope(previous);
        }

        /// <summary>Starts a query (one rule's analysis of the block): it gets a budget of its own; work already cached is free.</summary>
        public void BeginQuery() => _queryStart = Work;

        /// <summary>Counts <paramref name="units"/> of work; past the budget the analysis stops (<see cref="AnalysisBudgetExceededException"/>).</summary>
        public void Charge(long units)
        {
            Work += units;
            if (Work - _queryStart > Budget || Work > TotalBudget)
            {
                throw new AnalysisBudgetExceededException();
            }
        }

        /// <summary>Charges the current context, if any.</summary>
        public static void ChargeCurrent(long units) => t_current?.Charge(units);

        /// <summary>The interned node equal to <paramref name="candidate"/> (all of whose operands are interned here).</summary>
        internal Expr Intern(Expr candidate)
        {
            if (_table.TryGetValue(candidate, out var existing))
            {
                return existing;
            }

            Charge(1);
            candidate.SetInterned(this, _nextId++);
            _table.Add(candidate, candidate);
            return candidate;
        }

        /// <summary>The memoised <see cref="FocalMath.Classify(Expr)"/> of an interned node.</summary>
        internal bool TryGetClassification(Expr expr, out ProbabilityClassification classification) => _classifications.TryGetValue(expr, out classification);

        internal void SetClassification(Expr expr, ProbabilityClassification classification) => _classifications[expr] = classification;

        /// <summary>The memo of node values for one assignment of the free variables (null when the variables are not all interned here).</summary>
        internal Dictionary<Expr, double>? NumericMemo(IReadOnlyDictionary<Expr, double> variables)
        {
            var key = Assignment.Create(this, variables);
            if (key == null)
            {
                return null;
            }

            if (!_numeric.TryGetValue(key, out var memo))
            {
                memo = new Dictionary<Expr, double>(Expr.ReferenceEqualityComparer.Instance);
                _numeric.Add(key, memo);
            }

            return memo;
        }

        public readonly struct Scope : IDisposable
        {
            private readonly ExprContext? _previous;

            internal Scope(ExprContext? previous)
            {
                _previous = previous;
            }

            public void Dispose() => t_current = _previous;
        }

        /// <summary>Node identity one level deep: the operands are already interned, so they compare by reference.</summary>
        private sealed class ShallowComparer : IEqualityComparer<Expr>
        {
            public static readonly ShallowComparer Instance = new ShallowComparer();

            public bool Equals(Expr? x, Expr? y)
            {
                if (ReferenceEquals(x, y))
                {
                    return true;
                }

                if (x is null || y is null || x.GetHashCode() != y.GetHashCode() || x.Kind != y.Kind || x.Operands.Length != y.Operands.Length
                    || !x.Value.Equals(y.Value) || !ReferenceEquals(x.Origin, y.Origin) || x.Comparison != y.Comparison || x.Tag != y.Tag
                    || !Microsoft.CodeAnalysis.SymbolEqualityComparer.Default.Equals(x.Symbol, y.Symbol))
                {
                    return false;
                }

                for (var i = 0; i < x.Operands.Length; i++)
                {
                    if (!ReferenceEquals(x.Operands[i], y.Operands[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            public int GetHashCode(Expr obj) => obj.GetHashCode();
        }

        /// <summary>The values of interned variables, as a key (sorted by node id).</summary>
        private sealed class Assignment : IEquatable<Assignment>
        {
            private readonly int[] _ids;
            private readonly long[] _values;
            private readonly int _hash;

            private Assignment(int[] ids, long[] values)
            {
                _ids = ids;
                _values = values;
                var hash = ids.Length;
                for (var i = 0; i < ids.Length; i++)
                {
                    hash = unchecked((hash * 31) + ids[i]);
                    hash = unchecked((hash * 31) + values[i].GetHashCode());
                }

                _hash = hash;
            }

            public static Assignment? Create(ExprContext context, IReadOnlyDictionary<Expr, double> variables)
            {
                var pairs = new KeyValuePair<int, long>[variables.Count];
                var i = 0;
                foreach (var pair in variables)
                {
                    if (!pair.Key.IsInternedIn(context))
                    {
                        return null;
                    }

                    pairs[i++] = new KeyValuePair<int, long>(pair.Key.Id, BitConverter.DoubleToInt64Bits(pair.Value));
                }

                Array.Sort(pairs, (a, b) => a.Key.CompareTo(b.Key));
                var ids = new int[pairs.Length];
                var values = new long[pairs.Length];
                for (var j = 0; j < pairs.Length; j++)
                {
                    ids[j] = pairs[j].Key;
                    values[j] = pairs[j].Value;
                }

                return new Assignment(ids, values);
            }

            public bool Equals(Assignment? other)
            {
                if (other is null || other._hash != _hash || other._ids.Length != _ids.Length)
                {
                    return false;
                }

                for (var i = 0; i < _ids.Length; i++)
                {
                    if (_ids[i] != other._ids[i] || _values[i] != other._values[i])
                    {
                        return false;
                    }
                }

                return true;
            }

            public override bool Equals(object? obj) => obj is Assignment other && Equals(other);

            public override int GetHashCode() => _hash;
        }
    }

    /// <summary>An analysis ran past its work budget: it stops without a diagnostic (caught where the analysis starts).</summary>
    internal sealed class AnalysisBudgetExceededException : Exception
    {
        public AnalysisBudgetExceededException()
            : base("The focal-loss analysis of this method ran past its work budget.")
        {
        }
    }
}
