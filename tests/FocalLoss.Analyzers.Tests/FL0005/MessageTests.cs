using System.Collections.Immutable;
using System.Globalization;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0005
{
    /// <summary>The exact descriptor and message texts.</summary>
    public sealed class MessageTests
    {
        private static string Format(ReductionSource source, string expression, string? variable, params string[] reductions)
        {
            var (what, when) = ReducedBeforeWeightingAnalyzer.Describe(source, reductions.ToImmutableArray(), variable);
            return string.Format(CultureInfo.InvariantCulture, Descriptors.ReducedBeforeWeighting.MessageFormat.ToString(CultureInfo.InvariantCulture), expression, what, when);
        }

        [Fact]
        public void ConstantMean_Message()
        {
            Assert.Equal(
                "'binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean)' reduces the cross entropy to its mean before the element-wise focal weight is applied: the weight multiplies a scalar, not each element's loss; reduce after weighting",
                Format(ReductionSource.ConstantArgument, "binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean)", null, "mean"));
        }

        [Fact]
        public void DefaultReduction_MessageSaysMeanIsTheDefault()
        {
            Assert.Equal(
                "'binary_cross_entropy_with_logits(x, t)' reduces the cross entropy to its mean before the element-wise focal weight is applied (Mean is the default reduction): the weight multiplies a scalar, not each element's loss; reduce after weighting",
                Format(ReductionSource.DefaultArgument, "binary_cross_entropy_with_logits(x, t)", null, "mean"));
        }

        [Fact]
        public void ReductionParameter_MessageNamesTheParameterAndItsValues()
        {
            Assert.Equal(
                "'binary_cross_entropy_with_logits(inputs, targets, reduction: reduction)' reduces the cross entropy to its mean or sum before the element-wise focal weight is applied when 'reduction' is Mean or Sum: the weight multiplies a scalar, not each element's loss; reduce after weighting",
                Format(ReductionSource.VariableArgument, "binary_cross_entropy_with_logits(inputs, targets, reduction: reduction)", "reduction", "mean", "sum"));
        }

        [Fact]
        public void SumCall_Message()
        {
            Assert.Equal(
                "'ce.sum()' reduces the cross entropy to its sum before the element-wise focal weight is applied: the weight multiplies a scalar, not each element's loss; reduce after weighting",
                Format(ReductionSource.ReductionCall, "ce.sum()", null, "sum"));
        }

        [Fact]
        public void Descriptor_IsAWarningInCorrectnessWithHelpLink()
        {
            var descriptor = Descriptors.ReducedBeforeWeighting;
            Assert.Equal("FL0005", descriptor.Id);
            Assert.Equal("Cross entropy reduced before the focal weighting", descriptor.Title.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.Equal("Correctness", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal("https://github.com/focalloss/FocalLoss.Analyzers/blob/main/docs/rules/FL0005.md", descriptor.HelpLinkUri);
        }
    }
}
