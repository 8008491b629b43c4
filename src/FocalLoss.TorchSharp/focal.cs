using System;
using TorchSharp;
using Reduction = TorchSharp.torch.nn.Reduction;
using Tensor = TorchSharp.torch.Tensor;

namespace FocalLoss.TorchSharp
{
    /// <summary>
    /// Focal-loss functions and module factories in TorchSharp's style. Write
    /// <c>using FocalLoss.TorchSharp;</c> and call <c>focal.sigmoid_focal_loss(input, target)</c>.
    /// </summary>
    /// <remarks>
    /// Each call runs one fused kernel (CPU, or CUDA for CUDA tensors) over contiguous data and returns a
    /// TorchSharp tensor; when the input requires grad the result carries a custom autograd node whose
    /// backward is the fused analytic backward, and which keeps only the inputs alive (no intermediates).
    /// </remarks>
#pragma warning disable CS8981 // Lower-case static class names are TorchSharp's convention (torch, nn, torchvision.ops).
    public static class focal
#pragma warning restore CS8981
    {
        /// <summary>
        /// Sigmoid focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection"), as torchvision's
        /// <c>sigmoid_focal_loss</c>, plus MMDetection's per-element/per-anchor/per-class weight, <c>avg_factor</c>,
        /// class-index targets and probability inputs: <c>FL = alpha_t * (1 - p_t)^gamma * CE</c> per element, fused,
        /// with an analytic backward.
        /// </summary>
        /// <param name="input">Logits (or, with <paramref name="activated"/>, probabilities in [0, 1]); Float16, BFloat16,
        /// Float32 or Float64; shape <c>[..., C]</c>; on the CPU or a CUDA device. Non-contiguous tensors are accepted (copied).</param>
        /// <param name="target">Either a dense target of the input's dtype and shape (0/1, or soft in [0, 1]; torchvision),
        /// or int64 class indices of shape <c>input.shape[:-1]</c> in [0, C], where C means background (MMDetection).
        /// Must not require grad.</param>
        /// <param name="alpha">Weight of positives in [0, 1] (negatives get 1 - alpha); any finite negative value disables balancing.</param>
        /// <param name="gamma">Exponent of the modulating factor <c>(1 - p_t)</c>; finite and &gt;= 0.</param>
        /// <param name="reduction">None (default, as torchvision), Mean or Sum.</param>
        /// <param name="weight">Optional weight of the input's dtype, not requiring grad: per element (input's shape), per anchor
        /// (<c>input.shape[:-1]</c>, or with a trailing 1) or per class (<c>[C]</c>). With Mean the weighted sum is divided by
        /// the element count (as MMDetection's <c>loss.mean()</c>), or by <paramref name="avg_factor"/>.</param>
        /// <param name="avg_factor">Optional, finite and &gt; 0: with Mean the result is the sum divided by it (MMDetection,
        /// without its 1.2e-7 epsilon); ignored with None; not allowed with Sum.</param>
        /// <param name="activated">False (default): <paramref name="input"/> holds logits. True: it holds probabilities already
        /// passed through a sigmoid (MMDetection's <c>activated=True</c>, <c>py_focal_loss_with_prob</c>): the cross entropy is
        /// <c>binary_cross_entropy(p, t)</c> with logs clamped at -100, as PyTorch's.</param>
        /// <returns>The loss: the input's shape and dtype with <see cref="Reduction.None"/>, otherwise a scalar. It carries a
        /// grad_fn when the input requires grad (and grad mode is on), so <c>backward()</c> reaches the fused backward.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="target"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">alpha, gamma, reduction or avg_factor is out of range.</exception>
        /// <exception cref="ArgumentException">A tensor has a wrong shape, dtype or device, requires grad where it must not, a class
        /// index is outside [0, C], or avg_factor is combined with Sum; <see cref="ArgumentException.ParamName"/> names the argument.</exception>
        /// <exception cref="InvalidOperationException">The kernel library cannot be loaded or has another ABI version, CUDA tensors are
        /// passed where the CUDA library or a GPU is missing, or a kernel failed.</exception>
        public static Tensor sigmoid_focal_loss(
            Tensor input,
            Tensor target,
            double alpha = 0.25,
            double gamma = 2.0,
            Reduction reduction = Reduction.None,
            Tensor? weight = null,
            double? avg_factor = null,
            bool activated = false)
        {
            FocalProblem problem = FocalProblem.Create(input, target, weight, alpha, gamma, reduction, avg_factor, activated);
            using (DisposeScope scope = torch.NewDisposeScope())
            {
                Tensor x = input.contiguous();
                Tensor t = target.contiguous();
                Tensor? w = weight?.contiguous();
                // The kernel runs first: a call that fails leaves no autograd node behind.
                Tensor output = FocalLossFunction.Run(problem, x, t, w);
                Tensor result = torch.is_grad_enabled() && input.requires_grad
                    ? FocalLossFunction.apply(x, t, w!, new FocalLossFunction.Computed(problem, output))
                    : output;
                return result.MoveToOuterDisposeScope();
            }
        }

        /// <summary>
        /// Creates a <see cref="Modules.SigmoidFocalLoss"/> module, TorchSharp style (<c>focal.SigmoidFocalLoss(...)</c>,
        /// like <c>nn.BCEWithLogitsLoss(...)</c>).
        /// </summary>
        /// <param name="alpha">Weight of positives in [0, 1]; any finite negative value disables balancing.</param>
        /// <param name="gamma">Exponent of the modulating factor; finite and &gt;= 0.</param>
        /// <param name="reduction">Mean by default, as TorchSharp's and MMDetection's loss modules.</param>
        /// <param name="weight">Optional weight used by every call (per element, per anchor or per class); not owned by the module.</param>
        /// <param name="activated">True when the module's inputs are probabilities (MMDetection's <c>activated=True</c>).</param>
        /// <param name="loss_weight">Factor applied to the loss (MMDetection's <c>loss_weight</c>); finite.</param>
        /// <returns>The module.</returns>
        /// <exception cref="ArgumentOutOfRangeException">alpha, gamma, reduction or loss_weight is out of range.</exception>
        public static Modules.SigmoidFocalLoss SigmoidFocalLoss(
            double alpha = 0.25,
            double gamma = 2.0,
            Reduction reduction = Reduction.Mean,
            Tensor? weight = null,
            bool activated = false,
            double loss_weight = 1.0)
        {
            return new Modules.SigmoidFocalLoss(alpha, gamma, reduction, weight, activated, loss_weight);
        }
    }
}
