using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>
    /// One expected diagnostic: id, location(s), and optionally severity, message or message arguments.
    /// Immutable; every <c>With*</c> method returns a copy.
    /// </summary>
    public sealed class DiagnosticResult
    {
        private DiagnosticResult(
            string id,
            ImmutableArray<DiagnosticResultLocation> locations,
            DiagnosticSeverity? severity,
            string? message,
            ImmutableArray<object?>? arguments)
        {
            Id = id;
            Locations = locations;
            Severity = severity;
            Message = message;
            Arguments = arguments;
        }

        /// <summary>An expectation of a diagnostic with <paramref name="id"/> and (for now) no location.</summary>
        public static DiagnosticResult Create(string id)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                throw new ArgumentException("A diagnostic id is required.", nameof(id));
            }

            return new DiagnosticResult(id, ImmutableArray<DiagnosticResultLocation>.Empty, null, null, null);
        }

        /// <summary>The expected diagnostic id.</summary>
        public string Id { get; }

        /// <summary>The primary location first, then the expected additional locations (if any).</summary>
        public ImmutableArray<DiagnosticResultLocation> Locations { get; }

        /// <summary>The expected severity; null means the descriptor's default severity.</summary>
        public DiagnosticSeverity? Severity { get; }

        /// <summary>The expected message; null means the message is not checked (unless <see cref="Arguments"/> is set).</summary>
        public string? Message { get; }

        /// <summary>Message format arguments; the expected message is the descriptor's format applied to them.</summary>
        public ImmutableArray<object?>? Arguments { get; }

        /// <summary>Adds a location given by a markup marker <c>{|#n:text|}</c>.</summary>
        public DiagnosticResult WithLocation(int markupIndex)
            => With(locations: Locations.Add(DiagnosticResultLocation.FromMarkup(markupIndex)));

        /// <summary>Adds a span (1-based lines and columns; end exclusive like the IDE's column after the last character) in the first source file.</summary>
        public DiagnosticResult WithSpan(int startLine, int startColumn, int endLine, int endColumn)
            => WithSpan(null, startLine, startColumn, endLine, endColumn);

        /// <summary>Adds a span (1-based) in the source file named <paramref name="path"/> (as given in Sources, e.g. "Test0.cs", or "Project/Test0.cs" for an additional project).</summary>
        public DiagnosticResult WithSpan(string? path, int startLine, int startColumn, int endLine, int endColumn)
        {
            if (startLine < 1 || startColumn < 1 || endLine < startLine || (endLine == startLine && endColumn < startColumn))
            {
                throw new ArgumentException($"Invalid span ({startLine},{startColumn})-({endLine},{endColumn}); lines and columns are 1-based.");
            }

            return With(locations: Locations.Add(DiagnosticResultLocation.FromSpan(path, startLine, startColumn, endLine, endColumn)));
        }

        /// <summary>Sets the expected message (compared exactly).</summary>
        public DiagnosticResult WithMessage(string message) => With(message: message ?? throw new ArgumentNullException(nameof(message)));

        /// <summary>Sets the expected severity.</summary>
        public DiagnosticResult WithSeverity(DiagnosticSeverity severity) => With(severity: severity);

        /// <summary>Sets message arguments; the expected message is the descriptor's message format applied to them.</summary>
        public DiagnosticResult WithArguments(params object?[] arguments)
            => With(arguments: ImmutableArray.Create(arguments ?? Array.Empty<object?>()));

        internal bool HasMarkupLocation
        {
            get
            {
                foreach (var location in Locations)
                {
                    if (location.MarkupIndex is not null)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        internal DiagnosticResult WithResolvedLocations(ImmutableArray<DiagnosticResultLocation> locations)
            => new DiagnosticResult(Id, locations, Severity, Message, Arguments);

        private DiagnosticResult With(
            ImmutableArray<DiagnosticResultLocation>? locations = null,
            DiagnosticSeverity? severity = null,
            string? message = null,
            ImmutableArray<object?>? arguments = null)
            => new DiagnosticResult(
                Id,
                locations ?? Locations,
                severity ?? Severity,
                message ?? Message,
                arguments ?? Arguments);

        /// <summary>C# text that recreates this expectation (used in failure messages).</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            sb.Append("Diagnostic(").Append(CSharpLiteral(Id)).Append(')');
            foreach (var location in Locations)
            {
                sb.Append(location.ToCSharp());
            }

            if (Severity is { } severity)
            {
                sb.Append(".WithSeverity(DiagnosticSeverity.").Append(severity).Append(')');
            }

            if (Arguments is { } args)
            {
                sb.Append(".WithArguments(");
                for (var i = 0; i < args.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    sb.Append(args[i] is null ? "null" : CSharpLiteral(Convert.ToString(args[i], CultureInfo.InvariantCulture) ?? string.Empty));
                }

                sb.Append(')');
            }

            if (Message is not null)
            {
                sb.Append(".WithMessage(").Append(CSharpLiteral(Message)).Append(')');
            }

            return sb.ToString();
        }

        internal static string CSharpLiteral(string value)
        {
            var sb = new StringBuilder("\"");
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default: sb.Append(c); break;
                }
            }

            return sb.Append('"').ToString();
        }
    }

    /// <summary>An expected location: either a markup marker index or an explicit 1-based span.</summary>
    public readonly struct DiagnosticResultLocation : IEquatable<DiagnosticResultLocation>
    {
        private DiagnosticResultLocation(int? markupIndex, string? path, int startLine, int startColumn, int endLine, int endColumn)
        {
            MarkupIndex = markupIndex;
            Path = path;
            StartLine = startLine;
            StartColumn = startColumn;
            EndLine = endLine;
            EndColumn = endColumn;
        }

        /// <summary>Index of a <c>{|#n:...|}</c> marker; null for an explicit span.</summary>
        public int? MarkupIndex { get; }

        /// <summary>The source file name; null means the first source file of the tested project.</summary>
        public string? Path { get; }

        public int StartLine { get; }
        public int StartColumn { get; }
        public int EndLine { get; }
        public int EndColumn { get; }

        internal static DiagnosticResultLocation FromMarkup(int index) => new(index, null, 0, 0, 0, 0);

        internal static DiagnosticResultLocation FromSpan(string? path, int startLine, int startColumn, int endLine, int endColumn)
            => new(null, path, startLine, startColumn, endLine, endColumn);

        internal string ToCSharp()
            => MarkupIndex is { } index
                ? $".WithLocation({index})"
                : $".WithSpan({(Path is null ? string.Empty : DiagnosticResult.CSharpLiteral(Path) + ", ")}{StartLine}, {StartColumn}, {EndLine}, {EndColumn})";

        public bool Equals(DiagnosticResultLocation other)
            => MarkupIndex == other.MarkupIndex && string.Equals(Path, other.Path, StringComparison.Ordinal)
               && StartLine == other.StartLine && StartColumn == other.StartColumn
               && EndLine == other.EndLine && EndColumn == other.EndColumn;

        public override bool Equals(object? obj) => obj is DiagnosticResultLocation other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(MarkupIndex, Path, StartLine, StartColumn, EndLine, EndColumn);

        public override string ToString() => ToCSharp();
    }
}
