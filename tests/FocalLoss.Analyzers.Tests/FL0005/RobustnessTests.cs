using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0005
{
    /// <summary>Code as it is being typed: compile errors everywhere, and the analyzer must never throw (AD0001).</summary>
    public sealed class RobustnessTests
    {
        private static async Task AssertNoAnalyzerExceptionAsync(string source)
        {
            var compilation = Compiler.Compile(source);
            Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            var diagnostics = await Compiler.AnalyzeAsync(compilation, new ReducedBeforeWeightingAnalyzer());
            var failures = diagnostics.Where(d => d.Id.StartsWith("AD", System.StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        [Fact]
        public Task HalfTypedReductionArgument_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: );
var p = torch.sigmoid(x);
return ce * (1 - p).pow(gamma"));

        [Fact]
        public Task MissingArgumentsAndUnresolvedNames_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(Sources.Torch(@"
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x).mean(;
var p = torch.sigmoid(logits);
loss *= ce * (1 - p_t).pow(gamma);
return torch.mean() * ce.sum(undefinedDim) * torch.mul(ce);"));

        [Fact]
        public Task UnknownReductionParameterType_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(@"using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Focal(Tensor x, Tensor t, double gamma, Reductio reduction)
    {
        var ce = nn.functional.binary_cross_entropy_with_logits(x, t, reduction: reduction);
        var p = torch.sigmoid(x);
        switch (reduction) { case : break; }
        return reduction switch { nn.Reduction.Mean => (ce * p).mean(), => ce * (1 - p).pow(gamma) };
    }
}
");

        [Fact]
        public Task SelfReferencesLoopsAndDeepProducts_DoesNotThrow() => AssertNoAnalyzerExceptionAsync(Sources.Torch(@"
var loss = loss * torch.nn.functional.binary_cross_entropy_with_logits(x, t);
Tensor q;
q *= q.mean();
for (var i = 0; i < 10; i++) { loss *= loss.sum() * torch.sigmoid(x); }
var w = torch.sigmoid(x)" + string.Concat(Enumerable.Repeat(" * torch.sigmoid(x)", 300)) + @";
return w * torch.nn.functional.binary_cross_entropy_with_logits(x, t) + missing;"));
    }
}
