using System;
using System.Collections.Generic;
using System.Linq;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>
    /// The fused loss against the golden cases of tests/oracle/fixtures (torchvision 0.14 or an mpmath reference):
    /// loss values, shape, dtype and the gradient of the summed loss with respect to the input.
    /// </summary>
    public sealed class GoldenFixtureTests
    {
        public static IEnumerable<object[]> Cases() => Fixtures.CaseRows();

        [Fact]
        public void FixtureDirectory_HoldsCases()
        {
            string[] files = Fixtures.Files();
            Assert.True(files.Length > 0, $"No fixture files (*.json) in '{Fixtures.Directory}'.");
            Assert.True(files.Sum(f => Fixtures.LoadFile(f).Count) > 0, $"The fixture files in '{Fixtures.Directory}' hold no cases.");
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Case_MatchesReference(string file, string name)
        {
            FixtureCase c = Fixtures.Find(file, name);
            string label = $"{c.File}/{c.Name} ({c.Reference})";
            using var scope = NewDisposeScope();

            Tensor input = tensor(c.Input, c.InputShape, ScalarType.Float64).to(c.ScalarType);
            input.requires_grad_(true);
            Tensor target = c.TargetKind switch
            {
                "dense" => tensor(c.Target, c.TargetShape, ScalarType.Float64).to(c.ScalarType),
                "index" => tensor(c.Target, c.TargetShape, ScalarType.Float64).to(ScalarType.Int64),
                _ => throw new InvalidOperationException($"{label}: unknown target_kind '{c.TargetKind}'"),
            };
            Tensor? weight = c.WeightKind == "none" ? null : tensor(c.Weight, c.WeightShape, ScalarType.Float64).to(c.ScalarType);

            Tensor loss = focal.sigmoid_focal_loss(input, target, c.Alpha, c.Gamma, c.ReductionValue, weight, c.AvgFactor);

            Assert.Equal(c.ExpectedShape, loss.shape);
            Assert.Equal(c.ScalarType, loss.dtype);
            Numerics.AssertAllClose(c.Expected, Ref.Values(loss), c.Rtol, c.Atol, label + " loss");

            long numel = c.InputShape.Aggregate(1L, (a, b) => a * b);
            Assert.True(c.ExpectedGradInput.Length == numel, $"{label}: expected_grad_input has {c.ExpectedGradInput.Length} values for {numel} inputs.");
            Assert.True(loss.requires_grad, $"{label}: the loss does not require grad although the input does.");
            loss.sum().backward();
            Assert.Equal(c.InputShape, input.grad!.shape);
            Numerics.AssertAllClose(c.ExpectedGradInput, Ref.Values(input.grad!), c.Rtol, c.Atol, label + " d(sum loss)/d input");
        }
    }
}
