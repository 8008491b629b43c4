using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0004
{
    /// <summary>Applies a rule's first fix to every diagnostic and gives access to values before and after (FL0003 and FL0004 value tests).</summary>
    internal static class FixRunner
    {
        /// <summary>Applies the first action (which must have <paramref name="equivalenceKey"/>) to each diagnostic of <paramref name="id"/>, one by one; returns the fixed text.</summary>
        public static async Task<string> ApplyAllAsync(string source, DiagnosticAnalyzer analyzer, CodeFixProvider provider, string id, string equivalenceKey)
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
                await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None));
                Assert.NotEmpty(actions);
                Assert.Equal(equivalenceKey, actions[0].EquivalenceKey);
                var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
                document = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
                applied++;
            }

            Assert.True(applied > 0, "No fix was applied.");
            var fixedCompilation = (await document.Project.GetCompilationAsync())!;
            Assert.DoesNotContain(fixedCompilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            Assert.Empty((await Compiler.AnalyzeAsync(fixedCompilation, analyzer)).Where(d => d.Id == id));
            return (await document.GetTextAsync()).ToString();
        }

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
