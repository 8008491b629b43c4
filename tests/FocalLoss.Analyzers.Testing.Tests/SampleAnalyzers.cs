using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Testing.Tests
{
    internal static class Rules
    {
        public static readonly DiagnosticDescriptor MathPow = new DiagnosticDescriptor(
            "TST001", "Math.Pow call", "'{0}' calls Math.Pow", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor MathFPow = new DiagnosticDescriptor(
            "TST002", "MathF.Pow call", "'{0}' calls MathF.Pow", "Test", DiagnosticSeverity.Info, isEnabledByDefault: true);

        public static bool IsPow(IInvocationOperation invocation, string type)
            => invocation.TargetMethod.Name == "Pow" && invocation.TargetMethod.ContainingType.ToDisplayString() == "System." + type;
    }

    /// <summary>Flags Math.Pow calls (TST001) on the invocation. The well-behaved sample.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PowAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rules.MathPow);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(
                c =>
                {
                    var invocation = (IInvocationOperation)c.Operation;
                    if (Rules.IsPow(invocation, "Math"))
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Rules.MathPow, invocation.Syntax.GetLocation(), invocation.Syntax.ToString()));
                    }
                },
                OperationKind.Invocation);
        }
    }

    /// <summary>TST001 on Math.Pow and TST002 on MathF.Pow.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TwoRuleAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rules.MathPow, Rules.MathFPow);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(
                c =>
                {
                    var invocation = (IInvocationOperation)c.Operation;
                    if (Rules.IsPow(invocation, "Math"))
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Rules.MathPow, invocation.Syntax.GetLocation(), invocation.Syntax.ToString()));
                    }
                    else if (Rules.IsPow(invocation, "MathF"))
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Rules.MathFPow, invocation.Syntax.GetLocation(), invocation.Syntax.ToString()));
                    }
                },
                OperationKind.Invocation);
        }
    }

    /// <summary>Throws on every invocation (users would see AD0001).</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ThrowingAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rules.MathPow);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(_ => throw new InvalidOperationException("sample analyzer bug"), OperationKind.Invocation);
        }
    }

    /// <summary>Reports TST999, which it does not declare.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnsupportedIdAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Undeclared = new DiagnosticDescriptor(
            "TST999", "Undeclared", "Undeclared", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rules.MathPow);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(
                c => c.ReportDiagnostic(Diagnostic.Create(Undeclared, c.Operation.Syntax.GetLocation())),
                OperationKind.Invocation);
        }
    }

    /// <summary>Like <see cref="PowAnalyzer"/> but also reports in generated code.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class GeneratedCodeReportingAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rules.MathPow);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.RegisterOperationAction(
                c =>
                {
                    var invocation = (IInvocationOperation)c.Operation;
                    if (Rules.IsPow(invocation, "Math"))
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Rules.MathPow, invocation.Syntax.GetLocation(), invocation.Syntax.ToString()));
                    }
                },
                OperationKind.Invocation);
        }
    }

    /// <summary>
    /// Reports TST001 once per compilation, without a location, when Math.Pow is used. A
    /// <c>#pragma warning disable</c> cannot suppress a diagnostic without a location.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NoLocationAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new DiagnosticDescriptor(
            "TST001", "Math.Pow call", "'{0}' calls Math.Pow", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true,
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var count = 0;
                start.RegisterOperationAction(
                    c =>
                    {
                        if (Rules.IsPow((IInvocationOperation)c.Operation, "Math"))
                        {
                            Interlocked.Increment(ref count);
                        }
                    },
                    OperationKind.Invocation);
                start.RegisterCompilationEndAction(c =>
                {
                    if (count > 0)
                    {
                        c.ReportDiagnostic(Diagnostic.Create(Rule, Location.None, "the compilation"));
                    }
                });
            });
        }
    }
}
