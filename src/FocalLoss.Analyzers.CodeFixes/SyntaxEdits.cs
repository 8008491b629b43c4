using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FocalLoss.Analyzers.CodeFixes
{
    /// <summary>Small syntax helpers shared by the FL0002 and FL0006 fixes: slots, parentheses, <c>1 - e</c>.</summary>
    internal static class SyntaxEdits
    {
        /// <summary>The expression an operand occupies, including the parentheses written around it.</summary>
        public static ExpressionSyntax Slot(ExpressionSyntax expression)
        {
            while (expression.Parent is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized;
            }

            return expression;
        }

        /// <summary>The expression without the parentheses written around it.</summary>
        public static ExpressionSyntax Strip(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
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
            var replacement = Strip(content).WithoutTrivia();
            if (!IsPrimary(replacement) && NeedsParentheses(slot))
            {
                replacement = SyntaxFactory.ParenthesizedExpression(replacement);
            }

            return replacement.WithTriviaFrom(slot);
        }

        /// <summary><c>1 - e</c>, with <paramref name="operand"/> parenthesised unless it is primary.</summary>
        public static ExpressionSyntax OneMinus(ExpressionSyntax operand)
        {
            var inner = operand.WithoutTrivia();
            if (!IsPrimary(inner))
            {
                inner = SyntaxFactory.ParenthesizedExpression(inner);
            }

            return SyntaxFactory.BinaryExpression(
                SyntaxKind.SubtractExpression,
                SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1)).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.Token(SyntaxKind.MinusToken).WithTrailingTrivia(SyntaxFactory.Space),
                inner);
        }

        /// <summary>True when a non-primary expression in <paramref name="slot"/> needs parentheses to keep its meaning.</summary>
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
    }
}
