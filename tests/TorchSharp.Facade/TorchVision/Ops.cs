// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shape follows dotnet/TorchSharp src/TorchVision/Ops.cs. In real TorchSharp this lives in the TorchVision
// assembly; the facade keeps one assembly, with the same namespace and type names.
// This float overload passes 'reduction' into binary_cross_entropy_with_logits (the FL0005 precedent). Together with
// the double overload in Ops/Losses.cs it makes 'sigmoid_focal_loss(x, t)' ambiguous (CS0121), as in real TorchSharp.
#nullable enable
namespace TorchSharp
{
    public static partial class torchvision
    {
        public static partial class ops
        {
            public static torch.Tensor sigmoid_focal_loss(torch.Tensor inputs, torch.Tensor targets, float alpha = 0.25f, float gamma = 2.0f, torch.nn.Reduction reduction = torch.nn.Reduction.None) => throw null!;

            public static torch.Tensor nms(torch.Tensor boxes, torch.Tensor scores, double iou_threshold = 0.5) => throw null!;
        }
    }
}
