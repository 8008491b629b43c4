// The operator focal_loss::sigmoid_focal_loss: validation, dispatcher registration (CPU, CUDA when
// built, Autograd) and the autograd node with the fused backward.
//
// Autograd: the Autograd kernel records a SigmoidFocalLossBackward node that saves only the
// forward's own inputs (input, target, weight: references, no copies) and recomputes everything
// in the fused backward kernel, so the memory held for backward beyond the inputs is zero bytes.
// Gradients flow to `input` only. A target or weight that requires grad while grad mode is
// enabled is an argument error (detach it): silently returning no gradient for it would differ
// from torchvision, which differentiates through the target.
#include "focal_loss_internal.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/csrc/autograd/saved_variable.h>
#include <torch/library.h>

#include <cmath>
#include <sstream>

namespace focal_loss {

std::string shape_str(at::IntArrayRef sizes) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < sizes.size(); ++i) os << (i ? ", " : "") << sizes[i];
  os << "]";
  return os.str();
}

namespace {

bool is_supported_floating(at::ScalarType t) {
  return t == at::kFloat || t == at::kDouble || t == at::kHalf || t == at::kBFloat16;
}

std::string describe(const at::Tensor& t) {
  return std::string(c10::toString(t.scalar_type())) + " tensor of shape " + shape_str(t.sizes()) +
         " on " + t.device().str();
}

}  // namespace

void validate(const at::Tensor& input, const at::Tensor& target,
              const c10::optional<at::Tensor>& weight, double alpha, double gamma,
              int64_t reduction, c10::optional<double> avg_factor, TargetKind* target_kind,
              WeightKind* weight_kind) {
  if (!input.defined()) throw ArgumentError("input", "expected a tensor, got an undefined tensor");
  if (!is_supported_floating(input.scalar_type()))
    throw ArgumentError("input", "expected a float16, bfloat16, float32 or float64 tensor of logits, got " +
                                     describe(input));
  if (input.layout() != at::kStrided)
    throw ArgumentError("input", "expected a dense (strided) tensor, got " + describe(input));

  const at::IntArrayRef in_sizes = input.sizes();
  const bool has_class_dim = input.dim() >= 1;
  const int64_t classes = has_class_dim ? input.size(-1) : 1;
  const at::IntArrayRef anchor_sizes = has_class_dim ? in_sizes.slice(0, in_sizes.size() - 1) : in_sizes;
  std::vector<int64_t> anchor_keepdim(anchor_sizes.begin(), anchor_sizes.end());
  anchor_keepdim.push_back(1);

  // target
  if (!target.defined()) throw ArgumentError("target", "expected a tensor, got an undefined tensor");
  const std::string target_expect =
      "expected a floating tensor of shape " + shape_str(in_sizes) +
      " (input's shape; 0/1 or soft targets)" +
      (has_class_dim ? " or an int64 tensor of shape " + shape_str(anchor_sizes) +
                           " (input.shape[:-1]; class indices in [0, " + std::to_string(classes) +
                           "], " + std::to_string(classes) + " = background)"
                     : std::string());
  if (target.layout() != at::kStrided)
    throw ArgumentError("target", target_expect + ", got a non-strided " + describe(target));
  if (target.scalar_type() == at::kLong) {
    if (!has_class_dim || target.sizes() != anchor_sizes)
      throw ArgumentError("target", target_expect + ", got " + describe(target));
    *target_kind = TargetKind::Index;
  } else if (is_supported_floating(target.scalar_type())) {
    if (target.sizes() != in_sizes)
      throw ArgumentError("target", target_expect + ", got " + describe(target));
    *target_kind = TargetKind::Dense;
  } else {
    throw ArgumentError("target", target_expect + ", got " + describe(target));
  }
  if (target.device() != input.device())
    throw ArgumentError("target", "expected a tensor on input's device " + input.device().str() +
                                      ", got " + describe(target));

  // weight
  *weight_kind = WeightKind::None;
  if (weight.has_value() && weight->defined()) {
    const at::Tensor& w = *weight;
    const std::string weight_expect =
        "expected a floating tensor of shape " + shape_str(in_sizes) + " (per element)" +
        (has_class_dim ? ", " + shape_str(anchor_sizes) + " or " + shape_str(anchor_keepdim) +
                             " (per anchor) or [" + std::to_string(classes) + "] (per class)"
                       : std::string());
    if (!is_supported_floating(w.scalar_type()) || w.layout() != at::kStrided)
      throw ArgumentError("weight", weight_expect + ", got " + describe(w));
    if (w.sizes() == in_sizes) {
      *weight_kind = WeightKind::Element;
    } else if (has_class_dim && (w.sizes() == anchor_sizes || w.sizes() == at::IntArrayRef(anchor_keepdim))) {
      *weight_kind = WeightKind::Anchor;
    } else if (has_class_dim && w.dim() == 1 && w.size(0) == classes) {
      *weight_kind = WeightKind::Class;
    } else {
      throw ArgumentError("weight", weight_expect + ", got " + describe(w));
    }
    if (w.device() != input.device())
      throw ArgumentError("weight", "expected a tensor on input's device " + input.device().str() +
                                        ", got " + describe(w));
  }

  // scalars
  if (!std::isfinite(alpha) || alpha > 1.0)
    throw ArgumentError("alpha", "expected a finite value in [0, 1] (or negative to disable), got " +
                                     std::to_string(alpha));
  if (!std::isfinite(gamma) || gamma < 0.0)
    throw ArgumentError("gamma", "expected a finite value >= 0, got " + std::to_string(gamma));
  if (reduction != kReductionNone && reduction != kReductionMean && reduction != kReductionSum)
    throw ArgumentError("reduction", "expected 0 (none), 1 (mean) or 2 (sum), got " +
                                         std::to_string(reduction));
  if (avg_factor.has_value()) {
    const double f = *avg_factor;
    if (!std::isfinite(f) || f <= 0.0)
      throw ArgumentError("avg_factor", "expected a finite value > 0, got " + std::to_string(f));
    if (reduction == kReductionSum)
      throw ArgumentError("avg_factor",
                          "avg_factor can not be used with reduction 'sum' (only with 'mean'; "
                          "with 'none' it has no effect)");
  }
}

Problem prepare(const at::Tensor& input, const at::Tensor& target,
                const c10::optional<at::Tensor>& weight, double alpha, double gamma,
                int64_t reduction, c10::optional<double> avg_factor) {
  Problem pb;
  validate(input, target, weight, alpha, gamma, reduction, avg_factor, &pb.target_kind, &pb.weight_kind);
  pb.input = input.contiguous();
  pb.target = pb.target_kind == TargetKind::Index ? target.contiguous()
                                                  : target.to(input.scalar_type()).contiguous();
  if (pb.weight_kind != WeightKind::None) pb.weight = weight->to(input.scalar_type()).contiguous();
  pb.numel = input.numel();
  pb.classes = input.dim() >= 1 ? input.size(-1) : 1;
  pb.alpha = alpha;
  pb.gamma = gamma;
  pb.reduction = reduction;
  if (reduction == kReductionMean)
    pb.divisor = avg_factor.has_value() ? *avg_factor : static_cast<double>(pb.numel);
  else
    pb.divisor = 1.0;
  return pb;
}

namespace {

using Sig = at::Tensor(const at::Tensor&, const at::Tensor&, const c10::optional<at::Tensor>&, double,
                       double, int64_t, c10::optional<double>);
using BwdSig = at::Tensor(const at::Tensor&, const at::Tensor&, const at::Tensor&,
                          const c10::optional<at::Tensor>&, double, double, int64_t,
                          c10::optional<double>);

const c10::TypedOperatorHandle<Sig>& forward_op() {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("focal_loss::sigmoid_focal_loss", "")
                             .typed<Sig>();
  return op;
}

const c10::TypedOperatorHandle<BwdSig>& backward_op() {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("focal_loss::sigmoid_focal_loss_backward", "")
                             .typed<BwdSig>();
  return op;
}

// ---- backend kernels ----------------------------------------------------------------------------

at::Tensor forward_cpu_kernel(const at::Tensor& input, const at::Tensor& target,
                              const c10::optional<at::Tensor>& weight, double alpha, double gamma,
                              int64_t reduction, c10::optional<double> avg_factor) {
  Problem pb = prepare(input, target, weight, alpha, gamma, reduction, avg_factor);
  if (!input.device().is_cpu())
    throw ArgumentError("input", "the CPU kernel got a tensor on " + input.device().str());
  return forward_cpu(pb);
}

at::Tensor backward_cpu_kernel(const at::Tensor& grad_output, const at::Tensor& input,
                               const at::Tensor& target, const c10::optional<at::Tensor>& weight,
                               double alpha, double gamma, int64_t reduction,
                               c10::optional<double> avg_factor) {
  Problem pb = prepare(input, target, weight, alpha, gamma, reduction, avg_factor);
  if (!input.device().is_cpu())
    throw ArgumentError("input", "the CPU kernel got a tensor on " + input.device().str());
  return backward_cpu(grad_output, pb);
}

#ifdef FL_WITH_CUDA
at::Tensor forward_cuda_kernel(const at::Tensor& input, const at::Tensor& target,
                               const c10::optional<at::Tensor>& weight, double alpha, double gamma,
                               int64_t reduction, c10::optional<double> avg_factor) {
  Problem pb = prepare(input, target, weight, alpha, gamma, reduction, avg_factor);
  return forward_cuda(pb);
}

at::Tensor backward_cuda_kernel(const at::Tensor& grad_output, const at::Tensor& input,
                                const at::Tensor& target, const c10::optional<at::Tensor>& weight,
                                double alpha, double gamma, int64_t reduction,
                                c10::optional<double> avg_factor) {
  Problem pb = prepare(input, target, weight, alpha, gamma, reduction, avg_factor);
  return backward_cuda(grad_output, pb);
}
#endif

// ---- autograd -------------------------------------------------------------------------------------

using torch::autograd::SavedVariable;
using torch::autograd::variable_list;

struct SigmoidFocalLossBackward : public torch::autograd::Node {
  SavedVariable input_;
  SavedVariable target_;
  SavedVariable weight_;  // undefined tensor when none
  double alpha_ = 0;
  double gamma_ = 0;
  int64_t reduction_ = 0;
  c10::optional<double> avg_factor_;

  variable_list apply(variable_list&& grads) override {
    TORCH_CHECK(grads.size() == 1, "SigmoidFocalLossBackward expects one gradient");
    const at::Tensor& grad = grads[0];
    if (!grad.defined()) return {at::Tensor()};
    at::Tensor input = input_.unpack();
    at::Tensor target = target_.unpack();
    at::Tensor weight = weight_.unpack();
    c10::optional<at::Tensor> w;
    if (weight.defined()) w = weight;
    at::Tensor grad_input =
        backward_op().call(grad, input, target, w, alpha_, gamma_, reduction_, avg_factor_);
    return {grad_input};
  }

  std::string name() const override { return "SigmoidFocalLossBackward"; }

  void release_variables() override {
    input_.reset_data();
    target_.reset_data();
    weight_.reset_data();
  }
};

at::Tensor autograd_kernel(const at::Tensor& input, const at::Tensor& target,
                           const c10::optional<at::Tensor>& weight, double alpha, double gamma,
                           int64_t reduction, c10::optional<double> avg_factor) {
  TargetKind tk;
  WeightKind wk;
  validate(input, target, weight, alpha, gamma, reduction, avg_factor, &tk, &wk);
  const bool has_weight = wk != WeightKind::None;
  if (torch::autograd::GradMode::is_enabled()) {
    if (target.requires_grad())
      throw ArgumentError("target",
                          "gradients with respect to target are not supported; pass a tensor "
                          "that does not require grad (target.detach())");
    if (has_weight && weight->requires_grad())
      throw ArgumentError("weight",
                          "gradients with respect to weight are not supported; pass a tensor "
                          "that does not require grad (weight.detach())");
  }

  std::shared_ptr<SigmoidFocalLossBackward> grad_fn;
  if (torch::autograd::compute_requires_grad(input)) {
    grad_fn = std::shared_ptr<SigmoidFocalLossBackward>(new SigmoidFocalLossBackward(),
                                                        torch::autograd::deleteNode);
    grad_fn->set_next_edges(torch::autograd::collect_next_edges(input));
    grad_fn->input_ = SavedVariable(input, false);
    grad_fn->target_ = SavedVariable(target, false);
    if (has_weight) grad_fn->weight_ = SavedVariable(*weight, false);
    grad_fn->alpha_ = alpha;
    grad_fn->gamma_ = gamma;
    grad_fn->reduction_ = reduction;
    grad_fn->avg_factor_ = avg_factor;
  }

  at::Tensor result;
  {
    at::AutoDispatchBelowADInplaceOrView guard;
    result = forward_op().call(input, target, weight, alpha, gamma, reduction, avg_factor);
  }
  if (grad_fn) torch::autograd::set_history(result, grad_fn);
  return result;
}

}  // namespace

// Used by the C ABI: calls through the dispatcher (Autograd -> CPU/CUDA).
at::Tensor call_sigmoid_focal_loss(const at::Tensor& input, const at::Tensor& target,
                                   const c10::optional<at::Tensor>& weight, double alpha,
                                   double gamma, int64_t reduction,
                                   c10::optional<double> avg_factor) {
  return forward_op().call(input, target, weight, alpha, gamma, reduction, avg_factor);
}

}  // namespace focal_loss

TORCH_LIBRARY(focal_loss, m) {
  m.def(
      "sigmoid_focal_loss(Tensor input, Tensor target, Tensor? weight=None, float alpha=0.25, "
      "float gamma=2.0, int reduction=0, float? avg_factor=None) -> Tensor");
  m.def(
      "sigmoid_focal_loss_backward(Tensor grad_output, Tensor input, Tensor target, "
      "Tensor? weight=None, float alpha=0.25, float gamma=2.0, int reduction=0, "
      "float? avg_factor=None) -> Tensor");
}

TORCH_LIBRARY_IMPL(focal_loss, CPU, m) {
  m.impl("sigmoid_focal_loss", TORCH_FN(focal_loss::forward_cpu_kernel));
  m.impl("sigmoid_focal_loss_backward", TORCH_FN(focal_loss::backward_cpu_kernel));
}

#ifdef FL_WITH_CUDA
TORCH_LIBRARY_IMPL(focal_loss, CUDA, m) {
  m.impl("sigmoid_focal_loss", TORCH_FN(focal_loss::forward_cuda_kernel));
  m.impl("sigmoid_focal_loss_backward", TORCH_FN(focal_loss::backward_cuda_kernel));
}
#endif

TORCH_LIBRARY_IMPL(focal_loss, Autograd, m) {
  m.impl("sigmoid_focal_loss", TORCH_FN(focal_loss::autograd_kernel));
}
