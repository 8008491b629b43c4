using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace FocalLoss.Runtime.Tests.Support
{
    /// <summary>An owned tensor created or returned by the test-support library (freed with flt_tensor_free).</summary>
    internal sealed class TestTensor : SafeHandle
    {
        private TestTensor(IntPtr owned)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle(owned);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>The borrowed at::Tensor* (valid while this object is alive and not disposed).</summary>
        public IntPtr Ptr
        {
            get
            {
                if (IsClosed)
                {
                    throw new ObjectDisposedException(nameof(TestTensor));
                }

                return handle;
            }
        }

        public static TestTensor Adopt(IntPtr owned)
        {
            if (owned == IntPtr.Zero)
            {
                throw new ArgumentException("null tensor", nameof(owned));
            }

            return new TestTensor(owned);
        }

        public static unsafe TestTensor From(double[] data, long[] shape, int dtype, bool requiresGrad = false)
        {
            NativeTesting.Require();
            long numel = shape.Aggregate(1L, (a, b) => a * b);
            if (numel != data.Length)
            {
                throw new ArgumentException($"{data.Length} values for shape [{string.Join(", ", shape)}]");
            }

            fixed (double* d = data.Length == 0 ? new double[1] : data)
            fixed (long* s = shape.Length == 0 ? new long[1] : shape)
            {
                NativeTesting.Check(NativeTesting.flt_from_doubles(d, data.Length, s, shape.Length, dtype, requiresGrad ? 1 : 0, out IntPtr t), "flt_from_doubles");
                return new TestTensor(t);
            }
        }

        public static TestTensor Float32(double[] data, params long[] shape) => From(data, shape, NativeTesting.Float32);

        public static TestTensor Float64(double[] data, params long[] shape) => From(data, shape, NativeTesting.Float64);

        public static TestTensor Int64(double[] data, params long[] shape) => From(data, shape, NativeTesting.Int64);

        public static TestTensor Filled(double value, long[] shape, int dtype)
        {
            long numel = shape.Aggregate(1L, (a, b) => a * b);
            return From(Enumerable.Repeat(value, checked((int)numel)).ToArray(), shape, dtype);
        }

        public TestTensor Transpose(int dim0, int dim1)
        {
            NativeTesting.Check(NativeTesting.flt_transpose(Ptr, dim0, dim1, out IntPtr t), "flt_transpose");
            return Adopt(t);
        }

        public TestTensor SliceStep(int dim, long step)
        {
            NativeTesting.Check(NativeTesting.flt_slice_step(Ptr, dim, step, out IntPtr t), "flt_slice_step");
            return Adopt(t);
        }

        public TestTensor To(string device)
        {
            NativeTesting.Check(NativeTesting.flt_to_device(Ptr, device, out IntPtr t), "flt_to_device");
            return Adopt(t);
        }

        /// <summary>The accumulated gradient of this leaf, or null when undefined.</summary>
        public TestTensor? Grad()
        {
            NativeTesting.Check(NativeTesting.flt_grad(Ptr, out IntPtr g), "flt_grad");
            return g == IntPtr.Zero ? null : Adopt(g);
        }

        public double[] Values() => Read(Ptr);

        public long[] Shape() => ShapeOf(Ptr);

        protected override bool ReleaseHandle()
        {
            NativeTesting.flt_tensor_free(handle);
            return true;
        }

        public static unsafe double[] Read(IntPtr tensor)
        {
            long numel = NativeTesting.flt_numel(tensor);
            var buffer = new double[numel];
            fixed (double* b = numel == 0 ? new double[1] : buffer)
            {
                NativeTesting.Check(NativeTesting.flt_to_doubles(tensor, b, numel), "flt_to_doubles");
            }

            return buffer;
        }

        public static long[] ShapeOf(IntPtr tensor)
        {
            int dim = NativeTesting.flt_dim(tensor);
            var shape = new long[dim];
            for (int i = 0; i < dim; i++)
            {
                shape[i] = NativeTesting.flt_size(tensor, i);
            }

            return shape;
        }

        /// <summary>The grad_fn name, or null when the tensor has none.</summary>
        public static unsafe string? GradFnName(IntPtr tensor)
        {
            var buffer = new byte[256];
            fixed (byte* b = buffer)
            {
                if (NativeTesting.flt_grad_fn_name(tensor, b, buffer.Length) == 0)
                {
                    return null;
                }
            }

            int length = Array.IndexOf(buffer, (byte)0);
            return Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length);
        }

        /// <summary>Runs loss.backward(ones_like(loss)).</summary>
        public static void BackwardWithOnes(IntPtr loss)
        {
            using TestTensor ones = Filled(1.0, ShapeOf(loss), NativeTesting.flt_dtype(loss));
            NativeTesting.Check(NativeTesting.flt_backward(loss, ones.Ptr), "flt_backward");
        }
    }
}
