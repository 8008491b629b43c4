// The TorchSharp-typed API. It is compile-checked against a reference facade of TorchSharp in this
// repository (TorchSharp is not on the build feed here); it runs wherever TorchSharp is installed,
// with a libFocalLossNative built against the libtorch that TorchSharp loads.
using System;
using FocalLoss.Runtime;
using Reduction = TorchSharp.torch.nn.Reduction;
using Tensor = TorchSharp.torch.Tensor;

namespace FocalLoss.TorchSharp
{
    /// <summary>
    /// Focal-loss functions and module factories in TorchSharp's style. Write
    /// <c>using static FocalLoss.TorchSharp.focal;</c> and call <c>sigmoid_focal_loss(input, target)</c>.
    /// </summary>
    /// <remarks>
    /// Each call goes straight to the fused native kernel (CPU, or CUDA when the native library was built
    /// with it): <c>Tensor.Handle</c> in, <c>torch.Tensor.UnsafeCreateTensor</c> out. The native library
    /// must be compiled against the same libtorch major.minor as TorchSharp's; call
    /// <see cref="FocalLossNative.EnsureCompatible"/> with that version once at start-up to get a readable
    /// error instead of undefined behaviour. This layer is compile-checked in its own repository and not
    /// executed there (no TorchSharp on that build machine); the operator itself is tested through
    /// FocalLoss.Runtime.
    /// </remarks>
#pragma warning disable CS8981 // Lower-case static class names are TorchSharp's convention (torch, nn, torchvision.ops).
    public static class focal
#pragma warning restore CS8981
    {
        /// <summary>
        /// Sigmoid focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection"), as torchvision's
        /// <c>sigmoid_focal_loss</c>, plus MMDetection's per-element/per-anchor/per-class weight and
        /// <c>avg_factor</c>: <c>FL = alpha_t * (1 - p_t)^gamma * CE</c> per element, fused, with an analytic backward.
        /// </summary>
        /// <param name="input">Logits, floating dtype (float16, bfloat16, float32, float64), shape <c>[..., C]</c>.</param>
        /// <param name="target">Either a dense floating target of the input's shape (0/1, or soft in [0, 1]; torchvision),
        /// or int64 class indices of shape <c>input.shape[:-1]</c> where the value C means background (MMDetection).</param>
        /// <param name="alpha">Weight of positives in [0, 1] (negatives get 1 - alpha); any negative value disables balancing.</param>
        /// <param name="gamma">Exponent of the modulating factor <c>(1 - p_t)</c>; finite and &gt;= 0.</param>
        /// <param name="reduction">None (default, as torchvision), Mean or Sum.</param>
        /// <param name="weight">Optional weight: per element (input's shape), per anchor (<c>input.shape[:-1]</c>) or per class (<c>[C]</c>).</param>
        /// <param name="avg_factor">Optional, finite and &gt; 0: with Mean the result is the sum divided by it (MMDetection);
        /// no effect with None; not allowed with Sum.</param>
        /// <returns>The loss: the input's shape with <see cref="Reduction.None"/>, otherwise a scalar. It carries a grad_fn
        /// when an input requires grad, so <c>backward()</c> reaches the fused backward.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="target"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">alpha, gamma, reduction or avg_factor is out of range.</exception>
        /// <exception cref="ArgumentException">A tensor has a wrong shape, dtype or device, a class index is out of range, or
        /// avg_factor is combined with Sum; <see cref="ArgumentException.ParamName"/> names the argument.</exception>
        /// <exception cref="InvalidOperationException">libtorch failed, or the native library cannot be loaded or is incompatible.</exception>
        public static Tensor sigmoid_focal_loss(
            Tensor input,
            Tensor target,
            double alpha = 0.25,
            double gamma = 2.0,
            Reduction reduction = Reduction.None,
            Tensor? weight = null,
            double? avg_factor = null)
        {
            if (input is null)
            {
                throw new ArgumentNullException(nameof(input));
            }

            if (target is null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            FocalReduction focalReduction = ToFocalReduction(reduction);
            using TensorHandle result = FocalLossNative.SigmoidFocalLoss(
                input.Handle, target.Handle, weight is null ? IntPtr.Zero : weight.Handle,
                alpha, gamma, focalReduction, avg_factor);

            // The borrowed native tensors must outlive the native call (a finalizer could free them otherwise).
            GC.KeepAlive(input);
            GC.KeepAlive(target);
            GC.KeepAlive(weight);

            // UnsafeCreateTensor takes ownership of the pointer; TorchSharp frees it with its own dispose.
            return Tensor.UnsafeCreateTensor(result.TransferOwnership());
        }

        /// <summary>
        /// Creates a <see cref="Modules.SigmoidFocalLoss"/> module, TorchSharp style (<c>focal.SigmoidFocalLoss(...)</c>,
        /// like <c>nn.BCEWithLogitsLoss(...)</c>).
        /// </summary>
        /// <param name="alpha">Weight of positives in [0, 1]; any negative value disables balancing.</param>
        /// <param name="gamma">Exponent of the modulating factor; finite and &gt;= 0.</param>
        /// <param name="reduction">Mean by default, as TorchSharp's and MMDetection's loss modules.</param>
        /// <param name="weight">Optional weight used by every call (per element, per anchor or per class); not owned by the module.</param>
        /// <returns>The module.</returns>
        /// <exception cref="ArgumentOutOfRangeException">alpha, gamma or reduction is out of range.</exception>
        public static Modules.SigmoidFocalLoss SigmoidFocalLoss(
            double alpha = 0.25,
            double gamma = 2.0,
            Reduction reduction = Reduction.Mean,
            Tensor? weight = null)
        {
            return new Modules.SigmoidFocalLoss(alpha, gamma, reduction, weight);
        }

        /// <summary>Converts TorchSharp's reduction to the runtime's, rejecting undefined values.</summary>
        internal static FocalReduction ToFocalReduction(Reduction reduction)
        {
            long value = (long)reduction;
            if (value < (long)FocalReduction.None || value > (long)FocalReduction.Sum)
            {
                throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "reduction must be None, Mean or Sum.");
            }

            return (FocalReduction)(int)value;
        }
    }
}
