using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace FocalLoss.TorchSharp
{
    /// <summary>
    /// The fused loss as a TorchSharp custom autograd function whose backward is the fused backward kernel. The forward
    /// kernel runs before the graph node is made (<see cref="Run"/>), so a failing call (a class index out of range, say)
    /// leaves no half-built node behind; <see cref="forward"/> then only records what the backward needs: the inputs
    /// (no intermediates) and the problem. Arguments: (input, target, weight or null, <see cref="Computed"/>), all
    /// tensors contiguous.
    /// </summary>
    internal sealed class FocalLossFunction : autograd.SingleTensorFunction<FocalLossFunction>
    {
        private const string ProblemKey = "problem";

        public override string Name => "SigmoidFocalLossBackward";

        /// <summary>The problem and the loss the forward kernel already computed.</summary>
        internal sealed class Computed
        {
            public Computed(FocalProblem problem, Tensor output)
            {
                Problem = problem;
                Output = output;
            }

            public FocalProblem Problem { get; }

            public Tensor Output { get; }
        }

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var target = (Tensor)vars[1];
            var weight = vars[2] as Tensor;
            var computed = (Computed)vars[3];

            ctx.save_for_backward(weight is null ? new List<Tensor> { input, target } : new List<Tensor> { input, target, weight });
            ctx.save_data(ProblemKey, computed.Problem);
            return computed.Output;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var problem = (FocalProblem)ctx.get_data(ProblemKey);
            Tensor gradInput;
            using (DisposeScope scope = NewDisposeScope())
            {
                List<Tensor> saved = ctx.get_saved_variables();
                Tensor input = saved[0];
                Tensor target = saved[1];
                Tensor? weight = saved.Count > 2 ? saved[2] : null;
                Tensor go = grad_output.dtype == problem.ScalarType ? grad_output.contiguous() : grad_output.to(problem.ScalarType).contiguous();
                gradInput = empty(problem.InputShape, problem.ScalarType, input.device);
                FocalKernels.Backward(problem, input, target, weight, go, gradInput);
                gradInput.DetachFromDisposeScope();
            }

            // TorchSharp made this wrapper for this call only; libtorch holds its own reference, so it can go now.
            grad_output.Dispose();
            return new List<Tensor> { gradInput, null!, null!, null! };
        }

        /// <summary>The forward kernel, outside autograd.</summary>
        internal static Tensor Run(FocalProblem problem, Tensor input, Tensor target, Tensor? weight)
        {
            Tensor output = empty(problem.OutputShape, problem.ScalarType, input.device);
            try
            {
                FocalKernels.Forward(problem, input, target, weight, output);
            }
            catch
            {
                output.Dispose();
                throw;
            }

            return output;
        }
    }
}
