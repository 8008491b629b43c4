using System.Collections.ObjectModel;

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>
    /// Source files of a test project. <c>Add(text)</c> names the file "Test{n}.cs";
    /// <c>Add(name, text)</c> or <c>Add((name, text))</c> names it explicitly.
    /// </summary>
    public sealed class SourceFileList : Collection<(string Name, string Text)>
    {
        /// <summary>Adds a file named "Test{n}.cs" where n is its position.</summary>
        public void Add(string text) => Add(($"Test{Count}.cs", text));

        /// <summary>Adds a named file.</summary>
        public void Add(string name, string text) => Add((name, text));
    }
}
