// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/NN/Activation/Sigmoid.cs, LogSigmoid.cs, Softplus.cs and NN/OneHot.cs.
#nullable enable
namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static partial class functional
            {
                public static Tensor sigmoid(Tensor x, bool inplace) => throw null!;
                public static Tensor sigmoid(Tensor x) => throw null!;
                public static Tensor logsigmoid(Tensor x) => throw null!;
                public static Tensor softplus(Tensor x, double beta = 1, double threshold = 20) => throw null!;
                public static Tensor one_hot(Tensor x, long num_classes = -1) => throw null!;
            }
        }
    }
}
