namespace FocalLoss.Analyzers.Tests
{
    /// <summary>Wraps method bodies in compilable TorchSharp or plain C# source.</summary>
    internal static class Sources
    {
        /// <summary>A static TorchSharp loss method <c>Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)</c> with <paramref name="body"/>.</summary>
        public static string Torch(string body) => @"using System;
using TorchSharp;
using static TorchSharp.torch;

public static class Losses
{
    public static Tensor Loss(Tensor x, Tensor t, double gamma, double alpha)
    {
" + Indent(body) + @"
    }
}
";

        /// <summary>A static scalar loss method <c>double Loss(double x, double t, double gamma, double alpha)</c> with <paramref name="body"/>.</summary>
        public static string Scalar(string body) => @"using System;

public static class Losses
{
    public static double Loss(double x, double t, double gamma, double alpha)
    {
" + Indent(body) + @"
    }
}
";

        private static string Indent(string body)
        {
            var lines = body.Trim('\r', '\n').Replace("\r\n", "\n").Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                lines[i] = lines[i].Length == 0 ? string.Empty : "        " + lines[i];
            }

            return string.Join("\n", lines);
        }
    }
}
