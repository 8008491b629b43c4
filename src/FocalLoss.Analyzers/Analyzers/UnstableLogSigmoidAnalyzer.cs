using System.Collections.Generic;
using System.Collections.Immutable;
using FocalLoss.Analyzers.Evaluation;
using FocalLoss.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FocalLoss.Analyzers.Analyzers
{
    /// <summary>What FL0004 found at a log call.</summary>
    internal enum LogSigmoidVerdict
    {
        /// <summary>Not the log of a sigmoid (or not decided).</summary>
        None,

        /// <summary>log(sigmoid(x)): -inf for very negative x.</summary>
        LogP,

        /// <summary>log(1 - sigmoid(x)): -inf for large x.</summary>
        LogOneMinusP,
    }

    /// <summary>
    /// FL0004: <c>log(sigmoid(x))</c> or <c>log(1 - sigmoid(x))</c> computed through the probability, which rounds to
    /// 0 and gives -inf where the stable forms (logsigmoid, -softplus) stay finite. Covers TorchSharp's
    /// <c>torch.log</c> and <c>Tensor.log()</c> and the scalar <c>Math.Log</c>/<c>MathF.Log</c>; whether the argument
    /// is a sigmoid is decided by the evaluator (through locals, written-out sigmoids, <c>1 - p</c>), not by names.
    /// A log of a clamped (or otherwise guarded) probability is a deliberate workaround: reported with the same id
    /// at Info severity, with no fix. Reported on the whole log call.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnstableLogSigmoidAnalyzer : FocalAnalyzerBase
    {
        /// <summary>Property key: which stable form the fix writes (<see cref="TensorForm"/> or <see cref="ScalarForm"/>); absent when there is no safe fix.</summary>
        public const string FormProperty = "Form";

        /// <summary>Property key: "true" when the argument is 1 - sigmoid(operand) (the stable form takes -operand).</summary>
        public const string NegatedProperty = "Negated";

        /// <summary>Property key: for <see cref="ScalarForm"/>, the math class of the log call ("Math" or "MathF").</summary>
        public const string MathTypeProperty = "MathType";

        /// <summary>The fix writes <c>torch.nn.functional.logsigmoid(z)</c>.</summary>
        public const string TensorForm = "Tensor";

        /// <summary>The fix writes <c>-(Math.Max(-z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))))</c>.</summary>
        public const string ScalarForm = "Scalar";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnstableLogSigmoid);

        public UnstableLogSigmoidAnalyzer()
            : base(OperationKind.Invocation)
        {
        }

        private protected override System.Func<BlockCollector> CollectorFactory(Compilation compilation, KnownSymbols known) => () => new Collector(known);

        /// <summary>True for <c>torch.log(a)</c>, <c>a.log()</c>, <c>Math.Log(a)</c>, <c>MathF.Log(a)</c> (cheap symbol test).</summary>
        internal static bool IsLogCall(IInvocationOperation invocation, KnownSymbols known)
        {
            var method = invocation.TargetMethod;
            if (method.Name == "Log")
            {
                return known.IsMath(method.ContainingType) && method.Parameters.Length == 1;
            }

            return method.Name == "log" && known.IsTorchFunctionContainer(method.ContainingType)
                   && method.Parameters.Length == (method.IsStatic ? 1 : 0);
        }

        /// <summary>What the log's argument evaluates to; <paramref name="guarded"/> when it goes through a clamp, max, min or where outside the sigmoid.</summary>
        internal static LogSigmoidVerdict Analyze(Expr argument, out bool guarded)
        {
            guarded = false;
            LogSigmoidVerdict verdict;
            if (argument.Kind == ExprKind.Sigmoid)
            {
                verdict = LogSigmoidVerdict.LogP;
            }
            else if (argument.Kind == ExprKind.Subtract && argument.Operands[0].IsOne() && argument.Operands[1].Kind == ExprKind.Sigmoid)
            {
                verdict = LogSigmoidVerdict.LogOneMinusP;
            }
            else if (argument.ContainsKind(ExprKind.Sigmoid))
            {
                var form = FocalMath.Classify(argument).Form;
                verdict = form == ProbabilityForm.P ? LogSigmoidVerdict.LogP
                    : form == ProbabilityForm.OneMinusP ? LogSigmoidVerdict.LogOneMinusP
                    : LogSigmoidVerdict.None;
            }
            else
            {
                verdict = LogSigmoidVerdict.None;
            }

            if (verdict != LogSigmoidVerdict.None)
            {
                guarded = IsGuarded(argument, 0);
            }

            return verdict;
        }

        private static bool IsGuarded(Expr e, int depth)
        {
            if (depth > 64 || e.Kind == ExprKind.Sigmoid || e.IsVariable)
            {
                return false;
            }

            if (e.Kind == ExprKind.Clamp || e.Kind == ExprKind.Max || e.Kind == ExprKind.Min || e.Kind == ExprKind.Where)
            {
                return true;
            }

            foreach (var operand in e.Operands)
            {
                if (IsGuarded(operand, depth + 1))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Message arguments {1} and {2}.</summary>
        internal static (string What, string Stable) Describe(LogSigmoidVerdict verdict, bool guarded)
        {
            var oneMinus = verdict == LogSigmoidVerdict.LogOneMinusP;
            var log = oneMinus ? "log(1 - sigmoid(x))" : "log(sigmoid(x))";
            var stable = oneMinus ? "logsigmoid(-x) = -softplus(x)" : "logsigmoid(x) = -softplus(-x)";
            if (guarded)
            {
                return ("computes " + log + " from a clamped probability: the clamp keeps it finite but flattens the loss and zeroes its gradient beyond the bound", stable);
            }

            return oneMinus
                ? ("computes " + log + " from the probability: 1 - sigmoid(x) rounds to 0 for large x and the log is -inf", stable)
                : ("computes " + log + " from the probability: sigmoid(x) rounds to 0 for very negative x and the log is -inf", stable);
        }

        /// <summary>An operand a scalar fix may write twice: locals, parameters, fields, literals and built-in arithmetic on them.</summary>
        internal static bool IsDuplicable(IOperation operand)
        {
            foreach (var operation in operand.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case ILocalReferenceOperation _:
                    case IParameterReferenceOperation _:
                    case ILiteralOperation _:
                    case IParenthesizedOperation _:
                    case IInstanceReferenceOperation _:
                        continue;
                    case IFieldReferenceOperation field when field.Instance == null || field.Instance is IInstanceReferenceOperation:
                        continue;
                    case IBinaryOperation binary when binary.OperatorMethod == null:
                        continue;
                    case IUnaryOperation unary when unary.OperatorMethod == null:
                        continue;
                    case IConversionOperation conversion when conversion.OperatorMethod == null:
                        continue;
                    default:
                        return false;
                }
            }

            return true;
        }

        private sealed class Collector : BlockCollector
        {
            private List<IInvocationOperation>? _calls;

            public Collector(KnownSymbols known)
                : base(known)
            {
            }

            public override void OnOperation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (IsLogCall(invocation, Known))
                {
                    Add(ref _calls, invocation);
                }
            }

            public override void OnBlockEnd(OperationBlockAnalysisContext context)
            {
                var calls = Collected(ref _calls, requireProbabilitySource: false);
                if (calls == null)
                {
                    return;
                }

                var builder = Builder!;
                foreach (var call in calls)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    var argument = SigmoidOperand.UnaryOperand(call);
                    if (argument == null)
                    {
                        continue;
                    }

                    var verdict = Analyze(builder.Build(argument), out var guarded);
                    if (verdict == LogSigmoidVerdict.None)
                    {
                        continue;
                    }

                    var properties = ImmutableDictionary<string, string?>.Empty;
                    var additional = ImmutableArray<Location>.Empty;
                    if (!guarded && FixFor(call, argument, verdict, builder) is { } fix)
                    {
                        properties = fix.Properties;
                        additional = ImmutableArray.Create(fix.Operand.Syntax.GetLocation());
                    }

                    var (what, stable) = Describe(verdict, guarded);
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.UnstableLogSigmoid,
                        call.Syntax.GetLocation(),
                        guarded ? DiagnosticSeverity.Info : Descriptors.UnstableLogSigmoid.DefaultSeverity,
                        additional,
                        properties,
                        DisplayText(call.Syntax),
                        what,
                        stable));
                }
            }

            private (IOperation Operand, ImmutableDictionary<string, string?> Properties)? FixFor(IInvocationOperation call, IOperation argument, LogSigmoidVerdict verdict, ExpressionBuilder builder)
            {
                if (!SigmoidOperand.TryFind(argument, call, builder, out var operand, out var negated, out _) || operand == null
                    || negated != (verdict == LogSigmoidVerdict.LogOneMinusP))
                {
                    return null;
                }

                var properties = ImmutableDictionary<string, string?>.Empty.Add(NegatedProperty, negated ? "true" : "false");
                var type = call.TargetMethod.ContainingType;
                if (Known.IsMath(type))
                {
                    var isMathF = type.Name == "MathF";
                    var special = operand.Type?.SpecialType;
                    var typeOk = isMathF ? special == SpecialType.System_Single : special == SpecialType.System_Double || special == SpecialType.System_Single;
                    if (!typeOk || !IsDuplicable(operand))
                    {
                        return null;
                    }

                    return (operand, properties.Add(FormProperty, ScalarForm).Add(MathTypeProperty, isMathF ? "MathF" : "Math"));
                }

                if (!Known.IsTensor(operand.Type) || Known.Functional == null)
                {
                    return null;
                }

                return (operand, properties.Add(FormProperty, TensorForm));
            }
        }
    }
}
