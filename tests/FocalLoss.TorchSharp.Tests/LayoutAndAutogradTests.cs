using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>Layouts (non-contiguous, offset views) and the autograd wiring of the result.</summary>
    public sealed class LayoutAndAutogradTests
    {
        [Fact]
        public void TransposedInput_GivesTheContiguousResultAndGradientToTheOriginalLeaf()
        {
            using var scope = NewDisposeScope();
            manual_seed(91);
            Tensor leaf = Ref.Logits(new long[] { 3, 6 }, ScalarType.Float64, requiresGrad: true);
            Tensor xt = leaf.t();
            Assert.False(xt.is_contiguous());
            Tensor t = Ref.HardTargets(new long[] { 6, 3 }, ScalarType.Float64);

            Tensor actual = focal.sigmoid_focal_loss(xt, t, 0.25, 2.0, Reduction.Sum);
            actual.backward();

            Tensor reference = Ref.Leaf(leaf);
            Ref.Torchvision(reference.t(), t, 0.25, 2.0, Reduction.Sum).backward();
            Numerics.AssertAllClose(Ref.Values(Ref.Torchvision(xt, t, 0.25, 2.0, Reduction.Sum)), Ref.Values(actual), 1e-12, 1e-14, "loss");
            Numerics.AssertAllClose(Ref.Values(reference.grad!), Ref.Values(leaf.grad!), 1e-10, 1e-13, "gradient of the leaf");
        }

        [Fact]
        public void StridedAndOffsetViewsOfTargetAndWeight_AreRead()
        {
            using var scope = NewDisposeScope();
            manual_seed(92);
            Tensor x = Ref.Logits(new long[] { 4, 5 }, ScalarType.Float64);
            Tensor bigTarget = Ref.HardTargets(new long[] { 8, 6 }, ScalarType.Float64);
            Tensor t = bigTarget.slice(0, 1, 8, 2).narrow(1, 1, 5); // strided rows, offset columns
            Tensor bigWeight = rand(new long[] { 12 }, ScalarType.Float64);
            Tensor w = bigWeight.slice(0, 3, 11, 2); // per anchor, stride 2, offset 3
            Assert.False(t.is_contiguous());

            Tensor actual = focal.sigmoid_focal_loss(x, t, 0.25, 2.0, Reduction.None, w);
            Tensor expected = Ref.Weighted(x, t.contiguous(), w.contiguous(), 0.25, 2.0, Reduction.None, null);

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-12, 1e-14, "loss");
        }

        [Fact]
        public void OffsetViewInput_IsReadFromItsOffset()
        {
            using var scope = NewDisposeScope();
            manual_seed(93);
            Tensor big = Ref.Logits(new long[] { 10, 4 }, ScalarType.Float32);
            Tensor x = big.narrow(0, 3, 5); // contiguous, storage offset 12
            Assert.True(x.is_contiguous());
            Tensor t = Ref.HardTargets(new long[] { 5, 4 }, ScalarType.Float32);

            Tensor actual = focal.sigmoid_focal_loss(x, t);
            Tensor expected = focal.sigmoid_focal_loss(x.clone(), t);

            Assert.Equal(Ref.Values(expected), Ref.Values(actual));
        }

        [Fact]
        public void InputRequiringGrad_GivesALossRequiringGrad()
        {
            using var scope = NewDisposeScope();
            Tensor x = zeros(new long[] { 2, 2 }).requires_grad_(true);
            Assert.True(focal.sigmoid_focal_loss(x, zeros(new long[] { 2, 2 })).requires_grad);
        }

        [Fact]
        public void InputNotRequiringGrad_GivesALossNotRequiringGrad()
        {
            using var scope = NewDisposeScope();
            Assert.False(focal.sigmoid_focal_loss(zeros(new long[] { 2, 2 }), zeros(new long[] { 2, 2 })).requires_grad);
        }

        [Fact]
        public void UnderNoGrad_TheLossDoesNotRequireGrad()
        {
            using var scope = NewDisposeScope();
            Tensor x = zeros(new long[] { 2, 2 }).requires_grad_(true);
            using (no_grad())
            {
                Assert.False(focal.sigmoid_focal_loss(x, zeros(new long[] { 2, 2 })).requires_grad);
            }
        }

        [Fact]
        public void GradientAccumulatesOverTwoBackwardCalls()
        {
            using var scope = NewDisposeScope();
            manual_seed(94);
            Tensor x = Ref.Logits(new long[] { 3, 3 }, ScalarType.Float64, requiresGrad: true);
            Tensor t = Ref.HardTargets(new long[] { 3, 3 }, ScalarType.Float64);
            focal.sigmoid_focal_loss(x, t, reduction: Reduction.Sum).backward();
            double[] once = Ref.Values(x.grad!);
            focal.sigmoid_focal_loss(x, t, reduction: Reduction.Sum).backward();
            double[] twice = Ref.Values(x.grad!);
            for (int i = 0; i < once.Length; i++)
            {
                Assert.Equal(2 * once[i], twice[i], 12);
            }
        }

        [Fact]
        public void LossFeedsFurtherOperators_AndTheChainRuleReachesTheFusedBackward()
        {
            using var scope = NewDisposeScope();
            manual_seed(95);
            Tensor x0 = Ref.Logits(new long[] { 4, 2 }, ScalarType.Float64);
            Tensor t = Ref.HardTargets(new long[] { 4, 2 }, ScalarType.Float64);
            Tensor x1 = Ref.Leaf(x0);
            (focal.sigmoid_focal_loss(x1 * 2.0, t).pow(2).sum() + 1.0).backward();
            Tensor x2 = Ref.Leaf(x0);
            (Ref.Torchvision(x2 * 2.0, t, 0.25, 2.0, Reduction.None).pow(2).sum() + 1.0).backward();
            Numerics.AssertAllClose(Ref.Values(x2.grad!), Ref.Values(x1.grad!), 1e-10, 1e-13, "gradient through the chain");
        }
    }
}
