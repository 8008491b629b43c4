using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace FocalLoss.Analyzers.Testing.Tests
{
    /// <summary>
    /// Base of the sample fixes: rewrites the flagged <c>Math.Pow(a, b)</c> invocation with <see cref="Rewrite"/>.
    /// </summary>
    public abstract class PowFixBase : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("TST001");

        public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        protected virtual IEnumerable<(string Title, string Key)> Actions => new[] { ("Use Exp and Log", "ExpLog") };

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var invocation = root!.FindNode(context.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation is null || invocation.ArgumentList.Arguments.Count != 2)
            {
                return;
            }

            foreach (var (title, key) in Actions)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => ApplyAsync(context.Document, invocation, key, ct), key),
                    context.Diagnostics);
            }
        }

        private async Task<Document> ApplyAsync(Document document, InvocationExpressionSyntax invocation, string key, CancellationToken ct)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var replacement = Rewrite(invocation, key);
            return replacement is null ? document : document.WithSyntaxRoot(root!.ReplaceNode(invocation, replacement.WithTriviaFrom(invocation)));
        }

        /// <summary>The replacement for <c>Math.Pow(a, b)</c>, or null for "no change".</summary>
        protected abstract ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key);

        protected static ExpressionSyntax Base(InvocationExpressionSyntax invocation) => invocation.ArgumentList.Arguments[0].Expression;

        protected static ExpressionSyntax Exponent(InvocationExpressionSyntax invocation) => invocation.ArgumentList.Arguments[1].Expression;

        protected static ExpressionSyntax MathCall(string name, params ExpressionSyntax[] arguments)
            => InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName("Math"), IdentifierName(name)),
                ArgumentList(SeparatedList(arguments.Select(Argument))));

        /// <summary>Math.Exp((b) * Math.Log(a)), parenthesising b when it is not a simple operand.</summary>
        protected static ExpressionSyntax ExpLog(InvocationExpressionSyntax invocation, bool parenthesize)
        {
            var exponent = Exponent(invocation).WithoutTrivia();
            if (parenthesize && exponent is BinaryExpressionSyntax or ConditionalExpressionSyntax or AssignmentExpressionSyntax)
            {
                exponent = ParenthesizedExpression(exponent);
            }

            var product = BinaryExpression(SyntaxKind.MultiplyExpression, exponent, MathCall("Log", Base(invocation).WithoutTrivia()));
            return MathCall("Exp", product).WithAdditionalAnnotations(Formatter.Annotation);
        }
    }

    /// <summary>Correct: Math.Pow(a, b) becomes Math.Exp((b) * Math.Log(a)).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class CorrectPowFix : PowFixBase
    {
        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key) => ExpLog(invocation, parenthesize: true);
    }

    /// <summary>Offers two actions: [0] Exp/Log (key ExpLog), [1] Log-first product (key LogFirst).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class TwoActionPowFix : PowFixBase
    {
        protected override IEnumerable<(string Title, string Key)> Actions => new[] { ("Use Exp and Log", "ExpLog"), ("Use Exp of Log first", "LogFirst") };

        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key)
        {
            if (key == "ExpLog")
            {
                return ExpLog(invocation, parenthesize: true);
            }

            var exponent = Exponent(invocation).WithoutTrivia();
            var product = BinaryExpression(SyntaxKind.MultiplyExpression, MathCall("Log", Base(invocation).WithoutTrivia()), ParenthesizedExpression(exponent));
            return MathCall("Exp", product).WithAdditionalAnnotations(Formatter.Annotation);
        }
    }

    /// <summary>Bug: the action returns the document unchanged.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class NoOpPowFix : PowFixBase
    {
        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key) => null;
    }

    /// <summary>Bug: builds Exp(b * Log(a)) without parentheses around a binary b, so its text prints as b1 + b2 * Log(a).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class UnparenthesizedPowFix : PowFixBase
    {
        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key) => ExpLog(invocation, parenthesize: false);
    }

    /// <summary>Bug: correct rewrite, but no FixAll provider.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class NullFixAllPowFix : PowFixBase
    {
        public override FixAllProvider? GetFixAllProvider() => null;

        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key) => ExpLog(invocation, parenthesize: true);
    }

    /// <summary>Bug: rewrites Math.Pow(a, b) as Math.Pow(a, (b)), which is still flagged: an infinite fix loop.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class LoopingPowFix : PowFixBase
    {
        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key)
            => MathCall("Pow", Base(invocation).WithoutTrivia(), ParenthesizedExpression(Exponent(invocation).WithoutTrivia()));
    }

    /// <summary>Bug: the fixed code calls Math.Powr, which does not exist.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class CompileErrorPowFix : PowFixBase
    {
        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key)
            => MathCall("Powr", Base(invocation).WithoutTrivia(), Exponent(invocation).WithoutTrivia());
    }

    /// <summary>Bug: the fixed code adds a nullable warning (dereferencing a null string).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class WarningPowFix : PowFixBase
    {
        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key)
            => ParseExpression("Math.Exp(" + Exponent(invocation) + ") + ((string)null).Length");
    }

    /// <summary>Bug: declares it fixes TST777 only.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class WrongIdPowFix : PowFixBase
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("TST777");

        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key) => ExpLog(invocation, parenthesize: true);
    }

    /// <summary>Bug: its FixAll provider supports Document scope only.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class DocumentScopeOnlyPowFix : PowFixBase
    {
        public override FixAllProvider? GetFixAllProvider() => new DocumentOnlyProvider();

        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key) => ExpLog(invocation, parenthesize: true);

        private sealed class DocumentOnlyProvider : FixAllProvider
        {
            public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => new[] { FixAllScope.Document };

            public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext) => WellKnownFixAllProviders.BatchFixer.GetFixAsync(fixAllContext);
        }
    }

    /// <summary>Bug: in Solution scope its FixAll provider fixes only the project it was invoked from.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp), Shared]
    public sealed class ProjectOnlyInSolutionScopePowFix : PowFixBase
    {
        public override FixAllProvider? GetFixAllProvider() => new ProjectOnlyProvider();

        protected override ExpressionSyntax? Rewrite(InvocationExpressionSyntax invocation, string key) => ExpLog(invocation, parenthesize: true);

        private sealed class ProjectOnlyProvider : FixAllProvider
        {
            public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

            public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
            {
                var context = fixAllContext.Scope != FixAllScope.Solution
                    ? fixAllContext
                    : new FixAllContext(
                        fixAllContext.Project,
                        fixAllContext.CodeFixProvider,
                        FixAllScope.Project,
                        fixAllContext.CodeActionEquivalenceKey,
                        fixAllContext.DiagnosticIds,
                        new Forwarding(fixAllContext),
                        fixAllContext.CancellationToken);
                return WellKnownFixAllProviders.BatchFixer.GetFixAsync(context);
            }
        }

        private sealed class Forwarding : FixAllContext.DiagnosticProvider
        {
            private readonly FixAllContext inner;

            public Forwarding(FixAllContext inner) => this.inner = inner;

            public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => await inner.GetAllDiagnosticsAsync(project).ConfigureAwait(false);

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
                => await inner.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);

            public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
                => await inner.GetProjectDiagnosticsAsync(project).ConfigureAwait(false);
        }
    }
}
