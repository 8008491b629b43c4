using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace FocalLoss.Analyzers.Tests.Verification
{
    /// <summary>Expectations: <c>Verify.Diagnostic(Rules.Descriptors.X).WithLocation(0).WithMessage("...")</c>.</summary>
    internal static class Verify
    {
        /// <summary>
        /// A diagnostic of <paramref name="descriptor"/> at its default severity. Its primary span is what a test pins;
        /// the additional locations are data for the code fix (the operand a fix rewrites), not something a user sees,
        /// and the fix tests check their effect through the exact fixed sources, so they are not compared.
        /// </summary>
        public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) =>
            new DiagnosticResult(descriptor).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);
    }
}
