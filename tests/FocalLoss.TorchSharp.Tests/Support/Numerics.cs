using System;
using System.Globalization;
using System.Text;
using Xunit.Sdk;

namespace FocalLoss.TorchSharp.Tests.Support
{
    internal static class Numerics
    {
        /// <summary>|actual - expected| &lt;= atol + rtol * |expected|; NaN matches NaN, infinities match by sign.</summary>
        public static bool Close(double actual, double expected, double rtol, double atol)
        {
            if (double.IsNaN(expected) || double.IsNaN(actual))
            {
                return double.IsNaN(expected) && double.IsNaN(actual);
            }

            if (double.IsInfinity(expected) || double.IsInfinity(actual))
            {
                return actual == expected;
            }

            return Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected);
        }

        public static void AssertAllClose(double[] expected, double[] actual, double rtol, double atol, string what)
        {
            if (expected.Length != actual.Length)
            {
                throw new XunitException($"{what}: expected {expected.Length} values, got {actual.Length}.");
            }

            var failures = new StringBuilder();
            int count = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                if (!Close(actual[i], expected[i], rtol, atol))
                {
                    if (count < 10)
                    {
                        failures.AppendLine(CultureInfo.InvariantCulture,
                            $"  [{i}] expected {expected[i]:R}, got {actual[i]:R} (|diff| {Math.Abs(actual[i] - expected[i]):G3}, allowed {atol + rtol * Math.Abs(expected[i]):G3})");
                    }

                    count++;
                }
            }

            if (count > 0)
            {
                throw new XunitException($"{what}: {count} of {expected.Length} values differ (rtol {rtol}, atol {atol}):{Environment.NewLine}{failures}");
            }
        }
    }
}
