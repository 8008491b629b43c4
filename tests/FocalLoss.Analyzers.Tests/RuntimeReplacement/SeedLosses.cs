namespace FocalLoss.Analyzers.Tests.Runtime
{
    /// <summary>
    /// C# ports of the seed losses, each in three versions: the buggy variant FL0001 reports (markup on the
    /// flagged power), the correct original (the reference the rewritten call must equal), and the
    /// expected result of "Use FocalLoss.TorchSharp sigmoid_focal_loss".
    /// </summary>
    internal static class SeedLosses
    {
        // ---------------------------------------------------------------------------------------------
        // OpenPCDet SigmoidFocalClassificationLoss with per-anchor weights and the seed 000 change applied.

        private const string PcdetHead = @"using System;
using TorchSharp;
using static TorchSharp.torch;

public sealed class SigmoidFocalClassificationLoss : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly double gamma;
    private readonly double alpha;

    public SigmoidFocalClassificationLoss(double gamma = 2.0, double alpha = 0.25) : base(nameof(SigmoidFocalClassificationLoss))
    {
        this.gamma = gamma;
        this.alpha = alpha;
    }

    private static Tensor SigmoidCrossEntropyWithLogits(Tensor input, Tensor target)
    {
        return torch.clamp_min(input, 0) - input * target + torch.log1p(torch.exp(-torch.abs(input)));
    }

    public override Tensor forward(Tensor input, Tensor target, Tensor weights)
    {
";

        public const string PcdetSeed000 = PcdetHead + @"        var pred_sigmoid = torch.sigmoid(input);
        var alpha_weight = target * this.alpha + (1 - target) * (1 - this.alpha);
        var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);
        var focal_weight = alpha_weight * {|#0:torch.pow(pt, this.gamma)|};
        var bce_loss = SigmoidCrossEntropyWithLogits(input, target);
        var loss = focal_weight * bce_loss;
        return loss * weights.unsqueeze(-1);
    }
}
";

        public const string PcdetInPlace = PcdetHead + @"        var pred_sigmoid = torch.sigmoid(input);
        var alpha_weight = target * this.alpha + (1 - target) * (1 - this.alpha);
        var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);
        var focal_weight = alpha_weight * torch.pow(1 - pt, this.gamma);
        var bce_loss = SigmoidCrossEntropyWithLogits(input, target);
        var loss = focal_weight * bce_loss;
        return loss * weights.unsqueeze(-1);
    }
}
";

        public const string PcdetRuntime = @"using System;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

public sealed class SigmoidFocalClassificationLoss : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly double gamma;
    private readonly double alpha;

    public SigmoidFocalClassificationLoss(double gamma = 2.0, double alpha = 0.25) : base(nameof(SigmoidFocalClassificationLoss))
    {
        this.gamma = gamma;
        this.alpha = alpha;
    }

    private static Tensor SigmoidCrossEntropyWithLogits(Tensor input, Tensor target)
    {
        return torch.clamp_min(input, 0) - input * target + torch.log1p(torch.exp(-torch.abs(input)));
    }

    public override Tensor forward(Tensor input, Tensor target, Tensor weights)
    {
        return focal.sigmoid_focal_loss(input, target, alpha: this.alpha, gamma: this.gamma, weight: weights.unsqueeze(-1));
    }
}
";

        /// <summary>OpenPCDet as published (its pt holds 1 - p_t), with the helper written inline.</summary>
        public const string PcdetCorrect = PcdetHead + @"        var pred_sigmoid = torch.sigmoid(input);
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

        private const string VisionHead = @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Ops
{
    public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = 2)
    {
        var p = torch.sigmoid(inputs);
        var ce_loss = nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction: nn.Reduction.None);
        var p_t = p * targets + (1 - p) * (1 - targets);
";

        private const string VisionTail = @"        var alpha_t = alpha * targets + (1 - alpha) * (1 - targets);
        loss = alpha_t * loss;
        return loss.sum();
    }
}
";

        public const string VisionInverted = VisionHead + @"        var loss = ce_loss * {|#0:p_t.pow(gamma)|};
" + VisionTail;

        public const string VisionInPlace = VisionHead + @"        var loss = ce_loss * (1 - p_t).pow(gamma);
" + VisionTail;

        public const string VisionCorrect = VisionInPlace;

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
    }
}
