using System;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>
    /// What one operation block computes, built once and shared by every rule: one <see cref="ExpressionBuilder"/>
    /// (the values of locals, fields and calls as the evaluator sees them, with the block's local-write index) over
    /// one <see cref="ExprContext"/> (interned expressions, numeric values, the work budget). Rules are queries run
    /// one at a time (<see cref="Query"/>); each gets its own share of the budget, and past it stops without a
    /// diagnostic. Kept as long as the block's operation tree lives, so the six analyzers that visit the same block
    /// find the same model.
    /// </summary>
    internal sealed class BlockModel
    {
        private static readonly ConditionalWeakTable<IOperation, BlockModel> s_models = new ConditionalWeakTable<IOperation, BlockModel>();

        private readonly object _gate = new object();
        private readonly ExprContext _context = new ExprContext();
        private readonly ExpressionBuilder _builder;

        private static int s_created;

        private BlockModel(KnownSymbols known)
        {
            System.Threading.Interlocked.Increment(ref s_created);
            using (_context.Enter())
            {
                _builder = new ExpressionBuilder(known);
            }
        }

        /// <summary>How many models this process has built (instrumentation for measurements).</summary>
        internal static int Created => s_created;

        /// <summary>The model of the block whose first operation block is <paramref name="blocks"/>[0].</summary>
        public static BlockModel? For(ImmutableArray<IOperation> blocks, KnownSymbols known)
        {
            if (blocks.IsDefaultOrEmpty || blocks[0] == null)
            {
                return null;
            }

            return s_models.GetValue(blocks[0], _ => new BlockModel(known));
        }

        /// <summary>
        /// Runs one rule's query over the model (under its lock, in its context). Returns false when the query ran
        /// past its budget and was stopped.
        /// </summary>
        public bool Query(Action<ExpressionBuilder> query)
        {
            lock (_gate)
            {
                using (_context.Enter())
                {
                    _context.BeginQuery();
                    try
                    {
                        query(_builder);
                        return true;
                    }
                    catch (AnalysisBudgetExceededException)
                    {
                        return false;
                    }
                }
            }
        }
    }
}
