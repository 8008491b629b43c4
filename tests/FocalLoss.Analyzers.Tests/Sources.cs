namespace FocalLoss.Analyzers.Tests
{
    /// <summary>Wraps method bodies in compilable TorchSharp or plain C# source.</summary>
    internal static class Sources
    {
        /// <summary>A static TorchSharp loss method <c>Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)</c> with <paramref name="body"/>.</summary>
        public static string Torch(string body) => @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)
    {
" + Indent(body) + @"
    }
}
";

        /// <summary>A static scalar loss method <c>double Loss(double x, double t, double gamma, double alpha)</c> with <paramref name="body"/>.</summary>
        public static string Scalar(string body) => @"using System;

public static class Losses
{
    public static double Loss(double x, double t, double gamma, double alpha)
    {
" + Indent(body) + @"
    }
}
";

        private static string Indent(string body)
        {
            var lines = body.Trim('\r', '\n').Replace("\r\n", "\n").Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                lines[i] = lines[i].Length == 0 ? string.Empty : "        " + lines[i];
            }

            return string.Join("\n", lines);
        }
    }

    /// <summary>
    /// The seed losses as C# ports, shared by the rules' tests: OpenPCDet's SigmoidFocalClassificationLoss, MMDetection's
    /// py_sigmoid_focal_loss and YOLOv5's FocalLoss as published, with parameters for the lines a test changes (markup
    /// included). The runtime-replacement variants (weights, avg_factor, modules) are in Runtime.SeedLosses.
    /// </summary>
    internal static class Seeds
    {
        /// <summary>OpenPCDet's class up to the opening brace of <c>forward(input, target, weights)</c>.</summary>
        public const string PcdetHead = @"using System;
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

        /// <summary>Closes the method and the class of a seed.</summary>
        public const string ClassTail = @"    }
}
";

        /// <summary>OpenPCDet's alpha weight (correct).</summary>
        public const string PcdetAlphaWeight = "target * this.alpha + (1 - target) * (1 - this.alpha)";

        /// <summary>OpenPCDet's pt as published: it holds 1 - p_t.</summary>
        public const string PcdetPt = "var pt = target * (1.0 - pred_sigmoid) + (1.0 - target) * pred_sigmoid;";

        /// <summary>Seed 000's proposed pt: it holds p_t (with <c>torch.pow(pt, gamma)</c> that is the bug).</summary>
        public const string Seed000Pt = "var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);";

        /// <summary>MMDetection's pt: it holds 1 - p_t.</summary>
        public const string MmdetPt = "var pt = (1 - pred_sigmoid) * target + pred_sigmoid * (1 - target);";

        /// <summary>OpenPCDet's SigmoidFocalClassificationLoss; the defaults give the published (correct) loss.</summary>
        public static string Pcdet(string alphaWeight = PcdetAlphaWeight, string pt = PcdetPt, string focalTerm = "torch.pow(pt, this.gamma)") => PcdetHead + @"        var pred_sigmoid = torch.sigmoid(input);
        var alpha_weight = " + alphaWeight + @";
        " + pt + @"
        var focal_weight = alpha_weight * " + focalTerm + @";
        var bce_loss = SigmoidCrossEntropyWithLogits(input, target);
        var loss = focal_weight * bce_loss;
        return loss * weights.unsqueeze(-1);
" + ClassTail;

        /// <summary>MMDetection's py_sigmoid_focal_loss (element-wise); the defaults give the published (correct) loss.</summary>
        public static string Mmdet(string balance = "alpha * target + (1 - alpha) * (1 - target)", string pt = MmdetPt, string focalTerm = "pt.pow(gamma)", string targetCast = "target.type_as(pred)") => @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class MMDet
{
    public static Tensor py_sigmoid_focal_loss(Tensor pred, Tensor target, double gamma = 2.0, double alpha = 0.25)
    {
        var pred_sigmoid = pred.sigmoid();
        target = " + targetCast + @";
        " + pt + @"
        var focal_weight = (" + balance + @") * " + focalTerm + @";
        var loss = torch.nn.functional.binary_cross_entropy_with_logits(pred, target, reduction: nn.Reduction.None) * focal_weight;
        return loss;
" + ClassTail;

        /// <summary>YOLOv5's FocalLoss (mean reduction, gamma 1.5); the default gives the published (correct) loss.</summary>
        public static string YoloV5(string alphaFactor = "@true * alpha + (1 - @true) * (1 - alpha)") => @"using System;
using TorchSharp;
using static TorchSharp.torch;

public sealed class FocalLoss
{
    private readonly double gamma = 1.5;
    private readonly double alpha = 0.25;

    public Tensor forward(Tensor pred, Tensor @true)
    {
        var loss = torch.nn.functional.binary_cross_entropy_with_logits(pred, @true, reduction: nn.Reduction.None);
        var pred_prob = torch.sigmoid(pred);
        var p_t = @true * pred_prob + (1 - @true) * (1 - pred_prob);
        var alpha_factor = " + alphaFactor + @";
        var modulating_factor = (1.0 - p_t).pow(gamma);
        loss *= alpha_factor * modulating_factor;
        return loss.mean();
" + ClassTail;

        /// <summary><paramref name="source"/> with <c>using FocalLoss.TorchSharp;</c> after <c>using System;</c>, as the runtime action writes it.</summary>
        public static string WithRuntimeUsing(string source) => source.Replace("using System;\n", "using System;\nusing FocalLoss.TorchSharp;\n");
    }
}
