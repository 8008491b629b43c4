using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace FocalLoss.Analyzers.CodeFixes
{
    /// <summary>
    /// The plumbing every focal-loss fix shares: one fixable id, the batch FixAll provider, and one in-place action
    /// per diagnostic with the rule's title and stable equivalence key. For the rules whose diagnostic points into a
    /// whole loss (FL0001, FL0002, FL0003, FL0005) it also offers <see cref="RuntimeReplacement"/>'s action, always
    /// second and only after the in-place action, so the in-place fix stays the one <c>dotnet format</c> applies.
    /// </summary>
    public abstract class FocalCodeFixProvider : CodeFixProvider
    {
        private readonly string _title;
        private readonly string _equivalenceKey;
        private readonly bool _offersRuntimeReplacement;

        /// <param name="diagnosticId">The rule the provider fixes.</param>
        /// <param name="title">The title of the in-place action.</param>
        /// <param name="equivalenceKey">The stable equivalence key of the in-place action.</param>
        /// <param name="offersRuntimeReplacement">Whether to offer "Use FocalLoss.TorchSharp sigmoid_focal_loss" second.</param>
        private protected FocalCodeFixProvider(string diagnosticId, string title, string equivalenceKey, bool offersRuntimeReplacement)
        {
            FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
            _title = title;
            _equivalenceKey = equivalenceKey;
            _offersRuntimeReplacement = offersRuntimeReplacement;
        }

        public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

        public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return;
            }

            SemanticModel? model = null;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (FixSyntax.HasSyntaxErrorsAround(root, diagnostic))
                {
                    // Half-typed code: no action rewrites a loss whose text does not parse yet.
                    continue;
                }

                var apply = InPlaceFix(context.Document, root, diagnostic);
                if (apply == null)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(CodeAction.Create(_title, ct => FixSyntax.WithoutNewParseErrorsAsync(document, apply, ct), _equivalenceKey), diagnostic);
                if (!_offersRuntimeReplacement)
                {
                    continue;
                }

                // Second action: replace the whole loss by the runtime call, when it is recognised completely.
                model ??= await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
                if (model != null)
                {
                    RuntimeReplacement.TryRegister(context, diagnostic, root, model);
                }
            }
        }

        /// <summary>True when the diagnostic carries one additional location, the operand to reuse, in its own tree.</summary>
        private protected static bool HasOperandLocation(Diagnostic diagnostic) =>
            diagnostic.AdditionalLocations.Count == 1
            && diagnostic.AdditionalLocations[0].IsInSource
            && diagnostic.AdditionalLocations[0].SourceTree == diagnostic.Location.SourceTree;

        /// <summary>
        /// The rule's in-place fix of <paramref name="diagnostic"/> (from its properties and locations in
        /// <paramref name="root"/>), or null when the analyzer offered none.
        /// </summary>
        private protected abstract Func<CancellationToken, Task<Document>>? InPlaceFix(Document document, SyntaxNode root, Diagnostic diagnostic);
    }
}
