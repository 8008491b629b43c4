using System;
using System.Collections.Generic;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.CodeFixes
{
    /// <summary>
    /// FL0001 fix: corrects the base of the modulating factor in place and changes nothing else.
    /// <c>pt.pow(gamma)</c> → <c>(1 - pt).pow(gamma)</c>; <c>(1 - pt).pow(gamma)</c> → <c>pt.pow(gamma)</c>;
    /// <c>Math.Pow(pt, gamma)</c> → <c>Math.Pow(1 - pt, gamma)</c>; <c>pt * pt</c> → <c>(1 - pt) * (1 - pt)</c>;
    /// <c>torch.square(pt)</c> → <c>torch.square(1 - pt)</c>. In the two-branch form each flagged factor is
    /// flipped the same way, which swaps the exponents back.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InvertedModulatingFactorCodeFixProvider))]
    [Shared]
    public sealed class InvertedModulatingFactorCodeFixProvider : FocalCodeFixProvider
    {
        /// <summary>The stable equivalence key of the preferred (first) action; the second is <see cref="RuntimeReplacement.EquivalenceKey"/>.</summary>
        public const string EquivalenceKey = "FL0001.CorrectModulatingFactor";

        /// <summary>The title of the action.</summary>
        public const string Title = "Use (1 - p_t) as the base of the focal term";

        public InvertedModulatingFactorCodeFixProvider()
            : base(DiagnosticIds.InvertedModulatingFactor, Title, EquivalenceKey, offersRuntimeReplacement: true)
        {
        }

        private protected override Func<CancellationToken, Task<Document>>? InPlaceFix(Document document, SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(InvertedModulatingFactorAnalyzer.ShapeProperty, out var shape)
                || !diagnostic.Properties.TryGetValue(InvertedModulatingFactorAnalyzer.FixProperty, out var fix)
                || shape == null || fix == null
                || !(FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is ExpressionSyntax site))
            {
                return null;
            }

            return ct => ApplyAsync(document, site, shape, fix, ct);
        }

        private static async Task<Document> ApplyAsync(Document document, ExpressionSyntax site, string shape, string fix, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return document;
            }

            var bases = await FindBasesAsync(document, site, shape, cancellationToken).ConfigureAwait(false);
            if (bases.Count == 0)
            {
                return document;
            }

            var needsParentheses = shape != nameof(FocalSiteShape.FirstArgument);
            var newRoot = root.ReplaceNodes(bases, (original, _) => Rewrite(original, fix, needsParentheses));
            return document.WithSyntaxRoot(newRoot);
        }

        private static async Task<List<ExpressionSyntax>> FindBasesAsync(Document document, ExpressionSyntax site, string shape, CancellationToken cancellationToken)
        {
            var bases = new List<ExpressionSyntax>();
            switch (shape)
            {
                case nameof(FocalSiteShape.Receiver):
                    if (site is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
                    {
                        bases.Add(access.Expression);
                    }

                    break;
                case nameof(FocalSiteShape.FirstArgument):
                    {
                        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                        if (model?.GetOperation(site, cancellationToken) is IInvocationOperation invocation)
                        {
                            foreach (var argument in invocation.Arguments)
                            {
                                if (argument.Parameter?.Ordinal == 0 && argument.Syntax is ArgumentSyntax syntax)
                                {
                                    bases.Add(syntax.Expression);
                                }
                            }
                        }

                        break;
                    }

                case nameof(FocalSiteShape.SelfProduct):
                    if (site is BinaryExpressionSyntax product)
                    {
                        bases.Add(product.Left);
                        bases.Add(product.Right);
                    }

                    break;
            }

            return bases;
        }

        /// <summary>The corrected base: <c>e</c> for <c>1 - e</c>, else <c>1 - b</c>; fully parenthesised.</summary>
        internal static ExpressionSyntax Rewrite(ExpressionSyntax original, string fix, bool needsParentheses)
        {
            var replacement = fix == InvertedModulatingFactorAnalyzer.RemoveOneMinus && FixSyntax.StripParentheses(original) is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } oneMinus
                ? oneMinus.Right.WithoutTrivia()
                : FixSyntax.OneMinus(original);
            if (needsParentheses)
            {
                replacement = FixSyntax.Parenthesize(replacement);
            }

            return replacement.WithTriviaFrom(original);
        }
    }
}
