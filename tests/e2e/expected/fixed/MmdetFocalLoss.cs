// Port of MMDetection's py_sigmoid_focal_loss and weight_reduce_loss
// (mmdet/models/losses/focal_loss.py, utils.py). Its `pt` holds 1 - p_t: correct.
using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FocalLossSample
{
    public static class MmdetLosses
    {
        public static Tensor py_sigmoid_focal_loss(Tensor pred, Tensor target, Tensor? weight = null,
            double gamma = 2.0, double alpha = 0.25, Reduction reduction = Reduction.Mean, double? avg_factor = null)
        {
            var pred_sigmoid = pred.sigmoid();
            target = target.type_as(pred);
            var pt = pred_sigmoid * target + (1 - pred_sigmoid) * (1 - target);
            var focal_weight = (alpha * target + (1 - alpha) * (1 - target)) * (1 - pt).pow(gamma);
            var loss = functional.binary_cross_entropy_with_logits(pred, target, reduction: Reduction.None) * focal_weight;
            if (weight is not null)
            {
                if (weight.shape.Length != loss.shape.Length)
                {
                    if (weight.shape[0] == loss.shape[0])
                    {
                        weight = weight.view(-1, 1);
                    }
                    else
                    {
                        weight = weight.view(loss.shape[0], -1);
                    }
                }
            }
            return weight_reduce_loss(loss, weight, reduction, avg_factor);
        }

        public static Tensor weight_reduce_loss(Tensor loss, Tensor? weight, Reduction reduction, double? avg_factor)
        {
            if (weight is not null)
            {
                loss = loss * weight;
            }
            if (avg_factor is null)
            {
                return reduction switch
                {
                    Reduction.Mean => loss.mean(),
                    Reduction.Sum => loss.sum(),
                    _ => loss,
                };
            }
            if (reduction == Reduction.Mean)
            {
                return loss.sum() / avg_factor.Value;
            }
            if (reduction != Reduction.None)
            {
                throw new ArgumentException("avg_factor can not be used with reduction=\"sum\"", nameof(avg_factor));
            }
            return loss;
        }
    }
}
