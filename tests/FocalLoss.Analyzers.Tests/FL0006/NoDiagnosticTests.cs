using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Tests.Verification;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0006
{
    /// <summary>Where FL0006 stays silent: p_t really is p_t, FL0001 reports the variable, other names, no focal power.</summary>
    public sealed class NoDiagnosticTests
    {
        private static Task NoDiagnosticsAsync(string source)
        {
            var test = new FocalAnalyzerTest<PtNotationAnalyzer> { TestState = { Sources = { source } } };
            return test.RunAsync();
        }

        [Fact]
        public Task SeedBlogProposal_PtHoldsPt_NoNotationHint() => NoDiagnosticsAsync(
            ReportAndRefactorTests.Pcdet("var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);", "torch.pow(pt, this.gamma)"));

        [Fact]
        public Task PcdetNamingWithOneMinusPtPow_LeftToFl0001_NoNotationHint() => NoDiagnosticsAsync(
            ReportAndRefactorTests.Pcdet("var pt = target * (1.0 - pred_sigmoid) + (1.0 - target) * pred_sigmoid;", "(1 - pt).pow(this.gamma)"));

        [Fact]
        public async Task PcdetNamingWithOneMinusPtPow_BothAnalyzers_ReportOnlyFl0001()
        {
            var compilation = Compiler.CompileClean(
                ReportAndRefactorTests.Pcdet("var pt = target * (1.0 - pred_sigmoid) + (1.0 - target) * pred_sigmoid;", "(1 - pt).pow(this.gamma)"));
            var ids = (await Compiler.AnalyzeAsync(compilation, new InvertedModulatingFactorAnalyzer(), new PtNotationAnalyzer()))
                .Select(d => d.Id).Where(id => id.StartsWith("FL", System.StringComparison.Ordinal) || id.StartsWith("AD", System.StringComparison.Ordinal)).ToList();
            Assert.Equal(new[] { DiagnosticIds.InvertedModulatingFactor }, ids);
        }

        [Fact]
        public Task PtAlsoUnderAPowerFl0001Reports_NoNotationHint() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * (1 - p) + (1 - t) * p;
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var focal = pt.pow(gamma) * ce;
var halfPorted = (1 - pt).pow(gamma) * ce;
return focal + halfPorted;"));

        [Fact]
        public Task TorchvisionForm_NoNotationHint() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
var p_t = p * t + (1 - p) * (1 - t);
var loss = ce * (1 - p_t).pow(gamma);
return (alpha * t + (1 - alpha) * (1 - t)) * loss;"));

        [Fact]
        public Task YoloV5FocalLoss_NoNotationHint() => NoDiagnosticsAsync(Seeds.YoloV5());

        [Fact]
        public Task NameThatDoesNotReadLikePt_NoNotationHint() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var one_minus_pt = t * (1 - p) + (1 - t) * p;
var q = t * (1 - p) + (1 - t) * p;
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return one_minus_pt.pow(gamma) * q.pow(gamma) * ce;"));

        [Fact]
        public Task OneMinusPtNeverRaisedToAPower_NoNotationHint() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * (1 - p) + (1 - t) * p;
return pt * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"));

        [Fact]
        public Task PtReassignedInABranch_NoNotationHint() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var pt = t * (1 - p) + (1 - t) * p;
if (gamma > 1)
{
    pt = t * p + (1 - t) * (1 - p);
}

return pt.pow(gamma);"));

        [Fact]
        public Task ScalarCodeWithoutExp_NoNotationHint() => NoDiagnosticsAsync(@"using System;

public static class Physics
{
    public static double Energy(double t, double p)
    {
        double pt = t * (1 - p) + (1 - t) * p;
        return Math.Pow(pt, 2);
    }
}
");
    }
}
