using System.Globalization;
using System.Text;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>A readable, fully parenthesised rendering of an <see cref="Expr"/> (for messages, tests and debugging).</summary>
    internal static class ExprPrinter
    {
        private const int MaxLength = 2000;

        public static string Print(Expr expr)
        {
            var builder = new StringBuilder();
            Append(builder, expr, 0);
            return builder.ToString();
        }

        private static void Append(StringBuilder b, Expr e, int depth)
        {
            if (b.Length > MaxLength || depth > 64)
            {
                b.Append('…');
                return;
            }

            switch (e.Kind)
            {
                case ExprKind.Constant:
                    b.Append(e.Value.ToString("R", CultureInfo.InvariantCulture));
                    return;
                case ExprKind.Symbol:
                    if (e.Operands.Length == 1)
                    {
                        Append(b, e.Operands[0], depth + 1);
                        b.Append('.');
                    }

                    b.Append(e.Symbol?.Name ?? "?");
                    return;
                case ExprKind.Opaque:
                    b.Append("opaque");
                    if (e.Symbol != null)
                    {
                        b.Append(':').Append(e.Symbol.Name);
                    }

                    if (e.Operands.Length > 0)
                    {
                        AppendCall(b, string.Empty, e, depth);
                    }

                    return;
                case ExprKind.Add:
                    AppendInfix(b, " + ", e, depth);
                    return;
                case ExprKind.Subtract:
                    AppendInfix(b, " - ", e, depth);
                    return;
                case ExprKind.Multiply:
                    AppendInfix(b, " * ", e, depth);
                    return;
                case ExprKind.Divide:
                    AppendInfix(b, " / ", e, depth);
                    return;
                case ExprKind.Power:
                    AppendInfix(b, " ^ ", e, depth);
                    return;
                case ExprKind.And:
                    AppendInfix(b, " & ", e, depth);
                    return;
                case ExprKind.Or:
                    AppendInfix(b, " | ", e, depth);
                    return;
                case ExprKind.Compare:
                    AppendInfix(b, " " + ComparisonText(e.Comparison) + " ", e, depth);
                    return;
                case ExprKind.Negate:
                    b.Append("(-");
                    Append(b, e.Operands[0], depth + 1);
                    b.Append(')');
                    return;
                case ExprKind.Not:
                    b.Append("(!");
                    Append(b, e.Operands[0], depth + 1);
                    b.Append(')');
                    return;
                case ExprKind.Reduce:
                    AppendCall(b, e.Tag ?? "reduce", e, depth);
                    return;
                default:
                    AppendCall(b, e.Kind.ToString().ToLowerInvariant(), e, depth);
                    return;
            }
        }

        private static void AppendInfix(StringBuilder b, string op, Expr e, int depth)
        {
            b.Append('(');
            for (var i = 0; i < e.Operands.Length; i++)
            {
                if (i > 0)
                {
                    b.Append(op);
                }

                Append(b, e.Operands[i], depth + 1);
            }

            b.Append(')');
        }

        private static void AppendCall(StringBuilder b, string name, Expr e, int depth)
        {
            b.Append(name).Append('(');
            for (var i = 0; i < e.Operands.Length; i++)
            {
                if (i > 0)
                {
                    b.Append(", ");
                }

                Append(b, e.Operands[i], depth + 1);
            }

            b.Append(')');
        }

        private static string ComparisonText(Comparison comparison)
        {
            switch (comparison)
            {
                case Comparison.Equal: return "==";
                case Comparison.NotEqual: return "!=";
                case Comparison.Less: return "<";
                case Comparison.LessOrEqual: return "<=";
                case Comparison.Greater: return ">";
                case Comparison.GreaterOrEqual: return ">=";
                default: return "?";
            }
        }
    }
}
