using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>One span marked in test markup.</summary>
    /// <param name="Kind">What the marker was.</param>
    /// <param name="Id">The diagnostic id of <c>{|ID:text|}</c>; null for <c>[|text|]</c> and location markers.</param>
    /// <param name="Index">The n of <c>{|#n:text|}</c>; null otherwise.</param>
    /// <param name="Span">The span of the text inside the marker, in the text with markup removed.</param>
    public sealed record MarkupSpan(MarkupSpanKind Kind, string? Id, int? Index, TextSpan Span);

    /// <summary>The kinds of markup.</summary>
    public enum MarkupSpanKind
    {
        /// <summary><c>{|FL0001:text|}</c>: a diagnostic with that id on that span.</summary>
        DiagnosticWithId,

        /// <summary><c>[|text|]</c>: a diagnostic with the analyzer's single supported id on that span.</summary>
        DiagnosticDefaultId,

        /// <summary><c>{|#0:text|}</c>: a location referenced by <c>DiagnosticResult.WithLocation(0)</c>.</summary>
        Location,
    }

    /// <summary>
    /// Parses test markup: <c>{|FL0001:text|}</c>, <c>{|#0:text|}</c> and <c>[|text|]</c> (markers may nest).
    /// Line endings are normalised to \n first.
    /// </summary>
    public static class Markup
    {
        /// <summary>Normalises \r\n and lone \r to \n.</summary>
        public static string NormalizeLineEndings(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

        /// <summary>Removes the markup and returns the plain text and the marked spans (ordered by start, then by nesting).</summary>
        public static (string Text, IReadOnlyList<MarkupSpan> Spans) Parse(string markup)
        {
            markup = NormalizeLineEndings(markup);
            var output = new StringBuilder(markup.Length);
            var open = new Stack<(char Closer, MarkupSpanKind Kind, string? Id, int? Index, int Start, int MarkupOffset)>();
            var spans = new List<MarkupSpan>();
            var i = 0;
            while (i < markup.Length)
            {
                if (StartsWith(markup, i, "{|"))
                {
                    var colon = markup.IndexOf(':', i + 2);
                    var label = colon < 0 ? null : markup.Substring(i + 2, colon - i - 2);
                    if (label is null || label.Length == 0 || label.IndexOfAny(new[] { '\n', ' ', '|', '{', '}' }) >= 0)
                    {
                        throw new FormatException($"Markup at offset {i}: '{{|' must be followed by 'ID:' or '#n:' (for example '{{|FL0001:' or '{{|#0:').");
                    }

                    if (label[0] == '#')
                    {
                        if (!int.TryParse(label.Substring(1), out var index) || index < 0)
                        {
                            throw new FormatException($"Markup at offset {i}: '{{|{label}:' is not a valid location marker; use '{{|#0:'.");
                        }

                        open.Push(('}', MarkupSpanKind.Location, null, index, output.Length, i));
                    }
                    else
                    {
                        open.Push(('}', MarkupSpanKind.DiagnosticWithId, label, null, output.Length, i));
                    }

                    i = colon + 1;
                }
                else if (StartsWith(markup, i, "[|"))
                {
                    open.Push((']', MarkupSpanKind.DiagnosticDefaultId, null, null, output.Length, i));
                    i += 2;
                }
                else if (StartsWith(markup, i, "|}") || StartsWith(markup, i, "|]"))
                {
                    var closer = markup[i + 1];
                    if (open.Count == 0)
                    {
                        throw new FormatException($"Markup at offset {i}: '|{closer}' closes nothing.");
                    }

                    var top = open.Pop();
                    if (top.Closer != closer)
                    {
                        throw new FormatException($"Markup at offset {i}: '|{closer}' closes the marker opened at offset {top.MarkupOffset}, which needs '|{top.Closer}'.");
                    }

                    spans.Add(new MarkupSpan(top.Kind, top.Id, top.Index, TextSpan.FromBounds(top.Start, output.Length)));
                    i += 2;
                }
                else
                {
                    output.Append(markup[i]);
                    i++;
                }
            }

            if (open.Count > 0)
            {
                throw new FormatException($"Markup: the marker opened at offset {open.Peek().MarkupOffset} is never closed.");
            }

            spans.Sort((a, b) => a.Span.Start != b.Span.Start ? a.Span.Start.CompareTo(b.Span.Start) : b.Span.End.CompareTo(a.Span.End));
            return (output.ToString(), spans);
        }

        private static bool StartsWith(string text, int index, string value)
            => string.CompareOrdinal(text, index, value, 0, value.Length) == 0;
    }
}
