using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Tests.Verification.Samples;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FocalLoss.Analyzers.Tests.Verification
{
    /// <summary>What the tests compile against: the real TorchSharp and TorchVision, and a reference set that resolves no package.</summary>
    public sealed class TestReferencesTests
    {
        [Fact]
        public async Task StandardReferenceSet_ResolvesNoPackage_SoNothingIsDownloaded()
        {
            Assert.Null(TestReferences.None.ReferenceAssemblyPackage);
            Assert.Empty(TestReferences.None.Packages);
            Assert.Empty(TestReferences.None.Assemblies);
            Assert.Empty(await TestReferences.None.ResolveAsync(LanguageNames.CSharp, CancellationToken.None));
            Assert.Same(TestReferences.None, new FocalAnalyzerTest<FortyTwoAnalyzer>().ReferenceAssemblies);
            Assert.Same(TestReferences.None, new FocalCodeFixTest<FortyTwoAnalyzer, FortyTwoFixer>().ReferenceAssemblies);
        }

        [Theory]
        [InlineData("TorchSharp", "TorchSharp.torch+nn+functional")]
        [InlineData("TorchVision", "TorchSharp.torchvision+ops")]
        public void TestCompilations_ReferenceTheRealPackageAssembly(string assembly, string type)
        {
            var compilation = Compiler.CompileClean("public static class Empty { }");
            var symbol = compilation.References.Select(compilation.GetAssemblyOrModuleSymbol).OfType<IAssemblySymbol>().Single(a => a.Identity.Name == assembly);
            Assert.Equal("0.107.0", symbol.Identity.Version.ToString(3));
            Assert.NotNull(symbol.GetTypeByMetadataName(type));
        }
    }
}
