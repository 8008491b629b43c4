using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FocalLoss.Analyzers.Analyzers;
using FocalLoss.Analyzers.CodeFixes;
using FocalLoss.Analyzers.Evaluation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FocalLoss.Analyzers.Tests.FL0001
{
    /// <summary>
    /// After the fix, the evaluator (not the text) says the factor is the focal term: the base of every
    /// power that was flagged evaluates to 1 - p_t (or p on the negative branch, 1 - p on the positive one).
    /// </summary>
    public sealed class FixedExpressionTests
    {
        [Theory]
        [InlineData("var p = torch.sigmoid(x);\nvar pt = t * p + (1 - t) * (1 - p);\nreturn pt.pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);")]
        [InlineData("var ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);\nreturn torch.exp(-ce).pow(gamma) * ce;")]
        [InlineData("var p = x.sigmoid();\nvar pt = torch.where(t == 1, p, 1 - p);\nreturn torch.square(pt) * -torch.log(pt);")]
        [InlineData("var p = torch.sigmoid(x);\nvar pt = t * (1.0 - p) + (1.0 - t) * p;\nreturn (1 - pt).pow(gamma) * torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction: nn.Reduction.None);")]
        [InlineData("var p = torch.sigmoid(x);\nvar pt = t * p + (1 - t) * (1 - p);\nreturn pt * pt * -torch.log(pt);")]
        public async Task FixedTorchFactor_EvaluatesToOneMinusPt(string body)
        {
            var (fixedCompilation, fixedSpans) = await ApplyFixAsync(Sources.Torch(body));
            Assert.NotEmpty(fixedSpans);
            foreach (var site in SitesIn(fixedCompilation, fixedSpans))
            {
                var builder = new ExpressionBuilder(KnownSymbols.Create(fixedCompilation));
                Assert.Equal(ProbabilityForm.OneMinusPt, FocalMath.Classify(builder.Build(site.Base)).Form);
                Assert.Equal(ModulatingVerdict.None, InvertedModulatingFactorAnalysis.Analyze(site, builder));
            }
        }

        [Fact]
        public async Task FixedScalarMathPow_EvaluatesToOneMinusPt()
        {
            var (fixedCompilation, fixedSpans) = await ApplyFixAsync(Sources.Scalar(@"
double p = 1.0 / (1.0 + Math.Exp(-x));
double pt = t * p + (1 - t) * (1 - p);
return -Math.Pow(pt, gamma) * Math.Log(pt);"));
            var site = SitesIn(fixedCompilation, fixedSpans).Single();
            var builder = new ExpressionBuilder(KnownSymbols.Create(fixedCompilation));
            Assert.Equal(ProbabilityForm.OneMinusPt, FocalMath.Classify(builder.Build(site.Base)).Form);
        }

        [Fact]
        public async Task FixedSwappedBranches_PutOneMinusPOnPositiveAndPOnNegative()
        {
            var (fixedCompilation, fixedSpans) = await ApplyFixAsync(Sources.Torch(@"
var p = torch.sigmoid(x);
return -alpha * t * p.pow(gamma) * torch.log(p) - (1 - alpha) * (1 - t) * (1 - p).pow(gamma) * torch.log(1 - p);"));
            var sites = SitesIn(fixedCompilation, fixedSpans).ToList();
            Assert.Equal(2, sites.Count);
            var builder = new ExpressionBuilder(KnownSymbols.Create(fixedCompilation));
            var forms = sites.Select(s => FocalMath.Classify(builder.Build(s.Base)).Form).ToList();
            Assert.Equal(new[] { ProbabilityForm.OneMinusP, ProbabilityForm.P }, forms);
            foreach (var site in sites)
            {
                var classification = FocalMath.Classify(builder.Build(site.Base));
                var term = InvertedModulatingFactorAnalysis.EnclosingProduct(site.Operation);
                var cofactor = builder.Build(term).Replace(builder.Build(site.Operation), Expr.One);
                var branch = FocalMath.ClassifyBranch(cofactor, classification.Logit!);
                Assert.Equal(classification.Form == ProbabilityForm.OneMinusP ? BranchForm.Positive : BranchForm.Negative, branch);
            }
        }

        private static IEnumerable<FocalSite> SitesIn(Compilation compilation, IReadOnlyList<TextSpan> spans)
        {
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var known = KnownSymbols.Create(compilation);
            foreach (var span in spans)
            {
                var node = tree.GetRoot().FindNode(span, getInnermostNodeForTie: true);
                var operation = model.GetOperation(node);
                var site = operation == null ? null : FocalSite.TryCreate(operation, known);
                Assert.NotNull(site);
                yield return site!;
            }
        }

        /// <summary>Applies the first fix to every diagnostic, one by one; returns the fixed compilation and the spans of the fixed powers.</summary>
        private static async Task<(Compilation Compilation, IReadOnlyList<TextSpan> Spans)> ApplyFixAsync(string source)
        {
            var fixedSpans = new List<TextSpan>();
            void Track(Diagnostic diagnostic, int delta)
            {
                for (var i = 0; i < fixedSpans.Count; i++)
                {
                    if (fixedSpans[i].Start > diagnostic.Location.SourceSpan.Start)
                    {
                        fixedSpans[i] = new TextSpan(fixedSpans[i].Start + delta, fixedSpans[i].Length);
                    }
                }

                fixedSpans.Add(new TextSpan(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length + delta));
            }

            var (fixedCompilation, _) = await Compiler.ApplyFirstActionsAsync(
                source, new InvertedModulatingFactorAnalyzer(), new InvertedModulatingFactorCodeFixProvider(), DiagnosticIds.InvertedModulatingFactor, InvertedModulatingFactorCodeFixProvider.EquivalenceKey, Track);
            fixedSpans.Sort((a, b) => a.Start.CompareTo(b.Start));
            return (fixedCompilation, fixedSpans);
        }
    }
}
