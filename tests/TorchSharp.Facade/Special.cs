// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/Special.cs.
#nullable enable
namespace TorchSharp
{
    public static partial class torch
    {
        public static class special
        {
            public static Tensor expit(Tensor input) => throw null!;
            public static Tensor logit(Tensor input) => throw null!;
            public static Tensor sigmoid(Tensor input) => throw null!;
            public static Tensor sigmoid_(Tensor input) => throw null!;
            public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) => throw null!;
        }
    }
}
