using System.Linq;
using System.Threading.Tasks;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>Calls from many .NET threads at once: each gets its own result and its own errors.</summary>
    public sealed class ConcurrencyTests
    {
        [Fact]
        public void ConcurrentForwardBackwardCalls_GiveTheSingleThreadedResults()
        {
            manual_seed(111);
            using Tensor x0 = Ref.Logits(new long[] { 32, 6 }, ScalarType.Float64);
            using Tensor index = Ref.IndexTargets(new long[] { 32 }, 6);
            (double[] Loss, double[] Grad) Once()
            {
                using var scope = NewDisposeScope();
                Tensor x = Ref.Leaf(x0);
                Tensor loss = focal.sigmoid_focal_loss(x, index, 0.25, 2.0, Reduction.Mean);
                loss.backward();
                return (Ref.Values(loss), Ref.Values(x.grad!));
            }

            var expected = Once();
            var results = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8)
                .Select(_ => Enumerable.Range(0, 50).Select(__ => Once()).ToArray()).ToArray();

            foreach (var r in results.SelectMany(a => a))
            {
                Assert.Equal(expected.Loss, r.Loss);
                Assert.Equal(expected.Grad, r.Grad);
            }
        }

        [Fact]
        public void ConcurrentBadCalls_EachReportTheirOwnArgument()
        {
            Parallel.For(0, 64, i =>
            {
                using var scope = NewDisposeScope();
                Tensor x = zeros(new long[] { 4, 3 });
                if (i % 2 == 0)
                {
                    var e = Assert.Throws<System.ArgumentException>(() => focal.sigmoid_focal_loss(x, tensor(new long[] { 0, 9, 0, 0 })));
                    Assert.Equal("target", e.ParamName);
                }
                else
                {
                    Assert.True(double.IsFinite(focal.sigmoid_focal_loss(x, zeros(new long[] { 4, 3 }), reduction: Reduction.Sum).item<float>()));
                }
            });
        }
    }
}
