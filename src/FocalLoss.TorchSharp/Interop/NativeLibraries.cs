using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace FocalLoss.TorchSharp.Interop
{
    /// <summary>
    /// Finds the kernel libraries for this assembly's P/Invokes and checks their ABI version once.
    /// Probing order for <c>libFocalLossNative.so</c> and <c>libFocalLossNativeCuda.so</c>:
    /// the directory in <c>FOCALLOSS_NATIVE_DIR</c> (if set), this assembly's directory,
    /// <c>runtimes/linux-x64/native/</c> below it (the NuGet layout), the application's directory
    /// (and its <c>runtimes/linux-x64/native/</c>), then the runtime's default probing (deps.json, LD_LIBRARY_PATH).
    /// <c>LibTorchSharp</c> is resolved the way TorchSharp's own assembly resolves it, so the copy that
    /// TorchSharp loaded is the one used.
    /// </summary>
    internal static class NativeLibraries
    {
        internal const string DirectoryVariable = "FOCALLOSS_NATIVE_DIR";
        internal const string Rid = "linux-x64";

        private static readonly object Gate = new object();
        private static bool s_cpuReady;
        private static bool s_cudaReady;

        static NativeLibraries()
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
        }

        /// <summary>Makes sure the CPU library loads and speaks ABI v2; otherwise an InvalidOperationException that says what to do.</summary>
        internal static void EnsureCpu()
        {
            if (s_cpuReady)
            {
                return;
            }

            lock (Gate)
            {
                if (s_cpuReady)
                {
                    return;
                }

                CheckCpu(CpuNative.fl_abi_version);
                s_cpuReady = true;
            }
        }

        /// <summary>
        /// Makes sure the CUDA library loads, speaks ABI v2 and sees a device; otherwise an InvalidOperationException
        /// that says which of these is missing.
        /// </summary>
        internal static void EnsureCuda()
        {
            if (s_cudaReady)
            {
                return;
            }

            lock (Gate)
            {
                if (s_cudaReady)
                {
                    return;
                }

                CheckCuda(CudaNative.fl_cuda_abi_version, CudaNative.fl_cuda_device_count);
                s_cudaReady = true;
            }
        }

        /// <summary>The CPU handshake over <paramref name="abiVersion"/> (fl_abi_version): a clear error when it cannot be called or differs.</summary>
        internal static void CheckCpu(Func<int> abiVersion)
        {
            int version;
            try
            {
                version = abiVersion();
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException)
            {
                throw new InvalidOperationException(
                    $"FocalLoss.TorchSharp cannot load its CPU kernel library {FileName(CpuNative.Library)} ({e.Message}). " +
                    $"Searched: {string.Join(", ", SearchedDirectories())} and the default native search path. " +
                    $"The FocalLoss.TorchSharp package carries it under runtimes/{Rid}/native/ (Linux x64 only); " +
                    $"in a source build run build/build-native.sh, or set {DirectoryVariable} to the folder that holds it.", e);
            }

            if (version != Fl.AbiVersion)
            {
                throw new InvalidOperationException(
                    $"{FileName(CpuNative.Library)} speaks kernel ABI v{version}; this FocalLoss.TorchSharp needs v{Fl.AbiVersion}. " +
                    "The managed assembly and the native library come from different builds: use the ones from one package (or rebuild both).");
            }
        }

        /// <summary>The CUDA handshake (fl_cuda_abi_version, fl_cuda_device_count): a clear error for a missing library, another ABI, no device.</summary>
        internal static void CheckCuda(Func<int> abiVersion, Func<int> deviceCount)
        {
            int version;
            int devices;
            try
            {
                version = abiVersion();
                devices = version == Fl.AbiVersion ? deviceCount() : 0;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException)
            {
                throw new InvalidOperationException(
                    $"FocalLoss.TorchSharp cannot run on CUDA tensors here: its CUDA kernel library {FileName(CudaNative.Library)} cannot be loaded ({e.Message}). " +
                    $"Searched: {string.Join(", ", SearchedDirectories())} and the default native search path. " +
                    "It is built only where a CUDA toolkit is installed (build/build-native.sh) and needs an NVIDIA driver at run time. " +
                    "CPU tensors are not affected.", e);
            }

            if (version != Fl.AbiVersion)
            {
                throw new InvalidOperationException(
                    $"{FileName(CudaNative.Library)} speaks kernel ABI v{version}; this FocalLoss.TorchSharp needs v{Fl.AbiVersion}. " +
                    "The managed assembly and the native library come from different builds.");
            }

            if (devices <= 0)
            {
                throw new InvalidOperationException(
                    $"FocalLoss.TorchSharp cannot run on CUDA tensors here: {FileName(CudaNative.Library)} loaded but finds no usable CUDA device " +
                    "(no NVIDIA driver, or no GPU visible to this process).");
            }
        }

        internal static string FileName(string library) => "lib" + library + ".so";

        internal static string AssemblyDirectory
        {
            get
            {
                string location = typeof(NativeLibraries).Assembly.Location;
                string? dir = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
                return string.IsNullOrEmpty(dir) ? AppContext.BaseDirectory : dir!;
            }
        }

        /// <summary>The explicit directories probed, in order.</summary>
        internal static IReadOnlyList<string> SearchedDirectories()
        {
            var dirs = new List<string>();
            void Add(string d)
            {
                string full = Path.GetFullPath(d);
                if (!dirs.Contains(full))
                {
                    dirs.Add(full);
                }
            }

            string? env = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (!string.IsNullOrWhiteSpace(env))
            {
                Add(env!.Trim());
            }

            Add(AssemblyDirectory);
            Add(Path.Combine(AssemblyDirectory, "runtimes", Rid, "native"));
            Add(AppContext.BaseDirectory);
            Add(Path.Combine(AppContext.BaseDirectory, "runtimes", Rid, "native"));
            return dirs;
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (name == TorchSharpNative.Library)
            {
                // The library TorchSharp itself loaded: same resolution as from TorchSharp's assembly.
                return NativeLibrary.TryLoad(name, typeof(global::TorchSharp.torch).Assembly, searchPath, out IntPtr torchSharp)
                    ? torchSharp
                    : IntPtr.Zero;
            }

            if (name != CpuNative.Library && name != CudaNative.Library)
            {
                return IntPtr.Zero;
            }

            string file = FileName(name);
            foreach (string dir in SearchedDirectories())
            {
                string path = Path.Combine(dir, file);
                if (File.Exists(path))
                {
                    // A file that exists but does not load (wrong architecture, missing dependency) is an error worth seeing.
                    return NativeLibrary.Load(path);
                }
            }

            return NativeLibrary.TryLoad(name, assembly, searchPath, out IntPtr handle) ? handle : IntPtr.Zero;
        }
    }
}
