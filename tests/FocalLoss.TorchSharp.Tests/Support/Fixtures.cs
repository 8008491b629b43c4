using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using static TorchSharp.torch;

namespace FocalLoss.TorchSharp.Tests.Support
{
    /// <summary>One golden case of tests/oracle/fixtures/*.json.</summary>
    internal sealed class FixtureCase
    {
        public required string File { get; init; }
        public required string Name { get; init; }
        public required string DType { get; init; }
        public required long[] InputShape { get; init; }
        public required double[] Input { get; init; }
        public required string TargetKind { get; init; }
        public required long[] TargetShape { get; init; }
        public required double[] Target { get; init; }
        public required string WeightKind { get; init; }
        public required long[] WeightShape { get; init; }
        public required double[] Weight { get; init; }
        public required double Alpha { get; init; }
        public required double Gamma { get; init; }
        public required string Reduction { get; init; }
        public required double? AvgFactor { get; init; }
        public required long[] ExpectedShape { get; init; }
        public required double[] Expected { get; init; }
        public required double[] ExpectedGradInput { get; init; }
        public required string Reference { get; init; }
        public required double Rtol { get; init; }
        public required double Atol { get; init; }

        public ScalarType ScalarType => DType switch
        {
            "float32" => ScalarType.Float32,
            "float64" => ScalarType.Float64,
            _ => throw new InvalidDataException($"{File}/{Name}: unknown dtype '{DType}'"),
        };

        public nn.Reduction ReductionValue => Reduction switch
        {
            "none" => nn.Reduction.None,
            "mean" => nn.Reduction.Mean,
            "sum" => nn.Reduction.Sum,
            _ => throw new InvalidDataException($"{File}/{Name}: unknown reduction '{Reduction}'"),
        };

        public static FixtureCase Parse(string file, JsonElement c)
        {
            string name = Str(c, "name");
            return new FixtureCase
            {
                File = file,
                Name = name,
                DType = Str(c, "dtype"),
                InputShape = Shape(c, "input_shape"),
                Input = Numbers(c, "input"),
                TargetKind = Str(c, "target_kind"),
                TargetShape = Shape(c, "target_shape"),
                Target = Numbers(c, "target"),
                WeightKind = Str(c, "weight_kind"),
                WeightShape = c.TryGetProperty("weight_shape", out _) ? Shape(c, "weight_shape") : Array.Empty<long>(),
                Weight = c.TryGetProperty("weight", out _) ? Numbers(c, "weight") : Array.Empty<double>(),
                Alpha = Number(Prop(c, "alpha")),
                Gamma = Number(Prop(c, "gamma")),
                Reduction = Str(c, "reduction"),
                AvgFactor = c.TryGetProperty("avg_factor", out JsonElement af) && af.ValueKind != JsonValueKind.Null ? Number(af) : null,
                ExpectedShape = Shape(c, "expected_shape"),
                Expected = Numbers(c, "expected"),
                ExpectedGradInput = Numbers(c, "expected_grad_input"),
                Reference = Str(c, "reference"),
                Rtol = Number(Prop(c, "rtol")),
                Atol = Number(Prop(c, "atol")),
            };
        }

        private static JsonElement Prop(JsonElement c, string name) =>
            c.TryGetProperty(name, out JsonElement v) ? v : throw new InvalidDataException($"fixture case lacks '{name}'");

        private static string Str(JsonElement c, string name) => Prop(c, name).GetString() ?? throw new InvalidDataException($"'{name}' is null");

        private static long[] Shape(JsonElement c, string name) => Prop(c, name).EnumerateArray().Select(e => e.GetInt64()).ToArray();

        private static double[] Numbers(JsonElement c, string name) => Prop(c, name).EnumerateArray().Select(Number).ToArray();

        /// <summary>A JSON number, or one of the strings "nan", "inf", "-inf".</summary>
        internal static double Number(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Number)
            {
                return e.GetDouble();
            }

            if (e.ValueKind == JsonValueKind.String)
            {
                switch (e.GetString()?.Trim().ToLowerInvariant())
                {
                    case "nan": return double.NaN;
                    case "inf": case "+inf": case "infinity": return double.PositiveInfinity;
                    case "-inf": case "-infinity": return double.NegativeInfinity;
                }
            }

            throw new InvalidDataException($"not a number: {e.GetRawText()}");
        }
    }

    internal static class Fixtures
    {
        /// <summary>Marker row returned when no fixture can be found, so the theory fails instead of passing with zero rows.</summary>
        public const string Missing = "<no fixtures found>";

        /// <summary>The repository root (from build metadata, else found by walking up from the test output).</summary>
        public static string RepoRoot
        {
            get
            {
                string? root = typeof(Fixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .FirstOrDefault(a => a.Key == "FocalLossRepoRoot")?.Value;
                if (!string.IsNullOrEmpty(root) && System.IO.Directory.Exists(root))
                {
                    return root!;
                }

                for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "FocalLoss.Analyzers.sln")))
                    {
                        return dir.FullName;
                    }
                }

                throw new DirectoryNotFoundException($"Repository root not found above {AppContext.BaseDirectory}.");
            }
        }

        /// <summary>tests/oracle/fixtures of this repository (FOCALLOSS_FIXTURES_DIR overrides).</summary>
        public static string Directory
        {
            get
            {
                string? env = Environment.GetEnvironmentVariable("FOCALLOSS_FIXTURES_DIR");
                return !string.IsNullOrWhiteSpace(env) ? env! : Path.Combine(RepoRoot, "tests", "oracle", "fixtures");
            }
        }

        public static string[] Files()
        {
            string dir = Directory;
            return System.IO.Directory.Exists(dir)
                ? System.IO.Directory.GetFiles(dir, "*.json").OrderBy(f => f, StringComparer.Ordinal).ToArray()
                : Array.Empty<string>();
        }

        public static IReadOnlyList<FixtureCase> LoadFile(string path)
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            string file = Path.GetFileName(path);
            return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => FixtureCase.Parse(file, c)).ToList();
        }

        /// <summary>Rows (file, case name) for MemberData; a single <see cref="Missing"/> row when there is nothing.</summary>
        public static IEnumerable<object[]> CaseRows()
        {
            var rows = new List<object[]>();
            foreach (string path in Files())
            {
                foreach (FixtureCase c in LoadFile(path))
                {
                    rows.Add(new object[] { c.File, c.Name });
                }
            }

            if (rows.Count == 0)
            {
                rows.Add(new object[] { Missing, Missing });
            }

            return rows;
        }

        public static FixtureCase Find(string file, string name)
        {
            if (file == Missing)
            {
                throw new InvalidOperationException(
                    $"No golden fixture cases found in '{Directory}' (expected tests/oracle/fixtures/*.json with a non-empty \"cases\" array). " +
                    "The fixtures are part of the repository; an empty or missing directory is a failure, not a pass.");
            }

            return LoadFile(Path.Combine(Directory, file)).Single(c => c.Name == name);
        }
    }
}
