using System;
using System.Collections.Generic;
using System.Composition;
using System.Linq;
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
    /// FL0006 refactoring (optional, information only): switches a local that holds 1 - p_t to the paper's notation,
    /// definition and every use together, so the loss keeps exactly the same value:
    /// <c>var pt = t * (1 - p) + (1 - t) * p; ... pt.pow(gamma)</c> → <c>var pt = t * p + (1 - t) * (1 - p); ... (1 - pt).pow(gamma)</c>.
    /// Every read becomes <c>1 - pt</c> (a read already written <c>1 - pt</c> becomes <c>pt</c>). Offered only for a local
    /// with a single write, its initializer, and no use inside a lambda, local function or <c>nameof</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PaperNotationCodeFixProvider))]
    [Shared]
    public sealed class PaperNotationCodeFixProvider : FocalCodeFixProvider
    {
        /// <summary>The stable equivalence key of the action.</summary>
        public const string EquivalenceKey = "FL0006.UsePaperNotation";

        /// <summary>The title of the action.</summary>
        public const string Title = "Use the paper's notation: p_t and (1 - p_t)^gamma";

        public PaperNotationCodeFixProvider()
            : base(DiagnosticIds.PtHoldsOneMinusPt, Title, EquivalenceKey, offersRuntimeReplacement: false)
        {
        }

        private protected override Func<CancellationToken, Task<Document>>? InPlaceFix(Document document, SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(PtNotationAnalyzer.RewriteProperty, out var rewrite) || rewrite == null)
            {
                return null;
            }

            var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
            if (!(token.Parent is VariableDeclaratorSyntax declarator) || declarator.Identifier.Span != diagnostic.Location.SourceSpan)
            {
                return null;
            }

            return ct => ApplyAsync(document, declarator, ct);
        }

        private static async Task<Document> ApplyAsync(Document document, VariableDeclaratorSyntax declarator, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null || !(model.GetOperation(declarator, cancellationToken) is IVariableDeclaratorOperation operation))
            {
                return document;
            }

            using (new ExprContext().Enter())
            {
                try
                {
                    return Rewrite(document, root, operation);
                }
                catch (AnalysisBudgetExceededException)
                {
                    return document;
                }
            }
        }

        private static Document Rewrite(Document document, SyntaxNode root, IVariableDeclaratorOperation operation)
        {
            var known = KnownSymbols.Create(operation.SemanticModel!.Compilation);
            var builder = new ExpressionBuilder(known);
            IOperation block = operation;
            while (block.Parent != null)
            {
                block = block.Parent;
            }

            var sites = new List<FocalSite>();
            foreach (var node in block.DescendantsAndSelf())
            {
                var site = FocalSite.TryCreate(node, known);
                if (site != null)
                {
                    sites.Add(site);
                }
            }

            var flagged = sites.Where(s => InvertedModulatingFactorAnalysis.Analyze(s, builder) != ModulatingVerdict.None).ToList();
            var finding = PtNotationAnalysis.Analyze(operation, sites, flagged, builder);
            if (finding == null || finding.Rewrite == DefinitionRewrite.None || !(finding.Definition?.Syntax is ExpressionSyntax definition))
            {
                return document;
            }

            var edits = new Dictionary<SyntaxNode, SyntaxNode>();
            switch (finding.Rewrite)
            {
                case DefinitionRewrite.RemoveOneMinus:
                    if (!PtNotationAnalysis.IsOneMinus(finding.Definition!, builder, out var inner) || !(inner!.Syntax is ExpressionSyntax innerSyntax))
                    {
                        return document;
                    }

                    edits[definition] = FixSyntax.Place(innerSyntax, definition);
                    break;
                case DefinitionRewrite.Swap:
                    if (finding.Slots == null
                        || !(finding.Slots.Value.First.Syntax is ExpressionSyntax first)
                        || !(finding.Slots.Value.Second.Syntax is ExpressionSyntax second))
                    {
                        return document;
                    }

                    var firstSlot = FixSyntax.Slot(first);
                    var secondSlot = FixSyntax.Slot(second);
                    edits[firstSlot] = FixSyntax.Place(secondSlot, firstSlot);
                    edits[secondSlot] = FixSyntax.Place(firstSlot, secondSlot);
                    break;
                default:
                    edits[definition] = FixSyntax.OneMinus(definition).WithTriviaFrom(definition);
                    break;
            }

            var name = SyntaxFactory.IdentifierName(finding.Local.Name);
            foreach (var read in finding.Reads)
            {
                if (!(read.Syntax is ExpressionSyntax readSyntax))
                {
                    return document;
                }

                var oneMinus = PtNotationAnalysis.EnclosingOneMinus(read, builder);
                if (oneMinus?.Syntax is ExpressionSyntax oneMinusSyntax)
                {
                    var slot = FixSyntax.Slot(oneMinusSyntax);
                    edits[slot] = name.WithTriviaFrom(slot);
                }
                else
                {
                    var slot = FixSyntax.Slot(readSyntax);
                    var replacement = FixSyntax.OneMinus(name);
                    edits[slot] = (FixSyntax.NeedsParentheses(slot) ? SyntaxFactory.ParenthesizedExpression(replacement) : replacement).WithTriviaFrom(slot);
                }
            }

            // The edits must not nest (each read, each definition operand is its own node).
            var nodes = edits.Keys.ToList();
            foreach (var a in nodes)
            {
                foreach (var b in nodes)
                {
                    if (!ReferenceEquals(a, b) && a.Span.OverlapsWith(b.Span))
                    {
                        return document;
                    }
                }
            }

            var newRoot = root.ReplaceNodes(nodes, (original, _) => edits[original]);
            return document.WithSyntaxRoot(newRoot);
        }
    }
}
