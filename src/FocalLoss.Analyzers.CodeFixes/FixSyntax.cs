using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace FocalLoss.Analyzers.CodeFixes
{
    /// <summary>
    /// The syntax helpers every fix shares: finding the flagged expression, operand slots, parentheses (emitted
    /// expressions are fully parenthesised: replacing <c>p</c> by <c>1 - p</c> inside <c>x * p</c> never prints
    /// <c>x * 1 - p</c>), <c>1 - e</c>, <c>-z</c>, and replacing an expression by text.
    /// </summary>
    internal static class FixSyntax
    {
        /// <summary>
        /// True when the member (method, accessor, local function's container) that holds the diagnostic has a
        /// syntax error: the loss may be half-typed, and no action rewrites it.
        /// </summary>
        public static bool HasSyntaxErrorsAround(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != root.SyntaxTree || diagnostic.Location.SourceSpan.End > root.FullSpan.End)
            {
                return false;
            }

            SyntaxNode? node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            while (node != null && !(node is MemberDeclarationSyntax))
            {
                node = node.Parent;
            }

            return HasErrors(node ?? root);
        }

        /// <summary>
        /// Runs <paramref name="apply"/> and returns its document, unless that document parses with more syntax errors
        /// than the original (then the original: a fix never adds a parse error).
        /// </summary>
        public static async Task<Document> WithoutNewParseErrorsAsync(Document document, System.Func<CancellationToken, Task<Document>> apply, CancellationToken cancellationToken)
        {
            var changed = await apply(cancellationToken).ConfigureAwait(false);
            if (ReferenceEquals(changed, document))
            {
                return document;
            }

            var before = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var after = await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (before == null || after == null)
            {
                return changed;
            }

            return ErrorCount(after) > ErrorCount(before) ? document : changed;
        }

        private static bool HasErrors(SyntaxNode node)
        {
            if (!node.ContainsDiagnostics)
            {
                return false;
            }

            foreach (var diagnostic in node.GetDiagnostics())
            {
                if (diagnostic.Severity == DiagnosticSeverity.Error)
                {
                    return true;
                }
            }

            return false;
        }

        private static int ErrorCount(SyntaxNode root)
        {
            var count = 0;
            if (!root.ContainsDiagnostics)
            {
                return 0;
            }

            foreach (var diagnostic in root.GetDiagnostics())
            {
                if (diagnostic.Severity == DiagnosticSeverity.Error)
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>The expression whose span is exactly <paramref name="span"/> (innermost on ties), or null.</summary>
        public static ExpressionSyntax? ExpressionAt(SyntaxNode root, TextSpan span)
        {
            if (span.End > root.FullSpan.End)
            {
                return null;
            }

            return root.FindNode(span, getInnermostNodeForTie: true) is ExpressionSyntax expression && expression.Span == span ? expression : null;
        }

        /// <summary>
        /// Replaces <paramref name="original"/> by the expression <paramref name="replacement"/> (text) as a text change,
        /// so the document's tree is what its text parses to; parenthesised where a non-primary expression needs it
        /// (<see cref="NeedsParentheses"/>) unless <paramref name="replacementIsPrimary"/>.
        /// </summary>
        public static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax original, string replacement, bool replacementIsPrimary, CancellationToken cancellationToken)
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            if (!replacementIsPrimary && NeedsParentheses(original))
            {
                replacement = "(" + replacement + ")";
            }

            return document.WithText(text.WithChanges(new TextChange(original.Span, replacement)));
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

        /// <summary>The expression without the parentheses written around it.</summary>
        public static ExpressionSyntax StripParentheses(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }

        /// <summary>The expression an operand occupies, including the parentheses written around it.</summary>
        public static ExpressionSyntax Slot(ExpressionSyntax expression)
        {
            while (expression.Parent is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized;
            }

            return expression;
        }

        /// <summary>
        /// <paramref name="content"/> made fit to replace <paramref name="slot"/>: parenthesised unless it is a
        /// primary expression or the slot is a whole argument, initializer, return value or branch of <c>?:</c>;
        /// with the slot's trivia.
        /// </summary>
        public static ExpressionSyntax Place(ExpressionSyntax content, ExpressionSyntax slot)
        {
            var replacement = StripParentheses(content).WithoutTrivia();
            if (!IsPrimary(replacement) && NeedsParentheses(slot))
            {
                replacement = SyntaxFactory.ParenthesizedExpression(replacement);
            }

            return replacement.WithTriviaFrom(slot);
        }

        /// <summary><c>1 - e</c>, with <paramref name="operand"/> parenthesised unless it is primary.</summary>
        public static ExpressionSyntax OneMinus(ExpressionSyntax operand) =>
            SyntaxFactory.BinaryExpression(
                SyntaxKind.SubtractExpression,
                SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1)).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.Token(SyntaxKind.MinusToken).WithTrailingTrivia(SyntaxFactory.Space),
                Parenthesize(operand.WithoutTrivia()));

        /// <summary><paramref name="expression"/>, parenthesised unless it is primary.</summary>
        public static ExpressionSyntax Parenthesize(ExpressionSyntax expression) =>
            IsPrimary(expression) ? expression : SyntaxFactory.ParenthesizedExpression(expression);

        /// <summary>
        /// True when a non-primary expression in <paramref name="slot"/> needs parentheses to keep its meaning: not
        /// for an argument, an initializer, a return value, an expression body, a statement, a parenthesised
        /// expression, a branch of <c>?:</c> or the right of an assignment.
        /// </summary>
        public static bool NeedsParentheses(ExpressionSyntax slot)
        {
            switch (slot.Parent)
            {
                case ArgumentSyntax _:
                case EqualsValueClauseSyntax _:
                case ReturnStatementSyntax _:
                case ArrowExpressionClauseSyntax _:
                case ExpressionStatementSyntax _:
                case ParenthesizedExpressionSyntax _:
                    return false;
                case ConditionalExpressionSyntax conditional:
                    return conditional.Condition == slot;
                case AssignmentExpressionSyntax assignment:
                    return assignment.Right != slot;
                default:
                    return true;
            }
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
