using System;
using FocalLoss.TorchSharp.Interop;
using FocalLoss.TorchSharp.Tests.Support;
using Xunit;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests
{
    /// <summary>Loading the kernel libraries, the ABI handshake, and CUDA.</summary>
    public sealed class CudaAndLoadingTests
    {
        [Fact]
        public void CpuLibrary_LoadsAndSpeaksAbiV2()
        {
            NativeLibraries.EnsureCpu();
            Assert.Equal(Fl.AbiVersion, CpuNative.fl_abi_version());
        }

        [Fact]
        public void NativeProblemStruct_HasTheCLayout()
        {
            // fl_problem: six int32, two int64, three double, three pointers.
            Assert.Equal(6 * 4 + 2 * 8 + 3 * 8 + 3 * IntPtr.Size, System.Runtime.InteropServices.Marshal.SizeOf<FlProblem>());
            Assert.Equal(24, (int)System.Runtime.InteropServices.Marshal.OffsetOf<FlProblem>(nameof(FlProblem.Numel)));
            Assert.Equal(64, (int)System.Runtime.InteropServices.Marshal.OffsetOf<FlProblem>(nameof(FlProblem.Input)));
        }

        [Fact]
        public void SearchPath_IncludesTheNuGetRuntimesFolder()
        {
            Assert.Contains(NativeLibraries.SearchedDirectories(), d => d.Replace('\\', '/').EndsWith("runtimes/linux-x64/native", StringComparison.Ordinal));
        }

        [Fact]
        public void MissingCpuLibrary_IsAnInvalidOperationThatSaysWhereItLookedAndWhatToDo()
        {
            var e = Assert.Throws<InvalidOperationException>(() => NativeLibraries.CheckCpu(() => throw new DllNotFoundException("not here")));
            Assert.Contains("libFocalLossNative.so", e.Message, StringComparison.Ordinal);
            Assert.Contains("runtimes/linux-x64/native", e.Message, StringComparison.Ordinal);
            Assert.Contains("build/build-native.sh", e.Message, StringComparison.Ordinal);
            Assert.IsType<DllNotFoundException>(e.InnerException);
        }

        [Fact]
        public void CpuLibraryOfAnotherAbi_IsAnInvalidOperationNamingBothVersions()
        {
            var e = Assert.Throws<InvalidOperationException>(() => NativeLibraries.CheckCpu(() => 1));
            Assert.Contains("ABI v1", e.Message, StringComparison.Ordinal);
            Assert.Contains($"needs v{Fl.AbiVersion}", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void CpuLibraryOfThisAbi_PassesTheHandshake() => NativeLibraries.CheckCpu(() => Fl.AbiVersion);

        [Fact]
        public void MissingCudaLibrary_IsAnInvalidOperationThatLeavesCpuAlone()
        {
            var e = Assert.Throws<InvalidOperationException>(() => NativeLibraries.CheckCuda(() => throw new DllNotFoundException("not here"), () => 1));
            Assert.Contains("libFocalLossNativeCuda.so cannot be loaded", e.Message, StringComparison.Ordinal);
            Assert.Contains("CPU tensors are not affected", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void CudaLibraryWithoutDevice_IsAnInvalidOperationSayingSo()
        {
            var e = Assert.Throws<InvalidOperationException>(() => NativeLibraries.CheckCuda(() => Fl.AbiVersion, () => 0));
            Assert.Contains("no usable CUDA device", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void CudaLibraryOfAnotherAbi_IsAnInvalidOperationNamingBothVersions()
        {
            var e = Assert.Throws<InvalidOperationException>(() => NativeLibraries.CheckCuda(() => Fl.AbiVersion + 1, () => 1));
            Assert.Contains($"ABI v{Fl.AbiVersion + 1}", e.Message, StringComparison.Ordinal);
        }

        [NoCudaFact]
        public void CudaKernel_WithoutAGpu_IsAClearInvalidOperation()
        {
            var e = Assert.Throws<InvalidOperationException>(NativeLibraries.EnsureCuda);
            Assert.Contains("cannot run on CUDA tensors here", e.Message, StringComparison.Ordinal);
            Assert.Contains("libFocalLossNativeCuda.so", e.Message, StringComparison.Ordinal);

            // CPU work is unaffected.
            using var scope = NewDisposeScope();
            Assert.True(double.IsFinite(focal.sigmoid_focal_loss(zeros(3), zeros(3), reduction: Reduction.Sum).item<float>()));
        }

        [CudaFact]
        public void CudaLossAndGradient_MatchTheCpuKernel()
        {
            using var scope = NewDisposeScope();
            manual_seed(101);
            long[] s = { 64, 7 };
            Tensor x = Ref.Logits(s, ScalarType.Float32);
            Tensor index = Ref.IndexTargets(new long[] { 64 }, 7);
            Tensor w = rand(new long[] { 7 }, ScalarType.Float32);

            Tensor xc = Ref.Leaf(x);
            Tensor cpu = focal.sigmoid_focal_loss(xc, index, 0.25, 2.0, Reduction.Mean, w);
            cpu.backward();
            Tensor xg = Ref.Leaf(x.cuda());
            Tensor gpu = focal.sigmoid_focal_loss(xg, index.cuda(), 0.25, 2.0, Reduction.Mean, w.cuda());
            gpu.backward();

            Assert.Equal(global::TorchSharp.DeviceType.CUDA, gpu.device_type);
            Numerics.AssertAllClose(Ref.Values(cpu), Ref.Values(gpu), 1e-5, 1e-7, "loss");
            Numerics.AssertAllClose(Ref.Values(xc.grad!), Ref.Values(xg.grad!), 1e-5, 1e-7, "gradient");
        }
    }
}
