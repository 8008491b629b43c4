using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>focal.SigmoidFocalLoss: a TorchSharp module with MMDetection FocalLoss's options.</summary>
    public sealed class ModuleTests
    {
        [Fact]
        public void Module_IsATorchSharpLossModuleCalledThroughCall()
        {
            using var scope = NewDisposeScope();
            manual_seed(81);
            Tensor x = Ref.Logits(new long[] { 5, 3 }, ScalarType.Float64);
            Tensor t = Ref.HardTargets(new long[] { 5, 3 }, ScalarType.Float64);
            using nn.Module<Tensor, Tensor, Tensor> module = focal.SigmoidFocalLoss(0.75, 1.0, Reduction.Sum);

            Tensor actual = module.call(x, t);

            Numerics.AssertAllClose(Ref.Values(Ref.Torchvision(x, t, 0.75, 1.0, Reduction.Sum)), Ref.Values(actual), 1e-12, 1e-14, "module loss");
        }

        [Fact]
        public void Module_DefaultReductionIsMean()
        {
            using var scope = NewDisposeScope();
            manual_seed(82);
            Tensor x = Ref.Logits(new long[] { 5, 3 }, ScalarType.Float64);
            Tensor t = Ref.HardTargets(new long[] { 5, 3 }, ScalarType.Float64);
            using var module = focal.SigmoidFocalLoss();

            Assert.Equal(Reduction.Mean, module.reduction);
            Numerics.AssertAllClose(Ref.Values(Ref.Torchvision(x, t, 0.25, 2.0, Reduction.Mean)), Ref.Values(module.forward(x, t)), 1e-12, 1e-14, "mean");
        }

        [Fact]
        public void Module_PerCallWeightAndAvgFactorReplaceTheModuleWeight()
        {
            using var scope = NewDisposeScope();
            manual_seed(83);
            Tensor x = Ref.Logits(new long[] { 5, 3 }, ScalarType.Float64);
            Tensor index = Ref.IndexTargets(new long[] { 5 }, 3);
            Tensor moduleWeight = zeros(new long[] { 5 }, ScalarType.Float64);
            Tensor callWeight = rand(new long[] { 5 }, ScalarType.Float64);
            using var module = focal.SigmoidFocalLoss(weight: moduleWeight);

            Tensor actual = module.forward(x, index, callWeight, 2.5);
            Tensor expected = Ref.Weighted(x, Ref.DenseOf(index, 3, ScalarType.Float64), callWeight, 0.25, 2.0, Reduction.Mean, 2.5);

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-12, 1e-14, "weighted mean / avg_factor");
        }

        [Fact]
        public void Module_LossWeightScalesTheLossAndItsGradient()
        {
            using var scope = NewDisposeScope();
            manual_seed(84);
            Tensor x0 = Ref.Logits(new long[] { 5, 3 }, ScalarType.Float64);
            Tensor t = Ref.HardTargets(new long[] { 5, 3 }, ScalarType.Float64);
            using var module = focal.SigmoidFocalLoss(reduction: Reduction.Sum, loss_weight: 2.5);

            Tensor x1 = Ref.Leaf(x0);
            Tensor loss = module.forward(x1, t);
            loss.backward();
            Tensor x2 = Ref.Leaf(x0);
            Tensor expected = Ref.Torchvision(x2, t, 0.25, 2.0, Reduction.Sum) * 2.5;
            expected.backward();

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(loss), 1e-12, 1e-14, "loss");
            Numerics.AssertAllClose(Ref.Values(x2.grad!), Ref.Values(x1.grad!), 1e-10, 1e-13, "gradient");
        }

        [Fact]
        public void Module_ActivatedTakesProbabilities()
        {
            using var scope = NewDisposeScope();
            manual_seed(85);
            Tensor p = rand(new long[] { 5, 3 }, ScalarType.Float64) * 0.9 + 0.05;
            Tensor t = Ref.HardTargets(new long[] { 5, 3 }, ScalarType.Float64);
            using var module = focal.SigmoidFocalLoss(activated: true);

            Assert.True(module.activated);
            Numerics.AssertAllClose(Ref.Values(Ref.WithProb(p, t, 0.25, 2.0, Reduction.Mean)), Ref.Values(module.forward(p, t)), 1e-12, 1e-14, "probabilities");
        }
    }
}
