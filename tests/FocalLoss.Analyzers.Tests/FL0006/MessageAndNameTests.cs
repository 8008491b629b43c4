using System.Globalization;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0006
{
    /// <summary>The exact descriptor and message texts of FL0006, and the documented name patterns.</summary>
    public sealed class MessageAndNameTests
    {
        [Fact]
        public void Message_SaysTheLossIsCorrect()
        {
            var text = string.Format(CultureInfo.InvariantCulture, Descriptors.PtHoldsOneMinusPt.MessageFormat.ToString(CultureInfo.InvariantCulture), "pt", "gamma");
            Assert.Equal("'pt' holds 1 - p_t (the probability of the wrong class), not the paper's p_t; the loss is correct: pt^gamma is the focal term (1 - p_t)^gamma", text);
        }

        [Fact]
        public void Descriptor_IsInformationInNamingWithHelpLink()
        {
            var descriptor = Descriptors.PtHoldsOneMinusPt;
            Assert.Equal("FL0006", descriptor.Id);
            Assert.Equal("Variable named like p_t holds 1 - p_t", descriptor.Title.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(DiagnosticSeverity.Info, descriptor.DefaultSeverity);
            Assert.Equal("Naming", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal("https://github.com/focalloss/FocalLoss.Analyzers/blob/main/docs/rules/FL0006.md", descriptor.HelpLinkUri);
        }

        [Theory]
        [InlineData("pt")]
        [InlineData("p_t")]
        [InlineData("pT")]
        [InlineData("PT")]
        [InlineData("p_true")]
        [InlineData("pTrue")]
        [InlineData("prob_t")]
        [InlineData("probs_t")]
        [InlineData("prob_true")]
        [InlineData("probTrue")]
        [InlineData("probs_true")]
        [InlineData("Probability_True")]
        [InlineData("_pt")]
        public void PtLikeName_IsRecognised(string name) => Assert.True(PtNotationAnalysis.IsPtLikeName(name));

        [Theory]
        [InlineData("p")]
        [InlineData("q")]
        [InlineData("pts")]
        [InlineData("one_minus_pt")]
        [InlineData("p_wrong")]
        [InlineData("prompt")]
        [InlineData("ptr")]
        [InlineData("alpha_t")]
        public void OtherName_IsNotRecognised(string name) => Assert.False(PtNotationAnalysis.IsPtLikeName(name));
    }
}
