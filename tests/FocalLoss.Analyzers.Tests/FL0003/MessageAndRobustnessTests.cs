using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0003
{
    /// <summary>The exact descriptor and message, and code as it is being typed (the analyzer must never throw).</summary>
    public sealed class MessageAndRobustnessTests
    {
        [Fact]
        public void Message_NamesTheArgumentAndTheLoss()
        {
            var message = string.Format(CultureInfo.InvariantCulture, Descriptors.ProbabilitiesToLogitsLoss.MessageFormat.ToString(CultureInfo.InvariantCulture), "torch.sigmoid(input)", "binary_cross_entropy_with_logits");
            Assert.Equal("'torch.sigmoid(input)' is a probability, but binary_cross_entropy_with_logits applies the sigmoid itself: the loss sees sigmoid(sigmoid(x)); pass the logits", message);
        }

        [Fact]
        public void Descriptor_IsAWarningInCorrectnessWithHelpLink()
        {
            var descriptor = Descriptors.ProbabilitiesToLogitsLoss;
            Assert.Equal("FL0003", descriptor.Id);
            Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.Equal("Correctness", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal("https://github.com/focalloss/FocalLoss.Analyzers/blob/main/docs/rules/FL0003.md", descriptor.HelpLinkUri);
            Assert.Equal(new[] { descriptor }, new ProbabilitiesToLogitsLossAnalyzer().SupportedDiagnostics.ToArray());
        }

        private static async Task AssertNoAnalyzerExceptionAsync(string body)
        {
            var compilation = Compiler.Compile(Sources.Torch(body));
            Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            var diagnostics = await Compiler.AnalyzeAsync(compilation, new ProbabilitiesToLogitsLossAnalyzer());
            var failures = diagnostics.Where(d => d.Id.StartsWith("AD", System.StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        [Theory]
        [InlineData("return torch.nn.functional.binary_cross_entropy_with_logits(torch.sigmoid(x), ")]
        [InlineData("return torch.nn.functional.binary_cross_entropy_with_logits();")]
        [InlineData("var p = torch.sigmoid(;\nreturn torch.nn.functional.binary_cross_entropy_with_logits(p, t;")]
        [InlineData("var p = p.sigmoid();\nreturn torch.nn.functional.binary_cross_entropy_with_logits(p, t);")]
        [InlineData("return torchvision.ops.sigmoid_focal_loss(torch.sigmoid(x), t);")]
        [InlineData("Tensor p;\nreturn torch.nn.functional.binary_cross_entropy_with_logits(p.sigmoid(undefined), t, reduction: );")]
        [InlineData("var q = 1 - torch.sigmoid(x);\nfor (;;) { q = 1 - q; }\nreturn torch.nn.functional.binary_cross_entropy_with_logits(q + missing, t);")]
        public Task IncompleteCode_DoesNotThrow(string body) => AssertNoAnalyzerExceptionAsync(body);
    }
}
