using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0001
{
    /// <summary>The exact descriptor and message texts.</summary>
    public sealed class MessageTests
    {
        private static string Format(ModulatingVerdict verdict, bool square, string expression)
        {
            var (weight, meant) = InvertedModulatingFactorAnalyzer.Describe(verdict, square);
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, Descriptors.InvertedModulatingFactor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), expression, weight, meant);
        }

        [Fact]
        public void PtPower_Message()
        {
            Assert.Equal(
                "'pt.pow(gamma)' weights by p_t^gamma: easy examples get the largest weight; the focal term is (1 - p_t)^gamma",
                Format(ModulatingVerdict.PtPower, square: false, "pt.pow(gamma)"));
        }

        [Fact]
        public void SquaredPt_Message()
        {
            Assert.Equal(
                "'pt * pt' weights by p_t^2: easy examples get the largest weight; the focal term is (1 - p_t)^2",
                Format(ModulatingVerdict.PtPower, square: true, "pt * pt"));
        }

        [Fact]
        public void NegativeBranch_Message()
        {
            Assert.Equal(
                "'(1 - p).pow(gamma)' weights by (1 - p)^gamma on the negative (t = 0) branch: easy examples get the largest weight; the focal term is p^gamma",
                Format(ModulatingVerdict.NegativeBranchOneMinusP, square: false, "(1 - p).pow(gamma)"));
        }

        [Fact]
        public void DisplayText_CollapsesLineBreaks()
        {
            var expression = SyntaxFactory.ParseExpression("torch.pow(\n        pt,\n        gamma)");
            Assert.Equal("torch.pow( pt, gamma)", InvertedModulatingFactorAnalyzer.DisplayText(expression));
        }

        [Fact]
        public void Descriptor_IsAWarningInCorrectnessWithHelpLink()
        {
            var descriptor = Descriptors.InvertedModulatingFactor;
            Assert.Equal("FL0001", descriptor.Id);
            Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.Equal("Correctness", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal("https://github.com/focalloss/FocalLoss.Analyzers/blob/main/docs/rules/FL0001.md", descriptor.HelpLinkUri);
        }
    }
}
