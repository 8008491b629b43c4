using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Tests.Verification.Samples
{
    /// <summary>
    /// A minimal well-behaved analyzer for the test layer's own tests: SMP001 on every integer literal 42. Subclasses
    /// break one habit each, so that a test can show the layer's check for that habit fails.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public class FortyTwoAnalyzer : DiagnosticAnalyzer
    {
        public const string Id = "SMP001";

        public static readonly DiagnosticDescriptor Rule = new(Id, "The literal 42", "'{0}' is 42", "Sample", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

        protected virtual DiagnosticDescriptor Descriptor => Rule;

        protected virtual GeneratedCodeAnalysisFlags GeneratedCode => GeneratedCodeAnalysisFlags.None;

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode);
            context.RegisterOperationAction(
                c =>
                {
                    if (c.Operation is ILiteralOperation { ConstantValue: { HasValue: true, Value: 42 } })
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Descriptor, c.Operation.Syntax.GetLocation(), c.Operation.Syntax.ToString()));
                    }
                },
                OperationKind.Literal);
        }
    }

    /// <summary>Broken: analyzes and reports in generated code.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ReportsInGeneratedCodeAnalyzer : FortyTwoAnalyzer
    {
        protected override GeneratedCodeAnalysisFlags GeneratedCode => GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics;
    }

    /// <summary>Broken: its descriptor is not configurable, so <c>#pragma warning disable</c> does not suppress it.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnsuppressibleAnalyzer : FortyTwoAnalyzer
    {
        public static readonly DiagnosticDescriptor Unsuppressible = new(
            Id, "The literal 42", "'{0}' is 42", "Sample", DiagnosticSeverity.Warning, isEnabledByDefault: true, customTags: WellKnownDiagnosticTags.NotConfigurable);

        protected override DiagnosticDescriptor Descriptor => Unsuppressible;
    }
}
