using System;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Tests.Verification.Samples;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Verification
{
    /// <summary>
    /// The test layer's own checks (<see cref="ProductChecks"/>) on tiny sample analyzers and fixers: a well-behaved
    /// sample passes, and each deliberately broken one fails the check made for it, with that check's message.
    /// </summary>
    public sealed class TestLayerTests
    {
        private const string Legacy = "\npublic static class Legacy\n{\n    [System.Obsolete]\n    public const int Value = 41;\n}\n";

        private const string Source = "public static class C\n{\n    public static int F() => {|#0:42|};\n\n    public static int G() => {|#1:42|};\n}\n" + Legacy;

        private static string Fixed(string replacement) =>
            "public static class C\n{\n    public static int F() => " + replacement + ";\n\n    public static int G() => " + replacement + ";\n}\n" + Legacy;

        private static DiagnosticResult At(int marker) => new DiagnosticResult(FortyTwoAnalyzer.Rule).WithLocation(marker).WithArguments("42");

        private static FocalAnalyzerTest<TAnalyzer> AnalyzerTest<TAnalyzer>(string source)
            where TAnalyzer : FortyTwoAnalyzer, new()
        {
            var test = new FocalAnalyzerTest<TAnalyzer> { TestState = { Sources = { source } } };
            test.ExpectedDiagnostics.AddRange(new[] { At(0), At(1) });
            return test;
        }

        private static FocalCodeFixTest<FortyTwoAnalyzer, TFixer> FixTest<TFixer>(string fixedSource, string? key = null)
            where TFixer : FortyTwoFixer, new()
        {
            var test = new FocalCodeFixTest<FortyTwoAnalyzer, TFixer>
            {
                TestState = { Sources = { Source } },
                FixedState = { Sources = { fixedSource } },
                CodeActionEquivalenceKey = key,
            };
            test.ExpectedDiagnostics.AddRange(new[] { At(0), At(1) });
            return test;
        }

        private static async Task AssertFailsAsync(Func<Task> run, string expectedInMessage)
        {
            var exception = await Assert.ThrowsAnyAsync<Exception>(run);
            Assert.Contains(expectedInMessage, exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public Task WellBehavedAnalyzer_PassesTheAnalyzerChecks() => AnalyzerTest<FortyTwoAnalyzer>(Source).RunAsync();

        [Fact]
        public Task WellBehavedFixer_PassesEveryCheck() => FixTest<FortyTwoFixer>(Fixed("41")).RunAsync();

        [Fact]
        public Task AnalyzerReportingInGeneratedCode_FailsTheGeneratedCodePass() =>
            AssertFailsAsync(() => AnalyzerTest<ReportsInGeneratedCodeAnalyzer>(Source).RunAsync(), "Generated-code pass");

        [Fact]
        public Task DiagnosticThatPragmaCannotSuppress_FailsThePragmaPass() =>
            AssertFailsAsync(() => AnalyzerTest<UnsuppressibleAnalyzer>(Source).RunAsync(), "Pragma pass");

        [Fact]
        public Task PragmaRestoreInTheSource_DoesNotUndoThePragmaBeforeEachDiagnostic() =>
            AnalyzerTest<FortyTwoAnalyzer>("#pragma warning disable SMP001\n#pragma warning restore SMP001\n" + Source.Replace("    public static int G()", "#pragma warning restore SMP001\n    public static int G()", StringComparison.Ordinal)).RunAsync();

        [Fact]
        public Task StandardSuppressionCheck_IsUndoneByAPragmaRestoreInTheSource()
        {
            // Why the layer replaces the standard suppression check: the standard puts one pragma at the top of each file.
            var test = new CSharpAnalyzerTest<FortyTwoAnalyzer, DefaultVerifier>
            {
                TestState = { Sources = { "#pragma warning restore SMP001\n" + Source } },
                ReferenceAssemblies = TestReferences.None,
            };
            test.TestState.AdditionalReferences.AddRange(TestReferences.Net80);
            test.ExpectedDiagnostics.AddRange(new[] { At(0), At(1) });
            return AssertFailsAsync(() => test.RunAsync(), "#pragma warning disable");
        }

        [Fact]
        public Task FixerWithoutFixAllProvider_Fails() =>
            AssertFailsAsync(() => FixTest<NoFixAllFixer>(Fixed("41")).RunAsync(), "GetFixAllProvider() returned null");

        [Fact]
        public Task FixThatAddsACompilerWarning_FailsTheNoNewWarningCheck() =>
            AssertFailsAsync(() => FixTest<ObsoleteMemberFixer>(Fixed("Legacy.Value")).RunAsync(), "the fix introduced compiler warnings");

        [Fact]
        public Task SecondActionSelected_DotnetFormatReplayAppliesTheFirst()
        {
            var test = FixTest<TwoActionsFixer>(Fixed("43"), key: "Use43");
            test.FormatFixedSources.Add(Fixed("41"));
            return test.RunAsync();
        }

        [Fact]
        public Task SecondActionSelectedWithoutFormatFixedSources_Fails() =>
            AssertFailsAsync(() => FixTest<TwoActionsFixer>(Fixed("43"), key: "Use43").RunAsync(), "not the first registered one");

        [Fact]
        public Task FormatFixedSourcesOfTheSecondAction_FailsTheDotnetFormatReplay()
        {
            var test = FixTest<TwoActionsFixer>(Fixed("43"), key: "Use43");
            test.FormatFixedSources.Add(Fixed("43"));
            return AssertFailsAsync(() => test.RunAsync(), "dotnet format replay: the result differs");
        }

        [Fact]
        public Task FirstRegisteredActionWithoutEquivalenceKey_FailsTheDotnetFormatReplay()
        {
            var test = FixTest<FirstActionWithoutKeyFixer>(Fixed("43"), key: "Use43");
            test.FormatFixedSources.Add(Fixed("41"));
            return AssertFailsAsync(() => test.RunAsync(), "has no equivalence key");
        }

        [Fact]
        public Task UnparenthesisedFix_FailsTheStandardReparseCheck()
        {
            // Covered by the standard library (CodeFixValidationMode): the printed fix must parse back to the tree the fix built.
            var test = new FocalCodeFixTest<FortyTwoAnalyzer, UnparenthesisedFixer>
            {
                TestState = { Sources = { "public static class C\n{\n    public static int F() => 2 * {|#0:42|};\n}\n" } },
                FixedState = { Sources = { "public static class C\n{\n    public static int F() => 2 * 40 + 2;\n}\n" } },
            };
            test.ExpectedDiagnostics.Add(At(0));
            return AssertFailsAsync(() => test.RunAsync(), "Node(MultiplyExpression)");
        }
    }
}
