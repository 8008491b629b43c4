// The explicit two-branch focal loss written with log(p) and log(1 - p) of the probability:
// in float32, log(sigmoid(x)) is -inf below x of about -88 and log(1 - sigmoid(x)) above
// about 17 (MONAI PR 7534). FL0004, twice.
using TorchSharp;
using static TorchSharp.torch;

namespace FocalLossSample
{
    public static class BranchFormLosses
    {
        public static Tensor focal_loss(Tensor logits, Tensor t, double alpha = 0.25, double gamma = 2.0)
        {
            var p = torch.sigmoid(logits);
            var positive = -alpha * t * (1 - p).pow(gamma) * torch.nn.functional.logsigmoid(logits);
            var negative = -(1 - alpha) * (1 - t) * p.pow(gamma) * torch.nn.functional.logsigmoid(-logits);
            return (positive + negative).mean();
        }
    }
}
