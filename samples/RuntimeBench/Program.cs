// The runtime benchmark: one TorchSharp process, float32, forward + backward, interleaved variants.
//
//   fused       FocalLoss.TorchSharp's focal.sigmoid_focal_loss(x, t, reduction: Mean), then the gradient
//   composite   TorchSharp's torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 2.0, Mean) (the double
//               overload: the float one reduces the cross entropy before weighting), then the gradient
//   stream      c.add_(b): reads two float arrays and writes one, 12 bytes per element, no allocation
//   fresh       torch.empty(N).fill_(1): what a new float tensor costs before anything is computed into it
//               (context for the fused backward, which must return a new gradient tensor; not in a verdict)
//
// The gradient is taken with torch.autograd.grad (nothing accumulates into x.grad between calls).
// See Usage below and build/bench-runtime.sh.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace RuntimeBench
{
    internal static class Program
    {
        private const string Usage =
            "usage: RuntimeBench [--sizes 16,18,20,22,23,24] [--threads 1,2] [--rounds 7] [--target-log2 23] [--plot FILE.png [--font FILE.ttf]]\n" +
            "  --sizes    log2 of the element counts N\n" +
            "  --threads  intra-op thread counts (torch.set_num_threads), one table each\n" +
            "  --rounds   timed rounds per size; each round times every variant once, in rotating order\n" +
            "  --plot     write a PNG of time per element against N (fused, composite, roofline)\n" +
            "  --font     the TrueType font for its labels (default " + Plot.DefaultFont + ")";

        internal const double Alpha = 0.25;
        internal const double Gamma = 2.0;

        // Bytes each variant moves per element, by counting the arrays it must touch.
        internal const double FusedBytes = 20;   // forward reads x, t (8); backward reads x, t (8), writes grad (4)
        internal const double StreamBytes = 12;  // reads c, b (8), writes c (4)

        private static int Main(string[] args)
        {
            Options opt;
            try
            {
                opt = Options.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }

            if (opt.Help)
            {
                Console.WriteLine(Usage);
                return 0;
            }

            torch.manual_seed(20260101);
            var runs = new List<RunResult>();
            bool guardsOk = true;
            foreach (int threads in opt.Threads)
            {
                torch.set_num_threads(threads);
                var run = new RunResult(threads, torch.get_num_threads());
                Console.WriteLine(Report.RunHeader(run));
                Console.WriteLine();
                foreach (int log2 in opt.Sizes)
                {
                    SizeResult r = MeasureSize(log2, opt.Rounds);
                    guardsOk &= r.GuardOk;
                    run.Sizes.Add(r);
                    Console.Error.WriteLine($"  {run.Threads} thread(s), N = 2^{log2}: done");
                }

                runs.Add(run);
                Console.WriteLine(Report.Table(run));
                Console.WriteLine();
                Console.WriteLine(Report.Verdicts(run, opt.TargetLog2));
                Console.WriteLine();
            }

            if (!guardsOk)
            {
                Console.WriteLine("CORRECTNESS GUARD FAILED: the fused and the composite loss or gradient disagree (see the guard lines above).");
            }

            if (opt.PlotPath is not null)
            {
                Plot.Write(runs, opt.PlotPath, opt.FontPath);
                Console.Error.WriteLine($"  plot written to {opt.PlotPath}");
            }

            return guardsOk ? 0 : 1;
        }

        private static SizeResult MeasureSize(int log2, int rounds)
        {
            long n = 1L << log2;
            using var sizeScope = torch.NewDisposeScope();

            // Logits around the decision boundary with a tail, dense 0/1 targets (about 10 % positive).
            Tensor x = (torch.randn(n, dtype: float32) * 2.0).detach().requires_grad_(true);
            Tensor t = torch.bernoulli(torch.full(n, 0.1, dtype: float32));
            Tensor c = torch.rand(n, dtype: float32);
            Tensor b = torch.rand(n, dtype: float32);

            var result = new SizeResult(log2, n);
            Guard(x, t, result);

            // Enough calls per timed sample that the smallest sizes are not timer noise (about 2^20 elements per sample).
            int reps = (int)Math.Max(1, (1L << 20) / n);
            var variants = new (string Name, Action Step)[]
            {
                ("fused", () => FusedStep(x, t)),
                ("composite", () => CompositeStep(x, t)),
                ("stream", () => c.add_(b)),
                ("fresh", () => torch.empty(n, dtype: float32).fill_(1.0f)),
            };

            // Warm-up (after the guard's calls): first-touch page faults, the JIT, libtorch's lazy initialisation.
            foreach (var v in variants)
            {
                Timing.Sample(v.Step, reps);
            }

            var samples = variants.ToDictionary(v => v.Name, _ => new List<(double Wall, double Cpu)>());
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < variants.Length; k++)
                {
                    var v = variants[(round + k) % variants.Length];
                    samples[v.Name].Add(Timing.Sample(v.Step, reps));
                }
            }

            result.Fused = samples["fused"].Select(s => s.Wall).ToArray();
            result.Composite = samples["composite"].Select(s => s.Wall).ToArray();
            result.Stream = samples["stream"].Select(s => s.Wall).ToArray();
            result.FusedCpu = samples["fused"].Select(s => s.Cpu).ToArray();
            result.CompositeCpu = samples["composite"].Select(s => s.Cpu).ToArray();
            result.StreamCpu = samples["stream"].Select(s => s.Cpu).ToArray();
            result.Fresh = samples["fresh"].Select(s => s.Wall).ToArray();
            result.HeldFused = Held.ForBackward(() => Fused(x, t), x);
            result.HeldComposite = Held.ForBackward(() => Composite(x, t), x);
            return result;
        }

        internal static Tensor Fused(Tensor x, Tensor t) =>
            focal.sigmoid_focal_loss(x, t, alpha: Alpha, gamma: Gamma, reduction: nn.Reduction.Mean);

        internal static Tensor Composite(Tensor x, Tensor t) =>
            torchvision.ops.sigmoid_focal_loss(x, t, alpha: Alpha, gamma: Gamma, reduction: nn.Reduction.Mean);

        internal static Tensor Gradient(Tensor loss, Tensor x) =>
            torch.autograd.grad(new[] { loss }, new[] { x }, null, false, false, false)[0];

        private static void FusedStep(Tensor x, Tensor t) => Gradient(Fused(x, t), x);

        private static void CompositeStep(Tensor x, Tensor t) => Gradient(Composite(x, t), x);

        // The numbers compared must be the same loss: value and gradient of fused and composite.
        private static void Guard(Tensor x, Tensor t, SizeResult result)
        {
            using var scope = torch.NewDisposeScope();
            Tensor lf = Fused(x, t);
            Tensor gf = Gradient(lf, x);
            Tensor lc = Composite(x, t);
            Tensor gc = Gradient(lc, x);
            double vf = lf.item<float>();
            double vc = lc.item<float>();
            double gradScale = gc.abs().max().item<float>();
            double gradDiff = (gf - gc).abs().max().item<float>();
            result.LossRelDiff = Math.Abs(vf - vc) / Math.Abs(vc);
            result.GradRelDiff = gradDiff / gradScale;
            result.GuardOk = result.LossRelDiff <= 1e-4 && result.GradRelDiff <= 1e-4 && double.IsFinite(vf);
            if (!result.GuardOk)
            {
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "guard N = 2^{0}: fused loss {1:G9}, composite {2:G9} (relative difference {3:E2}); max |grad diff| / max |grad| = {4:E2}",
                    result.Log2, vf, vc, result.LossRelDiff, result.GradRelDiff));
            }
        }
    }

    internal sealed class Options
    {
        public int[] Sizes { get; private set; } = { 16, 18, 20, 22, 23, 24 };

        public int[] Threads { get; private set; } = { 1, 2 };

        public int Rounds { get; private set; } = 7;

        public int TargetLog2 { get; private set; } = 23;

        public string? PlotPath { get; private set; }

        public string FontPath { get; private set; } = Plot.DefaultFont;

        public bool Help { get; private set; }

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--sizes": o.Sizes = Ints(Value(), 10, 28); break;
                    case "--threads": o.Threads = Ints(Value(), 1, 256); break;
                    case "--rounds": o.Rounds = Ints(Value(), 3, 1000)[0]; break;
                    case "--target-log2": o.TargetLog2 = Ints(Value(), 10, 28)[0]; break;
                    case "--plot": o.PlotPath = Path.GetFullPath(Value()); break;
                    case "--font": o.FontPath = Path.GetFullPath(Value()); break;
                    case "-h":
                    case "--help": o.Help = true; break;
                    default: throw new ArgumentException($"unknown argument {args[i]}");
                }
            }

            return o;
        }

        private static int[] Ints(string s, int min, int max)
        {
            var values = s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && k >= min && k <= max
                    ? k
                    : throw new ArgumentException($"'{v}' is not an integer in [{min}, {max}]"))
                .ToArray();
            return values.Length > 0 ? values : throw new ArgumentException("empty list");
        }
    }
}
