// OpenPCDet's loss with the change that seed article 000 proposes: `pt` rewritten to the paper's
// p_t while torch.pow(pt, gamma) is kept. That weights easy examples the most: FL0001.
using TorchSharp;
using static TorchSharp.torch;

namespace FocalLossSample
{
    public sealed class ProposedSigmoidFocalClassificationLoss
    {
        private readonly double gamma;
        private readonly double alpha;

        public ProposedSigmoidFocalClassificationLoss(double gamma = 2.0, double alpha = 0.25)
        {
            this.gamma = gamma;
            this.alpha = alpha;
        }

        public Tensor forward(Tensor input, Tensor target, Tensor weights)
        {
            var pred_sigmoid = torch.sigmoid(input);
            var alpha_weight = target * alpha + (1 - target) * (1 - alpha);
            var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);
            var focal_weight = alpha_weight * torch.pow(1 - pt, gamma);

            var bce_loss = SigmoidFocalClassificationLoss.sigmoid_cross_entropy_with_logits(input, target);
            var loss = focal_weight * bce_loss;

            if (weights.dim() == 2 || (weights.dim() == 1 && target.dim() == 2))
            {
                weights = weights.unsqueeze(-1);
            }
            return loss * weights;
        }
    }
}
