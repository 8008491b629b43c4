using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Runtime
{
    /// <summary>Compiling against FocalLoss.TorchSharp, listing offered actions, and comparing what losses compute.</summary>
    internal static class RuntimeTestSupport
    {
        /// <summary>The FocalLoss.TorchSharp assembly (compiled against TorchSharp).</summary>
        public static MetadataReference RuntimeReference => Compiler.RuntimeReference;

        /// <summary>Removes the <c>{|#n:</c> ... <c>|}</c> markup.</summary>
        public static string StripMarkup(string source) => Regex.Replace(source, @"\{\|#\d+:|\|\}", string.Empty);

        /// <summary>The expression the last <c>return</c> of <paramref name="method"/> computes (compile errors fail the test).</summary>
        public static Expr ReturnedExpr(string source, string method, bool withRuntime = true)
        {
            var compilation = Compiler.CompileClean(StripMarkup(source), withRuntime: withRuntime);
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var declaration = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == method);
            var ret = declaration.DescendantNodes().OfType<ReturnStatementSyntax>().Last();
            var operation = (IReturnOperation)model.GetOperation(ret)!;
            return new ExpressionBuilder(KnownSymbols.Create(compilation)).Build(operation.ReturnedValue);
        }

        /// <summary>
        /// True when the two losses compute the same: the same reductions (mean, sum, sum / n) around element-wise
        /// values that agree numerically at sample points; free variables are matched by name across compilations.
        /// </summary>
        public static bool SameLoss(Expr expected, Expr actual)
        {
            if (expected.Kind == ExprKind.Reduce || actual.Kind == ExprKind.Reduce)
            {
                return expected.Kind == actual.Kind && expected.Tag == actual.Tag && SameLoss(expected.Operands[0], actual.Operands[0]);
            }

            if (expected.Kind == ExprKind.Divide && expected.Operands[0].Kind == ExprKind.Reduce)
            {
                return actual.Kind == ExprKind.Divide && SameLoss(expected.Operands[0], actual.Operands[0]) && SameValues(expected.Operands[1], actual.Operands[1]);
            }

            return SameValues(expected, actual);
        }

        private static bool SameValues(Expr expected, Expr actual)
        {
            for (var set = 0; set < 6; set++)
            {
                var e = NumericEvaluator.Evaluate(expected, Values(expected, set));
                var a = NumericEvaluator.Evaluate(actual, Values(actual, set));
                if (double.IsNaN(e) || double.IsNaN(a) || Math.Abs(e - a) > 1e-9 * Math.Max(1, Math.Abs(e)))
                {
                    return false;
                }
            }

            return true;
        }

        private static readonly string[] LogitNames = { "input", "pred", "inputs", "x" };
        private static readonly string[] TargetNames = { "target", "true", "targets", "t" };
        private static readonly double[] Logits = { -2.7, -0.8, 0.4, 1.3, 2.2, -1.6 };
        private static readonly double[] Targets = { 1, 0, 1, 0, 0.3, 1 };

        private static Dictionary<Expr, double> Values(Expr expr, int set)
        {
            var values = new Dictionary<Expr, double>();
            foreach (var variable in expr.FreeVariables())
            {
                var name = variable.Symbol?.Name ?? variable.Origin?.Syntax.ToString() ?? "?";
                if (LogitNames.Contains(name))
                {
                    values[variable] = Logits[set];
                }
                else if (TargetNames.Contains(name))
                {
                    values[variable] = Targets[set];
                }
                else
                {
                    var hash = name.Aggregate(17, (h, c) => unchecked((h * 31) + c));
                    values[variable] = 0.15 + (0.7 * (((hash & 0x7fff) + (set * 37)) % 97) / 97.0);
                }
            }

            return values;
        }

        /// <summary>The code actions the FL0001 provider offers for each FL0001 diagnostic of <paramref name="source"/>, in order.</summary>
        public static Task<List<List<CodeAction>>> ActionsAsync(string source, bool withRuntime = true) =>
            ActionsAsync(source, new InvertedModulatingFactorAnalyzer(), new InvertedModulatingFactorCodeFixProvider(), withRuntime);

        /// <summary>The code actions <paramref name="provider"/> offers for each diagnostic it fixes in <paramref name="source"/>, in order.</summary>
        public static async Task<List<List<CodeAction>>> ActionsAsync(string source, DiagnosticAnalyzer analyzer, CodeFixProvider provider, bool withRuntime = true)
        {
            using var workspace = new AdhocWorkspace();
            var project = Compiler.AddProject(workspace, withRuntime, NullableContextOptions.Enable);
            var document = workspace.AddDocument(project.Id, "Snippet.cs", SourceText.From(StripMarkup(source)));
            var compilation = (await document.Project.GetCompilationAsync().ConfigureAwait(false))!;
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            var diagnostics = await Compiler.AnalyzeAsync(compilation, analyzer).ConfigureAwait(false);
            var result = new List<List<CodeAction>>();
            foreach (var diagnostic in diagnostics.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start))
            {
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
                await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
                result.Add(actions);
            }

            return result;
        }

        /// <summary>Whether the runtime action is among <paramref name="actions"/>.</summary>
        public static bool OffersRuntime(IEnumerable<CodeAction> actions) => actions.Any(a => a.EquivalenceKey == RuntimeReplacement.EquivalenceKey);
    }
}
