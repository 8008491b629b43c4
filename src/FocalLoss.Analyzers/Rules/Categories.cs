namespace FocalLoss.Analyzers.Rules
{
    /// <summary>Diagnostic categories used by the descriptors.</summary>
    internal static class Categories
    {
        public const string Correctness = "Correctness";

        public const string Numerics = "Numerics";

        public const string Naming = "Naming";
    }
}
