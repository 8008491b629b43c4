using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>
    /// The plumbing every focal-loss analyzer shares: concurrent execution, no generated code, the known symbols
    /// resolved once per compilation, nothing registered in a compilation the rule cannot apply to
    /// (<see cref="AppliesTo"/>), and one <see cref="BlockCollector"/> per operation block that collects the
    /// rule's candidate operations and analyses them when the block ends.
    /// </summary>
    public abstract class FocalAnalyzerBase : DiagnosticAnalyzer
    {
        private readonly ImmutableArray<OperationKind> _operationKinds;

        /// <param name="operationKinds">The operations the collector sees.</param>
        private protected FocalAnalyzerBase(params OperationKind[] operationKinds)
        {
            _operationKinds = ImmutableArray.Create(operationKinds);
        }

        public sealed override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        /// <summary>The expression as written, on one line (message argument {0}).</summary>
        internal static string DisplayText(SyntaxNode syntax)
        {
            var text = syntax.ToString();
            var builder = new StringBuilder(text.Length);
            var space = false;
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    space = true;
                    continue;
                }

                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                space = false;
                builder.Append(c);
            }

            return builder.ToString();
        }

        /// <summary>
        /// Whether the rule can report in <paramref name="compilation"/>; when false nothing is registered. By default:
        /// the compilation references TorchSharp or holds scalar focal-loss candidates (<see cref="ScalarCandidates"/>).
        /// </summary>
        private protected virtual bool AppliesTo(CompilationFacts facts, CancellationToken cancellationToken) =>
            facts.Known.HasTorchSharp || facts.HasScalarCandidates(cancellationToken);

        /// <summary>Makes the per-block collector factory, once per compilation the rule applies to (resolve extra symbols here).</summary>
        private protected abstract System.Func<BlockCollector> CollectorFactory(Compilation compilation, KnownSymbols known);

        private void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            var facts = CompilationFacts.For(context.Compilation);
            if (!AppliesTo(facts, context.CancellationToken))
            {
                return;
            }

            var create = CollectorFactory(context.Compilation, facts.Known);
            var kinds = _operationKinds;
            context.RegisterOperationBlockStartAction(block =>
            {
                var collector = create();
                block.RegisterOperationAction(collector.OnOperation, kinds);
                block.RegisterOperationBlockEndAction(collector.AnalyzeBlock);
            });
        }
    }

    /// <summary>
    /// The state of one operation block: <see cref="OnOperation"/> collects candidates (possibly from several threads,
    /// under one lock), <see cref="OnBlockEnd"/> analyses them and reports.
    /// </summary>
    internal abstract class BlockCollector
    {
        private readonly object _gate = new object();
        private bool _hasProbabilitySource;
        private bool _collected;

        protected BlockCollector(KnownSymbols known)
        {
            Known = known;
        }

        protected KnownSymbols Known { get; }

        public abstract void OnOperation(OperationAnalysisContext context);

        public abstract void OnBlockEnd(OperationBlockAnalysisContext context);

        /// <summary>
        /// Runs <see cref="OnBlockEnd"/> in the block's own <see cref="ExprContext"/> (interned expressions, shared
        /// numeric values, the work budget); past the budget the block's analysis stops without a diagnostic.
        /// </summary>
        public void AnalyzeBlock(OperationBlockAnalysisContext context)
        {
            lock (_gate)
            {
                if (!_collected)
                {
                    return;
                }
            }

            // The block's model is shared with the other rules; past its budget the query stops without a diagnostic.
            var model = BlockModel.For(context.OperationBlocks, Known);
            model?.Query(builder =>
            {
                Builder = builder;
                try
                {
                    OnBlockEnd(context);
                }
                finally
                {
                    Builder = null;
                }
            });
        }

        /// <summary>The block's shared expression builder, while <see cref="OnBlockEnd"/> runs.</summary>
        protected ExpressionBuilder? Builder { get; private set; }

        /// <summary>
        /// Notes that the block computes something a probability can come from: a TorchSharp function, or
        /// <c>Math.Exp</c>/<c>MathF.Exp</c> (a scalar sigmoid needs one).
        /// </summary>
        protected void NoteProbabilitySource(IOperation operation)
        {
            if (operation is IInvocationOperation invocation)
            {
                var type = invocation.TargetMethod.ContainingType;
                if (Known.IsTorchFunctionContainer(type) || (Known.IsMath(type) && invocation.TargetMethod.Name == "Exp"))
                {
                    lock (_gate)
                    {
                        _hasProbabilitySource = true;
                    }
                }
            }
        }

        /// <summary>Adds <paramref name="item"/> to <paramref name="list"/> (created on first use) under the block's lock.</summary>
        protected void Add<T>(ref List<T>? list, T item)
        {
            lock (_gate)
            {
                (list ??= new List<T>()).Add(item);
                _collected = true;
            }
        }

        /// <summary>
        /// The collected <paramref name="list"/>, or null when nothing was collected or, with
        /// <paramref name="requireProbabilitySource"/>, when the block computes no probability.
        /// </summary>
        protected List<T>? Collected<T>(ref List<T>? list, bool requireProbabilitySource)
        {
            lock (_gate)
            {
                return requireProbabilitySource && !_hasProbabilitySource ? null : list;
            }
        }
    }

    /// <summary>
    /// What every rule needs to know about a compilation, computed once for all of them: the known symbols and
    /// whether, without TorchSharp, the source can hold a scalar focal loss.
    /// </summary>
    internal sealed class CompilationFacts
    {
        private static readonly ConditionalWeakTable<Compilation, CompilationFacts> s_facts = new ConditionalWeakTable<Compilation, CompilationFacts>();

        private readonly Compilation _compilation;
        private readonly object _gate = new object();
        private bool? _hasScalarCandidates;

        private CompilationFacts(Compilation compilation)
        {
            _compilation = compilation;
            Known = KnownSymbols.Create(compilation);
        }

        public KnownSymbols Known { get; }

        /// <summary>The facts of <paramref name="compilation"/>, shared by every rule.</summary>
        public static CompilationFacts For(Compilation compilation) => s_facts.GetValue(compilation, c => new CompilationFacts(c));

        /// <summary>Whether the source names an <c>Exp</c> member (<see cref="ScalarCandidates"/>); computed once.</summary>
        public bool HasScalarCandidates(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_hasScalarCandidates == null)
                {
                    _hasScalarCandidates = ScalarCandidates.Exist(_compilation, cancellationToken);
                }

                return _hasScalarCandidates.Value;
            }
        }
    }

    /// <summary>
    /// The cheap pre-check for compilations without TorchSharp: a scalar focal loss needs a sigmoid, which plain
    /// C# writes with Math.Exp/MathF.Exp, so a compilation whose source never has the word <c>Exp</c> cannot hold
    /// one. A search of each tree's text for the whole word (no tokens, no syntax nodes, no semantic model); the
    /// blocks are then judged by the invocations the compiler bound (<see cref="BlockCollector"/>).
    /// </summary>
    internal static class ScalarCandidates
    {
        private const int Chunk = 8192;

        // buffer: Chunk + 4 characters.

        public static bool Exist(Compilation compilation, CancellationToken cancellationToken)
        {
            var buffer = new char[Chunk + 4];
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (HasWord(tree.GetText(cancellationToken), buffer))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether <paramref name="text"/> has "Exp" with no identifier character on either side.</summary>
        internal static bool HasWord(SourceText text, char[] buffer)
        {
            // Each chunk is read with one character before it and three after, so every word that starts in the
            // chunk is seen with both neighbours.
            var length = text.Length;
            for (var start = 0; start < length; start += Chunk)
            {
                var from = start == 0 ? 0 : start - 1;
                var count = Math.Min(length - from, Chunk + 4);
                text.CopyTo(from, buffer, 0, count);
                var end = Math.Min(start + Chunk, length);
                for (var position = start; position < end; position++)
                {
                    var i = position - from;
                    if (i + 2 < count && buffer[i] == 'E' && buffer[i + 1] == 'x' && buffer[i + 2] == 'p'
                        && (position == 0 || !IsIdentifierChar(buffer[i - 1]))
                        && (i + 3 >= count || !IsIdentifierChar(buffer[i + 3])))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.ConnectorPunctuation;
    }
}
