using System.Collections.Generic;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>activated = true (probability inputs) against a TorchSharp composite of MMDetection's py_focal_loss_with_prob.</summary>
    public sealed class ProbabilityInputTests
    {
        public static IEnumerable<object[]> Grid()
        {
            foreach (double gamma in new[] { 0.0, 0.5, 1.0, 2.0, 5.0 })
            {
                foreach (double alpha in new[] { 0.25, 0.5, 1.0 })
                {
                    foreach (Reduction reduction in new[] { Reduction.None, Reduction.Mean, Reduction.Sum })
                    {
                        yield return new object[] { gamma, alpha, reduction };
                    }
                }
            }
        }

        private static Tensor Probabilities(long[] s) => rand(s, ScalarType.Float64) * 0.98 + 0.01;

        [Theory]
        [MemberData(nameof(Grid))]
        public void IndexTargets_MatchMmdetectionWithProb(double gamma, double alpha, Reduction reduction)
        {
            using var scope = NewDisposeScope();
            manual_seed(61);
            Tensor p = Probabilities(new long[] { 8, 5 });
            Tensor index = Ref.IndexTargets(new long[] { 8 }, 5);

            Tensor actual = focal.sigmoid_focal_loss(p, index, alpha, gamma, reduction, activated: true);
            Tensor expected = Ref.WithProb(p, Ref.DenseOf(index, 5, ScalarType.Float64), alpha, gamma, reduction);

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-10, 1e-13, "loss");
        }

        [Theory]
        [MemberData(nameof(Grid))]
        public void Gradient_MatchesCompositeAutograd(double gamma, double alpha, Reduction reduction)
        {
            using var scope = NewDisposeScope();
            manual_seed(62);
            long[] s = { 8, 5 };
            Tensor p0 = Probabilities(s);
            Tensor t = Ref.HardTargets(s, ScalarType.Float64);
            Tensor upstream = reduction == Reduction.None ? rand(s, ScalarType.Float64) + 0.5 : tensor(0.7, ScalarType.Float64);

            Tensor p1 = Ref.Leaf(p0);
            focal.sigmoid_focal_loss(p1, t, alpha, gamma, reduction, activated: true).backward(new[] { upstream });
            Tensor p2 = Ref.Leaf(p0);
            Ref.WithProb(p2, t, alpha, gamma, reduction).backward(new[] { upstream });

            Numerics.AssertAllClose(Ref.Values(p2.grad!), Ref.Values(p1.grad!), 1e-9, 1e-12, "d loss / d p");
        }

        [Fact]
        public void SaturatedProbabilities_ClampTheLogAtMinus100AsPyTorch()
        {
            using var scope = NewDisposeScope();
            Tensor p = tensor(new[] { 0.0, 1.0, 0.0, 1.0 }, ScalarType.Float64);
            Tensor t = tensor(new[] { 1.0, 0.0, 0.0, 1.0 }, ScalarType.Float64);

            Tensor actual = focal.sigmoid_focal_loss(p, t, 0.25, 2.0, Reduction.None, activated: true);
            Tensor expected = Ref.WithProb(p, t, 0.25, 2.0, Reduction.None);

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-12, 1e-14, "saturated loss");
        }
    }
}
