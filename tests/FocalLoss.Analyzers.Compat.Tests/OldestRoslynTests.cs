using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FocalLoss.Analyzers.Compat.Tests;

/// <summary>
/// The package claims to load in hosts as old as the Roslyn it is compiled against. This test
/// process binds that exact Roslyn version and runs every analyzer of the assembly on the
/// end-to-end sample (C# ports of the seed documents), expecting exactly the warnings that the
/// end-to-end test expects from the current SDK's compiler (tests/e2e/expected/warnings.txt).
/// </summary>
public class OldestRoslynTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public void ProcessRunsTheOldestSupportedRoslyn()
    {
        var claimed = typeof(OldestRoslynTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RoslynCompileVersion").Value!;
        var loaded = typeof(Compilation).Assembly.GetName().Version!;
        Assert.Equal(Version.Parse(claimed), new Version(loaded.Major, loaded.Minor, loaded.Build));

        var referenced = typeof(FocalLoss.Analyzers.DiagnosticIds).Assembly.GetReferencedAssemblies()
            .Single(a => a.Name == "Microsoft.CodeAnalysis");
        Assert.True(referenced.Version! <= loaded, $"the analyzer references Roslyn {referenced.Version}, newer than {loaded}");
    }

    [Fact]
    public async Task SampleProject_ReportsExactlyTheExpectedWarnings()
    {
        var analyzers = typeof(FocalLoss.Analyzers.DiagnosticIds).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t)
                        && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any())
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        Assert.NotEmpty(analyzers);

        var sampleDir = Path.Combine(RepoRoot, "tests", "e2e", "sample");
        var trees = Directory.GetFiles(sampleDir, "*.cs").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.CSharp11), path: f))
            .ToArray();
        var compilation = CSharpCompilation.Create("FocalLossSample", trees, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "the sample does not compile:\n" + string.Join("\n", errors));

        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (ex, analyzer, diag) => exceptions.Add($"{analyzer.GetType().Name}: {ex}"), concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
        Assert.True(exceptions.Count == 0, "analyzer exceptions (AD0001):\n" + string.Join("\n", exceptions));

        var actual = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                return $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {d.Id}";
            })
            .OrderBy(s => s, StringComparer.Ordinal).ToList();
        var expected = File.ReadAllLines(Path.Combine(RepoRoot, "tests", "e2e", "expected", "warnings.txt"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    private static IEnumerable<MetadataReference> References()
    {
        // Basic.Reference.Assemblies needs a newer Roslyn than the one under test, so the BCL comes
        // from the running runtime's trusted platform assemblies instead.
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        foreach (var path in tpa.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                                              || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll"))
        {
            yield return MetadataReference.CreateFromFile(path);
        }
        yield return MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FocalLoss.Analyzers.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (FocalLoss.Analyzers.sln) not found above " + AppContext.BaseDirectory);
    }
}
