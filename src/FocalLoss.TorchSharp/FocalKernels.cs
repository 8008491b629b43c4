using System;
using System.Runtime.InteropServices;
using FocalLoss.TorchSharp.Interop;
using static TorchSharp.torch;

namespace FocalLoss.TorchSharp
{
    /// <summary>Runs the fused kernels on contiguous tensors; translates native errors into .NET exceptions.</summary>
    internal static class FocalKernels
    {
        /// <summary>Loss into <paramref name="output"/> (the problem's output shape and dtype, same device).</summary>
        public static unsafe void Forward(FocalProblem p, Tensor input, Tensor target, Tensor? weight, Tensor output)
        {
            EnsureLibrary(p);
            FlProblem native = p.ToNative(DataPtr(input), DataPtr(target), weight is null ? IntPtr.Zero : DataPtr(weight));
            IntPtr outPtr = DataPtr(output);
            int status = p.IsCuda
                ? CudaNative.fl_cuda_forward(&native, outPtr, p.DeviceIndex)
                : CpuNative.fl_cpu_forward(&native, outPtr, Threads());
            GC.KeepAlive(input);
            GC.KeepAlive(target);
            GC.KeepAlive(weight);
            GC.KeepAlive(output);
            Check(status, p.IsCuda, p.IsCuda ? "fl_cuda_forward" : "fl_cpu_forward");
        }

        /// <summary>d(loss)/d(input) * grad_output into <paramref name="gradInput"/> (the input's shape and dtype).</summary>
        public static unsafe void Backward(FocalProblem p, Tensor input, Tensor target, Tensor? weight, Tensor gradOutput, Tensor gradInput)
        {
            EnsureLibrary(p);
            FlProblem native = p.ToNative(DataPtr(input), DataPtr(target), weight is null ? IntPtr.Zero : DataPtr(weight));
            IntPtr go = DataPtr(gradOutput);
            IntPtr gi = DataPtr(gradInput);
            int status = p.IsCuda
                ? CudaNative.fl_cuda_backward(&native, go, gi, p.DeviceIndex)
                : CpuNative.fl_cpu_backward(&native, go, gi, Threads());
            GC.KeepAlive(input);
            GC.KeepAlive(target);
            GC.KeepAlive(weight);
            GC.KeepAlive(gradOutput);
            GC.KeepAlive(gradInput);
            Check(status, p.IsCuda, p.IsCuda ? "fl_cuda_backward" : "fl_cpu_backward");
        }

        /// <summary>The saved gradient's dtype: float64 for float64 inputs, else float32 (4 bytes per element).</summary>
        public static ScalarType SavedGradType(FocalProblem p) => p.ScalarType == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;

        /// <summary>
        /// The fused forward: the loss into <paramref name="output"/> (the same values as <see cref="Forward"/>) and
        /// d(weight * loss)/d(input) into <paramref name="savedGrad"/> (the input's shape, <see cref="SavedGradType"/>).
        /// </summary>
        public static unsafe void ForwardWithGrad(FocalProblem p, Tensor input, Tensor target, Tensor? weight, Tensor output, Tensor savedGrad)
        {
            EnsureLibrary(p);
            FlProblem native = p.ToNative(DataPtr(input), DataPtr(target), weight is null ? IntPtr.Zero : DataPtr(weight));
            IntPtr outPtr = DataPtr(output);
            IntPtr sg = DataPtr(savedGrad);
            int status = p.IsCuda
                ? CudaNative.fl_cuda_forward_with_grad(&native, outPtr, sg, p.DeviceIndex)
                : CpuNative.fl_cpu_forward_with_grad(&native, outPtr, sg, Threads());
            GC.KeepAlive(input);
            GC.KeepAlive(target);
            GC.KeepAlive(weight);
            GC.KeepAlive(output);
            GC.KeepAlive(savedGrad);
            Check(status, p.IsCuda, p.IsCuda ? "fl_cuda_forward_with_grad" : "fl_cpu_forward_with_grad");
        }

        /// <summary>
        /// The fused backward: grad_input = savedGrad * grad_output (the mean's divisor applied as <see cref="Backward"/> does),
        /// rounded once to the input dtype; equal bit for bit to <see cref="Backward"/>'s result. Reads no input.
        /// </summary>
        public static unsafe void ScaleGrad(FocalProblem p, Tensor savedGrad, Tensor gradOutput, Tensor gradInput)
        {
            EnsureLibrary(p);
            FlProblem native = p.ToNative(IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
            IntPtr sg = DataPtr(savedGrad);
            IntPtr go = DataPtr(gradOutput);
            IntPtr gi = DataPtr(gradInput);
            int status = p.IsCuda
                ? CudaNative.fl_cuda_scale_grad(&native, sg, go, gi, p.DeviceIndex)
                : CpuNative.fl_cpu_scale_grad(&native, sg, go, gi, Threads());
            GC.KeepAlive(savedGrad);
            GC.KeepAlive(gradOutput);
            GC.KeepAlive(gradInput);
            Check(status, p.IsCuda, p.IsCuda ? "fl_cuda_scale_grad" : "fl_cpu_scale_grad");
        }

        private static void EnsureLibrary(FocalProblem p)
        {
            if (p.IsCuda)
            {
                NativeLibraries.EnsureCuda();
            }
            else
            {
                NativeLibraries.EnsureCpu();
            }
        }

        /// <summary>TorchSharp's intra-op thread count (torch.set_num_threads), within the kernel's [1, 1024].</summary>
        private static int Threads() => Math.Clamp(get_num_threads(), 1, 1024);

        private static IntPtr DataPtr(Tensor t)
        {
            // Empty tensors may have no storage; the kernels never dereference them.
            if (t.numel() == 0)
            {
                return IntPtr.Zero;
            }

            IntPtr ptr = TorchSharpNative.THSTensor_data(t.Handle);
            if (ptr == IntPtr.Zero)
            {
                throw new InvalidOperationException("TorchSharp returned no data pointer for a non-empty tensor.");
            }

            return ptr;
        }

        private static void Check(int status, bool cuda, string function)
        {
            if (status == Fl.StatusOk)
            {
                return;
            }

            string message = Marshal.PtrToStringUTF8(cuda ? CudaNative.fl_cuda_last_error() : CpuNative.fl_last_error()) ?? string.Empty;
            string param = Marshal.PtrToStringUTF8(cuda ? CudaNative.fl_cuda_last_error_param() : CpuNative.fl_last_error_param()) ?? string.Empty;
            if (message.Length == 0)
            {
                message = $"{function} failed with status {status}.";
            }

            switch (status)
            {
                case Fl.StatusArgumentError:
                    throw new ArgumentException(message, param.Length == 0 ? null : param);
                case Fl.StatusUnavailable:
                    throw new InvalidOperationException("FocalLoss.TorchSharp cannot run on CUDA tensors here: " + message);
                default:
                    throw new InvalidOperationException($"FocalLoss.TorchSharp: {function} failed: {message}");
            }
        }
    }
}
