using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace FocalLoss.Analyzers.Tests
{
    /// <summary>
    /// The value of the loss a <see cref="Sources"/> method returns, by the evaluator, compared with the focal loss of the
    /// paper at sample points; the returned expression by name-keyed values; a compiled scalar loss to run.
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

        /// <summary>The expression of the last return statement of <c>Loss</c>, built by the evaluator.</summary>
        public static Expr ReturnValue(string source)
        {
            var compilation = Compiler.CompileClean(source);
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var statement = tree.GetRoot().DescendantNodes().OfType<ReturnStatementSyntax>().Last();
            var operation = model.GetOperation(statement.Expression!)!;
            return new ExpressionBuilder(KnownSymbols.Create(compilation)).Build(operation);
        }

        /// <summary>Evaluates <paramref name="expr"/> with values for its free symbols, by name.</summary>
        public static double Evaluate(Expr expr, IReadOnlyDictionary<string, double> values)
        {
            var variables = new Dictionary<Expr, double>();
            foreach (var variable in expr.FreeVariables())
            {
                Assert.True(variable.Kind == ExprKind.Symbol, "Unexpected opaque value " + variable);
                variables[variable] = values[variable.Symbol!.Name];
            }

            return NumericEvaluator.Evaluate(expr, variables);
        }

        /// <summary>Compiles a scalar <c>Losses.Loss(double x, double t, double gamma, double alpha)</c> and returns it as a delegate.</summary>
        public static System.Func<double, double, double, double, double> CompileScalarLoss(string source)
        {
            var compilation = Compiler.CompileClean(source, withTorchSharp: false);
            using var stream = new MemoryStream();
            var result = compilation.Emit(stream);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            var assembly = Assembly.Load(stream.ToArray());
            var method = assembly.GetType("Losses")!.GetMethod("Loss")!;
            return (x, t, gamma, alpha) => (double)method.Invoke(null, new object[] { x, t, gamma, alpha })!;
        }
    }
}
