using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Tests
{
    /// <summary>Compiles snippets directly (for evaluator tests and for code that does not compile).</summary>
    internal static class Compiler
    {
        public static CSharpCompilation Compile(string source, bool withTorchSharp = true)
        {
            var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net80.References.All);
            if (withTorchSharp)
            {
                references.Add(TorchSharpFacade.Reference);
            }

            return CSharpCompilation.Create(
                "Snippet",
                new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp12), path: "Snippet.cs") },
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        }

        /// <summary>Compiles and fails on any compile error.</summary>
        public static CSharpCompilation CompileClean(string source, bool withTorchSharp = true)
        {
            var compilation = Compile(source, withTorchSharp);
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Xunit.Assert.True(errors.Count == 0, string.Join("\n", errors));
            return compilation;
        }

        /// <summary>The operation of the last syntax node (in text order) whose text is <paramref name="text"/>.</summary>
        public static IOperation OperationOf(Compilation compilation, string text)
        {
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes().Reverse())
            {
                if (node.ToString() == text)
                {
                    var operation = model.GetOperation(node);
                    if (operation != null)
                    {
                        return operation;
                    }
                }
            }

            throw new Xunit.Sdk.XunitException("No operation for '" + text + "'.");
        }

        /// <summary>Runs analyzers the way the IDE does and returns all analyzer diagnostics, including AD0001.</summary>
        public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, params DiagnosticAnalyzer[] analyzers)
        {
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: null,
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false);
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create(analyzers), options);
            return await withAnalyzers.GetAllDiagnosticsAsync().ConfigureAwait(false);
        }
    }
}
