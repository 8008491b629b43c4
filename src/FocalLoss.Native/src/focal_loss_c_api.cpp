// The C ABI of libFocalLossNative (focal_loss_c_api.h). No exception crosses this boundary.
#include "focal_loss_c_api.h"

#include "focal_loss_errors.h"
#include "focal_loss_internal.h"

#include <ATen/Context.h>
#include <torch/version.h>

#include <string>

namespace focal_loss {
at::Tensor call_sigmoid_focal_loss(const at::Tensor& input, const at::Tensor& target,
                                   const c10::optional<at::Tensor>& weight, double alpha,
                                   double gamma, int64_t reduction,
                                   c10::optional<double> avg_factor);
}

namespace {
thread_local std::string t_last_error;
thread_local std::string t_last_param;

#define FL_STR2(x) #x
#define FL_STR(x) FL_STR2(x)
const char kTorchVersion[] =
    FL_STR(TORCH_VERSION_MAJOR) "." FL_STR(TORCH_VERSION_MINOR) "." FL_STR(TORCH_VERSION_PATCH);
}  // namespace

extern "C" {

FL_API void fl_internal_set_last_error(const char* message, const char* param) {
  try {
    t_last_error = message ? message : "";
    t_last_param = param ? param : "";
  } catch (...) {
    // out of memory while storing the message: keep whatever fits
  }
}

FL_API int32_t fl_abi_version(void) { return FL_ABI_VERSION; }

FL_API const char* fl_torch_version(void) { return kTorchVersion; }

FL_API int32_t fl_cuda_compiled(void) {
#ifdef FL_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}

FL_API int32_t fl_cuda_available(void) {
#ifdef FL_WITH_CUDA
  try {
    return at::hasCUDA() ? 1 : 0;
  } catch (...) {
    return 0;
  }
#else
  return 0;  // no CUDA kernel in this build, whatever the machine has
#endif
}

FL_API const char* fl_last_error(void) { return t_last_error.c_str(); }

FL_API const char* fl_last_error_param(void) { return t_last_param.c_str(); }

FL_API fl_status fl_sigmoid_focal_loss(fl_tensor input, fl_tensor target, fl_tensor weight, double alpha,
                                       double gamma, int32_t reduction, int32_t has_avg_factor,
                                       double avg_factor, fl_tensor* out) {
  using focal_loss::ArgumentError;
  return focal_loss::guarded([&] {
    if (out == nullptr) throw ArgumentError("out", "expected a non-null pointer to receive the result");
    *out = nullptr;
    if (input == nullptr) throw ArgumentError("input", "expected a tensor handle, got NULL");
    if (target == nullptr) throw ArgumentError("target", "expected a tensor handle, got NULL");
    const at::Tensor& x = *static_cast<const at::Tensor*>(input);
    const at::Tensor& t = *static_cast<const at::Tensor*>(target);
    c10::optional<at::Tensor> w;
    if (weight != nullptr) w = *static_cast<const at::Tensor*>(weight);
    c10::optional<double> af;
    if (has_avg_factor) af = avg_factor;
    at::Tensor result = focal_loss::call_sigmoid_focal_loss(x, t, w, alpha, gamma, reduction, af);
    *out = new at::Tensor(std::move(result));
  });
}

FL_API void fl_tensor_free(fl_tensor tensor) { delete static_cast<at::Tensor*>(tensor); }

}  // extern "C"
