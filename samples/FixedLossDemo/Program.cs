// usage: FixedLossDemo <before/FocalLossSample.dll> <after/FocalLossSample.dll>
//
// Calls the same loss methods in the sample project as written (before) and as `dotnet format`
// fixed it (after), with the same tensors, and prints each next to the correct focal loss.
using System;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using FocalLoss.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length != 2 || !File.Exists(args[0]) || !File.Exists(args[1]))
{
    Console.Error.WriteLine("usage: FixedLossDemo <before/FocalLossSample.dll> <after/FocalLossSample.dll>");
    return 2;
}

Assembly before = new SampleContext(args[0]).LoadFromAssemblyPath(Path.GetFullPath(args[0]));
Assembly after = new SampleContext(args[1]).LoadFromAssemblyPath(Path.GetFullPath(args[1]));

// 64 anchors x 8 classes: logits from confident to hard, 0/1 targets (about 20 % positive),
// per-anchor weights as OpenPCDet passes them.
torch.manual_seed(11);
Tensor x = torch.randn(64, 8) * 2.5;
Tensor t = torch.bernoulli(torch.full(new long[] { 64, 8 }, 0.2));
Tensor w = torch.rand(64) * 0.5 + 0.75;

var cases = new Case[]
{
    new("The modulating factor is inverted: OpenPCDet's loss after a proposed \"fix\" that rewrites its pt to the paper's p_t but keeps pt^gamma",
        "ProposedSigmoidFocalClassificationLoss.forward(x, t, weights).sum(); gamma 2, alpha 0.25",
        asm => Call(asm, "FocalLossSample.ProposedSigmoidFocalClassificationLoss", new object[] { 2.0, 0.25 }, "forward", x, t, w).sum(),
        () => (focal.sigmoid_focal_loss(x, t, 0.25, 2.0, nn.Reduction.None) * w.unsqueeze(-1)).sum(),
        () => (torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 2.0, nn.Reduction.None) * w.unsqueeze(-1)).sum()),
    new("The sigmoid is applied twice: probabilities passed to binary_cross_entropy_with_logits",
        "DoubleSigmoidLosses.focal_loss_sum(x, t); gamma 2, alpha 0.25",
        asm => Call(asm, "FocalLossSample.DoubleSigmoidLosses", null, "focal_loss_sum", x, t, 0.25, 2.0),
        () => focal.sigmoid_focal_loss(x, t, 0.25, 2.0, nn.Reduction.Sum),
        () => torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 2.0, nn.Reduction.Sum)),
    new("The alpha balance is inverted: positives weighted 1 - alpha, negatives alpha (a YOLOv5 port)",
        "InvertedAlphaFocalLoss.forward(x, t); gamma 1.5, alpha 0.25, mean",
        asm => Call(asm, "FocalLossSample.InvertedAlphaFocalLoss", new object[] { 1.5, 0.25 }, "forward", x, t),
        () => focal.sigmoid_focal_loss(x, t, 0.25, 1.5, nn.Reduction.Mean),
        () => torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 1.5, nn.Reduction.Mean)),
};

bool ok = true;
foreach (Case c in cases)
{
    using var scope = torch.NewDisposeScope();
    double correct = c.Correct().item<float>();
    double reference = c.Reference().item<float>();
    double wrong = c.Sample(before).item<float>();
    double fixedValue = c.Sample(after).item<float>();
    bool fixedRight = Close(fixedValue, correct);
    ok &= fixedRight && Close(correct, reference);

    Console.WriteLine($"  {c.Title}");
    Console.WriteLine($"  ({c.Where})");
    Console.WriteLine($"    {"as written",-36} {wrong,12:F6}   {Verdict(wrong, correct)}");
    Console.WriteLine($"    {"after dotnet format's fix",-36} {fixedValue,12:F6}   {Verdict(fixedValue, correct)}");
    Console.WriteLine($"    {"correct: FocalLoss.TorchSharp",-36} {correct,12:F6}");
    Console.WriteLine($"    {"correct: torchvision.ops (double)",-36} {reference,12:F6}");
    Console.WriteLine();
}

Console.WriteLine(ok
    ? "  Each fix restores the correct loss value."
    : "  A FIXED LOSS STILL DIFFERS from the correct value (see above).");
return ok ? 0 : 1;

static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-5 * Math.Max(Math.Abs(b), 1e-6);

static string Verdict(double value, double correct) => Close(value, correct)
    ? "right"
    : $"WRONG: {(value - correct) / correct * 100:+0.0;-0.0} % off the correct value";

static Tensor Call(Assembly asm, string typeName, object[]? ctorArgs, string method, params object[] methodArgs)
{
    Type type = asm.GetType(typeName, throwOnError: true)!;
    object? target = ctorArgs is null ? null : Activator.CreateInstance(type, ctorArgs);
    MethodInfo m = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)
        ?? throw new MissingMethodException(typeName, method);
    return (Tensor)m.Invoke(target, methodArgs)!;
}

internal sealed record Case(string Title, string Where, Func<Assembly, Tensor> Sample, Func<Tensor> Correct, Func<Tensor> Reference);

/// <summary>Loads one build of the sample; everything else (TorchSharp above all) comes from this program, so
/// both builds take and return the same Tensor type.</summary>
internal sealed class SampleContext : AssemblyLoadContext
{
    public SampleContext(string path)
        : base("sample " + path)
    {
    }

    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
