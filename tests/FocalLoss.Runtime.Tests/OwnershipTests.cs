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
            void Round(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    TensorHandle loss = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero);
                    loss.Dispose();
                    loss.Dispose();
                }
            }

            Round(200);
            long before = NativeTesting.flt_heap_bytes_in_use();
            Round(2000);
            long after = NativeTesting.flt_heap_bytes_in_use();
            Assert.True(after - before < 64 * 1024, $"heap grew by {after - before} bytes over 2000 create/dispose-twice rounds");
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
            void Run(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    FocalReduction reduction = (FocalReduction)(i % 3);
                    using TensorHandle loss = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, w.Ptr, 0.25, 2.0, reduction);
                }
            }

            Run(1000); // warm-up: libtorch's caches, thread pools, dispatcher tables
            long before = NativeTesting.flt_heap_bytes_in_use();
            Run(20000);
            long after = NativeTesting.flt_heap_bytes_in_use();

            // One leaked result (tensor + autograd node) is hundreds of bytes: 20,000 leaks would be megabytes.
            Assert.True(after - before < 256 * 1024, $"native heap grew by {after - before} bytes over 20,000 computations");
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
