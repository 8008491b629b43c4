using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FocalLoss.Analyzers.Tests.Verification.Samples
{
    /// <summary>
    /// A minimal well-behaved fixer for <see cref="FortyTwoAnalyzer"/>: one action "Use 41" (key Use41), batch FixAll.
    /// Subclasses break one habit each.
    /// </summary>
    public class FortyTwoFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(FortyTwoAnalyzer.Id);

        /// <summary>The actions registered for each diagnostic, in order: title, equivalence key, replacement expression.</summary>
        protected virtual IEnumerable<(string Title, string? Key, string Replacement)> Actions => new[] { ("Use 41", (string?)"Use41", "41") };

        public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                foreach (var (title, key, replacement) in Actions)
                {
                    context.RegisterCodeFix(CodeAction.Create(title, ct => ReplaceAsync(context.Document, diagnostic.Location.SourceSpan, replacement, ct), key), diagnostic);
                }
            }

            return Task.CompletedTask;
        }

        /// <summary>The expression that replaces the flagged literal.</summary>
        protected virtual ExpressionSyntax Build(string replacement) => SyntaxFactory.ParseExpression(replacement);

        private async Task<Document> ReplaceAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, string replacement, CancellationToken cancellationToken)
        {
            var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            var node = root.FindNode(span, getInnermostNodeForTie: true).DescendantNodesAndSelf().OfType<ExpressionSyntax>().First();
            return document.WithSyntaxRoot(root.ReplaceNode(node, Build(replacement).WithTriviaFrom(node)));
        }
    }

    /// <summary>Broken: no FixAll provider.</summary>
    public sealed class NoFixAllFixer : FortyTwoFixer
    {
        public override FixAllProvider? GetFixAllProvider() => null;
    }

    /// <summary>Broken: the fix uses an obsolete member (a new CS0612 warning).</summary>
    public sealed class ObsoleteMemberFixer : FortyTwoFixer
    {
        protected override IEnumerable<(string Title, string? Key, string Replacement)> Actions => new[] { ("Use Legacy.Value", (string?)"UseLegacy", "Legacy.Value") };
    }

    /// <summary>Two actions: "Use 41" (first, what dotnet format applies) and "Use 43".</summary>
    public sealed class TwoActionsFixer : FortyTwoFixer
    {
        protected override IEnumerable<(string Title, string? Key, string Replacement)> Actions => new[] { ("Use 41", (string?)"Use41", "41"), ("Use 43", "Use43", "43") };
    }

    /// <summary>Broken: the first action has no equivalence key (dotnet format and FixAll cannot apply it).</summary>
    public sealed class FirstActionWithoutKeyFixer : FortyTwoFixer
    {
        protected override IEnumerable<(string Title, string? Key, string Replacement)> Actions => new[] { ("Use 41", (string?)null, "41"), ("Use 43", "Use43", "43") };
    }

    /// <summary>Broken: builds <c>40 + 2</c> as a tree without parentheses, which inside <c>2 * 42</c> prints as <c>2 * 40 + 2</c>.</summary>
    public sealed class UnparenthesisedFixer : FortyTwoFixer
    {
        protected override IEnumerable<(string Title, string? Key, string Replacement)> Actions => new[] { ("Use 40 + 2", (string?)"UseSum", "40 + 2") };

        protected override ExpressionSyntax Build(string replacement) =>
            SyntaxFactory.BinaryExpression(SyntaxKind.AddExpression, SyntaxFactory.ParseExpression("40"), SyntaxFactory.ParseExpression("2"));
    }
}
