using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0004
{
    /// <summary>The exact descriptor and messages, and code as it is being typed (the analyzer must never throw).</summary>
    public sealed class MessageAndRobustnessTests
    {
        private static string Format(LogSigmoidVerdict verdict, bool guarded, string call)
        {
            var (what, stable) = UnstableLogSigmoidAnalyzer.Describe(verdict, guarded);
            return string.Format(CultureInfo.InvariantCulture, Descriptors.UnstableLogSigmoid.MessageFormat.ToString(CultureInfo.InvariantCulture), call, what, stable);
        }

        [Fact]
        public void LogP_Message()
        {
            Assert.Equal(
                "'torch.log(torch.sigmoid(x))' computes log(sigmoid(x)) from the probability: sigmoid(x) rounds to 0 for very negative x and the log is -inf; use the stable form logsigmoid(x) = -softplus(-x)",
                Format(LogSigmoidVerdict.LogP, guarded: false, "torch.log(torch.sigmoid(x))"));
        }

        [Fact]
        public void LogOneMinusP_Message()
        {
            Assert.Equal(
                "'Math.Log(1 - p)' computes log(1 - sigmoid(x)) from the probability: 1 - sigmoid(x) rounds to 0 for large x and the log is -inf; use the stable form logsigmoid(-x) = -softplus(x)",
                Format(LogSigmoidVerdict.LogOneMinusP, guarded: false, "Math.Log(1 - p)"));
        }

        [Fact]
        public void ClampedLogOneMinusP_Message()
        {
            Assert.Equal(
                "'(1 - p).clamp(1e-6, 1).log()' computes log(1 - sigmoid(x)) from a clamped probability: the clamp keeps it finite but flattens the loss and zeroes its gradient beyond the bound; use the stable form logsigmoid(-x) = -softplus(x)",
                Format(LogSigmoidVerdict.LogOneMinusP, guarded: true, "(1 - p).clamp(1e-6, 1).log()"));
        }

        [Fact]
        public void Descriptor_IsAWarningInNumericsWithHelpLink()
        {
            var descriptor = Descriptors.UnstableLogSigmoid;
            Assert.Equal("FL0004", descriptor.Id);
            Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.Equal("Numerics", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal("https://github.com/focalloss/FocalLoss.Analyzers/blob/main/docs/rules/FL0004.md", descriptor.HelpLinkUri);
            Assert.Equal(new[] { descriptor }, new UnstableLogSigmoidAnalyzer().SupportedDiagnostics.ToArray());
        }

        private static async Task AssertNoAnalyzerExceptionAsync(string body, bool scalar)
        {
            var compilation = Compiler.Compile(scalar ? Sources.Scalar(body) : Sources.Torch(body));
            Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            var diagnostics = await Compiler.AnalyzeAsync(compilation, new UnstableLogSigmoidAnalyzer());
            var failures = diagnostics.Where(d => d.Id.StartsWith("AD", System.StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        [Theory]
        [InlineData("return torch.log(torch.sigmoid(x)", false)]
        [InlineData("return torch.log();", false)]
        [InlineData("var p = x.sigmoid(;\nreturn (1 - p).log(", false)]
        [InlineData("var p = 1 - p.sigmoid();\nreturn p.log() + torch.log(undefined.sigmoid());", false)]
        [InlineData("var p = torch.sigmoid(x);\nfor (var i = 0; i < 3; i++) { p = 1 - p; }\nreturn torch.log(p) + ;", false)]
        [InlineData("double p = 1 / (1 + Math.Exp(-x);\nreturn Math.Log(p) + Math.Log(1 - ;", true)]
        [InlineData("return Math.Log(1 / (1 + Math.Exp(-missing)));", true)]
        [InlineData("return MathF.Log(1f / (1f + MathF.Exp(-x)));", true)]
        public Task IncompleteCode_DoesNotThrow(string body, bool scalar) => AssertNoAnalyzerExceptionAsync(body, scalar);
    }
}
