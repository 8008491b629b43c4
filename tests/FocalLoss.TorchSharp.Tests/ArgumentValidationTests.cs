using System;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>
    /// Every bad argument is an ArgumentException (or a subclass) naming the argument, with a message that says what
    /// was expected; nothing crashes the process and the next good call works.
    /// </summary>
    public sealed class ArgumentValidationTests
    {
        private static readonly Device Meta = device("meta");

        private static Tensor X(ScalarType dtype = ScalarType.Float32) => zeros(new long[] { 4, 3 }, dtype);

        private static Tensor T(ScalarType dtype = ScalarType.Float32) => zeros(new long[] { 4, 3 }, dtype);

        private static TException Throws<TException>(string param, Action call, params string[] messageParts)
            where TException : ArgumentException
        {
            using var scope = NewDisposeScope();
            TException e = Assert.Throws<TException>(call);
            Assert.Equal(param, e.ParamName);
            foreach (string part in messageParts)
            {
                Assert.Contains(part, e.Message, StringComparison.Ordinal);
            }

            // The process survives and the next good call works.
            Tensor ok = focal.sigmoid_focal_loss(X(), T(), reduction: Reduction.Sum);
            Assert.True(double.IsFinite(ok.item<float>()));
            return e;
        }

        [Fact]
        public void NullInput_ThrowsArgumentNull() => Throws<ArgumentNullException>("input", () => focal.sigmoid_focal_loss(null!, T()));

        [Fact]
        public void NullTarget_ThrowsArgumentNull() => Throws<ArgumentNullException>("target", () => focal.sigmoid_focal_loss(X(), null!));

        [Theory]
        [InlineData(ScalarType.Int64)]
        [InlineData(ScalarType.Int32)]
        [InlineData(ScalarType.Bool)]
        public void IntegerInput_NamesInput(ScalarType dtype) =>
            Throws<ArgumentException>("input", () => focal.sigmoid_focal_loss(X(dtype), T()), "floating", dtype.ToString());

        [Fact]
        public void DenseTargetOfOtherShape_NamesTargetAndShapes() =>
            Throws<ArgumentException>("target", () => focal.sigmoid_focal_loss(X(), zeros(new long[] { 4, 2 })), "[4, 3]", "[4, 2]");

        [Fact]
        public void DenseTargetOfOtherDtype_NamesTarget() =>
            Throws<ArgumentException>("target", () => focal.sigmoid_focal_loss(X(), T(ScalarType.Float64)), "Float32", "Float64");

        [Fact]
        public void Int32ClassIndices_NamesTarget() =>
            Throws<ArgumentException>("target", () => focal.sigmoid_focal_loss(X(), zeros(new long[] { 4 }, ScalarType.Int32)), "int64");

        [Fact]
        public void ClassIndicesOfWrongShape_NamesTargetAndRowShape() =>
            Throws<ArgumentException>("target", () => focal.sigmoid_focal_loss(X(), zeros(new long[] { 3 }, ScalarType.Int64)), "[4]", "[3]");

        [Theory]
        [InlineData(4L)]
        [InlineData(-1L)]
        [InlineData(100L)]
        public void ClassIndexOutsideZeroToC_NamesTarget(long bad)
        {
            Throws<ArgumentException>("target", () =>
            {
                Tensor index = tensor(new long[] { 0, 3, bad, 1 });
                focal.sigmoid_focal_loss(X(), index);
            });
        }

        [Fact]
        public void ClassIndexOutsideZeroToC_WithInputRequiringGrad_NamesTarget()
        {
            Throws<ArgumentException>("target", () =>
            {
                Tensor x = X().requires_grad_(true);
                focal.sigmoid_focal_loss(x, tensor(new long[] { 0, 5, 0, 0 }), reduction: Reduction.Sum).backward();
            });
        }

        [Fact]
        public void ZeroDimensionalInputWithClassIndices_NamesTarget() =>
            Throws<ArgumentException>("target", () => focal.sigmoid_focal_loss(tensor(0.5f), tensor(0L)), "0-dimensional");

        [Fact]
        public void WeightOfOtherShape_NamesWeightAndAcceptedShapes() =>
            Throws<ArgumentException>("weight", () => focal.sigmoid_focal_loss(X(), T(), weight: ones(new long[] { 2 })), "[4, 3]", "[4]", "[3]", "[2]");

        [Fact]
        public void WeightOfOtherDtype_NamesWeight() =>
            Throws<ArgumentException>("weight", () => focal.sigmoid_focal_loss(X(), T(), weight: ones(new long[] { 4, 3 }, ScalarType.Float64)), "Float32");

        [Theory]
        [InlineData(-0.5)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void BadGamma_ThrowsOutOfRangeNamingGamma(double gamma) =>
            Throws<ArgumentOutOfRangeException>("gamma", () => focal.sigmoid_focal_loss(X(), T(), gamma: gamma), ">= 0");

        [Theory]
        [InlineData(1.5)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        [InlineData(double.NegativeInfinity)]
        public void AlphaOutsideZeroToOne_ThrowsOutOfRangeNamingAlpha(double alpha) =>
            Throws<ArgumentOutOfRangeException>("alpha", () => focal.sigmoid_focal_loss(X(), T(), alpha: alpha), "[0, 1]");

        [Fact]
        public void UndefinedReduction_ThrowsOutOfRangeNamingReduction() =>
            Throws<ArgumentOutOfRangeException>("reduction", () => focal.sigmoid_focal_loss(X(), T(), reduction: (Reduction)7));

        [Fact]
        public void AvgFactorWithSum_NamesAvgFactor() =>
            Throws<ArgumentException>("avg_factor", () => focal.sigmoid_focal_loss(X(), T(), reduction: Reduction.Sum, avg_factor: 2.0), "Mean");

        [Theory]
        [InlineData(0.0)]
        [InlineData(-2.0)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void NonPositiveOrNonFiniteAvgFactor_ThrowsOutOfRangeNamingAvgFactor(double avg) =>
            Throws<ArgumentOutOfRangeException>("avg_factor", () => focal.sigmoid_focal_loss(X(), T(), reduction: Reduction.Mean, avg_factor: avg), "> 0");

        [Fact]
        public void InputOnUnsupportedDevice_NamesInputAndDevice() =>
            Throws<ArgumentException>("input", () => focal.sigmoid_focal_loss(X().to(Meta), T().to(Meta)), "meta", "CPU and CUDA");

        [Fact]
        public void TargetOnOtherDeviceThanInput_NamesTarget() =>
            Throws<ArgumentException>("target", () => focal.sigmoid_focal_loss(X(), T().to(Meta)), "same device");

        [Fact]
        public void WeightOnOtherDeviceThanInput_NamesWeight() =>
            Throws<ArgumentException>("weight", () => focal.sigmoid_focal_loss(X(), T(), weight: ones(new long[] { 3 }).to(Meta)), "same device");

        [Fact]
        public void TargetRequiringGrad_NamesTarget() =>
            Throws<ArgumentException>("target", () => focal.sigmoid_focal_loss(X(), T().requires_grad_(true)), "detach");

        [Fact]
        public void WeightRequiringGrad_NamesWeight() =>
            Throws<ArgumentException>("weight", () => focal.sigmoid_focal_loss(X(), T(), weight: ones(new long[] { 3 }).requires_grad_(true)), "detach");

        [Fact]
        public void DisposedInput_NamesInput()
        {
            Throws<ArgumentException>("input", () =>
            {
                Tensor x = X();
                x.Dispose();
                focal.sigmoid_focal_loss(x, T());
            }, "disposed");
        }

        [Fact]
        public void ModuleWithNegativeGamma_NamesGamma() =>
            Throws<ArgumentOutOfRangeException>("gamma", () => focal.SigmoidFocalLoss(gamma: -1.0));

        [Fact]
        public void ModuleWithNonFiniteLossWeight_NamesLossWeight() =>
            Throws<ArgumentOutOfRangeException>("loss_weight", () => focal.SigmoidFocalLoss(loss_weight: double.NaN));

        [Fact]
        public void NegativeAlpha_DisablesBalancingInsteadOfThrowing()
        {
            using var scope = NewDisposeScope();
            manual_seed(71);
            Tensor x = Ref.Logits(new long[] { 4, 3 }, ScalarType.Float64);
            Tensor t = Ref.HardTargets(new long[] { 4, 3 }, ScalarType.Float64);
            Numerics.AssertAllClose(Ref.Values(Ref.Torchvision(x, t, -1.0, 2.0, Reduction.None)),
                Ref.Values(focal.sigmoid_focal_loss(x, t, -3.0, 2.0)), 1e-12, 1e-14, "alpha -3");
        }
    }
}
