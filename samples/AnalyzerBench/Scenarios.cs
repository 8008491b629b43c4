using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace AnalyzerBench
{
    /// <summary>One synthetic project: its files, whether it references TorchSharp, and the diagnostics planted in it.</summary>
    internal sealed class Scenario
    {
        public Scenario(string name, bool referencesTorchSharp, bool hasScalarCandidates, IReadOnlyList<(string Path, string Text)> files, IReadOnlyDictionary<string, int> expected,
            KnownFalsePositive? knownFalsePositive = null)
        {
            KnownFalsePositive = knownFalsePositive;
            Name = name;
            ReferencesTorchSharp = referencesTorchSharp;
            HasScalarCandidates = hasScalarCandidates;
            Files = files;
            Expected = expected;
            Lines = files.Sum(f => f.Text.Count(c => c == '\n'));
        }

        public string Name { get; }

        public bool ReferencesTorchSharp { get; }

        /// <summary>Whether the source names an Exp member (the analyzers' pre-check for compilations without TorchSharp).</summary>
        public bool HasScalarCandidates { get; }

        public IReadOnlyList<(string Path, string Text)> Files { get; }

        /// <summary>Planted diagnostics by id: the exact count each rule must report (ids absent: zero).</summary>
        public IReadOnlyDictionary<string, int> Expected { get; }

        /// <summary>Diagnostics the analyzers report on code that is not a bug (a finding of this benchmark), besides the planted ones.</summary>
        public KnownFalsePositive? KnownFalsePositive { get; }

        public int Lines { get; }
    }

    /// <summary>A rule that reports on correct code: <paramref name="Count"/> times, on lines that contain <paramref name="LineText"/>.</summary>
    internal sealed record KnownFalsePositive(string Id, int Count, string LineText, string Description);

    /// <summary>
    /// The generated sources. Deterministic (names and constants derive from the file index), so every run
    /// analyses the same text. Every file compiles without errors; the planted diagnostics are counted as
    /// they are generated.
    /// </summary>
    internal static class Scenarios
    {
        /// <summary>The statements of a file's chain method: a long method (60) in every <paramref name="longEvery"/>-th file, 6 elsewhere.</summary>
        private static int Statements(int i, int longEvery) => i % longEvery == 0 ? 60 : 6;

        private static string F(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);

        // ---------------------------------------------------------------- (1) ordinary C#, no TorchSharp

        /// <summary>
        /// Ordinary C#: arithmetic, LINQ, string work, Math.Pow (never an identifier named Exp, so the
        /// analyzers' scalar pre-check finds no candidate). No TorchSharp reference. Nothing to report.
        /// </summary>
        public static Scenario Plain(int files, int longEvery)
        {
            var list = new List<(string, string)>();
            for (var i = 0; i < files; i++)
            {
                list.Add(($"Plain{i:D4}.cs", PlainFile(i, Statements(i, longEvery))));
            }

            return new Scenario("1 no TorchSharp, no candidates", false, false, list, new Dictionary<string, int>());
        }

        private static string PlainFile(int i, int statements)
        {
            var rate = F(0.01 + (i % 7) * 0.005);
            var s = new StringBuilder();
            s.Append($@"using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Bench.Plain.F{i}
{{
    public sealed class OrderLine{i}
    {{
        public OrderLine{i}(string sku, int quantity, decimal price)
        {{
            Sku = sku;
            Quantity = quantity;
            Price = price;
        }}

        public string Sku {{ get; }}
        public int Quantity {{ get; }}
        public decimal Price {{ get; }}
        public decimal Total => Quantity * Price;
    }}

    public sealed class Order{i}
    {{
        private readonly List<OrderLine{i}> _lines = new List<OrderLine{i}>();

        public Order{i}(int id, string customer, DateTime placed)
        {{
            Id = id;
            Customer = customer;
            Placed = placed;
        }}

        public int Id {{ get; }}
        public string Customer {{ get; }}
        public DateTime Placed {{ get; }}
        public IReadOnlyList<OrderLine{i}> Lines => _lines;

        public void Add(string sku, int quantity, decimal price) => _lines.Add(new OrderLine{i}(sku, quantity, price));

        public decimal Total() => _lines.Sum(l => l.Total);

        public double CompoundInterest(double principal, int years) => principal * Math.Pow(1 + {rate} / 12, 12 * years);

        public static double Distance(double x1, double y1, double x2, double y2) => Math.Sqrt(Math.Pow(x2 - x1, 2) + Math.Pow(y2 - y1, 2));

        public static IEnumerable<string> TopCustomers(IEnumerable<Order{i}> orders, int n) =>
            orders.GroupBy(o => o.Customer)
                .Select(g => new {{ Customer = g.Key, Sum = g.Sum(o => o.Total()) }})
                .OrderByDescending(x => x.Sum)
                .ThenBy(x => x.Customer, StringComparer.Ordinal)
                .Take(n)
                .Select(x => x.Customer);

        public static string Slug(string title) =>
            string.Join(""-"", title.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim(',', '.', '!').ToLowerInvariant()));

        public string Describe()
        {{
            var sb = new StringBuilder();
            sb.Append(""Order "").Append(Id.ToString(CultureInfo.InvariantCulture)).Append("" for "").Append(Customer);
            foreach (var line in _lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
            {{
                sb.AppendLine().Append(""  "").Append(line.Sku.PadRight(12)).Append(line.Quantity.ToString(CultureInfo.InvariantCulture).PadLeft(5));
                sb.Append(line.Total.ToString(""F2"", CultureInfo.InvariantCulture).PadLeft(12));
            }}
            return sb.ToString();
        }}

        public static Dictionary<string, int> WordCounts(string text) =>
            text.Split(new[] {{ ' ', '\n', '\t' }}, StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w.ToUpperInvariant())
                .GroupBy(w => w, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        public static double Statistics(double[] xs)
        {{
");
            // One method of dependent statements over locals: 60 in every longEvery-th file (a long method), 6 elsewhere.
            s.Append("            double acc0 = xs.Length == 0 ? 0 : xs.Average();\n");
            for (var k = 1; k <= statements; k++)
            {
                var prev = $"acc{k - 1}";
                var line = (k % 6) switch
                {
                    0 => $"double acc{k} = {prev} * {F(1.0 + k * 0.01)} + xs.Length;",
                    1 => $"double acc{k} = Math.Pow({prev}, 2) / (1 + Math.Abs({prev}));",
                    2 => $"double acc{k} = Math.Sqrt(Math.Abs({prev})) + {k};",
                    3 => $"double acc{k} = {prev} > {k} ? {prev} - {k} : {prev} + {k};",
                    4 => $"double acc{k} = xs.Where(x => x > {prev}).DefaultIfEmpty({prev}).Max();",
                    _ => $"double acc{k} = Math.Round({prev} / {F(3.0 + i % 5)}, 3) + Math.Log10(1 + Math.Abs({prev}));",
                };
                s.Append("            ").Append(line).Append('\n');
            }

            s.Append($@"            return acc{statements};
        }}
    }}
}}
");
            return s.ToString();
        }

        // ---------------------------------------------------------------- (2) a TorchSharp project

        /// <summary>The focal-loss method a TorchSharp file gets (by file index % 20; 9..19: none).</summary>
        private static readonly (string Kind, string[] Ids)[] FocalKinds =
        {
            ("OpenPCDet (pt holds 1 - p_t)", new[] { "FL0006" }),
            ("MMDetection (pt holds 1 - p_t)", new[] { "FL0006" }),
            ("YOLOv5", Array.Empty<string>()),
            ("torchvision", Array.Empty<string>()),
            ("OpenPCDet with pt = p_t (FL0001)", new[] { "FL0001" }),
            ("YOLOv5 inverted alpha (FL0002)", new[] { "FL0002" }),
            ("double sigmoid (FL0003)", new[] { "FL0003" }),
            ("two-branch log(p), log(1 - p) (FL0004 x2)", new[] { "FL0004", "FL0004" }),
            ("reduced before weighting (FL0005)", new[] { "FL0005" }),
        };

        /// <summary>
        /// A TorchSharp project: every file has several tensor methods that are not focal losses (gamma
        /// correction img.pow(gamma), normalisation, dense layers as mul/sum chains, sigmoid gating, a
        /// score^a * iou^b alignment metric, sigmoid distillation scaled by temperature^2, a point-cloud feature chain
        /// with a local named pt, 60 statements long in every longEvery-th file);
        /// 9 files in 20 also have a focal loss: correct ports (PCDet, MMDet, YOLOv5, torchvision) or a buggy variant.
        /// </summary>
        public static Scenario Torch(int files, int longEvery)
        {
            var list = new List<(string, string)>();
            var expected = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < files; i++)
            {
                var kind = i % 20;
                list.Add(($"Torch{i:D4}.cs", TorchFile(i, kind, Statements(i, longEvery))));
                if (kind < FocalKinds.Length)
                {
                    foreach (var id in FocalKinds[kind].Ids)
                    {
                        expected[id] = expected.TryGetValue(id, out var n) ? n + 1 : 1;
                    }
                }
            }

            // Distill multiplies a reduced BCE by temperature^2 (the usual distillation scaling): a scalar, not an
            // element-wise weight, so FL0005 must stay silent there (the guard counts every diagnostic exactly).
            return new Scenario("2 TorchSharp project", true, false, list, expected);
        }

        private static string TorchFile(int i, int kind, int statements)
        {
            var gamma = F(1.5 + (i % 3) * 0.25);
            var s = new StringBuilder();
            s.Append($@"using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bench.Torch.F{i}
{{
    public static class Ops{i}
    {{
        public static Tensor GammaCorrect(Tensor img, double gamma = {gamma})
        {{
            var x = img.clamp(0, 1);
            return x.pow(1.0 / gamma);
        }}

        public static Tensor Normalize(Tensor x, Tensor mean, Tensor std) => (x - mean) / std;

        public static Tensor Standardize(Tensor x, double eps = 1e-5)
        {{
            var m = x.mean();
            var v = (x - m).pow(2).mean();
            return (x - m) / (v + eps).sqrt();
        }}

        public static Tensor Dense(Tensor x, Tensor w, Tensor b)
        {{
            var h = (x.unsqueeze(-1) * w).sum(1) + b;
            return h.relu();
        }}

        public static Tensor Mlp(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor w3, Tensor b3) =>
            Dense(Dense(Dense(x, w1, b1), w2, b2), w3, b3).softmax(-1);

        public static Tensor Gate(Tensor x, Tensor g) => x * torch.sigmoid(g) + x.mul(0.5);

        public static Tensor AlignmentMetric(Tensor clsLogits, Tensor iou, double a = 1.0, double b = 6.0)
        {{
            var score = torch.sigmoid(clsLogits);
            return score.pow(a) * iou.pow(b);
        }}

        public static Tensor Distill(Tensor student, Tensor teacher, double temperature = 2.0)
        {{
            var p = torch.sigmoid(student / temperature);
            var q = torch.sigmoid(teacher / temperature).detach();
            return functional.binary_cross_entropy(p, q) * (temperature * temperature);
        }}

        public static Tensor PointFeatures(Tensor points, Tensor voxelSize, double range = {F(40 + i % 30)})
        {{
            var pt = points.view(-1, 4);
");
            // One method of dependent tensor statements (a point-cloud style feature chain): 60 in every longEvery-th file, 6 elsewhere.
            s.Append("            var h0 = pt.mul(voxelSize).clamp(-range, range);\n");
            for (var k = 1; k <= statements; k++)
            {
                var prev = $"h{k - 1}";
                var line = (k % 8) switch
                {
                    0 => $"var h{k} = ({prev} - {prev}.mean()) / ({prev}.pow(2).mean() + 1e-6).sqrt();",
                    1 => $"var h{k} = {prev}.mul({F(0.5 + k * 0.01)}).add(pt.abs().sum(1, keepdim: true));",
                    2 => $"var h{k} = torch.maximum({prev}, {prev}.neg()).clamp_min(1e-3);",
                    3 => $"var h{k} = {prev}.pow(0.5) + torch.log1p({prev}.abs());",
                    4 => $"var h{k} = torch.where({prev}.gt(range), {prev}.clamp_max(range), {prev});",
                    5 => $"var h{k} = ({prev} * {prev}).sum(-1, keepdim: true).sqrt() + {prev};",
                    6 => $"var h{k} = {prev}.reshape(-1, 4).relu().view(-1, 4);",
                    _ => $"var h{k} = torch.sigmoid({prev}) * {prev};",
                };
                s.Append("            ").Append(line).Append('\n');
            }

            s.Append($@"            return h{statements}.sum(1);
        }}
    }}
");
            if (kind < FocalKinds.Length)
            {
                s.Append(FocalMethod(i, kind));
            }

            s.Append("}\n");
            return s.ToString();
        }

        private static string FocalMethod(int i, int kind)
        {
            var gamma = F(kind == 2 || kind == 5 ? 1.5 : 2.0);
            switch (kind)
            {
                case 0:
                case 4:
                    // OpenPCDet as published (kind 0), or with pt rewritten to p_t (kind 4: FL0001).
                    var ptLine = kind == 0
                        ? "var pt = target * (1.0 - pred_sigmoid) + (1.0 - target) * pred_sigmoid;"
                        : "var pt = target * pred_sigmoid + (1.0 - target) * (1.0 - pred_sigmoid);";
                    return $@"
    public sealed class SigmoidFocalClassificationLoss{i}
    {{
        private readonly double gamma;
        private readonly double alpha;

        public SigmoidFocalClassificationLoss{i}(double gamma = {gamma}, double alpha = 0.25)
        {{
            this.gamma = gamma;
            this.alpha = alpha;
        }}

        public static Tensor sigmoid_cross_entropy_with_logits(Tensor input, Tensor target)
        {{
            var loss = input.clamp_min(0) - input * target + torch.log1p(torch.exp(-torch.abs(input)));
            return loss;
        }}

        public Tensor forward(Tensor input, Tensor target, Tensor weights)
        {{
            var pred_sigmoid = torch.sigmoid(input);
            var alpha_weight = target * alpha + (1 - target) * (1 - alpha);
            {ptLine}
            var focal_weight = alpha_weight * torch.pow(pt, gamma);

            var bce_loss = sigmoid_cross_entropy_with_logits(input, target);
            var loss = focal_weight * bce_loss;

            if (weights.dim() == 2 || (weights.dim() == 1 && target.dim() == 2))
            {{
                weights = weights.unsqueeze(-1);
            }}
            return loss * weights;
        }}
    }}
";
                case 1:
                    return $@"
    public static class MmdetLosses{i}
    {{
        public static Tensor py_sigmoid_focal_loss(Tensor pred, Tensor target, Tensor? weight = null,
            double gamma = {gamma}, double alpha = 0.25, Reduction reduction = Reduction.Mean, double? avg_factor = null)
        {{
            var pred_sigmoid = pred.sigmoid();
            target = target.type_as(pred);
            var pt = (1 - pred_sigmoid) * target + pred_sigmoid * (1 - target);
            var focal_weight = (alpha * target + (1 - alpha) * (1 - target)) * pt.pow(gamma);
            var loss = functional.binary_cross_entropy_with_logits(pred, target, reduction: Reduction.None) * focal_weight;
            if (weight is not null)
            {{
                if (weight.shape.Length != loss.shape.Length)
                {{
                    weight = weight.shape[0] == loss.shape[0] ? weight.view(-1, 1) : weight.view(loss.shape[0], -1);
                }}
            }}
            return weight_reduce_loss(loss, weight, reduction, avg_factor);
        }}

        public static Tensor weight_reduce_loss(Tensor loss, Tensor? weight, Reduction reduction, double? avg_factor)
        {{
            if (weight is not null)
            {{
                loss = loss * weight;
            }}
            if (avg_factor is null)
            {{
                return reduction switch
                {{
                    Reduction.Mean => loss.mean(),
                    Reduction.Sum => loss.sum(),
                    _ => loss,
                }};
            }}
            if (reduction == Reduction.Mean)
            {{
                return loss.sum() / avg_factor.Value;
            }}
            if (reduction != Reduction.None)
            {{
                throw new ArgumentException(""avg_factor can not be used with reduction=\""sum\"""", nameof(avg_factor));
            }}
            return loss;
        }}
    }}
";
                case 2:
                case 5:
                    // YOLOv5 as published (kind 2), or with the alpha balance swapped (kind 5: FL0002).
                    var alphaLine = kind == 2
                        ? "var alpha_factor = @true * alpha + (1 - @true) * (1 - alpha);"
                        : "var alpha_factor = @true * (1 - alpha) + (1 - @true) * alpha;";
                    return $@"
    public sealed class Yolov5FocalLoss{i}
    {{
        private readonly double gamma;
        private readonly double alpha;
        private readonly Reduction reduction;

        public Yolov5FocalLoss{i}(double gamma = {gamma}, double alpha = 0.25, Reduction reduction = Reduction.Mean)
        {{
            this.gamma = gamma;
            this.alpha = alpha;
            this.reduction = reduction;
        }}

        public Tensor forward(Tensor pred, Tensor @true)
        {{
            var loss = functional.binary_cross_entropy_with_logits(pred, @true, reduction: Reduction.None);
            var pred_prob = torch.sigmoid(pred);
            var p_t = @true * pred_prob + (1 - @true) * (1 - pred_prob);
            {alphaLine}
            var modulating_factor = (1.0 - p_t).pow(gamma);
            loss *= alpha_factor * modulating_factor;

            if (reduction == Reduction.Mean)
            {{
                return loss.mean();
            }}
            if (reduction == Reduction.Sum)
            {{
                return loss.sum();
            }}
            return loss;
        }}
    }}
";
                case 3:
                case 6:
                    // torchvision's sigmoid_focal_loss (kind 3), or fed the probabilities (kind 6: FL0003).
                    var ceInput = kind == 3 ? "inputs" : "p";
                    return $@"
    public static class TorchvisionLosses{i}
    {{
        public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, double alpha = 0.25, double gamma = {gamma}, Reduction reduction = Reduction.None)
        {{
            var p = torch.sigmoid(inputs);
            var ce_loss = functional.binary_cross_entropy_with_logits({ceInput}, targets, reduction: Reduction.None);
            var p_t = p * targets + (1 - p) * (1 - targets);
            var loss = ce_loss * (1 - p_t).pow(gamma);
            if (alpha >= 0)
            {{
                var alpha_t = alpha * targets + (1 - alpha) * (1 - targets);
                loss = alpha_t * loss;
            }}
            return reduction switch
            {{
                Reduction.Mean => loss.mean(),
                Reduction.Sum => loss.sum(),
                _ => loss,
            }};
        }}
    }}
";
                case 7:
                    return $@"
    public static class BranchFormLosses{i}
    {{
        public static Tensor focal_loss(Tensor logits, Tensor t, double alpha = 0.25, double gamma = {gamma})
        {{
            var p = torch.sigmoid(logits);
            var positive = -alpha * t * (1 - p).pow(gamma) * torch.log(p);
            var negative = -(1 - alpha) * (1 - t) * p.pow(gamma) * torch.log(1 - p);
            return (positive + negative).mean();
        }}
    }}
";
                case 8:
                    return $@"
    public static class EarlyReductionLosses{i}
    {{
        public static Tensor sigmoid_focal_loss(Tensor inputs, Tensor targets, float alpha = 0.25f, float gamma = {gamma}f, Reduction reduction = Reduction.None)
        {{
            var p = torch.sigmoid(inputs);
            var ce_loss = functional.binary_cross_entropy_with_logits(inputs, targets, reduction: reduction);
            var p_t = p * targets + (1 - p) * (1 - targets);
            var loss = ce_loss * (1 - p_t).pow(gamma);
            return loss;
        }}
    }}
";
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind));
            }
        }

        // ---------------------------------------------------------------- (3) scalar candidates, no TorchSharp

        /// <summary>
        /// Scalar code with sigmoids and Math.Exp (logistic regression, softmax, log-sum-exp, the stable logistic
        /// loss, Gaussian densities, annealing), no TorchSharp reference: the scalar pre-check finds candidates, so
        /// every analyzer runs on every method. By file index % 10: 0 a correct scalar focal loss, 1 one with
        /// Math.Pow(pt, gamma) (FL0001), 2 Math.Log of a written-out sigmoid (FL0004), 3 the two-branch
        /// log(p), log(1 - p) (FL0004 x2); the rest none.
        /// </summary>
        public static Scenario Scalar(int files, int longEvery)
        {
            var list = new List<(string, string)>();
            var expected = new Dictionary<string, int>(StringComparer.Ordinal);
            void Plant(string id, int n) => expected[id] = (expected.TryGetValue(id, out var c) ? c : 0) + n;
            for (var i = 0; i < files; i++)
            {
                var kind = i % 10;
                list.Add(($"Scalar{i:D4}.cs", ScalarFile(i, kind, Statements(i, longEvery))));
                switch (kind)
                {
                    case 1:
                        Plant("FL0001", 1);
                        break;
                    case 2:
                        Plant("FL0004", 1);
                        break;
                    case 3:
                        Plant("FL0004", 2);
                        break;
                }
            }

            return new Scenario("3 scalar candidates", false, true, list, expected);
        }

        private static string ScalarFile(int i, int kind, int statements)
        {
            var lr = F(0.01 + (i % 9) * 0.01);
            var s = new StringBuilder();
            s.Append($@"using System;
using System.Linq;

namespace Bench.Scalar.F{i}
{{
    public sealed class LogisticModel{i}
    {{
        private readonly double[] _w;
        private double _b;

        public LogisticModel{i}(int features)
        {{
            _w = new double[features];
        }}

        public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

        public double Predict(double[] x)
        {{
            var z = _b;
            for (var j = 0; j < _w.Length; j++)
            {{
                z += _w[j] * x[j];
            }}
            return Sigmoid(z);
        }}

        public void Step(double[] x, double t)
        {{
            var error = Predict(x) - t;
            for (var j = 0; j < _w.Length; j++)
            {{
                _w[j] -= {lr} * error * x[j];
            }}
            _b -= {lr} * error;
        }}

        public static double StableLogisticLoss(double z, double t) => Math.Max(z, 0) - z * t + Math.Log(1 + Math.Exp(-Math.Abs(z)));

        public static double[] Softmax(double[] z)
        {{
            var max = z.Max();
            var e = z.Select(v => Math.Exp(v - max)).ToArray();
            var sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }}

        public static double LogSumExp(double[] z)
        {{
            var max = z.Max();
            return max + Math.Log(z.Sum(v => Math.Exp(v - max)));
        }}

        public static double Gaussian(double x, double mu, double sigma) =>
            Math.Exp(-0.5 * Math.Pow((x - mu) / sigma, 2)) / (sigma * Math.Sqrt(2 * Math.PI));

        public static bool Accept(double delta, double temperature, double u) => delta < 0 || u < Math.Exp(-delta / temperature);

        public static float Swish(float x) => x / (1f + MathF.Exp(-x));

        public static double Anneal(double t0, int steps)
        {{
");
            // One method of dependent scalar statements with exponentials and powers (no log of a sigmoid): 60 in every longEvery-th file, 6 elsewhere.
            s.Append("            double a0 = t0;\n");
            for (var k = 1; k <= statements; k++)
            {
                var prev = $"a{k - 1}";
                var line = (k % 5) switch
                {
                    0 => $"double a{k} = {prev} * Math.Exp(-{F(0.001 * k)} * steps);",
                    1 => $"double a{k} = Math.Pow({prev}, 0.5) + 1.0 / (1.0 + Math.Exp(-{prev}));",
                    2 => $"double a{k} = Math.Tanh({prev}) * {F(1.0 + k * 0.01)};",
                    3 => $"double a{k} = {prev} > 1 ? Math.Log({prev}) : {prev} + {k};",
                    _ => $"double a{k} = Math.Max({prev}, 1e-3) * (1 + Math.Exp(-{k}));",
                };
                s.Append("            ").Append(line).Append('\n');
            }

            s.Append($@"            return a{statements};
        }}
");
            s.Append(kind switch
            {
                0 => @"
        public static double FocalLoss(double x, double t, double gamma = 2.0, double alpha = 0.25)
        {
            double p = 1.0 / (1.0 + Math.Exp(-x));
            double pt = t * p + (1 - t) * (1 - p);
            double alpha_t = t * alpha + (1 - t) * (1 - alpha);
            return -alpha_t * Math.Pow(1 - pt, gamma) * Math.Log(pt);
        }
",
                1 => @"
        public static double FocalLoss(double x, double t, double gamma = 2.0, double alpha = 0.25)
        {
            double p = 1.0 / (1.0 + Math.Exp(-x));
            double pt = t * p + (1 - t) * (1 - p);
            double alpha_t = t * alpha + (1 - t) * (1 - alpha);
            return -alpha_t * Math.Pow(pt, gamma) * Math.Log(pt);
        }
",
                2 => @"
        public static double LogLikelihood(double x) => Math.Log(1.0 / (1.0 + Math.Exp(-x)));
",
                3 => @"
        public static double CrossEntropy(double x, double t)
        {
            double p = 1 / (1 + Math.Exp(-x));
            return -t * Math.Log(p) - (1 - t) * Math.Log(1 - p);
        }
",
                _ => string.Empty,
            });
            s.Append(@"    }
}
");
            return s.ToString();
        }
    }
}
