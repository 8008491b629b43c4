// The runtime benchmark's PNG: median time per element against N, log-log, for the fused loss, the composite and
// the roofline, one line style per thread count.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace RuntimeBench
{
    internal static class Plot
    {
        /// <summary>Where Debian's fonts-dejavu-core puts its sans font (build/install-deps.sh installs it;
        /// build/bench-runtime.sh makes the folder visible where TorchSharp runs).</summary>
        public const string DefaultFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

        public static void Write(IReadOnlyList<RunResult> runs, string path, string fontPath)
        {
            // SkiaSharp's dependency-free Linux build finds no system fonts by itself: without a font file
            // every label would be blank.
            if (!File.Exists(fontPath))
            {
                throw new FileNotFoundException($"no font file at {fontPath} (Debian: apt-get install fonts-dejavu-core, or pass --font FILE.ttf)", fontPath);
            }

            Fonts.AddFontFile("PlotSans", fontPath);
            var plt = new ScottPlot.Plot();
            plt.Font.Set("PlotSans");
            var palette = new ScottPlot.Palettes.Category10();
            LinePattern[] patterns = { LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed };
            double lo = double.MaxValue, hi = double.MinValue;

            for (int i = 0; i < runs.Count; i++)
            {
                RunResult run = runs[i];
                double[] xs = run.Sizes.Select(s => (double)s.Log2).ToArray();
                var series = new (string Name, Func<SizeResult, double> NsPerElement, int Color)[]
                {
                    ("fused (FocalLoss.TorchSharp)", s => s.NsPerElement(s.Fused), 0),
                    ("composite (torchvision.ops)", s => s.NsPerElement(s.Composite), 3),
                    ("roofline (streaming add, 20 bytes/elem)", s => s.NsPerElement(s.Roofline), 2),
                };
                foreach (var (name, ns, color) in series)
                {
                    double[] ys = run.Sizes.Select(s => Math.Log10(ns(s))).ToArray();
                    lo = Math.Min(lo, ys.Min());
                    hi = Math.Max(hi, ys.Max());
                    var sc = plt.Add.Scatter(xs, ys);
                    sc.Color = palette.GetColor(color);
                    sc.LineWidth = 2;
                    sc.MarkerSize = 7;
                    sc.LinePattern = patterns[i % patterns.Length];
                    sc.LegendText = $"{name}, {run.RequestedThreads} thread{(run.RequestedThreads == 1 ? "" : "s")}";
                }
            }

            // x: log2 N, labelled 2^k; y: log10 of ns per element, labelled in ns.
            var xTicks = new ScottPlot.TickGenerators.NumericManual();
            foreach (int k in runs.SelectMany(r => r.Sizes).Select(s => s.Log2).Distinct().OrderBy(k => k))
            {
                xTicks.AddMajor(k, "2" + Superscript(k));
            }

            var yTicks = new ScottPlot.TickGenerators.NumericManual();
            for (int d = (int)Math.Floor(lo); d <= (int)Math.Ceiling(hi); d++)
            {
                yTicks.AddMajor(d, Math.Pow(10, d).ToString(d < 0 ? "0." + new string('0', -d - 1) + "#" : "0", System.Globalization.CultureInfo.InvariantCulture));
                for (int m = 2; m <= 9; m++)
                {
                    yTicks.AddMinor(d + Math.Log10(m));
                }
            }

            plt.Axes.Bottom.TickGenerator = xTicks;
            plt.Axes.Bottom.TickLabelStyle.FontSize = 18;
            plt.Axes.Left.TickGenerator = yTicks;
            plt.Axes.SetLimitsY(Math.Floor(lo * 4) / 4, Math.Ceiling(hi * 4) / 4 + 0.25);
            plt.Title("Sigmoid focal loss on CPU, float32, forward + backward");
            plt.XLabel("N (elements)");
            plt.YLabel("time per element (ns, log scale)");
            plt.ShowLegend(Edge.Bottom);
            plt.SavePng(path, 1000, 720);
        }

        private static string Superscript(int k) =>
            string.Concat(k.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => "⁰¹²³⁴⁵⁶⁷⁸⁹"[c - '0']));
    }
}
