using Microsoft.CodeAnalysis;

namespace FocalLoss.Analyzers.Rules
{
    /// <summary>
    /// The diagnostic descriptors. Each one links to docs/rules/{id}.md through
    /// <see cref="DiagnosticIds.HelpLink(string)"/>.
    /// </summary>
    internal static class Descriptors
    {
        /// <summary>
        /// FL0001. Message arguments: {0} the flagged expression as written, {1} what it weights by,
        /// {2} the focal term that is meant.
        /// </summary>
        public static readonly DiagnosticDescriptor InvertedModulatingFactor = new DiagnosticDescriptor(
            id: DiagnosticIds.InvertedModulatingFactor,
            title: "Focal modulating factor is inverted",
            messageFormat: "'{0}' weights by {1}: easy examples get the largest weight; the focal term is {2}",
            category: Categories.Correctness,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The focal loss multiplies the cross entropy by (1 - p_t)^gamma, where p_t = t*p + (1-t)*(1-p) is the probability of the true class. "
                + "This expression evaluates to p_t^gamma (or, in the explicit two-branch form, puts p^gamma on the positive branch or (1 - p)^gamma on the negative one), "
                + "which gives easy, well-classified examples the largest weight: the opposite of what the loss is for. The rule judges the value the code computes, not variable names.",
            helpLinkUri: DiagnosticIds.HelpLink(DiagnosticIds.InvertedModulatingFactor));
    }
}
