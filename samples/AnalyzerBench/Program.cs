using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;

namespace AnalyzerBench
{
    /// <summary>
    /// How much the FocalLoss analyzers add to a build: synthetic in-memory compilations, timed without and with
    /// the analyzers, plus a growth series (one method of 500 to 5,000 chained statements, each case in a worker
    /// process with a cap). A Stopwatch harness: the variants of a scenario run interleaved (one of each per
    /// repetition, the order rotating), every run on a fresh compilation so no binding is cached, and every number is
    /// shown as the median with its spread over the repetitions. One compilation takes seconds, so BenchmarkDotNet's
    /// many iterations would not fit the time budget.
    /// usage: AnalyzerBench [--files N] [--scalar-files N] [--reps N] [--long-every N] [--growth-sizes LIST|none]
    ///        [--probe-sizes LIST|none] [--unplanted] [--growth-reps N] [--growth-timeout S] [--no-scenarios] [--markdown PATH] [--dump DIR]
    /// Exit code 1 when a correctness guard fails (never because of a timing).
    /// </summary>
    internal static class Program
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        private const string Usage = "usage: AnalyzerBench [--files N] [--scalar-files N] [--reps N] [--long-every N] [--growth-sizes LIST|none] "
            + "[--probe-sizes LIST|none] [--unplanted] [--growth-reps N] [--growth-timeout S] [--no-scenarios] [--markdown PATH] [--dump DIR]";

        /// <summary>The rules that apply only where TorchSharp is referenced.</summary>
        private static readonly HashSet<string> TorchSharpOnlyRules = new HashSet<string>(StringComparer.Ordinal) { "FL0003", "FL0005" };

        /// <summary>The targets: what FocalLoss may add beyond the empty analyzer, as a fraction of the compile (by scenario number).</summary>
        private static double BeyondEmptyTarget(int scenarioIndex) => scenarioIndex == 0 ? 0.01 : 0.05;

        private const double AllocationTarget = 0.10;
        private const double LinearTarget = 2.0;
        private const double MethodTargetMs = 1000;

        private static async Task<int> Main(string[] args)
        {
            var files = 500;
            var scalarFiles = 500;
            var reps = 5;
            var longEvery = 5;
            var growthSizes = new List<int> { 500, 1000, 2000, 5000 };
            var probeSizes = new List<int> { 10000 };
            var planted = true;
            var growthReps = 3;
            var growthTimeout = 60;
            var runScenarios = true;
            string? markdownPath = null;
            string? dumpDirectory = null;
            string[]? worker = null;
            static List<int> Sizes(string v) => v == "none" ? new List<int>() : v.Split(',').Select(x => int.Parse(x, Inv)).ToList();
            for (var a = 0; a < args.Length; a++)
            {
                var value = a + 1 < args.Length ? args[a + 1] : null;
                switch (args[a])
                {
                    case "--files" when value != null:
                        files = int.Parse(value, Inv);
                        a++;
                        break;
                    case "--scalar-files" when value != null:
                        scalarFiles = int.Parse(value, Inv);
                        a++;
                        break;
                    case "--long-every" when value != null:
                        longEvery = int.Parse(value, Inv);
                        a++;
                        break;
                    case "--reps" when value != null:
                        reps = int.Parse(value, Inv);
                        a++;
                        break;
                    case "--growth-sizes" when value != null:
                        growthSizes = Sizes(value);
                        a++;
                        break;
                    case "--unplanted":
                        planted = false;
                        break;
                    case "--probe-sizes" when value != null:
                        probeSizes = Sizes(value);
                        a++;
                        break;
                    case "--growth-reps" when value != null:
                        growthReps = int.Parse(value, Inv);
                        a++;
                        break;
                    case "--growth-timeout" when value != null:
                        growthTimeout = int.Parse(value, Inv);
                        a++;
                        break;
                    case "--no-scenarios":
                        runScenarios = false;
                        break;
                    case "--growth-worker" when a + 5 < args.Length:
                        worker = args.Skip(a + 1).Take(5).ToArray();
                        a += 5;
                        break;
                    case "--dump" when value != null:
                        dumpDirectory = value;
                        a++;
                        break;
                    case "--markdown" when value != null:
                        markdownPath = value;
                        a++;
                        break;
                    default:
                        Console.Error.WriteLine(Usage);
                        return 2;
                }
            }

            var analyzers = typeof(FocalLoss.Analyzers.DiagnosticIds).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any())
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                .ToImmutableArray();

            // The BCL of this runtime, plus the real TorchSharp assembly (metadata only) where a scenario uses TorchSharp.
            var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
            var bcl = tpa.Where(p => Path.GetFileName(p) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n is "netstandard.dll" or "mscorlib.dll"))
                .OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToList();
            var torch = MetadataReference.CreateFromFile(typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TorchSharpReference").Value!);

            if (worker != null)
            {
                // One growth case, for the parent process (which kills it past the cap).
                return await Growth.WorkerAsync(worker, bcl.Append(torch).ToList(), analyzers);
            }

            var scenarios = new[] { Scenarios.Plain(files, longEvery), Scenarios.Torch(files, longEvery), Scenarios.Scalar(scalarFiles, longEvery) };
            if (dumpDirectory != null)
            {
                // The generated sources, for reading (nothing is measured).
                foreach (var scenario in scenarios)
                {
                    foreach (var (path, text) in scenario.Files)
                    {
                        var target = Path.Combine(dumpDirectory, scenario.Name.Split(' ')[0], path);
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        File.WriteAllText(target, text);
                    }
                }

                foreach (var size in growthSizes)
                {
                    foreach (var kind in new[] { ChainKind.Plain, ChainKind.Reuse })
                    {
                        var target = Path.Combine(dumpDirectory, "growth", $"{kind}{size}.cs");
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        File.WriteAllText(target, GrowthScenarios.File(kind, size, planted: false));
                    }
                }

                return 0;
            }

            var failures = new List<string>();
            var results = new List<Result>();
            var total = Stopwatch.StartNew();
            if (runScenarios)
            {
                // Warm-up (JIT of the compiler, the analyzers and the driver; the metadata of the references), once, on a
                // slice of every scenario.
                foreach (var scenario in scenarios)
                {
                    var slice = new Scenario(scenario.Name, scenario.ReferencesTorchSharp, scenario.HasScalarCandidates, scenario.Files.Take(20).ToList(), scenario.Expected);
                    await MeasureAsync(slice, scenario.ReferencesTorchSharp ? bcl.Append(torch).ToList() : bcl, analyzers, 1, new List<string>());
                }

                Console.Error.WriteLine($"  warm-up: done ({total.Elapsed.TotalSeconds:F0}s)");
                foreach (var scenario in scenarios)
                {
                    var references = scenario.ReferencesTorchSharp ? bcl.Append(torch).ToList() : bcl;
                    var result = await MeasureAsync(scenario, references, analyzers, reps, failures);
                    results.Add(result);
                    Console.Error.WriteLine($"  {scenario.Name}: done ({total.Elapsed.TotalSeconds:F0}s)");
                }
            }

            // The growth series (each long method with the planted inverted focal loss on top, unless --unplanted: the
            // loss is the witness that the method was judged at all), then the probes past it (plain chains, reported only).
            var cases = new List<GrowthCase>();
            foreach (var kind in new[] { ChainKind.Plain, ChainKind.Reuse })
            {
                foreach (var size in growthSizes)
                {
                    cases.Add(new GrowthCase(kind, size, planted, guarded: true));
                }
            }

            foreach (var size in probeSizes)
            {
                cases.Add(new GrowthCase(ChainKind.Plain, size, planted: true, guarded: false));
            }

            foreach (var c in cases)
            {
                await Growth.RunCaseAsync(c, growthReps, growthTimeout);
                Growth.Check(c, failures);
                var state = c.TimedOut ? $"> {growthTimeout} s (timed out)" : c.Error ?? $"{c.Analyzer.Show()} ms";
                Console.Error.WriteLine($"  growth {GrowthScenarios.Name(c.Kind, c.Planted)} {c.Statements}: {state} ({total.Elapsed.TotalSeconds:F0}s)");
            }

            var markdown = Render(results, cases, analyzers, reps, growthReps, growthTimeout, failures);
            Console.WriteLine(markdown);
            if (markdownPath != null)
            {
                File.WriteAllText(markdownPath, markdown);
            }

            foreach (var failure in failures)
            {
                Console.Error.WriteLine("GUARD FAILED: " + failure);
            }

            Console.Error.WriteLine(failures.Count == 0 ? "all correctness guards passed" : $"{failures.Count} correctness guard(s) failed");
            return failures.Count == 0 ? 0 : 1;
        }

        /// <summary>One scenario's measurements: every sample has one value per repetition, in repetition order.</summary>
        private sealed class Result
        {
            public Scenario Scenario = null!;
            public Sample CompileMs = null!;
            public Sample EmptyMs = null!;
            public Sample WithAnalyzersMs = null!;
            public Sample CompileCpuMs = null!;
            public Sample EmptyCpuMs = null!;
            public Sample WithAnalyzersCpuMs = null!;
            public Sample CompileMb = null!;
            public Sample EmptyMb = null!;
            public Sample WithAnalyzersMb = null!;

            /// <summary>The analyzers' execution time (driver telemetry: a stopwatch around each callback), summed over the six, per repetition.</summary>
            public Sample CallbacksMs = null!;

            /// <summary>The thread CPU time of the analyzers' callbacks, summed over the six, per repetition.</summary>
            public Sample CallbacksCpuMs = null!;
            public Dictionary<DiagnosticAnalyzer, Sample> PerAnalyzerMs = new Dictionary<DiagnosticAnalyzer, Sample>();
            public Dictionary<DiagnosticAnalyzer, Sample> PerAnalyzerCpuMs = new Dictionary<DiagnosticAnalyzer, Sample>();

            /// <summary>The callbacks of the last logged run, all analyzers.</summary>
            public long Callbacks;
            public ImmutableArray<Diagnostic> Diagnostics;

            /// <summary>The telemetry of the last logged run (registration counts for the guards).</summary>
            public Dictionary<DiagnosticAnalyzer, AnalyzerTelemetryInfo> Telemetry = new Dictionary<DiagnosticAnalyzer, AnalyzerTelemetryInfo>();

            /// <summary>(with FocalLoss - with the empty analyzer) / compile, wall time, per repetition.</summary>
            public Sample BeyondEmptyWall => Fraction(WithAnalyzersMs, EmptyMs, CompileMs);

            public Sample BeyondEmptyCpu => Fraction(WithAnalyzersCpuMs, EmptyCpuMs, CompileCpuMs);

            public Sample AddedWall => Fraction(WithAnalyzersMs, CompileMs, CompileMs);

            public Sample EmptyAddsWall => Fraction(EmptyMs, CompileMs, CompileMs);

            public Sample CallbacksOfCompileCpu => Sample.Paired(CallbacksMs, CompileCpuMs, (c, a) => c / a);

            public Sample CallbacksCpuOfCompileCpu => Sample.Paired(CallbacksCpuMs, CompileCpuMs, (c, a) => c / a);

            public Sample AllocationBeyondCompile => Fraction(WithAnalyzersMb, CompileMb, CompileMb);

            private static Sample Fraction(Sample x, Sample y, Sample of) =>
                new Sample(x.Values.Select((v, i) => (v - y.Values[i]) / of.Values[i]));
        }

        private readonly struct Run
        {
            public Run(double ms, double cpuMs, double mb)
            {
                Ms = ms;
                CpuMs = cpuMs;
                Mb = mb;
            }

            public double Ms { get; }

            public double CpuMs { get; }

            public double Mb { get; }
        }

        private static async Task<Result> MeasureAsync(Scenario scenario, IReadOnlyList<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers, int reps, List<string> failures)
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var trees = scenario.Files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, f.Path, Encoding.UTF8)).ToImmutableArray();
            var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: true);

            // A fresh compilation for every run: nothing bound by an earlier run is reused (the syntax trees are).
            Compilation Fresh() => CSharpCompilation.Create("Bench", trees, references, options);
            var exceptions = new List<string>();
            CompilationWithAnalyzers WithAnalyzers(ImmutableArray<DiagnosticAnalyzer> set, bool logTime) => Fresh().WithAnalyzers(set, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (e, a, d) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add($"{a.GetType().Name}: {e.GetType().Name}: {e.Message}");
                    }
                },
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: logTime,
                reportSuppressedDiagnostics: false));
            var floor = ImmutableArray.Create<DiagnosticAnalyzer>(new DriverFloorAnalyzer());

            // The four variants of one repetition. "Compile + analyzers" is what a build does: the compiler's diagnostics
            // with the analyzer driver attached (GetAllDiagnosticsAsync binds once and feeds the analyzers from the same
            // compilation events). The logged variant runs the analyzers with the driver's own timing on, for their execution
            // time; its wall time is not used (the timing itself costs).
            var result = new Result { Scenario = scenario };
            var runs = new Dictionary<string, List<Run>> { ["compile"] = new List<Run>(), ["empty"] = new List<Run>(), ["focal"] = new List<Run>() };
            var callbacks = new List<double>();
            var callbacksCpu = new List<double>();
            var perAnalyzer = analyzers.ToDictionary(a => a, _ => new List<double>());
            var perAnalyzerCpu = analyzers.ToDictionary(a => a, _ => new List<double>());
            var all = ImmutableArray<Diagnostic>.Empty;
            var logged = ImmutableArray<Diagnostic>.Empty;
            var variants = new (string Name, Action Run)[]
            {
                ("compile", () => Fresh().GetDiagnostics()),
                ("empty", () => WithAnalyzers(floor, logTime: false).GetAllDiagnosticsAsync().GetAwaiter().GetResult()),
                ("focal", () => all = WithAnalyzers(analyzers, logTime: false).GetAllDiagnosticsAsync().GetAwaiter().GetResult()),
                ("logged", () =>
                {
                    // The analyzers, each run through a wrapper that adds up the thread CPU time of its callbacks.
                    var timed = analyzers.Select(a => new CpuTimedAnalyzer(a)).ToList();
                    var withTiming = WithAnalyzers(timed.ToImmutableArray<DiagnosticAnalyzer>(), logTime: true);
                    logged = withTiming.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Where(d => d.Id.StartsWith("FL", StringComparison.Ordinal)).ToImmutableArray();
                    var sum = 0.0;
                    foreach (var t in timed)
                    {
                        var info = withTiming.GetAnalyzerTelemetryInfoAsync(t, CancellationToken.None).GetAwaiter().GetResult();
                        result.Telemetry[t.Inner] = info;
                        perAnalyzer[t.Inner].Add(info.ExecutionTime.TotalMilliseconds);
                        perAnalyzerCpu[t.Inner].Add(t.CpuMs);
                        sum += info.ExecutionTime.TotalMilliseconds;
                    }

                    callbacks.Add(sum);
                    callbacksCpu.Add(timed.Sum(t => t.CpuMs));
                    result.Callbacks = timed.Sum(t => t.Callbacks);
                }),
            };

            // Interleaved: every repetition runs each variant once, starting one later each time (ABCD, BCDA, ...), so a
            // burst of load from elsewhere on the machine hits all variants alike rather than one block of runs.
            for (var r = 0; r < reps; r++)
            {
                for (var v = 0; v < variants.Length; v++)
                {
                    var (name, run) = variants[(r + v) % variants.Length];
                    var measured = Measure(run);
                    if (runs.TryGetValue(name, out var list))
                    {
                        list.Add(measured);
                    }
                }
            }

            result.Diagnostics = all.Where(d => d.Id.StartsWith("FL", StringComparison.Ordinal)).ToImmutableArray();

            // Correctness of the inputs: every generated file compiles.
            foreach (var error in all.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5))
            {
                failures.Add($"{scenario.Name}: generated code does not compile: {error}");
            }

            Sample Of(string name, Func<Run, double> f) => new Sample(runs[name].Select(f));
            result.CompileMs = Of("compile", x => x.Ms);
            result.EmptyMs = Of("empty", x => x.Ms);
            result.WithAnalyzersMs = Of("focal", x => x.Ms);
            result.CompileCpuMs = Of("compile", x => x.CpuMs);
            result.EmptyCpuMs = Of("empty", x => x.CpuMs);
            result.WithAnalyzersCpuMs = Of("focal", x => x.CpuMs);
            result.CompileMb = Of("compile", x => x.Mb);
            result.EmptyMb = Of("empty", x => x.Mb);
            result.WithAnalyzersMb = Of("focal", x => x.Mb);
            result.CallbacksMs = new Sample(callbacks);
            result.CallbacksCpuMs = new Sample(callbacksCpu);
            foreach (var analyzer in analyzers)
            {
                result.PerAnalyzerMs[analyzer] = new Sample(perAnalyzer[analyzer]);
                result.PerAnalyzerCpuMs[analyzer] = new Sample(perAnalyzerCpu[analyzer]);
            }

            Check(scenario, analyzers, result, logged, exceptions, failures);
            return result;
        }

        /// <summary>The correctness guards: the planted diagnostics exactly, nothing registered where nothing can apply, no analyzer exception.</summary>
        private static void Check(Scenario scenario, ImmutableArray<DiagnosticAnalyzer> analyzers, Result result, ImmutableArray<Diagnostic> loggedDiagnostics,
            List<string> exceptions, List<string> failures)
        {
            foreach (var e in exceptions.Distinct().Take(5))
            {
                failures.Add($"{scenario.Name}: analyzer exception: {e}");
            }

            var found = result.Diagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var known = scenario.KnownFalsePositive;
            if (known != null)
            {
                var atKnownLine = result.Diagnostics.Count(d => d.Id == known.Id && d.Location.SourceTree!.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString().Contains(known.LineText, StringComparison.Ordinal));
                if (atKnownLine != known.Count)
                {
                    failures.Add($"{scenario.Name}: the known false positive ({known.Description}) was reported {atKnownLine} times, expected {known.Count} (if the rule was fixed, drop it from Scenarios.cs)");
                }
            }

            foreach (var id in found.Keys.Union(scenario.Expected.Keys).OrderBy(k => k, StringComparer.Ordinal))
            {
                var got = found.TryGetValue(id, out var g) ? g : 0;
                var want = (scenario.Expected.TryGetValue(id, out var w) ? w : 0) + (known != null && known.Id == id ? known.Count : 0);
                if (got != want)
                {
                    var where = string.Join(", ", result.Diagnostics.Where(d => d.Id == id).Take(3)
                        .Select(d => $"{d.Location.GetLineSpan().Path}({d.Location.GetLineSpan().StartLinePosition.Line + 1}): {d.GetMessage(CultureInfo.InvariantCulture)}"));
                    failures.Add($"{scenario.Name}: {id} reported {got} times, expected {want} (planted and known false positives; first: {where})");
                }
            }

            if (loggedDiagnostics.Length != result.Diagnostics.Length)
            {
                failures.Add($"{scenario.Name}: the timed and the logged runs disagree ({result.Diagnostics.Length} vs {loggedDiagnostics.Length} diagnostics)");
            }

            foreach (var analyzer in analyzers)
            {
                if (!result.Telemetry.TryGetValue(analyzer, out var info))
                {
                    failures.Add($"{scenario.Name}: no telemetry for {Id(analyzer)} (no logged run)");
                    continue;
                }

                var registered = info.OperationBlockStartActionsCount + info.OperationActionsCount + info.OperationBlockEndActionsCount
                    + info.SyntaxNodeActionsCount + info.SymbolActionsCount + info.SemanticModelActionsCount + info.SyntaxTreeActionsCount;
                if (info.CompilationStartActionsCount != 1)
                {
                    failures.Add($"{scenario.Name}: {Id(analyzer)} registered {info.CompilationStartActionsCount} compilation start actions, expected 1");
                }

                // No TorchSharp and no Exp identifier: the analyzers must register nothing beyond their compilation start
                // action. FL0003 and FL0005 are TorchSharp-only rules (their AppliesTo): nothing without TorchSharp.
                var mustRegister = scenario.ReferencesTorchSharp || (scenario.HasScalarCandidates && !TorchSharpOnlyRules.Contains(Id(analyzer)));
                if (!mustRegister && registered != 0)
                {
                    failures.Add($"{scenario.Name}: {Id(analyzer)} registered {registered} actions where it cannot apply");
                }

                if (mustRegister && info.OperationBlockStartActionsCount != 1)
                {
                    failures.Add($"{scenario.Name}: {Id(analyzer)} registered {info.OperationBlockStartActionsCount} operation block start actions, expected 1");
                }
            }
        }

        private static Run Measure(Action run)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            run();
            watch.Stop();
            var cpuAfter = Process.GetCurrentProcess().TotalProcessorTime;
            var after = GC.GetTotalAllocatedBytes(precise: true);
            return new Run(watch.Elapsed.TotalMilliseconds, (cpuAfter - cpuBefore).TotalMilliseconds, (after - before) / (1024.0 * 1024.0));
        }

        private static string Id(DiagnosticAnalyzer analyzer) => analyzer.SupportedDiagnostics[0].Id;

        private static string Render(List<Result> results, List<GrowthCase> cases, ImmutableArray<DiagnosticAnalyzer> analyzers, int reps, int growthReps, int growthTimeout, List<string> failures)
        {
            string N(double v) => v.ToString("F0", Inv);
            var s = new StringBuilder();
            s.AppendLine($"Roslyn {typeof(CSharpCompilation).Assembly.GetName().Version}, .NET {Environment.Version}, {Environment.ProcessorCount} processors, "
                + "concurrent build and concurrent analysis."
                + (results.Count == 0 ? string.Empty : $" {reps} repetitions after a warm-up; in each the variants run once, interleaved "
                    + "(the order rotating from one repetition to the next), each on a fresh compilation. Every cell is the median with, in brackets, "
                    + "the smallest and the largest value over the repetitions; a difference or a share is computed within each repetition."));
            s.AppendLine();
            if (results.Count > 0)
            {
                var busiest = results.OrderByDescending(x => x.Callbacks).First();
                var r0Callbacks = busiest.Callbacks.ToString("N0", Inv);
                var r0Name = busiest.Scenario.Name.Split(' ')[0];
                s.AppendLine("Wall time (ms) and what it says about the analyzers (differences as % of the compile of the same repetition):");
                s.AppendLine();
                s.AppendLine("| scenario | files | lines | compile | compile + empty analyzer | compile + FocalLoss analyzers | analyzers add (% of compile) | beyond the empty analyzer (% of compile) | diagnostics |");
                s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
                foreach (var r in results)
                {
                    var known = r.Scenario.KnownFalsePositive;
                    var ids = r.Diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal)
                        .Select(g => $"{g.Key} x{g.Count()}{(known != null && known.Id == g.Key ? $" ({known.Count} false positives)" : string.Empty)}").ToList();
                    s.AppendLine($"| {r.Scenario.Name} | {r.Scenario.Files.Count} | {r.Scenario.Lines} | {r.CompileMs.Show()} | {r.EmptyMs.Show()} | {r.WithAnalyzersMs.Show()} | "
                        + $"{r.AddedWall.Percent()} | {r.BeyondEmptyWall.Percent()} | {r.Diagnostics.Length}{(ids.Count > 0 ? ": " + string.Join(", ", ids) : string.Empty)} |");
                }

                s.AppendLine();
                s.AppendLine($"CPU time of the process (ms, all threads); the analyzers' own execution time, as {(ThreadCpu.IsCpu ? "the thread CPU time" : "the stopwatch time (no thread CPU clock here)")} of their callbacks "
                    + $"(less one clock reading per callback, {(ThreadCpu.ReadingTicks * 100).ToString("F0", Inv)} ns here; {r0Callbacks} callbacks in scenario {r0Name})"
                    + " and as the driver's telemetry (a stopwatch around each callback, so it also counts waiting for a core), both summed over threads; "
                    + "shares of the compile's CPU time of the same repetition; allocation (MB):");
                s.AppendLine();
                s.AppendLine("| scenario | compile CPU | + empty analyzer CPU | + FocalLoss CPU | beyond the empty analyzer (% of compile CPU) | CPU in callbacks (ms) | CPU in callbacks (% of compile CPU) | largest analyzers, CPU (ms) | driver telemetry (ms) | allocated compile (MB) | allocated with analyzers (MB) | beyond the compile's allocation |");
                s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
                foreach (var r in results)
                {
                    var top = r.PerAnalyzerCpuMs.OrderByDescending(kv => kv.Value.Median).Take(3).Select(kv => $"{Id(kv.Key)} {kv.Value.Show()}");
                    s.AppendLine($"| {r.Scenario.Name} | {r.CompileCpuMs.Show()} | {r.EmptyCpuMs.Show()} | {r.WithAnalyzersCpuMs.Show()} | {r.BeyondEmptyCpu.Percent()} | "
                        + $"{r.CallbacksCpuMs.Show()} | {r.CallbacksCpuOfCompileCpu.Percent()} | {string.Join("; ", top)} | {r.CallbacksMs.Show()} | {r.CompileMb.Show()} | {r.WithAnalyzersMb.Show()} | {r.AllocationBeyondCompile.Percent()} |");
                }

                s.AppendLine();
                s.AppendLine("Per-analyzer execution time (ms, medians over the repetitions: CPU in callbacks / driver telemetry) and the operation block start actions each registered:");
                s.AppendLine();
                s.Append("| scenario |");
                foreach (var a in analyzers)
                {
                    s.Append($" {Id(a)} {a.GetType().Name} |");
                }

                s.AppendLine(" sum |");
                s.Append("|---|");
                s.Append(string.Concat(Enumerable.Repeat("---:|", analyzers.Length)));
                s.AppendLine("---:|");
                foreach (var r in results)
                {
                    s.Append($"| {r.Scenario.Name} |");
                    foreach (var a in analyzers)
                    {
                        s.Append($" {r.PerAnalyzerCpuMs[a].Median.ToString("F1", Inv)} / {r.PerAnalyzerMs[a].Median.ToString("F1", Inv)} ({r.Telemetry[a].OperationBlockStartActionsCount}) |");
                    }

                    s.AppendLine($" {r.CallbacksCpuMs.Median.ToString("F1", Inv)} / {r.CallbacksMs.Median.ToString("F1", Inv)} |");
                }

                s.AppendLine();
            }

            if (cases.Count > 0)
            {
                s.AppendLine($"Growth series: one method of N chained statements (a file of its own, TorchSharp referenced{(cases.Any(c => c.Guarded && c.Planted) ? ", a real inverted focal loss, FL0001, on top as the witness that the method is judged" : string.Empty)}), each case in a worker process "
                    + $"with a cap of {growthTimeout} s (a CancellationToken, and the worker is killed if it does not stop); up to {growthReps} repetitions, "
                    + $"one only when it takes over {(Growth.LastRepAfterMs / 1000).ToString("0", Inv)} s. Analyzer execution is the CPU in the six analyzers' callbacks "
                    + "(the method's whole analysis; the driver telemetry next to it), per statement that divided by N. A case with fewer than 3 repetitions counts "
                    + $"as {Percent(SingleRunSlack)} either way in the verdicts.");
                s.AppendLine();
                s.AppendLine("| chain | statements | lines | analyzer execution, CPU (ms) | driver telemetry (ms) | largest analyzer, CPU (ms) | per statement, CPU (us) | method > 1 s | diagnostics | repetitions |");
                s.AppendLine("|---|---:|---:|---:|---:|---|---:|---|---|---:|");
                foreach (var c in cases)
                {
                    var name = GrowthScenarios.Name(c.Kind, c.Planted && !c.Guarded) + (c.Guarded ? string.Empty : " (probe past the series)");
                    if (c.Error != null)
                    {
                        s.AppendLine($"| {name} | {c.Statements} | {c.Lines} | error | | | | | {c.Error.Replace("|", "/")} | 0 |");
                        continue;
                    }

                    if (c.TimedOut)
                    {
                        s.AppendLine($"| {name} | {c.Statements} | {c.Lines} | > {growthTimeout} s wall (timed out, {c.Stopped}); {(c.CpuAtLeastMs > 0 ? $"analysis CPU at least {N(c.CpuAtLeastMs)}" : "no analysis CPU measured (the compile took the time)")} | | | {(c.CpuAtLeastMs > 0 ? $"at least {N(1000 * c.CpuAtLeastMs / c.Statements)}" : "-")} | {(c.CpuAtLeastMs > MethodTargetMs ? "yes" : Verdict.NotDecided)} | not checked (timed out) | 0 |");
                        continue;
                    }

                    var largest = c.Reps.GroupBy(r => r.LargestAnalyzer).OrderByDescending(g => g.Count()).First().Key;
                    var perStatement = new Sample(c.Reps.Select(r => 1000 * r.CpuMs / c.Statements));
                    var got = c.Reps[0].Diagnostics;
                    var judged = Growth.SameDiagnostics(got, GrowthScenarios.Expected(c.Planted))
                        ? Growth.Describe(got) + (c.Planted ? " (judged)" : string.Empty)
                        : $"{Growth.Describe(got)}, expected {Growth.Describe(GrowthScenarios.Expected(c.Planted))}{(c.Planted ? " (not judged)" : string.Empty)}";
                    s.AppendLine($"| {name} | {c.Statements} | {c.Lines} | {c.Analyzer.Show()} | {c.Telemetry.Show()} | {largest} {new Sample(c.Reps.Select(r => r.LargestAnalyzerCpuMs)).Show()} | "
                        + $"{perStatement.Show(perStatement.Median < 100 ? "F1" : "F0")} | {OverOneSecond(c)} | {judged} | {c.Reps.Count} |");
                }

                s.AppendLine();
            }

            // The targets, each judged only where the repetitions agree.
            s.AppendLine("Targets (\"met\" only when every repetition is within the target, \"missed\" only when every repetition is beyond it, "
                + "otherwise \"not decided\"; the overhead is judged on CPU time and on the analyzers' own execution time, not on wall time, which the shared machine makes noise):");
            s.AppendLine();
            s.AppendLine("| target | where | measured: median [min, max] | verdict |");
            s.AppendLine("|---|---|---|---|");
            for (var i = 0; i < results.Count; i++)
            {
                var r = results[i];
                var target = BeyondEmptyTarget(i);
                s.AppendLine($"| FocalLoss beyond the empty analyzer at most {Verdict.Pct(target)} of the compile | {r.Scenario.Name} | CPU {r.BeyondEmptyCpu.Percent()}; CPU in callbacks {r.CallbacksCpuOfCompileCpu.Percent()}; (wall {r.BeyondEmptyWall.Percent()}) | "
                    + $"{Verdict.AtMost(r.BeyondEmptyCpu, target, r.CallbacksCpuOfCompileCpu)} |");
            }

            foreach (var r in results)
            {
                s.AppendLine($"| allocation beyond the compile's at most {Verdict.Pct(AllocationTarget)} | {r.Scenario.Name} | {r.AllocationBeyondCompile.Percent()} | {Verdict.AtMost(r.AllocationBeyondCompile, AllocationTarget)} |");
            }

            var series = cases.Where(c => c.Guarded).ToList();
            foreach (var kind in new[] { ChainKind.Plain, ChainKind.Reuse })
            {
                var ofKind = series.Where(c => c.Kind == kind).OrderBy(c => c.Statements).ToList();
                if (ofKind.Count < 2)
                {
                    continue;
                }

                var (measured, verdict) = Linear(ofKind[0], ofKind[^1], growthTimeout);
                s.AppendLine($"| growth linear: time per statement at {ofKind[^1].Statements} at most {LinearTarget.ToString("0", Inv)}x that at {ofKind[0].Statements}, the method judged | {GrowthScenarios.Name(kind, false)} | {measured} | {verdict} |");
            }

            var judgedCases = cases.Where(c => c.Guarded).ToList();
            if (judgedCases.Count > 0)
            {
                var (measured, verdict) = NoSlowMethod(judgedCases, growthTimeout);
                s.AppendLine($"| no method over 1 s | growth series ({judgedCases.Min(c => c.Statements)} to {judgedCases.Max(c => c.Statements)} statements) | {measured} | {verdict} |");
            }

            s.AppendLine();
            s.AppendLine("Reading (computed from the numbers above; a difference is stated only where every repetition agrees on its sign):");
            s.AppendLine();
            foreach (var r in results)
            {
                var top = r.PerAnalyzerCpuMs.OrderByDescending(kv => kv.Value.Median).First();
                var registeredNothing = r.Telemetry.Values.All(t => t.OperationBlockStartActionsCount == 0);
                var scanners = r.Telemetry.Count(kv => !TorchSharpOnlyRules.Contains(Id(kv.Key)));
                var busy = r.PerAnalyzerCpuMs.Count(kv => kv.Value.Median >= 0.1 * r.CallbacksCpuMs.Median / Math.Max(1, scanners));
                s.Append($"- {r.Scenario.Name} ({r.Scenario.Lines} lines): compile {r.CompileMs.Show()} ms wall, {r.CompileCpuMs.Show()} ms CPU. ");
                s.Append($"What the FocalLoss analyzers add, as a share of the compile: wall time {Difference(r.AddedWall)}; beyond an empty analyzer, "
                    + $"wall time {Difference(r.BeyondEmptyWall)}, CPU time {Difference(r.BeyondEmptyCpu)}. ");
                if (r.EmptyAddsWall.SignDecided && r.EmptyAddsWall.Median < 0)
                {
                    s.Append($"The empty analyzer measured faster than the plain compile in every repetition ({r.EmptyAddsWall.Percent()}): an artefact of the machine, not a saving, so the wall-time differences of this scenario are not to be trusted. ");
                }

                s.Append($"Their callbacks used {r.CallbacksCpuMs.Show()} ms of CPU ({r.CallbacksCpuOfCompileCpu.Percent()} of the compile's CPU; the driver's telemetry, which also counts waiting for a core, says {r.CallbacksMs.Show()} ms)");
                s.Append(registeredNothing
                    ? $", all of it in compilation start actions (nothing else is registered: the pre-check for an identifier named Exp), "
                        + $"{(1000 * r.CallbacksCpuMs.Median / r.Scenario.Lines).ToString("F1", Inv)} us per line, spent by {busy} of the {scanners} analyzers that look for scalar candidates."
                    : $", {Id(top.Key)} the largest ({N(top.Value.Median)} ms).");
                s.AppendLine($" Allocation: {r.AllocationBeyondCompile.Percent()} beyond the compile's {r.CompileMb.Show()} MB.");
                if (r.Scenario.KnownFalsePositive is { } known)
                {
                    s.AppendLine($"- False positive found by this benchmark, {known.Count} times in {r.Scenario.Name}: {known.Description}.");
                }
            }

            foreach (var kind in new[] { ChainKind.Plain, ChainKind.Reuse })
            {
                var ofKind = series.Where(c => c.Kind == kind).OrderBy(c => c.Statements).ToList();
                if (ofKind.Count == 0)
                {
                    continue;
                }

                var parts = ofKind.Select(c => c.TimedOut ? $"{c.Statements}: > {growthTimeout} s wall (timed out; at least {(c.CpuAtLeastMs / 1000).ToString("0.0", Inv)} s CPU on the analysis)" : c.Error != null ? $"{c.Statements}: error" : $"{c.Statements}: {(c.Analyzer.Median / 1000).ToString("0.00", Inv)} s");
                s.Append($"- Growth, {GrowthScenarios.Name(kind, false)}: {string.Join(", ", parts)}.");
                if (ofKind.Count >= 2)
                {
                    s.Append($" Time per statement at {ofKind[^1].Statements} vs {ofKind[0].Statements}: {Linear(ofKind[0], ofKind[^1], growthTimeout).Measured} (linear: at most {LinearTarget.ToString("0", Inv)}x).");
                }

                s.AppendLine();
            }

            var planted = cases.Where(c => c.Planted).ToList();
            if (planted.Count > 0)
            {
                string Where(IEnumerable<GrowthCase> of) => string.Join("; ", of.GroupBy(c => GrowthScenarios.Name(c.Kind, false) + (c.Guarded ? string.Empty : " (probe)"))
                    .Select(g => $"{g.Key} {string.Join(", ", g.Select(c => c.Statements))}"));
                var judged = planted.Where(c => c.Reps.Count > 0 && Growth.SameDiagnostics(c.Reps[0].Diagnostics, GrowthScenarios.Expected(true))).ToList();
                var notJudged = planted.Where(c => c.Reps.Count > 0 && !judged.Contains(c)).ToList();
                var unknown = planted.Where(c => c.Reps.Count == 0).ToList();
                s.Append("- The planted inverted focal loss on top of the long method: ");
                s.Append(judged.Count > 0 ? $"judged (FL0001 reported) at {Where(judged)}" : "judged nowhere");
                s.Append(notJudged.Count > 0 ? $"; not judged (the method skipped or the loss not recognised) at {Where(notJudged)}" : string.Empty);
                s.Append(unknown.Count > 0 ? $"; not known (timed out or failed) at {Where(unknown)}" : string.Empty);
                s.AppendLine(".");
            }

            s.AppendLine();
            s.AppendLine(failures.Count == 0
                ? "Correctness guards: all passed."
                : $"Correctness guards: {failures.Count} failed (the program exits 1):" + Environment.NewLine + Environment.NewLine
                    + string.Concat(failures.Select(f => $"- GUARD FAILED: {f}{Environment.NewLine}")));
            return s.ToString();
        }

        /// <summary>A per-repetition fraction as a stated difference when every repetition agrees on its sign, else "not decided".</summary>
        private static string Difference(Sample fraction)
        {
            if (fraction.Count < 3)
            {
                return $"not decided ({fraction.Count} repetition(s); {fraction.Percent()})";
            }

            return fraction.SignDecided
                ? fraction.Percent()
                : $"not decided (the repetitions range from {Verdict.Pct(fraction.Min)} to {Verdict.Pct(fraction.Max)})";
        }

        /// <summary>How much a case with fewer than 3 repetitions may be off either way, in the growth verdicts.</summary>
        private const double SingleRunSlack = 0.25;

        private static string Percent(double fraction) => (100 * fraction).ToString("0", Inv) + "%";

        /// <summary>The smallest and largest CPU in callbacks of a case, widened by the slack when it has fewer than 3 repetitions.</summary>
        private static (double Low, double High) Range(GrowthCase c)
        {
            var a = c.Analyzer;
            return a.Count >= 3 ? (a.Min, a.Max) : (a.Min * (1 - SingleRunSlack), a.Max * (1 + SingleRunSlack));
        }

        private static string OverOneSecond(GrowthCase c)
        {
            var (low, high) = Range(c);
            return low > MethodTargetMs ? "yes" : high <= MethodTargetMs ? "no" : Verdict.NotDecided;
        }

        /// <summary>Time per statement at the largest size over that at the smallest: best and worst case over the repetitions.</summary>
        private static (string Measured, string Verdict) Linear(GrowthCase small, GrowthCase large, int growthTimeout)
        {
            if (small.TimedOut || small.Error != null)
            {
                return ($"{small.Statements} statements {(small.TimedOut ? "timed out" : "failed")}: no baseline", Verdict.NotDecided);
            }

            double PerStatement(double ms, GrowthCase c) => ms / c.Statements;
            var s = small.Analyzer;
            if (large.TimedOut)
            {
                var atLeast = PerStatement(large.CpuAtLeastMs, large) / PerStatement(Range(small).High, small);
                var text = $"at least {atLeast.ToString("0.0", Inv)}x ({large.Statements} timed out after {growthTimeout} s wall, having used {(large.CpuAtLeastMs / 1000).ToString("0.0", Inv)} s CPU on the analysis)";
                return (text, atLeast > LinearTarget ? $"missed (by more than {(atLeast / LinearTarget).ToString("0.0", Inv)}x)" : Verdict.NotDecided);
            }

            if (large.Error != null)
            {
                return ($"{large.Statements} statements failed", Verdict.NotDecided);
            }

            if (!Judged(large) || !Judged(small))
            {
                var skipped = Judged(large) ? small : large;
                var l0 = large.Analyzer;
                var ratio = PerStatement(l0.Median, large) / PerStatement(s.Median, small);
                return ($"{ratio.ToString("0.0", Inv)}x, but at {skipped.Statements} statements the method is not judged",
                    $"missed (at {skipped.Statements} statements the planted FL0001 is not reported: the method is not analysed, so its time is no measure of the analysis)");
            }

            var l = large.Analyzer;
            var median = PerStatement(l.Median, large) / PerStatement(s.Median, small);
            var best = PerStatement(Range(large).Low, large) / PerStatement(Range(small).High, small);
            var worst = PerStatement(Range(large).High, large) / PerStatement(Range(small).Low, small);
            var measured = $"{median.ToString("0.0", Inv)}x [{best.ToString("0.0", Inv)}x, {worst.ToString("0.0", Inv)}x]";
            var verdict = worst <= LinearTarget ? "met"
                : best > LinearTarget ? $"missed (by {(median / LinearTarget).ToString("0.0", Inv)}x: {median.ToString("0.0", Inv)}x where at most {LinearTarget.ToString("0", Inv)}x)"
                : Verdict.NotDecided + $" (best {best.ToString("0.0", Inv)}x, worst {worst.ToString("0.0", Inv)}x)";
            return (measured, verdict);
        }

        /// <summary>Whether a finished case reported its planted diagnostic (true where nothing is planted: no witness, no claim).</summary>
        private static bool Judged(GrowthCase c) =>
            !c.Planted || c.Reps.Count == 0 || Growth.SameDiagnostics(c.Reps[0].Diagnostics, GrowthScenarios.Expected(true));

        private static (string Measured, string Verdict) NoSlowMethod(List<GrowthCase> cases, int growthTimeout)
        {
            var timedOut = cases.Where(c => c.TimedOut).ToList();
            var finished = cases.Where(c => !c.TimedOut && c.Error == null).ToList();
            var slowest = finished.OrderByDescending(c => c.Analyzer.Median).FirstOrDefault();
            var measured = (slowest == null ? string.Empty : $"slowest finished: {GrowthScenarios.Name(slowest.Kind, false)} {slowest.Statements}, {(slowest.Analyzer.Median / 1000).ToString("0.00", Inv)} s")
                + (timedOut.Count > 0 ? $"{(slowest == null ? string.Empty : "; ")}{timedOut.Count} case(s) over {growthTimeout} s wall (timed out), at least {(timedOut.Max(c => c.CpuAtLeastMs) / 1000).ToString("0.0", Inv)} s CPU on the analysis" : string.Empty);
            var slowTimedOut = timedOut.Where(c => c.CpuAtLeastMs > MethodTargetMs).OrderByDescending(c => c.CpuAtLeastMs).ToList();
            if (slowTimedOut.Count > 0)
            {
                return (measured, $"missed (by more than {((slowTimedOut[0].CpuAtLeastMs - MethodTargetMs) / 1000).ToString("0.0", Inv)} s: "
                    + $"{string.Join(", ", slowTimedOut.Select(c => $"{GrowthScenarios.Name(c.Kind, false)} {c.Statements}"))} used over 1 s CPU on the analysis before the {growthTimeout} s cap)");
            }

            var over = finished.Where(c => Range(c).Low > MethodTargetMs).OrderByDescending(c => c.Analyzer.Median).ToList();
            if (over.Count > 0)
            {
                return (measured, $"missed (by {((over[0].Analyzer.Median - MethodTargetMs) / 1000).ToString("0.00", Inv)} s: {over.Count} case(s) over 1 s)");
            }

            if (timedOut.Count > 0 || cases.Any(c => c.Error != null))
            {
                return (measured, Verdict.NotDecided + (timedOut.Count > 0 ? " (a case timed out before its CPU time passed 1 s)" : " (a case failed)"));
            }

            return finished.All(c => Range(c).High <= MethodTargetMs) ? (measured, "met") : (measured, Verdict.NotDecided);
        }
    }

    /// <summary>
    /// The driver floor: an analyzer that registers one empty compilation start action and nothing else. Every build
    /// with any analyzer attached (the SDK's own included) pays this: the analyzer driver and its compilation events.
    /// The FocalLoss analyzers' own cost is what they add beyond it.
    /// </summary>
#pragma warning disable RS1001 // no [DiagnosticAnalyzer]: never loaded by a compiler, the benchmark instantiates it
    internal sealed class DriverFloorAnalyzer : DiagnosticAnalyzer
#pragma warning restore RS1001
    {
#pragma warning disable RS2008 // never shipped: the benchmark instantiates it directly, no release tracking
        private static readonly DiagnosticDescriptor Descriptor = new DiagnosticDescriptor(
            "BENCH0001", "Floor", "Floor", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
#pragma warning restore RS2008

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
#pragma warning disable RS1012 // registering nothing is the point: the floor is the driver's cost alone
            context.RegisterCompilationStartAction(_ => { });
#pragma warning restore RS1012
        }
    }
}
