// CUDA kernel: forward (none / fused mean / fused sum) and backward of the sigmoid focal loss.
//
// Same element math as the CPU kernel (focal_loss_math.h, compiled __host__ __device__).
// - grid-stride loops with 64-bit indices; launches on the current stream of input's device,
//   under a device guard; every launch is followed by C10_CUDA_KERNEL_LAUNCH_CHECK().
// - mean/sum: each thread accumulates in double, each block reduces in shared memory in a fixed
//   tree order and writes one partial; a second single-block kernel adds the partials in a fixed
//   order and writes the 0-dim result. The grid size depends on numel only (capped at kMaxBlocks),
//   so the result is bit-for-bit reproducible (no atomics). No full-size tensor is allocated.
// - class-index targets outside [0, C] trigger CUDA_KERNEL_ASSERT (a device-side assert, which
//   poisons the CUDA context as device asserts do); checking them on the host would need a sync.
// - float16/bfloat16: loaded, computed in float, rounded once; float32/float64 in their own type.
#include "focal_loss_internal.h"
#include "focal_loss_math.h"

#include <ATen/Dispatch.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/macros/Macros.h>

#include <type_traits>

namespace focal_loss {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 1024;

template <typename scalar_t>
using acc_t = typename std::conditional<std::is_same<scalar_t, double>::value, double, float>::type;

enum Mode { kForwardNone = 0, kForwardReduce = 1, kBackwardElem = 2, kBackwardScalar = 3 };

template <typename scalar_t>
struct DArgs {
  const scalar_t* x;
  const scalar_t* t;
  const int64_t* idx;
  const scalar_t* w;
  scalar_t* out;
  const scalar_t* g;        // per-element grad_output (kBackwardElem)
  const scalar_t* gscalar;  // 0-dim grad_output (kBackwardScalar), read on the device: no sync
  double gdiv;              // grad_output divisor (mean: numel or avg_factor)
  int64_t n;
  int64_t classes;
  int wk;                   // WeightKind
  bool index;
  math::Params<acc_t<scalar_t>> prm;
};

template <typename scalar_t, typename T>
__device__ __forceinline__ void load_element(const DArgs<scalar_t>& a, int64_t i, T* xv, T* tv, T* wv) {
  *xv = static_cast<T>(a.x[i]);
  int64_t row = 0, col = 0;
  if (a.index || a.wk == int(WeightKind::Anchor) || a.wk == int(WeightKind::Class)) {
    row = i / a.classes;
    col = i - row * a.classes;
  }
  if (a.index) {
    const int64_t c = a.idx[row];
    CUDA_KERNEL_ASSERT(c >= 0 && c <= a.classes && "sigmoid_focal_loss: target class index out of [0, C]");
    *tv = (c == col) ? T(1) : T(0);
  } else {
    *tv = static_cast<T>(a.t[i]);
  }
  switch (a.wk) {
    case int(WeightKind::Element): *wv = static_cast<T>(a.w[i]); break;
    case int(WeightKind::Anchor): *wv = static_cast<T>(a.w[row]); break;
    case int(WeightKind::Class): *wv = static_cast<T>(a.w[col]); break;
    default: *wv = T(1); break;
  }
}

template <typename scalar_t, int kMode>
__global__ void __launch_bounds__(kThreads) focal_kernel(DArgs<scalar_t> a, double* partials) {
  using T = acc_t<scalar_t>;
  double acc = 0;
  T gconst = T(1);
  if (kMode == kBackwardScalar) gconst = static_cast<T>(static_cast<double>(static_cast<T>(*a.gscalar)) / a.gdiv);
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < a.n; i += stride) {
    T xv, tv, wv;
    load_element<scalar_t, T>(a, i, &xv, &tv, &wv);
    if (kMode == kForwardNone || kMode == kForwardReduce) {
      const T l = a.index ? math::loss<true>(xv, tv, a.prm) : math::loss<false>(xv, tv, a.prm);
      if (kMode == kForwardNone)
        a.out[i] = static_cast<scalar_t>(wv * l);
      else
        acc += static_cast<double>(wv * l);
    } else {
      const T gr = a.index ? math::grad<true>(xv, tv, a.prm) : math::grad<false>(xv, tv, a.prm);
      const T g = (kMode == kBackwardElem) ? static_cast<T>(a.g[i]) : gconst;
      a.out[i] = static_cast<scalar_t>(g * wv * gr);
    }
  }
  if (kMode == kForwardReduce) {
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

// One block: adds `count` partials in a fixed order and writes total / divisor as scalar_t.
template <typename scalar_t>
__global__ void __launch_bounds__(kThreads) finish_kernel(const double* partials, int64_t count, double divisor,
                                                          scalar_t* out) {
  __shared__ double sh[kThreads];
  double acc = 0;
  for (int64_t i = threadIdx.x; i < count; i += kThreads) acc += partials[i];
  sh[threadIdx.x] = acc;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s >>= 1) {
    if (static_cast<int>(threadIdx.x) < s) sh[threadIdx.x] += sh[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[0] = static_cast<scalar_t>(sh[0] / divisor);
}

int64_t blocks_for(int64_t n) {
  const int64_t b = (n + kThreads - 1) / kThreads;
  return b < 1 ? 1 : (b > kMaxBlocks ? kMaxBlocks : b);
}

template <typename scalar_t>
DArgs<scalar_t> make_args(const Problem& pb) {
  using T = acc_t<scalar_t>;
  DArgs<scalar_t> a{};
  a.x = pb.input.data_ptr<scalar_t>();
  a.index = pb.target_kind == TargetKind::Index;
  if (a.index)
    a.idx = pb.target.data_ptr<int64_t>();
  else
    a.t = pb.target.data_ptr<scalar_t>();
  a.wk = static_cast<int>(pb.weight_kind);
  if (pb.weight_kind != WeightKind::None) a.w = pb.weight.data_ptr<scalar_t>();
  a.n = pb.numel;
  a.classes = pb.classes;
  a.gdiv = 1.0;
  a.prm.alpha = static_cast<T>(pb.alpha);
  a.prm.gamma = static_cast<T>(pb.gamma);
  a.prm.use_alpha = pb.alpha >= 0 ? T(1) : T(0);
  return a;
}

}  // namespace

at::Tensor forward_cuda(const Problem& pb) {
  const at::Tensor& input = pb.input;
  TORCH_CHECK(input.is_cuda(), "sigmoid_focal_loss: the CUDA kernel got a tensor on ", input.device().str());
  c10::cuda::CUDAGuard guard(input.device());
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  if (pb.reduction == kReductionNone) {
    at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
    if (pb.numel == 0) return out;
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, input.scalar_type(), "sigmoid_focal_loss_cuda", [&] {
      DArgs<scalar_t> a = make_args<scalar_t>(pb);
      a.out = out.data_ptr<scalar_t>();
      focal_kernel<scalar_t, kForwardNone><<<blocks_for(pb.numel), kThreads, 0, stream>>>(a, nullptr);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    });
    return out;
  }
  at::Tensor out = at::empty({}, input.options());
  if (pb.numel == 0) {
    out.fill_(0.0 / pb.divisor);  // sum: 0; mean: nan (0/0, as torch.mean); mean with avg_factor: 0
    return out;
  }
  const int64_t blocks = blocks_for(pb.numel);
  at::Tensor partials = at::empty({blocks}, input.options().dtype(at::kDouble));
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, input.scalar_type(), "sigmoid_focal_loss_cuda", [&] {
    DArgs<scalar_t> a = make_args<scalar_t>(pb);
    focal_kernel<scalar_t, kForwardReduce><<<blocks, kThreads, 0, stream>>>(a, partials.data_ptr<double>());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    finish_kernel<scalar_t><<<1, kThreads, 0, stream>>>(partials.data_ptr<double>(), blocks, pb.divisor,
                                                        out.data_ptr<scalar_t>());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return out;
}

at::Tensor backward_cuda(const at::Tensor& grad_output, const Problem& pb) {
  const at::Tensor& input = pb.input;
  TORCH_CHECK(input.is_cuda(), "sigmoid_focal_loss_backward: the CUDA kernel got a tensor on ", input.device().str());
  TORCH_CHECK(grad_output.device() == input.device(),
              "sigmoid_focal_loss_backward: grad_output must be on input's device");
  c10::cuda::CUDAGuard guard(input.device());
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  at::Tensor grad_input = at::empty_like(input, at::MemoryFormat::Contiguous);
  if (pb.numel == 0) return grad_input;
  bool scalar_grad = pb.reduction != kReductionNone;
  if (!scalar_grad) {
    TORCH_CHECK(grad_output.sizes() == input.sizes(), "sigmoid_focal_loss_backward: grad_output must have shape ",
                shape_str(input.sizes()), ", got ", shape_str(grad_output.sizes()));
  } else {
    TORCH_CHECK(grad_output.numel() == 1, "sigmoid_focal_loss_backward: grad_output must be a scalar for "
                                          "reduction mean/sum, got shape ", shape_str(grad_output.sizes()));
  }
  at::Tensor g = grad_output.to(input.scalar_type()).contiguous();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, input.scalar_type(), "sigmoid_focal_loss_backward_cuda", [&] {
    DArgs<scalar_t> a = make_args<scalar_t>(pb);
    a.out = grad_input.data_ptr<scalar_t>();
    if (scalar_grad) {
      a.gscalar = g.data_ptr<scalar_t>();
      a.gdiv = pb.divisor;
      focal_kernel<scalar_t, kBackwardScalar><<<blocks_for(pb.numel), kThreads, 0, stream>>>(a, nullptr);
    } else {
      a.g = g.data_ptr<scalar_t>();
      focal_kernel<scalar_t, kBackwardElem><<<blocks_for(pb.numel), kThreads, 0, stream>>>(a, nullptr);
    }
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return grad_input;
}

}  // namespace focal_loss
