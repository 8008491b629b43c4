// The CPU half of the C ABI (focal_loss_c_api.h): libFocalLossNative. No exception crosses it.
#include "focal_loss_c_api.h"

#include "focal_loss_cpu.h"
#include "focal_loss_errors.h"
#include "focal_loss_internal.h"

#include <string>

namespace focal_loss {
namespace {
thread_local std::string t_last_error;
thread_local std::string t_last_param;

constexpr int kMaxThreads = 1024;

int checked_threads(int32_t threads) {
  if (threads < 1 || threads > kMaxThreads)
    throw ArgumentError("threads", "expected a thread count in [1, " + std::to_string(kMaxThreads) + "], got " +
                                       std::to_string(threads));
  return threads;
}
}  // namespace

void set_last_error(const char* message, const char* param) noexcept {
  try {
    t_last_error = message ? message : "";
    t_last_param = param ? param : "";
  } catch (...) {
    // out of memory while storing the message: keep whatever fits
  }
}

}  // namespace focal_loss

extern "C" {

FL_API int32_t fl_abi_version(void) { return FL_ABI_VERSION; }

FL_API const char* fl_last_error(void) { return focal_loss::t_last_error.c_str(); }

FL_API const char* fl_last_error_param(void) { return focal_loss::t_last_param.c_str(); }

FL_API fl_status fl_cpu_forward(const fl_problem* problem, void* out, int32_t threads) {
  return focal_loss::guarded([&] {
    const focal_loss::Problem pb = focal_loss::validate_problem(problem);
    focal_loss::validate_forward_out(pb, out);
    focal_loss::forward_cpu(pb, out, focal_loss::checked_threads(threads));
  });
}

FL_API fl_status fl_cpu_backward(const fl_problem* problem, const void* grad_output, void* grad_input,
                                 int32_t threads) {
  return focal_loss::guarded([&] {
    const focal_loss::Problem pb = focal_loss::validate_problem(problem);
    focal_loss::validate_backward_args(pb, grad_output, grad_input);
    focal_loss::backward_cpu(pb, grad_output, grad_input, focal_loss::checked_threads(threads));
  });
}

FL_API fl_status fl_cpu_forward_with_grad(const fl_problem* problem, void* out, void* saved_grad, int32_t threads) {
  return focal_loss::guarded([&] {
    const focal_loss::Problem pb = focal_loss::validate_problem(problem);
    focal_loss::validate_forward_out(pb, out);
    focal_loss::validate_saved_grad(pb, saved_grad);
    focal_loss::forward_with_grad_cpu(pb, out, saved_grad, focal_loss::checked_threads(threads));
  });
}

FL_API fl_status fl_cpu_scale_grad(const fl_problem* problem, const void* saved_grad, const void* grad_output,
                                   void* grad_input, int32_t threads) {
  return focal_loss::guarded([&] {
    const focal_loss::Problem pb = focal_loss::validate_scale_problem(problem);
    focal_loss::validate_saved_grad(pb, saved_grad);
    focal_loss::validate_backward_args(pb, grad_output, grad_input);
    focal_loss::scale_grad_cpu(pb, saved_grad, grad_output, grad_input, focal_loss::checked_threads(threads));
  });
}

}  // extern "C"
