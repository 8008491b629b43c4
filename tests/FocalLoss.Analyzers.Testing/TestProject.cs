using System.Collections.Generic;

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>
    /// A further project in the test solution (for FixAll in Project vs Solution scope, and for
    /// diagnostics in more than one project). It gets the same references and options as the tested project.
    /// Its files are named "ProjectName/FileName" in diagnostics and in <see cref="DiagnosticResult.WithSpan(string?, int, int, int, int)"/>.
    /// </summary>
    public sealed class TestProject
    {
        /// <summary>Its sources (markup allowed; markup indices are shared with all other sources of the test).</summary>
        public SourceFileList Sources { get; } = new SourceFileList();

        /// <summary>Its expected sources after fixing; empty means "unchanged".</summary>
        public SourceFileList FixedSources { get; } = new SourceFileList();

        /// <summary>Its expected sources after the dotnet-format replay; empty means the same as <see cref="FixedSources"/>.</summary>
        public SourceFileList FormatFixedSources { get; } = new SourceFileList();

        /// <summary>Whether this project references the tested project (default false).</summary>
        public bool ReferencesTestProject { get; set; }

        internal IEnumerable<(string Name, string Text)> EffectiveFixedSources => FixedSources.Count > 0 ? FixedSources : Sources;
    }
}
