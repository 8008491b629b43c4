using System;
using System.Collections.Generic;
using System.Linq;
using FocalLoss.Runtime.Tests.Support;
using Xunit;

namespace FocalLoss.Runtime.Tests
{
    /// <summary>
    /// The fused operator against the golden cases of tests/oracle/fixtures (torchvision or a
    /// high-precision reference): loss values, shape, dtype, grad_fn and the input gradient.
    /// </summary>
    public sealed class GoldenFixtureTests
    {
        public static IEnumerable<object[]> Cases() => Fixtures.CaseRows();

        [Fact]
        public void FixtureDirectory_HoldsCases()
        {
            string[] files = Fixtures.Files();
            Assert.True(files.Length > 0, $"No fixture files (*.json) in '{Fixtures.Directory}'.");
            int cases = files.Sum(f => Fixtures.LoadFile(f).Count);
            Assert.True(cases > 0, $"The fixture files in '{Fixtures.Directory}' hold no cases.");
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Case_MatchesReference(string file, string name)
        {
            FixtureCase c = Fixtures.Find(file, name);
            NativeTesting.Require();
            int dtype = c.DTypeCode;
            string label = $"{c.File}/{c.Name} ({c.Reference})";

            using TestTensor input = TestTensor.From(c.Input, c.InputShape, dtype, requiresGrad: true);
            using TestTensor target = c.TargetKind switch
            {
                "dense" => TestTensor.From(c.Target, c.TargetShape, dtype),
                "index" => TestTensor.From(c.Target, c.TargetShape, NativeTesting.Int64),
                _ => throw new InvalidOperationException($"{label}: unknown target_kind '{c.TargetKind}'"),
            };
            using TestTensor? weight = c.WeightKind == "none" ? null : TestTensor.From(c.Weight, c.WeightShape, dtype);

            using TensorHandle loss = FocalLossNative.SigmoidFocalLoss(
                input.Ptr, target.Ptr, weight?.Ptr ?? IntPtr.Zero, c.Alpha, c.Gamma, c.ReductionValue, c.AvgFactor);
            IntPtr l = loss.DangerousGetHandle();

            Assert.Equal(c.ExpectedShape, TestTensor.ShapeOf(l));
            Assert.Equal(dtype, NativeTesting.flt_dtype(l));
            Numerics.AssertAllClose(c.Expected, TestTensor.Read(l), c.Rtol, c.Atol, label + " loss");

            string? gradFn = TestTensor.GradFnName(l);
            Assert.False(gradFn is null, $"{label}: the result has no grad_fn although the input requires grad.");

            long inputNumel = c.InputShape.Aggregate(1L, (a, b) => a * b);
            Assert.True(c.ExpectedGradInput.Length == inputNumel,
                $"{label}: expected_grad_input has {c.ExpectedGradInput.Length} values for {inputNumel} inputs.");

            TestTensor.BackwardWithOnes(l);
            using TestTensor? grad = input.Grad();
            Assert.NotNull(grad);
            Assert.Equal(c.InputShape, grad!.Shape());
            Numerics.AssertAllClose(c.ExpectedGradInput, grad.Values(), c.Rtol, c.Atol, label + " d(sum loss)/d input");
        }
    }
}
