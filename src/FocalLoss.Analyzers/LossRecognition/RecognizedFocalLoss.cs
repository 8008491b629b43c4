using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace FocalLoss.Analyzers.LossRecognition
{
    /// <summary>The reduction a recognised loss applies, as FocalLoss.TorchSharp names it (<c>nn.Reduction</c>).</summary>
    internal enum LossReduction
    {
        None,
        Mean,
        Sum,
    }

    /// <summary>Bugs of the hand-written loss that the runtime call corrects (for titles, tests and reports).</summary>
    [System.Flags]
    internal enum CorrectedBugs
    {
        None = 0,

        /// <summary>FL0001: the modulating factor was p_t^gamma.</summary>
        InvertedModulatingFactor = 1,

        /// <summary>FL0002: alpha_t was t*(1 - alpha) + (1 - t)*alpha.</summary>
        InvertedAlphaBalance = 2,

        /// <summary>FL0003: the cross entropy was computed with logits of sigmoid(x) (sigmoid applied twice).</summary>
        DoubleSigmoid = 4,

        /// <summary>FL0005: the cross entropy was reduced before the element-wise focal weighting.</summary>
        ReducedBeforeWeighting = 8,
    }

    /// <summary>
    /// One argument of the runtime call: either the syntax of an expression of the original code that
    /// holds the value (copied to the call site, where it is known to hold the same value) or a number.
    /// </summary>
    internal sealed class RuntimeArgument
    {
        private RuntimeArgument(SyntaxNode? syntax, double? constant)
        {
            Syntax = syntax;
            Constant = constant;
        }

        /// <summary>The expression to copy, or null when <see cref="Constant"/> is set.</summary>
        public SyntaxNode? Syntax { get; }

        /// <summary>A number to write as a literal when no expression of the code holds the value.</summary>
        public double? Constant { get; }

        public static RuntimeArgument FromSyntax(SyntaxNode syntax) => new RuntimeArgument(syntax, null);

        public static RuntimeArgument FromConstant(double value) => new RuntimeArgument(null, value);

        /// <summary>The argument as C# text (the copied expression without its trivia, or an invariant literal).</summary>
        public string Text => Syntax != null
            ? Syntax.WithoutTrivia().ToFullString()
            : Literal(Constant ?? 0);

        internal static string Literal(double value)
        {
            var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0 && text.IndexOf('e') < 0 && !double.IsInfinity(value) && !double.IsNaN(value))
            {
                text += ".0";
            }

            return text;
        }
    }

    /// <summary>
    /// A hand-written sigmoid focal loss recognised completely: the expression that produces it and the
    /// arguments of the one <c>focal.sigmoid_focal_loss</c> call that computes the correct focal loss of
    /// the same inputs.
    /// </summary>
    internal sealed class RecognizedFocalLoss
    {
        public RecognizedFocalLoss(
            IOperation root,
            RuntimeArgument input,
            RuntimeArgument target,
            RuntimeArgument alpha,
            RuntimeArgument gamma,
            LossReduction reduction,
            RuntimeArgument? weight,
            RuntimeArgument? avgFactor,
            RuntimeArgument? outerDivisor,
            ImmutableArray<ILocalSymbol> consumedLocals,
            CorrectedBugs corrected)
        {
            Root = root;
            Input = input;
            Target = target;
            Alpha = alpha;
            Gamma = gamma;
            Reduction = reduction;
            Weight = weight;
            AvgFactor = avgFactor;
            OuterDivisor = outerDivisor;
            ConsumedLocals = consumedLocals;
            Corrected = corrected;
        }

        /// <summary>The expression the call replaces (the loss as the surrounding code uses it).</summary>
        public IOperation Root { get; }

        /// <summary>The logits.</summary>
        public RuntimeArgument Input { get; }

        /// <summary>The dense target.</summary>
        public RuntimeArgument Target { get; }

        /// <summary>alpha; the constant -1 when the code applies no balance.</summary>
        public RuntimeArgument Alpha { get; }

        public RuntimeArgument Gamma { get; }

        public LossReduction Reduction { get; }

        /// <summary>The per-element, per-anchor or per-class weight multiplied in, as the code multiplied it.</summary>
        public RuntimeArgument? Weight { get; }

        /// <summary>The count the summed loss is divided by (with <see cref="LossReduction.Mean"/>).</summary>
        public RuntimeArgument? AvgFactor { get; }

        /// <summary>A tensor the summed loss is divided by: kept as a division outside the call (reduction Sum).</summary>
        public RuntimeArgument? OuterDivisor { get; }

        /// <summary>Locals whose values the loss was computed through (candidates for removal once unused).</summary>
        public ImmutableArray<ILocalSymbol> ConsumedLocals { get; }

        public CorrectedBugs Corrected { get; }
    }
}
