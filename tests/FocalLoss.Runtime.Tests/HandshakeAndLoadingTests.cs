using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FocalLoss.Runtime.Tests.Support;
using Xunit;

namespace FocalLoss.Runtime.Tests
{
    /// <summary>ABI and libtorch version handshake.</summary>
    public sealed class HandshakeAndLoadingTests
    {
        public HandshakeAndLoadingTests() => NativeTesting.Require();

        [Fact]
        public void AbiVersion_MatchesManagedConstant()
        {
            Assert.Equal(FocalLossNative.ExpectedAbiVersion, FocalLossNative.NativeAbiVersion);
        }

        [Fact]
        public void ManagedAbiConstant_MatchesTheContractHeader()
        {
            string header = Path.Combine(Fixtures.RepoRoot, "src", "FocalLoss.Native", "include", "focal_loss_c_api.h");
            Assert.True(File.Exists(header), $"contract header not found at {header}");
            Match m = Regex.Match(File.ReadAllText(header), @"#define\s+FL_ABI_VERSION\s+(\d+)");
            Assert.True(m.Success, "FL_ABI_VERSION not found in the header");
            int headerVersion = int.Parse(m.Groups[1].Value);
            Assert.True(headerVersion == FocalLossNative.ExpectedAbiVersion, $"header FL_ABI_VERSION {headerVersion}, managed constant {FocalLossNative.ExpectedAbiVersion}");
        }

        [Fact]
        public void TorchVersion_IsTheLibtorchOfThisMachine()
        {
            // Debian bookworm's libtorch is 1.13.x; FOCALLOSS_EXPECTED_TORCH_VERSION overrides on other hosts.
            string expectedPrefix = Environment.GetEnvironmentVariable("FOCALLOSS_EXPECTED_TORCH_VERSION") is { Length: > 0 } v ? v : "1.13";
            string version = FocalLossNative.TorchVersion;
            Assert.Matches(@"^\d+\.\d+\.\d+", version);
            Assert.StartsWith(expectedPrefix + ".", version + ".", StringComparison.Ordinal);
        }

        [Fact]
        public void EnsureCompatible_OtherMajorMinor_ThrowsNamingBothVersions()
        {
            var e = Assert.Throws<InvalidOperationException>(() => FocalLossNative.EnsureCompatible("2.2.0"));
            Assert.Contains("2.2.0", e.Message, StringComparison.Ordinal);
            Assert.Contains(FocalLossNative.TorchVersion, e.Message, StringComparison.Ordinal);
            Assert.Contains("libtorch", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void EnsureCompatible_SameMinorOtherPatch_Throws_OnlyWhenMinorDiffers()
        {
            FocalLossNative.TryParseMajorMinor(FocalLossNative.TorchVersion, out int major, out int minor);
            var e = Assert.Throws<InvalidOperationException>(() => FocalLossNative.EnsureCompatible($"{major}.{minor + 1}.0"));
            Assert.Contains($"{major}.{minor + 1}.0", e.Message, StringComparison.Ordinal);
            FocalLossNative.EnsureCompatible($"{major}.{minor}.99+cu121");
        }

        [Fact]
        public void EnsureCompatible_SameVersion_Passes()
        {
            FocalLossNative.EnsureCompatible(FocalLossNative.TorchVersion);
            FocalLossNative.EnsureCompatible(" " + FocalLossNative.TorchVersion + " ");
        }

        [Theory]
        [InlineData("")]
        [InlineData("latest")]
        [InlineData("2")]
        public void EnsureCompatible_Unparsable_ThrowsArgument(string version)
        {
            var e = Assert.Throws<ArgumentException>(() => FocalLossNative.EnsureCompatible(version));
            Assert.Equal("hostTorchVersion", e.ParamName);
            Assert.Contains("major.minor", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void EnsureCompatible_Null_ThrowsArgumentNull()
        {
            var e = Assert.Throws<ArgumentNullException>(() => FocalLossNative.EnsureCompatible(null!));
            Assert.Equal("hostTorchVersion", e.ParamName);
        }

        [Theory]
        [InlineData("1.13.1", 1, 13)]
        [InlineData("2.2.1+cu121", 2, 2)]
        [InlineData("v2.10", 2, 10)]
        [InlineData("2.5.0a0+git1234", 2, 5)]
        public void TryParseMajorMinor_ReadsLeadingMajorMinor(string text, int major, int minor)
        {
            Assert.True(FocalLossNative.TryParseMajorMinor(text, out int a, out int b));
            Assert.Equal((major, minor), (a, b));
        }
    }

    /// <summary>Where the native library is looked for (pure path logic; needs no native library).</summary>
    public sealed class NativeLibraryProbingTests
    {
        [Fact]
        public void CandidatePaths_FollowTheDocumentedOrder()
        {
            string env = Path.Combine(Path.GetTempPath(), "fl-native-env");
            string asm = Path.Combine(Path.GetTempPath(), "fl-app");
            var candidates = NativeLibraryLoader.CandidatePaths(env, asm);
            string file = NativeLibraryLoader.FileName;

            Assert.Equal(Path.Combine(env, file), candidates[0].Path);
            Assert.Equal(NativeLibraryLoader.DirectoryVariable, candidates[0].Source);
            Assert.Equal(Path.Combine(asm, file), candidates[1].Path);
            string[] rest = candidates.Skip(2).Select(c => c.Path).ToArray();
            Assert.NotEmpty(rest);
            Assert.All(rest, p => Assert.StartsWith(Path.Combine(asm, "runtimes") + Path.DirectorySeparatorChar, p, StringComparison.Ordinal));
            Assert.All(rest, p => Assert.EndsWith(Path.Combine("native", file), p, StringComparison.Ordinal));
            if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
            {
                Assert.Contains(Path.Combine(asm, "runtimes", "linux-x64", "native", file), rest);
            }
        }

        [Fact]
        public void CandidatePaths_WithoutVariable_StartAtAssemblyDirectory()
        {
            string asm = Path.Combine(Path.GetTempPath(), "fl-app");
            var candidates = NativeLibraryLoader.CandidatePaths(null, asm);
            Assert.Equal(Path.Combine(asm, NativeLibraryLoader.FileName), candidates[0].Path);
            Assert.DoesNotContain(candidates, c => c.Source == NativeLibraryLoader.DirectoryVariable);
        }

        [Fact]
        public void FileName_IsThePlatformName()
        {
            if (OperatingSystem.IsLinux())
            {
                Assert.Equal("libFocalLossNative.so", NativeLibraryLoader.FileName);
            }
            else
            {
                Assert.Contains("FocalLossNative", NativeLibraryLoader.FileName, StringComparison.Ordinal);
            }
        }
    }
}
