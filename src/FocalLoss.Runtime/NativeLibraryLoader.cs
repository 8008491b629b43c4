using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace FocalLoss.Runtime
{
    /// <summary>
    /// Finds and loads libFocalLossNative for this assembly's P/Invokes. Probing order:
    /// <list type="number">
    /// <item>the directory named by the <c>FOCALLOSS_NATIVE_DIR</c> environment variable;</item>
    /// <item>the directory of this assembly;</item>
    /// <item><c>runtimes/&lt;rid&gt;/native/</c> next to this assembly (the NuGet layout);</item>
    /// <item>the runtime's default probing (for example <c>LD_LIBRARY_PATH</c> and the system directories).</item>
    /// </list>
    /// </summary>
    internal static class NativeLibraryLoader
    {
        /// <summary>Environment variable naming a directory that holds the native library.</summary>
        internal const string DirectoryVariable = "FOCALLOSS_NATIVE_DIR";

        private static readonly object Gate = new object();
        private static bool s_resolverRegistered;
        private static IntPtr s_handle;

        /// <summary>The platform file name of the native library, e.g. <c>libFocalLossNative.so</c>.</summary>
        internal static string FileName
        {
            get
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    return NativeMethods.LibraryName + ".dll";
                }

                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    return "lib" + NativeMethods.LibraryName + ".dylib";
                }

                return "lib" + NativeMethods.LibraryName + ".so";
            }
        }

        /// <summary>The directory this assembly was loaded from, or the application base directory when it has no file.</summary>
        internal static string AssemblyDirectory
        {
            get
            {
                string location = typeof(NativeLibraryLoader).Assembly.Location;
                string? dir = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
                return string.IsNullOrEmpty(dir) ? AppContext.BaseDirectory : dir!;
            }
        }

        /// <summary>
        /// The explicit candidate files, in probing order (default probing, the last step, is not a file).
        /// Each entry is (where the candidate comes from, full path).
        /// </summary>
        internal static IReadOnlyList<(string Source, string Path)> CandidatePaths(string? nativeDirVariable, string assemblyDirectory)
        {
            var result = new List<(string, string)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);

            void Add(string source, string path)
            {
                string full = Path.GetFullPath(path);
                if (seen.Add(full))
                {
                    result.Add((source, full));
                }
            }

            if (!string.IsNullOrWhiteSpace(nativeDirVariable))
            {
                Add(DirectoryVariable, Path.Combine(nativeDirVariable!.Trim(), FileName));
            }

            Add("assembly directory", Path.Combine(assemblyDirectory, FileName));
            foreach (string rid in RuntimeIdentifiers())
            {
                Add("runtimes/" + rid + "/native", Path.Combine(assemblyDirectory, "runtimes", rid, "native", FileName));
            }

            return result;
        }

        /// <summary>The runtime identifiers to probe under <c>runtimes/</c>: the runtime's own, then the portable one.</summary>
        internal static IEnumerable<string> RuntimeIdentifiers()
        {
            string own = RuntimeInformation.RuntimeIdentifier;
            if (!string.IsNullOrEmpty(own))
            {
                yield return own;
            }

            string os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : "linux";
            string arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.X86 => "x86",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                _ => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            };
            string portable = os + "-" + arch;
            if (!string.Equals(portable, own, StringComparison.Ordinal))
            {
                yield return portable;
            }
        }

        /// <summary>Registers the import resolver for this assembly (once).</summary>
        internal static void EnsureResolverRegistered()
        {
            lock (Gate)
            {
                if (!s_resolverRegistered)
                {
                    NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
                    s_resolverRegistered = true;
                }
            }
        }

        /// <summary>
        /// Loads the native library (once) and returns its handle.
        /// </summary>
        /// <exception cref="InvalidOperationException">
        /// The library could not be loaded; the message lists every path tried and why each failed,
        /// and the inner exception is the <see cref="DllNotFoundException"/> of the last attempt.
        /// </exception>
        internal static IntPtr Load()
        {
            lock (Gate)
            {
                if (s_handle != IntPtr.Zero)
                {
                    return s_handle;
                }

                var report = new StringBuilder();
                DllNotFoundException? last = null;
                foreach ((string source, string path) in CandidatePaths(Environment.GetEnvironmentVariable(DirectoryVariable), AssemblyDirectory))
                {
                    if (!File.Exists(path))
                    {
                        report.Append("  - ").Append(source).Append(": ").Append(path).AppendLine(" (no such file)");
                        continue;
                    }

                    try
                    {
                        s_handle = NativeLibrary.Load(path);
                        return s_handle;
                    }
                    catch (DllNotFoundException e)
                    {
                        last = e;
                        report.Append("  - ").Append(source).Append(": ").Append(path).Append(" (exists but failed to load: ").Append(e.Message).AppendLine(")");
                    }
                    catch (BadImageFormatException e)
                    {
                        report.Append("  - ").Append(source).Append(": ").Append(path).Append(" (not a loadable library for this process: ").Append(e.Message).AppendLine(")");
                    }
                }

                try
                {
                    s_handle = NativeLibrary.Load(NativeMethods.LibraryName, typeof(NativeLibraryLoader).Assembly, null);
                    return s_handle;
                }
                catch (DllNotFoundException e)
                {
                    last = e;
                    report.Append("  - default probing for '").Append(NativeMethods.LibraryName).Append("' (LD_LIBRARY_PATH, system directories): ").AppendLine(e.Message);
                }

                string message =
                    "FocalLoss.Runtime could not load its native library '" + FileName + "'. Paths tried, in order:" + Environment.NewLine +
                    report.ToString() +
                    "The native library links against libtorch (libtorch_cpu, libc10 and, for CUDA builds, libtorch_cuda) of the version it was built for; " +
                    "those must be loadable by the system loader (installed in a default location or on LD_LIBRARY_PATH / PATH / DYLD_LIBRARY_PATH). " +
                    "Set " + DirectoryVariable + " to the directory that holds '" + FileName + "', or build it from the source repository with build/build-native.sh.";
                throw new InvalidOperationException(message, last);
            }
        }

        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (!string.Equals(libraryName, NativeMethods.LibraryName, StringComparison.Ordinal))
            {
                return IntPtr.Zero;
            }

            try
            {
                return Load();
            }
            catch (InvalidOperationException)
            {
                // Let the runtime report DllNotFoundException; the public entry points call Load()
                // first and surface the detailed message themselves.
                return IntPtr.Zero;
            }
        }
    }
}
