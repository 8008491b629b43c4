using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace AnalyzerBench
{
    /// <summary>The two kinds of long method the growth series times.</summary>
    internal enum ChainKind
    {
        /// <summary>Plain dependent tensor statements, each using the previous value once (<c>var v2 = v1 * w + b;</c>).</summary>
        Plain,

        /// <summary>
        /// Statements that use the previous value twice: <c>t * v + (1 - t) * (1 - v)</c>, then <c>(1 - v).pow(gamma)</c>,
        /// then <c>torch.sigmoid(v)</c>, repeated (the shape of a p_t and a modulating factor, over and over).
        /// </summary>
        Reuse,
    }

    /// <summary>
    /// One file with one long method of <c>statements</c> chained statements (the growth series), optionally with a
    /// real focal loss whose modulating factor is inverted (<c>pt.pow(gamma)</c>, FL0001) at the top of the method: a
    /// planted diagnostic that shows whether a method that long is still judged.
    /// </summary>
    internal static class GrowthScenarios
    {
        /// <summary>The diagnostics a growth file must produce (by id).</summary>
        public static IReadOnlyDictionary<string, int> Expected(bool planted) =>
            planted ? new Dictionary<string, int>(StringComparer.Ordinal) { ["FL0001"] = 1 } : new Dictionary<string, int>(StringComparer.Ordinal);

        public static string Name(ChainKind kind, bool planted) => kind switch
        {
            ChainKind.Plain => planted ? "plain chain + planted FL0001" : "plain chain",
            _ => planted ? "value reused twice + planted FL0001" : "value reused twice",
        };

        public static string File(ChainKind kind, int statements, bool planted)
        {
            var s = new StringBuilder();
            s.Append(@"using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bench.Growth
{
    public static class LongMethod
    {
        public static Tensor Run(Tensor input, Tensor target, Tensor w, Tensor b, Tensor t, double gamma = 2.0, double alpha = 0.25)
        {
");
            if (planted)
            {
                // OpenPCDet's focal weight with pt rewritten to p_t: the modulating factor is inverted (FL0001).
                s.Append(@"            var pred_sigmoid = torch.sigmoid(input);
            var alpha_weight = target * alpha + (1 - target) * (1 - alpha);
            var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);
            var focal_weight = alpha_weight * pt.pow(gamma);
            var bce_loss = functional.binary_cross_entropy_with_logits(input, target, reduction: Reduction.None);
            var loss = focal_weight * bce_loss;
");
            }

            s.Append(kind == ChainKind.Plain ? "            var v0 = input * w + b;\n" : "            var v0 = torch.sigmoid(input);\n");
            for (var k = 1; k <= statements; k++)
            {
                var prev = $"v{k - 1}";
                var line = kind == ChainKind.Plain
                    ? (k % 4) switch
                    {
                        0 => $"var v{k} = {prev} * w + b;",
                        1 => $"var v{k} = {prev}.mul({F(0.5 + (k % 50) * 0.01)}).add(b);",
                        2 => $"var v{k} = {prev}.relu() * w;",
                        _ => $"var v{k} = ({prev} + b).sum(1, keepdim: true) * {F(1.0 + (k % 30) * 0.01)};",
                    }
                    : (k % 3) switch
                    {
                        1 => $"var v{k} = t * {prev} + (1 - t) * (1 - {prev});",
                        2 => $"var v{k} = (1 - {prev}).pow(gamma);",
                        _ => $"var v{k} = torch.sigmoid({prev});",
                    };
                s.Append("            ").Append(line).Append('\n');
            }

            s.Append(planted ? $"            return loss.sum() + v{statements}.sum();\n" : $"            return v{statements};\n");
            s.Append(@"        }
    }
}
");
            return s.ToString();
        }

        private static string F(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);
    }
}
