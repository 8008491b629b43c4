// CPU kernel: forward (none / fused mean / fused sum) and backward of the sigmoid focal loss, over
// raw contiguous host pointers (no libtorch).
//
// Parallelism: the library's own thread pool (focal_loss_thread_pool.h) over fixed-size chunks of
// kChunk elements. The chunking depends on the problem size only, never on the thread count, and
// each chunk's partial sum is formed in a fixed order (kLanes double accumulators over
// kTile-element tiles), then the chunk partials are added in chunk order: mean/sum results are
// bit-for-bit reproducible across runs and thread counts. No full-size buffer is allocated.
//
// Vectorisation: the hot loop (math_tile) is a plain loop over compute-type tile buffers whose
// body is the branch-free element math of focal_loss_math.h (the float transcendentals there are
// polynomial and select-only); g++ -O3 -fno-trapping-math vectorises it (check with
// -fopt-info-vec), and on x86-64 Linux it is cloned for AVX2 (target_clones, chosen at load time).
// float32 hard-target tiles take the AVX2+FMA kernel of focal_loss_avx2.h when the CPU has it.
// float64 calls <cmath> exp/log1p and stays scalar. Probability inputs take a scalar loop.
// float16/bfloat16 are loaded, computed in float32 and rounded once (focal_loss_half.h); float32
// and float64 are computed in their own precision; partial sums are accumulated in double.
#include "focal_loss_cpu.h"

#include "focal_loss_avx2.h"
#include "focal_loss_avx512.h"
#include "focal_loss_half.h"
#include "focal_loss_internal.h"
#include "focal_loss_math.h"
#include "focal_loss_thread_pool.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <vector>

namespace focal_loss {
namespace {

constexpr int64_t kChunk = 1 << 15;  // elements per parallel work item (and per partial sum)
constexpr int64_t kTile = 256;       // elements per inner vectorised loop (stack buffer)
constexpr int kLanes = 8;            // independent double accumulators per partial sum

enum WK { kWNone = FL_WEIGHT_NONE, kWElement = FL_WEIGHT_ELEMENT, kWAnchor = FL_WEIGHT_ANCHOR, kWClass = FL_WEIGHT_CLASS };

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
  int gkind = math::kGammaAny;       // gamma 0, 1, 2 take exact fast paths
  bool prob = false;                 // FL_INPUT_PROBABILITIES: x is p
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

// The portable hot loop: pure element math over compute-type buffers (no loads of scalar_t, no
// weights), so that it vectorises. out = loss (forward) or d loss / d x (backward), unweighted.
// Used for float64, for soft-target tiles, and for float hard tiles on CPUs without AVX2+FMA.
template <typename T, bool kHard, bool kBackward, int kG>
FL_CPU_CLONES FL_NOINLINE void math_tile(const T* __restrict xb, const T* __restrict tb,
                                         T* __restrict out, int64_t n, math::Params<T> prm) {
  for (int64_t j = 0; j < n; ++j) {
    if (kBackward)
      out[j] = math::grad<kHard, kG>(xb[j], tb[j], prm);
    else
      out[j] = math::loss<kHard, kG>(xb[j], tb[j], prm);
  }
}

// Probability inputs: scalar loop (std::log / std::log1p / std::pow).
template <typename T, bool kBackward, int kG>
FL_NOINLINE void prob_tile(const T* __restrict xb, const T* __restrict tb, T* __restrict out, int64_t n,
                           math::Params<T> prm) {
  for (int64_t j = 0; j < n; ++j) {
    if (kBackward)
      out[j] = math::prob_grad<kG>(xb[j], tb[j], prm);
    else
      out[j] = math::prob_loss<kG>(xb[j], tb[j], prm);
  }
}

template <typename T, bool kBackward>
inline void prob_tile_g(int gk, const T* xb, const T* tb, T* out, int64_t n, const math::Params<T>& prm) {
  switch (gk) {
    case math::kGamma0: prob_tile<T, kBackward, math::kGamma0>(xb, tb, out, n, prm); break;
    case math::kGamma1: prob_tile<T, kBackward, math::kGamma1>(xb, tb, out, n, prm); break;
    case math::kGamma2: prob_tile<T, kBackward, math::kGamma2>(xb, tb, out, n, prm); break;
    default: prob_tile<T, kBackward, math::kGammaAny>(xb, tb, out, n, prm); break;
  }
}

template <typename T, bool kHard, bool kBackward>
inline void math_tile_g(int gk, const T* xb, const T* tb, T* out, int64_t n, const math::Params<T>& prm) {
  switch (gk) {
    case math::kGamma0: math_tile<T, kHard, kBackward, math::kGamma0>(xb, tb, out, n, prm); break;
    case math::kGamma1: math_tile<T, kHard, kBackward, math::kGamma1>(xb, tb, out, n, prm); break;
    case math::kGamma2: math_tile<T, kHard, kBackward, math::kGamma2>(xb, tb, out, n, prm); break;
    default: math_tile<T, kHard, kBackward, math::kGammaAny>(xb, tb, out, n, prm); break;
  }
}

#if FL_AVX2_KERNEL
// ---- AVX2 + FMA hard-target kernel (float): element math in focal_loss_avx2.h ----------------------
namespace avx2 {
using namespace ::focal_loss::avx2;

template <int kG, bool kBackward>
__attribute__((target("avx2,fma"))) FL_NOINLINE void hard_tile(const float* __restrict x, const float* __restrict t,
                                                               float* __restrict out, int64_t n,
                                                               math::Params<float> prm) {
  Consts c;
  c.gamma = _mm256_set1_ps(prm.gamma);
  c.alpha = _mm256_set1_ps(prm.use_alpha != 0.0f ? prm.alpha : 1.0f);
  c.alpha_neg = _mm256_set1_ps(prm.use_alpha != 0.0f ? 1.0f - prm.alpha : 1.0f);
  int64_t j = 0;
  for (; j + 8 <= n; j += 8)
    _mm256_storeu_ps(out + j, element<kG, kBackward>(_mm256_loadu_ps(x + j), _mm256_loadu_ps(t + j), c));
  if (j < n) {
    alignas(32) float xp[8] = {0, 0, 0, 0, 0, 0, 0, 0}, tp[8] = {0, 0, 0, 0, 0, 0, 0, 0}, op[8];
    for (int64_t k = 0; j + k < n; ++k) {
      xp[k] = x[j + k];
      tp[k] = t[j + k];
    }
    _mm256_store_ps(op, element<kG, kBackward>(_mm256_load_ps(xp), _mm256_load_ps(tp), c));
    for (int64_t k = 0; j + k < n; ++k) out[j + k] = op[k];
  }
}

// Fused single-pass variant for float32 with flat (dense, unweighted or per-element weighted)
// layouts: reads x, t (and w, g) straight from the tensors and applies the epilogue in registers,
// in the same order as the buffered path (value * w, then * scale or * g; reductions add the
// float values in double into 8 lanes, element j of a tile into lane j % 8).
enum Epilogue { kStore = 0, kStoreScaled = 1, kStoreG = 2, kReduce = 3 };

// The epilogue of one vector of element values (no padding lanes): weight, scale or g, reduce.
template <int kEpi, bool kW>
FL_AVX2_INLINE __m256 epilogue(__m256 vscale, __m256d& acc0, __m256d& acc1, __m256 v, __m256 wv, __m256 gv) {
  if (kW) v = _mm256_mul_ps(wv, v);
  if (kEpi == kStoreScaled) v = _mm256_mul_ps(vscale, v);
  if (kEpi == kStoreG) v = _mm256_mul_ps(gv, v);
  if (kEpi == kReduce) {
    acc0 = _mm256_add_pd(acc0, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    acc1 = _mm256_add_pd(acc1, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
  }
  return v;
}

template <int kG, bool kBackward, int kEpi, bool kW>
FL_AVX2_INLINE __m256 one_vector(const Consts& c, __m256 vscale, __m256d& acc0, __m256d& acc1, __m256 xv, __m256 tv,
                                 __m256 wv, __m256 gv, __m256 keep) {
  __m256 v = _mm256_and_ps(keep, element<kG, kBackward>(xv, tv, c));
  if (kW) v = _mm256_mul_ps(wv, v);
  if (kEpi == kStoreScaled) v = _mm256_mul_ps(vscale, v);
  if (kEpi == kStoreG) v = _mm256_mul_ps(gv, v);
  if (kEpi == kReduce) {
    acc0 = _mm256_add_pd(acc0, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    acc1 = _mm256_add_pd(acc1, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
  }
  return v;
}

template <int kG, bool kBackward, int kEpi, bool kW>
__attribute__((target("avx2,fma"))) FL_NOINLINE void fused_tile(
    const float* __restrict x, const float* __restrict t, const float* __restrict w, const float* __restrict g,
    float scale, float* __restrict out, double* __restrict lanes, int64_t n, math::Params<float> prm) {
  Consts c;
  c.gamma = _mm256_set1_ps(prm.gamma);
  c.alpha = _mm256_set1_ps(prm.use_alpha != 0.0f ? prm.alpha : 1.0f);
  c.alpha_neg = _mm256_set1_ps(prm.use_alpha != 0.0f ? 1.0f - prm.alpha : 1.0f);
  const __m256 vscale = _mm256_set1_ps(scale);
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  if (kEpi == kReduce) {
    acc0 = _mm256_loadu_pd(lanes);
    acc1 = _mm256_loadu_pd(lanes + 4);
  }
  const __m256 zero = _mm256_setzero_ps();
  const __m256 allset = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m256 e0 = element<kG, kBackward>(_mm256_loadu_ps(x + j), _mm256_loadu_ps(t + j), c);
    const __m256 e1 = element<kG, kBackward>(_mm256_loadu_ps(x + j + 8), _mm256_loadu_ps(t + j + 8), c);
    const __m256 v0 = epilogue<kEpi, kW>(vscale, acc0, acc1, e0, kW ? _mm256_loadu_ps(w + j) : zero,
                                         kEpi == kStoreG ? _mm256_loadu_ps(g + j) : zero);
    const __m256 v1 = epilogue<kEpi, kW>(vscale, acc0, acc1, e1, kW ? _mm256_loadu_ps(w + j + 8) : zero,
                                         kEpi == kStoreG ? _mm256_loadu_ps(g + j + 8) : zero);
    if (kEpi != kReduce) {
      _mm256_storeu_ps(out + j, v0);
      _mm256_storeu_ps(out + j + 8, v1);
    }
  }
  for (; j + 8 <= n; j += 8) {
    const __m256 v = one_vector<kG, kBackward, kEpi, kW>(c, vscale, acc0, acc1, _mm256_loadu_ps(x + j), _mm256_loadu_ps(t + j), kW ? _mm256_loadu_ps(w + j) : zero,
                                kEpi == kStoreG ? _mm256_loadu_ps(g + j) : zero, allset);
    if (kEpi != kReduce) _mm256_storeu_ps(out + j, v);
  }
  if (j < n) {
    // padded copy; the padding lanes' values are masked to +0 (a reduction adds nothing)
    alignas(32) float xp[8] = {0, 0, 0, 0, 0, 0, 0, 0}, tp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    alignas(32) float wp[8] = {0, 0, 0, 0, 0, 0, 0, 0}, gp[8] = {0, 0, 0, 0, 0, 0, 0, 0}, op[8];
    alignas(32) int32_t kp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int64_t k = 0; j + k < n; ++k) {
      kp[k] = -1;
      xp[k] = x[j + k];
      tp[k] = t[j + k];
      if (kW) wp[k] = w[j + k];
      if (kEpi == kStoreG) gp[k] = g[j + k];
    }
    const __m256 v = one_vector<kG, kBackward, kEpi, kW>(c, vscale, acc0, acc1, _mm256_load_ps(xp), _mm256_load_ps(tp), _mm256_load_ps(wp), _mm256_load_ps(gp),
        _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(kp))));
    if (kEpi != kReduce) {
      _mm256_store_ps(op, v);
      for (int64_t k = 0; j + k < n; ++k) out[j + k] = op[k];
    }
  }
  if (kEpi == kReduce) {
    _mm256_storeu_pd(lanes, acc0);
    _mm256_storeu_pd(lanes + 4, acc1);
  }
}

template <int kG>
void fused_tile_e(int epi, bool has_w, const float* x, const float* t, const float* w, const float* g, float scale,
                  float* out, double* lanes, int64_t n, const math::Params<float>& prm) {
  switch (epi * 2 + (has_w ? 1 : 0)) {
    case kStore * 2: fused_tile<kG, false, kStore, false>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kStore * 2 + 1: fused_tile<kG, false, kStore, true>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kReduce * 2: fused_tile<kG, false, kReduce, false>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kReduce * 2 + 1: fused_tile<kG, false, kReduce, true>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kStoreScaled * 2: fused_tile<kG, true, kStoreScaled, false>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kStoreScaled * 2 + 1: fused_tile<kG, true, kStoreScaled, true>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kStoreG * 2: fused_tile<kG, true, kStoreG, false>(x, t, w, g, scale, out, lanes, n, prm); break;
    default: fused_tile<kG, true, kStoreG, true>(x, t, w, g, scale, out, lanes, n, prm); break;
  }
}

inline void fused_tile_g(int gk, int epi, bool has_w, const float* x, const float* t, const float* w, const float* g,
                         float scale, float* out, double* lanes, int64_t n, const math::Params<float>& prm) {
  switch (gk) {
    case math::kGamma0: fused_tile_e<math::kGamma0>(epi, has_w, x, t, w, g, scale, out, lanes, n, prm); break;
    case math::kGamma1: fused_tile_e<math::kGamma1>(epi, has_w, x, t, w, g, scale, out, lanes, n, prm); break;
    case math::kGamma2: fused_tile_e<math::kGamma2>(epi, has_w, x, t, w, g, scale, out, lanes, n, prm); break;
    default: fused_tile_e<math::kGammaAny>(epi, has_w, x, t, w, g, scale, out, lanes, n, prm); break;
  }
}

// True when every t[j] is exactly 0 or 1.
__attribute__((target("avx2,fma"))) FL_NOINLINE bool all_hard(const float* t, int64_t n) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
  __m256 ok = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 tv = _mm256_loadu_ps(t + j);
    ok = _mm256_and_ps(ok, _mm256_or_ps(_mm256_cmp_ps(tv, zero, _CMP_EQ_OQ), _mm256_cmp_ps(tv, one, _CMP_EQ_OQ)));
  }
  bool hard = _mm256_movemask_ps(ok) == 0xff;
  for (; j < n; ++j) hard = hard && (t[j] == 0.0f || t[j] == 1.0f);
  return hard;
}

template <bool kBackward>
void hard_tile_g(int gk, const float* x, const float* t, float* out, int64_t n, const math::Params<float>& prm) {
  switch (gk) {
    case math::kGamma0: hard_tile<math::kGamma0, kBackward>(x, t, out, n, prm); break;
    case math::kGamma1: hard_tile<math::kGamma1, kBackward>(x, t, out, n, prm); break;
    case math::kGamma2: hard_tile<math::kGamma2, kBackward>(x, t, out, n, prm); break;
    default: hard_tile<math::kGammaAny, kBackward>(x, t, out, n, prm); break;
  }
}

// The CPU has AVX2 and FMA, and the environment variable FOCAL_LOSS_CPU_NO_AVX2 is unset, empty or
// "0" (setting it selects the portable loops: for tests of that path on AVX2 machines).
bool supported() {
  static const bool ok = [] {
    const char* off = std::getenv("FOCAL_LOSS_CPU_NO_AVX2");
    if (off != nullptr && off[0] != '\0' && !(off[0] == '0' && off[1] == '\0')) return false;
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return ok;
}

}  // namespace avx2
#endif  // FL_AVX2_KERNEL

#if FL_AVX512_KERNEL
// ---- AVX-512F hard-target kernels (float): element math in focal_loss_avx512.h -------------------
// The same values as the AVX2 kernels above, bit for bit (same operations per lane; reductions add
// element j of a tile into double lane j % 8 in element order, as the AVX2 kernel does).
namespace avx512 {
using namespace ::focal_loss::avx512;
#define FL_AVX512_TARGET __attribute__((target("avx512f,avx2,fma")))

FL_AVX512_TARGET inline Consts make_consts(const math::Params<float>& prm) {
  Consts c;
  c.gamma = _mm512_set1_ps(prm.gamma);
  c.alpha = _mm512_set1_ps(prm.use_alpha != 0.0f ? prm.alpha : 1.0f);
  c.alpha_neg = _mm512_set1_ps(prm.use_alpha != 0.0f ? 1.0f - prm.alpha : 1.0f);
  return c;
}

template <int kG, bool kBackward>
FL_AVX512_TARGET FL_NOINLINE void hard_tile(const float* __restrict x, const float* __restrict t, float* __restrict out,
                                            int64_t n, math::Params<float> prm) {
  const Consts c = make_consts(prm);
  for (int64_t j = 0; j < n; j += 16) {
    const __mmask16 k = n - j >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << (n - j)) - 1u);
    _mm512_mask_storeu_ps(out + j, k, element<kG, kBackward>(_mm512_maskz_loadu_ps(k, x + j), _mm512_maskz_loadu_ps(k, t + j), c));
  }
}

template <int kG, bool kBackward, int kEpi, bool kW>
FL_AVX512_TARGET FL_NOINLINE void fused_tile(const float* __restrict x, const float* __restrict t,
                                             const float* __restrict w, const float* __restrict g, float scale,
                                             float* __restrict out, double* __restrict lanes, int64_t n,
                                             math::Params<float> prm) {
  const Consts c = make_consts(prm);
  const __m512 vscale = _mm512_set1_ps(scale);
  __m512d acc = _mm512_setzero_pd();
  if (kEpi == avx2::kReduce) acc = _mm512_loadu_pd(lanes);
  for (int64_t j = 0; j < n; j += 16) {
    const __mmask16 k = n - j >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << (n - j)) - 1u);
    // padding lanes compute from x = t = 0 and are zeroed (+0 adds nothing)
    __m512 v = _mm512_maskz_mov_ps(k, element<kG, kBackward>(_mm512_maskz_loadu_ps(k, x + j), _mm512_maskz_loadu_ps(k, t + j), c));
    if (kW) v = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, w + j), v);
    if (kEpi == avx2::kStoreScaled) v = _mm512_mul_ps(vscale, v);
    if (kEpi == avx2::kStoreG) v = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, g + j), v);
    if (kEpi == avx2::kReduce) {
      acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
      acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
    } else {
      _mm512_mask_storeu_ps(out + j, k, v);
    }
  }
  if (kEpi == avx2::kReduce) _mm512_storeu_pd(lanes, acc);
}

template <int kG>
void fused_tile_e(int epi, bool has_w, const float* x, const float* t, const float* w, const float* g, float scale,
                  float* out, double* lanes, int64_t n, const math::Params<float>& prm) {
  using avx2::kStore;
  using avx2::kReduce;
  using avx2::kStoreScaled;
  using avx2::kStoreG;
  switch (epi * 2 + (has_w ? 1 : 0)) {
    case kStore * 2: fused_tile<kG, false, kStore, false>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kStore * 2 + 1: fused_tile<kG, false, kStore, true>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kReduce * 2: fused_tile<kG, false, kReduce, false>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kReduce * 2 + 1: fused_tile<kG, false, kReduce, true>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kStoreScaled * 2: fused_tile<kG, true, kStoreScaled, false>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kStoreScaled * 2 + 1: fused_tile<kG, true, kStoreScaled, true>(x, t, w, g, scale, out, lanes, n, prm); break;
    case kStoreG * 2: fused_tile<kG, true, kStoreG, false>(x, t, w, g, scale, out, lanes, n, prm); break;
    default: fused_tile<kG, true, kStoreG, true>(x, t, w, g, scale, out, lanes, n, prm); break;
  }
}

inline void fused_tile_g(int gk, int epi, bool has_w, const float* x, const float* t, const float* w, const float* g,
                         float scale, float* out, double* lanes, int64_t n, const math::Params<float>& prm) {
  switch (gk) {
    case math::kGamma0: fused_tile_e<math::kGamma0>(epi, has_w, x, t, w, g, scale, out, lanes, n, prm); break;
    case math::kGamma1: fused_tile_e<math::kGamma1>(epi, has_w, x, t, w, g, scale, out, lanes, n, prm); break;
    case math::kGamma2: fused_tile_e<math::kGamma2>(epi, has_w, x, t, w, g, scale, out, lanes, n, prm); break;
    default: fused_tile_e<math::kGammaAny>(epi, has_w, x, t, w, g, scale, out, lanes, n, prm); break;
  }
}

template <bool kBackward>
void hard_tile_g(int gk, const float* x, const float* t, float* out, int64_t n, const math::Params<float>& prm) {
  switch (gk) {
    case math::kGamma0: hard_tile<math::kGamma0, kBackward>(x, t, out, n, prm); break;
    case math::kGamma1: hard_tile<math::kGamma1, kBackward>(x, t, out, n, prm); break;
    case math::kGamma2: hard_tile<math::kGamma2, kBackward>(x, t, out, n, prm); break;
    default: hard_tile<math::kGammaAny, kBackward>(x, t, out, n, prm); break;
  }
}

// The AVX2 kernels are enabled (see avx2::supported), the CPU has AVX-512F, and the environment
// variable FOCAL_LOSS_CPU_NO_AVX512 is unset, empty or "0" (set: the AVX2 kernels, for tests).
bool supported() {
  static const bool ok = [] {
    const char* off = std::getenv("FOCAL_LOSS_CPU_NO_AVX512");
    if (off != nullptr && off[0] != '\0' && !(off[0] == '0' && off[1] == '\0')) return false;
    return avx2::supported() && __builtin_cpu_supports("avx512f");
  }();
  return ok;
}

}  // namespace avx512
#endif  // FL_AVX512_KERNEL


template <typename T, bool kBackward>
inline void math_tile_dispatch(bool prob, bool hard, int gk, const T* xb, const T* tb, T* out, int64_t n,
                               const math::Params<T>& prm) {
  if (prob) {
    prob_tile_g<T, kBackward>(gk, xb, tb, out, n, prm);
    return;
  }
#if FL_AVX2_KERNEL
  if constexpr (std::is_same<T, float>::value) {
    if (hard && avx2::supported()) {
#if FL_AVX512_KERNEL
      if (avx512::supported()) {
        avx512::hard_tile_g<kBackward>(gk, xb, tb, out, n, prm);
        return;
      }
#endif
      avx2::hard_tile_g<kBackward>(gk, xb, tb, out, n, prm);
      return;
    }
  }
#endif
  if (hard)
    math_tile_g<T, true, kBackward>(gk, xb, tb, out, n, prm);
  else
    math_tile_g<T, false, kBackward>(gk, xb, tb, out, n, prm);
}

// Processes elements [begin, end) and returns the (double) sum for kForwardReduce.
// Per tile: load/convert x and t into compute-type buffers (class indices become 0/1 on the fly,
// no one-hot is materialised), run the math loop, then apply weight / upstream grad and store or
// accumulate. A tile whose dense targets are all exactly 0 or 1 takes the hard-target loop.
template <typename scalar_t, bool kIndex, int kWK, int kMode>
double run_range(const KArgs<scalar_t>& a, int64_t begin, int64_t end) {
  using T = acc_t<scalar_t>;
  constexpr bool kFlat = !kIndex && (kWK == kWNone || kWK == kWElement);
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
    const T wrow = (kWK == kWAnchor) ? load(a.w[row]) : T(1);
    for (int64_t j0 = i; j0 < stop; j0 += kTile) {
      const int64_t n = std::min(kTile, stop - j0);
      const int64_t col0 = col + (j0 - i);
#if FL_AVX2_KERNEL
      if constexpr (std::is_same<scalar_t, float>::value && kFlat) {
        // float32, dense targets, no or per-element weights: fused single pass for hard tiles
        if (!a.prob && avx2::supported() && avx2::all_hard(a.t + j0, n)) {
          const int epi = kMode == kForwardNone ? avx2::kStore
                        : kMode == kForwardReduce ? avx2::kReduce
                        : a.g != nullptr ? avx2::kStoreG : avx2::kStoreScaled;
#if FL_AVX512_KERNEL
          if (avx512::supported())
            avx512::fused_tile_g(a.gkind, epi, kWK == kWElement, a.x + j0, a.t + j0,
                               kWK == kWElement ? a.w + j0 : nullptr, a.g ? a.g + j0 : nullptr,
                               static_cast<float>(a.gscale), a.out ? a.out + j0 : nullptr, lanes, n, prm);
          else
#endif
            avx2::fused_tile_g(a.gkind, epi, kWK == kWElement, a.x + j0, a.t + j0,
                               kWK == kWElement ? a.w + j0 : nullptr, a.g ? a.g + j0 : nullptr,
                               static_cast<float>(a.gscale), a.out ? a.out + j0 : nullptr, lanes, n, prm);
          continue;
        }
      }
#endif
      const scalar_t* xs = a.x + j0;
      for (int64_t j = 0; j < n; ++j) xb[j] = load(xs[j]);
      bool hard = true;
      if (kIndex) {
        for (int64_t j = 0; j < n; ++j) tb[j] = (col0 + j) == cls ? T(1) : T(0);
      } else {
        const scalar_t* ts = a.t + j0;
        int64_t nhard = 0;
        for (int64_t j = 0; j < n; ++j) {
          const T tv = load(ts[j]);
          tb[j] = tv;
          nhard += ((tv == T(0)) | (tv == T(1))) ? 1 : 0;
        }
        hard = nhard == n;
      }
      math_tile_dispatch<T, kMode == kBackward>(a.prob, hard, a.gkind, xb, tb, rb, n, prm);
      if (kWK == kWElement || kWK == kWClass) {
        const scalar_t* ws = kWK == kWElement ? a.w + j0 : a.w + col0;
        for (int64_t j = 0; j < n; ++j) rb[j] = load(ws[j]) * rb[j];
      } else if (kWK == kWAnchor) {
        for (int64_t j = 0; j < n; ++j) rb[j] = wrow * rb[j];
      }
      if (kMode == kForwardNone) {
        scalar_t* os = a.out + j0;
        for (int64_t j = 0; j < n; ++j) os[j] = Store<scalar_t>::from(rb[j]);
      } else if (kMode == kForwardReduce) {
        int64_t j = 0;
        for (; j + kLanes <= n; j += kLanes)
          for (int l = 0; l < kLanes; ++l) lanes[l] += static_cast<double>(rb[j + l]);
        for (int l = 0; j < n; ++j, ++l) lanes[l] += static_cast<double>(rb[j]);
      } else {
        scalar_t* os = a.out + j0;
        if (a.g != nullptr) {
          const scalar_t* gs = a.g + j0;
          for (int64_t j = 0; j < n; ++j) os[j] = Store<scalar_t>::from(load(gs[j]) * rb[j]);
        } else {
          const T gsc = a.gscale;
          for (int64_t j = 0; j < n; ++j) os[j] = Store<scalar_t>::from(gsc * rb[j]);
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
double run_range_dispatch(const KArgs<scalar_t>& a, bool index, fl_weight_kind wk, int64_t b, int64_t e) {
  switch (wk) {
    case FL_WEIGHT_NONE:
      return index ? run_range<scalar_t, true, 0, kMode>(a, b, e) : run_range<scalar_t, false, 0, kMode>(a, b, e);
    case FL_WEIGHT_ELEMENT:
      return index ? run_range<scalar_t, true, 1, kMode>(a, b, e) : run_range<scalar_t, false, 1, kMode>(a, b, e);
    case FL_WEIGHT_ANCHOR:
      return index ? run_range<scalar_t, true, 2, kMode>(a, b, e) : run_range<scalar_t, false, 2, kMode>(a, b, e);
    case FL_WEIGHT_CLASS:
      return index ? run_range<scalar_t, true, 3, kMode>(a, b, e) : run_range<scalar_t, false, 3, kMode>(a, b, e);
  }
  return 0;
}

// Runs the element loop over all chunks in parallel; returns the deterministic total for reduce.
template <typename scalar_t, int kMode>
double run_all(const KArgs<scalar_t>& a, const Problem& pb, int threads) {
  const int64_t N = pb.numel;
  const int64_t nchunks = (N + kChunk - 1) / kChunk;
  const bool index = pb.target_kind == FL_TARGET_INDEX;
  std::vector<double> partials(kMode == kForwardReduce ? static_cast<size_t>(nchunks) : 0);
  double* parts = partials.data();
  auto body = [&](int64_t c) {
    const int64_t b = c * kChunk;
    const int64_t e = std::min(N, b + kChunk);
    const double s = run_range_dispatch<scalar_t, kMode>(a, index, pb.weight_kind, b, e);
    if (kMode == kForwardReduce) parts[c] = s;
  };
  parallel_for_each(nchunks, threads, body);
  double total = 0;
  for (double p : partials) total += p;  // chunk order: independent of the thread count
  return total;
}

template <typename scalar_t>
KArgs<scalar_t> make_args(const Problem& pb) {
  using T = acc_t<scalar_t>;
  KArgs<scalar_t> a;
  a.x = static_cast<const scalar_t*>(pb.input);
  if (pb.target_kind == FL_TARGET_INDEX)
    a.idx = static_cast<const int64_t*>(pb.target);
  else
    a.t = static_cast<const scalar_t*>(pb.target);
  if (pb.weight_kind != FL_WEIGHT_NONE) a.w = static_cast<const scalar_t*>(pb.weight);
  a.classes = pb.classes;
  a.prob = pb.input_kind == FL_INPUT_PROBABILITIES;
  a.prm.alpha = static_cast<T>(pb.alpha >= 0 ? pb.alpha : 0.0);
  a.prm.gamma = static_cast<T>(pb.gamma);
  a.prm.use_alpha = pb.alpha >= 0 ? T(1) : T(0);
  a.gkind = pb.gamma == 0.0 ? math::kGamma0 : pb.gamma == 1.0 ? math::kGamma1
          : pb.gamma == 2.0 ? math::kGamma2 : math::kGammaAny;
  return a;
}

// Class indices must be in [0, C]; checked before any computation. Reports the first bad one.
constexpr int64_t kIndexChunk = 1 << 16;

void check_class_indices(const Problem& pb, int threads) {
  if (pb.target_kind != FL_TARGET_INDEX || pb.rows == 0) return;
  const int64_t* idx = static_cast<const int64_t*>(pb.target);
  const int64_t rows = pb.rows;
  const int64_t C = pb.classes;
  const int64_t nchunks = (rows + kIndexChunk - 1) / kIndexChunk;
  std::vector<int64_t> first_bad(static_cast<size_t>(nchunks), -1);
  int64_t* fb = first_bad.data();
  auto body = [&](int64_t c) {
    const int64_t b = c * kIndexChunk;
    const int64_t e = std::min(rows, b + kIndexChunk);
    bool ok = true;
    for (int64_t r = b; r < e; ++r) ok &= (static_cast<uint64_t>(idx[r]) <= static_cast<uint64_t>(C));
    if (ok) return;
    for (int64_t r = b; r < e; ++r)
      if (idx[r] < 0 || idx[r] > C) {
        fb[c] = r;
        return;
      }
  };
  parallel_for_each(nchunks, threads, body);
  for (int64_t r : first_bad)
    if (r >= 0) throw ArgumentError("target", class_index_message(r, idx[r], C));
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

}  // namespace

void forward_cpu(const Problem& pb, void* out, int threads) {
  check_class_indices(pb, threads);
  if (pb.reduction == FL_REDUCTION_NONE) {
    if (pb.numel == 0) return;
    dispatch_dtype(pb.dtype, [&](auto tag) {
      using scalar_t = decltype(tag);
      KArgs<scalar_t> a = make_args<scalar_t>(pb);
      a.out = static_cast<scalar_t*>(out);
      run_all<scalar_t, kForwardNone>(a, pb, threads);
    });
    return;
  }
  double total = 0;
  if (pb.numel > 0) {
    dispatch_dtype(pb.dtype, [&](auto tag) {
      using scalar_t = decltype(tag);
      KArgs<scalar_t> a = make_args<scalar_t>(pb);
      total = run_all<scalar_t, kForwardReduce>(a, pb, threads);
    });
  }
  // mean of an empty input (divisor 0) is 0/0 = NaN, as torch.mean
  const double value = pb.reduction == FL_REDUCTION_MEAN ? total / pb.divisor : total;
  dispatch_dtype(pb.dtype, [&](auto tag) {
    using scalar_t = decltype(tag);
    *static_cast<scalar_t*>(out) = Store<scalar_t>::from_double(value);
  });
}

void backward_cpu(const Problem& pb, const void* grad_output, void* grad_input, int threads) {
  check_class_indices(pb, threads);
  if (pb.numel == 0) return;
  dispatch_dtype(pb.dtype, [&](auto tag) {
    using scalar_t = decltype(tag);
    using T = acc_t<scalar_t>;
    KArgs<scalar_t> a = make_args<scalar_t>(pb);
    a.out = static_cast<scalar_t*>(grad_input);
    if (pb.reduction != FL_REDUCTION_NONE) {
      // d(sum)/dx = g * dl/dx; d(mean)/dx = g / divisor * dl/dx
      const double gv = static_cast<double>(load(*static_cast<const scalar_t*>(grad_output)));
      a.gscale = static_cast<T>(pb.reduction == FL_REDUCTION_MEAN ? gv / pb.divisor : gv);
    } else {
      a.g = static_cast<const scalar_t*>(grad_output);
    }
    run_all<scalar_t, kBackward>(a, pb, threads);
  });
}

}  // namespace focal_loss
