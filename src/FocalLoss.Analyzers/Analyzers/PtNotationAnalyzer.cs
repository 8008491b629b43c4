using System.Collections.Generic;
using System.Collections.Immutable;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>
    /// FL0006 (information): a local named like p_t holds 1 - p_t and is raised to gamma directly, as in OpenPCDet and
    /// MMDetection. The loss is correct; the notation differs from the paper. Reported on the local's name in its
    /// declaration. Not reported where FL0001 reports a power that depends on the local (one diagnostic, the warning).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PtNotationAnalyzer : FocalAnalyzerBase
    {
        /// <summary>Property key: how the refactoring rewrites the definition (a <see cref="DefinitionRewrite"/> name); absent when it is not offered.</summary>
        public const string RewriteProperty = "Rewrite";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PtHoldsOneMinusPt);

        public PtNotationAnalyzer()
            : base(OperationKind.Invocation, OperationKind.Binary, OperationKind.VariableDeclarator)
        {
        }

        private protected override System.Func<BlockCollector> CollectorFactory(Compilation compilation, KnownSymbols known) => () => new Collector(known);

        private sealed class Collector : BlockCollector
        {
            private List<FocalSite>? _sites;
            private List<IVariableDeclaratorOperation>? _declarators;

            public Collector(KnownSymbols known)
                : base(known)
            {
            }

            public override void OnOperation(OperationAnalysisContext context)
            {
                var operation = context.Operation;
                if (operation is IVariableDeclaratorOperation declarator)
                {
                    if (declarator.Symbol != null && PtNotationAnalysis.IsPtLikeName(declarator.Symbol.Name))
                    {
                        Add(ref _declarators, declarator);
                    }

                    return;
                }

                NoteProbabilitySource(operation);
                var site = FocalSite.TryCreate(operation, Known);
                if (site != null)
                {
                    Add(ref _sites, site);
                }
            }

            public override void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                // Only where the block computes a probability and raises something to a power.
                var sites = Collected(ref _sites, requireProbabilitySource: true);
                var declarators = sites == null ? null : Collected(ref _declarators, requireProbabilitySource: false);
                if (sites == null || declarators == null)
                {
                    return;
                }

                var builder = Builder!;
                var flagged = new List<FocalSite>();
                foreach (var site in sites)
                {
                    if (InvertedModulatingFactorAnalysis.Analyze(site, builder) != ModulatingVerdict.None)
                    {
                        flagged.Add(site);
                    }
                }

                foreach (var declarator in declarators)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    var finding = PtNotationAnalysis.Analyze(declarator, sites, flagged, builder);
                    if (finding == null || !(declarator.Syntax is VariableDeclaratorSyntax syntax))
                    {
                        continue;
                    }

                    var properties = finding.Rewrite == DefinitionRewrite.None
                        ? ImmutableDictionary<string, string?>.Empty
                        : ImmutableDictionary<string, string?>.Empty.Add(RewriteProperty, finding.Rewrite.ToString());
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.PtHoldsOneMinusPt,
                        syntax.Identifier.GetLocation(),
                        properties,
                        finding.Local.Name,
                        finding.Exponent));
                }
            }
        }
    }
}
