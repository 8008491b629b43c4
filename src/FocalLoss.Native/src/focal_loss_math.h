// Element math of the sigmoid focal loss, shared by the CPU kernel (g++) and the CUDA kernel (nvcc).
//
// Everything here is a pure function of one element: the CPU tests therefore verify the formulas
// the CUDA kernel runs. The only code that differs between host and device is the scalar
// transcendental functions (fl_exp / fl_log / fl_log1p): on the device they are CUDA's own
// expf/logf/log1pf (and the double versions); on the host, float uses the branch-free polynomial
// versions below (so that g++ -O3 can vectorise the kernel loops) and double uses <cmath>.
//
// Notation (see docs in /shared design: focal-math.md):
//   p = sigmoid(x), pn = sigmoid(-x) = 1 - p (computed directly, never as 1 - p)
//   CE      = (1-t)*softplus(x) + t*softplus(-x)          (no cancellation)
//   q       = 1 - p_t = t*sigmoid(-x) + (1-t)*sigmoid(x)  (never 1 - p_t)
//   m       = q^gamma, via exp(gamma * log q) with log q formed in log space
//             (for hard targets log q = -softplus(+-x), exact down to any finite logit)
//   alpha_t = t*alpha + (1-t)*(1-alpha), or 1 when alpha < 0
//   loss    = alpha_t * m * CE
//   dloss/dx = alpha_t * m * ( gamma*(1-2t)*r*CE + (p - t) ),  r = p*(1-p)/q
//             for hard targets r = p_t exactly (the identity q^(gamma-1)*p*(1-p) = q^gamma*p_t),
//             so there is no 0*inf at q = 0, gamma < 1; p - t = (1-t)*p - t*pn (exact for hard t).
//   gamma = 0 gives m = exp(0 * finite) = 1 exactly, also where q underflows to 0 (0^0 = 1).
//
// Hard targets (t exactly 0 or 1) have a cheaper closed form, used by hard_loss / hard_grad:
//   s = 1 - 2t (+-1), z = s*x (the logit of the WRONG class), a = |x|, e = exp(-|x|),
//   L = log1p(e), inv = 1/(1+e):  q = sigmoid(z) = (z >= 0 ? inv : e*inv),
//   p_t = sigmoid(-z) = (z >= 0 ? e*inv : inv), CE = softplus(z) = max(z,0) + L,
//   -log q = softplus(-z) = max(-z,0) + L, m = q^gamma:
//     gamma 0: 1;  gamma 1: q;  gamma 2: q*q;  otherwise exp(-gamma * softplus(-z));
//   loss = alpha_t * m * CE,   dloss/dx = alpha_t * m * s * (gamma * p_t * CE + q)
//   (d/dz of q^gamma*CE is q^gamma*(gamma*p_t*CE + q) since dq/dz = q*p_t, dCE/dz = q;
//   no 0*inf at q = 0 for any gamma: m is formed from the finite -log q).
// One exp, one log1p and one division per element (plus a second exp for non-integer gamma).
//
// Probability inputs (FL_INPUT_PROBABILITIES, MMDetection's py_focal_loss_with_prob, activated=True):
// x is p itself, p in [0, 1], t in [0, 1] (dense or 0/1 from a class index):
//   q       = t*(1-p) + (1-t)*p                          (MMDetection's pt)
//   BCE     = -(t*max(log p, -100) + (1-t)*max(log1p(-p), -100))   (PyTorch binary_cross_entropy)
//   m       = q^gamma (1 for gamma = 0, also at q = 0)
//   alpha_t = t*alpha + (1-t)*(1-alpha), or 1 when alpha < 0
//   loss    = alpha_t * m * BCE
//   dloss/dp = alpha_t * ( m * (p - t) / max((1-p)*p, eps)         (PyTorch's BCE backward;
//                                                                   eps = float 1e-12, as PyTorch's)
//                        + gamma * (1-2t) * q^(gamma-1) * BCE )    (d q^gamma/dp; 0 for gamma = 0)
//   where q = 0 (only at p = t in {0, 1}, so BCE = 0) the second term is its limit 0 (no 0*inf for
//   gamma < 1). Scalar code (prob_loss / prob_grad below), the same on the CPU and the device.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__) || defined(__HIPCC__)
#define FL_HD __host__ __device__ __forceinline__
#elif defined(__GNUC__) || defined(__clang__)
// Forced inlining: the CPU kernel's loops only vectorise when the whole element math is inlined.
#define FL_HD inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define FL_HD __forceinline
#else
#define FL_HD inline
#endif

// Host-only helpers (never compiled for the device).
#if defined(__GNUC__) || defined(__clang__)
#define FL_HOST_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define FL_HOST_INLINE __forceinline
#else
#define FL_HOST_INLINE inline
#endif

// True while compiling device code (nvcc's device pass).
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
#define FL_DEVICE_PASS 1
#else
#define FL_DEVICE_PASS 0
#endif

namespace focal_loss {
namespace math {

#if !FL_DEVICE_PASS
// ---- host float transcendentals: branch-free (selects only) so loops vectorise ----------------
// Cephes-style single-precision approximations (about 1 ulp), checked against double precision
// by the native self-test (fl_selftest_math in the testing library).

FL_HOST_INLINE float bits_to_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
FL_HOST_INLINE uint32_t float_to_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// exp(x) for any float x (NaN propagates), including the subnormal range.
FL_HOST_INLINE float host_expf(float x) {
  float xc = x < -150.0f ? -150.0f : x;
  xc = xc > 89.0f ? 89.0f : xc;
  // round(x / ln 2) with the 1.5*2^23 trick (exact; requires no -ffast-math, which we never use)
  float kf = xc * 1.44269504088896341f;
  kf = (kf + 12582912.0f) - 12582912.0f;
  float r = xc - kf * 0.693359375f;
  r = r - kf * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.0f;
  int32_t k = static_cast<int32_t>(kf);
  int32_t k1 = k / 2;  // two normal scale factors so that results reach the subnormals
  int32_t k2 = k - k1;
  y = y * bits_to_float(static_cast<uint32_t>(k1 + 127) << 23);
  y = y * bits_to_float(static_cast<uint32_t>(k2 + 127) << 23);
  return (x != x) ? x : y;
}

// log(w) for normal positive w (the kernel only calls it on values in [tiny, 2]).
FL_HOST_INLINE float host_logf(float w) {
  uint32_t ix = float_to_bits(w);
  int32_t e = static_cast<int32_t>((ix >> 23) & 0xffu) - 126;
  float m = bits_to_float((ix & 0x007fffffu) | 0x3f000000u);  // in [0.5, 1)
  bool lt = m < 0.707106781186547524f;
  // both arms computed unconditionally: a select of ready values if-converts under -ftrapping-math
  const float m_lo = m + m - 1.0f;
  const float m_hi = m - 1.0f;
  e = lt ? e - 1 : e;
  m = lt ? m_lo : m_hi;
  float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  float fe = static_cast<float>(e);
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  float res = m + y;
  res += 0.693359375f * fe;
  return res;
}

// log1p(y) for y in [0, 1] (the kernel calls it on exp(-|x|)): log1p(y) = y + y^2 * Q(y), Q a
// degree-8 polynomial (relative minimax fit of (log1p(y)/y - 1)/y on [0, 1]; approximation error
// 0.09 ulp), no division and no log. The y term is exact, so subnormal y give log1p(y) = y.
// Measured max error 1.0 ulp against double over [0, 1] (native self-test; bound 2).
// The AVX2 kernel (focal_loss_cpu.cpp) evaluates the same polynomial with FMAs.
#define FL_LOG1P_Q0 -4.9999932763e-01f
#define FL_LOG1P_Q1 3.3330511309e-01f
#define FL_LOG1P_Q2 -2.4958587289e-01f
#define FL_LOG1P_Q3 1.9695399808e-01f
#define FL_LOG1P_Q4 -1.5355394114e-01f
#define FL_LOG1P_Q5 1.0680551737e-01f
#define FL_LOG1P_Q6 -5.7664406585e-02f
#define FL_LOG1P_Q7 2.0204564777e-02f
#define FL_LOG1P_Q8 -3.3184680590e-03f
FL_HOST_INLINE float host_log1pf(float y) {
  float q = FL_LOG1P_Q8;
  q = q * y + FL_LOG1P_Q7;
  q = q * y + FL_LOG1P_Q6;
  q = q * y + FL_LOG1P_Q5;
  q = q * y + FL_LOG1P_Q4;
  q = q * y + FL_LOG1P_Q3;
  q = q * y + FL_LOG1P_Q2;
  q = q * y + FL_LOG1P_Q1;
  q = q * y + FL_LOG1P_Q0;
  return (y * y) * q + y;
}
#endif  // !FL_DEVICE_PASS

FL_HD float fl_exp(float x) {
#if FL_DEVICE_PASS
  return ::expf(x);
#else
  return host_expf(x);
#endif
}
FL_HD float fl_log(float x) {
#if FL_DEVICE_PASS
  return ::logf(x);
#else
  return host_logf(x);
#endif
}
FL_HD float fl_log1p(float x) {
#if FL_DEVICE_PASS
  return ::log1pf(x);
#else
  return host_log1pf(x);
#endif
}
FL_HD double fl_exp(double x) {
#if FL_DEVICE_PASS
  return ::exp(x);
#else
  return std::exp(x);
#endif
}
FL_HD double fl_log(double x) {
#if FL_DEVICE_PASS
  return ::log(x);
#else
  return std::log(x);
#endif
}
FL_HD double fl_log1p(double x) {
#if FL_DEVICE_PASS
  return ::log1p(x);
#else
  return std::log1p(x);
#endif
}

// General-domain log / log1p (the probability path: any argument, 0 gives -inf). Scalar.
FL_HD float fl_log_any(float x) {
#if FL_DEVICE_PASS
  return ::logf(x);
#else
  return std::log(x);
#endif
}
FL_HD float fl_log1p_any(float x) {
#if FL_DEVICE_PASS
  return ::log1pf(x);
#else
  return std::log1p(x);
#endif
}
FL_HD float fl_pow_any(float x, float y) {
#if FL_DEVICE_PASS
  return ::powf(x, y);
#else
  return std::pow(x, y);
#endif
}
FL_HD double fl_log_any(double x) { return fl_log(x); }
FL_HD double fl_log1p_any(double x) { return fl_log1p(x); }
FL_HD double fl_pow_any(double x, double y) {
#if FL_DEVICE_PASS
  return ::pow(x, y);
#else
  return std::pow(x, y);
#endif
}

// Scalar options in the compute type T (float for float16/bfloat16/float32, double for float64).
template <typename T>
struct Params {
  T alpha;        // ignored when use_alpha is false
  T gamma;        // >= 0
  T use_alpha;    // 1 when alpha >= 0, else 0 (a T, not a bool: keeps the CPU loops vectorisable)
};

// Intermediate quantities of one element (general, soft-target path), shared by the forward and
// the backward formulas.
template <typename T>
struct Elem {
  T p;     // sigmoid(x)
  T pn;    // sigmoid(-x)
  T ce;    // cross entropy
  T q;     // 1 - p_t
  T nlq;   // -log q (>= 0; +inf only where q is exactly 0 for a soft t)
  T at;    // alpha_t
};

// Any t in [0, 1]; elements with t exactly 0 or 1 still take the exact hard-target forms.
template <typename T>
FL_HD Elem<T> eval_soft(T x, T t, const Params<T>& prm) {
  const T one = T(1);
  const T zero = T(0);
  Elem<T> s;
  T a = x < zero ? -x : x;                 // |x|
  T e = fl_exp(-a);                        // exp(-|x|) in (0, 1]
  T l1p = fl_log1p(e);                     // softplus(|x|) - |x|
  T inv = one / (one + e);                 // sigmoid(|x|)
  T ein = e * inv;                         // sigmoid(-|x|)
  bool pos = x >= zero;
  s.p = pos ? inv : ein;
  s.pn = pos ? ein : inv;
  T xp = pos ? x : zero;                   // max(x, 0)
  T xn = pos ? zero : a;                   // max(-x, 0)
  s.ce = (one - t) * xp + t * xn + l1p;    // (1-t)*softplus(x) + t*softplus(-x)
  s.q = t * s.pn + (one - t) * s.p;
  // log q = log(u*e + v) - log1p(e), u = weight of exp(-|x|) in the numerator of q.
  T v = pos ? (one - t) : t;
  T u = one - v;
  T num = u * e + v;
  T lognum = fl_log(v == zero ? one : num);
  s.nlq = l1p - (v == zero ? -a : lognum);
  T at = t * prm.alpha + (one - t) * (one - prm.alpha);
  s.at = prm.use_alpha != zero ? at : one;
  return s;
}

// Modulating-factor kinds: fixed gamma 0, 1, 2 (exact products) or any gamma (exp/log).
enum GammaKind : int { kGammaAny = -1, kGamma0 = 0, kGamma1 = 1, kGamma2 = 2 };

// q^gamma from q and nlogq = -log q >= 0 (finite for every finite logit).
template <int kG, typename T>
FL_HD T modulating(T q, T nlogq, T gamma) {
  if (kG == kGamma0) return T(1);
  if (kG == kGamma1) return q;
  if (kG == kGamma2) return q * q;
  return fl_exp(-(gamma * nlogq));
}

// Hard-target quantities (t exactly 0 or 1): see the header comment.
template <typename T>
struct HardElem {
  T s;    // 1 - 2t
  T ce;   // CE = softplus(z)
  T q;    // 1 - p_t = sigmoid(z)
  T pt;   // p_t = sigmoid(-z)
  T nlq;  // -log q = softplus(-z)
  T at;   // alpha_t
};

template <typename T>
FL_HD HardElem<T> hard_eval(T x, T t, const Params<T>& prm) {
  const T one = T(1);
  const T zero = T(0);
  HardElem<T> h;
  h.s = one - T(2) * t;
  const T z = h.s * x;                     // exact: s = +-1
  const T a = x < zero ? -x : x;
  const T e = fl_exp(-a);
  const T l1p = fl_log1p(e);
  const T inv = one / (one + e);
  const T ein = e * inv;
  const bool pos = z >= zero;
  h.q = pos ? inv : ein;
  h.pt = pos ? ein : inv;
  h.ce = (pos ? z : zero) + l1p;
  h.nlq = (pos ? zero : -z) + l1p;
  const T at = t != zero ? prm.alpha : one - prm.alpha;
  h.at = prm.use_alpha != zero ? at : one;
  return h;
}

template <int kG, typename T>
FL_HD T hard_loss(T x, T t, const Params<T>& prm) {
  const HardElem<T> h = hard_eval(x, t, prm);
  return h.at * modulating<kG>(h.q, h.nlq, prm.gamma) * h.ce;
}

template <int kG, typename T>
FL_HD T hard_grad(T x, T t, const Params<T>& prm) {
  const HardElem<T> h = hard_eval(x, t, prm);
  const T gamma = kG == kGammaAny ? prm.gamma : T(kG);
  const T inner = kG == kGamma0 ? h.q : gamma * h.pt * h.ce + h.q;
  return h.at * modulating<kG>(h.q, h.nlq, prm.gamma) * (h.s * inner);
}

// Loss and gradient from one evaluation (the fused forward): the same operations as hard_loss and
// hard_grad, so both values are bit-identical to theirs.
template <int kG, typename T>
FL_HD void hard_loss_grad(T x, T t, const Params<T>& prm, T& l, T& g) {
  const HardElem<T> h = hard_eval(x, t, prm);
  const T gamma = kG == kGammaAny ? prm.gamma : T(kG);
  const T m = modulating<kG>(h.q, h.nlq, prm.gamma);
  const T inner = kG == kGamma0 ? h.q : gamma * h.pt * h.ce + h.q;
  l = h.at * m * h.ce;
  g = h.at * m * (h.s * inner);
}

// kHard: the caller guarantees t is exactly 0 or 1 (class-index targets, or a tile of dense
// targets checked to be all 0/1): the hard-target closed form. Otherwise t may be any value in
// [0, 1]. kG: a fixed gamma (kGamma0/1/2, which must equal prm.gamma) or kGammaAny.
template <bool kHard, int kG = kGammaAny, typename T>
FL_HD T loss(T x, T t, const Params<T>& prm) {
  if (kHard) return hard_loss<kG>(x, t, prm);
  Elem<T> s = eval_soft(x, t, prm);
  return s.at * modulating<kG>(s.q, s.nlq, prm.gamma) * s.ce;
}

// d loss / d x (unweighted, for an upstream gradient of 1).
template <bool kHard, int kG = kGammaAny, typename T>
FL_HD T grad(T x, T t, const Params<T>& prm) {
  if (kHard) return hard_grad<kG>(x, t, prm);
  const T one = T(1);
  const T zero = T(0);
  Elem<T> s = eval_soft(x, t, prm);
  // r = q^(gamma-1) p (1-p) / q^gamma: p_t exactly for hard t (no 0*inf at q = 0, gamma < 1)
  T pt = t * s.p + (one - t) * s.pn;
  bool hard = (t == zero) | (t == one);
  T rs = s.p * s.pn / (s.q > zero ? s.q : one);
  T rsoft = s.q > zero ? rs : zero;
  T r = hard ? pt : rsoft;
  const T gamma = kG == kGammaAny ? prm.gamma : T(kG);
  T pmt = (one - t) * s.p - t * s.pn;      // p - t, exact for hard t
  T d = kG == kGamma0 ? pmt : gamma * (one - T(2) * t) * r * s.ce + pmt;
  return s.at * modulating<kG>(s.q, s.nlq, prm.gamma) * d;
}

// Loss and gradient from one evaluation: bit-identical to loss<kHard, kG> and grad<kHard, kG>.
template <bool kHard, int kG = kGammaAny, typename T>
FL_HD void loss_grad(T x, T t, const Params<T>& prm, T& l, T& g) {
  if (kHard) {
    hard_loss_grad<kG>(x, t, prm, l, g);
    return;
  }
  const T one = T(1);
  const T zero = T(0);
  Elem<T> s = eval_soft(x, t, prm);
  const T m = modulating<kG>(s.q, s.nlq, prm.gamma);
  T pt = t * s.p + (one - t) * s.pn;
  bool hard = (t == zero) | (t == one);
  T rs = s.p * s.pn / (s.q > zero ? s.q : one);
  T rsoft = s.q > zero ? rs : zero;
  T r = hard ? pt : rsoft;
  const T gamma = kG == kGammaAny ? prm.gamma : T(kG);
  T pmt = (one - t) * s.p - t * s.pn;
  T d = kG == kGamma0 ? pmt : gamma * (one - T(2) * t) * r * s.ce + pmt;
  l = s.at * m * s.ce;
  g = s.at * m * d;
}

// ---- probability inputs (see the header comment) -------------------------------------------------
template <typename T>
struct ProbElem {
  T q;    // t*(1-p) + (1-t)*p
  T bce;  // clamped binary cross entropy
  T at;   // alpha_t
};

template <typename T>
FL_HD ProbElem<T> prob_eval(T p, T t, const Params<T>& prm) {
  const T one = T(1);
  const T zero = T(0);
  const T lo = T(-100);
  ProbElem<T> e;
  e.q = (one - p) * t + p * (one - t);
  T lp = fl_log_any(p);
  T l1mp = fl_log1p_any(-p);
  lp = lp > lo ? lp : lo;  // max(log p, -100); NaN p stays NaN
  l1mp = l1mp > lo ? l1mp : lo;
  lp = p != p ? p : lp;
  l1mp = p != p ? p : l1mp;
  e.bce = (t - one) * l1mp - t * lp;
  const T at = t * prm.alpha + (one - t) * (one - prm.alpha);
  e.at = prm.use_alpha != zero ? at : one;
  return e;
}

// q^g for g >= 0 (0^0 = 1).
template <typename T>
FL_HD T prob_pow(T q, T g) {
  if (g == T(0)) return T(1);
  if (g == T(1)) return q;
  if (g == T(2)) return q * q;
  return fl_pow_any(q, g);
}

template <int kG, typename T>
FL_HD T prob_loss(T p, T t, const Params<T>& prm) {
  const ProbElem<T> e = prob_eval(p, t, prm);
  const T g = kG == kGammaAny ? prm.gamma : T(kG);
  return e.at * prob_pow(e.q, g) * e.bce;
}

template <int kG, typename T>
FL_HD T prob_grad(T p, T t, const Params<T>& prm) {
  const T one = T(1);
  const T zero = T(0);
  const ProbElem<T> e = prob_eval(p, t, prm);
  const T g = kG == kGammaAny ? prm.gamma : T(kG);
  const T den0 = (one - p) * p;
  const T eps = T(1e-12f);  // PyTorch's EPSILON is a float: 1e-12f = 9.99999996e-13, also in float64
  const T den = den0 > eps ? den0 : eps;
  const T dbce = (p - t) / den;
  const T m = prob_pow(e.q, g);
  T d = m * dbce;
  if (g != zero) {
    const T m1 = e.q > zero ? prob_pow(e.q, g - one) : zero;  // limit 0 where q = 0 (BCE = 0 there)
    d = d + g * (one - T(2) * t) * m1 * e.bce;
  }
  return e.at * d;
}

// Loss and gradient of a probability input from one evaluation: bit-identical to prob_loss and
// prob_grad.
template <int kG, typename T>
FL_HD void prob_loss_grad(T p, T t, const Params<T>& prm, T& l, T& gr) {
  const T one = T(1);
  const T zero = T(0);
  const ProbElem<T> e = prob_eval(p, t, prm);
  const T g = kG == kGammaAny ? prm.gamma : T(kG);
  const T m = prob_pow(e.q, g);
  l = e.at * m * e.bce;
  const T den0 = (one - p) * p;
  const T eps = T(1e-12f);
  const T den = den0 > eps ? den0 : eps;
  const T dbce = (p - t) / den;
  T d = m * dbce;
  if (g != zero) {
    const T m1 = e.q > zero ? prob_pow(e.q, g - one) : zero;
    d = d + g * (one - T(2) * t) * m1 * e.bce;
  }
  gr = e.at * d;
}

}  // namespace math
}  // namespace focal_loss
