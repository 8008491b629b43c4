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
    /// FL0002 fix: exchanges the two alpha operands in place, keeping the user's operands and everything else:
    /// <c>t * (1 - alpha) + (1 - t) * alpha</c> → <c>t * alpha + (1 - t) * (1 - alpha)</c>;
    /// <c>torch.where(t == 1, 1 - alpha, alpha)</c> → <c>torch.where(t == 1, alpha, 1 - alpha)</c>; the same for <c>?:</c>
    /// and for the alpha factors of the explicit two-branch loss. Offered only when the analysis found such a pair and
    /// the evaluator confirmed that the exchange gives t*alpha + (1-t)*(1-alpha).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InvertedAlphaBalanceCodeFixProvider))]
    [Shared]
    public sealed class InvertedAlphaBalanceCodeFixProvider : FocalCodeFixProvider
    {
        /// <summary>The stable equivalence key of the preferred (first) action; the second is <see cref="RuntimeReplacement.EquivalenceKey"/>.</summary>
        public const string EquivalenceKey = "FL0002.SwapAlphaBalance";

        /// <summary>The title of the action.</summary>
        public const string Title = "Give positives alpha and negatives 1 - alpha";

        public InvertedAlphaBalanceCodeFixProvider()
            : base(DiagnosticIds.InvertedAlphaBalance, Title, EquivalenceKey, offersRuntimeReplacement: true)
        {
        }

        private protected override Func<CancellationToken, Task<Document>>? InPlaceFix(Document document, SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(InvertedAlphaBalanceAnalyzer.FixProperty, out var fix) || fix != InvertedAlphaBalanceAnalyzer.SwapFix
                || !(FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is ExpressionSyntax site))
            {
                return null;
            }

            return ct => ApplyAsync(document, site, ct);
        }

        private static async Task<Document> ApplyAsync(Document document, ExpressionSyntax site, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return document;
            }

            var operation = model.GetOperation(site, cancellationToken);
            if (operation == null)
            {
                return document;
            }

            AlphaBalanceFinding? finding;
            using (new ExprContext().Enter())
            {
                try
                {
                    finding = InvertedAlphaBalanceAnalysis.Analyze(operation, new ExpressionBuilder(KnownSymbols.Create(model.Compilation)));
                }
                catch (AnalysisBudgetExceededException)
                {
                    return document;
                }
            }

            if (finding == null || finding.Form != BalanceForm.Inverted || finding.Slots == null
                || !(finding.Slots.Value.First.Syntax is ExpressionSyntax first)
                || !(finding.Slots.Value.Second.Syntax is ExpressionSyntax second))
            {
                return document;
            }

            var firstSlot = FixSyntax.Slot(first);
            var secondSlot = FixSyntax.Slot(second);
            var newRoot = root.ReplaceNodes(
                new[] { firstSlot, secondSlot },
                (original, _) => ReferenceEquals(original, firstSlot) ? FixSyntax.Place(secondSlot, firstSlot) : FixSyntax.Place(firstSlot, secondSlot));
            return document.WithSyntaxRoot(newRoot);
        }
    }
}
