using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FocalLoss.Analyzers.CodeFixes
{
    /// <summary>Small syntax helpers shared by the FL0003 and FL0004 fixes (text in, fully parenthesised text out).</summary>
    internal static class FixSyntax
    {
        /// <summary>The node whose span is exactly <paramref name="span"/> (innermost on ties), or null.</summary>
        public static ExpressionSyntax? ExpressionAt(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span)
        {
            if (span.End > root.FullSpan.End)
            {
                return null;
            }

            return root.FindNode(span, getInnermostNodeForTie: true) is ExpressionSyntax expression && expression.Span == span ? expression : null;
        }

        /// <summary>
        /// Replaces <paramref name="original"/> by the expression <paramref name="replacement"/> (text) as a text change,
        /// so the document's tree is what its text parses to; parenthesised unless it stands where any expression may
        /// or <paramref name="replacementIsPrimary"/>.
        /// </summary>
        public static async System.Threading.Tasks.Task<Document> ReplaceAsync(Document document, ExpressionSyntax original, string replacement, bool replacementIsPrimary, CancellationToken cancellationToken)
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            if (!replacementIsPrimary && !StandsAlone(original))
            {
                replacement = "(" + replacement + ")";
            }

            return document.WithText(text.WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(original.Span, replacement)));
        }

        /// <summary>The text of <paramref name="expression"/> without outer trivia.</summary>
        public static string Text(ExpressionSyntax expression) => expression.WithoutTrivia().ToFullString();

        /// <summary><c>-z</c> as text for an argument position: <c>w</c> for <c>-w</c>, <c>-z</c> for a primary z, else <c>-(z)</c>.</summary>
        public static string Negate(ExpressionSyntax expression)
        {
            var inner = StripParentheses(expression);
            if (inner is PrefixUnaryExpressionSyntax minus && minus.IsKind(SyntaxKind.UnaryMinusExpression))
            {
                return Text(minus.Operand);
            }

            return IsPrimary(inner) ? "-" + Text(inner) : "-(" + Text(inner) + ")";
        }

        /// <summary>The text of <paramref name="expression"/>, parenthesised unless it is primary.</summary>
        public static string Operand(ExpressionSyntax expression)
        {
            var inner = StripParentheses(expression);
            return IsPrimary(inner) ? Text(inner) : "(" + Text(inner) + ")";
        }

        public static ExpressionSyntax StripParentheses(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }

        public static bool IsPrimary(ExpressionSyntax expression) =>
            expression is IdentifierNameSyntax
            || expression is MemberAccessExpressionSyntax
            || expression is InvocationExpressionSyntax
            || expression is ElementAccessExpressionSyntax
            || expression is LiteralExpressionSyntax
            || expression is ParenthesizedExpressionSyntax
            || expression is ThisExpressionSyntax
            || expression is GenericNameSyntax;

        /// <summary>True where any expression may stand without parentheses: an argument, an initializer, a return value, the right of an assignment.</summary>
        public static bool StandsAlone(ExpressionSyntax original)
        {
            var parent = original.Parent;
            return parent is ArgumentSyntax
                   || parent is EqualsValueClauseSyntax
                   || parent is ReturnStatementSyntax
                   || parent is ArrowExpressionClauseSyntax
                   || parent is ParenthesizedExpressionSyntax
                   || parent is ExpressionStatementSyntax
                   || (parent is AssignmentExpressionSyntax assignment && assignment.Right == original);
        }

        /// <summary>
        /// The first of <paramref name="candidates"/> (qualified names of a type or method) that binds at
        /// <paramref name="position"/> to a symbol accepted by <paramref name="accept"/>; the last one otherwise.
        /// </summary>
        public static string FirstBinding(SemanticModel model, int position, IReadOnlyList<string> candidates, System.Func<ISymbol, bool> accept, CancellationToken cancellationToken)
        {
            foreach (var candidate in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var expression = SyntaxFactory.ParseExpression(candidate);
                var info = model.GetSpeculativeSymbolInfo(position, expression, SpeculativeBindingOption.BindAsExpression);
                if (info.Symbol != null && accept(info.Symbol))
                {
                    return candidate;
                }

                foreach (var symbol in info.CandidateSymbols)
                {
                    if (accept(symbol))
                    {
                        return candidate;
                    }
                }

                var type = model.GetSpeculativeTypeInfo(position, expression, SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
                if (type != null && type.TypeKind != TypeKind.Error && accept(type))
                {
                    return candidate;
                }
            }

            return candidates[candidates.Count - 1];
        }
    }
}
