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
    /// FL0001: the focal weight is p_t^gamma where (1 - p_t)^gamma is meant. Judges what the base
    /// of each power (pow, Math.Pow, square, b * b) evaluates to; never looks at variable names.
    /// Reported on the whole power expression (<c>pt.pow(gamma)</c>, <c>Math.Pow(pt, gamma)</c>, <c>pt * pt</c>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class InvertedModulatingFactorAnalyzer : FocalAnalyzerBase
    {
        /// <summary>Property key: where the base is (<see cref="FocalSiteShape"/> name).</summary>
        public const string ShapeProperty = "Shape";

        /// <summary>Property key: the fix to apply (<see cref="RemoveOneMinus"/> or <see cref="WrapOneMinus"/>).</summary>
        public const string FixProperty = "Fix";

        /// <summary>The base is written <c>1 - e</c>: the fix replaces it by <c>e</c>.</summary>
        public const string RemoveOneMinus = "RemoveOneMinus";

        /// <summary>The fix replaces the base <c>b</c> by <c>1 - b</c>.</summary>
        public const string WrapOneMinus = "WrapOneMinus";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvertedModulatingFactor);

        public InvertedModulatingFactorAnalyzer()
            : base(OperationKind.Invocation, OperationKind.Binary)
        {
        }

        private protected override System.Func<BlockCollector> CollectorFactory(Compilation compilation, KnownSymbols known) => () => new SiteCollector(known);

        private sealed class SiteCollector : BlockCollector
        {
            private List<FocalSite>? _sites;

            public SiteCollector(KnownSymbols known)
                : base(known)
            {
            }

            public override void OnOperation(OperationAnalysisContext context)
            {
                var operation = context.Operation;
                NoteProbabilitySource(operation);
                var site = FocalSite.TryCreate(operation, Known);
                if (site != null)
                {
                    Add(ref _sites, site);
                }
            }

            public override void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                var sites = Collected(ref _sites, requireProbabilitySource: true);
                if (sites == null)
                {
                    return;
                }

                var builder = Builder!;
                foreach (var site in sites)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    var verdict = InvertedModulatingFactorAnalysis.Analyze(site, builder);
                    if (verdict == ModulatingVerdict.None)
                    {
                        continue;
                    }

                    var fix = InvertedModulatingFactorAnalysis.IsOneMinus(site.Base, builder, out _) ? RemoveOneMinus : WrapOneMinus;
                    var properties = ImmutableDictionary<string, string?>.Empty
                        .Add(ShapeProperty, site.Shape.ToString())
                        .Add(FixProperty, fix);
                    var (weight, meant) = Describe(verdict, site.IsSquare);
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.InvertedModulatingFactor,
                        site.Operation.Syntax.GetLocation(),
                        properties,
                        DisplayText(site.Operation.Syntax),
                        weight,
                        meant));
                }
            }
        }

        /// <summary>Message arguments {1} and {2} for a verdict.</summary>
        internal static (string Weight, string Meant) Describe(ModulatingVerdict verdict, bool square)
        {
            var power = square ? "^2" : "^gamma";
            switch (verdict)
            {
                case ModulatingVerdict.PositiveBranchP:
                    return ("p" + power + " on the positive (t = 1) branch", "(1 - p)" + power);
                case ModulatingVerdict.NegativeBranchOneMinusP:
                    return ("(1 - p)" + power + " on the negative (t = 0) branch", "p" + power);
                default:
                    return ("p_t" + power, "(1 - p_t)" + power);
            }
        }
    }
}
