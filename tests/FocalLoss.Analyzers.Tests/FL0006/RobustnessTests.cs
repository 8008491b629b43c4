using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0006
{
    /// <summary>Code as it is being typed: FL0006 must never throw (AD0001).</summary>
    public sealed class RobustnessTests
    {
        private static async Task AssertNoAnalyzerExceptionAsync(string body, bool scalar = false)
        {
            var source = scalar ? Sources.Scalar(body) : Sources.Torch(body);
            var compilation = Compiler.Compile(source);
            Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            var diagnostics = await Compiler.AnalyzeAsync(compilation, new PtNotationAnalyzer());
            var failures = diagnostics.Where(d => d.Id.StartsWith("AD", System.StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        [Fact]
        public Task HalfTypedDefinition_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var p = torch.sigmoid(x);
var pt = t * (1 - p) + (1 - t) *
return pt.pow(gamma);");

        [Fact]
        public Task PtWithoutInitializerAndUnresolvedUses_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var pt;
var p_t = undefined * (1 - torch.sigmoid(x));
return pt.pow(gamma) * p_t.pow() * torch.pow(p_t;");

        [Fact]
        public Task SelfReferentialPt_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
var pt = pt * (1 - torch.sigmoid(x)) + (1 - t) * pt;
var (pTrue, other) = (pt, pt);
return pt.pow(gamma) * pTrue.pow(gamma) + missing;");

        [Fact]
        public Task ScalarHalfTypedPow_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t == 1 ? 1 - p : ;
return Math.Pow(pt, ) * pt * pt * Math.Log(", scalar: true);
    }
}
