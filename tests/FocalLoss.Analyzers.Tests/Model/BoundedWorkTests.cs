using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Model
{
    /// <summary>
    /// The analyzers' cost is bounded: shared (interned) expressions, a work budget per method that stops the analysis
    /// silently, long methods still judged where the loss is, and no work at all where no focal loss can be.
    /// </summary>
    public sealed class BoundedWorkTests
    {
        private static DiagnosticAnalyzer[] AllAnalyzers() => new DiagnosticAnalyzer[]
        {
            new InvertedModulatingFactorAnalyzer(),
            new InvertedAlphaBalanceAnalyzer(),
            new ProbabilitiesToLogitsLossAnalyzer(),
            new UnstableLogSigmoidAnalyzer(),
            new ReducedBeforeWeightingAnalyzer(),
            new PtNotationAnalyzer(),
        };

        /// <summary>A TorchSharp method of <paramref name="statements"/> dependent statements that use each value twice.</summary>
        private static string ReuseChain(int statements, string tail = "")
        {
            var s = new StringBuilder("using System;\nusing TorchSharp;\nusing static TorchSharp.torch;\npublic static class C\n{\n    public static Tensor M(Tensor x, Tensor t, double gamma)\n    {\n        var v0 = torch.sigmoid(x);\n");
            for (var k = 1; k <= statements; k++)
            {
                var p = "v" + (k - 1);
                var value = (k % 3) switch
                {
                    1 => "t * " + p + " + (1 - t) * (1 - " + p + ")",
                    2 => "(1 - " + p + ").pow(gamma)",
                    _ => "torch.sigmoid(" + p + ")",
                };
                s.Append("        var v").Append(k).Append(" = ").Append(value).Append(";\n");
            }

            s.Append(tail);
            s.Append("        return v").Append(statements).Append(".mean();\n    }\n}\n");
            return s.ToString();
        }

        [Fact]
        public void InterningContext_StructurallyEqualExpressionsAreOneObject()
        {
            var compilation = Compiler.CompileClean(Sources.Torch("var a = (1 - torch.sigmoid(x)) * t;\nvar b = (1 - torch.sigmoid(x)) * t;\nreturn a + b;"));
            using (new ExprContext().Enter())
            {
                var builder = new ExpressionBuilder(KnownSymbols.Create(compilation));
                var a = builder.Build(Compiler.OperationOf(compilation, "a + b").ChildOperations.First());
                var b = builder.Build(Compiler.OperationOf(compilation, "a + b").ChildOperations.Last());
                Assert.Same(a, b);
            }
        }

        [Fact]
        public void Budget_StopsAPathologicalMethodWithAnExceptionTheAnalyzerCatches_WorkStaysWithinTheBudget()
        {
            var compilation = Compiler.CompileClean(ReuseChain(300));
            var known = KnownSymbols.Create(compilation);
            var sites = Compiler.OperationOf(compilation, "torch.sigmoid(x)").Parent!.Parent!.Parent!.Parent!.Parent!
                .DescendantsAndSelf().Select(o => FocalSite.TryCreate(o, known)).Where(s => s != null).ToList();
            Assert.True(sites.Count >= 100);
            var context = new ExprContext(budget: 2_000);
            using (context.Enter())
            {
                var builder = new ExpressionBuilder(known);
                Assert.Throws<AnalysisBudgetExceededException>(() =>
                {
                    foreach (var site in sites)
                    {
                        InvertedModulatingFactorAnalysis.Analyze(site!, builder);
                    }
                });
            }

            Assert.InRange(context.Work, 2_001, 2_001);
        }

        [Fact]
        public void ChainReusingEachValueTwice_WorkGrowsLinearly()
        {
            // The same analysis over 300 and 1,200 statements: the work per statement stays within 2x.
            var small = WorkOfModulatingFactorAnalysis(ReuseChain(300));
            var large = WorkOfModulatingFactorAnalysis(ReuseChain(1_200));
            Assert.True(large < 2 * 4 * small, "work 300: " + small + ", work 1200: " + large);
        }

        private static long WorkOfModulatingFactorAnalysis(string source)
        {
            var compilation = Compiler.CompileClean(source);
            var known = KnownSymbols.Create(compilation);
            var body = Compiler.OperationOf(compilation, "torch.sigmoid(x)");
            while (body.Parent != null)
            {
                body = body.Parent;
            }

            var context = new ExprContext();
            using (context.Enter())
            {
                var builder = new ExpressionBuilder(known);
                foreach (var operation in body.DescendantsAndSelf())
                {
                    var site = FocalSite.TryCreate(operation, known);
                    if (site != null)
                    {
                        Assert.Equal(ModulatingVerdict.None, InvertedModulatingFactorAnalysis.Analyze(site, builder));
                    }
                }
            }

            return context.Work;
        }

        [Fact]
        public void LongChainOfLocals_ValueStaysShallow()
        {
            // However long the chain, the value the builder gives is at most 192 nodes tall (deeper parts are opaque),
            // so no recursive traversal of it can run out of stack.
            var compilation = Compiler.CompileClean(ReuseChain(3_000));
            var known = KnownSymbols.Create(compilation);
            using (new ExprContext().Enter())
            {
                var builder = new ExpressionBuilder(known);
                var body = Compiler.OperationOf(compilation, "torch.sigmoid(x)");
                while (body.Parent != null)
                {
                    body = body.Parent;
                }

                // In text order, as the rules visit them: each value then finds the previous one already built.
                var tallest = 0;
                foreach (var declarator in body.DescendantsAndSelf().OfType<IVariableDeclaratorOperation>())
                {
                    tallest = Math.Max(tallest, builder.Build(declarator.Initializer!.Value).Height);
                }

                Assert.InRange(tallest, 1, 193);
            }
        }

        [Fact]
        public async Task PathologicalMethod_AllRules_NoDiagnosticNoException()
        {
            var diagnostics = await Compiler.AnalyzeAsync(Compiler.CompileClean(ReuseChain(2_000)), AllAnalyzers());
            Assert.Empty(diagnostics.Where(IsAnalyzerDiagnostic).Select(d => d.ToString()));
        }

        [Fact]
        public async Task LongMethodWithShortInvertedLossAtItsTop_IsReported()
        {
            var s = new StringBuilder(@"using System;
using TorchSharp;
using static TorchSharp.torch;
public static class C
{
    public static Tensor M(Tensor x, Tensor t, double gamma)
    {
        var p = torch.sigmoid(x);
        var pt = t * p + (1 - t) * (1 - p);
        var ce = nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);
        var loss = pt.pow(gamma) * ce;
        var v0 = x;
");
            for (var k = 1; k <= 7_500; k++)
            {
                s.Append("        var v").Append(k).Append(" = v").Append(k - 1).Append(" * 0.5 + ").Append(k % 7 + 1).Append(";\n");
            }

            s.Append("        return loss.mean() + v7500.sum();\n    }\n}\n");
            var diagnostics = await Compiler.AnalyzeAsync(Compiler.CompileClean(s.ToString()), new InvertedModulatingFactorAnalyzer());
            var diagnostic = Assert.Single(diagnostics.Where(IsAnalyzerDiagnostic));
            Assert.Equal("FL0001", diagnostic.Id);
            Assert.Equal("pt.pow(gamma)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        }

        private const string HalfTypedMmdet = @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class MMDetLosses
{
    public static Tensor py_sigmoid_focal_loss(Tensor pred, Tensor target, Tensor weight, double gamma = 2.0, double alpha = 0.25, double avg_factor = 1.0)
    {
        var pred_sigmoid = pred.sigmoid();
        target = target.type_as(pred);
        var pt = (1 - pred_sigmoid) * target + pred_sigmoid * (1 - target);
        var focal_weight = (alpha * (1 - target) + (1 - alpha) * target) * pt.pow(gamma);
        var loss = nn.functional.binary_cross_entropy_with_logits(pred, target, reduction: nn.Reduction.None) * focal_weight;
        loss = loss * weight.pow(;
        return loss.sum() / avg_factor;
    }
}
";

        [Fact]
        public async Task HalfTypedWeightPow_Fl0002IsReportedButNoCodeActionIsOffered()
        {
            using var workspace = new AdhocWorkspace();
            var document = workspace.AddDocument(Compiler.AddProject(workspace).Id, "Test.cs", SourceText.From(HalfTypedMmdet));
            var compilation = (await document.Project.GetCompilationAsync())!;
            Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            var diagnostics = (await Compiler.AnalyzeAsync(compilation, new InvertedAlphaBalanceAnalyzer())).Where(d => d.Id == "FL0002").ToList();
            Assert.NotEmpty(diagnostics);
            var actions = new List<CodeAction>();
            foreach (var diagnostic in diagnostics)
            {
                await new InvertedAlphaBalanceCodeFixProvider().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
            }

            Assert.Empty(actions);
        }

        [Fact]
        public async Task CompleteWeightPow_StillOffersTheActions()
        {
            // The same loss once typed out: the in-place fix and the runtime action are back.
            using var workspace = new AdhocWorkspace();
            var document = workspace.AddDocument(Compiler.AddProject(workspace).Id, "Test.cs", SourceText.From(HalfTypedMmdet.Replace("weight.pow(;", "weight.pow(2);")));
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostic = (await Compiler.AnalyzeAsync(compilation, new InvertedAlphaBalanceAnalyzer())).Single(d => d.Id == "FL0002");
            var actions = new List<CodeAction>();
            await new InvertedAlphaBalanceCodeFixProvider().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
            Assert.NotEmpty(actions);
        }

        [Fact]
        public async Task SeverityNone_TheRuleDoesNoWork()
        {
            var compilation = Compiler.CompileClean(Sources.Torch("var p = torch.sigmoid(x);\nvar pt = t * p + (1 - t) * (1 - p);\nreturn pt.pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);"));
            compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
                ImmutableDictionary<string, ReportDiagnostic>.Empty.Add("FL0001", ReportDiagnostic.Suppress)));
            var off = new InvertedModulatingFactorAnalyzer();
            var on = new PtNotationAnalyzer();
            var telemetry = await TelemetryAsync(compilation, off, on);
            Assert.Equal(0, telemetry[off].OperationBlockStartActionsCount);
            Assert.Equal(0, telemetry[off].OperationActionsCount);
            Assert.True(telemetry[on].OperationBlockStartActionsCount > 0);
        }

        [Fact]
        public async Task NoTorchSharpNoCandidates_NothingRegisteredBeyondCompilationStart()
        {
            // "Export", "Expected", "ExpandAll" and Math.Pow are no sigmoid; nothing names Exp.
            var compilation = Compiler.CompileClean(@"
using System;
public static class Exporter
{
    public static double Expected(double m, double v) => 0.5 * m * Math.Pow(v, 2);
    public static string ExpandAll(string s) => s + ""Export"";
}", withTorchSharp: false);
            var analyzers = AllAnalyzers();
            var telemetry = await TelemetryAsync(compilation, analyzers);
            foreach (var analyzer in analyzers)
            {
                Assert.Equal(0, telemetry[analyzer].OperationBlockStartActionsCount);
                Assert.Equal(0, telemetry[analyzer].OperationActionsCount);
                Assert.Equal(0, telemetry[analyzer].SyntaxNodeActionsCount);
                Assert.Equal(0, telemetry[analyzer].SyntaxTreeActionsCount);
            }
        }

        [Fact]
        public async Task NoTorchSharpWithMathExp_RegistersBlockAnalysis()
        {
            var compilation = Compiler.CompileClean(@"
using System;
public static class Losses
{
    public static double P(double x) => 1 / (1 + Math.Exp(-x));
}", withTorchSharp: false);
            var analyzer = new InvertedModulatingFactorAnalyzer();
            var telemetry = await TelemetryAsync(compilation, analyzer);
            Assert.Equal(1, telemetry[analyzer].OperationBlockStartActionsCount);
        }

        [Theory]
        [InlineData("Math.Exp(x)", true)]
        [InlineData("MathF.Exp(x)", true)]
        [InlineData("Exp(x)", true)]
        [InlineData("Export(x)", false)]
        [InlineData("IsExp(x)", false)]
        [InlineData("Exp_(x)", false)]
        [InlineData("Exp2(x)", false)]
        public void ScalarPreCheck_FindsTheWholeWordAcrossChunkBoundaries(string call, bool expected)
        {
            // Every offset around the 8,192-character chunk boundary.
            for (var padding = 8_180; padding < 8_200; padding++)
            {
                var text = SourceText.From(new string(' ', padding) + call + new string(' ', 5));
                Assert.Equal(expected, ScalarCandidates.HasWord(text, new char[8_192 + 4]));
                var atEnd = SourceText.From(new string(' ', padding) + call.Substring(0, call.IndexOf('(')));
                Assert.Equal(expected, ScalarCandidates.HasWord(atEnd, new char[8_192 + 4]));
            }
        }

        private static bool IsAnalyzerDiagnostic(Diagnostic d) => d.Id.StartsWith("FL", StringComparison.Ordinal) || d.Id.StartsWith("AD", StringComparison.Ordinal);

        private static async Task<Dictionary<DiagnosticAnalyzer, AnalyzerTelemetryInfo>> TelemetryAsync(Compilation compilation, params DiagnosticAnalyzer[] analyzers)
        {
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create(analyzers), options);
            Assert.DoesNotContain(await withAnalyzers.GetAnalyzerDiagnosticsAsync(), d => d.Id == "AD0001");
            var result = new Dictionary<DiagnosticAnalyzer, AnalyzerTelemetryInfo>();
            foreach (var analyzer in analyzers)
            {
                result[analyzer] = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            }

            return result;
        }
    }
}
