using Microsoft.CodeAnalysis;

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>Helpers to write expectations; <c>using static FocalLoss.Analyzers.Testing.Verify;</c>.</summary>
    public static class Verify
    {
        /// <summary>An expectation of a diagnostic with <paramref name="id"/>.</summary>
        public static DiagnosticResult Diagnostic(string id) => DiagnosticResult.Create(id);

        /// <summary>An expectation of a diagnostic of <paramref name="descriptor"/> at its default severity.</summary>
        public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor)
            => DiagnosticResult.Create(descriptor.Id).WithSeverity(descriptor.DefaultSeverity);
    }
}
