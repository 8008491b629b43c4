using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace FocalLoss.TorchSharp
{
    /// <summary>
    /// The fused loss as a TorchSharp custom autograd function: forward runs the kernel and saves only its
    /// inputs (no intermediates); backward runs the fused backward kernel. Arguments:
    /// (input, target, weight or null, <see cref="FocalProblem"/>), all tensors contiguous.
    /// </summary>
    internal sealed class FocalLossFunction : autograd.SingleTensorFunction<FocalLossFunction>
    {
        private const string ProblemKey = "problem";

        public override string Name => "SigmoidFocalLossBackward";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var target = (Tensor)vars[1];
            var weight = vars[2] as Tensor;
            var problem = (FocalProblem)vars[3];

            Tensor output = Run(problem, input, target, weight);
            ctx.save_for_backward(weight is null ? new List<Tensor> { input, target } : new List<Tensor> { input, target, weight });
            ctx.save_data(ProblemKey, problem);
            return output;
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

            // TorchSharp made this wrapper for us; libtorch has copied it, so it can go now.
            grad_output.Dispose();
            return new List<Tensor> { gradInput, null!, null!, null! };
        }

        /// <summary>The forward kernel outside autograd (also used when no gradient is needed).</summary>
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
