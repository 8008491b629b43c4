using System;
using System.Linq;
using FocalLoss.Runtime.Tests.Support;
using Xunit;

namespace FocalLoss.Runtime.Tests
{
    /// <summary>Non-contiguous views, devices and the relations between reductions.</summary>
    public sealed class LayoutDeviceAndReductionTests
    {
        public LayoutDeviceAndReductionTests() => NativeTesting.Require();

        private static double[] Logits(int n, int seed)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => (r.NextDouble() - 0.5) * 12.0).ToArray();
        }

        private static double[] Binary(int n, int seed)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => r.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray();
        }

        /// <summary>Row-major [rows, cols] data of the transpose of row-major [cols, rows] data.</summary>
        private static double[] Transposed(double[] data, int rows, int cols)
        {
            var result = new double[data.Length];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    result[i * cols + j] = data[j * rows + i];
                }
            }

            return result;
        }

        private static (double[] Loss, double[] Grad) LossAndGrad(TestTensor input, TestTensor target, TestTensor? weight, FocalReduction reduction, TestTensor gradLeaf)
        {
            using TensorHandle loss = FocalLossNative.SigmoidFocalLoss(input.Ptr, target.Ptr, weight?.Ptr ?? IntPtr.Zero, 0.25, 2.0, reduction);
            double[] values = TestTensor.Read(loss.DangerousGetHandle());
            TestTensor.BackwardWithOnes(loss.DangerousGetHandle());
            using TestTensor? grad = gradLeaf.Grad();
            Assert.NotNull(grad);
            return (values, grad!.Values());
        }

        [Theory]
        [InlineData(NativeTesting.Float32)]
        [InlineData(NativeTesting.Float64)]
        public void TransposedViews_GiveSameResultAsContiguous(int dtype)
        {
            const int n = 7, c = 5; // logical shape [n, c]
            double[] xT = Logits(n * c, 1), tT = Binary(n * c, 2), wT = Logits(n * c, 3).Select(Math.Abs).ToArray();

            // Non-contiguous: [c, n] storage viewed as [n, c] via transpose.
            using var xBase = TestTensor.From(xT, new long[] { c, n }, dtype, requiresGrad: true);
            using var tBase = TestTensor.From(tT, new long[] { c, n }, dtype);
            using var wBase = TestTensor.From(wT, new long[] { c, n }, dtype);
            using var xView = xBase.Transpose(0, 1);
            using var tView = tBase.Transpose(0, 1);
            using var wView = wBase.Transpose(0, 1);
            Assert.Equal(new long[] { n, c }, xView.Shape());

            using var x = TestTensor.From(Transposed(xT, n, c), new long[] { n, c }, dtype, requiresGrad: true);
            using var t = TestTensor.From(Transposed(tT, n, c), new long[] { n, c }, dtype);
            using var w = TestTensor.From(Transposed(wT, n, c), new long[] { n, c }, dtype);

            foreach (FocalReduction reduction in new[] { FocalReduction.None, FocalReduction.Sum })
            {
                var (viewLoss, viewGradBase) = LossAndGrad(xView, tView, wView, reduction, xBase);
                var (loss, grad) = LossAndGrad(x, t, w, reduction, x);
                double tol = dtype == NativeTesting.Float32 ? 1e-6 : 1e-12;
                Numerics.AssertAllClose(loss, viewLoss, tol, tol, $"{reduction} loss, transposed vs contiguous");

                // The gradient w.r.t. the [c, n] base is the transpose of the gradient w.r.t. the view.
                Numerics.AssertAllClose(grad, Transposed(viewGradBase, n, c), tol, tol, $"{reduction} grad, transposed vs contiguous");
            }
        }

        [Fact]
        public void StridedSliceViews_GiveSameResultAsContiguous()
        {
            const int rows = 8, c = 3;
            double[] xAll = Logits(rows * c, 11), tAll = Binary(rows * c, 12);
            using var xBase = TestTensor.Float64(xAll, rows, c);
            using var tBase = TestTensor.Float64(tAll, rows, c);
            using var xView = xBase.SliceStep(0, 2); // rows 0, 2, 4, 6
            using var tView = tBase.SliceStep(0, 2);
            Assert.Equal(new long[] { rows / 2, c }, xView.Shape());

            double[] xEven = Enumerable.Range(0, rows / 2).SelectMany(i => xAll.Skip(2 * i * c).Take(c)).ToArray();
            double[] tEven = Enumerable.Range(0, rows / 2).SelectMany(i => tAll.Skip(2 * i * c).Take(c)).ToArray();
            using var x = TestTensor.Float64(xEven, rows / 2, c);
            using var t = TestTensor.Float64(tEven, rows / 2, c);

            using TensorHandle a = FocalLossNative.SigmoidFocalLoss(xView.Ptr, tView.Ptr, IntPtr.Zero);
            using TensorHandle b = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero);
            Numerics.AssertAllClose(TestTensor.Read(b.DangerousGetHandle()), TestTensor.Read(a.DangerousGetHandle()), 1e-12, 1e-14, "strided vs contiguous");

            // Column-strided view: every other class of a [n, 2c] tensor.
            using var wide = TestTensor.Float64(Logits(4 * 6, 13), 4, 6);
            using var wideT = TestTensor.Float64(Binary(4 * 6, 14), 4, 6);
            using var colView = wide.SliceStep(1, 2);
            using var colViewT = wideT.SliceStep(1, 2);
            using var colCopy = TestTensor.Float64(colView.Values(), 4, 3);
            using var colCopyT = TestTensor.Float64(colViewT.Values(), 4, 3);
            using TensorHandle c1 = FocalLossNative.SigmoidFocalLoss(colView.Ptr, colViewT.Ptr, IntPtr.Zero, reduction: FocalReduction.Sum);
            using TensorHandle c2 = FocalLossNative.SigmoidFocalLoss(colCopy.Ptr, colCopyT.Ptr, IntPtr.Zero, reduction: FocalReduction.Sum);
            Numerics.AssertAllClose(TestTensor.Read(c2.DangerousGetHandle()), TestTensor.Read(c1.DangerousGetHandle()), 1e-12, 1e-14, "column-strided vs contiguous");
        }

        [Fact]
        public void MeanAndSumAndAvgFactor_AreConsistentWithNone()
        {
            const int n = 6, c = 4;
            using var x = TestTensor.Float64(Logits(n * c, 21), n, c);
            using var t = TestTensor.Float64(Binary(n * c, 22), n, c);
            double[] none;
            using (TensorHandle h = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero, 0.25, 2.0, FocalReduction.None))
            {
                none = TestTensor.Read(h.DangerousGetHandle());
                Assert.Equal(new long[] { n, c }, TestTensor.ShapeOf(h.DangerousGetHandle()));
            }

            double Scalar(FocalReduction reduction, double? avg)
            {
                using TensorHandle h = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero, 0.25, 2.0, reduction, avg);
                Assert.Empty(TestTensor.ShapeOf(h.DangerousGetHandle()));
                return TestTensor.Read(h.DangerousGetHandle()).Single();
            }

            double sum = none.Sum();
            Assert.True(sum > 0);
            Assert.Equal(sum, Scalar(FocalReduction.Sum, null), 10);
            Assert.Equal(sum / none.Length, Scalar(FocalReduction.Mean, null), 10);
            Assert.Equal(sum / 3.5, Scalar(FocalReduction.Mean, 3.5), 10);

            // avg_factor has no effect with None.
            using TensorHandle withAvg = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero, 0.25, 2.0, FocalReduction.None, 3.5);
            Numerics.AssertAllClose(none, TestTensor.Read(withAvg.DangerousGetHandle()), 0, 0, "None with avg_factor");
        }

        [Fact]
        public void Weights_PerElementPerAnchorPerClass_ScaleTheElementLoss()
        {
            const int n = 3, c = 4;
            double[] xs = Logits(n * c, 31), ts = Binary(n * c, 32);
            using var x = TestTensor.Float64(xs, n, c);
            using var t = TestTensor.Float64(ts, n, c);
            using TensorHandle plain = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, IntPtr.Zero);
            double[] baseLoss = TestTensor.Read(plain.DangerousGetHandle());

            double[] anchor = { 0.5, 2.0, 0.0 };
            double[] perClass = { 1.0, 0.25, 3.0, 0.0 };
            double[] element = Enumerable.Range(0, n * c).Select(i => 0.1 * (i + 1)).ToArray();
            (double[] W, long[] Shape, Func<int, double> Factor)[] kinds =
            {
                (element, new long[] { n, c }, i => element[i]),
                (anchor, new long[] { n }, i => anchor[i / c]),
                (perClass, new long[] { c }, i => perClass[i % c]),
            };
            foreach (var (w, shape, factor) in kinds)
            {
                using var wt = TestTensor.Float64(w, shape);
                using TensorHandle weighted = FocalLossNative.SigmoidFocalLoss(x.Ptr, t.Ptr, wt.Ptr);
                double[] expected = baseLoss.Select((v, i) => v * factor(i)).ToArray();
                Numerics.AssertAllClose(expected, TestTensor.Read(weighted.DangerousGetHandle()), 1e-12, 1e-15, $"weight of shape [{string.Join(", ", shape)}]");
            }
        }

        [Fact]
        public void CudaFlags_AreConsistent()
        {
            // A usable CUDA device implies the CUDA kernel is compiled in.
            Assert.True(!FocalLossNative.CudaAvailable || FocalLossNative.CudaCompiled);
        }

        [NoCudaFact]
        public void CudaTensorRequest_WithoutCuda_FailsWithClearErrorNotCrash()
        {
            using var x = TestTensor.Float32(Logits(6, 41), 2, 3);
            Exception e = Assert.ThrowsAny<Exception>(() => x.To("cuda:0"));
            Assert.True(e is InvalidOperationException or ArgumentException, $"unexpected exception type {e.GetType()}: {e.Message}");
            Assert.Contains("cuda", e.Message, StringComparison.OrdinalIgnoreCase);
        }

        [CudaFact]
        public void Cuda_MatchesCpu_LossAndGradient()
        {
            const int n = 64, c = 8;
            double[] xs = Logits(n * c, 51), ts = Binary(n * c, 52);
            using var tCpu = TestTensor.Float32(ts, n, c);
            using var tCuda = tCpu.To("cuda:0");
            using var xCpuLeaf = TestTensor.From(xs, new long[] { n, c }, NativeTesting.Float32, requiresGrad: true);
            var (cpuLoss, cpuGrad) = LossAndGrad(xCpuLeaf, tCpu, null, FocalReduction.None, xCpuLeaf);

            // A CPU leaf moved to the GPU: the loss and its backward run on CUDA, the gradient flows back to the leaf.
            using var xLeaf = TestTensor.From(xs, new long[] { n, c }, NativeTesting.Float32, requiresGrad: true);
            using var xCuda = xLeaf.To("cuda:0");
            var (gpuLoss, gpuGrad) = LossAndGrad(xCuda, tCuda, null, FocalReduction.None, xLeaf);
            Numerics.AssertAllClose(cpuLoss, gpuLoss, 1e-5, 1e-6, "CUDA vs CPU loss");
            Numerics.AssertAllClose(cpuGrad, gpuGrad, 1e-5, 1e-6, "CUDA vs CPU gradient");
        }

        [CudaFact]
        public void Cuda_MixedDevices_ThrowsArgument()
        {
            using var x = TestTensor.Float32(Logits(6, 61), 2, 3);
            using var t = TestTensor.Float32(Binary(6, 62), 2, 3);
            using var tCuda = t.To("cuda:0");
            var e = Assert.Throws<ArgumentException>(() => FocalLossNative.SigmoidFocalLoss(x.Ptr, tCuda.Ptr, IntPtr.Zero));
            Assert.Equal("target", e.ParamName);
            Assert.Contains("device", e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }
}
