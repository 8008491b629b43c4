// CPU kernel: forward (none / fused mean / fused sum) and backward of the sigmoid focal loss.
//
// Parallelism: at::parallel_for over fixed-size chunks of kChunk elements. The chunking depends
// on the problem size only, never on the thread count, and each chunk's partial sum is formed in
// a fixed order (kLanes double accumulators over kTile-element tiles), then the chunk partials
// are added in chunk order: mean/sum results are bit-for-bit reproducible across runs and
// thread counts. No full-size tensor is allocated when reducing.
//
// Vectorisation: the hot loop (math_tile) is a plain loop over compute-type tile buffers whose
// body is the branch-free element math of focal_loss_math.h (the float transcendentals there are
// polynomial and select-only); g++ -O3 -fno-trapping-math vectorises it (check with
// -fopt-info-vec), and on x86-64 Linux it is cloned for AVX2 (target_clones, chosen at load time).
// We do not use at::vec: its fast paths depend on per-ISA build flags and Sleef, which differ
// between libtorch builds. float64 calls <cmath> exp/log1p and stays scalar.
// float16/bfloat16 are loaded, computed in float32 and rounded once; float32 and float64 are
// computed in their own precision; partial sums are accumulated in double.
#include "focal_loss_internal.h"
#include "focal_loss_math.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <type_traits>
#include <vector>

namespace focal_loss {
namespace {

constexpr int64_t kChunk = 1 << 15;  // elements per parallel work item (and per partial sum)
constexpr int64_t kTile = 256;       // elements per inner vectorised loop (stack buffer)
constexpr int kLanes = 8;            // independent double accumulators per partial sum

template <typename scalar_t>
using acc_t = typename std::conditional<std::is_same<scalar_t, double>::value, double, float>::type;

enum Mode { kForwardNone = 0, kForwardReduce = 1, kBackward = 2 };

template <typename scalar_t>
struct KArgs {
  const scalar_t* x = nullptr;
  const scalar_t* t = nullptr;       // dense targets
  const int64_t* idx = nullptr;      // class-index targets
  const scalar_t* w = nullptr;       // weight (element / anchor / class)
  scalar_t* out = nullptr;           // loss (none) or grad_input
  const scalar_t* g = nullptr;       // per-element grad_output (backward), or null: use gscale
  acc_t<scalar_t> gscale = 1;        // scalar grad_output factor (backward, g == null)
  int64_t classes = 1;
  math::Params<acc_t<scalar_t>> prm{};
};

// Function multi-versioning for the math loop: an AVX2 clone and a baseline clone, picked at
// load time (GNU ifunc). Both compute the same values: we build with -std=c++17 (ISO mode), so
// g++ does not contract a*b+c into FMAs and the AVX2 clone only widens the vectors.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && __GNUC__ >= 11
#define FL_CPU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define FL_CPU_CLONES
#endif
#if defined(__GNUC__) || defined(__clang__)
#define FL_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define FL_NOINLINE __declspec(noinline)
#else
#define FL_NOINLINE
#endif

// The hot loop: pure element math over compute-type buffers (no loads of scalar_t, no weights),
// so that it vectorises. out = loss (forward) or d loss / d x (backward), unweighted.
template <typename T, bool kHard, bool kBackward>
FL_CPU_CLONES FL_NOINLINE void math_tile(const T* __restrict xb, const T* __restrict tb,
                                                       T* __restrict out, int64_t n, math::Params<T> prm) {
  for (int64_t j = 0; j < n; ++j) {
    if (kBackward)
      out[j] = math::grad<kHard>(xb[j], tb[j], prm);
    else
      out[j] = math::loss<kHard>(xb[j], tb[j], prm);
  }
}

template <typename T, bool kBackward>
inline void math_tile_dispatch(bool hard, const T* xb, const T* tb, T* out, int64_t n, const math::Params<T>& prm) {
  if (hard)
    math_tile<T, true, kBackward>(xb, tb, out, n, prm);
  else
    math_tile<T, false, kBackward>(xb, tb, out, n, prm);
}

// Processes elements [begin, end) and returns the (double) sum for kForwardReduce.
// Per tile: load/convert x and t into compute-type buffers (class indices become 0/1 on the fly,
// no one-hot is materialised), run the math loop, then apply weight / upstream grad and store or
// accumulate. A tile whose dense targets are all exactly 0 or 1 takes the hard-target loop.
template <typename scalar_t, bool kIndex, int kWK, int kMode>
double run_range(const KArgs<scalar_t>& a, int64_t begin, int64_t end) {
  using T = acc_t<scalar_t>;
  constexpr bool kFlat = !kIndex && (kWK == int(WeightKind::None) || kWK == int(WeightKind::Element));
  double lanes[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  alignas(64) T xb[kTile];
  alignas(64) T tb[kTile];
  alignas(64) T rb[kTile];
  const math::Params<T> prm = a.prm;
  const int64_t C = a.classes;

  int64_t i = begin;
  while (i < end) {
    int64_t row = 0, col = 0, stop = end;
    if (!kFlat) {
      row = i / C;
      col = i - row * C;
      stop = std::min(end, (row + 1) * C);
    }
    const int64_t cls = kIndex ? a.idx[row] : -1;
    const T wrow = (kWK == int(WeightKind::Anchor)) ? static_cast<T>(a.w[row]) : T(1);
    for (int64_t j0 = i; j0 < stop; j0 += kTile) {
      const int64_t n = std::min(kTile, stop - j0);
      const int64_t col0 = col + (j0 - i);
      const scalar_t* xs = a.x + j0;
      for (int64_t j = 0; j < n; ++j) xb[j] = static_cast<T>(xs[j]);
      bool hard = true;
      if (kIndex) {
        for (int64_t j = 0; j < n; ++j) tb[j] = (col0 + j) == cls ? T(1) : T(0);
      } else {
        const scalar_t* ts = a.t + j0;
        int64_t nhard = 0;
        for (int64_t j = 0; j < n; ++j) {
          const T tv = static_cast<T>(ts[j]);
          tb[j] = tv;
          nhard += ((tv == T(0)) | (tv == T(1))) ? 1 : 0;
        }
        hard = nhard == n;
      }
      math_tile_dispatch<T, kMode == kBackward>(hard, xb, tb, rb, n, prm);
      if (kWK == int(WeightKind::Element) || kWK == int(WeightKind::Class)) {
        const scalar_t* ws = kWK == int(WeightKind::Element) ? a.w + j0 : a.w + col0;
        for (int64_t j = 0; j < n; ++j) rb[j] = static_cast<T>(ws[j]) * rb[j];
      } else if (kWK == int(WeightKind::Anchor)) {
        for (int64_t j = 0; j < n; ++j) rb[j] = wrow * rb[j];
      }
      if (kMode == kForwardNone) {
        scalar_t* os = a.out + j0;
        for (int64_t j = 0; j < n; ++j) os[j] = static_cast<scalar_t>(rb[j]);
      } else if (kMode == kForwardReduce) {
        int64_t j = 0;
        for (; j + kLanes <= n; j += kLanes)
          for (int l = 0; l < kLanes; ++l) lanes[l] += static_cast<double>(rb[j + l]);
        for (int l = 0; j < n; ++j, ++l) lanes[l] += static_cast<double>(rb[j]);
      } else {
        scalar_t* os = a.out + j0;
        if (a.g != nullptr) {
          const scalar_t* gs = a.g + j0;
          for (int64_t j = 0; j < n; ++j) os[j] = static_cast<scalar_t>(static_cast<T>(gs[j]) * rb[j]);
        } else {
          const T gsc = a.gscale;
          for (int64_t j = 0; j < n; ++j) os[j] = static_cast<scalar_t>(gsc * rb[j]);
        }
      }
    }
    i = stop;
  }
  double s = 0;
  if (kMode == kForwardReduce) {
    // fixed pairwise order
    s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  }
  return s;
}

template <typename scalar_t, int kMode>
double run_range_dispatch(const KArgs<scalar_t>& a, bool index, WeightKind wk, int64_t b, int64_t e) {
  switch (wk) {
    case WeightKind::None:
      return index ? run_range<scalar_t, true, 0, kMode>(a, b, e) : run_range<scalar_t, false, 0, kMode>(a, b, e);
    case WeightKind::Element:
      return index ? run_range<scalar_t, true, 1, kMode>(a, b, e) : run_range<scalar_t, false, 1, kMode>(a, b, e);
    case WeightKind::Anchor:
      return index ? run_range<scalar_t, true, 2, kMode>(a, b, e) : run_range<scalar_t, false, 2, kMode>(a, b, e);
    case WeightKind::Class:
      return index ? run_range<scalar_t, true, 3, kMode>(a, b, e) : run_range<scalar_t, false, 3, kMode>(a, b, e);
  }
  return 0;
}

// Runs the element loop over all chunks in parallel; returns the deterministic total for reduce.
template <typename scalar_t, int kMode>
double run_all(const KArgs<scalar_t>& a, const Problem& pb) {
  const int64_t N = pb.numel;
  const int64_t nchunks = (N + kChunk - 1) / kChunk;
  const bool index = pb.target_kind == TargetKind::Index;
  std::vector<double> partials(kMode == kForwardReduce ? static_cast<size_t>(nchunks) : 0);
  at::parallel_for(0, nchunks, 1, [&](int64_t cb, int64_t ce) {
    for (int64_t c = cb; c < ce; ++c) {
      const int64_t b = c * kChunk;
      const int64_t e = std::min(N, b + kChunk);
      double s = run_range_dispatch<scalar_t, kMode>(a, index, pb.weight_kind, b, e);
      if (kMode == kForwardReduce) partials[static_cast<size_t>(c)] = s;
    }
  });
  double total = 0;
  for (double p : partials) total += p;
  return total;
}

template <typename scalar_t>
KArgs<scalar_t> make_args(const Problem& pb) {
  using T = acc_t<scalar_t>;
  KArgs<scalar_t> a;
  a.x = pb.input.data_ptr<scalar_t>();
  if (pb.target_kind == TargetKind::Index)
    a.idx = pb.target.data_ptr<int64_t>();
  else
    a.t = pb.target.data_ptr<scalar_t>();
  if (pb.weight_kind != WeightKind::None) a.w = pb.weight.data_ptr<scalar_t>();
  a.classes = pb.classes;
  a.prm.alpha = static_cast<T>(pb.alpha);
  a.prm.gamma = static_cast<T>(pb.gamma);
  a.prm.use_alpha = pb.alpha >= 0 ? T(1) : T(0);
  return a;
}

// Class indices must be in [0, C]; checked before any computation (CPU only: no sync cost).
void check_class_indices(const Problem& pb) {
  if (pb.target_kind != TargetKind::Index) return;
  const int64_t* idx = pb.target.data_ptr<int64_t>();
  const int64_t rows = pb.target.numel();
  const int64_t C = pb.classes;
  std::atomic<int64_t> bad{-1};
  at::parallel_for(0, rows, 1 << 16, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      if (idx[r] < 0 || idx[r] > C) {
        int64_t expected = -1;
        bad.compare_exchange_strong(expected, r);
        return;
      }
    }
  });
  const int64_t r = bad.load();
  if (r >= 0) {
    // report the first bad position deterministically
    int64_t first = r;
    for (int64_t k = 0; k < r; ++k)
      if (idx[k] < 0 || idx[k] > C) { first = k; break; }
    throw ArgumentError("target", "class index out of range: target.view(-1)[" + std::to_string(first) +
                                      "] = " + std::to_string(idx[first]) + ", expected values in [0, " +
                                      std::to_string(C) + "] (" + std::to_string(C) + " = background)");
  }
}

}  // namespace

at::Tensor forward_cpu(const Problem& pb) {
  check_class_indices(pb);
  const at::Tensor& input = pb.input;
  if (pb.reduction == kReductionNone) {
    at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
    if (pb.numel == 0) return out;
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, input.scalar_type(), "sigmoid_focal_loss_cpu", [&] {
      KArgs<scalar_t> a = make_args<scalar_t>(pb);
      a.out = out.data_ptr<scalar_t>();
      run_all<scalar_t, kForwardNone>(a, pb);
    });
    return out;
  }
  double total = 0;
  if (pb.numel > 0) {
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, input.scalar_type(), "sigmoid_focal_loss_cpu", [&] {
      KArgs<scalar_t> a = make_args<scalar_t>(pb);
      total = run_all<scalar_t, kForwardReduce>(a, pb);
    });
  }
  // mean of an empty input without avg_factor is 0/0 = nan, as torch.mean
  const double value = total / pb.divisor;
  at::Tensor out = at::empty({}, input.options());
  out.fill_(value);
  return out;
}

at::Tensor backward_cpu(const at::Tensor& grad_output, const Problem& pb) {
  check_class_indices(pb);
  const at::Tensor& input = pb.input;
  TORCH_CHECK(grad_output.defined(), "sigmoid_focal_loss_backward: grad_output is undefined");
  TORCH_CHECK(grad_output.device() == input.device(),
              "sigmoid_focal_loss_backward: grad_output must be on input's device");
  at::Tensor grad_input = at::empty_like(input, at::MemoryFormat::Contiguous);
  if (pb.numel == 0) return grad_input;

  // A scalar upstream gradient: mean/sum, or an expanded scalar (all strides 0) for none.
  bool scalar_grad = pb.reduction != kReductionNone;
  if (!scalar_grad) {
    TORCH_CHECK(grad_output.sizes() == input.sizes(), "sigmoid_focal_loss_backward: grad_output must have shape ",
                shape_str(input.sizes()), ", got ", shape_str(grad_output.sizes()));
    scalar_grad = true;
    for (int64_t d = 0; d < grad_output.dim(); ++d)
      if (grad_output.stride(d) != 0 && grad_output.size(d) != 1) scalar_grad = false;
  } else {
    TORCH_CHECK(grad_output.numel() == 1, "sigmoid_focal_loss_backward: grad_output must be a scalar for "
                                          "reduction mean/sum, got shape ", shape_str(grad_output.sizes()));
  }

  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, input.scalar_type(), "sigmoid_focal_loss_backward_cpu", [&] {
    using T = acc_t<scalar_t>;
    KArgs<scalar_t> a = make_args<scalar_t>(pb);
    a.out = grad_input.data_ptr<scalar_t>();
    at::Tensor g;
    if (scalar_grad) {
      const double gv = grad_output.reshape({-1})[0].item<double>();
      a.gscale = static_cast<T>(gv / pb.divisor);
    } else {
      g = grad_output.to(input.scalar_type()).contiguous();
      a.g = g.data_ptr<scalar_t>();
    }
    run_all<scalar_t, kBackward>(a, pb);
  });
  return grad_input;
}

}  // namespace focal_loss
