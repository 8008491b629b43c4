// CUDA kernels and the fl_cuda_* half of the C ABI: libFocalLossNativeCuda. No libtorch.
//
// Same element math as the CPU kernel (focal_loss_math.h and focal_loss_half.h, compiled
// __host__ __device__), same validation (focal_loss_validate.cpp).
// - Launches on the default stream (stream 0) of `device`, under a device guard that restores the
//   caller's current device; every launch is followed by a launch-error check.
// - Grid-stride loops with 64-bit indices. The grid size depends on numel only.
// - mean/sum, deterministic, no floating-point atomics: each thread accumulates in double in a fixed
//   order, each block reduces in shared memory in a fixed tree order and writes one partial; a second
//   single-block kernel adds the partials in a fixed order and writes sum (/ divisor) as the dtype.
// - Class-index targets: a check kernel records the first row whose index is outside [0, classes]
//   (integer atomicMin) into a device flag, which is copied back (this synchronises the stream)
//   before anything else runs; a bad index is FL_ARGUMENT_ERROR naming "target", as on the CPU.
//   Dense targets never synchronise: the functions return once the work is enqueued.
// - float16/bfloat16: loaded, computed in float, rounded once (bit-exact helpers shared with the
//   CPU); float32/float64 in their own type.
// - Scratch (block partials and the flag): one small buffer per device, allocated on first use and
//   kept for the life of the process; calls are serialised per device while they enqueue, so that
//   two host threads never share it out of stream order.
#include "focal_loss_c_api.h"

#include "focal_loss_errors.h"
#include "focal_loss_half.h"
#include "focal_loss_internal.h"
#include "focal_loss_math.h"

#include <cuda_runtime.h>

#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

namespace focal_loss {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 1024;

template <typename S>
using acc_t = typename std::conditional<std::is_same<S, double>::value, double, float>::type;

// kForwardNoneGrad / kForwardReduceGrad: the fused forward, which also writes d(w*loss)/dx into sg.
enum Mode { kForwardNone = 0, kForwardReduce = 1, kBackwardElem = 2, kBackwardScalar = 3, kForwardNoneGrad = 4,
            kForwardReduceGrad = 5 };
enum Path { kLogits = 0, kProb = 1 };

template <typename S>
struct DArgs {
  const S* x;
  const S* t;         // dense targets
  const int64_t* idx; // class-index targets (validated by check_indices_kernel)
  const S* w;
  S* out;             // loss (none) or grad_input
  const S* g;         // grad_output: per element (kBackwardElem) or one element (kBackwardScalar)
  acc_t<S>* sg;       // saved gradient (fused forward), compute type
  double gdiv;        // kBackwardScalar: g / gdiv (mean: divisor; sum: 1)
  int64_t n;
  int64_t classes;
  int wk;             // fl_weight_kind
  int gkind;          // math::GammaKind
  bool index;
  math::Params<acc_t<S>> prm;
};

template <int kG, int kPath, typename T>
__device__ __forceinline__ T elem_value(bool backward, T x, T t, const math::Params<T>& prm) {
  if (kPath == kProb) return backward ? math::prob_grad<kG>(x, t, prm) : math::prob_loss<kG>(x, t, prm);
  const bool hard = (t == T(0)) | (t == T(1));
  if (hard) return backward ? math::grad<true, kG>(x, t, prm) : math::loss<true, kG>(x, t, prm);
  return backward ? math::grad<false, kG>(x, t, prm) : math::loss<false, kG>(x, t, prm);
}

template <int kPath, typename T>
__device__ __forceinline__ T elem_value_g(int gkind, bool backward, T x, T t, const math::Params<T>& prm) {
  switch (gkind) {
    case math::kGamma0: return elem_value<math::kGamma0, kPath>(backward, x, t, prm);
    case math::kGamma1: return elem_value<math::kGamma1, kPath>(backward, x, t, prm);
    case math::kGamma2: return elem_value<math::kGamma2, kPath>(backward, x, t, prm);
    default: return elem_value<math::kGammaAny, kPath>(backward, x, t, prm);
  }
}

// Loss and gradient of one element from one evaluation (the same device math as elem_value's two calls).
template <int kG, int kPath, typename T>
__device__ __forceinline__ void elem_both(T x, T t, const math::Params<T>& prm, T& l, T& g) {
  if (kPath == kProb) {
    math::prob_loss_grad<kG>(x, t, prm, l, g);
    return;
  }
  const bool hard = (t == T(0)) | (t == T(1));
  if (hard)
    math::loss_grad<true, kG>(x, t, prm, l, g);
  else
    math::loss_grad<false, kG>(x, t, prm, l, g);
}

template <int kPath, typename T>
__device__ __forceinline__ void elem_both_g(int gkind, T x, T t, const math::Params<T>& prm, T& l, T& g) {
  switch (gkind) {
    case math::kGamma0: elem_both<math::kGamma0, kPath>(x, t, prm, l, g); break;
    case math::kGamma1: elem_both<math::kGamma1, kPath>(x, t, prm, l, g); break;
    case math::kGamma2: elem_both<math::kGamma2, kPath>(x, t, prm, l, g); break;
    default: elem_both<math::kGammaAny, kPath>(x, t, prm, l, g); break;
  }
}

template <typename S, int kMode, int kPath>
__global__ void __launch_bounds__(kThreads) focal_kernel(DArgs<S> a, double* partials) {
  using T = acc_t<S>;
  constexpr bool kBackward = kMode == kBackwardElem || kMode == kBackwardScalar;
  constexpr bool kGrad = kMode == kForwardNoneGrad || kMode == kForwardReduceGrad;
  constexpr bool kReduce = kMode == kForwardReduce || kMode == kForwardReduceGrad;
  double acc = 0;
  T gconst = T(1);
  if (kMode == kBackwardScalar) gconst = static_cast<T>(static_cast<double>(load(a.g[0])) / a.gdiv);
  const bool need_rc = a.index || a.wk == FL_WEIGHT_ANCHOR || a.wk == FL_WEIGHT_CLASS;
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < a.n; i += stride) {
    int64_t row = 0, col = 0;
    if (need_rc) {
      row = i / a.classes;
      col = i - row * a.classes;
    }
    const T xv = load(a.x[i]);
    const T tv = a.index ? (a.idx[row] == col ? T(1) : T(0)) : load(a.t[i]);
    T v, gv = T(0);
    if (kGrad)
      elem_both_g<kPath>(a.gkind, xv, tv, a.prm, v, gv);
    else
      v = elem_value_g<kPath>(a.gkind, kBackward, xv, tv, a.prm);
    T wv = T(1);
    switch (a.wk) {  // same order of operations as the CPU kernel: (w * value), then * g
      case FL_WEIGHT_ELEMENT: wv = load(a.w[i]); v = wv * v; break;
      case FL_WEIGHT_ANCHOR: wv = load(a.w[row]); v = wv * v; break;
      case FL_WEIGHT_CLASS: wv = load(a.w[col]); v = wv * v; break;
      default: break;
    }
    if (kGrad) a.sg[i] = a.wk == FL_WEIGHT_NONE ? gv : wv * gv;
    if (kReduce) {
      acc += static_cast<double>(v);
    } else {
      if (kMode == kBackwardElem) v = load(a.g[i]) * v;
      if (kMode == kBackwardScalar) v = gconst * v;
      a.out[i] = Store<S>::from(v);
    }
  }
  if (kReduce) {
    __shared__ double sh[kThreads];
    sh[threadIdx.x] = acc;
    __syncthreads();
    for (int s = kThreads / 2; s > 0; s >>= 1) {
      if (static_cast<int>(threadIdx.x) < s) sh[threadIdx.x] += sh[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) partials[blockIdx.x] = sh[0];
  }
}

// grad_input = round(s * saved): s = g[i] (NONE) or (T)(g[0] / gdiv) (MEAN, SUM), as focal_kernel's backward.
template <typename S>
__global__ void __launch_bounds__(kThreads) scale_kernel(const acc_t<S>* saved, const S* g, bool scalar, double gdiv,
                                                         S* out, int64_t n) {
  using T = acc_t<S>;
  T gconst = T(1);
  if (scalar) gconst = static_cast<T>(static_cast<double>(load(g[0])) / gdiv);
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const T v = saved[i];
    out[i] = Store<S>::from(scalar ? gconst * v : load(g[i]) * v);
  }
}

// One block: adds `count` partials in a fixed order and writes total / divisor as S.
template <typename S>
__global__ void __launch_bounds__(kThreads) finish_kernel(const double* partials, int64_t count, double divisor,
                                                          S* out) {
  __shared__ double sh[kThreads];
  double acc = 0;
  for (int64_t i = threadIdx.x; i < count; i += kThreads) acc += partials[i];
  sh[threadIdx.x] = acc;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s >>= 1) {
    if (static_cast<int>(threadIdx.x) < s) sh[threadIdx.x] += sh[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[0] = Store<S>::from_double(sh[0] / divisor);
}

// first_bad: initialised to all ones (UINT64_MAX); receives the smallest row with a bad index.
__global__ void __launch_bounds__(kThreads) check_indices_kernel(const int64_t* idx, int64_t rows, int64_t classes,
                                                                 unsigned long long* first_bad) {
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; r < rows; r += stride) {
    const int64_t c = idx[r];
    if (c < 0 || c > classes) atomicMin(first_bad, static_cast<unsigned long long>(r));
  }
}

int blocks_for(int64_t n) {
  const int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<int>(b < 1 ? 1 : (b > kMaxBlocks ? kMaxBlocks : b));
}

void check_cuda(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear a non-sticky error
    throw RuntimeError(std::string(what) + ": " + cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
  }
}

void check_launch(const char* kernel) { check_cuda(cudaGetLastError(), kernel); }

// Sets the current device for the scope, restores the caller's afterwards.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device) {
    check_cuda(cudaGetDevice(&prev_), "cudaGetDevice");
    if (prev_ != device) {
      check_cuda(cudaSetDevice(device), "cudaSetDevice");
      switched_ = true;
    }
  }
  ~DeviceGuard() {
    if (switched_) cudaSetDevice(prev_);
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int prev_ = 0;
  bool switched_ = false;
};

// Per-device scratch: kMaxBlocks doubles of block partials, then the index flag.
struct Scratch {
  std::mutex mu;
  void* mem = nullptr;
};

std::mutex g_scratch_mu;
std::vector<Scratch*> g_scratch;  // indexed by device; never freed (one small buffer per device)

Scratch& scratch_for(int device) {
  std::lock_guard<std::mutex> lk(g_scratch_mu);
  if (static_cast<int>(g_scratch.size()) <= device) g_scratch.resize(static_cast<size_t>(device) + 1, nullptr);
  if (g_scratch[device] == nullptr) g_scratch[device] = new Scratch();
  return *g_scratch[device];
}

double* partials_of(Scratch& s) { return static_cast<double*>(s.mem); }
unsigned long long* flag_of(Scratch& s) {
  return reinterpret_cast<unsigned long long*>(static_cast<double*>(s.mem) + kMaxBlocks);
}

void ensure_scratch(Scratch& s) {
  if (s.mem == nullptr)
    check_cuda(cudaMalloc(&s.mem, sizeof(double) * kMaxBlocks + sizeof(unsigned long long)), "cudaMalloc (scratch)");
}

int device_count() noexcept {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
}

int checked_device(int32_t device) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    cudaGetLastError();
    throw RuntimeError(std::string("no usable CUDA driver or device (") +
                           (e != cudaSuccess ? cudaGetErrorString(e) : "no device") + ")",
                       FL_UNAVAILABLE);
  }
  if (device < 0 || device >= n)
    throw ArgumentError("device", "expected a CUDA device index in [0, " + std::to_string(n - 1) + "], got " +
                                      std::to_string(device));
  return device;
}

// A non-null pointer must be device (or managed) memory of `device`.
void check_device_pointer(const void* p, const char* param, int device) {
  if (p == nullptr) return;
  cudaPointerAttributes attr{};
  const cudaError_t e = cudaPointerGetAttributes(&attr, p);
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw ArgumentError(param, "expected a CUDA device pointer, got a pointer CUDA does not know");
  }
  if (attr.type == cudaMemoryTypeManaged) return;
  if (attr.type != cudaMemoryTypeDevice)
    throw ArgumentError(param, std::string("expected a pointer to memory on CUDA device ") + std::to_string(device) +
                                   ", got " + (attr.type == cudaMemoryTypeHost ? "pinned host memory" : "host memory"));
  if (attr.device != device)
    throw ArgumentError(param, "expected a pointer to memory on CUDA device " + std::to_string(device) +
                                   ", got memory of device " + std::to_string(attr.device));
}

void check_problem_pointers(const Problem& pb, int device) {
  if (pb.numel == 0) return;
  check_device_pointer(pb.input, "input", device);
  check_device_pointer(pb.target, "target", device);
  check_device_pointer(pb.weight, "weight", device);
}

// Index targets: validated on the device, result read back (synchronises stream 0).
void check_class_indices(const Problem& pb, Scratch& s) {
  if (pb.target_kind != FL_TARGET_INDEX || pb.rows == 0) return;
  ensure_scratch(s);
  unsigned long long* flag = flag_of(s);
  check_cuda(cudaMemsetAsync(flag, 0xff, sizeof(unsigned long long), 0), "cudaMemsetAsync");
  check_indices_kernel<<<blocks_for(pb.rows), kThreads, 0, 0>>>(static_cast<const int64_t*>(pb.target), pb.rows,
                                                                  pb.classes, flag);
  check_launch("check_indices_kernel");
  unsigned long long first = 0;
  check_cuda(cudaMemcpy(&first, flag, sizeof first, cudaMemcpyDeviceToHost), "cudaMemcpy (index check)");
  if (first != ~0ull) {
    int64_t value = 0;
    check_cuda(cudaMemcpy(&value, static_cast<const int64_t*>(pb.target) + first, sizeof value, cudaMemcpyDeviceToHost),
               "cudaMemcpy (index check)");
    throw ArgumentError("target", class_index_message(static_cast<int64_t>(first), value, pb.classes));
  }
}

template <typename S>
DArgs<S> make_args(const Problem& pb) {
  using T = acc_t<S>;
  DArgs<S> a{};
  a.x = static_cast<const S*>(pb.input);
  a.index = pb.target_kind == FL_TARGET_INDEX;
  if (a.index)
    a.idx = static_cast<const int64_t*>(pb.target);
  else
    a.t = static_cast<const S*>(pb.target);
  a.wk = static_cast<int>(pb.weight_kind);
  a.w = static_cast<const S*>(pb.weight);
  a.n = pb.numel;
  a.classes = pb.classes;
  a.gdiv = 1.0;
  a.prm.alpha = static_cast<T>(pb.alpha >= 0 ? pb.alpha : 0.0);
  a.prm.gamma = static_cast<T>(pb.gamma);
  a.prm.use_alpha = pb.alpha >= 0 ? T(1) : T(0);
  a.gkind = pb.gamma == 0.0 ? math::kGamma0 : pb.gamma == 1.0 ? math::kGamma1
          : pb.gamma == 2.0 ? math::kGamma2 : math::kGammaAny;
  return a;
}

template <typename S, int kMode>
void launch(const Problem& pb, const DArgs<S>& a, double* partials) {
  const int blocks = blocks_for(pb.numel);
  if (pb.input_kind == FL_INPUT_PROBABILITIES)
    focal_kernel<S, kMode, kProb><<<blocks, kThreads, 0, 0>>>(a, partials);
  else
    focal_kernel<S, kMode, kLogits><<<blocks, kThreads, 0, 0>>>(a, partials);
  check_launch("focal_kernel");
}

template <typename F>
void dispatch_dtype(fl_dtype d, F&& f) {
  switch (d) {
    case FL_FLOAT32: f(float{}); break;
    case FL_FLOAT64: f(double{}); break;
    case FL_FLOAT16: f(f16{}); break;
    case FL_BFLOAT16: f(bf16{}); break;
  }
}

template <bool kGrad>
void forward_impl(const Problem& pb, void* out, void* saved_grad, int device) {
  DeviceGuard guard(device);
  check_problem_pointers(pb, device);
  if (pb.reduction != FL_REDUCTION_NONE || pb.numel > 0) check_device_pointer(out, "out", device);
  if (kGrad && pb.numel > 0) check_device_pointer(saved_grad, "saved_grad", device);
  Scratch& s = scratch_for(device);
  std::lock_guard<std::mutex> lk(s.mu);
  check_class_indices(pb, s);
  if (pb.reduction == FL_REDUCTION_NONE) {
    if (pb.numel == 0) return;
    dispatch_dtype(pb.dtype, [&](auto tag) {
      using S = decltype(tag);
      DArgs<S> a = make_args<S>(pb);
      a.out = static_cast<S*>(out);
      a.sg = static_cast<acc_t<S>*>(saved_grad);
      launch<S, kGrad ? kForwardNoneGrad : kForwardNone>(pb, a, nullptr);
    });
    return;
  }
  ensure_scratch(s);
  const double divisor = pb.reduction == FL_REDUCTION_MEAN ? pb.divisor : 1.0;
  dispatch_dtype(pb.dtype, [&](auto tag) {
    using S = decltype(tag);
    int64_t count = 0;
    if (pb.numel > 0) {
      DArgs<S> a = make_args<S>(pb);
      a.sg = static_cast<acc_t<S>*>(saved_grad);
      launch<S, kGrad ? kForwardReduceGrad : kForwardReduce>(pb, a, partials_of(s));
      count = blocks_for(pb.numel);
    }
    // empty: 0 / divisor (sum 0; mean NaN for divisor 0, as torch.mean)
    finish_kernel<S><<<1, kThreads, 0, 0>>>(partials_of(s), count, divisor, static_cast<S*>(out));
    check_launch("finish_kernel");
  });
}

void forward_cuda(const Problem& pb, void* out, int device) { forward_impl<false>(pb, out, nullptr, device); }

void forward_with_grad_cuda(const Problem& pb, void* out, void* saved_grad, int device) {
  forward_impl<true>(pb, out, saved_grad, device);
}

void scale_grad_cuda(const Problem& pb, const void* saved_grad, const void* grad_output, void* grad_input, int device) {
  DeviceGuard guard(device);
  if (pb.numel == 0) return;
  check_device_pointer(saved_grad, "saved_grad", device);
  check_device_pointer(grad_output, "grad_output", device);
  check_device_pointer(grad_input, "grad_input", device);
  dispatch_dtype(pb.dtype, [&](auto tag) {
    using S = decltype(tag);
    const bool scalar = pb.reduction != FL_REDUCTION_NONE;
    const double gdiv = pb.reduction == FL_REDUCTION_MEAN ? pb.divisor : 1.0;
    scale_kernel<S><<<blocks_for(pb.numel), kThreads, 0, 0>>>(static_cast<const acc_t<S>*>(saved_grad),
                                                              static_cast<const S*>(grad_output), scalar, gdiv,
                                                              static_cast<S*>(grad_input), pb.numel);
    check_launch("scale_kernel");
  });
}

void backward_cuda(const Problem& pb, const void* grad_output, void* grad_input, int device) {
  DeviceGuard guard(device);
  check_problem_pointers(pb, device);
  if (pb.numel == 0) return;
  check_device_pointer(grad_output, "grad_output", device);
  check_device_pointer(grad_input, "grad_input", device);
  Scratch& s = scratch_for(device);
  std::lock_guard<std::mutex> lk(s.mu);
  check_class_indices(pb, s);
  dispatch_dtype(pb.dtype, [&](auto tag) {
    using S = decltype(tag);
    DArgs<S> a = make_args<S>(pb);
    a.out = static_cast<S*>(grad_input);
    a.g = static_cast<const S*>(grad_output);
    if (pb.reduction != FL_REDUCTION_NONE) {
      a.gdiv = pb.reduction == FL_REDUCTION_MEAN ? pb.divisor : 1.0;
      launch<S, kBackwardScalar>(pb, a, nullptr);
    } else {
      launch<S, kBackwardElem>(pb, a, nullptr);
    }
  });
}

thread_local std::string t_last_error;
thread_local std::string t_last_param;

}  // namespace

void set_last_error(const char* message, const char* param) noexcept {
  try {
    t_last_error = message ? message : "";
    t_last_param = param ? param : "";
  } catch (...) {
  }
}

}  // namespace focal_loss

extern "C" {

FL_API int32_t fl_cuda_abi_version(void) { return FL_ABI_VERSION; }

FL_API int32_t fl_cuda_device_count(void) {
  try {
    return focal_loss::device_count();
  } catch (...) {
    return 0;
  }
}

FL_API const char* fl_cuda_last_error(void) { return focal_loss::t_last_error.c_str(); }

FL_API const char* fl_cuda_last_error_param(void) { return focal_loss::t_last_param.c_str(); }

FL_API fl_status fl_cuda_forward(const fl_problem* problem, void* out, int32_t device) {
  return focal_loss::guarded([&] {
    const focal_loss::Problem pb = focal_loss::validate_problem(problem);
    focal_loss::validate_forward_out(pb, out);
    focal_loss::forward_cuda(pb, out, focal_loss::checked_device(device));
  });
}

FL_API fl_status fl_cuda_backward(const fl_problem* problem, const void* grad_output, void* grad_input,
                                  int32_t device) {
  return focal_loss::guarded([&] {
    const focal_loss::Problem pb = focal_loss::validate_problem(problem);
    focal_loss::validate_backward_args(pb, grad_output, grad_input);
    focal_loss::backward_cuda(pb, grad_output, grad_input, focal_loss::checked_device(device));
  });
}

FL_API fl_status fl_cuda_forward_with_grad(const fl_problem* problem, void* out, void* saved_grad, int32_t device) {
  return focal_loss::guarded([&] {
    const focal_loss::Problem pb = focal_loss::validate_problem(problem);
    focal_loss::validate_forward_out(pb, out);
    focal_loss::validate_saved_grad(pb, saved_grad);
    focal_loss::forward_with_grad_cuda(pb, out, saved_grad, focal_loss::checked_device(device));
  });
}

FL_API fl_status fl_cuda_scale_grad(const fl_problem* problem, const void* saved_grad, const void* grad_output,
                                    void* grad_input, int32_t device) {
  return focal_loss::guarded([&] {
    const focal_loss::Problem pb = focal_loss::validate_scale_problem(problem);
    focal_loss::validate_saved_grad(pb, saved_grad);
    focal_loss::validate_backward_args(pb, grad_output, grad_input);
    focal_loss::scale_grad_cuda(pb, saved_grad, grad_output, grad_input, focal_loss::checked_device(device));
  });
}

}  // extern "C"
