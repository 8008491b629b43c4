using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0005
{
    /// <summary>Shapes where moving the reduction is not provably safe: FL0005 reports, the fix is not offered.</summary>
    public sealed class NoFixTests
    {
        private static async Task VerifyReportedWithoutFixAsync(string source, DiagnosticResult expected, LanguageVersion languageVersion = LanguageVersion.CSharp12)
        {
            // The diagnostic, exactly, and the fixed source equal to the original (the verifier fails if a fix is offered and changes it).
            var test = new FocalCodeFixTest<ReducedBeforeWeightingAnalyzer, ReducedBeforeWeightingCodeFixProvider>
            {
                TestState = { Sources = { source } },
                FixedState = { Sources = { source } },
                LanguageVersion = languageVersion,
                NullableContextOptions = languageVersion < LanguageVersion.CSharp8 ? NullableContextOptions.Disable : NullableContextOptions.Enable,
            };
            test.ExpectedDiagnostics.Add(expected);
            test.FixedState.ExpectedDiagnostics.Add(expected);
            await test.RunAsync();

            // And directly: no action is registered.
            Assert.Empty(await ActionsForAsync(new MarkupFreeSource(source).Text, languageVersion));
        }

        private static async Task<List<CodeAction>> ActionsForAsync(string source, LanguageVersion languageVersion)
        {
            using var workspace = new AdhocWorkspace();
            var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net80.References.All) { TestReferences.TorchSharp };
            var project = workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(), VersionStamp.Default, "P", "P", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                parseOptions: new CSharpParseOptions(languageVersion),
                metadataReferences: references));
            var document = workspace.AddDocument(project.Id, "Test.cs", SourceText.From(source));
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostics = (await Compiler.AnalyzeAsync(compilation, new ReducedBeforeWeightingAnalyzer())).Where(d => d.Id == DiagnosticIds.ReducedBeforeWeighting).ToList();
            Assert.Single(diagnostics);
            var actions = new List<CodeAction>();
            await new ReducedBeforeWeightingCodeFixProvider().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None));
            return actions;
        }

        /// <summary>Markup <c>{|#0:...|}</c> removed.</summary>
        private readonly struct MarkupFreeSource
        {
            public MarkupFreeSource(string markup)
            {
                Text = System.Text.RegularExpressions.Regex.Replace(markup, @"\{\|#\d+:", string.Empty).Replace("|}", string.Empty);
            }

            public string Text { get; }
        }

        [Fact]
        public Task ReducedValueUsedElsewhereToo_ReportsWithoutFix() => VerifyReportedWithoutFixAsync(
            Sources.Torch(@"
var ce = {|#0:torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean)|};
var p = torch.sigmoid(x);
var p_t = p * t + (1 - p) * (1 - t);
var loss = ce * (1 - p_t).pow(gamma);
return loss + ce;"),
            ReportAndFixTests.At(0, "torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean)", "mean"));

        [Fact]
        public Task WeightedProductFeedsSeveralUses_ReportsWithoutFix() => VerifyReportedWithoutFixAsync(
            Sources.Torch(@"
var ce = {|#0:torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Sum)|};
var p = torch.sigmoid(x);
var loss = ce * (1 - (p * t + (1 - p) * (1 - t))).pow(gamma);
var logged = loss.detach();
return loss + logged * 0;"),
            ReportAndFixTests.At(0, "torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Sum)", "sum"));

        /// <summary>TorchSharp's shape with a constant Mean: the weighting continues in a branch, so the end of the flow is not known.</summary>
        [Fact]
        public Task ConstantReductionWithWeightingInABranch_ReportsWithoutFix() => VerifyReportedWithoutFixAsync(
            Sources.Torch(@"
var ce = {|#0:torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean)|};
var p = torch.sigmoid(x);
var loss = ce * (1 - (p * t + (1 - p) * (1 - t))).pow(gamma);
if (alpha >= 0)
{
    loss = (t * alpha + (1 - t) * (1 - alpha)) * loss;
}

return loss;"),
            ReportAndFixTests.At(0, "torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.Mean)", "mean"));

        /// <summary>The weighted loss is reduced with another reduction than the early one: the intent is ambiguous.</summary>
        [Fact]
        public Task EarlySumThenFinalMean_ReportsWithoutFix() => VerifyReportedWithoutFixAsync(
            Sources.Torch(@"
var p = torch.sigmoid(x);
var ce = {|#0:torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None).sum()|};
return (ce * (1 - (p * t + (1 - p) * (1 - t))).pow(gamma)).mean();"),
            ReportAndFixTests.At(0, "torch.nn.functional.binary_cross_entropy(p, t, reduction: nn.Reduction.None).sum()", "sum"));

        /// <summary>Before C# 8 there is no switch expression to honour the reduction parameter with.</summary>
        [Fact]
        public Task ReductionParameterBeforeCSharp8_ReportsWithoutFix() => VerifyReportedWithoutFixAsync(
            @"using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Focal(Tensor x, Tensor t, double gamma, nn.Reduction reduction)
    {
        var ce = {|#0:nn.functional.binary_cross_entropy_with_logits(x, t, reduction: reduction)|};
        var p = torch.sigmoid(x);
        return ce * (1 - (p * t + (1 - p) * (1 - t))).pow(gamma);
    }
}
",
            ReportAndFixTests.At(0, "nn.functional.binary_cross_entropy_with_logits(x, t, reduction: reduction)", "mean or sum", " when 'reduction' is Mean or Sum"),
            LanguageVersion.CSharp7_3);
    }
}
