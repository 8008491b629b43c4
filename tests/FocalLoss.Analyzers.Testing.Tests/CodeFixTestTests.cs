using System;
using System.Threading.Tasks;
using Xunit;
using static FocalLoss.Analyzers.Testing.Verify;

namespace FocalLoss.Analyzers.Testing.Tests
{
    public class CodeFixTestTests
    {
        private const string Source = @"using System;
class C
{
    double M(double x, double y) => [|Math.Pow(x, y + 1)|];
    double N(double x) => [|Math.Pow(x, 2)|];
}
";

        private const string Fixed = @"using System;
class C
{
    double M(double x, double y) => Math.Exp((y + 1) * Math.Log(x));
    double N(double x) => Math.Exp(2 * Math.Log(x));
}
";

        private const string FixedLogFirst = @"using System;
class C
{
    double M(double x, double y) => Math.Exp(Math.Log(x) * (y + 1));
    double N(double x) => Math.Exp(Math.Log(x) * (2));
}
";

        private static async Task<string> FailsWith(Task run)
        {
            var exception = await Assert.ThrowsAnyAsync<Exception>(() => run);
            Assert.IsType<Xunit.Sdk.FailException>(exception);
            return exception.Message;
        }

        [Fact]
        public async Task CorrectFix_Passes()
        {
            await new CodeFixTest<PowAnalyzer, CorrectPowFix> { Sources = { Source }, FixedSources = { Fixed } }.RunAsync();
        }

        [Fact]
        public async Task CorrectFix_WrongFixedSource_FailsWithDiff()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, CorrectPowFix>
            {
                Sources = { Source },
                FixedSources = { Fixed.Replace("(y + 1) * Math.Log(x)", "y + 1 * Math.Log(x)") },
            }.RunAsync());
            Assert.Contains("-    double M(double x, double y) => Math.Exp(y + 1 * Math.Log(x));", message);
            Assert.Contains("+    double M(double x, double y) => Math.Exp((y + 1) * Math.Log(x));", message);
        }

        [Fact]
        public async Task CorrectFix_NoFixedSources_Fails()
        {
            await FailsWith(new CodeFixTest<PowAnalyzer, CorrectPowFix> { Sources = { Source } }.RunAsync());
        }

        [Fact]
        public async Task NoOpFix_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, NoOpPowFix> { Sources = { Source }, FixedSources = { Fixed } }.RunAsync());
            Assert.Contains("no-op", message);
        }

        [Fact]
        public async Task UnparenthesizedFix_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, UnparenthesizedPowFix>
            {
                Sources = { Source },
                FixedSources = { Fixed.Replace("(y + 1) * Math.Log(x)", "y + 1 * Math.Log(x)") },
            }.RunAsync());
            Assert.Contains("does not parse back", message);
            Assert.Contains("missing parentheses", message);
        }

        [Fact]
        public async Task NullFixAllProvider_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, NullFixAllPowFix> { Sources = { Source }, FixedSources = { Fixed } }.RunAsync());
            Assert.Contains("GetFixAllProvider() returned null", message);
        }

        [Fact]
        public async Task InfiniteFixLoop_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, LoopingPowFix> { Sources = { Source }, FixedSources = { Fixed } }.RunAsync());
            Assert.Contains("does not converge", message);
        }

        [Fact]
        public async Task FixThatBreaksCompilation_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, CompileErrorPowFix>
            {
                Sources = { Source },
                FixedSources = { Source.Replace("[|", string.Empty).Replace("|]", string.Empty).Replace("Math.Pow", "Math.Powr") },
            }.RunAsync());
            Assert.Contains("compiler errors", message);
            Assert.Contains("CS0117", message);
        }

        [Fact]
        public async Task FixThatAddsWarnings_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, WarningPowFix>
            {
                Sources = { "using System; class C { double N(double x) => [|System.Math.Pow(x, 2)|]; }" },
                FixedSources = { "using System; class C { double N(double x) => Math.Exp(2) + ((string)null).Length; }" },
            }.RunAsync());
            Assert.Contains("introduced compiler warnings", message);
        }

        [Fact]
        public async Task FixableIdsMissExpectedIds_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, WrongIdPowFix> { Sources = { Source }, FixedSources = { Fixed } }.RunAsync());
            Assert.Contains("contain none of the expected diagnostic ids", message);
        }

        [Fact]
        public async Task FixAllProviderWithoutProjectScope_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, DocumentScopeOnlyPowFix> { Sources = { Source }, FixedSources = { Fixed } }.RunAsync());
            Assert.Contains("does not support Project scope", message);
        }

        [Fact]
        public async Task TwoProjects_CorrectFix_PassesInEveryScope()
        {
            await new CodeFixTest<PowAnalyzer, CorrectPowFix>
            {
                Sources = { Source, { "Second.cs", "using System; class S { double M(double x) => [|System.Math.Pow(x, 3)|]; }" } },
                FixedSources = { Fixed, { "Second.cs", "using System; class S { double M(double x) => Math.Exp(3 * Math.Log(x)); }" } },
                AdditionalProjects =
                {
                    ["Other"] = new TestProject
                    {
                        Sources = { "using System; class D { double M(double x) => [|System.Math.Pow(x, 4)|]; }" },
                        FixedSources = { "using System; class D { double M(double x) => Math.Exp(4 * Math.Log(x)); }" },
                    },
                },
            }.RunAsync();
        }

        [Fact]
        public async Task TwoProjects_FixAllIgnoresSolutionScope_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, ProjectOnlyInSolutionScopePowFix>
            {
                Sources = { Source },
                FixedSources = { Fixed },
                AdditionalProjects =
                {
                    ["Other"] = new TestProject
                    {
                        Sources = { "using System; class D { double M(double x) => [|System.Math.Pow(x, 4)|]; }" },
                        FixedSources = { "using System; class D { double M(double x) => Math.Exp(4 * Math.Log(x)); }" },
                    },
                },
            }.RunAsync());
            Assert.Contains("FixAll (Solution)", message);
        }

        [Fact]
        public async Task TwoProjects_ExpectedFixedSourceOfOtherProjectWrong_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, CorrectPowFix>
            {
                Sources = { Source },
                FixedSources = { Fixed },
                AdditionalProjects =
                {
                    ["Other"] = new TestProject { Sources = { "using System; class D { double M(double x) => [|System.Math.Pow(x, 4)|]; }" } },
                },
            }.RunAsync());
            Assert.Contains("'Other/Test0.cs' differs", message);
        }

        [Fact]
        public async Task SecondActionByIndex_WithFormatFixedSources_Passes()
        {
            await new CodeFixTest<PowAnalyzer, TwoActionPowFix>
            {
                Sources = { Source },
                FixedSources = { FixedLogFirst },
                CodeActionIndex = 1,
                FormatFixedSources = { Fixed },
            }.RunAsync();
        }

        [Fact]
        public async Task SecondActionByKey_Passes()
        {
            await new CodeFixTest<PowAnalyzer, TwoActionPowFix>
            {
                Sources = { Source },
                FixedSources = { FixedLogFirst },
                CodeActionEquivalenceKey = "LogFirst",
                SkipFormatReplay = true,
                SkipFormatReplayReason = "the replay applies the first action, covered by SecondActionByIndex_WithFormatFixedSources_Passes",
            }.RunAsync();
        }

        [Fact]
        public async Task SecondAction_WithoutFormatFixedSources_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, TwoActionPowFix>
            {
                Sources = { Source },
                FixedSources = { FixedLogFirst },
                CodeActionIndex = 1,
            }.RunAsync());
            Assert.Contains("FormatFixedSources", message);
        }

        [Fact]
        public async Task FormatReplay_WrongFormatFixedSources_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, TwoActionPowFix>
            {
                Sources = { Source },
                FixedSources = { FixedLogFirst },
                CodeActionIndex = 1,
                FormatFixedSources = { FixedLogFirst },
            }.RunAsync());
            Assert.Contains("dotnet format replay", message);
        }

        [Fact]
        public async Task SkipFormatReplayWithoutReason_Fails()
        {
            await FailsWith(new CodeFixTest<PowAnalyzer, TwoActionPowFix>
            {
                Sources = { Source },
                FixedSources = { FixedLogFirst },
                CodeActionIndex = 1,
                SkipFormatReplay = true,
            }.RunAsync());
        }

        [Fact]
        public async Task EquivalenceKeyNotOffered_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, CorrectPowFix>
            {
                Sources = { Source },
                FixedSources = { Fixed },
                CodeActionEquivalenceKey = "NoSuchKey",
            }.RunAsync());
            Assert.Contains("NoSuchKey", message);
        }

        [Fact]
        public async Task KeyAndIndexDisagree_Fails()
        {
            await FailsWith(new CodeFixTest<PowAnalyzer, TwoActionPowFix>
            {
                Sources = { Source },
                FixedSources = { FixedLogFirst },
                CodeActionEquivalenceKey = "LogFirst",
                CodeActionIndex = 0,
                FormatFixedSources = { Fixed },
            }.RunAsync());
        }

        [Fact]
        public async Task WrongIncrementalIterationCount_Fails()
        {
            var message = await FailsWith(new CodeFixTest<PowAnalyzer, CorrectPowFix>
            {
                Sources = { Source },
                FixedSources = { Fixed },
                NumberOfIncrementalIterations = 3,
            }.RunAsync());
            Assert.Contains("expected NumberOfIncrementalIterations = 3", message);
        }

        [Fact]
        public async Task RemainingDiagnosticOfAnotherId_MarkedInFixedSource_Passes()
        {
            await new CodeFixTest<TwoRuleAnalyzer, CorrectPowFix>
            {
                Sources = { "using System; class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|} + {|TST002:System.MathF.Pow(1f, 2f)|}; }" },
                FixedSources = { "using System; class C { double M(double x) => Math.Exp(2 * Math.Log(x)) + {|TST002:System.MathF.Pow(1f, 2f)|}; }" },
            }.RunAsync();
        }

        [Fact]
        public async Task RemainingDiagnosticOfAnotherId_ViaFixedExpectedDiagnostics_Passes()
        {
            await new CodeFixTest<TwoRuleAnalyzer, CorrectPowFix>
            {
                Sources = { "using System; class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|} + {|TST002:System.MathF.Pow(1f, 2f)|}; }" },
                FixedSources = { "using System; class C { double M(double x) => Math.Exp(2 * Math.Log(x)) + System.MathF.Pow(1f, 2f); }" },
                FixedExpectedDiagnostics = { Diagnostic("TST002").WithSpan(1, 75, 1, 99) },
            }.RunAsync();
        }

        [Fact]
        public async Task RemainingDiagnosticNotExpected_Fails()
        {
            var message = await FailsWith(new CodeFixTest<TwoRuleAnalyzer, CorrectPowFix>
            {
                Sources = { "using System; class C { double M(double x) => {|TST001:System.Math.Pow(x, 2)|} + {|TST002:System.MathF.Pow(1f, 2f)|}; }" },
                FixedSources = { "using System; class C { double M(double x) => Math.Exp(2 * Math.Log(x)) + System.MathF.Pow(1f, 2f); }" },
            }.RunAsync());
            Assert.Contains("remaining after the fix", message);
        }
    }
}
