using Xunit;

namespace FocalLoss.Runtime.Tests.Support
{
    /// <summary>
    /// Tests that measure the process-wide native heap run alone: xunit runs this collection after the
    /// parallel ones, with nothing else allocating meanwhile.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class HeapCollection
    {
        public const string Name = "Native heap measurements";
    }
}
