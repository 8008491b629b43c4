using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.LossRecognition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace FocalLoss.Analyzers.CodeFixes
{
    /// <summary>
    /// The second code action of the focal-loss rules: "Use FocalLoss.TorchSharp sigmoid_focal_loss". It replaces
    /// the hand-written loss that a diagnostic points into by one call of the verified runtime, which computes the
    /// correct focal loss of the same inputs (so it also fixes the reported bug). Offered only when
    /// <see cref="FocalLossRecognizer"/> maps the whole loss (FL0001, FL0002, FL0003 and FL0005, from where each
    /// reports: <see cref="FocalLossRecognizer.StartOf"/>); <see cref="FocalCodeFixProvider"/> calls <see cref="TryRegister"/>
    /// after registering the rule's in-place fix, so the in-place fix stays first (the one <c>dotnet format</c> applies).
    /// </summary>
    internal static class RuntimeReplacement
    {
        /// <summary>The stable equivalence key of the action (the same for every rule that offers it).</summary>
        public const string EquivalenceKey = "FocalLoss.UseRuntimeSigmoidFocalLoss";

        /// <summary>The title of the action.</summary>
        public const string Title = "Use FocalLoss.TorchSharp sigmoid_focal_loss";

        /// <summary>The title when the project does not reference FocalLoss.TorchSharp yet (the call is produced all the same).</summary>
        public const string TitleWithoutPackage = Title + " (add the FocalLoss.TorchSharp package)";

        /// <summary>The namespace the call needs.</summary>
        public const string RuntimeNamespace = "FocalLoss.TorchSharp";

        private const string ReductionMetadataName = "TorchSharp.torch+nn+Reduction";

        /// <summary>
        /// Registers the runtime action for <paramref name="diagnostic"/> when the loss it points into is recognised
        /// completely. Returns whether it registered. Never throws (except for cancellation).
        /// </summary>
        public static bool TryRegister(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root, SemanticModel model)
        {
            try
            {
                if (HidesRuntimeNamespace(model.Compilation))
                {
                    return false;
                }

                var recognized = Recognize(diagnostic, root, model, context.CancellationToken);
                if (recognized == null)
                {
                    return false;
                }

                var document = context.Document;
                var title = model.Compilation.GetTypeByMetadataName(KnownSymbols.FocalRuntimeMetadataName) == null ? TitleWithoutPackage : Title;
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => FixSyntax.WithoutNewParseErrorsAsync(document, c => Task.FromResult(Apply(document, root, model, recognized, c)), ct), EquivalenceKey),
                    diagnostic);
                return true;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                return false;
            }
        }

        /// <summary>
        /// A type named <c>FocalLoss</c> in the global namespace (a user's <c>class FocalLoss</c>, as in ports of YOLOv5)
        /// hides the namespace FocalLoss everywhere, even after <c>global::</c>: the call could not be written, so the
        /// action is not offered (the rule page says to move or rename the class).
        /// </summary>
        internal static bool HidesRuntimeNamespace(Compilation compilation) =>
            compilation.GlobalNamespace.GetMembers("FocalLoss").Any(member => member is ITypeSymbol);

        /// <summary>The recognised loss for a diagnostic's span, or null.</summary>
        internal static RecognizedFocalLoss? Recognize(Diagnostic diagnostic, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
        {
            if (!diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != root.SyntaxTree)
            {
                return null;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var flagged = model.GetOperation(node, cancellationToken);
            var start = flagged == null ? null : FocalLossRecognizer.StartOf(diagnostic.Id, flagged);
            if (start == null)
            {
                return null;
            }

            var compilation = model.Compilation;
            return FocalLossRecognizer.TryRecognize(start, KnownSymbols.Create(compilation), method => BodyOf(compilation, method, cancellationToken), cancellationToken);
        }

        private static IOperation? BodyOf(Compilation compilation, IMethodSymbol method, CancellationToken cancellationToken)
        {
            var reference = method.DeclaringSyntaxReferences.FirstOrDefault();
            if (reference == null || !compilation.ContainsSyntaxTree(reference.SyntaxTree))
            {
                return null;
            }

            var syntax = reference.GetSyntax(cancellationToken);
            return compilation.GetSemanticModel(reference.SyntaxTree).GetOperation(syntax, cancellationToken);
        }

        /// <summary>The call text: <c>focal.sigmoid_focal_loss(input, target, alpha: a, gamma: g[, reduction: r][, weight: w][, avg_factor: n])</c>.</summary>
        internal static string CallText(RecognizedFocalLoss loss, string reductionType)
        {
            var text = new StringBuilder("focal.sigmoid_focal_loss(");
            text.Append(loss.Input.Text).Append(", ").Append(loss.Target.Text);
            text.Append(", alpha: ").Append(loss.Alpha.Text);
            text.Append(", gamma: ").Append(loss.Gamma.Text);
            if (loss.Reduction != LossReduction.None)
            {
                text.Append(", reduction: ").Append(reductionType).Append('.').Append(loss.Reduction.ToString());
            }

            if (loss.Weight != null)
            {
                text.Append(", weight: ").Append(loss.Weight.Text);
            }

            if (loss.AvgFactor != null)
            {
                text.Append(", avg_factor: ").Append(loss.AvgFactor.Text);
            }

            text.Append(')');
            if (loss.OuterDivisor != null)
            {
                var divisor = loss.OuterDivisor.Syntax is ExpressionSyntax expression && FixSyntax.IsPrimary(expression) ? loss.OuterDivisor.Text : "(" + loss.OuterDivisor.Text + ")";
                text.Append(" / ").Append(divisor);
            }

            return text.ToString();
        }

        private static Document Apply(Document document, SyntaxNode root, SemanticModel model, RecognizedFocalLoss loss, CancellationToken cancellationToken)
        {
            var rootExpression = (ExpressionSyntax)loss.Root.Syntax;
            var qualify = NeedsQualifiedName(model, rootExpression.SpanStart);
            var text = CallText(loss, ReductionType(model, rootExpression.SpanStart));
            var call = SyntaxFactory.ParseExpression(qualify ? "global::" + RuntimeNamespace + "." + text : text);
            if (loss.OuterDivisor != null && FixSyntax.NeedsParentheses(rootExpression))
            {
                call = SyntaxFactory.ParenthesizedExpression(call);
            }

            var removed = RemovableStatements(loss, model, rootExpression, cancellationToken);
            var tracked = root.TrackNodes(removed.Cast<SyntaxNode>().Concat(new[] { rootExpression }));
            var newRoot = tracked.ReplaceNode(tracked.GetCurrentNode(rootExpression)!, call.WithTriviaFrom(rootExpression));
            var current = removed.Select(s => newRoot.GetCurrentNode(s)).Where(s => s != null).Cast<SyntaxNode>().ToList();
            if (current.Count > 0)
            {
                newRoot = newRoot.RemoveNodes(current, SyntaxRemoveOptions.KeepUnbalancedDirectives | SyntaxRemoveOptions.KeepDirectives) ?? newRoot;
            }

            if (!qualify && newRoot is CompilationUnitSyntax unit)
            {
                newRoot = AddUsing(unit);
            }

            // Through text, so the tree is exactly what the new text parses to.
            return document.WithText(SourceText.From(newRoot.ToFullString(), root.SyntaxTree.GetText(cancellationToken).Encoding));
        }

        /// <summary>
        /// The statements that only computed locals the call makes unused: each consumed local with no read left
        /// outside the replaced expression and the removed statements loses its declaration and every statement
        /// that assigns it (repeated until nothing changes). A local declared with others, or written any other
        /// way, stays.
        /// </summary>
        private static List<StatementSyntax> RemovableStatements(RecognizedFocalLoss loss, SemanticModel model, ExpressionSyntax rootExpression, CancellationToken cancellationToken)
        {
            var removed = new List<StatementSyntax>();
            var body = rootExpression.FirstAncestorOrSelf<MemberDeclarationSyntax>() as SyntaxNode ?? rootExpression.FirstAncestorOrSelf<LocalFunctionStatementSyntax>();
            if (body == null)
            {
                return removed;
            }

            // What the call keeps: the copied argument expressions.
            var kept = new List<TextSpan>();
            foreach (var argument in new[] { loss.Input, loss.Target, loss.Alpha, loss.Gamma, loss.Weight, loss.AvgFactor, loss.OuterDivisor })
            {
                if (argument?.Syntax != null)
                {
                    kept.Add(argument.Syntax.Span);
                }
            }

            var identifiers = body.DescendantNodes().OfType<IdentifierNameSyntax>().ToList();
            var pending = new HashSet<ILocalSymbol>(loss.ConsumedLocals, SymbolEqualityComparer.Default);
            var changed = true;
            while (changed)
            {
                changed = false;
                foreach (var local in pending.ToList())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var declaration = DeclarationOf(local, cancellationToken);
                    if (declaration == null || removed.Contains(declaration))
                    {
                        pending.Remove(local);
                        continue;
                    }

                    var references = identifiers
                        .Where(identifier => identifier.Identifier.ValueText == local.Name
                                             && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
                        .ToList();

                    // The statements that only assign the local (simple or compound): removed with it.
                    var writes = new List<StatementSyntax>();
                    foreach (var identifier in references)
                    {
                        if (identifier.Parent is AssignmentExpressionSyntax assignment && assignment.Left == identifier
                            && assignment.Parent is ExpressionStatementSyntax statement)
                        {
                            writes.Add(statement);
                        }
                    }

                    var reads = 0;
                    var removable = true;
                    foreach (var identifier in references)
                    {
                        if (kept.Any(span => span.Contains(identifier.Span)))
                        {
                            // Copied into the call: a read at the call site, wherever the original stands.
                            reads++;
                        }

                        if (rootExpression.Span.Contains(identifier.Span) || removed.Any(s => s.Span.Contains(identifier.Span))
                            || writes.Any(s => s.Span.Contains(identifier.Span)))
                        {
                            continue;
                        }

                        if (identifier.Parent is AssignmentExpressionSyntax || identifier.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 }
                            || identifier.Parent is PrefixUnaryExpressionSyntax || identifier.Parent is PostfixUnaryExpressionSyntax)
                        {
                            removable = false;
                        }

                        reads++;
                    }

                    if (!removable || reads > 0)
                    {
                        continue;
                    }

                    removed.Add(declaration);
                    removed.AddRange(writes.Where(w => !removed.Contains(w)));
                    pending.Remove(local);
                    changed = true;
                }
            }

            return removed;
        }

        private static LocalDeclarationStatementSyntax? DeclarationOf(ILocalSymbol local, CancellationToken cancellationToken)
        {
            var reference = local.DeclaringSyntaxReferences.FirstOrDefault();
            if (reference?.GetSyntax(cancellationToken) is VariableDeclaratorSyntax declarator
                && declarator.Parent is VariableDeclarationSyntax declaration && declaration.Variables.Count == 1
                && declaration.Parent is LocalDeclarationStatementSyntax statement
                && statement.Parent is BlockSyntax
                && !statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword))
            {
                return statement;
            }

            return null;
        }

        /// <summary>
        /// True when <c>focal.</c> would not bind to the runtime class at the call site (another symbol named
        /// <c>focal</c> in scope). Then the call is written <c>global::FocalLoss.TorchSharp.focal....</c> and no using is added.
        /// </summary>
        private static bool NeedsQualifiedName(SemanticModel model, int position)
        {
            return model.LookupSymbols(position, name: "focal").Any(symbol => !(symbol is INamedTypeSymbol type && type.ToDisplayString() == KnownSymbols.FocalRuntimeMetadataName));
        }

        /// <summary>How to name <c>TorchSharp.torch.nn.Reduction</c> at the call site: the shortest form that binds.</summary>
        private static string ReductionType(SemanticModel model, int position)
        {
            var reduction = model.Compilation.GetTypeByMetadataName(ReductionMetadataName);
            foreach (var candidate in new[] { "nn.Reduction", "torch.nn.Reduction", "TorchSharp.torch.nn.Reduction" })
            {
                var info = model.GetSpeculativeSymbolInfo(position, SyntaxFactory.ParseTypeName(candidate), SpeculativeBindingOption.BindAsTypeOrNamespace);
                if (reduction != null && SymbolEqualityComparer.Default.Equals(info.Symbol, reduction))
                {
                    return candidate;
                }
            }

            return "global::TorchSharp.torch.nn.Reduction";
        }

        /// <summary>Adds <c>using FocalLoss.TorchSharp;</c> unless the file has it: after the System usings, in order.</summary>
        private static CompilationUnitSyntax AddUsing(CompilationUnitSyntax unit)
        {
            if (unit.Usings.Any(u => u.StaticKeyword.IsKind(SyntaxKind.None) && u.Alias == null && u.Name?.ToString() == RuntimeNamespace)
                || unit.DescendantNodes(n => !(n is MemberDeclarationSyntax) || n is BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
                    .Any(u => u.StaticKeyword.IsKind(SyntaxKind.None) && u.Alias == null && u.Name?.ToString() == RuntimeNamespace))
            {
                return unit;
            }

            var newline = unit.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var eol = newline.IsKind(SyntaxKind.EndOfLineTrivia) ? newline : SyntaxFactory.ElasticCarriageReturnLineFeed;
            var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(RuntimeNamespace))
                .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                .WithTrailingTrivia(eol);
            if (unit.Usings.Count == 0)
            {
                return unit.WithUsings(unit.Usings.Add(directive));
            }

            var index = unit.Usings.Count;
            for (var i = 0; i < unit.Usings.Count; i++)
            {
                var existing = unit.Usings[i];
                var name = existing.Name?.ToString() ?? string.Empty;
                var isSystem = name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
                if (!existing.StaticKeyword.IsKind(SyntaxKind.None) || existing.Alias != null || (!isSystem && string.CompareOrdinal(name, RuntimeNamespace) > 0))
                {
                    index = i;
                    break;
                }
            }

            if (index == 0)
            {
                // Keep the file's leading trivia (a header comment) in front of the first using.
                var first = unit.Usings[0];
                var moved = directive.WithLeadingTrivia(first.GetLeadingTrivia());
                var usings = unit.Usings.Replace(first, first.WithLeadingTrivia(SyntaxTriviaList.Empty)).Insert(0, moved);
                return unit.WithUsings(usings);
            }

            return unit.WithUsings(unit.Usings.Insert(index, directive));
        }
    }
}
