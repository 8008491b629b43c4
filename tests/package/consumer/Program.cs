// A FocalLoss.TorchSharp consumer: a fresh project that references the package from a local folder feed next to
// TorchSharp-cpu from the normal feed, and nothing else (no native build, no copy step). tests/package/run.sh makes the
// project around this file, builds it and runs it; the exit code is the verdict.
using System;
using System.Linq;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

// --- the package README's quick start, as written there ---
manual_seed(0);
var logits = randn(new long[] { 8, 4 }, requires_grad: true);
var target = randint(0, 5, new long[] { 8 }, ScalarType.Int64); // class indices; 4 = background
var loss = focal.sigmoid_focal_loss(logits, target, alpha: 0.25, gamma: 2.0, reduction: nn.Reduction.Mean);
loss.backward();
Console.WriteLine($"loss {loss.item<float>():F6}, gradient norm {logits.grad!.norm().item<float>():F6}");
// --- end of the quick start ---

// The same loss from torchvision's composite (its double overload) on one-hot targets, and the composite's autograd.
var reference = logits.detach().clone().requires_grad_(true);
var dense = nn.functional.one_hot(target, 5).narrow(-1, 0, 4).to(ScalarType.Float32);
double alpha = 0.25, gamma = 2.0;
var expected = torchvision.ops.sigmoid_focal_loss(reference, dense, alpha, gamma, nn.Reduction.Mean);
expected.backward();

double lossDiff = Math.Abs(loss.item<float>() - expected.item<float>());
float[] g1 = logits.grad!.data<float>().ToArray();
float[] g2 = reference.grad!.data<float>().ToArray();
double gradDiff = g1.Zip(g2, (a, b) => (double)Math.Abs(a - b)).Max();
bool ok = lossDiff <= 1e-6 + 1e-5 * Math.Abs(expected.item<float>()) && gradDiff <= 1e-6 && loss.requires_grad;
Console.WriteLine($"torchvision {expected.item<float>():F6}; |loss diff| {lossDiff:G3}, max |gradient diff| {gradDiff:G3}");
Console.WriteLine(ok ? "consumer: PASS" : "consumer: FAIL");
return ok ? 0 : 1;
