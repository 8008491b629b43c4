using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0002
{
    /// <summary>The exact descriptor and message texts of FL0002.</summary>
    public sealed class MessageTests
    {
        [Fact]
        public void Message_NamesExpressionAndWhatItGivesEachClass()
        {
            var text = string.Format(CultureInfo.InvariantCulture, Descriptors.InvertedAlphaBalance.MessageFormat.ToString(CultureInfo.InvariantCulture), "target * (1 - alpha) + (1 - target) * alpha", "1 - alpha", "alpha");
            Assert.Equal("'target * (1 - alpha) + (1 - target) * alpha' gives positives 1 - alpha and negatives alpha: the balance is inverted; alpha_t = t*alpha + (1-t)*(1-alpha)", text);
        }

        [Fact]
        public async Task Message_UsesTheNameOfTheAlphaSymbol()
        {
            var compilation = Compiler.CompileClean(Sources.Torch(@"
var a = alpha;
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var w = t * (1 - a) + (1 - t) * a;
return w * (1 - p_t).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"));
            var diagnostic = (await Compiler.AnalyzeAsync(compilation, new InvertedAlphaBalanceAnalyzer())).Single(d => d.Id == DiagnosticIds.InvertedAlphaBalance);
            Assert.Equal(
                "'t * (1 - a) + (1 - t) * a' gives positives 1 - alpha and negatives alpha: the balance is inverted; alpha_t = t*alpha + (1-t)*(1-alpha)",
                diagnostic.GetMessage(CultureInfo.InvariantCulture));
        }

        [Fact]
        public async Task Message_NamesAPropertyAlphaByItsName()
        {
            var compilation = Compiler.CompileClean(@"using System;
using TorchSharp;
using static TorchSharp.torch;

public sealed class Focal
{
    public double Balance { get; set; } = 0.25;

    public Tensor Loss(Tensor logits, Tensor labels, double gamma)
    {
        var ce = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction: nn.Reduction.None);
        var q = torch.abs(labels - logits.sigmoid());
        return (labels * (1 - Balance) + (1 - labels) * Balance) * q.pow(gamma) * ce;
    }
}
");
            var diagnostic = (await Compiler.AnalyzeAsync(compilation, new InvertedAlphaBalanceAnalyzer())).Single(d => d.Id == DiagnosticIds.InvertedAlphaBalance);
            Assert.Equal(
                "'labels * (1 - Balance) + (1 - labels) * Balance' gives positives 1 - Balance and negatives Balance: the balance is inverted; alpha_t = t*alpha + (1-t)*(1-alpha)",
                diagnostic.GetMessage(CultureInfo.InvariantCulture));
        }

        [Fact]
        public void Descriptor_IsAWarningInCorrectnessWithHelpLink()
        {
            var descriptor = Descriptors.InvertedAlphaBalance;
            Assert.Equal("FL0002", descriptor.Id);
            Assert.Equal("Focal alpha balance is inverted", descriptor.Title.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.Equal("Correctness", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal("https://github.com/focalloss/FocalLoss.Analyzers/blob/main/docs/rules/FL0002.md", descriptor.HelpLinkUri);
        }
    }
}
