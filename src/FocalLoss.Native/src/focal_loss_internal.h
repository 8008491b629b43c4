// Internal declarations shared by the CPU and CUDA libraries. Not installed. No libtorch.
#pragma once

#include "focal_loss_c_api.h"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace focal_loss {

// An argument error that carries the name of the offending parameter; the C ABI maps it to
// FL_ARGUMENT_ERROR and reports param() through fl_last_error_param(). The message is
// "sigmoid_focal_loss: <param>: <what was expected, what was given>".
class ArgumentError : public std::invalid_argument {
 public:
  ArgumentError(const std::string& param, const std::string& message)
      : std::invalid_argument("sigmoid_focal_loss: " + param + ": " + message), param_(param) {}
  const std::string& param() const noexcept { return param_; }

 private:
  std::string param_;
};

// A validated fl_problem (see validate_problem).
struct Problem {
  fl_dtype dtype = FL_FLOAT32;
  fl_input_kind input_kind = FL_INPUT_LOGITS;
  fl_target_kind target_kind = FL_TARGET_DENSE;
  fl_weight_kind weight_kind = FL_WEIGHT_NONE;
  fl_reduction reduction = FL_REDUCTION_NONE;
  int64_t numel = 0;
  int64_t classes = 1;
  int64_t rows = 0;  // numel / classes
  double alpha = -1;
  double gamma = 0;
  double divisor = 1;  // MEAN: the caller's divisor; SUM: 1
  const void* input = nullptr;
  const void* target = nullptr;
  const void* weight = nullptr;
};

// Checks every field of *p (throws ArgumentError naming the parameter). Does not read the data:
// the class-index range is checked by the kernels.
Problem validate_problem(const fl_problem* p);

// Output pointers: forward's out, backward's grad_output and grad_input.
void validate_forward_out(const Problem& pb, const void* out);
void validate_backward_args(const Problem& pb, const void* grad_output, const void* grad_input);

// The fused pair (fl_*_forward_with_grad, fl_*_scale_grad): the saved-gradient pointer, and the
// problem of a scale call (only struct_size, dtype, reduction, numel and divisor are read).
void validate_saved_grad(const Problem& pb, const void* saved_grad);
Problem validate_scale_problem(const fl_problem* p);

// The message of a class index out of [0, classes] at flat position pos of the target.
std::string class_index_message(int64_t pos, int64_t value, int64_t classes);

// Bytes per element of a dtype code (validated).
inline int64_t dtype_size(fl_dtype d) { return d == FL_FLOAT64 ? 8 : d == FL_FLOAT32 ? 4 : 2; }
// Bytes per element of the saved gradient (float32, or float64 for float64 inputs).
inline int64_t saved_dtype_size(fl_dtype d) { return d == FL_FLOAT64 ? 8 : 4; }

// Thread-local last error of the library this is compiled into (each library has its own).
void set_last_error(const char* message, const char* param) noexcept;

}  // namespace focal_loss
