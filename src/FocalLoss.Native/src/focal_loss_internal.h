// Internal declarations shared by the operator, the kernels and the C ABI. Not installed.
#pragma once

#include "focal_loss_c_api.h"  // FL_API

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <c10/util/Optional.h>

#include <string>

namespace focal_loss {

enum Reduction : int64_t { kReductionNone = 0, kReductionMean = 1, kReductionSum = 2 };
enum class TargetKind { Dense, Index };
enum class WeightKind { None = 0, Element = 1, Anchor = 2, Class = 3 };

// An argument error that carries the name of the offending parameter. It is a c10::ValueError so
// that Python callers (torch.ops) see a ValueError with the message; the C ABI maps it to
// FL_ARGUMENT_ERROR and reports param() through fl_last_error_param().
class FL_API ArgumentError : public c10::ValueError {  // exported: thrown and caught across libraries
 public:
  ArgumentError(std::string param, const std::string& message)
      : c10::ValueError({__func__, __FILE__, static_cast<uint32_t>(__LINE__)},
                        "sigmoid_focal_loss: " + param + ": " + message),
        param_(std::move(param)) {}
  const std::string& param() const noexcept { return param_; }

 private:
  std::string param_;
};

// The validated, normalised problem: contiguous tensors, kinds, sizes and the reduction divisor.
struct Problem {
  at::Tensor input;   // contiguous
  at::Tensor target;  // contiguous; input's dtype (dense) or int64 (index)
  at::Tensor weight;  // contiguous, input's dtype; undefined when WeightKind::None
  TargetKind target_kind = TargetKind::Dense;
  WeightKind weight_kind = WeightKind::None;
  int64_t numel = 0;    // elements of input
  int64_t classes = 1;  // C = input.size(-1) (1 for a 0-dim input)
  double alpha = -1;
  double gamma = 0;
  int64_t reduction = kReductionNone;
  double divisor = 1;   // mean: avg_factor or numel; sum: 1
};

// Checks every argument (throws ArgumentError naming the argument) and returns the kinds.
// Does not touch the data (no host sync); class-index range is checked by the kernels.
void validate(const at::Tensor& input, const at::Tensor& target,
              const c10::optional<at::Tensor>& weight, double alpha, double gamma,
              int64_t reduction, c10::optional<double> avg_factor, TargetKind* target_kind,
              WeightKind* weight_kind);

// validate() plus the contiguous / dtype-normalised tensors.
Problem prepare(const at::Tensor& input, const at::Tensor& target,
                const c10::optional<at::Tensor>& weight, double alpha, double gamma,
                int64_t reduction, c10::optional<double> avg_factor);

// Kernels. forward: the loss (input's shape for none, 0-dim for mean/sum), input's dtype.
// backward: d(loss)/d(input) * grad_output, input's shape and dtype. grad_output has the forward
// result's shape (any strides; an expanded scalar is read as a scalar).
at::Tensor forward_cpu(const Problem& pb);
at::Tensor backward_cpu(const at::Tensor& grad_output, const Problem& pb);
#ifdef FL_WITH_CUDA
at::Tensor forward_cuda(const Problem& pb);
at::Tensor backward_cuda(const at::Tensor& grad_output, const Problem& pb);
#endif

FL_API std::string shape_str(at::IntArrayRef sizes);  // exported: used by the testing library

}  // namespace focal_loss
