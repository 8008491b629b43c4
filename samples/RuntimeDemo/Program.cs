using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using FocalLoss.Runtime;
using FocalLoss.Runtime.Tests.Support;

// A RetinaNet-sized toy batch: 8 anchors x 4 classes, logits spread over easy and hard examples.
const int Anchors = 8, Classes = 4;
var rng = new Random(7);
double[] logits = Enumerable.Range(0, Anchors * Classes).Select(_ => Math.Round((rng.NextDouble() - 0.5) * 12, 3)).ToArray();
double[] labels = Enumerable.Range(0, Anchors).Select(i => (double)(i % (Classes + 1))).ToArray(); // index Classes = background
double[] dense = new double[Anchors * Classes];
for (int a = 0; a < Anchors; a++)
{
    if (labels[a] < Classes) { dense[a * Classes + (int)labels[a]] = 1; }
}
double[] anchorWeights = Enumerable.Range(0, Anchors).Select(i => 0.5 + 0.25 * (i % 3)).ToArray();

Console.WriteLine($"  native library: libtorch {FocalLossNative.TorchVersion}, CUDA kernel compiled in: {FocalLossNative.CudaCompiled}, CUDA device: {FocalLossNative.CudaAvailable}");
Console.WriteLine($"  batch: {Anchors} anchors x {Classes} classes, float32, alpha 0.25, gamma 2");
Console.WriteLine();

var rows = new (string Name, string Targets, bool Weighted, FocalReduction Reduction, double? AvgFactor)[]
{
    ("dense 0/1 targets, mean", "dense", false, FocalReduction.Mean, null),
    ("dense 0/1 targets, sum", "dense", false, FocalReduction.Sum, null),
    ("class indices (MMCV), per-anchor weight, avg_factor 3", "index", true, FocalReduction.Mean, 3.0),
};
var fused = rows.Select(r => Compute(r.Targets, r.Weighted, r.Reduction, r.AvgFactor)).ToArray();
var reference = Torchvision(rows.Select(r => new { targets = r.Targets, weighted = r.Weighted, reduction = r.Reduction.ToString().ToLowerInvariant(), avg_factor = r.AvgFactor }).ToArray());

Console.WriteLine($"  {"case",-56} {"fused native",14} {"torchvision",14} {"max |grad diff|",16}");
bool ok = true;
for (int i = 0; i < rows.Length; i++)
{
    double gradDiff = fused[i].Grad.Zip(reference[i].Grad, (a, b) => Math.Abs(a - b)).Max();
    double diff = Math.Abs(fused[i].Loss - reference[i].Loss);
    ok &= diff <= 1e-5 * Math.Max(1, Math.Abs(reference[i].Loss)) && gradDiff <= 1e-5;
    Console.WriteLine($"  {rows[i].Name,-56} {fused[i].Loss,14:F7} {reference[i].Loss,14:F7} {gradDiff,16:E1}");
}
Console.WriteLine();
Console.WriteLine(ok ? "  The fused operator matches torchvision (loss and input gradient, float32)." : "  MISMATCH with torchvision.");
return ok ? 0 : 1;

(double Loss, double[] Grad) Compute(string targets, bool weighted, FocalReduction reduction, double? avgFactor)
{
    using var input = TestTensor.From(logits, new long[] { Anchors, Classes }, NativeTesting.Float32, requiresGrad: true);
    using var target = targets == "dense" ? TestTensor.Float32(dense, Anchors, Classes) : TestTensor.Int64(labels, Anchors);
    using var weight = weighted ? TestTensor.Float32(anchorWeights, Anchors) : null;
    using var loss = FocalLossNative.SigmoidFocalLoss(input.Ptr, target.Ptr, weight?.Ptr ?? IntPtr.Zero, 0.25, 2.0, reduction, avgFactor);
    NativeTesting.Check(NativeTesting.flt_backward(loss.DangerousGetHandle(), IntPtr.Zero), "flt_backward");
    NativeTesting.Check(NativeTesting.flt_grad(input.Ptr, out IntPtr grad), "flt_grad");
    using var gradTensor = TestTensor.Adopt(grad);
    return (TestTensor.Read(loss.DangerousGetHandle())[0], TestTensor.Read(gradTensor.Ptr));
}

(double Loss, double[] Grad)[] Torchvision(object cases)
{
    const string script = @"
import json, sys, torch, torchvision
d = json.load(sys.stdin)
x0 = torch.tensor(d['logits'], dtype=torch.float32).view(d['anchors'], d['classes'])
out = []
for c in d['cases']:
    x = x0.clone().requires_grad_(True)
    if c['targets'] == 'dense':
        t = torch.tensor(d['dense'], dtype=torch.float32).view_as(x)
    else:
        t = torch.nn.functional.one_hot(torch.tensor(d['labels']).long(), d['classes'] + 1)[:, :d['classes']].float()
    loss = torchvision.ops.sigmoid_focal_loss(x, t, alpha=0.25, gamma=2.0, reduction='none')
    if c['weighted']:
        loss = loss * torch.tensor(d['weights'], dtype=torch.float32).unsqueeze(-1)
    if c['avg_factor'] is not None:
        loss = loss.sum() / c['avg_factor']
    elif c['reduction'] == 'mean':
        loss = loss.mean()
    elif c['reduction'] == 'sum':
        loss = loss.sum()
    loss.backward()
    out.append({'loss': loss.item(), 'grad': x.grad.view(-1).tolist()})
print(json.dumps(out))
";
    var psi = new ProcessStartInfo("/usr/bin/python3", new[] { "-c", script }) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
    using var p = Process.Start(psi)!;
    p.StandardInput.Write(JsonSerializer.Serialize(new { logits, labels, dense, weights = anchorWeights, anchors = Anchors, classes = Classes, cases }));
    p.StandardInput.Close();
    string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) { throw new InvalidOperationException("torchvision reference failed (is python3-torchvision installed?):\n" + stderr); }
    return JsonSerializer.Deserialize<JsonElement[]>(stdout)!
        .Select(e => (e.GetProperty("loss").GetDouble(), e.GetProperty("grad").EnumerateArray().Select(g => g.GetDouble()).ToArray()))
        .ToArray();
}
