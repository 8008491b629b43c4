using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

// A pass-through wrapper: the inner analyzer configures concurrency and generated code and registers its own actions
// (RS1012/RS1025/RS1026 look at this file only), and the forwarding contexts need the public constructors that
// Roslyn marks obsolete for analyzer tests (CS0618); every registration still goes to the driver's own context.
#pragma warning disable RS1012, RS1025, RS1026, CS0618

namespace AnalyzerBench
{
    /// <summary>
    /// The CPU time of the calling thread. The driver's own telemetry (logAnalyzerExecutionTime) times each callback with
    /// a stopwatch, so on a loaded machine it also counts the time the thread waited for a core; the thread's CPU clock
    /// counts only the time it ran. Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID); elsewhere a stopwatch (and
    /// <see cref="IsCpu"/> says so).
    /// </summary>
    internal static class ThreadCpu
    {
        private const int ClockThreadCpuTimeId = 3;

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        public static bool IsCpu { get; } = Probe();

        /// <summary>
        /// What one reading of the clock costs (100 ns ticks, measured on this thread's CPU clock): a timed callback's
        /// interval holds about one reading, so the wrapper subtracts this per callback.
        /// </summary>
        public static double ReadingTicks { get; } = Calibrate();

        /// <summary>Ticks of 100 ns.</summary>
        public static long Now()
        {
            if (IsCpu && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0)
            {
                return (t.Seconds * 1_000_000_000 + t.Nanoseconds) / 100;
            }

            return Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency;
        }

        private static double Calibrate()
        {
            const int n = 20_000;
            var best = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                var start = Now();
                for (var i = 0; i < n; i++)
                {
                    Now();
                }

                best = Math.Min(best, (Now() - start) / (double)(n + 1));
            }

            return best;
        }

        private static bool Probe()
        {
            try
            {
                return RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// An analyzer that runs another one unchanged (same descriptors, same registrations, the driver's own contexts passed
    /// through) and adds up the thread CPU time of every callback it registers: the analyzer's CPU in callbacks.
    /// Used only in the logged runs, never in the wall-timed ones.
    /// </summary>
#pragma warning disable RS1001 // no [DiagnosticAnalyzer]: the benchmark instantiates it around a real analyzer
    internal sealed class CpuTimedAnalyzer : DiagnosticAnalyzer
#pragma warning restore RS1001
    {
        private long _ticks;
        private long _callbacks;

        public CpuTimedAnalyzer(DiagnosticAnalyzer inner)
        {
            Inner = inner;
        }

        public DiagnosticAnalyzer Inner { get; }

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Inner.SupportedDiagnostics;

        /// <summary>The CPU time of the callbacks so far, less the clock readings the wrapper itself added.</summary>
        public double CpuMs => Math.Max(0, Interlocked.Read(ref _ticks) - Callbacks * ThreadCpu.ReadingTicks) / TimeSpan.TicksPerMillisecond;

        public long Callbacks => Interlocked.Read(ref _callbacks);

        public override void Initialize(AnalysisContext context) => Inner.Initialize(new TimedAnalysisContext(context, this));

        internal Action<T> Wrap<T>(Action<T> action) => arg =>
        {
            var start = ThreadCpu.Now();
            try
            {
                action(arg);
            }
            finally
            {
                Interlocked.Add(ref _ticks, ThreadCpu.Now() - start);
                Interlocked.Increment(ref _callbacks);
            }
        };
    }

    internal sealed class TimedAnalysisContext : AnalysisContext
    {
        private readonly AnalysisContext _inner;
        private readonly CpuTimedAnalyzer _owner;

        public TimedAnalysisContext(AnalysisContext inner, CpuTimedAnalyzer owner)
        {
            _inner = inner;
            _owner = owner;
        }

        public override DiagnosticSeverity MinimumReportedSeverity => _inner.MinimumReportedSeverity;

        public override void EnableConcurrentExecution() => _inner.EnableConcurrentExecution();

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => _inner.ConfigureGeneratedCodeAnalysis(analysisMode);

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) =>
            _inner.RegisterCompilationStartAction(_owner.Wrap<CompilationStartAnalysisContext>(c => action(new TimedCompilationStartContext(c, _owner))));

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => _inner.RegisterCompilationAction(_owner.Wrap(action));

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => _inner.RegisterSemanticModelAction(_owner.Wrap(action));

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => _inner.RegisterSymbolAction(_owner.Wrap(action), symbolKinds);

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) =>
            _inner.RegisterSymbolStartAction(_owner.Wrap<SymbolStartAnalysisContext>(c => action(new TimedSymbolStartContext(c, _owner))), symbolKind);

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) =>
            _inner.RegisterCodeBlockStartAction<TLanguageKindEnum>(_owner.Wrap<CodeBlockStartAnalysisContext<TLanguageKindEnum>>(c => action(new TimedCodeBlockStartContext<TLanguageKindEnum>(c, _owner))));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => _inner.RegisterCodeBlockAction(_owner.Wrap(action));

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => _inner.RegisterSyntaxTreeAction(_owner.Wrap(action));

        public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action) => _inner.RegisterAdditionalFileAction(_owner.Wrap(action));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) =>
            _inner.RegisterSyntaxNodeAction(_owner.Wrap(action), syntaxKinds);

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) =>
            _inner.RegisterOperationBlockStartAction(_owner.Wrap<OperationBlockStartAnalysisContext>(c => action(new TimedOperationBlockStartContext(c, _owner))));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => _inner.RegisterOperationBlockAction(_owner.Wrap(action));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => _inner.RegisterOperationAction(_owner.Wrap(action), operationKinds);
    }

    internal sealed class TimedCompilationStartContext : CompilationStartAnalysisContext
    {
        private readonly CompilationStartAnalysisContext _inner;
        private readonly CpuTimedAnalyzer _owner;

        public TimedCompilationStartContext(CompilationStartAnalysisContext inner, CpuTimedAnalyzer owner)
            : base(inner.Compilation, inner.Options, inner.CancellationToken)
        {
            _inner = inner;
            _owner = owner;
        }

        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => _inner.RegisterCompilationEndAction(_owner.Wrap(action));

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => _inner.RegisterSemanticModelAction(_owner.Wrap(action));

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => _inner.RegisterSymbolAction(_owner.Wrap(action), symbolKinds);

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) =>
            _inner.RegisterSymbolStartAction(_owner.Wrap<SymbolStartAnalysisContext>(c => action(new TimedSymbolStartContext(c, _owner))), symbolKind);

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) =>
            _inner.RegisterCodeBlockStartAction<TLanguageKindEnum>(_owner.Wrap<CodeBlockStartAnalysisContext<TLanguageKindEnum>>(c => action(new TimedCodeBlockStartContext<TLanguageKindEnum>(c, _owner))));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => _inner.RegisterCodeBlockAction(_owner.Wrap(action));

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) =>
            _inner.RegisterOperationBlockStartAction(_owner.Wrap<OperationBlockStartAnalysisContext>(c => action(new TimedOperationBlockStartContext(c, _owner))));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => _inner.RegisterOperationBlockAction(_owner.Wrap(action));

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => _inner.RegisterSyntaxTreeAction(_owner.Wrap(action));

        public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action) => _inner.RegisterAdditionalFileAction(_owner.Wrap(action));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) =>
            _inner.RegisterSyntaxNodeAction(_owner.Wrap(action), syntaxKinds);

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => _inner.RegisterOperationAction(_owner.Wrap(action), operationKinds);
    }

    /// <summary>
    /// Forwards registrations. Its GetControlFlowGraph is the base one (built from the operation block rather than the
    /// driver's cache): the FocalLoss analyzers do not ask for control flow graphs.
    /// </summary>
    internal sealed class TimedOperationBlockStartContext : OperationBlockStartAnalysisContext
    {
        private readonly OperationBlockStartAnalysisContext _inner;
        private readonly CpuTimedAnalyzer _owner;

        public TimedOperationBlockStartContext(OperationBlockStartAnalysisContext inner, CpuTimedAnalyzer owner)
            : base(inner.OperationBlocks, inner.OwningSymbol, inner.Compilation, inner.Options, inner.CancellationToken)
        {
            _inner = inner;
            _owner = owner;
        }

        public override void RegisterOperationBlockEndAction(Action<OperationBlockAnalysisContext> action) => _inner.RegisterOperationBlockEndAction(_owner.Wrap(action));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => _inner.RegisterOperationAction(_owner.Wrap(action), operationKinds);
    }

    internal sealed class TimedSymbolStartContext : SymbolStartAnalysisContext
    {
        private readonly SymbolStartAnalysisContext _inner;
        private readonly CpuTimedAnalyzer _owner;

        public TimedSymbolStartContext(SymbolStartAnalysisContext inner, CpuTimedAnalyzer owner)
            : base(inner.Symbol, inner.Compilation, inner.Options, inner.CancellationToken)
        {
            _inner = inner;
            _owner = owner;
        }

        public override void RegisterSymbolEndAction(Action<SymbolAnalysisContext> action) => _inner.RegisterSymbolEndAction(_owner.Wrap(action));

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) =>
            _inner.RegisterCodeBlockStartAction<TLanguageKindEnum>(_owner.Wrap<CodeBlockStartAnalysisContext<TLanguageKindEnum>>(c => action(new TimedCodeBlockStartContext<TLanguageKindEnum>(c, _owner))));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => _inner.RegisterCodeBlockAction(_owner.Wrap(action));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) =>
            _inner.RegisterSyntaxNodeAction(_owner.Wrap(action), syntaxKinds);

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) =>
            _inner.RegisterOperationBlockStartAction(_owner.Wrap<OperationBlockStartAnalysisContext>(c => action(new TimedOperationBlockStartContext(c, _owner))));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => _inner.RegisterOperationBlockAction(_owner.Wrap(action));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => _inner.RegisterOperationAction(_owner.Wrap(action), operationKinds);
    }

    internal sealed class TimedCodeBlockStartContext<TLanguageKindEnum> : CodeBlockStartAnalysisContext<TLanguageKindEnum>
        where TLanguageKindEnum : struct
    {
        private readonly CodeBlockStartAnalysisContext<TLanguageKindEnum> _inner;
        private readonly CpuTimedAnalyzer _owner;

        public TimedCodeBlockStartContext(CodeBlockStartAnalysisContext<TLanguageKindEnum> inner, CpuTimedAnalyzer owner)
            : base(inner.CodeBlock, inner.OwningSymbol, inner.SemanticModel, inner.Options, inner.CancellationToken)
        {
            _inner = inner;
            _owner = owner;
        }

        public override void RegisterCodeBlockEndAction(Action<CodeBlockAnalysisContext> action) => _inner.RegisterCodeBlockEndAction(_owner.Wrap(action));

        public override void RegisterSyntaxNodeAction(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => _inner.RegisterSyntaxNodeAction(_owner.Wrap(action), syntaxKinds);
    }
}
