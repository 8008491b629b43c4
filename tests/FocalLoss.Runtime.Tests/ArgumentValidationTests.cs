using System;
using FocalLoss.Runtime.Tests.Support;
using Xunit;

namespace FocalLoss.Runtime.Tests
{
    /// <summary>Bad arguments become .NET exceptions that name the parameter and say what was expected.</summary>
    public sealed class ArgumentValidationTests
    {
        private static readonly double[] Logits6 = { -2.0, -0.5, 0.0, 0.3, 1.5, 4.0 };
        private static readonly double[] Targets6 = { 0.0, 1.0, 0.0, 1.0, 1.0, 0.0 };

        public ArgumentValidationTests() => NativeTesting.Require();

        private static TensorHandle Call(TestTensor input, TestTensor target, TestTensor? weight = null,
            double alpha = 0.25, double gamma = 2.0, FocalReduction reduction = FocalReduction.None, double? avg_factor = null)
            => FocalLossNative.SigmoidFocalLoss(input.Ptr, target.Ptr, weight?.Ptr ?? IntPtr.Zero, alpha, gamma, reduction, avg_factor);

        private static void AssertMentions(Exception e, params string[] anyOf)
        {
            foreach (string s in anyOf)
            {
                if (e.Message.Contains(s, StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }

            Assert.Fail($"The message should mention one of [{string.Join(", ", anyOf)}]; it was: {e.Message}");
        }

        // ---- managed-side scalar validation --------------------------------------------------------

        [Theory]
        [InlineData(1.5)]
        [InlineData(1.0000001)]
        [InlineData(double.PositiveInfinity)]
        [InlineData(double.NegativeInfinity)]
        public void AlphaAboveOneOrNonFinite_ThrowsOutOfRange(double alpha)
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Call(x, t, alpha: alpha));
            Assert.Equal("alpha", e.ParamName);
            AssertMentions(e, "[0, 1]");
        }

        [Fact]
        public void AlphaNaN_ThrowsOutOfRange()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Call(x, t, alpha: double.NaN));
            Assert.Equal("alpha", e.ParamName);
            AssertMentions(e, "[0, 1]");
        }

        [Theory]
        [InlineData(-1.0)]
        [InlineData(-1e-12)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void GammaNegativeOrNonFinite_ThrowsOutOfRange(double gamma)
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Call(x, t, gamma: gamma));
            Assert.Equal("gamma", e.ParamName);
            AssertMentions(e, ">= 0");
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(-3.0)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void AvgFactorNotPositiveFinite_ThrowsOutOfRange(double avgFactor)
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Call(x, t, reduction: FocalReduction.Mean, avg_factor: avgFactor));
            Assert.Equal("avg_factor", e.ParamName);
            AssertMentions(e, "> 0");
        }

        [Fact]
        public void AvgFactorWithSum_ThrowsArgument()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t, reduction: FocalReduction.Sum, avg_factor: 4.0));
            Assert.Equal("avg_factor", e.ParamName);
            AssertMentions(e, "Sum");
            AssertMentions(e, "Mean");
        }

        [Fact]
        public void UndefinedReduction_ThrowsOutOfRange()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Call(x, t, reduction: (FocalReduction)3));
            Assert.Equal("reduction", e.ParamName);
            AssertMentions(e, "None", "Mean", "Sum");
        }

        [Fact]
        public void NullInputHandle_ThrowsArgumentNull()
        {
            using var t = TestTensor.Float32(Targets6, 2, 3);
            var e = Assert.Throws<ArgumentNullException>(() => FocalLossNative.SigmoidFocalLoss(IntPtr.Zero, t.Ptr, IntPtr.Zero));
            Assert.Equal("input", e.ParamName);
        }

        [Fact]
        public void NullTargetHandle_ThrowsArgumentNull()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            var e = Assert.Throws<ArgumentNullException>(() => FocalLossNative.SigmoidFocalLoss(x.Ptr, IntPtr.Zero, IntPtr.Zero));
            Assert.Equal("target", e.ParamName);
        }

        [Theory]
        [InlineData(-1.0)]
        [InlineData(-0.25)]
        [InlineData(0.0)]
        [InlineData(1.0)]
        public void AlphaNegativeOrInUnitInterval_IsAccepted(double alpha)
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            using TensorHandle loss = Call(x, t, alpha: alpha);
            Assert.Equal(new long[] { 2, 3 }, TestTensor.ShapeOf(loss.DangerousGetHandle()));
        }

        // ---- native-side tensor validation ---------------------------------------------------------

        [Fact]
        public void DenseTargetShapeMismatch_ThrowsArgumentForTarget()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(new double[] { 0, 1, 0, 1, 1, 0, 1, 0 }, 2, 4);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.Equal("target", e.ParamName);
            AssertMentions(e, "shape [2, 3]"); // what was expected: the input's shape
            AssertMentions(e, "[2, 4]");       // what was given
        }

        [Fact]
        public void FloatTargetWithIndexShape_ThrowsArgumentForTarget()
        {
            // A floating target shaped like class indices ([N], not [N, C]) is neither form.
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(new double[] { 0, 2 }, 2);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.Equal("target", e.ParamName);
            AssertMentions(e, "floating tensor of shape [2, 3]");
            AssertMentions(e, "int64 tensor of shape [2]");
        }

        [Fact]
        public void IndexTargetWrongShape_ThrowsArgumentForTarget()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Int64(new double[] { 0, 1, 2 }, 3);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.Equal("target", e.ParamName);
            AssertMentions(e, "int64 tensor of shape [2]");
            AssertMentions(e, "[3]");
        }

        [Fact]
        public void IntegerInput_ThrowsArgumentForInput()
        {
            using var x = TestTensor.Int64(new double[] { -2, 0, 0, 1, 2, 4 }, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.Equal("input", e.ParamName);
            AssertMentions(e, "float32");
            AssertMentions(e, "Long", "int64");
        }

        [Fact]
        public void BoolTarget_ThrowsArgumentForTarget()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.From(Targets6, new long[] { 2, 3 }, NativeTesting.Bool);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.Equal("target", e.ParamName);
            AssertMentions(e, "floating tensor");
            AssertMentions(e, "Bool");
        }

        [Fact]
        public void TargetOfOtherFloatingDtype_IsRejectedOrMatchesSameDtypeResult()
        {
            // float64 target for float32 input: either a clear argument error naming 'target' or
            // the same result as a float32 target; never a crash or a silently different value.
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t32 = TestTensor.Float32(Targets6, 2, 3);
            using var t64 = TestTensor.Float64(Targets6, 2, 3);
            using TensorHandle reference = Call(x, t32);
            TensorHandle? mixed = null;
            try
            {
                mixed = Call(x, t64);
            }
            catch (ArgumentException e)
            {
                Assert.Equal("target", e.ParamName);
                AssertMentions(e, "dtype", "float");
                return;
            }

            using (mixed)
            {
                Numerics.AssertAllClose(TestTensor.Read(reference.DangerousGetHandle()), TestTensor.Read(mixed.DangerousGetHandle()), 1e-6, 1e-7, "float64 target");
            }
        }

        [Theory]
        [InlineData(4.0)] // C = 3 means background; 4 is out of range
        [InlineData(-1.0)]
        public void ClassIndexOutOfRange_ThrowsArgumentForTarget(double badIndex)
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Int64(new double[] { 1, badIndex }, 2);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.Equal("target", e.ParamName);
            AssertMentions(e, "class index out of range");
            AssertMentions(e, "[0, 3]");
        }

        [Fact]
        public void ClassIndexEqualToC_IsBackground()
        {
            // Index C is background: every class is a negative, as a dense all-zero row.
            using var x = TestTensor.Float64(Logits6, 2, 3);
            using var index = TestTensor.Int64(new double[] { 3, 1 }, 2);
            using var dense = TestTensor.Float64(new double[] { 0, 0, 0, 0, 1, 0 }, 2, 3);
            using TensorHandle a = Call(x, index);
            using TensorHandle b = Call(x, dense);
            Numerics.AssertAllClose(TestTensor.Read(b.DangerousGetHandle()), TestTensor.Read(a.DangerousGetHandle()), 1e-12, 1e-14, "index vs dense target");
        }

        [Fact]
        public void WeightWrongShape_ThrowsArgumentForWeight()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            using var w = TestTensor.Float32(new double[] { 1, 2, 3, 4, 5 }, 5);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t, w));
            Assert.Equal("weight", e.ParamName);
            AssertMentions(e, "[2, 3] (per element)");
            AssertMentions(e, "[3] (per class)");
            AssertMentions(e, "[5]");
        }

        [Fact]
        public void IntegerWeight_ThrowsArgumentForWeight()
        {
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(Targets6, 2, 3);
            using var w = TestTensor.Int64(new double[] { 1, 2, 3 }, 3);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t, w));
            Assert.Equal("weight", e.ParamName);
            AssertMentions(e, "floating tensor");
            AssertMentions(e, "Long", "int64");
        }

        [Fact]
        public void TargetRequiringGrad_ThrowsArgumentForTarget()
        {
            using var x = TestTensor.From(Logits6, new long[] { 2, 3 }, NativeTesting.Float32, requiresGrad: true);
            using var t = TestTensor.From(Targets6, new long[] { 2, 3 }, NativeTesting.Float32, requiresGrad: true);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.Equal("target", e.ParamName);
            AssertMentions(e, "detach");
        }

        [Fact]
        public void AnchorWeightWithKeptDim_IsAccepted()
        {
            using var x = TestTensor.Float64(Logits6, 2, 3);
            using var t = TestTensor.Float64(Targets6, 2, 3);
            using var wFlat = TestTensor.Float64(new double[] { 2.0, 0.5 }, 2);
            using var wKeep = TestTensor.Float64(new double[] { 2.0, 0.5 }, 2, 1);
            using TensorHandle a = Call(x, t, wFlat);
            using TensorHandle b = Call(x, t, wKeep);
            Numerics.AssertAllClose(TestTensor.Read(a.DangerousGetHandle()), TestTensor.Read(b.DangerousGetHandle()), 0, 0, "[N] vs [N, 1] anchor weight");
        }

        // ---- empty tensors (documented: none -> empty result, sum -> 0, mean -> NaN as torch.mean,
        //      mean with avg_factor -> 0; the gradient is empty) ---------------------------------------

        [Fact]
        public void EmptyInput_None_ReturnsEmptyWithEmptyGradient()
        {
            using var x = TestTensor.From(Array.Empty<double>(), new long[] { 0, 3 }, NativeTesting.Float32, requiresGrad: true);
            using var t = TestTensor.Float32(Array.Empty<double>(), 0, 3);
            using TensorHandle loss = Call(x, t);
            Assert.Equal(new long[] { 0, 3 }, TestTensor.ShapeOf(loss.DangerousGetHandle()));
            Assert.Empty(TestTensor.Read(loss.DangerousGetHandle()));
            TestTensor.BackwardWithOnes(loss.DangerousGetHandle());
            using TestTensor? grad = x.Grad();
            Assert.NotNull(grad);
            Assert.Equal(new long[] { 0, 3 }, grad!.Shape());
        }

        [Theory]
        [InlineData(FocalReduction.Sum, null, 0.0)]
        [InlineData(FocalReduction.Mean, 2.0, 0.0)]
        [InlineData(FocalReduction.Mean, null, double.NaN)]
        public void EmptyInput_Reduced_FollowsTorchSemantics(FocalReduction reduction, double? avgFactor, double expected)
        {
            using var x = TestTensor.From(Array.Empty<double>(), new long[] { 0, 4 }, NativeTesting.Float64, requiresGrad: true);
            using var t = TestTensor.Int64(Array.Empty<double>(), 0);
            using TensorHandle loss = Call(x, t, reduction: reduction, avg_factor: avgFactor);
            Assert.Empty(TestTensor.ShapeOf(loss.DangerousGetHandle()));
            double value = Assert.Single(TestTensor.Read(loss.DangerousGetHandle()));
            Assert.True(Numerics.Close(value, expected, 0, 0), $"expected {expected}, got {value}");
            TestTensor.BackwardWithOnes(loss.DangerousGetHandle());
            using TestTensor? grad = x.Grad();
            Assert.NotNull(grad);
            Assert.Equal(new long[] { 0, 4 }, grad!.Shape());
        }

        [Fact]
        public void EmptyInput_ShapeMismatch_IsStillAnError()
        {
            using var x = TestTensor.Float32(Array.Empty<double>(), 0, 3);
            using var t = TestTensor.Float32(Array.Empty<double>(), 0, 2);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.Equal("target", e.ParamName);
            AssertMentions(e, "shape [0, 3]");
        }

        [Fact]
        public void NativeArgumentError_KeepsNativeMessageAndParameterName()
        {
            // The translation keeps the native message verbatim and the native parameter name.
            using var x = TestTensor.Float32(Logits6, 2, 3);
            using var t = TestTensor.Float32(new double[] { 0, 1, 0, 1, 1, 0, 1, 0 }, 2, 4);
            var e = Assert.Throws<ArgumentException>(() => Call(x, t));
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.Contains("(Parameter 'target')", e.Message, StringComparison.Ordinal);
        }
    }
}
