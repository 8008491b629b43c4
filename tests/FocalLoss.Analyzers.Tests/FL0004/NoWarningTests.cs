using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Tests.Verification;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0004
{
    /// <summary>Stable forms and logs of values that are not a sigmoid: FL0004 stays silent.</summary>
    public sealed class NoWarningTests
    {
        private static Task NoDiagnosticsAsync(string source)
        {
            var test = new FocalAnalyzerTest<UnstableLogSigmoidAnalyzer> { TestState = { Sources = { source } } };
            return test.RunAsync();
        }

        [Fact]
        public Task LogsigmoidAndSoftplus_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var logP = torch.nn.functional.logsigmoid(x);
var logOneMinusP = -torch.nn.functional.softplus(x);
return -(t * logP + (1 - t) * logOneMinusP);"));

        [Fact]
        public Task PcdetStableCrossEntropy_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
return torch.clamp_min(x, 0) - x * t + torch.log1p(torch.exp(-torch.abs(x)));"));

        [Fact]
        public Task LogOfSoftmaxOrOfUserValues_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var probs = x.softmax(1);
return torch.log(probs) * t + t.log() + torch.log(x * x + 1);"));

        [Fact]
        public Task LogOfProbabilityPlusEpsilon_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
return t * torch.log(p + 1e-8);"));

        [Fact]
        public Task ScalarStableForm_NoWarning() => NoDiagnosticsAsync(Sources.Scalar(@"
double logP = -(Math.Max(-x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))));
return -t * logP + Math.Log(gamma);"));

        [Fact]
        public Task ScalarLogOfExp_NoWarning() => NoDiagnosticsAsync(Sources.Scalar(@"
return Math.Log(1 + Math.Exp(x)) - x * t;"));

        [Fact]
        public Task ProbabilityInOneBranchOnly_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = x;
if (gamma > 0)
{
    p = torch.sigmoid(x);
}

return torch.log(p);"));
    }
}
