using System.Collections.Generic;
using System.Collections.Immutable;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>
    /// FL0005: a binary cross entropy is reduced (reduction Mean/Sum, its default Mean, or mean()/sum() on it) before a
    /// weight that depends element-wise on its logits or probabilities multiplies it. Reported on the reducing call.
    /// TorchSharp only (reductions are a tensor concept); the values are followed through locals and <c>*=</c>.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ReducedBeforeWeightingAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Property key: the <see cref="ReducedBeforeWeightingFix"/> the code fix applies (absent: no fix).</summary>
        public const string FixProperty = "Fix";

        /// <summary>Property key: "mean" or "sum", the reduction to apply to the weighted loss (WrapReturn).</summary>
        public const string ReductionProperty = "Reduction";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ReducedBeforeWeighting);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            var known = KnownSymbols.Create(context.Compilation);
            if (!known.HasTorchSharp || known.Tensor == null)
            {
                return;
            }

            context.RegisterOperationBlockStartAction(block =>
            {
                var collector = new ProductCollector(known);
                block.RegisterOperationAction(collector.OnOperation, OperationKind.Binary, OperationKind.CompoundAssignment, OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(collector.OnBlockEnd);
            });
        }

        private sealed class ProductCollector
        {
            private readonly KnownSymbols _known;
            private readonly object _gate = new object();
            private List<IOperation>? _products;

            public ProductCollector(KnownSymbols known)
            {
                _known = known;
            }

            public void OnOperation(OperationAnalysisContext context)
            {
                if (ReducedBeforeWeightingAnalysis.TryGetProduct(context.Operation, _known, out _, out _))
                {
                    lock (_gate)
                    {
                        (_products ??= new List<IOperation>()).Add(context.Operation);
                    }
                }
            }

            public void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                List<IOperation>? products;
                lock (_gate)
                {
                    products = _products;
                }

                if (products == null)
                {
                    return;
                }

                products.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
                var builder = new ExpressionBuilder(_known);
                var findings = new List<ReducedCrossEntropy>();
                var weightingEnd = new Dictionary<IInvocationOperation, int>();
                foreach (var product in products)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    foreach (var reduced in ReducedBeforeWeightingAnalysis.Analyze(product, builder))
                    {
                        var end = product.Syntax.Span.End;
                        if (weightingEnd.TryGetValue(reduced.Operation, out var seen))
                        {
                            weightingEnd[reduced.Operation] = System.Math.Max(seen, end);
                            continue;
                        }

                        weightingEnd[reduced.Operation] = end;
                        findings.Add(reduced);
                    }
                }

                foreach (var reduced in findings)
                {
                    var end = weightingEnd[reduced.Operation];
                    if (reduced.Source == ReductionSource.VariableArgument && !ReducedBeforeWeightingAnalysis.VariableReachesUnguarded(reduced, end, builder))
                    {
                        continue;
                    }

                    var plan = ReducedBeforeWeightingAnalysis.Plan(reduced, end, builder);
                    var properties = ImmutableDictionary<string, string?>.Empty;
                    var additional = new List<Location>();
                    if (plan.Fix != ReducedBeforeWeightingFix.None)
                    {
                        properties = properties.Add(FixProperty, plan.Fix.ToString());
                        if (reduced.Reductions.Length == 1)
                        {
                            properties = properties.Add(ReductionProperty, reduced.Reductions[0]);
                        }

                        if (plan.Sink != null)
                        {
                            additional.Add(plan.Sink.Syntax.GetLocation());
                        }
                    }

                    var (what, when) = Describe(reduced);
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.ReducedBeforeWeighting,
                        reduced.Operation.Syntax.GetLocation(),
                        additional,
                        properties,
                        InvertedModulatingFactorAnalyzer.DisplayText(reduced.Operation.Syntax),
                        what,
                        when));
                }
            }
        }

        /// <summary>Message arguments {1} (what the cross entropy is reduced to) and {2} (when).</summary>
        internal static (string What, string When) Describe(ReducedCrossEntropy reduced) =>
            Describe(reduced.Source, reduced.Reductions, reduced.Variable?.Name);

        /// <summary>Message arguments {1} and {2} from their parts (also for tests).</summary>
        internal static (string What, string When) Describe(ReductionSource source, ImmutableArray<string> reductions, string? variable)
        {
            var what = string.Join(" or ", reductions);
            switch (source)
            {
                case ReductionSource.DefaultArgument:
                    return (what, " (Mean is the default reduction)");
                case ReductionSource.VariableArgument:
                    var members = new List<string>();
                    foreach (var r in reductions)
                    {
                        members.Add(r == "mean" ? "Mean" : r == "sum" ? "Sum" : r);
                    }

                    return (what, " when '" + variable + "' is " + string.Join(" or ", members));
                default:
                    return (what, string.Empty);
            }
        }
    }
}
