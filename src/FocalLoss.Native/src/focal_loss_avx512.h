// AVX-512F element math of the hard-target focal loss (float, 16 lanes), host x86-64 only: the
// operations of focal_loss_avx2.h, one for one (same FMAs in the same order, IEEE division), on
// 16 lanes with mask registers instead of blend vectors, so every lane's value is bit-identical to
// the AVX2 kernel's. Every function carries target("avx512f,avx2,fma"): callers check the CPU first.
#pragma once

#include "focal_loss_avx2.h"

#if FL_AVX2_KERNEL && !defined(FL_NO_AVX512_KERNEL)
#define FL_AVX512_KERNEL 1
#if defined(__GNUC__) && !defined(__clang__)
// GCC's avx512fintrin.h builds some intrinsics on _mm512_undefined_*(), which -Wmaybe-uninitialized
// reports at every instantiation site; the values are never used.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace focal_loss {
namespace avx512 {

#define FL_AVX512_INLINE static inline __attribute__((target("avx512f,avx2,fma"), always_inline))

FL_AVX512_INLINE __m512 xor_sign(__m512 v, __mmask16 k) {  // flips the sign of the lanes in k
  const __m512i s = _mm512_set1_epi32(static_cast<int>(0x80000000u));
  return _mm512_castsi512_ps(_mm512_mask_xor_epi32(_mm512_castps_si512(v), k, _mm512_castps_si512(v), s));
}

// exp(-a) for a >= 0 (as avx2::exp_neg).
FL_AVX512_INLINE __m512 exp_neg(__m512 a) {
  const __m512 ac = _mm512_min_ps(_mm512_set1_ps(104.0f), a);
  const __m512 kf = _mm512_roundscale_ps(_mm512_mul_ps(ac, _mm512_set1_ps(1.44269504088896341f)),
                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fmsub_ps(kf, _mm512_set1_ps(0.693359375f), ac);
  r = _mm512_fmadd_ps(kf, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  __m512 y = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
  y = _mm512_add_ps(y, _mm512_set1_ps(1.0f));
  const __m512i k = _mm512_cvtps_epi32(kf);
  const __m512i k1 = _mm512_srli_epi32(k, 1);
  const __m512i k2 = _mm512_sub_epi32(k, k1);
  const __m512i b = _mm512_set1_epi32(127);
  y = _mm512_mul_ps(y, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_sub_epi32(b, k1), 23)));
  y = _mm512_mul_ps(y, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_sub_epi32(b, k2), 23)));
  return y;
}

FL_AVX512_INLINE __m512 log1p_unit(__m512 e) {
  __m512 q = _mm512_set1_ps(FL_LOG1P_Q8);
  q = _mm512_fmadd_ps(q, e, _mm512_set1_ps(FL_LOG1P_Q7));
  q = _mm512_fmadd_ps(q, e, _mm512_set1_ps(FL_LOG1P_Q6));
  q = _mm512_fmadd_ps(q, e, _mm512_set1_ps(FL_LOG1P_Q5));
  q = _mm512_fmadd_ps(q, e, _mm512_set1_ps(FL_LOG1P_Q4));
  q = _mm512_fmadd_ps(q, e, _mm512_set1_ps(FL_LOG1P_Q3));
  q = _mm512_fmadd_ps(q, e, _mm512_set1_ps(FL_LOG1P_Q2));
  q = _mm512_fmadd_ps(q, e, _mm512_set1_ps(FL_LOG1P_Q1));
  q = _mm512_fmadd_ps(q, e, _mm512_set1_ps(FL_LOG1P_Q0));
  return _mm512_fmadd_ps(_mm512_mul_ps(e, e), q, e);
}

struct Consts {
  __m512 gamma, alpha, alpha_neg;
};

// One vector of hard-target elements (as avx2::element).
template <int kG, bool kBackward>
FL_AVX512_INLINE __m512 element(__m512 x, __m512 t, const Consts& c) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 zero = _mm512_setzero_ps();
  const __mmask16 tpos = _mm512_cmp_ps_mask(t, one, _CMP_EQ_OQ);
  const __m512 z = xor_sign(x, tpos);
  const __m512 a = _mm512_abs_ps(x);
  const __m512 e = exp_neg(a);
  const __m512 l1p = log1p_unit(e);
  const __m512 inv = _mm512_div_ps(one, _mm512_add_ps(one, e));
  const __m512 ein = _mm512_mul_ps(e, inv);
  const __mmask16 pos = _mm512_cmp_ps_mask(z, zero, _CMP_GE_OQ);
  const __m512 q = _mm512_mask_blend_ps(pos, ein, inv);
  const __m512 ce = _mm512_add_ps(_mm512_maskz_mov_ps(pos, z), l1p);
  const __m512 at = _mm512_mask_blend_ps(tpos, c.alpha_neg, c.alpha);
  __m512 m;
  if (kG == math::kGamma0) {
    m = one;
  } else if (kG == math::kGamma1) {
    m = q;
  } else if (kG == math::kGamma2) {
    m = _mm512_mul_ps(q, q);
  } else {
    const __m512 nlq = _mm512_add_ps(_mm512_maskz_mov_ps(static_cast<__mmask16>(~pos), xor_sign(z, 0xffff)), l1p);
    m = exp_neg(_mm512_mul_ps(c.gamma, nlq));
  }
  const __m512 am = kG == math::kGamma0 ? at : _mm512_mul_ps(at, m);
  if (!kBackward) return _mm512_mul_ps(am, ce);
  __m512 inner;
  if (kG == math::kGamma0) {
    inner = q;
  } else {
    const __m512 pt = _mm512_mask_blend_ps(pos, inv, ein);
    const __m512 gpt = kG == math::kGamma1 ? pt : _mm512_mul_ps(kG == math::kGamma2 ? _mm512_set1_ps(2.0f) : c.gamma, pt);
    inner = _mm512_fmadd_ps(gpt, ce, q);
  }
  return _mm512_mul_ps(am, xor_sign(inner, tpos));
}

}  // namespace avx512
}  // namespace focal_loss

#else
#define FL_AVX512_KERNEL 0
#endif
