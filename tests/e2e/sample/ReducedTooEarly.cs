// The shape of TorchSharp's float overload of torchvision.ops.sigmoid_focal_loss: the requested
// reduction goes into binary_cross_entropy_with_logits, so the element-wise focal weight then
// multiplies a reduced cross entropy. FL0005.
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FocalLossSample
{
    public static class EarlyReductionLosses
    {
        public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = 2.0f, Reduction reduction = Reduction.None)
        {
            var p = torch.sigmoid(inputs);
            var ce_loss = functional.binary_cross_entropy_with_logits(inputs, targets, reduction: reduction);
            var p_t = p * targets + (1 - p) * (1 - targets);
            var loss = ce_loss * (1 - p_t).pow(gamma);
            return loss;
        }
    }
}
