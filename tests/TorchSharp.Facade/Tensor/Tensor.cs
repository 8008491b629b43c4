// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/Tensor/Tensor.cs, Tensor.Math.cs and Tensor.Operators.cs.
// Only the subset that the analyzer tests and FocalLoss.TorchSharp touch is declared.
using System;
using System.Collections.Generic;

#nullable enable
namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>Declaration-only mirror of TorchSharp's <c>torch.Tensor</c>.</summary>
        public partial class Tensor : IDisposable
        {
            internal Tensor(IntPtr handle) => throw null!;

            /// <summary>Allows external packages to create tensors from the same native pointers that TorchSharp uses.</summary>
            public static Tensor UnsafeCreateTensor(IntPtr handle) => throw null!;

            public override bool Equals(object? obj) => throw null!;
            public override int GetHashCode() => throw null!;
            public bool Equals(Tensor target) => throw null!;

            public string? name { get => throw null!; set => throw null!; }
            public void Dispose() => throw null!;
            public bool IsInvalid => throw null!;
            public Tensor MoveToOuterDisposeScope() => throw null!;
            public Tensor DetachFromDisposeScope() => throw null!;
            public IntPtr DecoupleFromNativeHandle() => throw null!;

            /// <summary>The native at::Tensor pointer.</summary>
            public IntPtr Handle => throw null!;

            public long Dimensions => throw null!;
            public long ndim => throw null!;
            public long dim() => throw null!;
            public long NumberOfElements => throw null!;
            public long numel() => throw null!;
            public long ElementSize => throw null!;
            public long element_size() => throw null!;
            public bool is_leaf => throw null!;
            public bool is_cuda => throw null!;
            public ScalarType dtype => throw null!;
            public torch.Device device => throw null!;
            public int device_index => throw null!;
            public DeviceType device_type => throw null!;
            public bool requires_grad { get => throw null!; set => throw null!; }
            public Tensor? grad => throw null!;
            public long[] shape => throw null!;
            public long size(int dim) => throw null!;
            public long[] size() => throw null!;
            public Tensor T => throw null!;

            public T item<T>() where T : unmanaged => throw null!;

            public void backward(IList<Tensor>? grad_tensors = null, bool retain_graph = false, bool create_graph = false, IList<Tensor>? inputs = null) => throw null!;
            public void backward() => throw null!;
            public Tensor detach() => throw null!;
            public Tensor cpu() => throw null!;
            public Tensor cuda(Device? device = null, bool non_blocking = false) => throw null!;
            public Tensor to(DeviceType deviceType, int deviceIndex = -1, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => throw null!;
            public Tensor to(ScalarType type, torch.Device device, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => throw null!;
            public Tensor to(ScalarType type, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => throw null!;
            public Tensor to(string device, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => throw null!;
            public Tensor to(torch.Device device, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => throw null!;
            public Tensor to(Tensor other, bool non_blocking = false) => throw null!;
            public Tensor type(Func<Tensor, Tensor> typeFunc) => throw null!;
            public Tensor type(ScalarType dtype) => throw null!;
            public Tensor type_as(Tensor tensor) => throw null!;
            public Tensor @bool() => throw null!;
            public Tensor @int() => throw null!;
            public Tensor @long() => throw null!;
            public Tensor @float() => throw null!;
            public Tensor @double() => throw null!;

            // Indexing (TorchSharp also has TensorIndex-based indexers; not declared here).
            public Tensor this[params Tensor[] indices] { get => throw null!; set => throw null!; }
            public Tensor this[long i1] { get => throw null!; set => throw null!; }
            public Tensor this[long i1, long i2] { get => throw null!; set => throw null!; }
            public Tensor this[params long[] indices] { get => throw null!; set => throw null!; }

            // Shape
            public Tensor reshape(params long[] shape) => throw null!;
            public Tensor view(params long[] shape) => throw null!;
            public Tensor flatten(long start_dim = 0, long end_dim = -1) => throw null!;
            public Tensor squeeze(long? dim = null) => throw null!;
            public Tensor unsqueeze(long dim) => throw null!;
            public Tensor expand_as(Tensor other) => throw null!;

            // Activations and pointwise
            public Tensor sigmoid() => throw null!;
            public Tensor sigmoid_() => throw null!;
            public Tensor softmax(long dim, ScalarType? dtype = null) => throw null!;
            public Tensor log_softmax(long dim, ScalarType? dtype = null) => throw null!;
            public Tensor softplus(double beta = 1, double threshold = 20) => throw null!;
            public Tensor relu() => throw null!;
            public Tensor logit(double? eps = null) => throw null!;

            public Tensor abs() => throw null!;
            public Tensor abs_() => throw null!;
            public Tensor add(Tensor target) => throw null!;
            public Tensor add(Tensor target, Scalar alpha) => throw null!;
            public Tensor add(Scalar scalar) => throw null!;
            public Tensor add(Scalar scalar, Scalar alpha) => throw null!;
            public Tensor add_(Tensor target) => throw null!;
            public Tensor add_(Tensor target, Scalar alpha) => throw null!;
            public Tensor add_(Scalar scalar) => throw null!;
            public Tensor add_(Scalar scalar, Scalar alpha) => throw null!;
            public Tensor div(Tensor target, RoundingMode rounding_mode = RoundingMode.None) => throw null!;
            public Tensor div(Scalar target, RoundingMode rounding_mode = RoundingMode.None) => throw null!;
            public Tensor div_(Tensor target, RoundingMode rounding_mode = RoundingMode.None) => throw null!;
            public Tensor div_(Scalar target, RoundingMode rounding_mode = RoundingMode.None) => throw null!;
            public Tensor exp() => throw null!;
            public Tensor exp_() => throw null!;
            public Tensor log() => throw null!;
            public Tensor log_() => throw null!;
            public Tensor log1p() => throw null!;
            public Tensor log1p_() => throw null!;
            public Tensor mul(Tensor target) => throw null!;
            public Tensor mul(Scalar target) => throw null!;
            public Tensor mul_(Tensor target) => throw null!;
            public Tensor mul_(Scalar target) => throw null!;
            public Tensor neg() => throw null!;
            public Tensor negative() => throw null!;
            public Tensor neg_() => throw null!;
            public Tensor pow(Tensor exponent) => throw null!;
            public Tensor pow_(Tensor exponent) => throw null!;
            public Tensor pow(Scalar exponent) => throw null!;
            public Tensor pow_(Scalar exponent) => throw null!;
            public Tensor reciprocal() => throw null!;
            public Tensor square() => throw null!;
            public Tensor sqrt() => throw null!;
            public Tensor sqrt_() => throw null!;
            public Tensor sign() => throw null!;
            public Tensor sub(Tensor target) => throw null!;
            public Tensor sub(Scalar target) => throw null!;
            public Tensor sub_(Tensor target) => throw null!;
            public Tensor sub_(Scalar target) => throw null!;

            public Tensor clamp(Scalar? min = null, Scalar? max = null) => throw null!;
            public Tensor clamp(Tensor? min = null, Tensor? max = null) => throw null!;
            public Tensor clamp_(Scalar? min = null, Scalar? max = null) => throw null!;
            public Tensor clamp_(Tensor? min = null, Tensor? max = null) => throw null!;
            public Tensor clamp_max(Scalar max) => throw null!;
            public Tensor clamp_max_(Scalar max) => throw null!;
            public Tensor clamp_min(Scalar min) => throw null!;
            public Tensor clamp_min_(Scalar min) => throw null!;

            // Comparison
            public Tensor eq(Tensor target) => throw null!;
            public Tensor eq(Scalar target) => throw null!;
            public Tensor ne(Tensor target) => throw null!;
            public Tensor ne(Scalar target) => throw null!;
            public Tensor ge(Tensor target) => throw null!;
            public Tensor ge(Scalar target) => throw null!;
            public Tensor gt(Tensor target) => throw null!;
            public Tensor gt(Scalar target) => throw null!;
            public Tensor le(Tensor target) => throw null!;
            public Tensor le(Scalar target) => throw null!;
            public Tensor lt(Tensor target) => throw null!;
            public Tensor lt(Scalar target) => throw null!;
            public Tensor masked_fill(Tensor mask, Scalar value) => throw null!;
            public Tensor where(Tensor condition, Tensor y) => throw null!;

            // Reductions
            public Tensor max() => throw null!;
            public Tensor maximum(Tensor other) => throw null!;
            public Tensor max(Tensor other) => throw null!;
            public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false) => throw null!;
            public Tensor mean() => throw null!;
            public Tensor mean(long[] dimensions, bool keepdim = false, ScalarType? type = null) => throw null!;
            public Tensor min() => throw null!;
            public Tensor min(Tensor other) => throw null!;
            public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false) => throw null!;
            public Tensor sum(ScalarType? type = null) => throw null!;
            public Tensor sum(long[] dim, bool keepdim = false, ScalarType? type = null) => throw null!;
            public Tensor sum(ReadOnlySpan<long> dim, bool keepdim = false, ScalarType? type = null) => throw null!;
            public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => throw null!;
            public Tensor sum(long dim0, long dim1, bool keepdim = false, ScalarType? type = null) => throw null!;
            public Tensor sum(long dim0, long dim1, long dim2, bool keepdim = false, ScalarType? type = null) => throw null!;

            // Factories on an existing tensor
            public Tensor zeros_like(ScalarType? dtype = null, torch.Device? device = null, bool requires_grad = false) => throw null!;
            public Tensor ones_like(ScalarType? dtype = null, torch.Device? device = null, bool requires_grad = false) => throw null!;
            public Tensor full_like(Scalar value, ScalarType? dtype = null, torch.Device? device = null, bool requires_grad = false) => throw null!;

            // Comparison operators (TorchSharp returns element-wise boolean tensors).
            public static Tensor operator ==(Tensor left, Tensor right) => throw null!;
            public static Tensor operator ==(Tensor left, Scalar right) => throw null!;
            public static Tensor operator ==(Scalar left, Tensor right) => throw null!;
            public static Tensor operator !=(Tensor left, Tensor right) => throw null!;
            public static Tensor operator !=(Tensor left, Scalar right) => throw null!;
            public static Tensor operator !=(Scalar left, Tensor right) => throw null!;
            public static Tensor operator <(Tensor left, Tensor right) => throw null!;
            public static Tensor operator <(Tensor left, Scalar right) => throw null!;
            public static Tensor operator <(Scalar left, Tensor right) => throw null!;
            public static Tensor operator <=(Tensor left, Tensor right) => throw null!;
            public static Tensor operator <=(Tensor left, Scalar right) => throw null!;
            public static Tensor operator <=(Scalar left, Tensor right) => throw null!;
            public static Tensor operator >(Tensor left, Tensor right) => throw null!;
            public static Tensor operator >(Tensor left, Scalar right) => throw null!;
            public static Tensor operator >(Scalar left, Tensor right) => throw null!;
            public static Tensor operator >=(Tensor left, Tensor right) => throw null!;
            public static Tensor operator >=(Tensor left, Scalar right) => throw null!;
            public static Tensor operator >=(Scalar left, Tensor right) => throw null!;

            // Implicit conversions to Tensor (they take part in overload resolution, so they are declared).
            public static implicit operator Tensor(byte value) => throw null!;
            public static implicit operator Tensor(sbyte value) => throw null!;
            public static implicit operator Tensor(short value) => throw null!;
            public static implicit operator Tensor(int value) => throw null!;
            public static implicit operator Tensor(long value) => throw null!;
            public static implicit operator Tensor(float value) => throw null!;
            public static implicit operator Tensor(double value) => throw null!;
            public static implicit operator Tensor(bool value) => throw null!;
            public static implicit operator Tensor((float, float) value) => throw null!;
            public static implicit operator Tensor(System.Numerics.Complex value) => throw null!;
            public static implicit operator Tensor(byte[] value) => throw null!;
            public static implicit operator Tensor(sbyte[] value) => throw null!;
            public static implicit operator Tensor(short[] value) => throw null!;
            public static implicit operator Tensor(int[] value) => throw null!;
            public static implicit operator Tensor(long[] value) => throw null!;
            public static implicit operator Tensor(float[] value) => throw null!;
            public static implicit operator Tensor(double[] value) => throw null!;
            public static implicit operator Tensor(bool[] value) => throw null!;
            public static implicit operator Tensor((float, float)[] value) => throw null!;
            public static implicit operator Tensor(System.Numerics.Complex[] value) => throw null!;
            public static implicit operator Tensor(Scalar scalar) => throw null!;

            public static explicit operator float(Tensor value) => throw null!;
            public static explicit operator double(Tensor value) => throw null!;
            public static explicit operator sbyte(Tensor value) => throw null!;
            public static explicit operator byte(Tensor value) => throw null!;
            public static explicit operator short(Tensor value) => throw null!;
            public static explicit operator int(Tensor value) => throw null!;
            public static explicit operator long(Tensor value) => throw null!;
            public static explicit operator bool(Tensor value) => throw null!;
        }

        /// <summary>The element types of tensors.</summary>
        public enum ScalarType : sbyte
        {
            Byte = 0,
            Int8 = 1,
            Int16 = 2,
            Int32 = 3,
            Int64 = 4,
            Float16 = 5,
            Float32 = 6,
            Float64 = 7,
            ComplexFloat32 = 9,
            ComplexFloat64 = 10,
            Bool = 11,
            QInt8 = 12,
            QUInt8 = 13,
            QInt32 = 14,
            BFloat16 = 15
        }

        public enum RoundingMode
        {
            None,
            trunc,
            floor
        }

        public static DisposeScope NewDisposeScope() => throw null!;
    }
}
