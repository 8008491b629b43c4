using System;
using Xunit;

namespace FocalLoss.Runtime.Tests.Support
{
    /// <summary>
    /// A fact that needs a usable CUDA device through the native library; skipped, with the reason, when
    /// there is none. When the native library itself cannot be loaded the test is NOT skipped: it runs and
    /// fails with the loader's message.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class CudaFactAttribute : FactAttribute
    {
        public CudaFactAttribute()
        {
            if (CudaProbe.TryGetAvailability(out bool compiled, out bool available) && !available)
            {
                Skip = compiled
                    ? "Needs a CUDA device: libFocalLossNative has its CUDA kernel but no CUDA device is usable on this machine."
                    : "Needs a CUDA device and a CUDA build of libFocalLossNative: this build has no CUDA kernel (built without a CUDA toolkit), and/or there is no GPU.";
            }
        }
    }

    /// <summary>A fact about behaviour without CUDA; skipped, with the reason, when a CUDA device is usable.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class NoCudaFactAttribute : FactAttribute
    {
        public NoCudaFactAttribute()
        {
            if (CudaProbe.TryGetAvailability(out _, out bool available) && available)
            {
                Skip = "Checks behaviour when no CUDA device is usable, but one is usable here.";
            }
        }
    }

    internal static class CudaProbe
    {
        public static bool TryGetAvailability(out bool compiled, out bool available)
        {
            try
            {
                compiled = FocalLossNative.CudaCompiled;
                available = FocalLossNative.CudaAvailable;
                return true;
            }
            catch (InvalidOperationException)
            {
                compiled = false;
                available = false;
                return false;
            }
        }
    }
}
