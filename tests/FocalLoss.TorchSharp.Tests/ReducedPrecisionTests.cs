using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>Float16 and BFloat16 are computed in float32 and rounded once: equal to the float32 result rounded.</summary>
    public sealed class ReducedPrecisionTests
    {
        [Theory]
        [InlineData(ScalarType.Float16)]
        [InlineData(ScalarType.BFloat16)]
        public void UnreducedLoss_EqualsFloat32ResultRoundedOnce(ScalarType dtype)
        {
            using var scope = NewDisposeScope();
            manual_seed(31);
            long[] s = { 64, 9 };
            Tensor x = Ref.Logits(s, ScalarType.Float32).to(dtype);
            Tensor t = Ref.SoftTargets(s, ScalarType.Float32).to(dtype);

            Tensor half = focal.sigmoid_focal_loss(x, t, 0.25, 2.0, Reduction.None);
            Tensor single = focal.sigmoid_focal_loss(x.to(ScalarType.Float32), t.to(ScalarType.Float32), 0.25, 2.0, Reduction.None);

            Assert.Equal(dtype, half.dtype);
            Assert.Equal(Ref.Values(single.to(dtype)), Ref.Values(half));
        }

        [Theory]
        [InlineData(ScalarType.Float16)]
        [InlineData(ScalarType.BFloat16)]
        public void UnreducedGradient_EqualsFloat32GradientRoundedOnce(ScalarType dtype)
        {
            using var scope = NewDisposeScope();
            manual_seed(32);
            long[] s = { 64, 9 };
            Tensor x = Ref.Logits(s, ScalarType.Float32).to(dtype);
            Tensor t = Ref.HardTargets(s, ScalarType.Float32).to(dtype);
            Tensor upstream = ones(s, dtype);

            Tensor xh = Ref.Leaf(x);
            focal.sigmoid_focal_loss(xh, t, 0.25, 2.0, Reduction.None).backward(new[] { upstream });
            Tensor xs = Ref.Leaf(x.to(ScalarType.Float32));
            focal.sigmoid_focal_loss(xs, t.to(ScalarType.Float32), 0.25, 2.0, Reduction.None).backward(new[] { upstream.to(ScalarType.Float32) });

            Assert.Equal(dtype, xh.grad!.dtype);
            Assert.Equal(Ref.Values(xs.grad!.to(dtype)), Ref.Values(xh.grad!));
        }

        [Theory]
        [InlineData(ScalarType.Float16, Reduction.Mean)]
        [InlineData(ScalarType.Float16, Reduction.Sum)]
        [InlineData(ScalarType.BFloat16, Reduction.Mean)]
        [InlineData(ScalarType.BFloat16, Reduction.Sum)]
        public void ReducedLoss_IsFloat32ResultWithinOneRounding(ScalarType dtype, Reduction reduction)
        {
            using var scope = NewDisposeScope();
            manual_seed(33);
            long[] s = { 64, 9 };
            Tensor x = Ref.Logits(s, ScalarType.Float32).to(dtype);
            Tensor t = Ref.HardTargets(s, ScalarType.Float32).to(dtype);

            Tensor half = focal.sigmoid_focal_loss(x, t, 0.25, 2.0, reduction);
            Tensor single = focal.sigmoid_focal_loss(x.to(ScalarType.Float32), t.to(ScalarType.Float32), 0.25, 2.0, reduction);

            // One rounding of the float32 value: half an ulp of the narrow type (2^-11 for float16, 2^-8 for bfloat16), plus float32 slack.
            double rtol = dtype == ScalarType.Float16 ? 1.0 / 2048 : 1.0 / 256;
            Assert.Equal(dtype, half.dtype);
            Numerics.AssertAllClose(Ref.Values(single), Ref.Values(half), rtol, 1e-6, "reduced loss");
        }
    }
}
