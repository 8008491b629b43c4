using System;
using System.Linq;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>The fused backward against central differences of the fused forward, in float64.</summary>
    public sealed class GradientTests
    {
        private const double Step = 1e-6;

        /// <summary>Central differences of sum(loss * upstream) with respect to each input element.</summary>
        private static double[] CentralDifferences(Func<Tensor, Tensor> loss, Tensor x0, Tensor upstream)
        {
            double[] x = Ref.Values(x0);
            var grad = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                double Eval(double v)
                {
                    double[] xs = (double[])x.Clone();
                    xs[i] = v;
                    using var scope = NewDisposeScope();
                    Tensor xt = tensor(xs, x0.shape, ScalarType.Float64);
                    return (loss(xt) * upstream).sum().item<double>();
                }

                grad[i] = (Eval(x[i] + Step) - Eval(x[i] - Step)) / (2 * Step);
            }

            return grad;
        }

        private static void AssertBackwardMatchesDifferences(Func<Tensor, Tensor> loss, Tensor x0, Tensor upstream, string what)
        {
            Tensor leaf = Ref.Leaf(x0);
            loss(leaf).backward(new[] { upstream });
            double[] analytic = Ref.Values(leaf.grad!);
            double[] numeric = CentralDifferences(loss, x0, upstream);
            Numerics.AssertAllClose(numeric, analytic, 1e-6, 1e-8, what);
        }

        [Theory]
        [InlineData(0.0, 0.25)]
        [InlineData(0.5, 0.25)]
        [InlineData(1.0, -1.0)]
        [InlineData(2.0, 0.25)]
        [InlineData(5.0, 0.75)]
        public void DenseTargets_BackwardMatchesCentralDifferences(double gamma, double alpha)
        {
            using var scope = NewDisposeScope();
            manual_seed(21);
            long[] s = { 3, 4 };
            // Logits kept away from 0 for gamma = 0.5, whose second derivative is large where p_t is near 1.
            Tensor x = Ref.Logits(s, ScalarType.Float64, 2.0);
            Tensor t = Ref.SoftTargets(s, ScalarType.Float64);
            Tensor upstream = rand(s, ScalarType.Float64) + 0.5;
            AssertBackwardMatchesDifferences(v => focal.sigmoid_focal_loss(v, t, alpha, gamma, Reduction.None), x, upstream, "dense, none");
        }

        [Theory]
        [InlineData(Reduction.Mean)]
        [InlineData(Reduction.Sum)]
        public void IndexTargetsWithClassWeight_BackwardMatchesCentralDifferences(Reduction reduction)
        {
            using var scope = NewDisposeScope();
            manual_seed(22);
            Tensor x = Ref.Logits(new long[] { 4, 3 }, ScalarType.Float64, 2.0);
            Tensor index = Ref.IndexTargets(new long[] { 4 }, 3);
            Tensor w = rand(new long[] { 3 }, ScalarType.Float64);
            Tensor upstream = tensor(1.3, ScalarType.Float64);
            AssertBackwardMatchesDifferences(v => focal.sigmoid_focal_loss(v, index, 0.25, 2.0, reduction, w), x, upstream, "index, class weight");
        }

        [Fact]
        public void AvgFactor_BackwardMatchesCentralDifferences()
        {
            using var scope = NewDisposeScope();
            manual_seed(23);
            long[] s = { 5, 2 };
            Tensor x = Ref.Logits(s, ScalarType.Float64, 2.0);
            Tensor t = Ref.HardTargets(s, ScalarType.Float64);
            Tensor w = rand(new long[] { 5 }, ScalarType.Float64);
            Tensor upstream = tensor(1.0, ScalarType.Float64);
            AssertBackwardMatchesDifferences(v => focal.sigmoid_focal_loss(v, t, 0.25, 2.0, Reduction.Mean, w, 3.5), x, upstream, "anchor weight, avg_factor");
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(1.0)]
        [InlineData(2.0)]
        public void ProbabilityInputs_BackwardMatchesCentralDifferences(double gamma)
        {
            using var scope = NewDisposeScope();
            manual_seed(24);
            long[] s = { 3, 4 };
            Tensor p = rand(s, ScalarType.Float64) * 0.9 + 0.05;
            Tensor t = Ref.HardTargets(s, ScalarType.Float64);
            Tensor upstream = rand(s, ScalarType.Float64) + 0.5;
            AssertBackwardMatchesDifferences(v => focal.sigmoid_focal_loss(v, t, 0.25, gamma, Reduction.None, activated: true), p, upstream, "probabilities");
        }

        [Theory]
        [InlineData(30.0)]
        [InlineData(-30.0)]
        [InlineData(1e4)]
        [InlineData(-1e4)]
        public void ExtremeLogits_GradientIsFinite(double logit)
        {
            using var scope = NewDisposeScope();
            foreach (double gamma in new[] { 0.0, 0.5, 1.0, 2.0, 5.0 })
            {
                Tensor x = tensor(new[] { logit, logit }, ScalarType.Float64).requires_grad_(true);
                Tensor t = tensor(new[] { 0.0, 1.0 }, ScalarType.Float64);
                focal.sigmoid_focal_loss(x, t, 0.25, gamma, Reduction.Sum).backward();
                double[] g = Ref.Values(x.grad!);
                Assert.True(g.All(double.IsFinite), $"gamma {gamma}, x {logit}: gradient [{string.Join(", ", g)}]");
            }
        }
    }
}
