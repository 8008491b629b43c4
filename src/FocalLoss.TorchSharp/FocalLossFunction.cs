using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace FocalLoss.TorchSharp
{
    /// <summary>
    /// The fused loss as a TorchSharp custom autograd function. The forward kernel runs before the graph node is made
    /// (<see cref="Run"/>), so a failing call (a class index out of range, say) leaves no half-built node behind.
    /// When autograd will need the gradient (grad mode on, input requiring grad) and <see cref="UseSavedGradient"/> is
    /// set (the default), <see cref="Run"/> takes the fused kernel that also writes d(loss)/d(input) into a buffer of
    /// numel float32 elements (float64 for float64 inputs); <see cref="forward"/> then saves only that buffer (not the
    /// inputs) and the backward is a streaming multiply by grad_output (bit for bit the old backward's result).
    /// Otherwise the node saves the inputs and the backward kernel recomputes the element math.
    /// Arguments: (input, target, weight or null, <see cref="Computed"/>), all tensors contiguous.
    /// </summary>
    internal sealed class FocalLossFunction : autograd.SingleTensorFunction<FocalLossFunction>
    {
        private const string ProblemKey = "problem";
        private const string ModeKey = "saved_gradient";

        // The saved-gradient buffer the last Run on this thread made, and the output it belongs to, until forward
        // picks it up (the caller passes that output back in Computed, on the same thread, right after Run). Both
        // tensors live in the caller's dispose scope; a slot that is never picked up only holds disposed wrappers.
        [ThreadStatic]
        private static Tensor? t_pendingOutput;

        [ThreadStatic]
        private static Tensor? t_pendingGrad;

        [ThreadStatic]
        private static bool t_recomputeInBackward;

        /// <summary>
        /// True (the default): the forward stores the gradient when autograd will need it and the backward only scales it.
        /// False: the forward saves the inputs and the backward recomputes (the path before the saved gradient). Per thread
        /// (the forward runs on the caller's thread; the node records which path it took).
        /// </summary>
        internal static bool UseSavedGradient
        {
            get => !t_recomputeInBackward;
            set => t_recomputeInBackward = !value;
        }

        /// <summary>For tests, per thread: called by <see cref="forward"/> with the tensors it saves for backward.</summary>
        [ThreadStatic]
        internal static Action<IReadOnlyList<Tensor>>? SavedObserver;

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

            ctx.save_data(ProblemKey, computed.Problem);
            Tensor? savedGrad = ReferenceEquals(t_pendingOutput, computed.Output) ? t_pendingGrad : null;
            t_pendingOutput = null;
            t_pendingGrad = null;
            if (savedGrad is not null)
            {
                var saved = new List<Tensor> { savedGrad };
                ctx.save_for_backward(saved);
                ctx.save_data(ModeKey, true);
                SavedObserver?.Invoke(saved);
            }
            else
            {
                var saved = weight is null ? new List<Tensor> { input, target } : new List<Tensor> { input, target, weight };
                ctx.save_for_backward(saved);
                ctx.save_data(ModeKey, false);
                SavedObserver?.Invoke(saved);
            }

            return computed.Output;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var problem = (FocalProblem)ctx.get_data(ProblemKey);
            Tensor gradInput;
            using (DisposeScope scope = NewDisposeScope())
            {
                List<Tensor> saved = ctx.get_saved_variables();
                Tensor go = grad_output.dtype == problem.ScalarType ? grad_output.contiguous() : grad_output.to(problem.ScalarType).contiguous();
                gradInput = empty(problem.InputShape, problem.ScalarType, saved[0].device);
                if ((bool)ctx.get_data(ModeKey))
                {
                    FocalKernels.ScaleGrad(problem, saved[0], go, gradInput);
                }
                else
                {
                    Tensor input = saved[0];
                    Tensor target = saved[1];
                    Tensor? weight = saved.Count > 2 ? saved[2] : null;
                    FocalKernels.Backward(problem, input, target, weight, go, gradInput);
                }

                gradInput.DetachFromDisposeScope();
            }

            // TorchSharp made this wrapper for this call only; libtorch holds its own reference, so it can go now.
            grad_output.Dispose();
            return new List<Tensor> { gradInput, null!, null!, null! };
        }

        /// <summary>
        /// The forward kernel, outside autograd. When autograd will need the gradient (see <see cref="UseSavedGradient"/>)
        /// the fused kernel also fills the saved-gradient buffer, handed to <see cref="forward"/> with the output.
        /// </summary>
        internal static Tensor Run(FocalProblem problem, Tensor input, Tensor target, Tensor? weight)
        {
            Tensor output = empty(problem.OutputShape, problem.ScalarType, input.device);
            Tensor? savedGrad = null;
            try
            {
                if (UseSavedGradient && is_grad_enabled() && input.requires_grad)
                {
                    savedGrad = empty(problem.InputShape, FocalKernels.SavedGradType(problem), input.device);
                    FocalKernels.ForwardWithGrad(problem, input, target, weight, output, savedGrad);
                    t_pendingOutput = output;
                    t_pendingGrad = savedGrad;
                }
                else
                {
                    t_pendingOutput = null;
                    t_pendingGrad = null;
                    FocalKernels.Forward(problem, input, target, weight, output);
                }
            }
            catch
            {
                savedGrad?.Dispose();
                output.Dispose();
                throw;
            }

            return output;
        }
    }
}
