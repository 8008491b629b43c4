using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

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
        private protected virtual bool AppliesTo(Compilation compilation, KnownSymbols known, CancellationToken cancellationToken) =>
            known.HasTorchSharp || ScalarCandidates.Exist(compilation, cancellationToken);

        /// <summary>Makes the per-block collector factory, once per compilation the rule applies to (resolve extra symbols here).</summary>
        private protected abstract System.Func<BlockCollector> CollectorFactory(Compilation compilation, KnownSymbols known);

        private void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            var known = KnownSymbols.Create(context.Compilation);
            if (!AppliesTo(context.Compilation, known, context.CancellationToken))
            {
                return;
            }

            var create = CollectorFactory(context.Compilation, known);
            var kinds = _operationKinds;
            context.RegisterOperationBlockStartAction(block =>
            {
                var collector = create();
                block.RegisterOperationAction(collector.OnOperation, kinds);
                block.RegisterOperationBlockEndAction(collector.OnBlockEnd);
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

        protected BlockCollector(KnownSymbols known)
        {
            Known = known;
        }

        protected KnownSymbols Known { get; }

        public abstract void OnOperation(OperationAnalysisContext context);

        public abstract void OnBlockEnd(OperationBlockAnalysisContext context);

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
    /// The cheap pre-check for compilations without TorchSharp: a scalar focal loss needs a sigmoid,
    /// which plain C# writes with Math.Exp/MathF.Exp, so a compilation whose source never names an
    /// <c>Exp</c> member cannot hold one. One token scan per tree, no semantic model.
    /// </summary>
    internal static class ScalarCandidates
    {
        public static bool Exist(Compilation compilation, CancellationToken cancellationToken)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                var root = tree.GetRoot(cancellationToken);
                foreach (var token in root.DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == "Exp")
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
