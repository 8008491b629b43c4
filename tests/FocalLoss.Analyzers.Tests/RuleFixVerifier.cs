using System.Threading.Tasks;
using FocalLoss.Analyzers.Testing;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FocalLoss.Analyzers.Tests
{
    /// <summary>The two code-fix checks every rule's tests make, in one place.</summary>
    internal static class RuleFixVerifier<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        /// <summary>The diagnostics are reported and the action with <paramref name="equivalenceKey"/> gives <paramref name="fixedSource"/>.</summary>
        public static Task FixAsync(string source, string fixedSource, string equivalenceKey, DiagnosticResult[] expected)
        {
            var test = new CodeFixTest<TAnalyzer, TCodeFix>
            {
                Sources = { source },
                FixedSources = { fixedSource },
                AdditionalReferences = { Compiler.TorchVisionReference },
                CodeActionEquivalenceKey = equivalenceKey,
            };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        /// <summary>The diagnostics are reported and no code action is offered: the source stays as it is.</summary>
        public static Task NoFixAsync(string source, DiagnosticResult[] expected)
        {
            var test = new CodeFixTest<TAnalyzer, TCodeFix>
            {
                Sources = { source },
                FixedSources = { source },
                AdditionalReferences = { Compiler.TorchVisionReference },
                NumberOfIncrementalIterations = 0,
            };
            test.ExpectedDiagnostics.AddRange(expected);
            test.FixedExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }
    }
}
