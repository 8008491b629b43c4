using Microsoft.CodeAnalysis;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>
    /// The types the evaluator recognises, resolved once per compilation by metadata name, so the
    /// analyzers work with any TorchSharp package version that declares the same API (the tests
    /// compile against the real TorchSharp 0.107).
    /// </summary>
    internal sealed class KnownSymbols
    {
        public const string TorchMetadataName = "TorchSharp.torch";
        public const string TensorMetadataName = "TorchSharp.torch+Tensor";
        public const string NnMetadataName = "TorchSharp.torch+nn";
        public const string FunctionalMetadataName = "TorchSharp.torch+nn+functional";
        public const string SpecialMetadataName = "TorchSharp.torch+special";
        public const string ScalarMetadataName = "TorchSharp.Scalar";

        /// <summary>The fused runtime's functions (FocalLoss.TorchSharp): its calls are modelled, not opaque.</summary>
        public const string FocalRuntimeMetadataName = "FocalLoss.TorchSharp.focal";

        private KnownSymbols(Compilation compilation)
        {
            Torch = compilation.GetTypeByMetadataName(TorchMetadataName);
            Tensor = compilation.GetTypeByMetadataName(TensorMetadataName);
            Nn = compilation.GetTypeByMetadataName(NnMetadataName);
            Functional = compilation.GetTypeByMetadataName(FunctionalMetadataName);
            Special = compilation.GetTypeByMetadataName(SpecialMetadataName);
            Scalar = compilation.GetTypeByMetadataName(ScalarMetadataName);
            Math = compilation.GetTypeByMetadataName("System.Math");
            MathF = compilation.GetTypeByMetadataName("System.MathF");
            FocalRuntime = compilation.GetTypeByMetadataName(FocalRuntimeMetadataName);
        }

        public INamedTypeSymbol? Torch { get; }

        public INamedTypeSymbol? Tensor { get; }

        public INamedTypeSymbol? Nn { get; }

        public INamedTypeSymbol? Functional { get; }

        public INamedTypeSymbol? Special { get; }

        public INamedTypeSymbol? Scalar { get; }

        public INamedTypeSymbol? Math { get; }

        public INamedTypeSymbol? MathF { get; }

        /// <summary>FocalLoss.TorchSharp.focal, when the compilation references the runtime.</summary>
        public INamedTypeSymbol? FocalRuntime { get; }

        /// <summary>True when the compilation references TorchSharp (the type TorchSharp.torch resolves).</summary>
        public bool HasTorchSharp => Torch != null;

        public static KnownSymbols Create(Compilation compilation) => new KnownSymbols(compilation);

        /// <summary>TorchSharp's tensor type.</summary>
        public bool IsTensor(ITypeSymbol? type) => type != null && Tensor != null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, Tensor);

        /// <summary>A type whose members the evaluator models as TorchSharp functions: torch, Tensor, nn.functional, special.</summary>
        public bool IsTorchFunctionContainer(INamedTypeSymbol? type)
        {
            if (type == null)
            {
                return false;
            }

            var definition = type.OriginalDefinition;
            return Is(definition, Torch) || Is(definition, Tensor) || Is(definition, Functional) || Is(definition, Special);
        }

        /// <summary>A type whose user-defined operators and conversions are TorchSharp's (Tensor, Scalar, torch).</summary>
        public bool IsTorchOperatorContainer(INamedTypeSymbol? type)
        {
            if (type == null)
            {
                return false;
            }

            var definition = type.OriginalDefinition;
            return Is(definition, Tensor) || Is(definition, Scalar) || Is(definition, Torch);
        }

        /// <summary>System.Math or System.MathF.</summary>
        public bool IsMath(INamedTypeSymbol? type)
        {
            if (type == null)
            {
                return false;
            }

            return Is(type, Math) || Is(type, MathF);
        }

        /// <summary>FocalLoss.TorchSharp.focal.</summary>
        public bool IsFocalRuntime(INamedTypeSymbol? type) => type != null && Is(type.OriginalDefinition, FocalRuntime);

        private static bool Is(INamedTypeSymbol candidate, INamedTypeSymbol? known) =>
            known != null && SymbolEqualityComparer.Default.Equals(candidate, known);
    }
}
