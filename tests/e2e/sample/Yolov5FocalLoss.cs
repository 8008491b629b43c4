// Port of YOLOv5's FocalLoss (utils/loss.py): wraps an elementwise BCE-with-logits loss.
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FocalLossSample
{
    public sealed class Yolov5FocalLoss
    {
        private readonly double gamma;
        private readonly double alpha;
        private readonly Reduction reduction;

        public Yolov5FocalLoss(double gamma = 1.5, double alpha = 0.25, Reduction reduction = Reduction.Mean)
        {
            this.gamma = gamma;
            this.alpha = alpha;
            this.reduction = reduction;
        }

        public Tensor forward(Tensor pred, Tensor @true)
        {
            var loss = functional.binary_cross_entropy_with_logits(pred, @true, reduction: Reduction.None);
            var pred_prob = torch.sigmoid(pred);
            var p_t = @true * pred_prob + (1 - @true) * (1 - pred_prob);
            var alpha_factor = @true * alpha + (1 - @true) * (1 - alpha);
            var modulating_factor = (1.0 - p_t).pow(gamma);
            loss *= alpha_factor * modulating_factor;

            if (reduction == Reduction.Mean)
            {
                return loss.mean();
            }
            if (reduction == Reduction.Sum)
            {
                return loss.sum();
            }
            return loss;
        }
    }
}
