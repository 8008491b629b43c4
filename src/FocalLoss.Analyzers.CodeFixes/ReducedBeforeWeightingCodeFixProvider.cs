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
    /// FL0005 fix: compute the element-wise loss and reduce after weighting. The early reduction goes
    /// (<c>reduction: Reduction.None</c> for the cross entropy call, <c>ce.mean()</c> → <c>ce</c>), and the weighted loss
    /// is reduced where it leaves the method: <c>return loss;</c> → <c>return loss.mean();</c>; for a reduction
    /// parameter, the method's own <c>if (reduction == Mean) ...</c> is kept, or the return becomes
    /// <c>reduction switch { Mean => loss.mean(), Sum => loss.sum(), _ => loss }</c>. Offered only where the analyzer
    /// proved the rewrite safe (every value used once, straight-line flow).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReducedBeforeWeightingCodeFixProvider))]
    [Shared]
    public sealed class ReducedBeforeWeightingCodeFixProvider : FocalCodeFixProvider
    {
        /// <summary>The stable equivalence key of the preferred (first) action; the second is <see cref="RuntimeReplacement.EquivalenceKey"/>.</summary>
        public const string EquivalenceKey = "FL0005.ReduceAfterWeighting";

        /// <summary>The title of the action.</summary>
        public const string Title = "Reduce the loss after the focal weighting";

        public ReducedBeforeWeightingCodeFixProvider()
            : base(DiagnosticIds.ReducedBeforeWeighting, Title, EquivalenceKey, offersRuntimeReplacement: true)
        {
        }

        private protected override Func<CancellationToken, Task<Document>>? InPlaceFix(Document document, SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(ReducedBeforeWeightingAnalyzer.FixProperty, out var fixName)
                || !Enum.TryParse<ReducedBeforeWeightingFix>(fixName, out var fix) || fix == ReducedBeforeWeightingFix.None
                || !(FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is InvocationExpressionSyntax call))
            {
                return null;
            }

            ExpressionSyntax? sink = null;
            if (fix == ReducedBeforeWeightingFix.WrapReturn || fix == ReducedBeforeWeightingFix.SwitchOnVariable)
            {
                if (diagnostic.AdditionalLocations.Count != 1)
                {
                    return null;
                }

                sink = FixSyntax.ExpressionAt(root, diagnostic.AdditionalLocations[0].SourceSpan);
                if (sink == null)
                {
                    return null;
                }
            }

            if (fix == ReducedBeforeWeightingFix.SwitchOnVariable
                && (!(root.SyntaxTree.Options is CSharpParseOptions options) || options.LanguageVersion < LanguageVersion.CSharp8))
            {
                return null; // no switch expressions before C# 8
            }

            diagnostic.Properties.TryGetValue(ReducedBeforeWeightingAnalyzer.ReductionProperty, out var reduction);
            return ct => ApplyAsync(document, call, sink, fix, reduction, ct);
        }

        private static async Task<Document> ApplyAsync(Document document, InvocationExpressionSyntax call, ExpressionSyntax? sink, ReducedBeforeWeightingFix fix, string? reduction, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null || !(model.GetOperation(call, cancellationToken) is IInvocationOperation invocation))
            {
                return document;
            }

            var replacements = new Dictionary<SyntaxNode, Func<SyntaxNode, SyntaxNode>>();
            if (!AddUnreduce(invocation, call, model, replacements))
            {
                return document;
            }

            if (sink != null)
            {
                switch (fix)
                {
                    case ReducedBeforeWeightingFix.WrapReturn when reduction == "mean" || reduction == "sum":
                        replacements[sink] = rewritten => Reduce((ExpressionSyntax)rewritten, reduction!).WithTriviaFrom(rewritten);
                        break;
                    case ReducedBeforeWeightingFix.SwitchOnVariable:
                        {
                            var argument = ExpressionBuilder.Argument(invocation, "reduction");
                            if (!(argument?.Value is IParameterReferenceOperation parameter) || !(parameter.Type is INamedTypeSymbol enumType))
                            {
                                return document;
                            }

                            var typeName = enumType.ToMinimalDisplayString(model, call.SpanStart);
                            var subject = parameter.Parameter.Name;
                            replacements[sink] = rewritten => SwitchOn(subject, typeName, (ExpressionSyntax)rewritten).WithTriviaFrom(rewritten);
                            break;
                        }

                    default:
                        return document;
                }
            }

            var newRoot = root.ReplaceNodes(replacements.Keys, (original, rewritten) => replacements[original](rewritten));
            return document.WithSyntaxRoot(newRoot);
        }

        /// <summary>Registers the edit that makes the reducing call element-wise.</summary>
        private static bool AddUnreduce(IInvocationOperation invocation, InvocationExpressionSyntax call, SemanticModel model, Dictionary<SyntaxNode, Func<SyntaxNode, SyntaxNode>> replacements)
        {
            var name = invocation.TargetMethod.Name;
            if (name == "mean" || name == "sum")
            {
                var operand = invocation.TargetMethod.IsStatic ? ExpressionBuilder.Argument(invocation, 0)?.Value.Syntax : invocation.Instance?.Syntax;
                if (!(operand is ExpressionSyntax operandSyntax) || !call.Span.Contains(operandSyntax.Span))
                {
                    return false;
                }

                var inner = operandSyntax.WithoutTrivia();
                replacements[call] = rewritten => FixSyntax.Parenthesize(inner).WithTriviaFrom(rewritten);
                return true;
            }

            var argument = ExpressionBuilder.Argument(invocation, "reduction");
            if (argument == null || !(argument.Parameter?.Type is INamedTypeSymbol enumType) || enumType.TypeKind != TypeKind.Enum)
            {
                return false;
            }

            var none = NoneMember(enumType);
            if (none == null)
            {
                return false;
            }

            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                var typeName = enumType.ToMinimalDisplayString(model, call.SpanStart);
                var added = SyntaxFactory.Argument(SyntaxFactory.ParseExpression(typeName + "." + none))
                    .WithNameColon(SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(argument.Parameter.Name)));
                replacements[call] = rewritten =>
                {
                    var invocationSyntax = (InvocationExpressionSyntax)rewritten;
                    return invocationSyntax.WithArgumentList(invocationSyntax.ArgumentList.AddArguments(added));
                };
                return true;
            }

            if (!(argument.Syntax is ArgumentSyntax argumentSyntax))
            {
                return false;
            }

            ExpressionSyntax replacement;
            if (argumentSyntax.Expression is MemberAccessExpressionSyntax access && model.GetSymbolInfo(access).Symbol is IFieldSymbol field
                && SymbolEqualityComparer.Default.Equals(field.ContainingType, enumType))
            {
                replacement = access.WithName(SyntaxFactory.IdentifierName(none));
            }
            else
            {
                replacement = SyntaxFactory.ParseExpression(enumType.ToMinimalDisplayString(model, call.SpanStart) + "." + none);
            }

            var expression = argumentSyntax.Expression;
            replacements[expression] = rewritten => replacement.WithTriviaFrom(rewritten);
            return true;
        }

        private static string? NoneMember(INamedTypeSymbol enumType)
        {
            foreach (var member in enumType.GetMembers())
            {
                if (member is IFieldSymbol field && field.HasConstantValue && string.Equals(field.Name, "None", StringComparison.OrdinalIgnoreCase))
                {
                    return field.Name;
                }
            }

            return null;
        }

        /// <summary><c>e.mean()</c> / <c>e.sum()</c>, with <c>e</c> parenthesised unless primary.</summary>
        internal static ExpressionSyntax Reduce(ExpressionSyntax expression, string reduction) =>
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FixSyntax.Parenthesize(expression.WithoutTrivia()), SyntaxFactory.IdentifierName(reduction)));

        /// <summary><c>r switch { T.Mean => (e).mean(), T.Sum => (e).sum(), _ => e }</c>.</summary>
        internal static ExpressionSyntax SwitchOn(string subject, string typeName, ExpressionSyntax expression)
        {
            var plain = expression.WithoutTrivia();
            var text = subject + " switch { "
                + typeName + ".Mean => " + Reduce(plain, "mean").ToFullString() + ", "
                + typeName + ".Sum => " + Reduce(plain, "sum").ToFullString() + ", "
                + "_ => " + plain.ToFullString() + " }";
            return SyntaxFactory.ParseExpression(text);
        }
    }
}
