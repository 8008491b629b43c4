using System;
using System.Runtime.InteropServices;

namespace FocalLoss.Runtime
{
    /// <summary>The C ABI of libFocalLossNative (focal_loss_c_api.h), one to one.</summary>
    internal static class NativeMethods
    {
        /// <summary>The name every <see cref="DllImportAttribute"/> here uses; mapped to a file by <see cref="NativeLibraryLoader"/>.</summary>
        internal const string LibraryName = "FocalLossNative";

        /// <summary>FL_ABI_VERSION of the header this layer was written against.</summary>
        internal const int AbiVersion = 1;

        internal const int StatusOk = 0;
        internal const int StatusArgumentError = 1;
        internal const int StatusRuntimeError = 2;

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int fl_abi_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr fl_torch_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int fl_cuda_compiled();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int fl_cuda_available();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr fl_last_error();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr fl_last_error_param();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int fl_sigmoid_focal_loss(
            IntPtr input, IntPtr target, IntPtr weight,
            double alpha, double gamma, int reduction,
            int has_avg_factor, double avg_factor, out IntPtr output);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void fl_tensor_free(IntPtr tensor);

        /// <summary>Reads a NUL-terminated UTF-8 string owned by the native library; null pointer reads as "".</summary>
        internal static string ReadString(IntPtr utf8) => utf8 == IntPtr.Zero ? string.Empty : Marshal.PtrToStringUTF8(utf8) ?? string.Empty;
    }
}
