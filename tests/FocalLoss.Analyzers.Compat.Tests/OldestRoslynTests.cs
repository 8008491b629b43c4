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
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FocalLoss.Analyzers.Compat.Tests;

/// <summary>
/// The package claims to load in hosts as old as the Roslyn it is compiled against. This test
/// process binds that exact Roslyn version and runs every analyzer of the assembly on the
/// end-to-end sample (C# ports of the seed documents), expecting exactly the diagnostics that the
/// end-to-end test expects from the current SDK's compiler (tests/e2e/expected/warnings.txt and,
/// at Info severity, info.txt).
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
        var test = new AllAnalyzersTest();
        Assert.NotEmpty(AllAnalyzersTest.Analyzers);
        var sampleDir = Path.Combine(RepoRoot, "tests", "e2e", "sample");
        foreach (var file in Directory.GetFiles(sampleDir, "*.cs").OrderBy(f => f, StringComparer.Ordinal))
        {
            test.TestState.Sources.Add((Path.GetFileName(file), File.ReadAllText(file)));
        }

        var warnings = ExpectedRows("warnings.txt", DiagnosticSeverity.Warning);
        Assert.NotEmpty(warnings);
        test.ExpectedDiagnostics.AddRange(warnings);
        test.ExpectedDiagnostics.AddRange(ExpectedRows("info.txt", DiagnosticSeverity.Info));
        await test.RunAsync();
    }

    /// <summary>Every analyzer of FocalLoss.Analyzers, C# 11 (what Roslyn 4.5 knows), .NET 8 reference assemblies and TorchSharp.</summary>
    private sealed class AllAnalyzersTest : CSharpAnalyzerTest<FocalLoss.Analyzers.Analyzers.InvertedModulatingFactorAnalyzer, DefaultVerifier>
    {
        public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(FocalLoss.Analyzers.DiagnosticIds).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any())
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        public AllAnalyzersTest()
        {
            // No reference package is resolved: the assemblies come from the restored reference pack.
            ReferenceAssemblies = new ReferenceAssemblies("net8.0");
            TestState.AdditionalReferences.AddRange(References());
        }

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.CSharp11);

        protected override CompilationOptions CreateCompilationOptions() =>
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
    }

    /// <summary>Rows <c>File.cs(line,col): ID</c> as expected diagnostics starting there (the files give no end).</summary>
    private static IEnumerable<DiagnosticResult> ExpectedRows(string name, DiagnosticSeverity severity)
    {
        foreach (var raw in File.ReadAllLines(Path.Combine(RepoRoot, "tests", "e2e", "expected", name)).Select(l => l.Trim()))
        {
            if (raw.Length == 0 || raw.StartsWith('#'))
            {
                continue;
            }

            var m = Regex.Match(raw, @"^(?<file>[^(]+)\((?<line>\d+),(?<col>\d+)\): (?<id>FL\d{4})$");
            Assert.True(m.Success, $"bad line in expected/{name}: {raw}");
            yield return new DiagnosticResult(m.Groups["id"].Value, severity)
                .WithLocation(m.Groups["file"].Value, int.Parse(m.Groups["line"].Value), int.Parse(m.Groups["col"].Value))
                .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);
        }
    }

    private static IEnumerable<MetadataReference> References()
    {
        var metadata = typeof(OldestRoslynTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var bcl = metadata["NetCoreAppReferenceDirectory"]!;
        var dlls = Directory.GetFiles(bcl, "*.dll");
        Assert.True(dlls.Length > 100, "the .NET 8 reference pack is not restored at " + bcl);
        foreach (var path in dlls.OrderBy(p => p, StringComparer.Ordinal))
        {
            yield return MetadataReference.CreateFromFile(path);
        }

        yield return MetadataReference.CreateFromFile(metadata["TorchSharpReference"]!);
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
