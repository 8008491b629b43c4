// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/Tensor/Tensor.Operators.cs (and unary minus from Tensor.Math.cs).
namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            public static Tensor operator +(Tensor left, Tensor right) => throw null!;
            public static Tensor operator +(Tensor left, Scalar right) => throw null!;
            public static Tensor operator +(Scalar left, Tensor right) => throw null!;
            public static Tensor operator +(Tensor left, int right) => throw null!;
            public static Tensor operator +(Tensor left, long right) => throw null!;
            public static Tensor operator +(Tensor left, float right) => throw null!;
            public static Tensor operator +(Tensor left, double right) => throw null!;
            public static Tensor operator +(int left, Tensor right) => throw null!;
            public static Tensor operator +(long left, Tensor right) => throw null!;
            public static Tensor operator +(float left, Tensor right) => throw null!;
            public static Tensor operator +(double left, Tensor right) => throw null!;

            public static Tensor operator *(Tensor left, Tensor right) => throw null!;
            public static Tensor operator *(Tensor left, Scalar right) => throw null!;
            public static Tensor operator *(Scalar left, Tensor right) => throw null!;
            public static Tensor operator *(Tensor left, int right) => throw null!;
            public static Tensor operator *(Tensor left, long right) => throw null!;
            public static Tensor operator *(Tensor left, float right) => throw null!;
            public static Tensor operator *(Tensor left, double right) => throw null!;
            public static Tensor operator *(int left, Tensor right) => throw null!;
            public static Tensor operator *(long left, Tensor right) => throw null!;
            public static Tensor operator *(float left, Tensor right) => throw null!;
            public static Tensor operator *(double left, Tensor right) => throw null!;

            public static Tensor operator -(Tensor left, Tensor right) => throw null!;
            public static Tensor operator -(Tensor left, Scalar right) => throw null!;
            public static Tensor operator -(Scalar left, Tensor right) => throw null!;
            public static Tensor operator -(Tensor left, int right) => throw null!;
            public static Tensor operator -(Tensor left, long right) => throw null!;
            public static Tensor operator -(Tensor left, float right) => throw null!;
            public static Tensor operator -(Tensor left, double right) => throw null!;
            public static Tensor operator -(int left, Tensor right) => throw null!;
            public static Tensor operator -(long left, Tensor right) => throw null!;
            public static Tensor operator -(float left, Tensor right) => throw null!;
            public static Tensor operator -(double left, Tensor right) => throw null!;

            public static Tensor operator /(Tensor left, Tensor right) => throw null!;
            public static Tensor operator /(Tensor left, Scalar right) => throw null!;
            public static Tensor operator /(Scalar left, Tensor right) => throw null!;
            public static Tensor operator /(Tensor left, int right) => throw null!;
            public static Tensor operator /(Tensor left, long right) => throw null!;
            public static Tensor operator /(Tensor left, float right) => throw null!;
            public static Tensor operator /(Tensor left, double right) => throw null!;
            public static Tensor operator /(int left, Tensor right) => throw null!;
            public static Tensor operator /(long left, Tensor right) => throw null!;
            public static Tensor operator /(float left, Tensor right) => throw null!;
            public static Tensor operator /(double left, Tensor right) => throw null!;

            public static Tensor operator %(Tensor left, Tensor right) => throw null!;
            public static Tensor operator %(Tensor left, Scalar right) => throw null!;
            public static Tensor operator %(Tensor left, int right) => throw null!;
            public static Tensor operator %(Tensor left, long right) => throw null!;
            public static Tensor operator %(Tensor left, float right) => throw null!;
            public static Tensor operator %(Tensor left, double right) => throw null!;

            public static Tensor operator &(Tensor left, Tensor right) => throw null!;
            public static Tensor operator |(Tensor left, Tensor right) => throw null!;
            public static Tensor operator ^(Tensor left, Tensor right) => throw null!;
            public static Tensor operator ~(Tensor left) => throw null!;

            public static Tensor operator -(Tensor tensor) => throw null!;
        }
    }
}
