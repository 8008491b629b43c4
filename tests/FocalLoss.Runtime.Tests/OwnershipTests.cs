using System;
using System.Collections.Generic;
using System.Linq;
using FocalLoss.Runtime.Tests.Support;
using Xunit;

namespace FocalLoss.Runtime.Tests
{
    /// <summary>Returned tensors are freed exactly once, can be handed out exactly once, and do not leak.</summary>
    [Collection(HeapCollection.Name)]
    public sealed class OwnershipTests
    {
        private static readonly double[] Logits = { -3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.0, -7.0 };
        private static readonly double[] Targets = { 0, 1, 0, 1, 1, 0, 1, 0 };

        public OwnershipTests() => NativeTesting.Require();

        /// <summary>
        /// Native heap growth over <paramref name="count"/> calls of <paramref name="body"/>, after a warm-up of as many
        /// calls, as the least growth over <see cref="Windows"/> consecutive windows of <paramref name="count"/> calls.
        /// The C heap is process-wide and the .NET runtime uses it too: every SafeHandle is registered in the GC's
        /// finalization queue (a C-heap array that grows with the number of handles allocated between two
        /// collections) and collections allocate transient bookkeeping. Each heap reading is therefore the least of
        /// several samples taken after a blocking collection, and the growth is the least over several windows:
        /// a leak grows the heap in every window, the runtime's own growth does not.
        /// </summary>
        internal static long SteadyHeapGrowth(int count, Action body)
        {
            Run(Math.Max(5000, count), body);
            long least = long.MaxValue;
            long before = LeastSample(body);
            for (int w = 0; w < Windows; w++)
            {
                Run(count, body);
                long after = LeastSample(body);
                least = Math.Min(least, after - before);
                before = after;
            }

            return least;
        }

        private const int Windows = 3;

        private static void Run(int count, Action body)
        {
            for (int i = 0; i < count; i++)
            {
                body();
            }
        }

        private static long LeastSample(Action body)
        {
            long least = long.MaxValue;
            for (int k = 0; k < Samples; k++)
            {
                Run(200, body);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
                least = Math.Min(least, NativeTesting.flt_heap_bytes_in_use());
            }

            return least;
        }

        private const int Samples = 5;

        [Fact]
        public void Dispose_Twice_IsSafe()
        {
            using var x = TestTensor.Float32(Logits, 2, 4);
            using var t = TestTensor.Float32(Targets, 2, 4);
            TensorHandle loss = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero);
            Assert.False(loss.IsInvalid);
            loss.Dispose();
            Assert.True(loss.IsClosed);
            loss.Dispose();
            Assert.True(loss.IsClosed);
        }

        [Fact]
        public void DisposeTwice_Repeatedly_DoesNotCorruptOrLeakTheHeap()
        {
            using var x = TestTensor.Float32(Logits, 2, 4);
            using var t = TestTensor.Float32(Targets, 2, 4);
            long growth = SteadyHeapGrowth(10000, () =>
            {
                TensorHandle loss = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero);
                loss.Dispose();
                loss.Dispose();
            });
            Assert.True(growth < 128 * 1024, $"heap grew by {growth} bytes over 10,000 create/dispose-twice rounds (least of {Windows} windows)");
        }

        [Fact]
        public void TransferOwnership_ThenDispose_DoesNotFree()
        {
            using var x = TestTensor.Float64(Logits, 2, 4);
            using var t = TestTensor.Float64(Targets, 2, 4);
            TensorHandle loss = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero);
            double[] before = TestTensor.Read(loss.DangerousGetHandle());

            IntPtr raw = loss.TransferOwnership();
            Assert.NotEqual(IntPtr.Zero, raw);
            Assert.True(loss.IsOwnershipTransferred);
            loss.Dispose();
            GC.Collect();
            GC.WaitForPendingFinalizers();

            // Still alive and intact: the new owner (here the test) reads it and frees it.
            using TestTensor adopted = TestTensor.Adopt(raw);
            Assert.Equal(before, adopted.Values());
            Assert.Equal(new long[] { 2, 4 }, adopted.Shape());
        }

        [Fact]
        public void TransferOwnership_Twice_Throws()
        {
            using var x = TestTensor.Float64(Logits, 2, 4);
            using var t = TestTensor.Float64(Targets, 2, 4);
            using TensorHandle loss = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero);
            using TestTensor adopted = TestTensor.Adopt(loss.TransferOwnership());
            var e = Assert.Throws<InvalidOperationException>(() => loss.TransferOwnership());
            Assert.Contains("already transferred", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void TransferOwnership_AfterDispose_ThrowsObjectDisposed()
        {
            using var x = TestTensor.Float64(Logits, 2, 4);
            using var t = TestTensor.Float64(Targets, 2, 4);
            TensorHandle loss = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero);
            loss.Dispose();
            Assert.Throws<ObjectDisposedException>(() => loss.TransferOwnership());
            Assert.False(loss.IsOwnershipTransferred);
        }

        [Fact]
        public void ManyLossComputations_WithDispose_DoNotGrowNativeHeap()
        {
            using var x = TestTensor.From(Logits, new long[] { 2, 4 }, NativeTesting.Float32, requiresGrad: true);
            using var t = TestTensor.Float32(Targets, 2, 4);
            using var w = TestTensor.Float32(new double[] { 1, 2, 0.5, 0 }, 4);
            int i = 0;
            long growth = SteadyHeapGrowth(20000, () =>
            {
                FocalReduction reduction = (FocalReduction)(i++ % 3);
                using TensorHandle loss = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, w.Ptr, 0.25, 2.0, reduction);
            });

            // One leaked result (at::Tensor, TensorImpl, storage, data, autograd node) is hundreds of bytes and even
            // a leaked 8-byte at::Tensor wrapper occupies a 32-byte heap chunk: 20,000 leaks would be >= 640 KB.
            Assert.True(growth < 128 * 1024, $"native heap grew by {growth} bytes over 20,000 computations (least of {Windows} windows)");
        }

        [Fact]
        public void HeapMeasurement_DetectsRetainedResults()
        {
            // Control for the leak test above: results that are kept alive do show up in the measurement.
            using var x = TestTensor.From(Logits, new long[] { 2, 4 }, NativeTesting.Float32, requiresGrad: true);
            using var t = TestTensor.Float32(Targets, 2, 4);
            using (FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero))
            {
            }

            long before = NativeTesting.flt_heap_bytes_in_use();
            var kept = new List<TensorHandle>();
            for (int i = 0; i < 2000; i++)
            {
                kept.Add(FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero));
            }

            long grown = NativeTesting.flt_heap_bytes_in_use() - before;
            foreach (TensorHandle h in kept)
            {
                h.Dispose();
            }

            long afterRelease = NativeTesting.flt_heap_bytes_in_use() - before;
            Assert.True(grown > 256 * 1024, $"2000 retained results grew the heap by only {grown} bytes; the leak check would be blind");
            Assert.True(afterRelease < grown / 4, $"disposing the retained results freed too little: {grown} -> {afterRelease} bytes");
        }
    }
}
