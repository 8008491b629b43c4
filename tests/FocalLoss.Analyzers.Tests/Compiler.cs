using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FocalLoss.Analyzers.Tests
{
    /// <summary>Compiles snippets directly (for evaluator tests and for code that does not compile), runs analyzers, and applies fixes outside the verifier.</summary>
    internal static class Compiler
    {
        /// <summary>TorchVision (torchvision.ops), for sources that call torchvision's focal loss.</summary>
        public static MetadataReference TorchVisionReference { get; } = MetadataReference.CreateFromFile(typeof(global::TorchSharp.torchvision).Assembly.Location);

        /// <summary>The FocalLoss.TorchSharp assembly.</summary>
        public static MetadataReference RuntimeReference { get; } = MetadataReference.CreateFromFile(typeof(global::FocalLoss.TorchSharp.focal).Assembly.Location);

        public static CSharpCompilation Compile(string source, bool withTorchSharp = true, bool withRuntime = false) =>
            CSharpCompilation.Create(
                "Snippet",
                new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp12), path: "Snippet.cs") },
                References(withTorchSharp, withRuntime),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        /// <summary>A C# 12 library project against .NET 8, the TorchSharp facade and, <paramref name="withRuntime"/>, FocalLoss.TorchSharp.</summary>
        public static Project AddProject(AdhocWorkspace workspace, bool withRuntime = false, NullableContextOptions nullable = NullableContextOptions.Disable) =>
            workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(), VersionStamp.Default, "P", "P", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: nullable),
                parseOptions: new CSharpParseOptions(LanguageVersion.CSharp12),
                metadataReferences: References(withTorchSharp: true, withRuntime)));

        /// <summary>
        /// Applies the first action <paramref name="provider"/> offers (which must have <paramref name="equivalenceKey"/>) to
        /// each diagnostic <paramref name="id"/>, one at a time in text order, until none is left; asserts that at least one
        /// was fixed, that the result compiles and that the rule no longer reports. <paramref name="onApplied"/> gets each
        /// fixed diagnostic and the change of the text's length. Returns the fixed compilation and text.
        /// </summary>
        public static async Task<(Compilation Compilation, string Text)> ApplyFirstActionsAsync(
            string source, DiagnosticAnalyzer analyzer, CodeFixProvider provider, string id, string equivalenceKey, Action<Diagnostic, int>? onApplied = null)
        {
            using var workspace = new AdhocWorkspace();
            var document = workspace.AddDocument(AddProject(workspace).Id, "Test.cs", SourceText.From(source));
            var applied = 0;
            for (var iteration = 0; iteration < 10; iteration++)
            {
                var compilation = (await document.Project.GetCompilationAsync())!;
                var diagnostics = (await AnalyzeAsync(compilation, analyzer)).Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).ToList();
                if (diagnostics.Count == 0)
                {
                    break;
                }

                var actions = new List<CodeAction>();
                await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None));
                Assert.NotEmpty(actions);
                Assert.Equal(equivalenceKey, actions[0].EquivalenceKey);
                var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
                var before = (await document.GetTextAsync()).Length;
                document = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
                onApplied?.Invoke(diagnostics[0], (await document.GetTextAsync()).Length - before);
                applied++;
            }

            Assert.True(applied > 0, "No diagnostic " + id + " to fix.");
            var fixedCompilation = (await document.Project.GetCompilationAsync())!;
            Assert.DoesNotContain(fixedCompilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
            Assert.Empty((await AnalyzeAsync(fixedCompilation, analyzer)).Where(d => d.Id == id));
            return (fixedCompilation, (await document.GetTextAsync()).ToString());
        }

        private static List<MetadataReference> References(bool withTorchSharp, bool withRuntime)
        {
            var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net80.References.All);
            if (withTorchSharp)
            {
                references.Add(TorchSharpFacade.Reference);
            }

            if (withRuntime)
            {
                references.Add(RuntimeReference);
            }

            return references;
        }

        /// <summary>Compiles and fails on any compile error.</summary>
        public static CSharpCompilation CompileClean(string source, bool withTorchSharp = true, bool withRuntime = false)
        {
            var compilation = Compile(source, withTorchSharp, withRuntime);
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
