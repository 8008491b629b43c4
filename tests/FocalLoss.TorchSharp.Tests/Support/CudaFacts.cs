using System;
using Xunit;

namespace FocalLoss.TorchSharp.Tests.Support
{
    /// <summary>A fact that needs a CUDA device in this TorchSharp process; skipped, with the reason, when torch.cuda.is_available() is false.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class CudaFactAttribute : FactAttribute
    {
        public CudaFactAttribute()
        {
            if (!global::TorchSharp.torch.cuda.is_available())
            {
                Skip = "Needs a CUDA device: torch.cuda.is_available() is false (TorchSharp-cpu, or no GPU). Run on a GPU machine with a CUDA TorchSharp bundle.";
            }
        }
    }

    /// <summary>A fact about behaviour without a GPU; skipped, with the reason, when a CUDA device is usable.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class NoCudaFactAttribute : FactAttribute
    {
        public NoCudaFactAttribute()
        {
            if (global::TorchSharp.torch.cuda.is_available())
            {
                Skip = "Checks the error on a machine without a usable CUDA device, but one is usable here.";
            }
        }
    }
}
