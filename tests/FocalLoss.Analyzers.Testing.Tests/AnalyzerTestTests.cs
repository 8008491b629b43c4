using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using static FocalLoss.Analyzers.Testing.Verify;

namespace FocalLoss.Analyzers.Testing.Tests
{
    public class AnalyzerTestTests
    {
        private const string PowSource = @"
using System;
class C
{
    double M(double x) => {|TST001:Math.Pow(x, 2)|};
}
";

        private static async Task<string> FailsWith(Task run)
        {
            var exception = await Assert.ThrowsAnyAsync<System.Exception>(() => run);
            Assert.IsType<Xunit.Sdk.FailException>(exception);
            return exception.Message;
        }

        [Fact]
        public async Task IdMarkup_MatchingDiagnostic_Passes()
        {
            await new AnalyzerTest<PowAnalyzer> { Sources = { PowSource } }.RunAsync();
        }

        [Fact]
        public async Task DefaultIdMarkup_SingleIdAnalyzer_Passes()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => [|System.Math.Pow(x, 2)|]; }" },
            }.RunAsync();
        }

        [Fact]
        public async Task DefaultIdMarkup_AnalyzerWithTwoIds_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<TwoRuleAnalyzer>
            {
                Sources = { "class C { double M(double x) => [|System.Math.Pow(x, 2)|]; }" },
            }.RunAsync());
            Assert.Contains("exactly one supported diagnostic id", message);
        }

        [Fact]
        public async Task LocationMarker_WithMessage_Passes()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|#0:System.Math.Pow(x, 2)|}; }" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithLocation(0).WithMessage("'System.Math.Pow(x, 2)' calls Math.Pow") },
            }.RunAsync();
        }

        [Fact]
        public async Task LocationMarker_WithArguments_Passes()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|#0:System.Math.Pow(x, 2)|}; }" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithLocation(0).WithArguments("System.Math.Pow(x, 2)") },
            }.RunAsync();
        }

        [Fact]
        public async Task MessageAddedToIdMarkup_WrongMessage_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|}; }" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithSpan(1, 33, 1, 54).WithMessage("something else") },
            }.RunAsync());
            Assert.Contains("WithMessage(\"'System.Math.Pow(x, 2)' calls Math.Pow\")", message);
        }

        [Fact]
        public async Task MessageAddedToIdMarkup_RightMessage_Passes()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|}; }" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithSpan(1, 33, 1, 54).WithMessage("'System.Math.Pow(x, 2)' calls Math.Pow") },
            }.RunAsync();
        }

        [Fact]
        public async Task ExplicitSpan_Passes()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C\n{\n    double M(double x) => System.Math.Pow(x, 2);\n}\n" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithSpan("Test0.cs", 3, 27, 3, 48).WithSeverity(DiagnosticSeverity.Warning) },
            }.RunAsync();
        }

        [Fact]
        public async Task CrLfSource_IsNormalized_Passes()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C\r\n{\r\n    double M(double x) => System.Math.Pow(x, 2);\r\n}\r\n" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithSpan(3, 27, 3, 48) },
            }.RunAsync();
        }

        [Fact]
        public async Task WrongSpan_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => System.Math.Pow(x, {|TST001:2|}); }" },
            }.RunAsync());
            Assert.Contains("Reported but not expected", message);
            Assert.Contains(".WithSpan(\"Test0.cs\", 1, 33, 1, 54)", message);
        }

        [Fact]
        public async Task WrongSeverity_Fails()
        {
            await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|#0:System.Math.Pow(x, 2)|}; }" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithLocation(0).WithSeverity(DiagnosticSeverity.Error) },
            }.RunAsync());
        }

        [Fact]
        public async Task MissingDiagnostic_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|TST001:System.Math.Abs(x)|}; }" },
            }.RunAsync());
            Assert.Contains("Expected but not reported", message);
        }

        [Fact]
        public async Task UnexpectedDiagnosticOfSameId_Fails()
        {
            await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|} + System.Math.Pow(x, 3); }" },
            }.RunAsync());
        }

        [Fact]
        public async Task UnexpectedDiagnosticOfAnotherId_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<TwoRuleAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|} + System.MathF.Pow(1f, 2f); }" },
            }.RunAsync());
            Assert.Contains("Diagnostic(\"TST002\")", message);
        }

        [Fact]
        public async Task BothIdsExpected_Passes()
        {
            await new AnalyzerTest<TwoRuleAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|} + {|TST002:System.MathF.Pow(1f, 2f)|}; }" },
            }.RunAsync();
        }

        [Fact]
        public async Task NoDiagnosticsExpected_NoneReported_Passes()
        {
            await new AnalyzerTest<PowAnalyzer> { Sources = { "class C { double M(double x) => System.Math.Abs(x); }" } }.RunAsync();
        }

        [Fact]
        public async Task NoDiagnosticsExpected_OneReported_Fails()
        {
            await FailsWith(new AnalyzerTest<PowAnalyzer> { Sources = { "class C { double M(double x) => System.Math.Pow(x, 2); }" } }.RunAsync());
        }

        [Fact]
        public async Task SourceWithCompileError_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|} + undefinedName; }" },
            }.RunAsync());
            Assert.Contains("CS0103", message);
        }

        [Fact]
        public async Task CompilerWarning_FailsOnlyWhenAsked()
        {
            const string source = "class C { void M() { int unused = 1; } }";
            await new AnalyzerTest<PowAnalyzer> { Sources = { source } }.RunAsync();
            var message = await FailsWith(new AnalyzerTest<PowAnalyzer> { Sources = { source }, FailOnCompilerWarnings = true }.RunAsync());
            Assert.Contains("CS0219", message);
        }

        [Fact]
        public async Task ExpectedCompilerDiagnostic_AmbiguousSigmoidFocalLoss_Passes()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources =
                {
                    @"using TorchSharp;
using static TorchSharp.torch;
class C
{
    Tensor M(Tensor x, Tensor t) => torchvision.ops.{|#0:sigmoid_focal_loss|}(x, t);
}
",
                },
                ExpectedCompilerDiagnostics = { Diagnostic("CS0121").WithLocation(0) },
            }.RunAsync();
        }

        [Fact]
        public async Task FacadeOnly_TorchSharpFocalLossCode_Compiles()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                FailOnCompilerWarnings = true,
                Sources =
                {
                    @"using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

sealed class FocalLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly double alpha = 0.25, gamma = 2.0;
    public FocalLoss() : base(nameof(FocalLoss)) { }
    public override Tensor forward(Tensor x, Tensor t)
    {
        var p = torch.sigmoid(x);
        var ce = binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
        var p_t = torch.where(t == 1, p, 1 - p);
        var alpha_t = alpha * t + (1 - alpha) * (1 - t);
        var loss = alpha_t * (1 - p_t).pow(gamma) * ce;
        var viaOps = torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 2.0, nn.Reduction.Mean);
        var viaHandle = Tensor.UnsafeCreateTensor(loss.Handle);
        return loss.mean() + viaOps + viaHandle + torch.special.expit(x).sum(1, keepdim: true) + logsigmoid(-x) + softplus(x);
    }
}
",
                },
            }.RunAsync();
        }

        [Fact]
        public async Task WithoutFacadeReference_TorchSharpCodeFails()
        {
            var message = await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                ReferenceTorchSharpFacade = false,
                Sources = { "using TorchSharp; class C { torch.Tensor? t; }" },
            }.RunAsync());
            Assert.Contains("CS0246", message);
        }

        [Fact]
        public async Task ThrowingAnalyzer_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<ThrowingAnalyzer>
            {
                Sources = { "class C { double M(double x) => System.Math.Pow(x, 2); }" },
            }.RunAsync());
            Assert.Contains("AD0001", message);
            Assert.Contains("sample analyzer bug", message);
        }

        [Fact]
        public async Task UnsupportedIdAnalyzer_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<UnsupportedIdAnalyzer>
            {
                Sources = { "class C { double M(double x) => System.Math.Pow(x, 2); }" },
            }.RunAsync());
            Assert.Contains("TST999", message);
        }

        [Fact]
        public async Task AnalyzerReportingInGeneratedCode_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<GeneratedCodeReportingAnalyzer> { Sources = { PowSource } }.RunAsync());
            Assert.Contains("Auto-generated pass", message);
        }

        [Fact]
        public async Task AnalyzerReportingInGeneratedCode_SkipGeneratedCodeCheck_Passes()
        {
            await new AnalyzerTest<GeneratedCodeReportingAnalyzer> { Sources = { PowSource }, SkipGeneratedCodeCheck = true }.RunAsync();
        }

        [Fact]
        public async Task DiagnosticThatPragmaCannotSuppress_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<NoLocationAnalyzer>
            {
                Sources = { "class C { double M(double x) => System.Math.Pow(x, 2); }" },
                ExpectedDiagnostics = { Diagnostic("TST001") },
            }.RunAsync());
            Assert.Contains("Pragma pass", message);
        }

        [Fact]
        public async Task PragmaInTestSource_SuppressesLikeTheBuild()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C\n{\n#pragma warning disable TST001\n    double M(double x) => System.Math.Pow(x, 2);\n#pragma warning restore TST001\n    double N(double x) => [|System.Math.Pow(x, 3)|];\n}\n" },
            }.RunAsync();
        }

        [Fact]
        public async Task EditorConfigSeverity_IsTheExpectedSeverity()
        {
            const string config = "root = true\n\n[*.cs]\ndotnet_diagnostic.TST001.severity = error\n";
            await new AnalyzerTest<PowAnalyzer>
            {
                AnalyzerConfigDocument = config,
                Sources = { "class C { double M(double x) => {|#0:System.Math.Pow(x, 2)|}; }" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithLocation(0).WithSeverity(DiagnosticSeverity.Error) },
            }.RunAsync();
            await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                AnalyzerConfigDocument = config,
                Sources = { "class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|}; }" },
            }.RunAsync());
        }

        [Fact]
        public async Task EditorConfigNone_SilencesTheRule()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                AnalyzerConfigDocument = "root = true\n\n[*.cs]\ndotnet_diagnostic.TST001.severity = none\n",
                Sources = { "class C { double M(double x) => System.Math.Pow(x, 2); }" },
            }.RunAsync();
        }

        [Fact]
        public async Task SeveralDocumentsAndProjects_SpansNameTheirFiles()
        {
            await new AnalyzerTest<PowAnalyzer>
            {
                Sources =
                {
                    "class A { double M(double x) => [|System.Math.Pow(x, 2)|]; }",
                    { "B.cs", "class B { double M(double x) => System.Math.Pow(x, 3); }" },
                },
                AdditionalProjects =
                {
                    ["Other"] = new TestProject { Sources = { "class D { double M(double x) => [|System.Math.Pow(x, 4)|]; }" } },
                },
                ExpectedDiagnostics = { Diagnostic("TST001").WithSpan("B.cs", 1, 33, 1, 54) },
            }.RunAsync();
        }

        [Fact]
        public async Task DiagnosticInAdditionalProject_WrongFile_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class A { }" },
                AdditionalProjects = { ["Other"] = new TestProject { Sources = { "class D { double M(double x) => System.Math.Pow(x, 4); }" } } },
                ExpectedDiagnostics = { Diagnostic("TST001").WithSpan("Test0.cs", 1, 33, 1, 54) },
            }.RunAsync());
            Assert.Contains(".WithSpan(\"Other/Test0.cs\", 1, 33, 1, 54)", message);
        }

        [Fact]
        public async Task UnclosedMarkup_Fails()
        {
            var message = await FailsWith(new AnalyzerTest<PowAnalyzer> { Sources = { "class C { double M(double x) => {|TST001:System.Math.Pow(x, 2); }" } }.RunAsync());
            Assert.Contains("never closed", message);
        }

        [Fact]
        public async Task ExpectedIdNotSupportedByAnalyzer_Fails()
        {
            await FailsWith(new AnalyzerTest<PowAnalyzer>
            {
                Sources = { "class C { double M(double x) => {|#0:System.Math.Pow(x, 2)|}; }" },
                ExpectedDiagnostics = { Diagnostic("TST001").WithLocation(0), Diagnostic("XYZ").WithLocation(0) },
            }.RunAsync());
        }
    }
}
