// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shape follows dotnet/TorchSharp src/TorchVision/Ops/Losses.cs (the double overload of sigmoid_focal_loss).
#nullable enable
namespace TorchSharp
{
    public static partial class torchvision
    {
        public static partial class ops
        {
            public static torch.Tensor sigmoid_focal_loss(
                torch.Tensor inputs,
                torch.Tensor targets,
                double alpha = 0.25, double gamma = 2.0,
                torch.nn.Reduction reduction = torch.nn.Reduction.None) => throw null!;
        }
    }
}
