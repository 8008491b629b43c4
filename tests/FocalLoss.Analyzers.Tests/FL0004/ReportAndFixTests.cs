using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0004
{
    /// <summary>log(sigmoid(x)) and log(1 - sigmoid(x)) through the probability: FL0004 reports the log call and the fix writes the stable form.</summary>
    public sealed class ReportAndFixTests
    {
        internal const string LogP = "computes log(sigmoid(x)) from the probability: sigmoid(x) rounds to 0 for very negative x and the log is -inf; use the stable form logsigmoid(x) = -softplus(-x)";
        internal const string LogOneMinusP = "computes log(1 - sigmoid(x)) from the probability: 1 - sigmoid(x) rounds to 0 for large x and the log is -inf; use the stable form logsigmoid(-x) = -softplus(x)";
        internal const string ClampedLogP = "computes log(sigmoid(x)) from a clamped probability: the clamp keeps it finite but flattens the loss and zeroes its gradient beyond the bound; use the stable form logsigmoid(x) = -softplus(-x)";

        private static Task VerifyFixAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
            RuleFixVerifier<UnstableLogSigmoidAnalyzer, UnstableLogSigmoidCodeFixProvider>.FixAsync(source, fixedSource, UnstableLogSigmoidCodeFixProvider.EquivalenceKey, expected);

        private static Task VerifyNoFixAsync(string source, params DiagnosticResult[] expected) =>
            RuleFixVerifier<UnstableLogSigmoidAnalyzer, UnstableLogSigmoidCodeFixProvider>.NoFixAsync(source, expected);

        internal static DiagnosticResult At(int marker, string call, string rest) =>
            Verify.Diagnostic(Rules.Descriptors.UnstableLogSigmoid).WithLocation(marker).WithMessage("'" + call + "' " + rest);

        // ---- TorchSharp

        [Fact]
        public Task TorchLogOfTorchSigmoid_RewritesToLogsigmoid() => VerifyFixAsync(
            Sources.Torch(@"
return -t * {|#0:torch.log(torch.sigmoid(x))|};"),
            Sources.Torch(@"
return -t * torch.nn.functional.logsigmoid(x);"),
            At(0, "torch.log(torch.sigmoid(x))", LogP));

        [Fact]
        public Task MonaiStyleTwoBranchesThroughLocal_RewritesBothLogs() => VerifyFixAsync(
            Sources.Torch(@"
var p = x.sigmoid();
var ce = -(t * {|#0:p.log()|} + (1 - t) * {|#1:(1 - p).log()|});
return ce.mean();"),
            Sources.Torch(@"
var p = x.sigmoid();
var ce = -(t * torch.nn.functional.logsigmoid(x) + (1 - t) * torch.nn.functional.logsigmoid(-x));
return ce.mean();"),
            At(0, "p.log()", LogP),
            At(1, "(1 - p).log()", LogOneMinusP));

        [Fact]
        public Task TorchLogOfOneMinusExpitOfExpression_RewritesWithParenthesisedNegation() => VerifyFixAsync(
            Sources.Torch(@"
return {|#0:torch.log(1 - torch.special.expit(x * gamma))|};"),
            Sources.Torch(@"
return torch.nn.functional.logsigmoid(-(x * gamma));"),
            At(0, "torch.log(1 - torch.special.expit(x * gamma))", LogOneMinusP));

        [Fact]
        public Task TorchLogOfWrittenOutSigmoid_RewritesToLogsigmoid() => VerifyFixAsync(
            Sources.Torch(@"
return {|#0:torch.log(1 / (1 + torch.exp(-x)))|};"),
            Sources.Torch(@"
return torch.nn.functional.logsigmoid(x);"),
            At(0, "torch.log(1 / (1 + torch.exp(-x)))", LogP));

        [Fact]
        public Task LogitsReassignedBeforeTheLog_ReportsWithoutFix() => VerifyNoFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
x = x + 1;
return {|#0:torch.log(p)|};"),
            At(0, "torch.log(p)", LogP));

        [Fact]
        public Task ClampedProbability_ReportsAtInfoWithoutFix() => VerifyNoFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x).clamp(1e-6, 1 - 1e-6);
return {|#0:torch.log(p)|};"),
            At(0, "torch.log(p)", ClampedLogP).WithSeverity(DiagnosticSeverity.Info));

        [Fact]
        public Task ClampMinOnTheProbability_ReportsAtInfoWithoutFix() => VerifyNoFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
return {|#0:p.clamp_min(1e-6).log()|};"),
            At(0, "p.clamp_min(1e-6).log()", ClampedLogP).WithSeverity(DiagnosticSeverity.Info));

        // ---- Scalar C#

        [Fact]
        public Task ScalarMathLogOfWrittenOutSigmoid_RewritesToMinusSoftplus() => VerifyFixAsync(
            Sources.Scalar(@"
return {|#0:Math.Log(1.0 / (1.0 + Math.Exp(-x)))|};"),
            Sources.Scalar(@"
return -(Math.Max(-x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))));"),
            At(0, "Math.Log(1.0 / (1.0 + Math.Exp(-x)))", LogP));

        [Fact]
        public Task ScalarTwoBranchCrossEntropyThroughLocal_RewritesBothLogs() => VerifyFixAsync(
            Sources.Scalar(@"
double p = 1 / (1 + Math.Exp(-x));
return -t * {|#0:Math.Log(p)|} - (1 - t) * {|#1:Math.Log(1 - p)|};"),
            Sources.Scalar(@"
double p = 1 / (1 + Math.Exp(-x));
return -t * (-(Math.Max(-x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))))) - (1 - t) * (-(Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)))));"),
            At(0, "Math.Log(p)", LogP),
            At(1, "Math.Log(1 - p)", LogOneMinusP));

        [Fact]
        public Task ScalarMathFWithExpOverOnePlusExp_RewritesInMathF() => VerifyFixAsync(
            Sources.Scalar(@"
float z = (float)(x * gamma);
float p = MathF.Exp(z) / (1 + MathF.Exp(z));
return {|#0:MathF.Log(p)|};"),
            Sources.Scalar(@"
float z = (float)(x * gamma);
float p = MathF.Exp(z) / (1 + MathF.Exp(z));
return -(MathF.Max(-z, 0) + MathF.Log(1 + MathF.Exp(-MathF.Abs(z))));"),
            At(0, "MathF.Log(p)", LogP));

        [Fact]
        public Task ScalarLogitWithSideEffects_ReportsWithoutFix() => VerifyNoFixAsync(@"using System;

public static class Losses
{
    private static double Next(ref int i) => i++;

    public static double Loss(int i)
    {
        return {|#0:Math.Log(1 / (1 + Math.Exp(-Next(ref i))))|};
    }
}
",
            At(0, "Math.Log(1 / (1 + Math.Exp(-Next(ref i))))", LogP));
    }
}
