using System.Collections.Generic;
using System.Linq;
using FocalLoss.TorchSharp.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>
    /// The fused loss against TorchSharp's own torchvision.ops.sigmoid_focal_loss (its double overload) and the
    /// composite's autograd, over shapes, gammas, alphas (balancing on and off), reductions, hard and soft targets.
    /// </summary>
    public sealed class TorchvisionComparisonTests
    {
        private static readonly string[] Shapes = { "7", "4x5", "2x3x4" };
        private static readonly double[] Gammas = { 0.0, 0.5, 1.0, 2.0, 5.0 };
        private static readonly double[] Alphas = { 0.25, 0.75, -1.0 };

        public static IEnumerable<object[]> Grid()
        {
            foreach (string shape in Shapes)
            {
                foreach (double gamma in Gammas)
                {
                    foreach (double alpha in Alphas)
                    {
                        foreach (Reduction reduction in new[] { Reduction.None, Reduction.Mean, Reduction.Sum })
                        {
                            foreach (bool soft in new[] { false, true })
                            {
                                yield return new object[] { shape, gamma, alpha, reduction, soft };
                            }
                        }
                    }
                }
            }
        }

        [Theory]
        [MemberData(nameof(Grid))]
        public void Float64Loss_MatchesTorchvision(string shape, double gamma, double alpha, Reduction reduction, bool soft)
        {
            using var scope = NewDisposeScope();
            manual_seed(11);
            long[] s = Ref.Shape(shape);
            Tensor x = Ref.Logits(s, ScalarType.Float64);
            Tensor t = soft ? Ref.SoftTargets(s, ScalarType.Float64) : Ref.HardTargets(s, ScalarType.Float64);

            Tensor actual = focal.sigmoid_focal_loss(x, t, alpha, gamma, reduction);
            Tensor expected = Ref.Torchvision(x, t, alpha, gamma, reduction);

            Assert.Equal(expected.shape, actual.shape);
            Assert.Equal(ScalarType.Float64, actual.dtype);
            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-10, 1e-13, "loss");
        }

        [Theory]
        [MemberData(nameof(Grid))]
        public void Float32Loss_MatchesTorchvision(string shape, double gamma, double alpha, Reduction reduction, bool soft)
        {
            using var scope = NewDisposeScope();
            manual_seed(12);
            long[] s = Ref.Shape(shape);
            Tensor x = Ref.Logits(s, ScalarType.Float32);
            Tensor t = soft ? Ref.SoftTargets(s, ScalarType.Float32) : Ref.HardTargets(s, ScalarType.Float32);

            Tensor actual = focal.sigmoid_focal_loss(x, t, alpha, gamma, reduction);
            // The reference in float64 from the same float32 numbers: the fused float32 result must be within float32 rounding of it.
            Tensor expected = Ref.Torchvision(x.to(ScalarType.Float64), t.to(ScalarType.Float64), alpha, gamma, reduction);

            Assert.Equal(ScalarType.Float32, actual.dtype);
            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 2e-5, 1e-6, "loss");
        }

        [Theory]
        [MemberData(nameof(Grid))]
        public void Float64Gradient_MatchesTorchvisionAutograd(string shape, double gamma, double alpha, Reduction reduction, bool soft)
        {
            using var scope = NewDisposeScope();
            manual_seed(13);
            long[] s = Ref.Shape(shape);
            Tensor x0 = Ref.Logits(s, ScalarType.Float64);
            Tensor t = soft ? Ref.SoftTargets(s, ScalarType.Float64) : Ref.HardTargets(s, ScalarType.Float64);
            // A non-uniform upstream gradient, so the per-element scaling of grad_output is checked too.
            Tensor upstream = reduction == Reduction.None ? rand(s, ScalarType.Float64) + 0.5 : tensor(1.7, ScalarType.Float64);

            Tensor x1 = Ref.Leaf(x0);
            focal.sigmoid_focal_loss(x1, t, alpha, gamma, reduction).backward(new[] { upstream });
            Tensor x2 = Ref.Leaf(x0);
            Ref.Torchvision(x2, t, alpha, gamma, reduction).backward(new[] { upstream });

            // gamma < 1 at p_t = 1 is 0 * inf in the composite's autograd: compare where the composite's gradient is finite.
            double[] expected = Ref.Values(x2.grad!);
            double[] actual = Ref.Values(x1.grad!);
            int[] finite = Enumerable.Range(0, expected.Length).Where(i => double.IsFinite(expected[i])).ToArray();
            Assert.True(finite.Length > 0);
            Numerics.AssertAllClose(finite.Select(i => expected[i]).ToArray(), finite.Select(i => actual[i]).ToArray(), 1e-9, 1e-12, "d loss / d input");
        }

        [Theory]
        [InlineData(Reduction.None)]
        [InlineData(Reduction.Mean)]
        [InlineData(Reduction.Sum)]
        public void IndexTargets_MatchTorchvisionOnOneHotTargets(Reduction reduction)
        {
            using var scope = NewDisposeScope();
            manual_seed(14);
            Tensor x = Ref.Logits(new long[] { 6, 4 }, ScalarType.Float64);
            Tensor index = Ref.IndexTargets(new long[] { 6 }, 4);
            index[0] = tensor(4L); // background row
            index[1] = tensor(0L);

            Tensor actual = focal.sigmoid_focal_loss(x, index, 0.25, 2.0, reduction);
            Tensor expected = Ref.Torchvision(x, Ref.DenseOf(index, 4, ScalarType.Float64), 0.25, 2.0, reduction);

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-10, 1e-13, "loss");
        }

        [Theory]
        [InlineData("element", Reduction.None)]
        [InlineData("element", Reduction.Mean)]
        [InlineData("element", Reduction.Sum)]
        [InlineData("anchor", Reduction.None)]
        [InlineData("anchor", Reduction.Mean)]
        [InlineData("anchor", Reduction.Sum)]
        [InlineData("anchor_keepdim", Reduction.Sum)]
        [InlineData("class", Reduction.None)]
        [InlineData("class", Reduction.Mean)]
        [InlineData("class", Reduction.Sum)]
        public void Weight_MatchesTorchvisionTimesWeight(string kind, Reduction reduction)
        {
            using var scope = NewDisposeScope();
            manual_seed(15);
            long[] s = { 3, 4, 5 };
            Tensor x = Ref.Logits(s, ScalarType.Float64);
            Tensor t = Ref.HardTargets(s, ScalarType.Float64);
            Tensor w = kind switch
            {
                "element" => rand(s, ScalarType.Float64),
                "anchor" => rand(new long[] { 3, 4 }, ScalarType.Float64),
                "anchor_keepdim" => rand(new long[] { 3, 4, 1 }, ScalarType.Float64),
                _ => rand(new long[] { 5 }, ScalarType.Float64),
            };

            Tensor actual = focal.sigmoid_focal_loss(x, t, 0.25, 2.0, reduction, w);
            Tensor expected = Ref.Weighted(x, t, w, 0.25, 2.0, reduction, null);

            Assert.Equal(expected.shape, actual.shape);
            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-10, 1e-13, "weighted loss");
        }

        [Fact]
        public void SquareInputWithWeightOfLengthN_WeightsAnchorsAsMmdetection()
        {
            using var scope = NewDisposeScope();
            manual_seed(16);
            long[] s = { 4, 4 };
            Tensor x = Ref.Logits(s, ScalarType.Float64);
            Tensor t = Ref.HardTargets(s, ScalarType.Float64);
            Tensor w = tensor(new double[] { 0.0, 1.0, 2.0, 3.0 });

            Tensor actual = focal.sigmoid_focal_loss(x, t, 0.25, 2.0, Reduction.None, w);
            Tensor expected = Ref.Torchvision(x, t, 0.25, 2.0, Reduction.None) * w.unsqueeze(-1);

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-10, 1e-13, "per-anchor loss");
        }

        [Fact]
        public void AvgFactor_DividesTheSumWithMean()
        {
            using var scope = NewDisposeScope();
            manual_seed(17);
            long[] s = { 6, 5 };
            Tensor x = Ref.Logits(s, ScalarType.Float64);
            Tensor t = Ref.HardTargets(s, ScalarType.Float64);

            Tensor actual = focal.sigmoid_focal_loss(x, t, 0.25, 2.0, Reduction.Mean, avg_factor: 7.5);
            Tensor expected = Ref.Torchvision(x, t, 0.25, 2.0, Reduction.Sum) / 7.5;

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-12, 1e-14, "mean with avg_factor");
        }

        [Fact]
        public void AvgFactor_IsIgnoredWithNone()
        {
            using var scope = NewDisposeScope();
            manual_seed(18);
            long[] s = { 6, 5 };
            Tensor x = Ref.Logits(s, ScalarType.Float64);
            Tensor t = Ref.HardTargets(s, ScalarType.Float64);

            Tensor actual = focal.sigmoid_focal_loss(x, t, 0.25, 2.0, Reduction.None, avg_factor: 7.5);
            Tensor expected = Ref.Torchvision(x, t, 0.25, 2.0, Reduction.None);

            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-12, 1e-14, "unreduced loss");
        }

        [Fact]
        public void ZeroDimensionalInput_MatchesTorchvision()
        {
            using var scope = NewDisposeScope();
            Tensor x = tensor(1.3, ScalarType.Float64);
            Tensor t = tensor(1.0, ScalarType.Float64);

            Tensor actual = focal.sigmoid_focal_loss(x, t);
            Tensor expected = Ref.Torchvision(x, t, 0.25, 2.0, Reduction.None);

            Assert.Empty(actual.shape);
            Numerics.AssertAllClose(Ref.Values(expected), Ref.Values(actual), 1e-12, 1e-14, "0-dim loss");
        }
    }
}
