// FocalLoss.TorchSharp next to TorchSharp's own composite (torchvision.ops.sigmoid_focal_loss, the
// double overload) on a small RetinaNet-like batch: loss values and input gradients, float32.
using System;
using System.Globalization;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int Images = 2, Anchors = 2000, Classes = 20;
const double Alpha = 0.25, Gamma = 2.0;
torch.manual_seed(7);

// Anchors over 2 images; about 2 % of them match an object of one class, the rest are background.
// Logits as a detector's classification head gives them: mostly confident negatives, some hard ones.
Tensor logits = (torch.randn(Images, Anchors, Classes) * 1.5 - 3.0).detach();
Tensor positive = torch.rand(Images, Anchors).lt(0.02);
Tensor cls = torch.randint(0, Classes, new long[] { Images, Anchors });
Tensor labels = torch.where(positive, cls, torch.full(new long[] { Images, Anchors }, Classes, dtype: int64)); // Classes = background
Tensor onehot = nn.functional.one_hot(labels, Classes + 1).narrow(-1, 0, Classes).to(float32);
Tensor anchorWeight = torch.rand(Images, Anchors) * 0.5 + 0.75;
double numPos = Math.Max(1, positive.sum().item<long>());

Console.WriteLine($"  TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)} on the CPU, {torch.get_num_threads()} threads");
Console.WriteLine($"  batch: {Images} images x {Anchors} anchors x {Classes} classes, float32 logits; {numPos} anchors match an object; alpha {Alpha}, gamma {Gamma}");
Console.WriteLine();

var cases = new (string Name, Func<Tensor, Tensor> Fused, Func<Tensor, Tensor> Reference)[]
{
    ("one-hot targets, sum / matched anchors (RetinaNet)",
        x => focal.sigmoid_focal_loss(x, onehot, Alpha, Gamma, nn.Reduction.Mean, avg_factor: numPos),
        x => torchvision.ops.sigmoid_focal_loss(x, onehot, Alpha, Gamma, nn.Reduction.Sum) / numPos),
    ("one-hot targets, mean",
        x => focal.sigmoid_focal_loss(x, onehot, Alpha, Gamma, nn.Reduction.Mean),
        x => torchvision.ops.sigmoid_focal_loss(x, onehot, Alpha, Gamma, nn.Reduction.Mean)),
    ("class indices, per-anchor weight (MMDetection)",
        x => focal.sigmoid_focal_loss(x, labels, Alpha, Gamma, nn.Reduction.Mean, weight: anchorWeight, avg_factor: numPos),
        x => (torchvision.ops.sigmoid_focal_loss(x, onehot, Alpha, Gamma, nn.Reduction.None) * anchorWeight.unsqueeze(-1)).sum() / numPos),
};

Console.WriteLine($"  {"case",-52} {"FocalLoss.TorchSharp",21} {"torchvision.ops",16} {"max |grad diff|",16}");
bool allAgree = true;
foreach (var (name, fused, reference) in cases)
{
    using var scope = torch.NewDisposeScope();
    double lf, lr;
    Tensor gf, gr;
    try
    {
        (lf, gf) = LossAndGrad(fused);
        (lr, gr) = LossAndGrad(reference);
    }
    catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
    {
        Console.WriteLine($"  {name,-52} failed: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        allAgree = false;
        continue;
    }

    double gradDiff = (gf - gr).abs().max().item<float>();
    double gradScale = gr.abs().max().item<float>();
    bool agree = Math.Abs(lf - lr) <= 1e-5 * Math.Abs(lr) && gradDiff <= 1e-5 * gradScale;
    allAgree &= agree;
    Console.WriteLine($"  {name,-52} {lf,21:F7} {lr,16:F7} {gradDiff,16:E1}   {(agree ? "agree" : "DISAGREE")}");
}

Console.WriteLine();
Console.WriteLine(allAgree
    ? "  The fused loss and its gradient agree with torchvision.ops (loss within 1e-5 relative, gradient within 1e-5 of its largest entry)."
    : "  DISAGREEMENT between FocalLoss.TorchSharp and torchvision.ops (see above).");
return allAgree ? 0 : 1;

(double Loss, Tensor Grad) LossAndGrad(Func<Tensor, Tensor> loss)
{
    Tensor x = logits.detach().requires_grad_(true);
    Tensor value = loss(x);
    Tensor grad = torch.autograd.grad(new[] { value }, new[] { x }, null, false, false, false)[0];
    return (value.item<float>(), grad);
}
