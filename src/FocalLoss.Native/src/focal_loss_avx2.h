// AVX2 + FMA element math of the hard-target focal loss (float, 8 lanes), host x86-64 only.
// Included by the CPU kernel (focal_loss_cpu.cpp) and by the native self-test, which checks these
// very functions against double precision. Every function carries target("avx2,fma"): callers
// must check the CPU first (__builtin_cpu_supports) and be compiled for the same target.
#pragma once

#include "focal_loss_math.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(FL_NO_AVX2_KERNEL)
#define FL_AVX2_KERNEL 1
#include <immintrin.h>

namespace focal_loss {
namespace avx2 {

// The hard-target closed form of focal_loss_math.h (hard_loss / hard_grad), 8 lanes at a time,
// branch-free (blends), one exp, one log1p polynomial and one division per element (a second exp
// only for gamma not in {0, 1, 2}). Same algorithms as the portable host_expf / host_log1pf, but
// with fused multiply-adds (so results can differ from the portable path in the last bit).
// Accuracy (measured against double by the native self-test, which runs these same functions):
// exp(-a) <= 1 ulp for a in [0, 104] (subnormal results included, 0 beyond), log1p(e) <= 1 ulp
// for e in [0, 1]. A partial last vector is computed from a padded copy: every element's value
// is independent of its position (the low-precision tests compare results bit for bit).

#define FL_AVX2_INLINE static inline __attribute__((target("avx2,fma"), always_inline))

// exp(-a) for a >= 0 (NaN propagates).
FL_AVX2_INLINE __m256 exp_neg(__m256 a) {
  const __m256 ac = _mm256_min_ps(_mm256_set1_ps(104.0f), a);  // min(c, NaN) = NaN: propagates
  const __m256 kf = _mm256_round_ps(_mm256_mul_ps(ac, _mm256_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  // r = k ln2 - a in [-ln2/2, ln2/2]; Cody-Waite split of ln 2 (k * 0.693359375 is exact)
  __m256 r = _mm256_fmsub_ps(kf, _mm256_set1_ps(0.693359375f), ac);
  r = _mm256_fmadd_ps(kf, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  __m256 y = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
  y = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
  // y * 2^-k, k in [0, 150], as two normal scale factors so that results reach the subnormals
  const __m256i k = _mm256_cvtps_epi32(kf);
  const __m256i k1 = _mm256_srli_epi32(k, 1);
  const __m256i k2 = _mm256_sub_epi32(k, k1);
  const __m256i b = _mm256_set1_epi32(127);
  y = _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_sub_epi32(b, k1), 23)));
  y = _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_sub_epi32(b, k2), 23)));
  return y;
}

// log1p(e) for e in [0, 1]: e + e^2 * Q(e) (the polynomial of host_log1pf).
FL_AVX2_INLINE __m256 log1p_unit(__m256 e) {
  __m256 q = _mm256_set1_ps(FL_LOG1P_Q8);
  q = _mm256_fmadd_ps(q, e, _mm256_set1_ps(FL_LOG1P_Q7));
  q = _mm256_fmadd_ps(q, e, _mm256_set1_ps(FL_LOG1P_Q6));
  q = _mm256_fmadd_ps(q, e, _mm256_set1_ps(FL_LOG1P_Q5));
  q = _mm256_fmadd_ps(q, e, _mm256_set1_ps(FL_LOG1P_Q4));
  q = _mm256_fmadd_ps(q, e, _mm256_set1_ps(FL_LOG1P_Q3));
  q = _mm256_fmadd_ps(q, e, _mm256_set1_ps(FL_LOG1P_Q2));
  q = _mm256_fmadd_ps(q, e, _mm256_set1_ps(FL_LOG1P_Q1));
  q = _mm256_fmadd_ps(q, e, _mm256_set1_ps(FL_LOG1P_Q0));
  return _mm256_fmadd_ps(_mm256_mul_ps(e, e), q, e);
}

struct Consts {
  __m256 gamma, alpha, alpha_neg;  // alpha_t for t = 1 and t = 0 (1 and 1 when alpha < 0)
};

// One vector of hard-target elements: the loss and d loss / d x (unweighted) from one set of
// intermediates. element<kG, kBackward> below is this function (the unused half is dead code), so
// the fused forward's two values are bit-identical to the separate forward's and backward's.
template <int kG, bool kWantLoss, bool kWantGrad>
FL_AVX2_INLINE void element_both(__m256 x, __m256 t, const Consts& c, __m256& loss, __m256& grad) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 signbit = _mm256_set1_ps(-0.0f);
  const __m256 tpos = _mm256_cmp_ps(t, one, _CMP_EQ_OQ);   // t == 1
  const __m256 ssign = _mm256_and_ps(tpos, signbit);        // sign of s = 1 - 2t
  const __m256 z = _mm256_xor_ps(x, ssign);                 // z = s * x
  const __m256 a = _mm256_andnot_ps(signbit, x);            // |x|
  const __m256 e = exp_neg(a);
  const __m256 l1p = log1p_unit(e);
  const __m256 inv = _mm256_div_ps(one, _mm256_add_ps(one, e));
  const __m256 ein = _mm256_mul_ps(e, inv);
  const __m256 pos = _mm256_cmp_ps(z, zero, _CMP_GE_OQ);
  const __m256 q = _mm256_blendv_ps(ein, inv, pos);
  const __m256 ce = _mm256_add_ps(_mm256_and_ps(pos, z), l1p);
  const __m256 at = _mm256_blendv_ps(c.alpha_neg, c.alpha, tpos);
  __m256 m;
  if (kG == math::kGamma0) {
    m = one;
  } else if (kG == math::kGamma1) {
    m = q;
  } else if (kG == math::kGamma2) {
    m = _mm256_mul_ps(q, q);
  } else {
    const __m256 nlq = _mm256_add_ps(_mm256_andnot_ps(pos, _mm256_xor_ps(z, signbit)), l1p);  // softplus(-z)
    m = exp_neg(_mm256_mul_ps(c.gamma, nlq));
  }
  const __m256 am = kG == math::kGamma0 ? at : _mm256_mul_ps(at, m);
  if (kWantLoss) loss = _mm256_mul_ps(am, ce);
  if (!kWantGrad) return;
  __m256 inner;
  if (kG == math::kGamma0) {
    inner = q;
  } else {
    const __m256 pt = _mm256_blendv_ps(inv, ein, pos);
    const __m256 gpt = kG == math::kGamma1 ? pt : _mm256_mul_ps(kG == math::kGamma2 ? _mm256_set1_ps(2.0f) : c.gamma, pt);
    inner = _mm256_fmadd_ps(gpt, ce, q);
  }
  grad = _mm256_mul_ps(am, _mm256_xor_ps(inner, ssign));
}

// One vector of hard-target elements: the loss (forward) or d loss / d x (backward), unweighted.
template <int kG, bool kBackward>
FL_AVX2_INLINE __m256 element(__m256 x, __m256 t, const Consts& c) {
  __m256 loss = _mm256_setzero_ps(), grad = _mm256_setzero_ps();
  element_both<kG, !kBackward, kBackward>(x, t, c, loss, grad);
  return kBackward ? grad : loss;
}

}  // namespace avx2
}  // namespace focal_loss

#else
#define FL_AVX2_KERNEL 0
#endif
