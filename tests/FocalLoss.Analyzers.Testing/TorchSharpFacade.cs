using Microsoft.CodeAnalysis;

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>The compile-only TorchSharp reference facade (tests/TorchSharp.Facade) as a metadata reference.</summary>
    public static class TorchSharpFacade
    {
        /// <summary>A reference to the facade assembly (named TorchSharp, like the real one).</summary>
        public static MetadataReference Reference { get; } = MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location);
    }
}
