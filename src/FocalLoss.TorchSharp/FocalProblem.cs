using System;
using System.Globalization;
using System.Linq;
using FocalLoss.TorchSharp.Interop;
using TorchSharp;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace FocalLoss.TorchSharp
{
    /// <summary>
    /// A validated call: what the kernels need besides the data pointers. Immutable; saved in the autograd
    /// context for the backward.
    /// </summary>
    internal sealed class FocalProblem
    {
        private FocalProblem(int dtype, int inputKind, int targetKind, int weightKind, int reduction, long numel, long classes,
            double alpha, double gamma, double divisor, DeviceType deviceType, int deviceIndex, long[] inputShape, ScalarType scalarType)
        {
            DType = dtype;
            InputKind = inputKind;
            TargetKind = targetKind;
            WeightKind = weightKind;
            Reduction = reduction;
            Numel = numel;
            Classes = classes;
            Alpha = alpha;
            Gamma = gamma;
            Divisor = divisor;
            DeviceType = deviceType;
            DeviceIndex = deviceIndex;
            InputShape = inputShape;
            ScalarType = scalarType;
        }

        public int DType { get; }
        public int InputKind { get; }
        public int TargetKind { get; }
        public int WeightKind { get; }
        public int Reduction { get; }
        public long Numel { get; }
        public long Classes { get; }
        public double Alpha { get; }
        public double Gamma { get; }
        public double Divisor { get; }
        public DeviceType DeviceType { get; }
        public int DeviceIndex { get; }
        public long[] InputShape { get; }
        public ScalarType ScalarType { get; }

        public bool IsCuda => DeviceType == DeviceType.CUDA;

        /// <summary>The result's shape: the input's with no reduction, otherwise a scalar.</summary>
        public long[] OutputShape => Reduction == (int)nn.Reduction.None ? InputShape : Array.Empty<long>();

        public FlProblem ToNative(IntPtr input, IntPtr target, IntPtr weight) => new FlProblem
        {
            StructSize = System.Runtime.InteropServices.Marshal.SizeOf<FlProblem>(),
            DType = DType,
            InputKind = InputKind,
            TargetKind = TargetKind,
            WeightKind = WeightKind,
            Reduction = Reduction,
            Numel = Numel,
            Classes = Classes,
            Alpha = Alpha,
            Gamma = Gamma,
            Divisor = Divisor,
            Input = input,
            Target = target,
            Weight = weight,
        };

        /// <summary>Checks the scalar options; every failure names its argument.</summary>
        public static void ValidateOptions(double alpha, double gamma, Reduction reduction, double? avgFactor)
        {
            if (double.IsNaN(alpha) || double.IsInfinity(alpha) || alpha > 1.0)
            {
                throw new ArgumentOutOfRangeException(nameof(alpha), alpha,
                    "alpha must be in [0, 1] (the weight of positives; negatives get 1 - alpha), or negative to disable balancing.");
            }

            if (double.IsNaN(gamma) || double.IsInfinity(gamma) || gamma < 0.0)
            {
                throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be finite and >= 0 (the exponent of the modulating factor 1 - p_t).");
            }

            if (reduction != nn.Reduction.None && reduction != nn.Reduction.Mean && reduction != nn.Reduction.Sum)
            {
                throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "reduction must be Reduction.None, Reduction.Mean or Reduction.Sum.");
            }

            if (avgFactor is double a)
            {
                if (reduction == nn.Reduction.Sum)
                {
                    throw new ArgumentException(
                        "avg_factor is only meaningful with Reduction.Mean (the sum is divided by it; MMDetection raises the same error with 'sum'). " +
                        "Pass null, or use Reduction.Mean.", "avg_factor");
                }

                if (double.IsNaN(a) || double.IsInfinity(a) || a <= 0.0)
                {
                    throw new ArgumentOutOfRangeException("avg_factor", a, "avg_factor must be finite and > 0 (with Reduction.Mean the sum is divided by it).");
                }
            }
        }

        /// <summary>Validates the tensors against each other and the options; builds the problem.</summary>
        public static FocalProblem Create(Tensor input, Tensor target, Tensor? weight, double alpha, double gamma, Reduction reduction,
            double? avgFactor, bool activated)
        {
            if (input is null)
            {
                throw new ArgumentNullException(nameof(input));
            }

            if (target is null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            if (input.IsInvalid)
            {
                throw new ArgumentException("input is a disposed tensor.", nameof(input));
            }

            if (target.IsInvalid)
            {
                throw new ArgumentException("target is a disposed tensor.", nameof(target));
            }

            if (weight is not null && weight.IsInvalid)
            {
                throw new ArgumentException("weight is a disposed tensor.", nameof(weight));
            }

            ValidateOptions(alpha, gamma, reduction, avgFactor);

            ScalarType scalarType = input.dtype;
            int dtype = scalarType switch
            {
                ScalarType.Float32 => Fl.Float32,
                ScalarType.Float64 => Fl.Float64,
                ScalarType.Float16 => Fl.Float16,
                ScalarType.BFloat16 => Fl.BFloat16,
                _ => throw new ArgumentException(
                    $"input must be a floating tensor (Float16, BFloat16, Float32 or Float64) of {(activated ? "probabilities" : "logits")}; got {scalarType}.",
                    nameof(input)),
            };

            DeviceType deviceType = input.device_type;
            if (deviceType != DeviceType.CPU && deviceType != DeviceType.CUDA)
            {
                throw new ArgumentException($"input is on device '{input.device}'; FocalLoss.TorchSharp runs on CPU and CUDA tensors only.", nameof(input));
            }

            int deviceIndex = deviceType == DeviceType.CUDA ? input.device_index : -1;
            RequireSameDevice(input, target, nameof(target));
            if (weight is not null)
            {
                RequireSameDevice(input, weight, nameof(weight));
            }

            long[] shape = input.shape;
            long numel = input.numel();
            long classes = shape.Length == 0 ? 1 : shape[shape.Length - 1];
            long[] rowShape = shape.Length == 0 ? Array.Empty<long>() : shape.Take(shape.Length - 1).ToArray();

            int targetKind;
            if (target.dtype == ScalarType.Int64)
            {
                if (shape.Length == 0)
                {
                    throw new ArgumentException("int64 class-index targets need an input with a class dimension (shape [..., C]); input is 0-dimensional.", nameof(target));
                }

                if (!target.shape.SequenceEqual(rowShape))
                {
                    throw new ArgumentException(
                        $"int64 class-index target must have the input's shape without its last (class) dimension, {Show(rowShape)}; got {Show(target.shape)} (input {Show(shape)}).",
                        nameof(target));
                }

                targetKind = Fl.TargetIndex;
            }
            else if (target.dtype == scalarType)
            {
                if (!target.shape.SequenceEqual(shape))
                {
                    throw new ArgumentException(
                        $"a dense target must have the input's shape {Show(shape)}; got {Show(target.shape)}. (For class indices pass an int64 tensor of shape {Show(rowShape)}.)",
                        nameof(target));
                }

                targetKind = Fl.TargetDense;
            }
            else
            {
                throw new ArgumentException(
                    $"target must be either dense, with the input's dtype ({scalarType}) and shape {Show(shape)}, " +
                    $"or int64 class indices in [0, C] (C = {classes} is background) of shape {Show(rowShape)}; got dtype {target.dtype}.",
                    nameof(target));
            }

            if (target.requires_grad)
            {
                throw new ArgumentException(
                    "target requires grad, but the fused backward gives the gradient with respect to input only; pass target.detach().", nameof(target));
            }

            int weightKind = Fl.WeightNone;
            if (weight is not null)
            {
                if (weight.dtype != scalarType)
                {
                    throw new ArgumentException($"weight must have the input's dtype {scalarType}; got {weight.dtype}.", nameof(weight));
                }

                long[] ws = weight.shape;
                if (ws.SequenceEqual(shape))
                {
                    weightKind = Fl.WeightElement;
                }
                else if (shape.Length >= 1 && (ws.SequenceEqual(rowShape) || ws.SequenceEqual(rowShape.Append(1L))))
                {
                    // Per anchor (one weight per row), as MMDetection and OpenPCDet; [N] wins over [C] when N == C, as in MMDetection.
                    weightKind = Fl.WeightAnchor;
                }
                else if (shape.Length >= 1 && ws.Length == 1 && ws[0] == classes)
                {
                    weightKind = Fl.WeightClass;
                }
                else
                {
                    throw new ArgumentException(
                        $"weight must be per element {Show(shape)}, per anchor {Show(rowShape)} (or {Show(rowShape.Append(1L).ToArray())}) or per class [{classes}]; got {Show(ws)}.",
                        nameof(weight));
                }

                if (weight.requires_grad)
                {
                    throw new ArgumentException(
                        "weight requires grad, but the fused backward gives the gradient with respect to input only; pass weight.detach().", nameof(weight));
                }
            }

            double divisor = avgFactor ?? numel;
            return new FocalProblem(dtype, activated ? Fl.InputProbabilities : Fl.InputLogits, targetKind, weightKind, (int)reduction,
                numel, classes, alpha, gamma, divisor, deviceType, deviceIndex, shape, scalarType);
        }

        private static void RequireSameDevice(Tensor input, Tensor other, string name)
        {
            if (other.device_type != input.device_type || (input.device_type == DeviceType.CUDA && other.device_index != input.device_index))
            {
                throw new ArgumentException(
                    $"{name} is on device '{other.device}' but input is on '{input.device}'; all tensors of one call must be on the same device.", name);
            }
        }

        internal static string Show(long[] shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
