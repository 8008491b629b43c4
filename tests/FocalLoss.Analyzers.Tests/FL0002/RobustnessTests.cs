using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0002
{
    /// <summary>Code as it is being typed: FL0002 must never throw (AD0001).</summary>
    public sealed class RobustnessTests
    {
        private static async Task AssertNoAnalyzerExceptionAsync(string body, bool scalar = false)
        {
            var source = scalar ? Sources.Scalar(body) : Sources.Torch(body);
            var compilation = Compiler.Compile(source);
            Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            var diagnostics = await Compiler.AnalyzeAsync(compilation, new InvertedAlphaBalanceAnalyzer());
            var failures = diagnostics.Where(d => d.Id.StartsWith("AD", System.StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        [Fact]
        public Task HalfTypedBalance_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var alpha_t = t * (1 - alpha) + (1 - t) *
return alpha_t * (1 - p_t).pow(gamma);");

        [Fact]
        public Task HalfTypedWhere_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmoid(x);
var alpha_t = torch.where(t == 1, 1 - alpha, );
var w = torch.where(t == 1, 1 - alpha);
return alpha_t * w * (1 - p).pow(gamma) * torch.log(;");

        [Fact]
        public Task UnresolvedNamesInBranchForm_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmoid(logits);
return -(1 - self.alpha) * target * (1 - p).pow(gamma) * torch.log(p) - self.alpha * (1 - target) * p.pow(gamma) * torch.log(1 - p);");

        [Fact]
        public Task ScalarHalfTypedConditional_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
double alpha_t = t == 1 ? 1 - alpha : ;
return -alpha_t * Math.Pow(1 - pt, gamma) * Math.Log(", scalar: true);

        [Fact]
        public Task SelfReferentialAndLoopedLocals_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var w = w * (1 - alpha) + (1 - t) * alpha;
var p = torch.sigmoid(x);
for (var i = 0; i < 10; i++) { w = t * (1 - w) + (1 - t) * w; }
var big = t" + string.Concat(Enumerable.Repeat(" + t * (1 - alpha)", 300)) + @";
return w * big * (1 - p).pow(gamma) + missing;");
    }
}
