using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using FocalLoss.Analyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0001
{
    /// <summary>
    /// What the analyzer registers: it drives <see cref="DiagnosticAnalyzer.Initialize"/> with recording
    /// contexts, runs the compilation-start action on a real compilation, and counts what that registers.
    /// </summary>
    public sealed class RegistrationTests
    {
        [Fact]
        public void Initialize_EnablesConcurrencyAndSkipsGeneratedCode()
        {
            var context = new RecordingAnalysisContext();
            new InvertedModulatingFactorAnalyzer().Initialize(context);
            Assert.True(context.ConcurrentExecutionEnabled);
            Assert.Equal(GeneratedCodeAnalysisFlags.None, context.GeneratedCodeFlags);
            Assert.Single(context.CompilationStartActions);
        }

        [Fact]
        public void CompilationWithoutTorchSharpOrScalarCandidates_RegistersNothing()
        {
            var registered = RegisteredAfterCompilationStart(@"
using System;
public static class Physics
{
    public static double Energy(double m, double v) => 0.5 * m * Math.Pow(v, 2) * v * v;
}", withTorchSharp: false);
            Assert.Equal(0, registered);
        }

        [Fact]
        public void CompilationWithScalarSigmoid_RegistersBlockAnalysis()
        {
            var registered = RegisteredAfterCompilationStart(@"
using System;
public static class Losses
{
    public static double P(double x) => 1 / (1 + Math.Exp(-x));
}", withTorchSharp: false);
            Assert.Equal(1, registered);
        }

        [Fact]
        public void CompilationReferencingTorchSharp_RegistersBlockAnalysis()
        {
            var registered = RegisteredAfterCompilationStart(@"
public static class Empty { }", withTorchSharp: true);
            Assert.Equal(1, registered);
        }

        private static int RegisteredAfterCompilationStart(string source, bool withTorchSharp)
        {
            var compilation = Compiler.CompileClean(source, withTorchSharp);
            var context = new RecordingAnalysisContext();
            new InvertedModulatingFactorAnalyzer().Initialize(context);
            var start = new RecordingCompilationStartContext(compilation);
            foreach (var action in context.CompilationStartActions)
            {
                action(start);
            }

            return start.Registrations;
        }

        private sealed class RecordingAnalysisContext : AnalysisContext
        {
            public List<Action<CompilationStartAnalysisContext>> CompilationStartActions { get; } = new List<Action<CompilationStartAnalysisContext>>();

            public bool ConcurrentExecutionEnabled { get; private set; }

            public GeneratedCodeAnalysisFlags? GeneratedCodeFlags { get; private set; }

            public int OtherRegistrations { get; private set; }

            public override void EnableConcurrentExecution() => ConcurrentExecutionEnabled = true;

            public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => GeneratedCodeFlags = analysisMode;

            public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => CompilationStartActions.Add(action);

            public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => OtherRegistrations++;

            public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => OtherRegistrations++;

            public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => OtherRegistrations++;

            public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => OtherRegistrations++;

            public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => OtherRegistrations++;

            public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => OtherRegistrations++;

            public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => OtherRegistrations++;
        }

        private sealed class RecordingCompilationStartContext : CompilationStartAnalysisContext
        {
            public RecordingCompilationStartContext(Compilation compilation)
                : base(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), CancellationToken.None)
            {
            }

            public int Registrations { get; private set; }

            public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => Registrations++;

            public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => Registrations++;

            public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => Registrations++;

            public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => Registrations++;

            public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => Registrations++;

            public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => Registrations++;

            public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => Registrations++;

            public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => Registrations++;

            public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => Registrations++;

            public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => Registrations++;

            public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => Registrations++;

            public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action) => Registrations++;
        }
    }
}
