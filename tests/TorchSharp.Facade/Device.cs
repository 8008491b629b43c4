// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/Device.cs, DisposeScope.cs and Torch.cs.
using System;

#nullable enable
namespace TorchSharp
{
    public static partial class torch
    {
        public class Device
        {
            public DeviceType type { get => throw null!; }
            public int index { get => throw null!; }
            public Device(string description) => throw null!;
            public Device(string deviceType, int index = -1) => throw null!;
            public Device(DeviceType deviceType, int index = -1) => throw null!;
            public Device(int index) => throw null!;
            public override string ToString() => throw null!;
            public static implicit operator Device(string description) => throw null!;
        }

        public static Device CUDA => throw null!;
        public static Device MPS => throw null!;
        public static readonly Device CPU = null!;
        public static readonly Device META = null!;
        public static Device device(string description) => throw null!;
        public static Device device(string deviceType, int index = -1) => throw null!;
        public static Device device(DeviceType deviceType, int index = -1) => throw null!;
        public static Device device(int index) => throw null!;

        public static partial class cuda
        {
            public static bool is_available() => throw null!;
        }

        public static bool cuda_is_available() => throw null!;
        public static IDisposable no_grad() => throw null!;
    }

    /// <summary>The LibTorch device types.</summary>
    public enum DeviceType
    {
        CPU = 0,
        CUDA = 1,
        MKLDNN = 2,
        OPENGL = 3,
        OPENCL = 4,
        IDEEP = 5,
        HIP = 6,
        FPGA = 7,
        MSNPU = 8,
        XLA = 9,
        MPS = 13,
        META = 14,
    }

    public sealed class DisposeScope : IDisposable
    {
        internal DisposeScope() => throw null!;
        public T MoveToOuter<T>(T disposable) where T : IDisposable => throw null!;
        public void Dispose() => throw null!;
    }
}
