// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/Tensor/torch.*.cs and Tensor/Factories/*.cs.
using System;

#nullable enable
namespace TorchSharp
{
    public static partial class torch
    {
        // Pointwise (torch.PointwiseOps.cs)
        public static Tensor abs(Tensor input) => throw null!;
        public static Tensor add(Tensor left, Tensor right) => throw null!;
        public static Tensor add(Tensor left, Scalar right) => throw null!;
        public static Tensor add(Tensor left, Tensor right, Scalar alpha) => throw null!;
        public static Tensor add(Tensor left, Scalar right, Scalar alpha) => throw null!;
        public static Tensor clamp(Tensor input, Scalar? min = null, Scalar? max = null) => throw null!;
        public static Tensor clamp(Tensor input, Tensor? min = null, Tensor? max = null) => throw null!;
        public static Tensor clamp_min(Tensor input, Scalar min) => throw null!;
        public static Tensor div(Tensor left, Tensor right, RoundingMode rounding_mode = RoundingMode.None) => throw null!;
        public static Tensor div(Tensor left, Scalar right, RoundingMode rounding_mode = RoundingMode.None) => throw null!;
        public static Tensor exp(Tensor input) => throw null!;
        public static Tensor log(Tensor input) => throw null!;
        public static Tensor log1p(Tensor input) => throw null!;
        public static Tensor mul(Tensor left, Tensor right) => throw null!;
        public static Tensor mul(Tensor left, Scalar right) => throw null!;
        public static Tensor neg(Tensor input) => throw null!;
        public static Tensor pow(Tensor left, Tensor exponent) => throw null!;
        public static Tensor pow(Tensor left, Scalar exponent) => throw null!;
        public static Tensor sigmoid(Tensor input) => throw null!;
        public static Tensor sqrt(Tensor input) => throw null!;
        public static Tensor square(Tensor input) => throw null!;
        public static Tensor sub(Tensor left, Tensor right) => throw null!;
        public static Tensor sub(Tensor left, Scalar right) => throw null!;
        public static Tensor xlogy(Tensor x, Tensor y) => throw null!;
        public static Tensor xlogy(Tensor x, Scalar y) => throw null!;

        // Comparison (torch.ComparisonOps.cs)
        public static Tensor maximum(Tensor input, Tensor other) => throw null!;
        public static Tensor minimum(Tensor input, Tensor other) => throw null!;

        // Indexing (torch.IndexingSlicingJoiningMutatingOps.cs)
        public static Tensor where(Tensor condition, Tensor x, Tensor y) => throw null!;

        // Reductions (torch.ReductionOps.cs)
        public static Tensor max(Tensor input) => throw null!;
        public static Tensor max(Tensor input, Tensor other) => throw null!;
        public static Tensor min(Tensor input) => throw null!;
        public static Tensor min(Tensor input, Tensor other) => throw null!;
        public static Tensor mean(Tensor input) => throw null!;
        public static Tensor mean(Tensor input, long[] dimensions, bool keepdim = false, ScalarType? type = null) => throw null!;
        public static Tensor sum(Tensor input, ScalarType? type = null) => throw null!;
        public static Tensor sum(Tensor input, ReadOnlySpan<long> dim, bool keepdim = false, ScalarType? type = null) => throw null!;
        public static Tensor sum(Tensor input, long dim, bool keepdim = false, ScalarType? type = null) => throw null!;

        // Factories (Tensor/Factories)
        public static Tensor ones_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor zeros_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor full_like(Tensor input, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor ones(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor ones(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor zeros(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor zeros(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor full(long[] size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor rand(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor rand(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor rand(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor rand(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor randn(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor randn(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor randn(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor randn(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => throw null!;
        public static Tensor tensor(double scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => throw null!;
        public static Tensor tensor(float scalar, Device? device = null, bool requires_grad = false) => throw null!;
        public static Tensor tensor(int scalar, Device? device = null, bool requires_grad = false) => throw null!;
        public static Tensor tensor(long scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => throw null!;
        public static Tensor tensor(double[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor tensor(float[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor tensor(long[] dataArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;
        public static Tensor tensor(int[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => throw null!;

        /// <summary>Random number generator state (declared so the factory signatures match).</summary>
        public class Generator : IDisposable
        {
            internal Generator() => throw null!;
            public void Dispose() => throw null!;
        }
    }
}
