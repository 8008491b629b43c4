using System;
using System.Collections.Generic;
using System.Text;

namespace FocalLoss.Analyzers.Testing
{
    /// <summary>A small line-based unified-style diff for failure messages.</summary>
    public static class TextDiff
    {
        /// <summary>Lines prefixed "-" are only in <paramref name="expected"/>, "+" only in <paramref name="actual"/>, " " in both.</summary>
        public static string Unified(string expected, string actual, string expectedLabel = "expected", string actualLabel = "actual", int context = 3)
        {
            var a = Markup.NormalizeLineEndings(expected).Split('\n');
            var b = Markup.NormalizeLineEndings(actual).Split('\n');

            // Longest common subsequence table (test sources are small).
            var lcs = new int[a.Length + 1, b.Length + 1];
            for (var i = a.Length - 1; i >= 0; i--)
            {
                for (var j = b.Length - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }

            var ops = new List<(char Op, string Line, int LineA, int LineB)>();
            int x = 0, y = 0;
            while (x < a.Length || y < b.Length)
            {
                if (x < a.Length && y < b.Length && a[x] == b[y])
                {
                    ops.Add((' ', a[x], x, y));
                    x++;
                    y++;
                }
                else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
                {
                    ops.Add(('+', b[y], x, y));
                    y++;
                }
                else
                {
                    ops.Add(('-', a[x], x, y));
                    x++;
                }
            }

            var sb = new StringBuilder();
            sb.Append("--- ").AppendLine(expectedLabel);
            sb.Append("+++ ").AppendLine(actualLabel);
            var lastPrinted = -1;
            for (var k = 0; k < ops.Count; k++)
            {
                if (ops[k].Op == ' ')
                {
                    continue;
                }

                var from = Math.Max(lastPrinted + 1, k - context);
                if (from > lastPrinted + 1 || lastPrinted < 0)
                {
                    sb.Append("@@ line ").Append(ops[from].LineA + 1).Append(" @@").AppendLine();
                }

                var to = k;
                // extend the hunk over nearby changes
                while (to + 1 < ops.Count)
                {
                    var next = to + 1;
                    var nextChange = next;
                    while (nextChange < ops.Count && ops[nextChange].Op == ' ' && nextChange - to <= 2 * context)
                    {
                        nextChange++;
                    }

                    if (nextChange < ops.Count && ops[nextChange].Op != ' ' && nextChange - to <= 2 * context)
                    {
                        to = nextChange;
                    }
                    else
                    {
                        break;
                    }
                }

                var end = Math.Min(ops.Count - 1, to + context);
                for (var m = from; m <= end; m++)
                {
                    sb.Append(ops[m].Op).AppendLine(ops[m].Line);
                }

                lastPrinted = end;
                k = end;
            }

            return sb.ToString();
        }
    }
}
