using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
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
    public sealed class ReducedBeforeWeightingAnalyzer : FocalAnalyzerBase
    {
        /// <summary>Property key: the <see cref="ReducedBeforeWeightingFix"/> the code fix applies (absent: no fix).</summary>
        public const string FixProperty = "Fix";

        /// <summary>Property key: "mean" or "sum", the reduction to apply to the weighted loss (WrapReturn).</summary>
        public const string ReductionProperty = "Reduction";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ReducedBeforeWeighting);

        public ReducedBeforeWeightingAnalyzer()
            : base(OperationKind.Binary, OperationKind.CompoundAssignment, OperationKind.Invocation)
        {
        }

        private protected override bool AppliesTo(CompilationFacts facts, CancellationToken cancellationToken) =>
            facts.Known.HasTorchSharp && facts.Known.Tensor != null;

        private protected override System.Func<BlockCollector> CollectorFactory(Compilation compilation, KnownSymbols known) => () => new ProductCollector(known);

        private sealed class ProductCollector : BlockCollector
        {
            private List<IOperation>? _products;

            public ProductCollector(KnownSymbols known)
                : base(known)
            {
            }

            public override void OnOperation(OperationAnalysisContext context)
            {
                if (ReducedBeforeWeightingAnalysis.TryGetProduct(context.Operation, Known, out _, out _))
                {
                    Add(ref _products, context.Operation);
                }
            }

            public override void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                var products = Collected(ref _products, requireProbabilitySource: false);
                if (products == null)
                {
                    return;
                }

                products.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
                var builder = Builder!;
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
                        DisplayText(reduced.Operation.Syntax),
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
