using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0001
{
    /// <summary>Code as it is being typed: compile errors everywhere, and the analyzer must never throw (AD0001).</summary>
    public sealed class RobustnessTests
    {
        private static async Task AssertNoAnalyzerExceptionAsync(string body, bool scalar = false)
        {
            var source = scalar ? Sources.Scalar(body) : Sources.Torch(body);
            var compilation = Compiler.Compile(source);
            Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            var diagnostics = await Compiler.AnalyzeAsync(compilation, new InvertedModulatingFactorAnalyzer());
            var failures = diagnostics.Where(d => d.Id == "AD0001" || d.Id.StartsWith("AD", System.StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        [Fact]
        public Task HalfTypedPowCall_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
return pt.pow(");

        [Fact]
        public Task UnclosedParentheses_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmoid(x;
var pt = (t * p + (1 - t) * (1 - p;
return pt.pow(gamma * (1 - pt;");

        [Fact]
        public Task MissingArguments_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmoid();
var pt = torch.where(t == 1, p);
return torch.pow(pt) * torch.nn.functional.binary_cross_entropy_with_logits(x);");

        [Fact]
        public Task UnresolvedNames_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmod(logits);
var pt = target * p + (1 - target) * (1 - p);
return pt.pow(self.gamma) * undefinedCe;");

        [Fact]
        public Task SelfReferentialLocal_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var pt = pt * torch.sigmoid(x);
Tensor q;
q = q.pow(gamma);
return pt.pow(gamma) * q * torch.square(;");

        [Fact]
        public Task ScalarHalfTypedMathPow_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
return Math.Pow(pt, ) * pt * pt * Math.Pow(", scalar: true);

        [Fact]
        public Task DeepExpressionAndLoops_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmoid(x);
var pt = t * p + (1 - t) * (1 - p);
for (var i = 0; i < 100; i++) { pt = pt * pt + pt; }
var w = pt" + string.Concat(Enumerable.Repeat(" * pt", 400)) + @";
return w.pow(gamma) + missing;");
    }
}
