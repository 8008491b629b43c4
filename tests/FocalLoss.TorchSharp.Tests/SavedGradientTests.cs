using System;
using System.Collections.Generic;
using System.Linq;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>
    /// The saved-gradient path (fused forward + scale backward): what the node holds for backward, the same gradients
    /// as the recomputing path bit for bit, and TorchSharp's rules for a second backward.
    /// </summary>
    public sealed class SavedGradientTests
    {
        private readonly ITestOutputHelper _output;

        public SavedGradientTests(ITestOutputHelper output)
        {
            _output = output;
        }

        private static List<(ScalarType Type, long Numel)> SavedBy(Action run)
        {
            var seen = new List<(ScalarType, long)>();
            FocalLossFunction.SavedObserver = saved => seen.AddRange(saved.Select(t => (t.dtype, t.numel())));
            try
            {
                run();
            }
            finally
            {
                FocalLossFunction.SavedObserver = null;
            }

            return seen;
        }

        [Theory]
        [InlineData(ScalarType.Float32, ScalarType.Float32)]
        [InlineData(ScalarType.Float16, ScalarType.Float32)]
        [InlineData(ScalarType.BFloat16, ScalarType.Float32)]
        [InlineData(ScalarType.Float64, ScalarType.Float64)]
        public void HeldForBackward_IsOneGradientBufferOfNumelElements(ScalarType dtype, ScalarType savedType)
        {
            using var scope = NewDisposeScope();
            manual_seed(3);
            long[] s = { 6, 5 };
            Tensor x = Ref.Logits(s, dtype, requiresGrad: true);
            Tensor t = Ref.IndexTargets(new long[] { 6 }, 5);
            Tensor w = rand(new long[] { 5 }, dtype);
            var seen = SavedBy(() => focal.sigmoid_focal_loss(x, t, 0.25, 2.0, Reduction.Mean, w).backward());
            Assert.Equal(new[] { (savedType, 30L) }, seen);
            Assert.NotNull(x.grad);
        }

        [Fact]
        public void WithoutGradMode_NothingIsSaved_AndTheOldPathSavesTheInputs()
        {
            using var scope = NewDisposeScope();
            Tensor x = Ref.Logits(new long[] { 4, 3 }, ScalarType.Float32, requiresGrad: true);
            Tensor t = Ref.HardTargets(new long[] { 4, 3 }, ScalarType.Float32);
            using (no_grad())
            {
                Assert.Empty(SavedBy(() => focal.sigmoid_focal_loss(x, t, 0.25, 2.0, Reduction.Sum)));
            }

            FocalLossFunction.UseSavedGradient = false;
            try
            {
                var seen = SavedBy(() => focal.sigmoid_focal_loss(x, t, 0.25, 2.0, Reduction.Sum).backward());
                Assert.Equal(2, seen.Count);
            }
            finally
            {
                FocalLossFunction.UseSavedGradient = true;
            }
        }

        public static IEnumerable<object[]> Matrix()
        {
            foreach (ScalarType dtype in new[] { ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16 })
            {
                foreach (Reduction r in new[] { Reduction.None, Reduction.Mean, Reduction.Sum })
                {
                    foreach (string target in new[] { "hard", "soft", "index" })
                    {
                        foreach (string weight in new[] { "none", "element", "anchor", "class" })
                        {
                            yield return new object[] { dtype, r, target, weight, false };
                        }
                    }

                    yield return new object[] { dtype, r, "soft", "element", true };
                }
            }
        }

        private static Tensor Grad(bool saved, Tensor x0, Tensor t, Tensor? w, Reduction r, bool activated, Tensor upstream)
        {
            FocalLossFunction.UseSavedGradient = saved;
            try
            {
                Tensor x = x0.detach().clone().requires_grad_(true);
                Tensor loss = focal.sigmoid_focal_loss(x, t, 0.25, 1.5, r, w, r == Reduction.Mean ? 7.0 : null, activated);
                loss.backward(new[] { upstream });
                return x.grad!.detach().clone();
            }
            finally
            {
                FocalLossFunction.UseSavedGradient = true;
            }
        }

        [Theory]
        [MemberData(nameof(Matrix))]
        public void Gradients_EqualTheRecomputingPathBitForBit(ScalarType dtype, Reduction r, string target, string weight, bool activated)
        {
            using var scope = NewDisposeScope();
            manual_seed(17);
            long[] s = { 37, 11 };
            Tensor x = activated ? rand(s, ScalarType.Float64).to(dtype) : Ref.Logits(s, dtype, 4.0);
            Tensor t = target switch
            {
                "hard" => Ref.HardTargets(s, dtype),
                "soft" => Ref.SoftTargets(s, dtype),
                _ => Ref.IndexTargets(new long[] { 37 }, 11),
            };
            Tensor? w = weight switch
            {
                "element" => rand(s, ScalarType.Float64).to(dtype),
                "anchor" => rand(new long[] { 37 }, ScalarType.Float64).to(dtype),
                "class" => rand(new long[] { 11 }, ScalarType.Float64).to(dtype),
                _ => null,
            };
            Tensor upstream = r == Reduction.None ? randn(s, ScalarType.Float64).to(dtype) : tensor(0.8125, ScalarType.Float64).to(dtype);
            Tensor fused = Grad(true, x, t, w, r, activated, upstream);
            Tensor recomputed = Grad(false, x, t, w, r, activated, upstream);
            Assert.Equal(dtype, fused.dtype);
            Assert.True(fused.to(ScalarType.Float64).eq(recomputed.to(ScalarType.Float64)).all().item<bool>(), $"{dtype} {r} {target} {weight}");
        }

        [Theory]
        [InlineData(Reduction.Mean)]
        [InlineData(Reduction.None)]
        public void SecondBackward_BehavesAsTheComposite(Reduction r)
        {
            using var scope = NewDisposeScope();
            manual_seed(8);
            long[] s = { 5, 4 };
            Tensor x0 = Ref.Logits(s, ScalarType.Float64);
            Tensor t = Ref.HardTargets(s, ScalarType.Float64);

            // retain_graph: a second backward accumulates the same gradient again, as for the composite
            Tensor a = x0.detach().clone().requires_grad_(true);
            Tensor b = x0.detach().clone().requires_grad_(true);
            Tensor la = focal.sigmoid_focal_loss(a, t, 0.25, 2.0, r).sum();
            Tensor lb = Ref.Weighted(b, t, null, 0.25, 2.0, r, null).sum();
            la.backward(retain_graph: true);
            lb.backward(retain_graph: true);
            Tensor ga = a.grad!.detach().clone();
            la.backward();
            lb.backward();
            Assert.True(a.grad!.allclose(ga * 2, 0, 0));
            Assert.True(a.grad!.allclose(b.grad!, 1e-10, 1e-12));

            // without retain_graph: a second backward does what it does for the recomputing path (the node is a
            // TorchSharp custom function either way); the composite's behaviour is reported for comparison
            Exception? Second(bool savedGradient, out Tensor? grad)
            {
                FocalLossFunction.UseSavedGradient = savedGradient;
                try
                {
                    Tensor c = x0.detach().clone().requires_grad_(true);
                    Tensor lc = focal.sigmoid_focal_loss(c, t, 0.25, 2.0, r).sum();
                    lc.backward();
                    Tensor first = c.grad!.detach().clone();
                    Exception? e = Record.Exception(() => lc.backward());
                    grad = e is null ? c.grad!.detach().clone() - first * 2 : null;
                    return e;
                }
                finally
                {
                    FocalLossFunction.UseSavedGradient = true;
                }
            }

            Tensor dd = x0.detach().clone().requires_grad_(true);
            Tensor ld = Ref.Weighted(dd, t, null, 0.25, 2.0, r, null).sum();
            ld.backward();
            Exception? composite = Record.Exception(() => ld.backward());
            Exception? ours = Second(true, out Tensor? oursExcess);
            Exception? old = Second(false, out Tensor? oldExcess);
            _output.WriteLine($"second backward without retain_graph: composite {(composite is null ? "accumulates" : "throws " + composite.GetType().Name)}, " +
                              $"saved-gradient path {(ours is null ? "accumulates" : "throws " + ours.GetType().Name)}, " +
                              $"recomputing path {(old is null ? "accumulates" : "throws " + old.GetType().Name)}");
            Assert.Equal(old is null, ours is null);
            if (ours is null)
            {
                Assert.Equal(0.0, oursExcess!.abs().max().item<double>());
                Assert.Equal(0.0, oldExcess!.abs().max().item<double>());
            }
        }
    }
}
