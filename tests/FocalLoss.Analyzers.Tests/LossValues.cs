using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FocalLoss.Analyzers.Tests
{
    /// <summary>
    /// The value of the loss a <see cref="Sources"/> method returns, by the evaluator, compared with the focal loss of the
    /// paper at sample points; and a helper that applies a code fix to every diagnostic of one id.
    /// </summary>
    internal static class LossValues
    {
        private static readonly double[] Logits = { -2.7, -0.9, 0.4, 1.6, 3.1 };
        private static readonly double[] Gammas = { 0.5, 2.0 };
        private static readonly double[] Alphas = { 0.25, 0.7 };

        /// <summary>alpha_t * (1 - p_t)^gamma * CE, per element (Lin et al. 2017).</summary>
        public static double Focal(double x, double t, double gamma, double alpha)
        {
            var p = 1 / (1 + Math.Exp(-x));
            var pt = (t * p) + ((1 - t) * (1 - p));
            var alphaT = (t * alpha) + ((1 - t) * (1 - alpha));
            var ce = -((t * Math.Log(p)) + ((1 - t) * Math.Log(1 - p)));
            return alphaT * Math.Pow(1 - pt, gamma) * ce;
        }

        /// <summary>The loss with the alpha balance inverted (what FL0002 reports).</summary>
        public static double InvertedAlpha(double x, double t, double gamma, double alpha) => Focal(x, t, gamma, 1 - alpha);

        /// <summary>
        /// Evaluates the value returned by <c>Losses.Loss(x, t, gamma, alpha)</c> (the single return statement of the method)
        /// at the sample points and returns (expected, actual) pairs.
        /// </summary>
        public static IEnumerable<(double Expected, double Actual)> Compare(Compilation compilation, Func<double, double, double, double, double> expected)
        {
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var method = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "Loss");
            var symbol = model.GetDeclaredSymbol(method)!;
            var returns = method.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax>().ToList();
            Assert.Single(returns);
            var returned = ((IReturnOperation)model.GetOperation(returns[0])!).ReturnedValue!;
            var builder = new ExpressionBuilder(KnownSymbols.Create(compilation));
            var loss = builder.Build(returned);
            Expr Parameter(string name) => Expr.SymbolOf(symbol.Parameters.Single(p => p.Name == name));
            foreach (var x in Logits)
            {
                foreach (var t in new[] { 0.0, 1.0 })
                {
                    foreach (var gamma in Gammas)
                    {
                        foreach (var alpha in Alphas)
                        {
                            var values = new Dictionary<Expr, double>
                            {
                                [Parameter("x")] = x,
                                [Parameter("t")] = t,
                                [Parameter("gamma")] = gamma,
                                [Parameter("alpha")] = alpha,
                            };
                            yield return (expected(x, t, gamma, alpha), NumericEvaluator.Evaluate(loss, values));
                        }
                    }
                }
            }
        }

        /// <summary>Asserts that the loss the method returns equals <paramref name="expected"/> at every sample point.</summary>
        public static void AssertLoss(Compilation compilation, Func<double, double, double, double, double> expected)
        {
            var pairs = Compare(compilation, expected).ToList();
            Assert.NotEmpty(pairs);
            foreach (var (e, a) in pairs)
            {
                Assert.False(double.IsNaN(a), "The evaluator could not evaluate the returned loss.");
                Assert.True(Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"expected {e}, evaluated {a}");
            }
        }

        /// <summary>True when the loss the method returns equals <paramref name="expected"/> at every sample point.</summary>
        public static bool Matches(Compilation compilation, Func<double, double, double, double, double> expected) =>
            Compare(compilation, expected).All(p => !double.IsNaN(p.Actual) && Math.Abs(p.Expected - p.Actual) <= 1e-9 * Math.Max(1, Math.Abs(p.Expected)));

        /// <summary>
        /// Applies the first action <paramref name="provider"/> offers to each diagnostic <paramref name="id"/>, one at a
        /// time, until none is left; asserts the action's key, that the result compiles, and returns it.
        /// </summary>
        public static async Task<Compilation> ApplyFixesAsync(string source, DiagnosticAnalyzer analyzer, CodeFixProvider provider, string id, string equivalenceKey)
        {
            using var workspace = new AdhocWorkspace();
            var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net80.References.All) { TorchSharpFacade.Reference };
            var project = workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(), VersionStamp.Default, "P", "P", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                parseOptions: new CSharpParseOptions(LanguageVersion.CSharp12),
                metadataReferences: references));
            var document = workspace.AddDocument(project.Id, "Test.cs", SourceText.From(source));
            var applied = 0;
            for (var iteration = 0; iteration < 10; iteration++)
            {
                var compilation = (await document.Project.GetCompilationAsync())!;
                var diagnostics = (await Compiler.AnalyzeAsync(compilation, analyzer)).Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).ToList();
                if (diagnostics.Count == 0)
                {
                    break;
                }

                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None);
                await provider.RegisterCodeFixesAsync(context);
                Assert.NotEmpty(actions);
                Assert.Equal(equivalenceKey, actions[0].EquivalenceKey);
                var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
                document = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
                applied++;
            }

            Assert.True(applied > 0, "No diagnostic " + id + " to fix.");
            var fixedCompilation = (await document.Project.GetCompilationAsync())!;
            Assert.DoesNotContain(fixedCompilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            Assert.Empty((await Compiler.AnalyzeAsync(fixedCompilation, analyzer)).Where(d => d.Id == id));
            return fixedCompilation;
        }
    }
}
