// YOLOv5's FocalLoss ported with the alpha balance swapped (a common port mistake): positives
// get 1 - alpha and negatives alpha. FL0002.
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FocalLossSample
{
    public sealed class InvertedAlphaFocalLoss
    {
        private readonly double gamma;
        private readonly double alpha;

        public InvertedAlphaFocalLoss(double gamma = 1.5, double alpha = 0.25)
        {
            this.gamma = gamma;
            this.alpha = alpha;
        }

        public Tensor forward(Tensor pred, Tensor @true)
        {
            var loss = functional.binary_cross_entropy_with_logits(pred, @true, reduction: Reduction.None);
            var pred_prob = torch.sigmoid(pred);
            var p_t = @true * pred_prob + (1 - @true) * (1 - pred_prob);
            var alpha_factor = @true * alpha + (1 - @true) * (1 - alpha);
            var modulating_factor = (1.0 - p_t).pow(gamma);
            loss *= alpha_factor * modulating_factor;
            return loss.mean();
        }
    }
}
