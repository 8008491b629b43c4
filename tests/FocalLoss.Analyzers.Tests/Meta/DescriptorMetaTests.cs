using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Meta
{
    /// <summary>Descriptors, help links, release tracking and fixer exports, checked against the repository.</summary>
    public sealed class DescriptorMetaTests
    {
        private static readonly string RepoRoot = FindRepoRoot();

        public static IEnumerable<object[]> Analyzers() =>
            typeof(InvertedModulatingFactorAnalyzer).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() != null)
                .Select(t => new object[] { t.FullName! });

        public static IEnumerable<object[]> CodeFixes() =>
            typeof(InvertedModulatingFactorCodeFixProvider).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
                .Select(t => new object[] { t.FullName! });

        private static IEnumerable<DiagnosticDescriptor> DescriptorsOf(string analyzerType)
        {
            var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(typeof(InvertedModulatingFactorAnalyzer).Assembly.GetType(analyzerType)!)!;
            return analyzer.SupportedDiagnostics;
        }

        [Theory]
        [MemberData(nameof(Analyzers))]
        public void EveryHelpLink_PointsAtAnExistingRulePage(string analyzerType)
        {
            foreach (var descriptor in DescriptorsOf(analyzerType))
            {
                var prefix = DiagnosticIds.RepositoryUrl + "/" + DiagnosticIds.RulesDocsPath;
                Assert.StartsWith(prefix, descriptor.HelpLinkUri, StringComparison.Ordinal);
                var relative = "docs/rules/" + descriptor.HelpLinkUri.Substring(prefix.Length);
                Assert.Equal("docs/rules/" + descriptor.Id + ".md", relative);
                Assert.True(File.Exists(Path.Combine(RepoRoot, relative)), "Missing rule page " + relative + " for " + descriptor.Id);
            }
        }

        [Theory]
        [MemberData(nameof(Analyzers))]
        public void EveryRulePage_NamesItsIdAndTitle_AndExplainsSuppression(string analyzerType)
        {
            foreach (var descriptor in DescriptorsOf(analyzerType))
            {
                var page = File.ReadAllText(Path.Combine(RepoRoot, "docs", "rules", descriptor.Id + ".md"));
                Assert.StartsWith("# " + descriptor.Id + ": " + descriptor.Title, page, StringComparison.Ordinal);
                Assert.Contains("dotnet_diagnostic." + descriptor.Id + ".severity", page, StringComparison.Ordinal);
                Assert.Contains("#pragma warning disable " + descriptor.Id, page, StringComparison.Ordinal);
                Assert.Contains("SuppressMessage", page, StringComparison.Ordinal);
            }
        }

        [Theory]
        [MemberData(nameof(Analyzers))]
        public void EveryDescriptor_IsInTheUnshippedReleaseWithItsCategoryAndSeverity(string analyzerType)
        {
            var lines = File.ReadAllLines(Path.Combine(RepoRoot, "AnalyzerReleases.Unshipped.md"))
                .Concat(File.ReadAllLines(Path.Combine(RepoRoot, "AnalyzerReleases.Shipped.md")));
            foreach (var descriptor in DescriptorsOf(analyzerType))
            {
                var row = lines.SingleOrDefault(l => l.StartsWith(descriptor.Id + " ", StringComparison.Ordinal));
                Assert.NotNull(row);
                var cells = row!.Split('|').Select(c => c.Trim()).ToArray();
                Assert.Equal(descriptor.Category, cells[1]);
                Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
            }
        }

        [Fact]
        public void DiagnosticIds_AreTheSixFixedIds()
        {
            var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.Name != nameof(DiagnosticIds.RepositoryUrl) && f.Name != nameof(DiagnosticIds.RulesDocsPath))
                .Select(f => (string)f.GetRawConstantValue()!)
                .OrderBy(id => id, StringComparer.Ordinal)
                .ToArray();
            Assert.Equal(new[] { "FL0001", "FL0002", "FL0003", "FL0004", "FL0005", "FL0006" }, ids);
            Assert.Equal("https://github.com/focalloss/FocalLoss.Analyzers/blob/main/docs/rules/FL0003.md", DiagnosticIds.HelpLink("FL0003"));
        }

        [Theory]
        [MemberData(nameof(CodeFixes))]
        public void EveryCodeFix_IsExportedNamedSharedAndHasAFixAllProvider(string fixType)
        {
            var type = typeof(InvertedModulatingFactorCodeFixProvider).Assembly.GetType(fixType)!;
            var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
            Assert.NotNull(export);
            Assert.Equal(type.Name, export!.Name);
            Assert.Contains(LanguageNames.CSharp, export.Languages);
            Assert.NotNull(type.GetCustomAttribute<System.Composition.SharedAttribute>());
            var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
            Assert.NotNull(provider.GetFixAllProvider());
            Assert.NotEmpty(provider.FixableDiagnosticIds);
        }

        private static string FindRepoRoot()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !directory.GetFiles("*.sln").Any())
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("No .sln above " + AppContext.BaseDirectory);
        }
    }
}
