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
    public sealed class PtNotationAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Property key: how the refactoring rewrites the definition (a <see cref="DefinitionRewrite"/> name); absent when it is not offered.</summary>
        public const string RewriteProperty = "Rewrite";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PtHoldsOneMinusPt);

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
                var collector = new Collector(known);
                block.RegisterOperationAction(collector.OnOperation, OperationKind.Invocation, OperationKind.Binary, OperationKind.VariableDeclarator);
                block.RegisterOperationBlockEndAction(collector.OnBlockEnd);
            });
        }

        private sealed class Collector
        {
            private readonly KnownSymbols _known;
            private readonly object _gate = new object();
            private readonly List<FocalSite> _sites = new List<FocalSite>();
            private List<IVariableDeclaratorOperation>? _declarators;
            private bool _hasProbabilitySource;

            public Collector(KnownSymbols known)
            {
                _known = known;
            }

            public void OnOperation(OperationAnalysisContext context)
            {
                var operation = context.Operation;
                if (operation is IVariableDeclaratorOperation declarator)
                {
                    if (declarator.Symbol != null && PtNotationAnalysis.IsPtLikeName(declarator.Symbol.Name))
                    {
                        lock (_gate)
                        {
                            (_declarators ??= new List<IVariableDeclaratorOperation>()).Add(declarator);
                        }
                    }

                    return;
                }

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
                        _sites.Add(site);
                    }
                }
            }

            public void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                List<IVariableDeclaratorOperation>? declarators;
                List<FocalSite> sites;
                lock (_gate)
                {
                    declarators = _hasProbabilitySource && _sites.Count > 0 ? _declarators : null;
                    sites = new List<FocalSite>(_sites);
                }

                if (declarators == null)
                {
                    return;
                }

                var builder = new ExpressionBuilder(_known);
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
