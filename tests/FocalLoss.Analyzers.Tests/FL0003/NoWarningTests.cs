using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0003
{
    /// <summary>Logits passed to logits losses, probabilities to probability losses: FL0003 stays silent.</summary>
    public sealed class NoWarningTests
    {
        private static Task NoDiagnosticsAsync(string source)
        {
            var test = new AnalyzerTest<ProbabilitiesToLogitsLossAnalyzer> { Sources = { source }, AdditionalReferences = { Compiler.TorchVisionReference } };
            return test.RunAsync();
        }

        [Fact]
        public Task LogitsToLogitsLoss_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
return ce * (1 - (p * t + (1 - p) * (1 - t))).pow(gamma);"));

        [Fact]
        public Task ProbabilitiesToProbabilityLoss_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
return torch.nn.functional.binary_cross_entropy(p, t);"));

        [Fact]
        public Task ProbabilitiesTurnedBackIntoLogits_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
return torch.nn.functional.binary_cross_entropy_with_logits(torch.special.logit(p), t);"));

        [Fact]
        public Task LocalReassignedToLogitsBeforeTheCall_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
var z = x.sigmoid();
z = x * gamma;
return torch.nn.functional.binary_cross_entropy_with_logits(z, t);"));

        [Fact]
        public Task ParameterNamedLikeProbabilities_NoWarning() => NoDiagnosticsAsync(@"using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Loss(Tensor probabilities, Tensor target)
    {
        return torch.nn.functional.binary_cross_entropy_with_logits(probabilities, target);
    }
}
");

        [Fact]
        public Task TorchvisionSigmoidFocalLossOnLogits_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
return torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 2.0);"));

        [Fact]
        public Task LogOfSigmoidIsNotAProbability_NoWarning() => NoDiagnosticsAsync(Sources.Torch(@"
return torch.nn.functional.binary_cross_entropy_with_logits(torch.nn.functional.logsigmoid(x), t);"));
    }
}
