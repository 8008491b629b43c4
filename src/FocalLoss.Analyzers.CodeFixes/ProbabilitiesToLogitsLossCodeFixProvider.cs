using System;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FocalLoss.Analyzers.CodeFixes
{
    /// <summary>
    /// FL0003 fix: passes the logits instead of the probability. <c>binary_cross_entropy_with_logits(torch.sigmoid(x), t)</c>
    /// → <c>binary_cross_entropy_with_logits(x, t)</c>; <c>(1 - x.sigmoid(), t)</c> → <c>(-x, t)</c> (sigmoid(-x) = 1 - sigmoid(x));
    /// an argument that is a local holding <c>sigmoid(z)</c> → <c>z</c>, only when z is a local or parameter in scope and
    /// unchanged at the call (the analyzer decides; without that there is no fix).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ProbabilitiesToLogitsLossCodeFixProvider))]
    [Shared]
    public sealed class ProbabilitiesToLogitsLossCodeFixProvider : FocalCodeFixProvider
    {
        /// <summary>The stable equivalence key of the preferred (first) action; the second is <see cref="RuntimeReplacement.EquivalenceKey"/>.</summary>
        public const string EquivalenceKey = "FL0003.PassLogits";

        /// <summary>The title of the action.</summary>
        public const string Title = "Pass the logits instead of the probability";

        public ProbabilitiesToLogitsLossCodeFixProvider()
            : base(DiagnosticIds.ProbabilitiesToLogitsLoss, Title, EquivalenceKey, offersRuntimeReplacement: true)
        {
        }

        private protected override Func<CancellationToken, Task<Document>>? InPlaceFix(Document document, SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(ProbabilitiesToLogitsLossAnalyzer.NegatedProperty, out var negated)
                || negated == null || !HasOperandLocation(diagnostic))
            {
                return null;
            }

            var argument = FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan);
            var operand = FixSyntax.ExpressionAt(root, diagnostic.AdditionalLocations[0].SourceSpan);
            if (argument == null || operand == null)
            {
                return null;
            }

            var negate = negated == "true";
            return ct => ApplyAsync(document, argument, operand, negate, ct);
        }

        private static Task<Document> ApplyAsync(Document document, ExpressionSyntax argument, ExpressionSyntax operand, bool negate, CancellationToken cancellationToken)
        {
            var text = negate ? FixSyntax.Negate(operand) : FixSyntax.Text(FixSyntax.StripParentheses(operand));
            return FixSyntax.ReplaceAsync(document, argument, text, replacementIsPrimary: false, cancellationToken);
        }
    }
}
