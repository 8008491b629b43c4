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

        /// <summary>
        /// FL0002. Message arguments: {0} the flagged expression as written, {1} the weight it gives positives (t = 1),
        /// {2} the weight it gives negatives (t = 0).
        /// </summary>
        public static readonly DiagnosticDescriptor InvertedAlphaBalance = new DiagnosticDescriptor(
            id: DiagnosticIds.InvertedAlphaBalance,
            title: "Focal alpha balance is inverted",
            messageFormat: "'{0}' gives positives {1} and negatives {2}: the balance is inverted; alpha_t = t*alpha + (1-t)*(1-alpha)",
            category: Categories.Correctness,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The focal loss weights positives (t = 1) by alpha and negatives (t = 0) by 1 - alpha: alpha_t = t*alpha + (1-t)*(1-alpha). "
                + "This expression, used as the alpha weight of a focal loss, evaluates to t*(1-alpha) + (1-t)*alpha (or, in the explicit two-branch form, puts 1 - alpha on the positive branch and alpha on the negative one), "
                + "so with the usual alpha = 0.25 the rare positives get 0.75 of the weight they should not and the loss balances the classes the wrong way. The rule judges the value the code computes, not variable names.",
            helpLinkUri: DiagnosticIds.HelpLink(DiagnosticIds.InvertedAlphaBalance));

        /// <summary>
        /// FL0003. Message arguments: {0} the argument as written, {1} the loss that applies the sigmoid itself.
        /// </summary>
        public static readonly DiagnosticDescriptor ProbabilitiesToLogitsLoss = new DiagnosticDescriptor(
            id: DiagnosticIds.ProbabilitiesToLogitsLoss,
            title: "Probabilities passed to a loss that takes logits",
            messageFormat: "'{0}' is a probability, but {1} applies the sigmoid itself: the loss sees sigmoid(sigmoid(x)); pass the logits",
            category: Categories.Correctness,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "binary_cross_entropy_with_logits and torchvision.ops.sigmoid_focal_loss take logits and apply the sigmoid themselves. "
                + "The argument evaluates to a sigmoid (a probability in (0, 1)), so the sigmoid is applied twice: the loss sees sigmoid(sigmoid(x)), which lies in (0.5, 0.73), "
                + "and neither the loss nor its gradient is the cross entropy of the model's prediction. The rule judges the value the code computes, not variable names.",
            helpLinkUri: DiagnosticIds.HelpLink(DiagnosticIds.ProbabilitiesToLogitsLoss));

        /// <summary>
        /// FL0004. Message arguments: {0} the log call as written, {1} what it computes and why that fails
        /// (or, reported at Info severity, why the clamped workaround is second best), {2} the stable form.
        /// </summary>
        public static readonly DiagnosticDescriptor UnstableLogSigmoid = new DiagnosticDescriptor(
            id: DiagnosticIds.UnstableLogSigmoid,
            title: "Log of a sigmoid computed through the probability",
            messageFormat: "'{0}' {1}; use the stable form {2}",
            category: Categories.Numerics,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "log(sigmoid(x)) and log(1 - sigmoid(x)) computed through the probability round to log(0) = -inf: in float32 log(sigmoid(x)) is -inf below x of about -88.7 "
                + "(about -104 where the sigmoid keeps subnormal results) and log(1 - sigmoid(x)) above x of about 16.6; in double below about -709.8 and above about 36.7. "
                + "logsigmoid(x) = -softplus(-x) and logsigmoid(-x) = -softplus(x) compute the same values without the probability. "
                + "A log of a clamped probability avoids -inf but cuts the loss and its gradient off at the bound; it is reported at Info severity.",
            helpLinkUri: DiagnosticIds.HelpLink(DiagnosticIds.UnstableLogSigmoid));

        /// <summary>
        /// FL0005. Message arguments: {0} the reducing expression as written, {1} what it reduces to ("mean", "sum",
        /// "mean or sum"), {2} when ("" for a constant reduction, " (Mean is the default reduction)" when the argument is
        /// omitted, " when 'reduction' is Mean or Sum" for a parameter).
        /// </summary>
        public static readonly DiagnosticDescriptor ReducedBeforeWeighting = new DiagnosticDescriptor(
            id: DiagnosticIds.ReducedBeforeWeighting,
            title: "Cross entropy reduced before the focal weighting",
            messageFormat: "'{0}' reduces the cross entropy to its {1} before the element-wise focal weight is applied{2}: the weight multiplies a scalar, not each element's loss; reduce after weighting",
            category: Categories.Correctness,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The focal loss weights each element's cross entropy: mean(alpha_t * (1 - p_t)^gamma * CE). "
                + "This code reduces the cross entropy first (reduction Mean or Sum, or mean()/sum() on it) and then multiplies the scalar by a weight that depends element-wise on the logits, "
                + "so it computes mean(CE) * alpha_t * (1 - p_t)^gamma broadcast back to the full shape: a different value whose gradient no longer focuses on hard examples. "
                + "Compute the element-wise loss with Reduction.None and reduce the weighted product. The rule follows the values through locals and *=, not names.",
            helpLinkUri: DiagnosticIds.HelpLink(DiagnosticIds.ReducedBeforeWeighting));

        /// <summary>
        /// FL0006. Message arguments: {0} the name of the local, {1} the exponent as the message writes it ("gamma" or "2").
        /// </summary>
        public static readonly DiagnosticDescriptor PtHoldsOneMinusPt = new DiagnosticDescriptor(
            id: DiagnosticIds.PtHoldsOneMinusPt,
            title: "Variable named like p_t holds 1 - p_t",
            messageFormat: "'{0}' holds 1 - p_t (the probability of the wrong class), not the paper's p_t; the loss is correct: {0}^{1} is the focal term (1 - p_t)^{1}",
            category: Categories.Naming,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "In the focal loss paper p_t = t*p + (1-t)*(1-p) is the probability of the true class and the focal term is (1 - p_t)^gamma. "
                + "This local is named like p_t but holds 1 - p_t, as in OpenPCDet and MMDetection, and is raised to gamma directly: the value is right, only the notation differs from the paper. "
                + "Readers who trust the name tend to 'fix' the formula and invert the loss. The optional refactoring switches to the paper's notation without changing the value.",
            helpLinkUri: DiagnosticIds.HelpLink(DiagnosticIds.PtHoldsOneMinusPt));
    }
}
