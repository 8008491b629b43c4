// Timing, heap accounting and the per-size results of the runtime benchmark.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RuntimeBench
{
    internal static class Timing
    {
        private const int ClockProcessCpuTime = 2; // CLOCK_PROCESS_CPUTIME_ID (Linux)

        /// <summary>Milliseconds per call of <paramref name="step"/>, averaged over <paramref name="reps"/> calls: wall
        /// time, and the process's CPU time (all its threads, clock_gettime(CLOCK_PROCESS_CPUTIME_ID), nanosecond
        /// resolution) over the same calls. Every tensor a call makes is freed inside the timed region (freeing is part
        /// of what a training step pays).</summary>
        public static (double Wall, double Cpu) Sample(Action step, int reps)
        {
            double cpu0 = CpuMs();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++)
            {
                using var scope = torch.NewDisposeScope();
                step();
            }

            double wall = sw.Elapsed.TotalMilliseconds / reps;
            return (wall, (CpuMs() - cpu0) / reps);
        }

        private static double CpuMs()
        {
            if (clock_gettime(ClockProcessCpuTime, out TimeSpec ts) != 0)
            {
                throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
            }

            return (ts.Seconds * 1e3) + (ts.Nanoseconds * 1e-6);
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int clock_gettime(int clock, out TimeSpec ts);
    }

    /// <summary>Median and quartiles of a sample (linear interpolation between order statistics).</summary>
    internal readonly record struct Stats(double Median, double Q1, double Q3)
    {
        public static Stats Of(IEnumerable<double> values)
        {
            double[] v = values.OrderBy(d => d).ToArray();
            return new Stats(Quantile(v, 0.5), Quantile(v, 0.25), Quantile(v, 0.75));
        }

        /// <summary>Half the interquartile range relative to the median.</summary>
        public double RelativeSpread => (Q3 - Q1) / 2 / Median;

        private static double Quantile(double[] sorted, double q)
        {
            double pos = q * (sorted.Length - 1);
            int lo = (int)Math.Floor(pos);
            int hi = Math.Min(lo + 1, sorted.Length - 1);
            return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
        }
    }

    /// <summary>
    /// Bytes a forward leaves allocated for its backward: the growth of the C heap in use (glibc mallinfo2: uordblks +
    /// hblkhd, every arena, where libtorch's CPU allocator gets its memory) from just before the forward to just after it,
    /// minus the loss tensor itself. The inputs exist before and are not counted; what remains is what autograd keeps
    /// (saved intermediates, graph nodes) until backward. The smaller of two tries is reported, so an unrelated
    /// allocation by another thread during one try does not count.
    /// </summary>
    internal static class Held
    {
        public static long ForBackward(Func<Tensor> forward, Tensor x)
        {
            long best = long.MaxValue;
            for (int i = 0; i < 2; i++)
            {
                using var scope = torch.NewDisposeScope();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                long before = HeapInUse();
                Tensor loss = forward();
                long after = HeapInUse();
                best = Math.Min(best, after - before - (loss.numel() * loss.element_size()));
                Program.Gradient(loss, x);
            }

            return best;
        }

        private static long HeapInUse()
        {
            MallInfo2 m = mallinfo2();
            return (long)(m.uordblks + m.hblkhd);
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct MallInfo2
        {
            public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
        }

        [DllImport("libc", EntryPoint = "mallinfo2")]
        private static extern MallInfo2 mallinfo2();
    }

    internal sealed class SizeResult
    {
        public SizeResult(int log2, long n)
        {
            Log2 = log2;
            N = n;
        }

        public int Log2 { get; }

        public long N { get; }

        public double[] Fused { get; set; } = Array.Empty<double>();

        public double[] Composite { get; set; } = Array.Empty<double>();

        public double[] Stream { get; set; } = Array.Empty<double>();

        public double[] Fresh { get; set; } = Array.Empty<double>();

        public double[] FusedCpu { get; set; } = Array.Empty<double>();

        public double[] CompositeCpu { get; set; } = Array.Empty<double>();

        public double[] StreamCpu { get; set; } = Array.Empty<double>();

        public long HeldFused { get; set; }

        public long HeldComposite { get; set; }

        public double LossRelDiff { get; set; }

        public double GradRelDiff { get; set; }

        public bool GuardOk { get; set; }

        /// <summary>The streaming op's time scaled to the bytes the fused forward + backward moves.</summary>
        public IEnumerable<double> Roofline => Stream.Select(s => s * Program.FusedBytes / Program.StreamBytes);

        /// <summary>Composite / fused, round by round (the two were timed back to back in each round).</summary>
        public Stats Speedup => Stats.Of(Composite.Zip(Fused, (c, f) => c / f));

        /// <summary>Fused / roofline, round by round.</summary>
        public Stats VsRoofline => Stats.Of(Fused.Zip(Roofline, (f, r) => f / r));

        /// <summary>The same two ratios formed from process CPU time.</summary>
        public Stats SpeedupCpu => Stats.Of(CompositeCpu.Zip(FusedCpu, (c, f) => c / f));

        public Stats VsRooflineCpu => Stats.Of(FusedCpu.Zip(StreamCpu, (f, s) => f / (s * Program.FusedBytes / Program.StreamBytes)));

        public double NsPerElement(IEnumerable<double> ms) => Stats.Of(ms).Median * 1e6 / N;
    }

    internal sealed class RunResult
    {
        public RunResult(int requestedThreads, int threads)
        {
            RequestedThreads = requestedThreads;
            Threads = threads;
        }

        public int RequestedThreads { get; }

        public int Threads { get; }

        public List<SizeResult> Sizes { get; } = new();
    }
}
