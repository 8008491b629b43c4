using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FocalLoss.Runtime
{
    /// <summary>
    /// The fused sigmoid focal loss of libFocalLossNative, over native <c>at::Tensor*</c> handles
    /// (TorchSharp's <c>torch.Tensor.Handle</c>), plus the version handshake with the native library.
    /// </summary>
    /// <remarks>
    /// The native library is loaded and checked on first use (see <see cref="ExpectedAbiVersion"/>).
    /// It must have been built against the same libtorch (major.minor) as the one in the process;
    /// call <see cref="EnsureCompatible"/> with the host's libtorch version to fail early and readably.
    /// </remarks>
    public static class FocalLossNative
    {
        /// <summary>The C ABI version (<c>FL_ABI_VERSION</c>) this managed layer was written against.</summary>
        public const int ExpectedAbiVersion = NativeMethods.AbiVersion;

        private static readonly object Gate = new object();
        private static volatile bool s_initialized;
        private static int s_nativeAbiVersion;
        private static string s_torchVersion = string.Empty;
        private static bool s_cudaCompiled;

        /// <summary>The ABI version reported by the loaded native library (equal to <see cref="ExpectedAbiVersion"/> once loaded).</summary>
        /// <exception cref="InvalidOperationException">The native library cannot be loaded or reports another ABI version.</exception>
        public static int NativeAbiVersion
        {
            get
            {
                EnsureInitialized();
                return s_nativeAbiVersion;
            }
        }

        /// <summary>The libtorch version the native library was compiled against, for example <c>"1.13.1"</c>.</summary>
        /// <exception cref="InvalidOperationException">The native library cannot be loaded or reports another ABI version.</exception>
        public static string TorchVersion
        {
            get
            {
                EnsureInitialized();
                return s_torchVersion;
            }
        }

        /// <summary>True when the native library was compiled with its CUDA kernel.</summary>
        /// <exception cref="InvalidOperationException">The native library cannot be loaded or reports another ABI version.</exception>
        public static bool CudaCompiled
        {
            get
            {
                EnsureInitialized();
                return s_cudaCompiled;
            }
        }

        /// <summary>True when a CUDA device is usable at run time by the native library (its CUDA kernel compiled in and a device present).</summary>
        /// <exception cref="InvalidOperationException">The native library cannot be loaded or reports another ABI version.</exception>
        public static bool CudaAvailable
        {
            get
            {
                EnsureInitialized();
                return NativeMethods.fl_cuda_available() != 0;
            }
        }

        /// <summary>
        /// Loads the native library and checks its ABI version. Every other member calls this first;
        /// calling it explicitly surfaces loading problems at a point of your choosing.
        /// </summary>
        /// <exception cref="InvalidOperationException">
        /// The library cannot be loaded (the message lists the paths tried and notes that libtorch must be
        /// loadable), or its ABI version differs from <see cref="ExpectedAbiVersion"/>.
        /// </exception>
        public static void EnsureInitialized()
        {
            if (s_initialized)
            {
                return;
            }

            lock (Gate)
            {
                if (s_initialized)
                {
                    return;
                }

                NativeLibraryLoader.EnsureResolverRegistered();
                NativeLibraryLoader.Load();

                int abi = NativeMethods.fl_abi_version();
                if (abi != ExpectedAbiVersion)
                {
                    throw new InvalidOperationException(
                        $"libFocalLossNative reports C ABI version {abi}, but FocalLoss.Runtime {typeof(FocalLossNative).Assembly.GetName().Version} expects version {ExpectedAbiVersion}. " +
                        "Use the native library that ships with this FocalLoss.Runtime version (or rebuild it from the same source revision).");
                }

                s_nativeAbiVersion = abi;
                s_torchVersion = NativeMethods.ReadString(NativeMethods.fl_torch_version());
                s_cudaCompiled = NativeMethods.fl_cuda_compiled() != 0;
                s_initialized = true;
            }
        }

        /// <summary>
        /// Checks that the host process's libtorch (for example the one TorchSharp loads) has the same
        /// major.minor version as the libtorch the native library was compiled against. Tensors cannot
        /// safely cross between different libtorch builds, so a mismatch is reported here, readably,
        /// instead of crashing later.
        /// </summary>
        /// <param name="hostTorchVersion">The host libtorch version, such as <c>"2.2.0"</c> or <c>"2.2.1+cu121"</c>.</param>
        /// <exception cref="ArgumentNullException"><paramref name="hostTorchVersion"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="hostTorchVersion"/> does not start with <c>major.minor</c>.</exception>
        /// <exception cref="InvalidOperationException">The major.minor versions differ (the message names both versions).</exception>
        public static void EnsureCompatible(string hostTorchVersion)
        {
            if (hostTorchVersion is null)
            {
                throw new ArgumentNullException(nameof(hostTorchVersion));
            }

            if (!TryParseMajorMinor(hostTorchVersion, out int hostMajor, out int hostMinor))
            {
                throw new ArgumentException(
                    $"Expected a libtorch version such as \"2.2.0\" (major.minor first); got \"{hostTorchVersion}\".",
                    nameof(hostTorchVersion));
            }

            string native = TorchVersion;
            if (!TryParseMajorMinor(native, out int nativeMajor, out int nativeMinor))
            {
                throw new InvalidOperationException($"libFocalLossNative reports an unreadable libtorch version \"{native}\".");
            }

            if (hostMajor != nativeMajor || hostMinor != nativeMinor)
            {
                throw new InvalidOperationException(
                    $"libtorch version mismatch: libFocalLossNative was built against libtorch {native} ({nativeMajor}.{nativeMinor}), " +
                    $"but the host process uses libtorch {hostTorchVersion.Trim()} ({hostMajor}.{hostMinor}). " +
                    "Tensors cannot be passed between different libtorch versions; use a FocalLoss native build compiled against " +
                    $"libtorch {hostMajor}.{hostMinor}.");
            }
        }

        /// <summary>
        /// Computes the sigmoid focal loss (Lin et al. 2017; torchvision's <c>sigmoid_focal_loss</c>, with
        /// MMDetection's weight and <c>avg_factor</c> options) with the fused native kernel.
        /// </summary>
        /// <param name="input">Borrowed <c>at::Tensor*</c>: logits, floating dtype, shape <c>[..., C]</c>.</param>
        /// <param name="target">Borrowed <c>at::Tensor*</c>: a dense floating target of the input's shape (0/1 or soft in [0, 1]),
        /// or int64 class indices of shape <c>input.shape[:-1]</c> where the value C means background.</param>
        /// <param name="weight">Borrowed <c>at::Tensor*</c> or <see cref="IntPtr.Zero"/>: per-element (input's shape),
        /// per-anchor (<c>input.shape[:-1]</c>) or per-class (<c>[C]</c>) weight.</param>
        /// <param name="alpha">Balance of positives in [0, 1]; any finite negative value disables balancing.</param>
        /// <param name="gamma">Focusing exponent, finite and &gt;= 0.</param>
        /// <param name="reduction">None, Mean or Sum.</param>
        /// <param name="avg_factor">Optional, finite and &gt; 0: with Mean the result is sum / avg_factor; ignored with None;
        /// not allowed with Sum.</param>
        /// <returns>A new owned tensor handle; it carries a grad_fn when an input requires grad.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="target"/> is <see cref="IntPtr.Zero"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException">alpha, gamma, reduction or avg_factor is out of range.</exception>
        /// <exception cref="ArgumentException">A tensor has a wrong shape, dtype or device, a class index is out of range,
        /// or avg_factor is combined with Sum; <see cref="ArgumentException.ParamName"/> names the argument.</exception>
        /// <exception cref="InvalidOperationException">libtorch failed (the native message is kept), or the native library is unusable.</exception>
        public static TensorHandle SigmoidFocalLoss(
            IntPtr input,
            IntPtr target,
            IntPtr weight,
            double alpha = 0.25,
            double gamma = 2.0,
            FocalReduction reduction = FocalReduction.None,
            double? avg_factor = null)
        {
            if (input == IntPtr.Zero)
            {
                throw new ArgumentNullException(nameof(input), "Expected a tensor handle for 'input'; got a null pointer.");
            }

            if (target == IntPtr.Zero)
            {
                throw new ArgumentNullException(nameof(target), "Expected a tensor handle for 'target'; got a null pointer.");
            }

            ValidateOptions(alpha, gamma, reduction, avg_factor);

            EnsureInitialized();

            int status = NativeMethods.fl_sigmoid_focal_loss(
                input, target, weight, alpha, gamma, (int)reduction,
                avg_factor.HasValue ? 1 : 0, avg_factor ?? 0.0, out IntPtr result);
            if (status != NativeMethods.StatusOk)
            {
                if (result != IntPtr.Zero)
                {
                    NativeMethods.fl_tensor_free(result);
                }

                throw NativeErrors.Translate(status, "fl_sigmoid_focal_loss");
            }

            if (result == IntPtr.Zero)
            {
                throw new InvalidOperationException("fl_sigmoid_focal_loss reported success but returned no tensor.");
            }

            return new TensorHandle(result);
        }

        /// <summary>
        /// Checks the scalar options of <see cref="SigmoidFocalLoss"/> without touching any tensor or the
        /// native library, with the same exceptions and parameter names (for example to validate a
        /// module's options when it is constructed).
        /// </summary>
        /// <param name="alpha">Balance of positives in [0, 1]; any finite negative value disables balancing.</param>
        /// <param name="gamma">Focusing exponent, finite and &gt;= 0.</param>
        /// <param name="reduction">None, Mean or Sum.</param>
        /// <param name="avg_factor">Optional, finite and &gt; 0; not allowed with Sum.</param>
        /// <exception cref="ArgumentOutOfRangeException">alpha, gamma, reduction or avg_factor is out of range.</exception>
        /// <exception cref="ArgumentException">avg_factor is combined with Sum.</exception>
        public static void ValidateOptions(double alpha, double gamma, FocalReduction reduction, double? avg_factor = null)
        {
            if (!double.IsFinite(alpha) || alpha > 1.0)
            {
                throw new ArgumentOutOfRangeException(nameof(alpha), alpha,
                    "alpha must be finite: in [0, 1], or negative to disable class balancing.");
            }

            if (!(gamma >= 0.0) || double.IsInfinity(gamma))
            {
                throw new ArgumentOutOfRangeException(nameof(gamma), gamma,
                    "gamma must be finite and >= 0.");
            }

            if (reduction != FocalReduction.None && reduction != FocalReduction.Mean && reduction != FocalReduction.Sum)
            {
                throw new ArgumentOutOfRangeException(nameof(reduction), reduction,
                    "reduction must be None (0), Mean (1) or Sum (2).");
            }

            if (avg_factor.HasValue)
            {
                double f = avg_factor.Value;
                if (!(f > 0.0) || double.IsInfinity(f))
                {
                    throw new ArgumentOutOfRangeException(nameof(avg_factor), f,
                        "avg_factor must be finite and > 0.");
                }

                if (reduction == FocalReduction.Sum)
                {
                    throw new ArgumentException(
                        "avg_factor cannot be combined with reduction Sum (as in MMDetection's weight_reduce_loss); use reduction Mean, or omit avg_factor.",
                        nameof(avg_factor));
                }
            }
        }

        /// <summary>Parses the leading <c>major.minor</c> of a version string such as <c>"2.2.1+cu121"</c> or <c>"v1.13"</c>.</summary>
        internal static bool TryParseMajorMinor(string version, out int major, out int minor)
        {
            major = 0;
            minor = 0;
            Match m = Regex.Match(version ?? string.Empty, @"^\s*v?(\d+)\.(\d+)", RegexOptions.CultureInvariant);
            return m.Success
                && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out major)
                && int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out minor);
        }
    }
}
