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
    /// FL0002: the focal alpha balance is inverted, t*(1-alpha) + (1-t)*alpha where t*alpha + (1-t)*(1-alpha)
    /// is meant (also as <c>torch.where</c>, <c>?:</c>, or folded into the explicit two-branch loss). Judges what the
    /// expression evaluates to and reports it only where its value weights a focal loss; never looks at names.
    /// Reported on the balance expression (for the two-branch form, on the whole two-branch expression).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class InvertedAlphaBalanceAnalyzer : FocalAnalyzerBase
    {
        /// <summary>Property key: present ("Swap") when the fix can exchange two operands to correct the balance.</summary>
        public const string FixProperty = "Fix";

        /// <summary>The value of <see cref="FixProperty"/>.</summary>
        public const string SwapFix = "Swap";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvertedAlphaBalance);

        public InvertedAlphaBalanceAnalyzer()
            : base(OperationKind.Invocation, OperationKind.Binary, OperationKind.Conditional)
        {
        }

        private protected override System.Func<BlockCollector> CollectorFactory(Compilation compilation, KnownSymbols known) => () => new CandidateCollector(known);

        private sealed class CandidateCollector : BlockCollector
        {
            private List<IOperation>? _candidates;

            public CandidateCollector(KnownSymbols known)
                : base(known)
            {
            }

            public override void OnOperation(OperationAnalysisContext context)
            {
                var operation = context.Operation;
                NoteProbabilitySource(operation);
                if (InvertedAlphaBalanceAnalysis.IsCandidate(operation, Known))
                {
                    Add(ref _candidates, operation);
                }
            }

            public override void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                var candidates = Collected(ref _candidates, requireProbabilitySource: true);
                if (candidates == null)
                {
                    return;
                }

                var builder = Builder!;
                var findings = new List<AlphaBalanceFinding>();
                foreach (var candidate in candidates)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    var finding = InvertedAlphaBalanceAnalysis.Analyze(candidate, builder);
                    if (finding != null && finding.Form == BalanceForm.Inverted)
                    {
                        findings.Add(finding);
                    }
                }

                foreach (var finding in findings)
                {
                    if (ContainsAnother(finding, findings))
                    {
                        continue; // the innermost inverted expression is the one to edit (e.g. inside an alpha >= 0 guard)
                    }

                    var properties = finding.Slots != null
                        ? ImmutableDictionary<string, string?>.Empty.Add(FixProperty, SwapFix)
                        : ImmutableDictionary<string, string?>.Empty;
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.InvertedAlphaBalance,
                        finding.Operation.Syntax.GetLocation(),
                        properties,
                        DisplayText(finding.Operation.Syntax),
                        "1 - " + finding.AlphaName,
                        finding.AlphaName));
                }
            }

            private static bool ContainsAnother(AlphaBalanceFinding finding, List<AlphaBalanceFinding> findings)
            {
                var span = finding.Operation.Syntax.Span;
                foreach (var other in findings)
                {
                    var inner = other.Operation.Syntax.Span;
                    if (!ReferenceEquals(other, finding) && span.Contains(inner) && span != inner)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }
}
