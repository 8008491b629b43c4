using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace AnalyzerBench
{
    /// <summary>Repeated measurements of one quantity: the median and the spread (min and max) of the values.</summary>
    internal sealed class Sample
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public Sample(IEnumerable<double> values)
        {
            Values = values.ToList();
        }

        public IReadOnlyList<double> Values { get; }

        public int Count => Values.Count;

        public double Median
        {
            get
            {
                if (Values.Count == 0)
                {
                    return double.NaN;
                }

                var sorted = Values.OrderBy(v => v).ToList();
                var mid = sorted.Count / 2;
                return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
            }
        }

        public double Min => Values.Count == 0 ? double.NaN : Values.Min();

        public double Max => Values.Count == 0 ? double.NaN : Values.Max();

        /// <summary>Element-wise over the repetitions (the runs of one repetition are paired: they ran back to back).</summary>
        public static Sample Paired(Sample a, Sample b, Func<double, double, double> f) => new Sample(a.Values.Zip(b.Values, f));

        /// <summary>Whether every repetition agrees on the sign of the value (a difference the noise does not exceed); never with fewer than 3.</summary>
        public bool SignDecided => Values.Count >= 3 && (Min > 0 || Max < 0);

        /// <summary>"median [min, max]" with <paramref name="format"/>.</summary>
        public string Show(string format = "F0", string unit = "")
        {
            if (Values.Count == 0)
            {
                return "-";
            }

            if (Values.Count == 1)
            {
                return Median.ToString(format, Inv) + unit;
            }

            return $"{Median.ToString(format, Inv)}{unit} [{Min.ToString(format, Inv)}, {Max.ToString(format, Inv)}]";
        }

        /// <summary>A percentage "median% [min, max]" of fractions.</summary>
        public string Percent(string format = "+0.0;-0.0;0.0")
        {
            var p = new Sample(Values.Select(v => 100 * v));
            return p.Show(format, "%");
        }
    }

    /// <summary>
    /// The verdict on one target. "met" only when every repetition is within the target, "missed" only when every
    /// repetition is beyond it, otherwise "not decided": the noise is larger than the distance to the target.
    /// </summary>
    internal static class Verdict
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public const string NotDecided = "not decided";

        /// <summary>
        /// An upper-bound target on a fraction (e.g. at most 0.05 of the compile). <paramref name="lowerBound"/>, when given,
        /// is a measure that cannot exceed the true cost (the analyzers' own callbacks): it alone can decide "missed".
        /// </summary>
        public static string AtMost(Sample total, double target, Sample? lowerBound = null)
        {
            if (lowerBound != null && lowerBound.Count > 0 && lowerBound.Min > target)
            {
                return $"missed (by {Points(lowerBound.Median - target)}: the analyzers' own callbacks alone are {Pct(lowerBound.Median)} [{Pct(lowerBound.Min)}, {Pct(lowerBound.Max)}])";
            }

            if (total.Count == 0)
            {
                return NotDecided + " (no measurement)";
            }

            if (total.Count < 3)
            {
                return NotDecided + $" (only {total.Count} repetition(s); at least 3 are needed to judge)";
            }

            if (total.Min > target)
            {
                return $"missed (by {Points(total.Median - target)}: {Pct(total.Median)} [{Pct(total.Min)}, {Pct(total.Max)}])";
            }

            if (total.Max <= target && (lowerBound == null || lowerBound.Count == 0 || lowerBound.Max <= target))
            {
                return "met";
            }

            return NotDecided + $" (the repetitions range from {Pct(total.Min)} to {Pct(total.Max)}, across the target)";
        }

        public static string Pct(double fraction) => (100 * fraction).ToString("0.0", Inv) + "%";

        public static string Points(double fraction) => (100 * fraction).ToString("0.0", Inv) + " points";
    }
}
