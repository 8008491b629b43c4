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
    /// the analyzers. A Stopwatch harness (warm-up, then the median of repeated runs, each on a fresh compilation
    /// so no binding is cached): one compilation takes seconds, so BenchmarkDotNet's many iterations would not fit
    /// the time budget and add nothing a median of a few runs does not show.
    /// usage: AnalyzerBench [--files N] [--scalar-files N] [--reps N] [--long-every N] [--markdown PATH] [--dump DIR]
    /// Exit code 1 when a correctness guard fails (never because of a timing).
    /// </summary>
    internal static class Program
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        /// <summary>The rules that apply only where TorchSharp is referenced.</summary>
        private static readonly HashSet<string> TorchSharpOnlyRules = new HashSet<string>(StringComparer.Ordinal) { "FL0003", "FL0005" };

        private static async Task<int> Main(string[] args)
        {
            var files = 500;
            var scalarFiles = 500;
            var reps = 3;
            var longEvery = 5;
            string? markdownPath = null;
            string? dumpDirectory = null;
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
                    case "--dump" when value != null:
                        dumpDirectory = value;
                        a++;
                        break;
                    case "--markdown" when value != null:
                        markdownPath = value;
                        a++;
                        break;
                    default:
                        Console.Error.WriteLine("usage: AnalyzerBench [--files N] [--scalar-files N] [--reps N] [--long-every N] [--markdown PATH] [--dump DIR]");
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

                return 0;
            }

            var failures = new List<string>();
            var results = new List<Result>();
            var total = Stopwatch.StartNew();

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

            var markdown = Render(results, analyzers, reps);
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

        private sealed class Result
        {
            public Scenario Scenario = null!;
            public double CompileMs;
            public double WithAnalyzersMs;
            public double FloorMs;
            public double CompileMb;
            public double WithAnalyzersMb;
            public ImmutableArray<Diagnostic> Diagnostics;
            public Dictionary<DiagnosticAnalyzer, AnalyzerTelemetryInfo> Telemetry = new Dictionary<DiagnosticAnalyzer, AnalyzerTelemetryInfo>();
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

            // Timed runs. "Compile + analyzers" is what a build does: the compiler's diagnostics with the analyzer driver
            // attached (GetAllDiagnosticsAsync binds once and feeds the analyzers from the same compilation events).
            var compileMs = new List<double>();
            var withMs = new List<double>();
            var floorMs = new List<double>();
            var compileMb = new List<double>();
            var withMb = new List<double>();
            var result = new Result { Scenario = scenario };
            var all = ImmutableArray<Diagnostic>.Empty;
            for (var r = 0; r < reps; r++)
            {
                var (ms, mb) = Measure(() => Fresh().GetDiagnostics());
                compileMs.Add(ms);
                compileMb.Add(mb);

                (ms, mb) = Measure(() => all = WithAnalyzers(analyzers, logTime: false).GetAllDiagnosticsAsync().GetAwaiter().GetResult());
                withMs.Add(ms);
                withMb.Add(mb);
                result.Diagnostics = all.Where(d => d.Id.StartsWith("FL", StringComparison.Ordinal)).ToImmutableArray();
            }

            // Correctness of the inputs: every generated file compiles.
            foreach (var error in all.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5))
            {
                failures.Add($"{scenario.Name}: generated code does not compile: {error}");
            }

            // The driver floor (an analyzer that registers nothing): once, it only explains the analyzers' share.
            floorMs.Add(Measure(() => WithAnalyzers(floor, logTime: false).GetAllDiagnosticsAsync().GetAwaiter().GetResult()).Ms);

            result.CompileMs = Median(compileMs);
            result.WithAnalyzersMs = Median(withMs);
            result.FloorMs = Median(floorMs);
            result.CompileMb = Median(compileMb);
            result.WithAnalyzersMb = Median(withMb);

            // Per-analyzer execution time: one more run with the driver's own timing on.
            var logged = WithAnalyzers(analyzers, logTime: true);
            var loggedDiagnostics = await logged.GetAnalyzerDiagnosticsAsync();
            foreach (var analyzer in analyzers)
            {
                result.Telemetry[analyzer] = await logged.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            }

            Check(scenario, analyzers, result, loggedDiagnostics, exceptions, failures);
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
                var info = result.Telemetry[analyzer];
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

        private static (double Ms, double Mb) Measure(Action run)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            run();
            watch.Stop();
            var after = GC.GetTotalAllocatedBytes(precise: true);
            return (watch.Elapsed.TotalMilliseconds, (after - before) / (1024.0 * 1024.0));
        }

        private static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            var mid = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        private static string Id(DiagnosticAnalyzer analyzer) => analyzer.SupportedDiagnostics[0].Id;

        private static string Render(List<Result> results, ImmutableArray<DiagnosticAnalyzer> analyzers, int reps)
        {
            string N(double v) => v.ToString("F0", Inv);
            var s = new StringBuilder();
            s.AppendLine($"Roslyn {typeof(CSharpCompilation).Assembly.GetName().Version}, .NET {Environment.Version}, {Environment.ProcessorCount} processors, "
                + $"concurrent build and concurrent analysis, medians of {reps} runs after a warm-up, each run on a fresh compilation.");
            s.AppendLine();
            s.AppendLine("| scenario | files | lines | compile (ms) | compile + empty analyzer (ms) | compile + FocalLoss analyzers (ms) | analyzers add (ms) | added | beyond the empty analyzer (ms) | per-analyzer execution (ms, top 3) | allocated compile (MB) | allocated with analyzers (MB) | analyzers allocate (MB) | diagnostics |");
            s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|");
            foreach (var r in results)
            {
                var top = r.Telemetry.OrderByDescending(kv => kv.Value.ExecutionTime).Take(3)
                    .Select(kv => $"{Id(kv.Key)} {kv.Value.ExecutionTime.TotalMilliseconds.ToString("F0", Inv)}");
                var known = r.Scenario.KnownFalsePositive;
                var ids = r.Diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => $"{g.Key} x{g.Count()}{(known != null && known.Id == g.Key ? $" ({known.Count} false positives)" : string.Empty)}").ToList();
                var added = r.WithAnalyzersMs - r.CompileMs;
                s.AppendLine($"| {r.Scenario.Name} | {r.Scenario.Files.Count} | {r.Scenario.Lines} | {N(r.CompileMs)} | {N(r.FloorMs)} | {N(r.WithAnalyzersMs)} | {N(added)} | "
                    + $"{(100 * added / r.CompileMs).ToString("+0;-0", Inv)}% | {N(r.WithAnalyzersMs - r.FloorMs)} | {string.Join(", ", top)} | "
                    + $"{N(r.CompileMb)} | {N(r.WithAnalyzersMb)} | {N(r.WithAnalyzersMb - r.CompileMb)} | {r.Diagnostics.Length}{(ids.Count > 0 ? ": " + string.Join(", ", ids) : string.Empty)} |");
            }

            s.AppendLine();
            s.AppendLine("Per-analyzer execution time (ms, from the driver's own timing, logAnalyzerExecutionTime: true; summed over threads) and the operation block start actions each registered:");
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
                    var info = r.Telemetry[a];
                    s.Append($" {info.ExecutionTime.TotalMilliseconds.ToString("F1", Inv)} ({info.OperationBlockStartActionsCount}) |");
                }

                s.AppendLine($" {r.Telemetry.Values.Sum(t => t.ExecutionTime.TotalMilliseconds).ToString("F1", Inv)} |");
            }

            s.AppendLine();
            s.AppendLine("Reading (computed from the numbers above):");
            s.AppendLine();
            foreach (var r in results)
            {
                var sum = r.Telemetry.Values.Sum(t => t.ExecutionTime.TotalMilliseconds);
                var top = r.Telemetry.OrderByDescending(kv => kv.Value.ExecutionTime).First();
                var added = r.WithAnalyzersMs - r.CompileMs;
                var registeredNothing = r.Telemetry.Values.All(t => t.OperationBlockStartActionsCount == 0);
                var scanners = r.Telemetry.Count(kv => !TorchSharpOnlyRules.Contains(Id(kv.Key)));
                s.Append($"- {r.Scenario.Name} ({r.Scenario.Lines} lines): compile {N(r.CompileMs)} ms; with the analyzers {N(r.WithAnalyzersMs)} ms "
                    + $"({(100 * added / r.CompileMs).ToString("+0;-0", Inv)}%), of which {N(r.WithAnalyzersMs - r.FloorMs)} ms beyond an empty analyzer; "
                    + $"their callbacks took {N(sum)} ms of CPU in all");
                s.Append(registeredNothing
                    ? $", all of it the compilation start pre-check (nothing else is registered): {scanners} analyzers each scan every token of every tree for an identifier named Exp ({N(sum / Math.Max(1, scanners))} ms per scan, {(1000 * sum / Math.Max(1, scanners) / r.Scenario.Lines).ToString("F1", Inv)} us per line)."
                    : $", {Id(top.Key)} the largest ({(100 * top.Value.ExecutionTime.TotalMilliseconds / Math.Max(1e-9, sum)).ToString("F0", Inv)}%, {N(top.Value.ExecutionTime.TotalMilliseconds)} ms, {(100 * top.Value.ExecutionTime.TotalMilliseconds / r.CompileMs).ToString("F0", Inv)}% of the compile's wall time).");
                s.AppendLine($" Allocation: {N(r.WithAnalyzersMb - r.CompileMb)} MB beyond the compile's {N(r.CompileMb)} MB.");
                if (r.Scenario.KnownFalsePositive is { } known)
                {
                    s.AppendLine($"- False positive found by this benchmark, {known.Count} times in {r.Scenario.Name}: {known.Description}.");
                }
            }

            return s.ToString();
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
