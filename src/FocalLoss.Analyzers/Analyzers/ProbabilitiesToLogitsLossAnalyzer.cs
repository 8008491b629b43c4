using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>
    /// FL0003: a probability (a value that evaluates to a sigmoid) is passed as the logits of a loss that
    /// applies the sigmoid itself: <c>torch.nn.functional.binary_cross_entropy_with_logits</c> and
    /// <c>torchvision.ops.sigmoid_focal_loss</c>. Decided by what the argument evaluates to (through locals,
    /// <c>1 - p</c>, clamps, dtype and shape changes), never by names. Reported on the argument.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ProbabilitiesToLogitsLossAnalyzer : FocalAnalyzerBase
    {
        /// <summary>Property key: present (value "true" or "false") when the fix can pass the logits; "true" means pass their negation.</summary>
        public const string NegatedProperty = "Negated";

        /// <summary>TorchSharp's torchvision.ops (TorchVision assembly).</summary>
        public const string TorchVisionOpsMetadataName = "TorchSharp.torchvision+ops";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ProbabilitiesToLogitsLoss);

        public ProbabilitiesToLogitsLossAnalyzer()
            : base(OperationKind.Invocation)
        {
        }

        private protected override bool AppliesTo(CompilationFacts facts, CancellationToken cancellationToken) =>
            facts.Known.HasTorchSharp && facts.Known.Functional != null;

        private protected override System.Func<BlockCollector> CollectorFactory(Compilation compilation, KnownSymbols known)
        {
            var ops = compilation.GetTypeByMetadataName(TorchVisionOpsMetadataName);
            return () => new Collector(known, ops);
        }

        /// <summary>The name of the logits loss <paramref name="method"/> is, or null.</summary>
        internal static string? LogitsLossName(IMethodSymbol method, KnownSymbols known, INamedTypeSymbol? ops)
        {
            var type = method.ContainingType?.OriginalDefinition;
            if (type == null || !method.IsStatic)
            {
                return null;
            }

            if (method.Name == "binary_cross_entropy_with_logits" && SymbolEqualityComparer.Default.Equals(type, known.Functional))
            {
                return method.Name;
            }

            if (method.Name == "sigmoid_focal_loss" && ops != null && SymbolEqualityComparer.Default.Equals(type, ops))
            {
                return method.Name;
            }

            return null;
        }

        /// <summary>True when <paramref name="value"/> is a probability: sigmoid(z), or p / 1 - p of one logit by the evaluator.</summary>
        internal static bool IsProbability(Expr value)
        {
            if (value.Kind == ExprKind.Sigmoid)
            {
                return true;
            }

            if (!value.ContainsKind(ExprKind.Sigmoid))
            {
                return false;
            }

            var form = FocalMath.Classify(value).Form;
            return form == ProbabilityForm.P || form == ProbabilityForm.OneMinusP;
        }

        private sealed class Collector : BlockCollector
        {
            private readonly INamedTypeSymbol? _ops;
            private List<(IInvocationOperation Call, string Name)>? _calls;

            public Collector(KnownSymbols known, INamedTypeSymbol? ops)
                : base(known)
            {
                _ops = ops;
            }

            public override void OnOperation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                var name = LogitsLossName(invocation.TargetMethod, Known, _ops);
                if (name != null)
                {
                    Add(ref _calls, (invocation, name));
                }
            }

            public override void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                var calls = Collected(ref _calls, requireProbabilitySource: false);
                if (calls == null)
                {
                    return;
                }

                var builder = Builder!;
                foreach (var (call, name) in calls)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    var argument = ExpressionBuilder.Argument(call, 0);
                    if (argument == null || argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Value == null)
                    {
                        continue;
                    }

                    var value = argument.Value;
                    if (!IsProbability(builder.Build(value)))
                    {
                        continue;
                    }

                    var syntax = argument.Syntax is ArgumentSyntax written ? written.Expression : value.Syntax;
                    var properties = ImmutableDictionary<string, string?>.Empty;
                    var additional = ImmutableArray<Location>.Empty;
                    if (SigmoidOperand.TryFind(value, value, builder, out var operand, out var negated, out _))
                    {
                        properties = properties.Add(NegatedProperty, negated ? "true" : "false");
                        additional = ImmutableArray.Create(operand!.Syntax.GetLocation());
                    }

                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.ProbabilitiesToLogitsLoss,
                        syntax.GetLocation(),
                        additional,
                        properties,
                        DisplayText(syntax),
                        name));
                }
            }
        }
    }
}
