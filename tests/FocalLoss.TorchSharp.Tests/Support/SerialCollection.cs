using Xunit;

namespace FocalLoss.TorchSharp.Tests.Support
{
    /// <summary>Tests that change process-wide state (thread count) or measure the process (RSS): run alone, after the parallel ones.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SerialCollection
    {
        public const string Name = "Serial: process-wide state and measurements";
    }
}
