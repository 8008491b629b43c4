using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using FocalLoss.Runtime;

namespace FocalLoss.Runtime.Tests.Support
{
    /// <summary>P/Invoke of the test-support library libFocalLossNativeTesting (focal_loss_testing_c_api.h).</summary>
    internal static class NativeTesting
    {
        internal const string LibraryName = "FocalLossNativeTesting";

        internal const int Int64 = 4;
        internal const int Float16 = 5;
        internal const int Float32 = 6;
        internal const int Float64 = 7;
        internal const int Bool = 11;
        internal const int BFloat16 = 15;

        private static readonly object Gate = new object();
        private static bool s_ready;

        /// <summary>Loads the main native library (through FocalLoss.Runtime) and then the testing library; fails with a how-to-fix message.</summary>
        internal static void Require()
        {
            lock (Gate)
            {
                if (s_ready)
                {
                    return;
                }

                try
                {
                    FocalLossNative.EnsureInitialized();
                }
                catch (InvalidOperationException e)
                {
                    throw new InvalidOperationException(
                        "The native focal-loss library is not available to the tests. Run `bash build/build-native.sh` from the repository root " +
                        "(it writes artifacts/native/libFocalLossNative.so and libFocalLossNativeTesting.so, which this test project copies into its output " +
                        "when it is built), or set " + NativeLibraryLoader.DirectoryVariable + " to their directory. Loader report: " + e.Message, e);
                }

                NativeLibrary.SetDllImportResolver(typeof(NativeTesting).Assembly, Resolve);
                s_ready = true;
            }
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (name != LibraryName)
            {
                return IntPtr.Zero;
            }

            string file = "lib" + LibraryName + ".so";
            string? envDir = Environment.GetEnvironmentVariable(NativeLibraryLoader.DirectoryVariable);
            string[] dirs = string.IsNullOrWhiteSpace(envDir)
                ? new[] { AppContext.BaseDirectory }
                : new[] { envDir!, AppContext.BaseDirectory };
            foreach (string dir in dirs)
            {
                string path = Path.Combine(dir, file);
                if (File.Exists(path))
                {
                    return NativeLibrary.Load(path);
                }
            }

            throw new DllNotFoundException(
                $"{file} not found in {string.Join(", ", dirs)}. Run `bash build/build-native.sh` from the repository root and rebuild the tests.");
        }

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern unsafe int flt_from_doubles(double* data, long numel, long* shape, int ndim, int dtype, int requires_grad, out IntPtr output);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern unsafe int flt_to_doubles(IntPtr tensor, double* buffer, long capacity);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int flt_dtype(IntPtr tensor);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int flt_dim(IntPtr tensor);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern long flt_size(IntPtr tensor, int dim);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern long flt_numel(IntPtr tensor);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int flt_requires_grad(IntPtr tensor);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern unsafe int flt_grad_fn_name(IntPtr tensor, byte* name, int capacity);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int flt_transpose(IntPtr tensor, int dim0, int dim1, out IntPtr output);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int flt_slice_step(IntPtr tensor, int dim, long step, out IntPtr output);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int flt_to_device(IntPtr tensor, [MarshalAs(UnmanagedType.LPUTF8Str)] string device, out IntPtr output);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int flt_backward(IntPtr loss, IntPtr gradOutput);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int flt_grad(IntPtr tensor, out IntPtr output);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern long flt_heap_bytes_in_use();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void flt_tensor_free(IntPtr tensor);

        /// <summary>Throws the translated native error (same rules as the product) when <paramref name="status"/> is not OK.</summary>
        internal static void Check(int status, string function)
        {
            if (status != NativeMethods.StatusOk)
            {
                throw NativeErrors.Translate(status, function);
            }
        }
    }
}
