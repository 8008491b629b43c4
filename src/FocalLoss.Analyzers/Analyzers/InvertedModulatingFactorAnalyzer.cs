using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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
    public sealed class InvertedModulatingFactorAnalyzer : DiagnosticAnalyzer
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

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            var known = KnownSymbols.Create(context.Compilation);
            if (!known.HasTorchSharp && !ScalarCandidates.Exist(context.Compilation, context.CancellationToken))
            {
                return;
            }

            context.RegisterOperationBlockStartAction(block =>
            {
                var collector = new SiteCollector(known);
                block.RegisterOperationAction(collector.OnOperation, OperationKind.Invocation, OperationKind.Binary);
                block.RegisterOperationBlockEndAction(collector.OnBlockEnd);
            });
        }

        private sealed class SiteCollector
        {
            private readonly KnownSymbols _known;
            private readonly object _gate = new object();
            private List<FocalSite>? _sites;
            private bool _hasProbabilitySource;

            public SiteCollector(KnownSymbols known)
            {
                _known = known;
            }

            public void OnOperation(OperationAnalysisContext context)
            {
                var operation = context.Operation;
                if (operation is IInvocationOperation invocation)
                {
                    var type = invocation.TargetMethod.ContainingType;
                    if (_known.IsTorchFunctionContainer(type) || (_known.IsMath(type) && invocation.TargetMethod.Name == "Exp"))
                    {
                        lock (_gate)
                        {
                            _hasProbabilitySource = true;
                        }
                    }
                }

                var site = FocalSite.TryCreate(operation, _known);
                if (site != null)
                {
                    lock (_gate)
                    {
                        (_sites ??= new List<FocalSite>()).Add(site);
                    }
                }
            }

            public void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                List<FocalSite>? sites;
                lock (_gate)
                {
                    sites = _hasProbabilitySource ? _sites : null;
                }

                if (sites == null)
                {
                    return;
                }

                var builder = new ExpressionBuilder(_known);
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

        /// <summary>The expression as written, on one line.</summary>
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
