namespace FocalLoss.Analyzers
{
    /// <summary>
    /// The rule ids of FocalLoss.Analyzers (fixed by the design; see docs/rules) and the one place
    /// that builds their help links.
    /// </summary>
    public static class DiagnosticIds
    {
        /// <summary>Inverted modulating factor: p_t^gamma where (1 - p_t)^gamma is meant.</summary>
        public const string InvertedModulatingFactor = "FL0001";

        /// <summary>Inverted alpha balance: t*(1 - alpha) + (1 - t)*alpha.</summary>
        public const string InvertedAlphaBalance = "FL0002";

        /// <summary>Probabilities fed to a *_with_logits loss (sigmoid applied twice).</summary>
        public const string ProbabilitiesToLogitsLoss = "FL0003";

        /// <summary>log(sigmoid(x)) or log(1 - sigmoid(x)) where a stable form exists.</summary>
        public const string UnstableLogSigmoid = "FL0004";

        /// <summary>Cross entropy reduced before the element-wise focal weighting.</summary>
        public const string ReducedBeforeWeighting = "FL0005";

        /// <summary>A variable named like p_t holds 1 - p_t (notation only, information).</summary>
        public const string PtHoldsOneMinusPt = "FL0006";

        /// <summary>Where the rule pages live; every descriptor's help link points below it.</summary>
        public const string RepositoryUrl = "https://github.com/focalloss/FocalLoss.Analyzers";

        /// <summary>Branch and folder of the rule pages inside the repository.</summary>
        public const string RulesDocsPath = "blob/main/docs/rules/";

        /// <summary>The help link of a rule: its page docs/rules/{id}.md in the repository.</summary>
        public static string HelpLink(string id) => RepositoryUrl + "/" + RulesDocsPath + id + ".md";
    }
}
