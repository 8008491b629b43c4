// The runtime benchmark's Markdown output: a header line per run, its table, its target verdicts.
using System;
using System.Globalization;
using System.Linq;
using System.Text;
using TorchSharp;

namespace RuntimeBench
{
    internal static class Report
    {
        // Targets at N = 2^TargetLog2.
        private const double SpeedupTarget = 15;
        private const double RooflineTarget = 1.5;
        private const double HeldTarget = 4;

        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public static string RunHeader(RunResult run)
        {
            string version = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?";
            return string.Format(Inv,
                "**Run:** TorchSharp {0} (CPU), {1} intra-op thread{2} (torch.get_num_threads() = {3}), float32, dense 0/1 targets (10 % positive), alpha {4}, gamma {5}, mean reduction, forward + backward",
                version, run.RequestedThreads, run.RequestedThreads == 1 ? "" : "s", run.Threads, Program.Alpha, Program.Gamma);
        }

        public static string Table(RunResult run)
        {
            var sb = new StringBuilder();
            sb.AppendLine("| N | fused (ms) | composite (ms) | speedup | stream `c.add_(b)` (ms) | roofline: stream x 20/12 (ms) | fused / roofline | fused (ns/elem) | speedup, CPU time | fused / roofline, CPU time | new tensor: `empty` + `fill_` (ns/elem) | held for backward, fused (bytes/elem) | held, composite (bytes/elem) |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (SizeResult r in run.Sizes)
            {
                sb.AppendLine(string.Join(" | ", new[]
                {
                    "| 2^" + r.Log2.ToString(Inv),
                    Ms(Stats.Of(r.Fused)),
                    Ms(Stats.Of(r.Composite)),
                    Ratio(r.Speedup, 1),
                    Ms(Stats.Of(r.Stream)),
                    Stats.Of(r.Roofline).Median.ToString(Median(Stats.Of(r.Roofline).Median), Inv),
                    Ratio(r.VsRoofline, 2),
                    r.NsPerElement(r.Fused).ToString("0.00", Inv),
                    Ratio(r.SpeedupCpu, 1),
                    Ratio(r.VsRooflineCpu, 2),
                    r.NsPerElement(r.Fresh).ToString("0.00", Inv),
                    HeldCell(r.HeldFused, r.N),
                    HeldCell(r.HeldComposite, r.N),
                }) + " |");
            }

            sb.Append("Times: wall clock, median over rounds, ±half the interquartile range. Ratios: median of the per-round ratios [quartiles]; \"CPU time\": the same ratios from the process's CPU time.");
            return sb.ToString();
        }

        public static string Verdicts(RunResult run, int targetLog2)
        {
            SizeResult? r = run.Sizes.FirstOrDefault(s => s.Log2 == targetLog2);
            if (r is null)
            {
                return $"Targets at N = 2^{targetLog2}: not measured in this run.";
            }

            var sb = new StringBuilder();
            sb.AppendLine(string.Format(Inv, "Targets at N = 2^{0}, {1} thread{2}:", targetLog2, run.RequestedThreads, run.RequestedThreads == 1 ? "" : "s"));

            Stats s = r.Speedup;
            string speed = s.Q1 >= SpeedupTarget ? "met"
                : s.Q3 < SpeedupTarget ? string.Format(Inv, "MISSED (by {0:0.0}x: {1:0.0}x short of {2:0}x)", SpeedupTarget / s.Median, SpeedupTarget - s.Median, SpeedupTarget)
                : "not decided (the quartiles straddle the target: noise)";
            sb.AppendLine(string.Format(Inv, "- fused at least {0:0}x faster than the composite: {1} -> {2} (in CPU time: {3})", SpeedupTarget, Ratio(s, 1), speed, Ratio(r.SpeedupCpu, 1)));

            Stats v = r.VsRoofline;
            string roof = v.Q3 <= RooflineTarget ? "met"
                : v.Q1 > RooflineTarget ? string.Format(Inv, "MISSED (by {0:0.00}x: {1:0.00}x against at most {2:0.0}x)", v.Median / RooflineTarget, v.Median, RooflineTarget)
                : "not decided (the quartiles straddle the target: noise)";
            sb.AppendLine(string.Format(Inv, "- fused within {0:0.0}x of the streaming roofline: {1} -> {2} (in CPU time: {3})", RooflineTarget, Ratio(v, 2), roof, Ratio(r.VsRooflineCpu, 2)));

            // Bytes per element: the slope of the held bytes over the measured sizes (least squares), so that a constant
            // (autograd's node and the saved scalars, a few hundred bytes whatever N is) is not counted per element.
            var sizes = run.Sizes.Where(z => z.HeldFused > 0).ToList();
            double held = (double)r.HeldFused / r.N, constant = 0;
            if (sizes.Count >= 2)
            {
                double mn = sizes.Average(z => (double)z.N), mh = sizes.Average(z => (double)z.HeldFused);
                double cov = sizes.Sum(z => (z.N - mn) * (z.HeldFused - mh)), varN = sizes.Sum(z => (z.N - mn) * (z.N - mn));
                held = cov / varN;
                constant = mh - (held * mn);
            }

            string heldVerdict = held <= HeldTarget + 1e-3 ? "met" : string.Format(Inv, "MISSED (by {0:0.00} bytes/element)", held - HeldTarget);
            sb.Append(string.Format(Inv, "- at most {0:0} bytes per element held for backward: {1} at this size; {2:0.000} bytes/element plus {3:0} bytes over the sizes measured -> {4}",
                HeldTarget, HeldCell(r.HeldFused, r.N), held, constant, heldVerdict));
            return sb.ToString();
        }

        private static string Ms(Stats s) =>
            s.Median.ToString(Median(s.Median), Inv) + " ±" + (s.RelativeSpread * 100).ToString("0", Inv) + "%";

        private static string Median(double ms) => ms < 1 ? "0.000" : ms < 100 ? "0.00" : "0.0";

        private static string Ratio(Stats s, int digits)
        {
            string f = digits == 1 ? "0.0" : "0.00";
            return string.Format(Inv, "{0}x [{1}-{2}]", s.Median.ToString(f, Inv), s.Q1.ToString(f, Inv), s.Q3.ToString(f, Inv));
        }

        // Per element; tiny amounts (autograd's bookkeeping, no tensor data) also in bytes.
        private static string HeldCell(long bytes, long n)
        {
            double perElement = (double)bytes / n;
            return perElement < 0.01
                ? string.Format(Inv, "{0:0.00} ({1} bytes in all)", perElement, bytes)
                : perElement.ToString("0.00", Inv);
        }
    }
}
