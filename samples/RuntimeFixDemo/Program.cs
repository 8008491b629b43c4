using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// usage: RuntimeFixDemo <input.cs> <output.cs>   (the other .cs files beside input.cs are compiled with it)
// Exit code 0 when the runtime action was offered, applied, and the result compiles without
// errors and without FocalLoss warnings.
const string RuntimeActionKey = "FocalLoss.UseRuntimeSigmoidFocalLoss";
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: RuntimeFixDemo <input.cs> <output.cs>");
    return 2;
}

var analyzerAssembly = typeof(FocalLoss.Analyzers.DiagnosticIds).Assembly;
var fixAssembly = Assembly.Load("FocalLoss.Analyzers.CodeFixes");
var analyzers = analyzerAssembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any())
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();
var providers = fixAssembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttributes<ExportCodeFixProviderAttribute>().Any())
    .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!).ToImmutableArray();

// The BCL of this runtime, the real TorchSharp assembly (metadata only) and FocalLoss.TorchSharp.
var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
var references = tpa.Where(p => Path.GetFileName(p) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n is "netstandard.dll" or "mscorlib.dll"))
    .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
    .Append(MetadataReference.CreateFromFile(Assembly.GetEntryAssembly()!.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TorchSharpReference").Value!))
    .Append(MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "FocalLoss.TorchSharp.dll")))
    .ToList();

using var workspace = new AdhocWorkspace();
var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Demo", "Demo", LanguageNames.CSharp,
    compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
    parseOptions: new CSharpParseOptions(LanguageVersion.Latest), metadataReferences: references));
// The file's whole project: every .cs file beside it (the loss may call helpers defined there).
Document document = null!;
foreach (var path in Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(args[0]))!, "*.cs").OrderBy(p => p, StringComparer.Ordinal))
{
    var added = workspace.AddDocument(project.Id, Path.GetFileName(path), Microsoft.CodeAnalysis.Text.SourceText.From(File.ReadAllText(path)));
    if (Path.GetFullPath(path) == Path.GetFullPath(args[0]))
    {
        document = added;
    }
    project = added.Project;
}
document = project.GetDocument(document.Id)!;

var compilation = (await document.Project.GetCompilationAsync())!;
var tree = (await document.GetSyntaxTreeAsync())!;
var diagnostics = (await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync()).Where(d => d.Location.SourceTree == tree);
CodeAction? chosen = null;
foreach (var diagnostic in diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).OrderBy(d => d.Location.SourceSpan.Start))
{
    foreach (var provider in providers.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
    {
        var offered = ImmutableArray.CreateBuilder<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => offered.Add(a), CancellationToken.None));
        Console.WriteLine($"  {diagnostic.Id} at line {diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1}: offered {string.Join(" | ", offered.Select((a, i) => $"{i + 1}. {a.Title}"))}");
        chosen ??= offered.FirstOrDefault(a => a.EquivalenceKey == RuntimeActionKey);
    }
}
if (chosen is null)
{
    Console.Error.WriteLine("  the runtime action was not offered for any diagnostic in " + args[0]);
    return 1;
}

Console.WriteLine($"  applying: {chosen.Title}");
var operations = await chosen.GetOperationsAsync(CancellationToken.None);
var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
var changed = solution.GetDocument(document.Id)!;
File.WriteAllText(args[1], (await changed.GetTextAsync()).ToString());

var after = (await changed.Project.GetCompilationAsync())!;
var errors = after.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
var changedTree = (await changed.GetSyntaxTreeAsync())!;
var remaining = (await after.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync()).Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree == changedTree).ToList();
foreach (var d in errors.Concat(remaining))
{
    Console.Error.WriteLine("  " + d);
}
Console.WriteLine(errors.Count == 0 && remaining.Count == 0
    ? "  the rewritten file compiles against TorchSharp + FocalLoss.TorchSharp with no FocalLoss warnings"
    : "  the rewritten file has errors or warnings (above)");
return errors.Count == 0 && remaining.Count == 0 ? 0 : 1;
