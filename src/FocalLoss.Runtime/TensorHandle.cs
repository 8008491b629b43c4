using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace FocalLoss.Runtime
{
    /// <summary>
    /// Owns one native <c>at::Tensor*</c> returned by libFocalLossNative. Disposing (or finalizing)
    /// releases it with <c>fl_tensor_free</c> exactly once; disposing again is a no-op.
    /// <see cref="TransferOwnership"/> hands the pointer to a new owner (for example TorchSharp's
    /// <c>torch.Tensor.UnsafeCreateTensor</c>, which frees it with <c>delete</c>, as this library
    /// allocates it), after which this handle never frees it.
    /// </summary>
    public sealed class TensorHandle : SafeHandle
    {
        private int _transferred;

        /// <summary>Wraps an owned <c>at::Tensor*</c> (a pointer this handle will free).</summary>
        internal TensorHandle(IntPtr ownedTensor)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle(ownedTensor);
        }

        /// <summary>True when the handle holds no pointer (never the case for a handle returned by this library).</summary>
        public override bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>True once <see cref="TransferOwnership"/> has succeeded.</summary>
        public bool IsOwnershipTransferred => Volatile.Read(ref _transferred) != 0;

        /// <summary>
        /// Gives up ownership: returns the <c>at::Tensor*</c> and marks this handle closed without
        /// freeing it. The caller becomes responsible for releasing the pointer. Succeeds at most once.
        /// </summary>
        /// <returns>The native <c>at::Tensor*</c>.</returns>
        /// <exception cref="InvalidOperationException">Ownership was already transferred.</exception>
        /// <exception cref="ObjectDisposedException">The handle was disposed (the tensor is already freed).</exception>
        public IntPtr TransferOwnership()
        {
            if (IsOwnershipTransferred)
            {
                throw new InvalidOperationException("The tensor's ownership was already transferred; a TensorHandle hands its pointer out only once.");
            }

            bool added = false;
            try
            {
                // Throws ObjectDisposedException when the handle is closed (disposed, or transferred meanwhile).
                DangerousAddRef(ref added);
                if (Interlocked.Exchange(ref _transferred, 1) != 0)
                {
                    throw new InvalidOperationException("The tensor's ownership was already transferred; a TensorHandle hands its pointer out only once.");
                }

                IntPtr pointer = handle;

                // Closed without release: ReleaseHandle will never run for this pointer.
                SetHandleAsInvalid();
                return pointer;
            }
            finally
            {
                if (added)
                {
                    DangerousRelease();
                }
            }
        }

        /// <inheritdoc />
        protected override bool ReleaseHandle()
        {
            NativeMethods.fl_tensor_free(handle);
            return true;
        }
    }
}
