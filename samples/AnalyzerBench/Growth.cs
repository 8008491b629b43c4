using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AnalyzerBench
{
    /// <summary>One repetition of one growth case, as the worker process reports it (one JSON line).</summary>
    internal sealed class GrowthRep
    {
        public bool TimedOut { get; set; }

        public double CompileMs { get; set; }

        /// <summary>The thread CPU time of the analyzers' callbacks, summed over the six analyzers.</summary>
        public double CpuMs { get; set; }

        /// <summary>The analyzers' execution time from the driver's telemetry (a stopwatch per callback), summed over the six.</summary>
        public double TelemetryMs { get; set; }

        /// <summary>The analyzer with the most CPU in callbacks.</summary>
        public string LargestAnalyzer { get; set; } = string.Empty;

        public double LargestAnalyzerCpuMs { get; set; }

        /// <summary>Wall time of GetAnalyzerDiagnosticsAsync (binding included).</summary>
        public double WallMs { get; set; }

        public Dictionary<string, int> Diagnostics { get; set; } = new Dictionary<string, int>();

        public List<string> Exceptions { get; set; } = new List<string>();

        public List<string> CompileErrors { get; set; } = new List<string>();
    }

    /// <summary>One growth case: a chain kind, a length, with or without the planted focal loss, and what its worker reported.</summary>
    internal sealed class GrowthCase
    {
        public GrowthCase(ChainKind kind, int statements, bool planted, bool guarded)
        {
            Kind = kind;
            Statements = statements;
            Planted = planted;
            Guarded = guarded;
        }

        public ChainKind Kind { get; }

        public int Statements { get; }

        public bool Planted { get; }

        /// <summary>Whether wrong diagnostics fail the run (false: a probe past the series, reported only).</summary>
        public bool Guarded { get; }

        public List<GrowthRep> Reps { get; } = new List<GrowthRep>();

        /// <summary>No repetition finished within the cap (the worker cancelled, or was killed).</summary>
        public bool TimedOut { get; set; }

        public string? Error { get; set; }

        /// <summary>How a timed-out case stopped: "cancelled" (the token was observed) or "killed" (the worker ran on past the cap).</summary>
        public string? Stopped { get; set; }

        /// <summary>
        /// For a timed-out case: the CPU time its worker had spent on the analysis beyond the plain compile of the same file
        /// when it last reported (a callback that never returns is not in the CPU-in-callbacks tally, so the process's).
        /// </summary>
        public double CpuAtLeastMs { get; set; }

        public int Lines { get; set; }

        /// <summary>CPU in the analyzers' callbacks per repetition (the method's analysis).</summary>
        public Sample Analyzer => new Sample(Reps.Select(r => r.CpuMs));

        public Sample Telemetry => new Sample(Reps.Select(r => r.TelemetryMs));
    }

    /// <summary>
    /// The growth series: each case runs in a worker process (this program again, with --growth-worker) that analyses
    /// the one-method file with a CancellationToken that fires after the cap; the parent kills the worker when it is
    /// still running shortly after the cap (an analyzer that does not observe the token), so a pathological case costs
    /// at most the cap and leaves no thread burning CPU under the cases that follow.
    /// </summary>
    internal static class Growth
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        /// <summary>A repetition taking longer than this is the last of its case (one is enough to show it is slow).</summary>
        public const double LastRepAfterMs = 10_000;

        private const string RepPrefix = "GROWTH-REP ";

        /// <summary>Progress of the repetition under way, every 2 s: the worker's CPU time on the analysis so far beyond the compile's (ms).</summary>
        private const string ProgressPrefix = "GROWTH-CPU ";

        public static async Task<GrowthCase> RunCaseAsync(GrowthCase c, int reps, int timeoutSeconds)
        {
            var self = Environment.ProcessPath!;
            var start = new ProcessStartInfo { FileName = self, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
            }

            foreach (var a in new[] { "--growth-worker", c.Kind.ToString(), c.Statements.ToString(Inv), c.Planted ? "1" : "0", reps.ToString(Inv), timeoutSeconds.ToString(Inv) })
            {
                start.ArgumentList.Add(a);
            }

            c.Lines = GrowthScenarios.File(c.Kind, c.Statements, c.Planted).Count(ch => ch == '\n');
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();

            // The worker's own start-up, warm-up and compile come before the first cap; after that every repetition has the
            // cap plus a grace period to report (its token fires at the cap).
            var grace = TimeSpan.FromSeconds(30);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(timeoutSeconds) + grace + TimeSpan.FromSeconds(30);
            var killed = false;
            while (true)
            {
                var remaining = deadline - DateTime.UtcNow;
                string? line;
                try
                {
                    using var cts = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
                    line = await process.StandardOutput.ReadLineAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    killed = true;
                    break;
                }

                if (line == null)
                {
                    break;
                }

                if (line.StartsWith(ProgressPrefix, StringComparison.Ordinal))
                {
                    if (c.Reps.Count == 0)
                    {
                        c.CpuAtLeastMs = Math.Max(c.CpuAtLeastMs, double.Parse(line.Substring(ProgressPrefix.Length), Inv));
                    }

                    continue;
                }

                if (!line.StartsWith(RepPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var rep = JsonSerializer.Deserialize<GrowthRep>(line.Substring(RepPrefix.Length))!;
                if (rep.TimedOut)
                {
                    if (c.Reps.Count == 0)
                    {
                        c.CpuAtLeastMs = Math.Max(c.CpuAtLeastMs, rep.CpuMs);
                    }

                    // The cap fired in a later repetition: the earlier ones stand; none at all is a timeout.
                    c.TimedOut = c.Reps.Count == 0;
                    c.Stopped = "cancelled";
                    continue;
                }

                c.Reps.Add(rep);
                deadline = DateTime.UtcNow + TimeSpan.FromSeconds(timeoutSeconds) + grace;
            }

            await process.WaitForExitAsync();
            if (killed)
            {
                c.TimedOut = c.Reps.Count == 0;
                c.Stopped = "killed";
            }
            else if (process.ExitCode != 0 && c.Reps.Count == 0 && !c.TimedOut)
            {
                c.Error = $"worker exited {process.ExitCode}: {(await stderr).Trim()}";
            }

            return c;
        }

        /// <summary>The worker: a warm-up on a short chain, then up to <paramref name="reps"/> timed analyses of the long one.</summary>
        public static async Task<int> WorkerAsync(string[] args, IReadOnlyList<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers)
        {
            var kind = Enum.Parse<ChainKind>(args[0]);
            var statements = int.Parse(args[1], Inv);
            var planted = args[2] == "1";
            var reps = int.Parse(args[3], Inv);
            var timeout = TimeSpan.FromSeconds(int.Parse(args[4], Inv));

            await AnalyzeAsync(GrowthScenarios.File(kind, 40, planted), references, analyzers, CancellationToken.None);
            var text = GrowthScenarios.File(kind, statements, planted);
            for (var r = 0; r < reps; r++)
            {
                GrowthRep rep;
                using (var cts = new CancellationTokenSource(timeout))
                {
                    try
                    {
                        rep = await AnalyzeAsync(text, references, analyzers, cts.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        rep = new GrowthRep { TimedOut = true, CpuMs = LastCpuMs };
                    }
                }

                Console.Out.WriteLine(RepPrefix + JsonSerializer.Serialize(rep));
                Console.Out.Flush();
                if (rep.TimedOut || rep.WallMs > LastRepAfterMs)
                {
                    break;
                }
            }

            return 0;
        }

        private static double LastCpuMs;

        private static async Task<GrowthRep> AnalyzeAsync(string text, IReadOnlyList<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers, CancellationToken cancellationToken)
        {
            var tree = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest), "LongMethod.cs", Encoding.UTF8);
            var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: true);
            Compilation Fresh() => CSharpCompilation.Create("Growth", new[] { tree }, references, options);

            var rep = new GrowthRep();
            var watch = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var compilerDiagnostics = Fresh().GetDiagnostics(cancellationToken);
            rep.CompileMs = watch.Elapsed.TotalMilliseconds;
            var compileCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            rep.CompileErrors = compilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3).Select(d => d.ToString()).ToList();

            var exceptions = new List<string>();
            var timed = analyzers.Select(a => new CpuTimedAnalyzer(a)).ToList();
            var analysisStart = Process.GetCurrentProcess().TotalProcessorTime;
            LastCpuMs = 0;
            using var progress = new Timer(_ =>
            {
                LastCpuMs = Math.Max(0, (Process.GetCurrentProcess().TotalProcessorTime - analysisStart - compileCpu).TotalMilliseconds);
                Console.Out.WriteLine(ProgressPrefix + LastCpuMs.ToString("F0", Inv));
                Console.Out.Flush();
            }, null, 2000, 2000);
            var withAnalyzers = Fresh().WithAnalyzers(timed.ToImmutableArray<DiagnosticAnalyzer>(), new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (e, a, d) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add($"{a.GetType().Name}: {e.GetType().Name}: {e.Message}");
                    }
                },
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: false));
            watch.Restart();
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken);
            rep.WallMs = watch.Elapsed.TotalMilliseconds;
            foreach (var analyzer in timed)
            {
                var info = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, cancellationToken);
                rep.TelemetryMs += info.ExecutionTime.TotalMilliseconds;
                rep.CpuMs += analyzer.CpuMs;
                if (analyzer.CpuMs >= rep.LargestAnalyzerCpuMs)
                {
                    rep.LargestAnalyzerCpuMs = analyzer.CpuMs;
                    rep.LargestAnalyzer = analyzer.SupportedDiagnostics[0].Id;
                }
            }

            rep.Diagnostics = diagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());
            rep.Exceptions = exceptions.Distinct().Take(3).ToList();
            return rep;
        }

        /// <summary>The guards of a finished case: compiles, no analyzer exception, exactly the planted diagnostics.</summary>
        public static void Check(GrowthCase c, List<string> failures)
        {
            var name = $"growth {GrowthScenarios.Name(c.Kind, c.Planted)}, {c.Statements} statements";
            if (c.Error != null)
            {
                failures.Add($"{name}: {c.Error}");
                return;
            }

            foreach (var rep in c.Reps.Take(1))
            {
                failures.AddRange(rep.CompileErrors.Select(e => $"{name}: generated code does not compile: {e}"));
                failures.AddRange(rep.Exceptions.Select(e => $"{name}: analyzer exception: {e}"));
                if (c.Guarded && !SameDiagnostics(rep.Diagnostics, GrowthScenarios.Expected(c.Planted)))
                {
                    failures.Add($"{name}: reported {Describe(rep.Diagnostics)}, expected {Describe(GrowthScenarios.Expected(c.Planted))}");
                }
            }
        }

        public static bool SameDiagnostics(IReadOnlyDictionary<string, int> got, IReadOnlyDictionary<string, int> want) =>
            got.Keys.Union(want.Keys).All(k => (got.TryGetValue(k, out var g) ? g : 0) == (want.TryGetValue(k, out var w) ? w : 0));

        public static string Describe(IReadOnlyDictionary<string, int> diagnostics) =>
            diagnostics.Count == 0 ? "nothing" : string.Join(", ", diagnostics.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} x{kv.Value}"));
    }
}
