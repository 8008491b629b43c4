using System;
using System.IO;
using System.Runtime.InteropServices;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>No native leak: resident memory stays flat over many forward + backward calls.</summary>
    [Collection(SerialCollection.Name)]
    /// <summary>Runs alone: tests of other classes allocating tensors at the same time would move this process's RSS.</summary>
    [CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
    public sealed class MemoryTestsCollection
    {
    }

    [Collection(nameof(MemoryTests))]
    public sealed class MemoryTests
    {
        /// <summary>Allowed RSS growth over 100,000 calls. A leak of one small tensor per call (storage plus TensorImpl,
        /// a few hundred bytes) would grow RSS by tens of MiB; allocator and JIT noise stays well under this.</summary>
        private const long AllowedGrowthBytes = 32L << 20;

        /// <summary>Allowed growth of the C heap in use (malloc's own count: what libtorch and the kernels allocate and
        /// have not freed) over the same calls: unlike RSS it does not move with the managed heap or with pages the
        /// allocator keeps, so it can be tight. One leaked 16x8 float tensor per call would be over 50 MiB.</summary>
        private const long AllowedHeapGrowthBytes = 1L << 20;

        [StructLayout(LayoutKind.Sequential)]
        private struct MallInfo2
        {
            public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
        }

        [DllImport("libc", EntryPoint = "mallinfo2")]
        private static extern MallInfo2 mallinfo2();

        /// <summary>Bytes malloc has handed out and not taken back (small blocks plus mmapped ones); null without mallinfo2 (glibc before 2.33).</summary>
        private static long? HeapInUseBytes()
        {
            try
            {
                MallInfo2 m = mallinfo2();
                return (long)m.Uordblks + (long)m.Hblkhd;
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
        }

        private readonly ITestOutputHelper _output;

        public MemoryTests(ITestOutputHelper output)
        {
            _output = output;
        }

        private static long ResidentBytes()
        {
            // /proc/self/statm: size resident shared ... in pages.
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1]) * Environment.SystemPageSize;
        }

        private static void Settle()
        {
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        private static void Calls(int count, Tensor x0, Tensor target, Tensor weight)
        {
            for (int i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                Tensor x = x0.detach().requires_grad_(true);
                Tensor loss = focal.sigmoid_focal_loss(x, target, 0.25, 2.0, Reduction.Mean, weight, avg_factor: 3.0);
                loss.backward();
                if (x.grad is null)
                {
                    throw new InvalidOperationException("no gradient");
                }

                if (i % 10_000 == 0)
                {
                    Settle();
                }
            }
        }

        [Fact]
        public void ResidentMemory_StaysFlatOver100000ForwardBackwardCalls()
        {
            using var outer = NewDisposeScope();
            manual_seed(51);
            long[] s = { 16, 8 };
            Tensor x0 = Ref.Logits(s, ScalarType.Float32);
            Tensor target = Ref.IndexTargets(new long[] { 16 }, 8);
            Tensor weight = rand(new long[] { 16 }, ScalarType.Float32);

            Calls(20_000, x0, target, weight); // warm-up: JIT tiers, allocator pools, TorchSharp's caches
            Settle();
            long before = ResidentBytes();
            long? heapBefore = HeapInUseBytes();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Calls(100_000, x0, target, weight);
            watch.Stop();
            Settle();
            long after = ResidentBytes();
            long? heapAfter = HeapInUseBytes();

            long growth = after - before;
            _output.WriteLine($"RSS before {before >> 10} KiB, after {after >> 10} KiB, growth {growth >> 10} KiB over 100,000 calls " +
                $"({watch.Elapsed.TotalMilliseconds * 10 / 1000:F1} us per forward+backward)");
            Assert.True(growth < AllowedGrowthBytes,
                $"RSS grew by {growth >> 10} KiB over 100,000 forward+backward calls (allowed {AllowedGrowthBytes >> 10} KiB).");
            if (heapBefore is long hb && heapAfter is long ha)
            {
                _output.WriteLine($"C heap in use before {hb >> 10} KiB, after {ha >> 10} KiB, growth {(ha - hb) >> 10} KiB");
                Assert.True(ha - hb < AllowedHeapGrowthBytes,
                    $"The C heap in use grew by {(ha - hb) >> 10} KiB over 100,000 forward+backward calls (allowed {AllowedHeapGrowthBytes >> 10} KiB).");
            }
            else
            {
                _output.WriteLine("mallinfo2 is not available (glibc before 2.33): only RSS is checked");
            }
        }
    }
}
