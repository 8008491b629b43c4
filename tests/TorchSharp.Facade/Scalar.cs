// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/Scalar.cs (BFloat16 conversions omitted).
using System;

#nullable enable
namespace TorchSharp
{
    /// <summary>Declaration-only mirror of TorchSharp's <c>Scalar</c>.</summary>
    public sealed class Scalar : IDisposable
    {
        internal Scalar(IntPtr handle) => throw null!;

        public static implicit operator Scalar(byte value) => throw null!;
        public static implicit operator Scalar(sbyte value) => throw null!;
        public static implicit operator Scalar(short value) => throw null!;
        public static implicit operator Scalar(int value) => throw null!;
        public static implicit operator Scalar(long value) => throw null!;
        public static implicit operator Scalar(Half value) => throw null!;
        public static implicit operator Scalar(float value) => throw null!;
        public static implicit operator Scalar(double value) => throw null!;
        public static implicit operator Scalar(bool value) => throw null!;
        public static implicit operator Scalar((float, float) value) => throw null!;
        public static implicit operator Scalar(System.Numerics.Complex value) => throw null!;

        public torch.ScalarType Type => throw null!;
        public void Dispose() => throw null!;
    }

    public static class ScalarExtensionMethods
    {
        public static Scalar ToScalar(this int value) => throw null!;
        public static Scalar ToScalar(this long value) => throw null!;
        public static Scalar ToScalar(this float value) => throw null!;
        public static Scalar ToScalar(this double value) => throw null!;
        public static Scalar ToScalar(this bool value) => throw null!;
        public static float ToSingle(this Scalar value) => throw null!;
        public static double ToDouble(this Scalar value) => throw null!;
        public static int ToInt32(this Scalar value) => throw null!;
        public static long ToInt64(this Scalar value) => throw null!;
        public static bool ToBoolean(this Scalar value) => throw null!;
    }

    public static class TensorExtensionMethods
    {
        public static float ToSingle(this torch.Tensor value) => throw null!;
        public static double ToDouble(this torch.Tensor value) => throw null!;
    }
}
