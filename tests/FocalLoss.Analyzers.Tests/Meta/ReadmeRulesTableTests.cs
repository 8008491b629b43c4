using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Meta
{
    /// <summary>
    /// The rules table in README.md (between the <c>rules:begin</c> and <c>rules:end</c> markers) is generated from the
    /// analyzers' descriptors (id, title, default severity) and the exported code fix providers (Code fix: yes when an
    /// exported provider lists the id in FixableDiagnosticIds). This test fails when the block differs and prints the
    /// expected block.
    /// <para>
    /// To regenerate instead: run the test with the environment variable <c>FOCALLOSS_UPDATE_README=1</c>, e.g.
    /// <c>FOCALLOSS_UPDATE_README=1 dotnet test tests/FocalLoss.Analyzers.Tests --filter ReadmeRulesTable</c>. It then
    /// rewrites only the lines between the two markers and passes; without the variable it only compares.
    /// </para>
    /// </summary>
    public sealed class ReadmeRulesTableTests
    {
        public const string BeginMarker = "<!-- rules:begin (generated from the descriptors; a test keeps this table in sync) -->";
        public const string EndMarker = "<!-- rules:end -->";
        public const string UpdateVariable = "FOCALLOSS_UPDATE_README";

        [Fact]
        public void ReadmeRulesTable_MatchesTheDescriptorsAndCodeFixes()
        {
            var path = Path.Combine(FindRepoRoot(), "README.md");
            var text = File.ReadAllText(path);
            var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var lines = text.Split(new[] { newline }, StringSplitOptions.None).ToList();
            var begin = lines.FindIndex(l => l.TrimEnd() == BeginMarker);
            var end = lines.FindIndex(l => l.TrimEnd() == EndMarker);
            Assert.True(begin >= 0 && end > begin, "README.md needs the lines '" + BeginMarker + "' and then '" + EndMarker + "'.");
            Assert.Equal(1, lines.Count(l => l.TrimEnd() == BeginMarker));
            Assert.Equal(1, lines.Count(l => l.TrimEnd() == EndMarker));

            var expected = ExpectedTable();
            var actual = lines.Skip(begin + 1).Take(end - begin - 1).ToList();
            if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
            {
                lines.RemoveRange(begin + 1, end - begin - 1);
                lines.InsertRange(begin + 1, expected);
                File.WriteAllText(path, string.Join(newline, lines));
                return;
            }

            Assert.True(
                expected.SequenceEqual(actual, StringComparer.Ordinal),
                "The rules table in README.md is out of date. Replace the lines between the markers with:" + Environment.NewLine
                + string.Join(Environment.NewLine, expected) + Environment.NewLine
                + "(or run the tests with " + UpdateVariable + "=1 to rewrite them).");
        }

        [Fact]
        public void ExpectedTable_ListsEveryAnalyzerDescriptorOnceWithItsCodeFix()
        {
            var table = ExpectedTable();
            Assert.Equal("| Id | Title | Severity | Code fix |", table[0]);
            Assert.Equal("|---|---|---|---|", table[1]);
            var ids = table.Skip(2).Select(row => row.Split('|')[1].Trim()).ToList();
            Assert.Equal(ids.Distinct().OrderBy(id => id, StringComparer.Ordinal), ids);
            Assert.Contains("| [FL0001](docs/rules/FL0001.md) | Focal modulating factor is inverted | Warning | yes |", table);
            Assert.Contains("| [FL0005](docs/rules/FL0005.md) | Cross entropy reduced before the focal weighting | Warning | yes |", table);
        }

        /// <summary>The table lines (header, separator, one row per id in ordinal order).</summary>
        internal static List<string> ExpectedTable()
        {
            var fixable = new HashSet<string>(StringComparer.Ordinal);
            foreach (var type in typeof(InvertedModulatingFactorCodeFixProvider).Assembly.GetTypes())
            {
                if (!type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type) && type.GetCustomAttribute<ExportCodeFixProviderAttribute>() != null)
                {
                    fixable.UnionWith(((CodeFixProvider)Activator.CreateInstance(type)!).FixableDiagnosticIds);
                }
            }

            var descriptors = new SortedDictionary<string, DiagnosticDescriptor>(StringComparer.Ordinal);
            foreach (var type in typeof(InvertedModulatingFactorAnalyzer).Assembly.GetTypes())
            {
                if (type.IsAbstract || !typeof(DiagnosticAnalyzer).IsAssignableFrom(type) || type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() == null)
                {
                    continue;
                }

                foreach (var descriptor in ((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics)
                {
                    if (!descriptors.ContainsKey(descriptor.Id))
                    {
                        descriptors.Add(descriptor.Id, descriptor);
                    }
                }
            }

            var table = new List<string> { "| Id | Title | Severity | Code fix |", "|---|---|---|---|" };
            foreach (var descriptor in descriptors.Values)
            {
                var row = new StringBuilder()
                    .Append("| [").Append(descriptor.Id).Append("](docs/rules/").Append(descriptor.Id).Append(".md)")
                    .Append(" | ").Append(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture).Replace("|", "\\|", StringComparison.Ordinal))
                    .Append(" | ").Append(descriptor.DefaultSeverity)
                    .Append(" | ").Append(fixable.Contains(descriptor.Id) ? "yes" : "no")
                    .Append(" |");
                table.Add(row.ToString());
            }

            return table;
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
