using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace FocalLoss.Analyzers.Tests.Verification
{
    /// <summary>
    /// What every test compilation references: the .NET 8 reference assemblies (embedded in Basic.Reference.Assemblies,
    /// so nothing is downloaded at test time), the real TorchSharp and TorchVision 0.107 assemblies as metadata (never
    /// loaded or run: TorchSharp's native library is not needed), and optionally FocalLoss.TorchSharp.
    /// </summary>
    internal static class TestReferences
    {
        /// <summary>
        /// The reference set given to the standard test classes: none. The assemblies come from <see cref="Default"/>
        /// through <c>TestState.AdditionalReferences</c>, so no NuGet package is resolved (or downloaded) at test time.
        /// </summary>
        public static ReferenceAssemblies None { get; } = new ReferenceAssemblies("net8.0");

        /// <summary>The .NET 8 reference assemblies.</summary>
        public static ImmutableArray<MetadataReference> Net80 { get; } = Basic.Reference.Assemblies.Net80.References.All.Cast<MetadataReference>().ToImmutableArray();

        /// <summary>TorchSharp.dll of the TorchSharp package (compile-only).</summary>
        public static MetadataReference TorchSharp { get; } = FromBuildMetadata("TorchSharpReference");

        /// <summary>TorchVision.dll of the TorchVision package (compile-only; <c>torchvision.ops</c>).</summary>
        public static MetadataReference TorchVision { get; } = FromBuildMetadata("TorchVisionReference");

        /// <summary>FocalLoss.TorchSharp.dll as built next to the tests (what the runtime code action targets).</summary>
        public static MetadataReference Runtime { get; } = MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "FocalLoss.TorchSharp.dll"));

        /// <summary>The .NET 8 reference assemblies, TorchSharp and TorchVision.</summary>
        public static ImmutableArray<MetadataReference> Default { get; } = Net80.Add(TorchSharp).Add(TorchVision);

        /// <summary>The references of a test compilation.</summary>
        public static IEnumerable<MetadataReference> For(bool withTorchSharp, bool withRuntime)
        {
            IEnumerable<MetadataReference> references = withTorchSharp ? Default : Net80;
            return withRuntime ? references.Append(Runtime) : references;
        }

        /// <summary>The parse options of test sources: C# <paramref name="languageVersion"/>, documentation comments checked.</summary>
        public static CSharpParseOptions ParseOptions(LanguageVersion languageVersion) =>
            new CSharpParseOptions(languageVersion, DocumentationMode.Diagnose);

        /// <summary>The compilation options of test sources: a class library with the given nullable context.</summary>
        public static CSharpCompilationOptions CompilationOptions(NullableContextOptions nullable) =>
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: nullable, allowUnsafe: true);

        private static MetadataReference FromBuildMetadata(string key)
        {
            var path = typeof(TestReferences).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException($"The test assembly's '{key}' metadata ('{path}') names no file; the test project sets it from the package's path at build time.");
            }

            return MetadataReference.CreateFromFile(path);
        }
    }
}
