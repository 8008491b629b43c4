namespace FocalLoss.Analyzers.Tests.Runtime
{
    /// <summary>
    /// C# ports of the seed losses, each in three versions: a buggy variant one rule reports (markup on the
    /// flagged expression: the FL0001 power, the FL0002 alpha balance, the FL0003 probability argument, the FL0005
    /// reducing call), the correct original (the reference the rewritten call must equal), and the expected result
    /// of "Use FocalLoss.TorchSharp sigmoid_focal_loss".
    /// </summary>
    internal static class SeedLosses
    {
        // ---------------------------------------------------------------------------------------------
        // OpenPCDet SigmoidFocalClassificationLoss with per-anchor weights and the seed 000 change applied.

        public static readonly string PcdetSeed000 = Seeds.Pcdet(pt: Seeds.Seed000Pt, focalTerm: "{|#0:torch.pow(pt, this.gamma)|}");

        public static readonly string PcdetInPlace = Seeds.Pcdet(pt: Seeds.Seed000Pt, focalTerm: "torch.pow(1 - pt, this.gamma)");

        public static readonly string PcdetRuntime = Seeds.WithRuntimeUsing(Seeds.PcdetHead) + @"        return focal.sigmoid_focal_loss(input, target, alpha: this.alpha, gamma: this.gamma, weight: weights.unsqueeze(-1));
" + Seeds.ClassTail;

        /// <summary>OpenPCDet as published (its pt holds 1 - p_t), with the helper written inline.</summary>
        public static readonly string PcdetCorrect = Seeds.PcdetHead + @"        var pred_sigmoid = torch.sigmoid(input);
        var alpha_weight = target * this.alpha + (1 - target) * (1 - this.alpha);
        var pt = target * (1.0 - pred_sigmoid) + (1.0 - target) * pred_sigmoid;
        var focal_weight = alpha_weight * torch.pow(pt, this.gamma);
        var bce_loss = torch.clamp_min(input, 0) - input * target + torch.log1p(torch.exp(-torch.abs(input)));
        var loss = focal_weight * bce_loss;
        return loss * weights.unsqueeze(-1);
    }
}
";

        // ---------------------------------------------------------------------------------------------
        // MMDetection py_sigmoid_focal_loss with weight and avg_factor, pt.pow inverted.

        private const string MmdetHead = @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class MMDetLosses
{
    public static Tensor py_sigmoid_focal_loss(Tensor pred, Tensor target, Tensor weight, double gamma = 2.0, double alpha = 0.25, double avg_factor = 1.0)
    {
        var pred_sigmoid = pred.sigmoid();
        target = target.type_as(pred);
";

        private const string MmdetTail = @"        var loss = nn.functional.binary_cross_entropy_with_logits(pred, target, reduction: nn.Reduction.None) * focal_weight;
        loss = loss * weight;
        return loss.sum() / avg_factor;
    }
}
";

        public const string MmdetInvertedPow = MmdetHead + @"        var pt = (1 - pred_sigmoid) * target + pred_sigmoid * (1 - target);
        var focal_weight = (alpha * target + (1 - alpha) * (1 - target)) * {|#0:(1 - pt).pow(gamma)|};
" + MmdetTail;

        public const string MmdetInPlace = MmdetHead + @"        var pt = (1 - pred_sigmoid) * target + pred_sigmoid * (1 - target);
        var focal_weight = (alpha * target + (1 - alpha) * (1 - target)) * pt.pow(gamma);
" + MmdetTail;

        public const string MmdetCorrect = MmdetInPlace;

        /// <summary>FL0002: the alpha balance inverted (positives get 1 - alpha), the power correct.</summary>
        public const string MmdetInvertedAlpha = MmdetHead + @"        var pt = (1 - pred_sigmoid) * target + pred_sigmoid * (1 - target);
        var focal_weight = ({|#0:alpha * (1 - target) + (1 - alpha) * target|}) * pt.pow(gamma);
" + MmdetTail;

        /// <summary>The FL0002 in-place fix of <see cref="MmdetInvertedAlpha"/>: the alpha operands exchanged.</summary>
        public const string MmdetAlphaInPlace = MmdetHead + @"        var pt = (1 - pred_sigmoid) * target + pred_sigmoid * (1 - target);
        var focal_weight = ((1 - alpha) * (1 - target) + alpha * target) * pt.pow(gamma);
" + MmdetTail;

        public const string MmdetRuntime = @"using System;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

public static class MMDetLosses
{
    public static Tensor py_sigmoid_focal_loss(Tensor pred, Tensor target, Tensor weight, double gamma = 2.0, double alpha = 0.25, double avg_factor = 1.0)
    {
        target = target.type_as(pred);
        return focal.sigmoid_focal_loss(pred, target, alpha: alpha, gamma: gamma, reduction: nn.Reduction.Mean, weight: weight, avg_factor: avg_factor);
    }
}
";

        // ---------------------------------------------------------------------------------------------
        // YOLOv5 FocalLoss (mean reduction) with p_t.pow(gamma).

        private const string YoloHead = @"using System;
using TorchSharp;
using static TorchSharp.torch;

namespace YoloV5;

public sealed class FocalLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly double gamma;
    private readonly double alpha;

    public FocalLoss(double gamma = 1.5, double alpha = 0.25) : base(nameof(FocalLoss))
    {
        this.gamma = gamma;
        this.alpha = alpha;
    }

    public override Tensor forward(Tensor pred, Tensor @true)
    {
";

        private const string YoloBody = @"        var loss = nn.functional.binary_cross_entropy_with_logits(pred, @true, reduction: nn.Reduction.None);
        var pred_prob = torch.sigmoid(pred);
        var p_t = @true * pred_prob + (1 - @true) * (1 - pred_prob);
        var alpha_factor = @true * alpha + (1 - @true) * (1 - alpha);
";

        public const string YoloPtPow = YoloHead + YoloBody + @"        var modulating_factor = {|#0:p_t.pow(gamma)|};
        loss *= alpha_factor * modulating_factor;
        return loss.mean();
    }
}
";

        public const string YoloInPlace = YoloHead + YoloBody + @"        var modulating_factor = (1 - p_t).pow(gamma);
        loss *= alpha_factor * modulating_factor;
        return loss.mean();
    }
}
";

        public const string YoloCorrect = YoloHead + YoloBody + @"        var modulating_factor = (1.0 - p_t).pow(gamma);
        loss *= alpha_factor * modulating_factor;
        return loss.mean();
    }
}
";

        public const string YoloRuntime = @"using System;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace YoloV5;

public sealed class FocalLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly double gamma;
    private readonly double alpha;

    public FocalLoss(double gamma = 1.5, double alpha = 0.25) : base(nameof(FocalLoss))
    {
        this.gamma = gamma;
        this.alpha = alpha;
    }

    public override Tensor forward(Tensor pred, Tensor @true)
    {
        return focal.sigmoid_focal_loss(pred, @true, alpha: alpha, gamma: gamma, reduction: nn.Reduction.Mean);
    }
}
";

        // ---------------------------------------------------------------------------------------------
        // torchvision-style sigmoid_focal_loss with sum reduction and an inverted factor.

        private const string VisionSignature = @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Ops
{
    public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = 2)
    {
        var p = torch.sigmoid(inputs);
";

        private const string VisionPt = @"        var p_t = p * targets + (1 - p) * (1 - targets);
";

        private const string VisionHead = VisionSignature + @"        var ce_loss = nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction: nn.Reduction.None);
" + VisionPt;

        private const string VisionAlpha = @"        var alpha_t = alpha * targets + (1 - alpha) * (1 - targets);
        loss = alpha_t * loss;
";

        private const string VisionTail = VisionAlpha + @"        return loss.sum();
    }
}
";

        public const string VisionInverted = VisionHead + @"        var loss = ce_loss * {|#0:p_t.pow(gamma)|};
" + VisionTail;

        public const string VisionInPlace = VisionHead + @"        var loss = ce_loss * (1 - p_t).pow(gamma);
" + VisionTail;

        public const string VisionCorrect = VisionInPlace;

        /// <summary>FL0003: the probability passed to binary_cross_entropy_with_logits (its in-place fix gives <see cref="VisionInPlace"/>).</summary>
        public const string VisionDoubleSigmoid = VisionSignature + @"        var ce_loss = nn.functional.binary_cross_entropy_with_logits({|#0:torch.sigmoid(inputs)|}, targets, reduction: nn.Reduction.None);
" + VisionPt + @"        var loss = ce_loss * (1 - p_t).pow(gamma);
" + VisionTail;

        public const string VisionRuntime = @"using System;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

public static class Ops
{
    public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = 2)
    {
        return focal.sigmoid_focal_loss(inputs, targets, alpha: alpha, gamma: gamma, reduction: nn.Reduction.Sum);
    }
}
";

        // ---------------------------------------------------------------------------------------------
        // TorchSharp's float overload of torchvision.ops.sigmoid_focal_loss (src/TorchVision/Ops.cs), in its shape
        // (without the dispose scope, which does not change what it computes): the reduction goes into the cross entropy.

        /// <summary>As published: the reduction parameter passed to the cross entropy, alpha applied under <c>if (alpha &gt;= 0)</c>.</summary>
        public const string TorchSharpFloatOverload = @"using TorchSharp;
using static TorchSharp.torch;

public static class FocalOps
{
    public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = 2.0f, nn.Reduction reduction = nn.Reduction.None)
    {
        var p = torch.sigmoid(inputs);
        var ce_loss = {|#0:nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction: reduction)|};
        var p_t = p * targets + (1 - p) * (1 - targets);

        using var gamma_scalar = gamma.ToScalar();
        var loss = ce_loss * (1 - p_t).pow(gamma_scalar);

        if (alpha >= 0) {
            var alpha_t = alpha * targets + (1 - alpha) * (1 - targets);
            loss = alpha_t * loss;
        }

        if (reduction == nn.Reduction.Mean) {
            loss = loss.mean();
        } else if (reduction == nn.Reduction.Sum) {
            loss = loss.sum();
        }

        return loss.MoveToOuterDisposeScope();
    }
}
";

        /// <summary>FL0005: the same computation straight-line, called with a constant Reduction.Mean for the cross entropy.</summary>
        public const string FloatOverloadMeanFirst = VisionSignature + @"        var ce_loss = {|#0:nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction: nn.Reduction.Mean)|};
" + VisionPt + @"        var loss = ce_loss * (1 - p_t).pow(gamma);
" + VisionAlpha + @"        return loss;
    }
}
";

        /// <summary>The FL0005 in-place fix of <see cref="FloatOverloadMeanFirst"/>: element-wise cross entropy, the weighted loss averaged.</summary>
        public const string FloatOverloadInPlace = VisionHead + @"        var loss = ce_loss * (1 - p_t).pow(gamma);
" + VisionAlpha + @"        return loss.mean();
    }
}
";

        public const string FloatOverloadCorrect = FloatOverloadInPlace;

        public const string FloatOverloadRuntime = @"using System;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

public static class Ops
{
    public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = 2)
    {
        return focal.sigmoid_focal_loss(inputs, targets, alpha: alpha, gamma: gamma, reduction: nn.Reduction.Mean);
    }
}
";
    }
}
