using System;
using Reduction = TorchSharp.torch.nn.Reduction;
using Tensor = TorchSharp.torch.Tensor;

namespace FocalLoss.TorchSharp.Modules
{
    /// <summary>
    /// The sigmoid focal loss as a TorchSharp module: <c>forward(input, target)</c> calls
    /// <see cref="focal.sigmoid_focal_loss"/> with the module's options (MMDetection's <c>FocalLoss</c> with
    /// <c>use_sigmoid=True</c>).
    /// </summary>
    /// <remarks>
    /// Like TorchSharp's own loss modules the default reduction is Mean (the function's default is None, as
    /// torchvision's). The optional weight is referenced, not owned: the module never disposes it.
    /// </remarks>
    public sealed class SigmoidFocalLoss : global::TorchSharp.torch.nn.Module<Tensor, Tensor, Tensor>
    {
        /// <summary>Creates the module; the options are validated here.</summary>
        /// <param name="alpha">Weight of positives in [0, 1]; any finite negative value disables balancing.</param>
        /// <param name="gamma">Exponent of the modulating factor; finite and &gt;= 0.</param>
        /// <param name="reduction">None, Mean (default) or Sum.</param>
        /// <param name="weight">Optional weight used by every call (per element, per anchor or per class).</param>
        /// <param name="activated">True when inputs are probabilities rather than logits (MMDetection's <c>activated</c>).</param>
        /// <param name="loss_weight">Factor applied to the loss (MMDetection's <c>loss_weight</c>); finite.</param>
        /// <exception cref="ArgumentOutOfRangeException">alpha, gamma, reduction or loss_weight is out of range.</exception>
        public SigmoidFocalLoss(double alpha = 0.25, double gamma = 2.0, Reduction reduction = Reduction.Mean, Tensor? weight = null,
            bool activated = false, double loss_weight = 1.0)
            : base(nameof(SigmoidFocalLoss))
        {
            FocalProblem.ValidateOptions(alpha, gamma, reduction, null);
            if (double.IsNaN(loss_weight) || double.IsInfinity(loss_weight))
            {
                throw new ArgumentOutOfRangeException(nameof(loss_weight), loss_weight, "loss_weight must be finite.");
            }

            this.alpha = alpha;
            this.gamma = gamma;
            this.reduction = reduction;
            this.weight = weight;
            this.activated = activated;
            this.loss_weight = loss_weight;
        }

        /// <summary>Weight of positives (negatives get 1 - alpha); negative disables balancing.</summary>
        public double alpha { get; }

        /// <summary>Exponent of the modulating factor <c>(1 - p_t)</c>.</summary>
        public double gamma { get; }

        /// <summary>The reduction applied to the per-element loss.</summary>
        public Reduction reduction { get; }

        /// <summary>The weight applied by every call, or null.</summary>
        public Tensor? weight { get; }

        /// <summary>True when inputs are probabilities (MMDetection's <c>activated=True</c>), false for logits.</summary>
        public bool activated { get; }

        /// <summary>Factor applied to the loss (MMDetection's <c>loss_weight</c>).</summary>
        public double loss_weight { get; }

        /// <summary>Computes the loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
        /// <param name="input">Logits (or probabilities when <see cref="activated"/>), floating dtype, shape <c>[..., C]</c>.</param>
        /// <param name="target">Dense target of the input's dtype and shape, or int64 class indices of shape <c>input.shape[:-1]</c>.</param>
        /// <returns>The loss tensor.</returns>
        public override Tensor forward(Tensor input, Tensor target)
        {
            return forward(input, target, null, null);
        }

        /// <summary>
        /// Computes the loss with a per-call weight and <c>avg_factor</c>, as MMDetection's
        /// <c>FocalLoss.forward(pred, target, weight, avg_factor)</c>. A non-null <paramref name="weight"/>
        /// replaces the module's weight for this call. This overload does not run module hooks.
        /// </summary>
        /// <param name="input">Logits (or probabilities when <see cref="activated"/>), floating dtype, shape <c>[..., C]</c>.</param>
        /// <param name="target">Dense target of the input's dtype and shape, or int64 class indices of shape <c>input.shape[:-1]</c>.</param>
        /// <param name="weight">Per-call weight (per element, per anchor or per class), or null for the module's weight.</param>
        /// <param name="avg_factor">With Mean, the sum is divided by it; finite and &gt; 0; not allowed with Sum.</param>
        /// <returns>The loss tensor.</returns>
        public Tensor forward(Tensor input, Tensor target, Tensor? weight, double? avg_factor)
        {
            Tensor loss = focal.sigmoid_focal_loss(input, target, alpha, gamma, reduction, weight ?? this.weight, avg_factor, activated);
            if (loss_weight == 1.0)
            {
                return loss;
            }

            using (loss)
            {
                return loss.mul(loss_weight);
            }
        }
    }
}
