// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/NN/Losses.cs: torch.nn.Reduction and the functional losses.
#nullable enable
namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static partial class functional
            {
                public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? pos_weights = null) => throw null!;
                public static Tensor binary_cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) => throw null!;
                public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean, double label_smoothing = 0.0) => throw null!;
                public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) => throw null!;
                public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) => throw null!;
            }

            /// <summary>Declared in TorchSharp as <c>TorchSharp.torch.nn.Reduction</c>.</summary>
            public enum Reduction : long
            {
                None = 0,
                Mean = 1,
                Sum = 2
            }
        }
    }
}
