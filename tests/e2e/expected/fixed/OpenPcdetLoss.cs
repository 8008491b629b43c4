// Port of OpenPCDet's SigmoidFocalClassificationLoss (pcdet/utils/loss_utils.py), as published.
// Its `pt` holds 1 - p_t, so torch.pow(pt, gamma) IS the focal term (1 - p_t)^gamma: correct.
using TorchSharp;
using static TorchSharp.torch;

namespace FocalLossSample
{
    public sealed class SigmoidFocalClassificationLoss
    {
        private readonly double gamma;
        private readonly double alpha;

        public SigmoidFocalClassificationLoss(double gamma = 2.0, double alpha = 0.25)
        {
            this.gamma = gamma;
            this.alpha = alpha;
        }

        // tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) - x * z + log(1 + exp(-abs(x)))
        public static Tensor sigmoid_cross_entropy_with_logits(Tensor input, Tensor target)
        {
            var loss = input.clamp_min(0) - input * target + torch.log1p(torch.exp(-torch.abs(input)));
            return loss;
        }

        public Tensor forward(Tensor input, Tensor target, Tensor weights)
        {
            var pred_sigmoid = torch.sigmoid(input);
            var alpha_weight = target * alpha + (1 - target) * (1 - alpha);
            var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);
            var focal_weight = alpha_weight * torch.pow(1 - pt, gamma);

            var bce_loss = sigmoid_cross_entropy_with_logits(input, target);
            var loss = focal_weight * bce_loss;

            if (weights.dim() == 2 || (weights.dim() == 1 && target.dim() == 2))
            {
                weights = weights.unsqueeze(-1);
            }
            return loss * weights;
        }
    }
}
