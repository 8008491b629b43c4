using System;
using System.Collections.Generic;

namespace FocalLoss.Analyzers.Evaluation
{
    /// <summary>
    /// Evaluates an <see cref="Expr"/> in double precision with values for its free variables.
    /// Anything it cannot evaluate (an unassigned variable, a reduction) yields NaN, never an exception.
    /// </summary>
    internal sealed class NumericEvaluator
    {
        private readonly IReadOnlyDictionary<Expr, double> _variables;
        private readonly ExprContext? _context;

        /// <summary>Values shared by every evaluation with the same variable values in the current <see cref="ExprContext"/>.</summary>
        private readonly Dictionary<Expr, double>? _shared;

        /// <summary>Values computed under a depth cut-off (NaN below it): kept to this evaluation, never shared.</summary>
        private readonly Dictionary<Expr, double> _memo = new Dictionary<Expr, double>(Expr.ReferenceEqualityComparer.Instance);
        private int _cutOffs;

        public NumericEvaluator(IReadOnlyDictionary<Expr, double> variables)
        {
            _variables = variables;
            _context = ExprContext.Current;
            _shared = _context?.NumericMemo(variables);
        }

        /// <summary>Evaluates <paramref name="expr"/> with the given variable values (keyed by structural equality).</summary>
        public static double Evaluate(Expr expr, IReadOnlyDictionary<Expr, double> variables) => new NumericEvaluator(variables).Evaluate(expr);

        public double Evaluate(Expr expr) => Eval(expr, 0);

        private double Eval(Expr e, int depth)
        {
            if (depth > 256)
            {
                _cutOffs++;
                return double.NaN;
            }

            if (_memo.TryGetValue(e, out var cached) || (_shared != null && _shared.TryGetValue(e, out cached)))
            {
                return cached;
            }

            _context?.Charge(1);
            var cutOffs = _cutOffs;
            var value = Compute(e, depth + 1);
            if (_shared != null && cutOffs == _cutOffs && e.IsInternedIn(_context!))
            {
                _shared[e] = value;
            }
            else
            {
                _memo[e] = value;
            }

            return value;
        }

        private double Compute(Expr e, int depth)
        {
            switch (e.Kind)
            {
                case ExprKind.Constant:
                    return e.Value;
                case ExprKind.Symbol:
                case ExprKind.Opaque:
                    return _variables.TryGetValue(e, out var v) ? v : double.NaN;
                case ExprKind.Add:
                    return Eval(e.Operands[0], depth) + Eval(e.Operands[1], depth);
                case ExprKind.Subtract:
                    return Eval(e.Operands[0], depth) - Eval(e.Operands[1], depth);
                case ExprKind.Multiply:
                    return Eval(e.Operands[0], depth) * Eval(e.Operands[1], depth);
                case ExprKind.Divide:
                    return Eval(e.Operands[0], depth) / Eval(e.Operands[1], depth);
                case ExprKind.Negate:
                    return -Eval(e.Operands[0], depth);
                case ExprKind.Power:
                    return Math.Pow(Eval(e.Operands[0], depth), Eval(e.Operands[1], depth));
                case ExprKind.Exp:
                    return Math.Exp(Eval(e.Operands[0], depth));
                case ExprKind.Log:
                    return Math.Log(Eval(e.Operands[0], depth));
                case ExprKind.Log1p:
                    return Log1p(Eval(e.Operands[0], depth));
                case ExprKind.Abs:
                    return Math.Abs(Eval(e.Operands[0], depth));
                case ExprKind.Sqrt:
                    return Math.Sqrt(Eval(e.Operands[0], depth));
                case ExprKind.Sigmoid:
                    return Sigmoid(Eval(e.Operands[0], depth));
                case ExprKind.Where:
                    {
                        var condition = Eval(e.Operands[0], depth);
                        if (double.IsNaN(condition))
                        {
                            return double.NaN;
                        }

                        return condition != 0 ? Eval(e.Operands[1], depth) : Eval(e.Operands[2], depth);
                    }

                case ExprKind.Compare:
                    return CompareValues(e.Comparison, Eval(e.Operands[0], depth), Eval(e.Operands[1], depth));
                case ExprKind.Not:
                    {
                        var operand = Eval(e.Operands[0], depth);
                        return double.IsNaN(operand) ? double.NaN : (operand == 0 ? 1 : 0);
                    }

                case ExprKind.And:
                    {
                        var left = Eval(e.Operands[0], depth);
                        var right = Eval(e.Operands[1], depth);
                        return double.IsNaN(left) || double.IsNaN(right) ? double.NaN : (left != 0 && right != 0 ? 1 : 0);
                    }

                case ExprKind.Or:
                    {
                        var left = Eval(e.Operands[0], depth);
                        var right = Eval(e.Operands[1], depth);
                        return double.IsNaN(left) || double.IsNaN(right) ? double.NaN : (left != 0 || right != 0 ? 1 : 0);
                    }

                case ExprKind.Max:
                    return Math.Max(Eval(e.Operands[0], depth), Eval(e.Operands[1], depth));
                case ExprKind.Min:
                    return Math.Min(Eval(e.Operands[0], depth), Eval(e.Operands[1], depth));
                case ExprKind.Clamp:
                    {
                        var value = Eval(e.Operands[0], depth);
                        if (e.Operands[1].IsConstant && value < e.Operands[1].Value)
                        {
                            value = e.Operands[1].Value;
                        }

                        if (e.Operands[2].IsConstant && value > e.Operands[2].Value)
                        {
                            value = e.Operands[2].Value;
                        }

                        return value;
                    }

                case ExprKind.CrossEntropyWithLogits:
                    {
                        var x = Eval(e.Operands[0], depth);
                        var t = Eval(e.Operands[1], depth);
                        return Math.Max(x, 0) - (x * t) + Log1p(Math.Exp(-Math.Abs(x)));
                    }

                case ExprKind.CrossEntropy:
                    {
                        // torch clamps each log at -100.
                        var p = Eval(e.Operands[0], depth);
                        var t = Eval(e.Operands[1], depth);
                        return -((t * Math.Max(Math.Log(p), -100)) + ((1 - t) * Math.Max(Math.Log(1 - p), -100)));
                    }

                default:
                    return double.NaN;
            }
        }

        public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

        public static double Log1p(double x) => Math.Abs(x) < 1e-5 ? x - (x * x / 2) + (x * x * x / 3) : Math.Log(1 + x);

        private static double CompareValues(Comparison comparison, double left, double right)
        {
            if (double.IsNaN(left) || double.IsNaN(right))
            {
                return double.NaN;
            }

            bool result;
            switch (comparison)
            {
                case Comparison.Equal: result = left == right; break;
                case Comparison.NotEqual: result = left != right; break;
                case Comparison.Less: result = left < right; break;
                case Comparison.LessOrEqual: result = left <= right; break;
                case Comparison.Greater: result = left > right; break;
                case Comparison.GreaterOrEqual: result = left >= right; break;
                default: return double.NaN;
            }

            return result ? 1 : 0;
        }
    }
}
