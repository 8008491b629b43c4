// P/Invoke declarations of src/FocalLoss.Native/include/focal_loss_c_api.h (ABI v3).
using System;
using System.Runtime.InteropServices;

namespace FocalLoss.TorchSharp.Interop
{
    /// <summary>fl_problem: one call's problem, laid out as the C struct (88 bytes on 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FlProblem
    {
        public int StructSize;
        public int DType;
        public int InputKind;
        public int TargetKind;
        public int WeightKind;
        public int Reduction;
        public long Numel;
        public long Classes;
        public double Alpha;
        public double Gamma;
        public double Divisor;
        public IntPtr Input;
        public IntPtr Target;
        public IntPtr Weight;
    }

    /// <summary>The values of the C enums.</summary>
    internal static class Fl
    {
        public const int AbiVersion = 3;

        public const int StatusOk = 0;
        public const int StatusArgumentError = 1;
        public const int StatusRuntimeError = 2;
        public const int StatusUnavailable = 3;

        public const int Float32 = 0;
        public const int Float64 = 1;
        public const int Float16 = 2;
        public const int BFloat16 = 3;

        public const int InputLogits = 0;
        public const int InputProbabilities = 1;

        public const int TargetDense = 0;
        public const int TargetIndex = 1;

        public const int WeightNone = 0;
        public const int WeightElement = 1;
        public const int WeightAnchor = 2;
        public const int WeightClass = 3;
    }

    /// <summary>libFocalLossNative.so: the CPU kernels (host pointers).</summary>
    internal static unsafe class CpuNative
    {
        public const string Library = "FocalLossNative";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_abi_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr fl_last_error();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr fl_last_error_param();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cpu_forward(FlProblem* problem, IntPtr output, int threads);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cpu_backward(FlProblem* problem, IntPtr gradOutput, IntPtr gradInput, int threads);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cpu_forward_with_grad(FlProblem* problem, IntPtr output, IntPtr savedGrad, int threads);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cpu_scale_grad(FlProblem* problem, IntPtr savedGrad, IntPtr gradOutput, IntPtr gradInput, int threads);
    }

    /// <summary>libFocalLossNativeCuda.so: the CUDA kernels (device pointers, default stream).</summary>
    internal static unsafe class CudaNative
    {
        public const string Library = "FocalLossNativeCuda";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cuda_abi_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cuda_device_count();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr fl_cuda_last_error();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr fl_cuda_last_error_param();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cuda_forward(FlProblem* problem, IntPtr output, int device);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cuda_backward(FlProblem* problem, IntPtr gradOutput, IntPtr gradInput, int device);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cuda_forward_with_grad(FlProblem* problem, IntPtr output, IntPtr savedGrad, int device);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int fl_cuda_scale_grad(FlProblem* problem, IntPtr savedGrad, IntPtr gradOutput, IntPtr gradInput, int device);
    }

    /// <summary>
    /// The one export of TorchSharp's own native library used here: <c>THSTensor_data</c> returns
    /// <c>tensor.data_ptr()</c> (storage offset included) for a tensor on any device. TorchSharp's public
    /// API has no device-pointer accessor (<c>Tensor.bytes</c> is CPU-only and limited to 2 GiB).
    /// </summary>
    internal static class TorchSharpNative
    {
        public const string Library = "LibTorchSharp";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr THSTensor_data(IntPtr tensor);
    }
}
