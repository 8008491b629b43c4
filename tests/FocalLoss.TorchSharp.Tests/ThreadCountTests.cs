using System.Linq;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>The CPU kernel uses torch.get_num_threads() threads; its results are bit-identical for every count.</summary>
    [Collection(SerialCollection.Name)]
    public sealed class ThreadCountTests
    {
        [Theory]
        [InlineData(Reduction.None)]
        [InlineData(Reduction.Mean)]
        [InlineData(Reduction.Sum)]
        public void LossAndGradient_AreIdenticalAcrossThreadCounts(Reduction reduction)
        {
            int saved = get_num_threads();
            try
            {
                using var scope = NewDisposeScope();
                manual_seed(41);
                long[] s = { 1 << 12, 80 };
                Tensor x = Ref.Logits(s, ScalarType.Float32);
                Tensor t = Ref.HardTargets(s, ScalarType.Float32);
                double[]? loss1 = null;
                double[]? grad1 = null;
                foreach (int threads in new[] { 1, 2, 3, 4, 8 })
                {
                    set_num_threads(threads);
                    Assert.Equal(threads, get_num_threads());
                    Tensor leaf = Ref.Leaf(x);
                    Tensor loss = focal.sigmoid_focal_loss(leaf, t, 0.25, 2.0, reduction);
                    loss.backward(new[] { ones_like(loss) });
                    double[] l = Ref.Values(loss);
                    double[] g = Ref.Values(leaf.grad!);
                    if (loss1 is null)
                    {
                        loss1 = l;
                        grad1 = g;
                    }
                    else
                    {
                        Assert.True(loss1.SequenceEqual(l), $"loss with {threads} threads differs from 1 thread");
                        Assert.True(grad1!.SequenceEqual(g), $"gradient with {threads} threads differs from 1 thread");
                    }
                }
            }
            finally
            {
                set_num_threads(saved);
            }
        }
    }
}
