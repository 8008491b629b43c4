// libFocalLossNativeTesting: test-only helpers for the managed tests (focal_loss_testing_c_api.h).
// Errors go to the main library's thread-local last error (fl_last_error / fl_last_error_param).
#include "focal_loss_testing_c_api.h"

#include "focal_loss_errors.h"
#include "focal_loss_internal.h"

#include <torch/csrc/autograd/function.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using focal_loss::ArgumentError;

namespace {

const at::Tensor& as_tensor(fl_tensor h, const char* param) {
  if (h == nullptr) throw ArgumentError(param, "expected a tensor handle, got NULL");
  return *static_cast<const at::Tensor*>(h);
}

bool dtype_supported(int32_t code) {
  switch (code) {
    case static_cast<int32_t>(at::kLong):
    case static_cast<int32_t>(at::kHalf):
    case static_cast<int32_t>(at::kFloat):
    case static_cast<int32_t>(at::kDouble):
    case static_cast<int32_t>(at::kBool):
    case static_cast<int32_t>(at::kBFloat16):
      return true;
    default:
      return false;
  }
}

}  // namespace

extern "C" {

FL_API fl_status flt_from_doubles(const double* data, int64_t numel, const int64_t* shape, int32_t ndim,
                                  int32_t dtype, int32_t requires_grad, fl_tensor* out) {
  return focal_loss::guarded([&] {
    if (out == nullptr) throw ArgumentError("out", "expected a non-null pointer");
    *out = nullptr;
    if (ndim < 0) throw ArgumentError("ndim", "expected ndim >= 0, got " + std::to_string(ndim));
    if (ndim > 0 && shape == nullptr) throw ArgumentError("shape", "expected a non-null shape array");
    std::vector<int64_t> sizes(shape, shape + ndim);
    int64_t expected = 1;
    for (int64_t s : sizes) {
      if (s < 0) throw ArgumentError("shape", "expected non-negative sizes, got " + focal_loss::shape_str(sizes));
      expected *= s;
    }
    if (numel != expected)
      throw ArgumentError("numel", "expected " + std::to_string(expected) + " values for shape " +
                                       focal_loss::shape_str(sizes) + ", got " + std::to_string(numel));
    if (numel > 0 && data == nullptr) throw ArgumentError("data", "expected a non-null data pointer");
    if (!dtype_supported(dtype))
      throw ArgumentError("dtype", "expected 4 (int64), 5 (float16), 6 (float32), 7 (float64), 11 (bool) or "
                                   "15 (bfloat16), got " + std::to_string(dtype));
    const auto st = static_cast<at::ScalarType>(dtype);
    if (st == at::kLong) {
      for (int64_t i = 0; i < numel; ++i)
        if (!std::isfinite(data[i]) || std::floor(data[i]) != data[i])
          throw ArgumentError("data", "int64 values must be whole numbers, got " + std::to_string(data[i]) +
                                          " at index " + std::to_string(i));
    }
    if (requires_grad && !at::isFloatingType(st))
      throw ArgumentError("requires_grad", "only floating tensors can require grad");
    at::Tensor src = at::empty(sizes, at::TensorOptions().dtype(at::kDouble));
    if (numel > 0) std::memcpy(src.data_ptr<double>(), data, sizeof(double) * static_cast<size_t>(numel));
    at::Tensor t = src.to(st);
    if (requires_grad) t.set_requires_grad(true);
    *out = new at::Tensor(std::move(t));
  });
}

FL_API fl_status flt_to_doubles(fl_tensor tensor, double* buffer, int64_t capacity) {
  return focal_loss::guarded([&] {
    const at::Tensor& t = as_tensor(tensor, "tensor");
    const int64_t n = t.numel();
    if (n > capacity)
      throw ArgumentError("capacity", "tensor has " + std::to_string(n) + " elements, capacity is " +
                                          std::to_string(capacity));
    if (n > 0 && buffer == nullptr) throw ArgumentError("buffer", "expected a non-null buffer");
    at::Tensor d = t.detach().to(at::kCPU).to(at::kDouble).contiguous();
    if (n > 0) std::memcpy(buffer, d.data_ptr<double>(), sizeof(double) * static_cast<size_t>(n));
  });
}

FL_API int32_t flt_dtype(fl_tensor tensor) {
  return tensor ? static_cast<int32_t>(static_cast<at::Tensor*>(tensor)->scalar_type()) : -1;
}
FL_API int32_t flt_dim(fl_tensor tensor) {
  return tensor ? static_cast<int32_t>(static_cast<at::Tensor*>(tensor)->dim()) : -1;
}
FL_API int64_t flt_size(fl_tensor tensor, int32_t dim) {
  if (!tensor) return -1;
  const at::Tensor& t = *static_cast<at::Tensor*>(tensor);
  const int64_t nd = t.dim();
  const int64_t d = dim < 0 ? dim + nd : dim;
  return (d >= 0 && d < nd) ? t.size(d) : -1;
}
FL_API int64_t flt_numel(fl_tensor tensor) { return tensor ? static_cast<at::Tensor*>(tensor)->numel() : -1; }
FL_API int32_t flt_requires_grad(fl_tensor tensor) {
  return tensor && static_cast<at::Tensor*>(tensor)->requires_grad() ? 1 : 0;
}

FL_API int32_t flt_grad_fn_name(fl_tensor tensor, char* name, int32_t capacity) {
  try {
    if (!tensor) return 0;
    const auto& fn = static_cast<at::Tensor*>(tensor)->grad_fn();
    if (!fn) return 0;
    if (name != nullptr && capacity > 0) {
      const std::string s = fn->name();
      const size_t n = std::min(s.size(), static_cast<size_t>(capacity - 1));
      std::memcpy(name, s.data(), n);
      name[n] = '\0';
    }
    return 1;
  } catch (...) {
    return 0;
  }
}

FL_API fl_status flt_transpose(fl_tensor tensor, int32_t dim0, int32_t dim1, fl_tensor* out) {
  return focal_loss::guarded([&] {
    if (out == nullptr) throw ArgumentError("out", "expected a non-null pointer");
    *out = nullptr;
    const at::Tensor& t = as_tensor(tensor, "tensor");
    *out = new at::Tensor(t.transpose(dim0, dim1));
  });
}

FL_API fl_status flt_slice_step(fl_tensor tensor, int32_t dim, int64_t step, fl_tensor* out) {
  return focal_loss::guarded([&] {
    if (out == nullptr) throw ArgumentError("out", "expected a non-null pointer");
    *out = nullptr;
    const at::Tensor& t = as_tensor(tensor, "tensor");
    if (step < 1) throw ArgumentError("step", "expected step >= 1, got " + std::to_string(step));
    *out = new at::Tensor(t.slice(dim, 0, t.size(dim), step));
  });
}

FL_API fl_status flt_to_device(fl_tensor tensor, const char* device, fl_tensor* out) {
  return focal_loss::guarded([&] {
    if (out == nullptr) throw ArgumentError("out", "expected a non-null pointer");
    *out = nullptr;
    const at::Tensor& t = as_tensor(tensor, "tensor");
    if (device == nullptr) throw ArgumentError("device", "expected \"cpu\" or \"cuda:N\", got NULL");
    c10::Device dev(at::kCPU);
    try {
      dev = c10::Device(std::string(device));
    } catch (const c10::Error&) {
      throw ArgumentError("device", std::string("expected \"cpu\" or \"cuda:N\", got \"") + device + "\"");
    }
    *out = new at::Tensor(t.to(dev));
  });
}

FL_API fl_status flt_backward(fl_tensor loss, fl_tensor grad_output) {
  return focal_loss::guarded([&] {
    const at::Tensor& l = as_tensor(loss, "loss");
    if (grad_output != nullptr)
      l.backward(*static_cast<const at::Tensor*>(grad_output));
    else
      l.backward();
  });
}

FL_API fl_status flt_grad(fl_tensor tensor, fl_tensor* out) {
  return focal_loss::guarded([&] {
    if (out == nullptr) throw ArgumentError("out", "expected a non-null pointer");
    *out = nullptr;
    const at::Tensor& t = as_tensor(tensor, "tensor");
    const at::Tensor& g = t.grad();
    if (g.defined()) *out = new at::Tensor(g);
  });
}

FL_API int64_t flt_heap_bytes_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 mi = mallinfo2();
  return static_cast<int64_t>(mi.uordblks);
#elif defined(__GLIBC__)
  const struct mallinfo mi = mallinfo();
  return static_cast<int64_t>(static_cast<unsigned int>(mi.uordblks));
#else
  return -1;
#endif
}

FL_API void flt_tensor_free(fl_tensor tensor) { delete static_cast<at::Tensor*>(tensor); }

}  // extern "C"
