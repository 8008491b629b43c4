using System;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FocalLoss.Analyzers.CodeFixes
{
    /// <summary>
    /// FL0004 fix: rewrites the log call to the stable form with the same value.
    /// TorchSharp: <c>torch.log(torch.sigmoid(z))</c> → <c>torch.nn.functional.logsigmoid(z)</c>;
    /// <c>torch.log(1 - torch.sigmoid(z))</c> → <c>torch.nn.functional.logsigmoid(-z)</c>.
    /// Scalar: <c>Math.Log(1 / (1 + Math.Exp(-z)))</c> → <c>-(Math.Max(-z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))))</c>
    /// (that is -softplus(-z)); <c>Math.Log(1 - p)</c> → <c>-(Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))))</c>
    /// (-softplus(z)); MathF alike. Offered only where the analyzer found a reusable operand (see <see cref="SigmoidOperand"/>);
    /// never for a clamped probability (reported at Info severity).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnstableLogSigmoidCodeFixProvider))]
    [Shared]
    public sealed class UnstableLogSigmoidCodeFixProvider : FocalCodeFixProvider
    {
        /// <summary>The stable equivalence key of the (only, preferred) action.</summary>
        public const string EquivalenceKey = "FL0004.UseStableForm";

        /// <summary>The title of the action.</summary>
        public const string Title = "Compute the log-sigmoid in its stable form";

        public UnstableLogSigmoidCodeFixProvider()
            : base(DiagnosticIds.UnstableLogSigmoid, Title, EquivalenceKey, offersRuntimeReplacement: false)
        {
        }

        private protected override Func<CancellationToken, Task<Document>>? InPlaceFix(Document document, SyntaxNode root, Diagnostic diagnostic)
        {
            var properties = diagnostic.Properties;
            if (!properties.TryGetValue(UnstableLogSigmoidAnalyzer.FormProperty, out var form)
                || !properties.TryGetValue(UnstableLogSigmoidAnalyzer.NegatedProperty, out var negated)
                || form == null || negated == null || !HasOperandLocation(diagnostic))
            {
                return null;
            }

            properties.TryGetValue(UnstableLogSigmoidAnalyzer.MathTypeProperty, out var mathType);
            if (form == UnstableLogSigmoidAnalyzer.ScalarForm && mathType != "Math" && mathType != "MathF")
            {
                return null;
            }

            var call = FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan);
            var operand = FixSyntax.ExpressionAt(root, diagnostic.AdditionalLocations[0].SourceSpan);
            if (call == null || operand == null)
            {
                return null;
            }

            var negate = negated == "true";
            return ct => ApplyAsync(document, call, operand, form, negate, mathType, ct);
        }

        private static async Task<Document> ApplyAsync(Document document, ExpressionSyntax call, ExpressionSyntax operand, string form, bool negate, string? mathType, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model == null)
            {
                return document;
            }

            var position = call.SpanStart;
            string text;
            bool primary;
            if (form == UnstableLogSigmoidAnalyzer.TensorForm)
            {
                // logsigmoid(z) = log(sigmoid(z)); logsigmoid(-z) = log(1 - sigmoid(z)).
                var functional = FixSyntax.FirstBinding(
                    model,
                    position,
                    new[] { "torch.nn.functional.logsigmoid", "TorchSharp.torch.nn.functional.logsigmoid", "global::TorchSharp.torch.nn.functional.logsigmoid" },
                    symbol => symbol is IMethodSymbol method && method.Name == "logsigmoid"
                              && method.ContainingType?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == "global::" + KnownSymbols.FunctionalMetadataName.Replace('+', '.'),
                    cancellationToken);
                var argument = negate ? FixSyntax.Negate(operand) : FixSyntax.Text(FixSyntax.StripParentheses(operand));
                text = functional + "(" + argument + ")";
                primary = true;
            }
            else
            {
                // log(sigmoid(z)) = -softplus(-z) = -(max(-z, 0) + log(1 + exp(-|z|))); log(1 - sigmoid(z)) = -softplus(z).
                var m = FixSyntax.FirstBinding(
                    model,
                    position,
                    new[] { mathType!, "System." + mathType, "global::System." + mathType },
                    symbol => symbol is INamedTypeSymbol type && type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == "global::System." + mathType,
                    cancellationToken);
                var z = FixSyntax.Text(FixSyntax.StripParentheses(operand));
                var maxArgument = negate ? z : FixSyntax.Negate(operand);
                text = "-(" + m + ".Max(" + maxArgument + ", 0) + " + m + ".Log(1 + " + m + ".Exp(-" + m + ".Abs(" + z + "))))";
                primary = false;
            }

            return await FixSyntax.ReplaceAsync(document, call, text, primary, cancellationToken).ConfigureAwait(false);
        }
    }
}
