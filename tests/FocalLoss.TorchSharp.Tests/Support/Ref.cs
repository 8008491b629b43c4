using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp.Tests.Support
{
    /// <summary>Independent references built from TorchSharp's own operators (no FocalLoss code).</summary>
    internal static class Ref
    {
        /// <summary>torchvision.ops.sigmoid_focal_loss, ALWAYS its double overload (the float one reduces before weighting).</summary>
        public static Tensor Torchvision(Tensor input, Tensor target, double alpha, double gamma, Reduction reduction)
        {
            return torchvision.ops.sigmoid_focal_loss(input, target, alpha, gamma, reduction);
        }

        /// <summary>Dense 0/1 targets of the input's dtype from int64 class indices in [0, C] (C = background), as MMDetection.</summary>
        public static Tensor DenseOf(Tensor index, long classes, ScalarType dtype)
        {
            using Tensor oneHot = nn.functional.one_hot(index, classes + 1);
            using Tensor cut = oneHot.narrow(-1, 0, classes);
            return cut.to(dtype);
        }

        /// <summary>The weight broadcast to the input's shape (per element, per anchor [N..] or [N.., 1], per class [C]).</summary>
        public static Tensor BroadcastWeight(Tensor weight, long[] inputShape)
        {
            long[] rows = inputShape.Take(inputShape.Length - 1).ToArray();
            if (weight.shape.SequenceEqual(inputShape))
            {
                return weight.alias();
            }

            if (weight.shape.SequenceEqual(rows))
            {
                return weight.unsqueeze(-1).expand(inputShape);
            }

            return weight.expand(inputShape);
        }

        /// <summary>torchvision's per-element loss times the weight, then MMDetection's reduction (mean = sum / (numel or avg_factor)).</summary>
        public static Tensor Weighted(Tensor input, Tensor denseTarget, Tensor? weight, double alpha, double gamma, Reduction reduction, double? avgFactor)
        {
            using var scope = NewDisposeScope();
            Tensor loss = Torchvision(input, denseTarget, alpha, gamma, Reduction.None);
            if (weight is not null)
            {
                loss = loss * BroadcastWeight(weight, input.shape);
            }

            Tensor result = reduction switch
            {
                Reduction.None => loss,
                Reduction.Sum => loss.sum(),
                _ => avgFactor is double a ? loss.sum() / a : loss.sum() / (double)input.numel(),
            };
            return result.MoveToOuterDisposeScope();
        }

        /// <summary>MMDetection's py_focal_loss_with_prob (probability inputs), per element, written with TorchSharp operators.</summary>
        public static Tensor WithProb(Tensor prob, Tensor denseTarget, double alpha, double gamma, Reduction reduction)
        {
            using var scope = NewDisposeScope();
            Tensor t = denseTarget;
            Tensor pt = (1 - prob) * t + prob * (1 - t);
            Tensor focalWeight = (alpha * t + (1 - alpha) * (1 - t)) * pt.pow(gamma);
            Tensor loss = nn.functional.binary_cross_entropy(prob, t, reduction: Reduction.None) * focalWeight;
            Tensor result = reduction switch
            {
                Reduction.None => loss,
                Reduction.Sum => loss.sum(),
                _ => loss.mean(),
            };
            return result.MoveToOuterDisposeScope();
        }

        /// <summary>All values as doubles (any dtype, any device, any layout).</summary>
        public static double[] Values(Tensor t)
        {
            if (t.numel() == 0)
            {
                return Array.Empty<double>();
            }

            using Tensor d = t.detach().to(ScalarType.Float64).cpu().contiguous();
            return d.data<double>().ToArray();
        }

        public static Tensor Logits(long[] shape, ScalarType dtype, double scale = 3.0, bool requiresGrad = false)
        {
            using Tensor r = randn(shape, ScalarType.Float64);
            using Tensor s = r * scale;
            Tensor x = s.to(dtype);
            if (requiresGrad)
            {
                x.requires_grad_(true);
            }

            return x;
        }

        public static Tensor HardTargets(long[] shape, ScalarType dtype)
        {
            using Tensor u = rand(shape, ScalarType.Float64);
            using Tensor b = u.lt(0.3);
            return b.to(dtype);
        }

        public static Tensor SoftTargets(long[] shape, ScalarType dtype)
        {
            using Tensor u = rand(shape, ScalarType.Float64);
            return u.to(dtype);
        }

        public static Tensor IndexTargets(long[] rows, long classes)
        {
            return randint(0, classes + 1, rows, ScalarType.Int64);
        }

        public static Tensor Leaf(Tensor t)
        {
            Tensor leaf = t.detach().clone();
            leaf.requires_grad_(true);
            return leaf;
        }

        public static long[] Shape(string s) => s.Length == 0 ? Array.Empty<long>() : s.Split('x').Select(long.Parse).ToArray();
    }
}
