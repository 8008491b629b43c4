// float16 / bfloat16 storage types and their bit-exact conversions (no libtorch, no CUDA headers).
// Shared by the CPU kernel (g++) and the CUDA kernel (nvcc): the device rounds exactly as the host.
//   half_to_float / bf16_to_float: exact widening;
//   float_to_half / float_to_bf16: round to nearest, ties to even, overflow to inf, NaN kept quiet;
//   double_to_half / double_to_bf16: one rounding from double (via round-to-odd to float, which
//   has more than 2 extra bits, so the final round-to-nearest-even is correct).
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define FL_CVT __host__ __device__ __forceinline__
#elif defined(__GNUC__) || defined(__clang__)
#define FL_CVT inline __attribute__((always_inline))
#else
#define FL_CVT inline
#endif

namespace focal_loss {

struct f16 { uint16_t bits; };   // IEEE binary16 storage
struct bf16 { uint16_t bits; };  // bfloat16 storage

FL_CVT uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
FL_CVT float f32_from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

FL_CVT float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  if (exp == 0) {
    // zero or subnormal: mant * 2^-24, exact in float
    const float v = static_cast<float>(mant) * 5.9604644775390625e-8f;
    return f32_from_bits(f32_bits(v) | sign);
  }
  if (exp == 31) return f32_from_bits(sign | 0x7f800000u | (mant << 13));
  return f32_from_bits(sign | ((exp + 112u) << 23) | (mant << 13));
}

FL_CVT uint16_t float_to_half(float f) {
  const uint32_t x = f32_bits(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t u = x & 0x7fffffffu;
  if (u >= 0x7f800000u)  // inf or NaN (quiet, payload's top bits kept)
    return static_cast<uint16_t>(sign | 0x7c00u | (u > 0x7f800000u ? (0x200u | ((u >> 13) & 0x3ffu)) : 0u));
  if (u >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520 rounds to inf
  if (u < 0x38800000u) {                                               // below 2^-14: subnormal or 0
    if (u <= 0x33000000u) return sign;                                 // <= 2^-25 rounds to 0
    const uint32_t e = u >> 23;
    const uint32_t mant = (u & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126u - e;  // 14..24
    uint32_t r = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1u);
    const uint32_t halfway = 1u << (shift - 1u);
    if (rem > halfway || (rem == halfway && (r & 1u))) ++r;
    return static_cast<uint16_t>(sign | r);
  }
  uint32_t r = (u >> 13) - (112u << 10);
  const uint32_t rem = u & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;
  return static_cast<uint16_t>(sign | r);
}

FL_CVT float bf16_to_float(uint16_t h) { return f32_from_bits(static_cast<uint32_t>(h) << 16); }

FL_CVT uint16_t float_to_bf16(float f) {
  const uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);  // quiet NaN
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

// double -> float rounded to odd (truncate, then set the last bit when inexact).
FL_CVT float double_to_float_odd(double d) {
  float f = static_cast<float>(d);
  if (d != d || static_cast<double>(f) == d) return f;
  uint32_t u = f32_bits(f);
  const double af = f < 0 ? -static_cast<double>(f) : static_cast<double>(f);
  const double ad = d < 0 ? -d : d;
  if (af > ad) --u;  // rounded away from zero (also inf -> FLT_MAX): step back toward zero
  return f32_from_bits(u | 1u);
}

FL_CVT uint16_t double_to_half(double d) { return float_to_half(double_to_float_odd(d)); }
FL_CVT uint16_t double_to_bf16(double d) { return float_to_bf16(double_to_float_odd(d)); }

// ---- load / store in the compute type (float for f16/bf16/float, double for double) ----------
FL_CVT float load(float v) { return v; }
FL_CVT double load(double v) { return v; }
FL_CVT float load(f16 v) { return half_to_float(v.bits); }
FL_CVT float load(bf16 v) { return bf16_to_float(v.bits); }

template <typename S>
struct Store;
template <>
struct Store<float> {
  static FL_CVT float from(float v) { return v; }
  static FL_CVT float from_double(double v) { return static_cast<float>(v); }
};
template <>
struct Store<double> {
  static FL_CVT double from(double v) { return v; }
  static FL_CVT double from_double(double v) { return v; }
};
template <>
struct Store<f16> {
  static FL_CVT f16 from(float v) { return f16{float_to_half(v)}; }
  static FL_CVT f16 from_double(double v) { return f16{double_to_half(v)}; }
};
template <>
struct Store<bf16> {
  static FL_CVT bf16 from(float v) { return bf16{float_to_bf16(v)}; }
  static FL_CVT bf16 from_double(double v) { return bf16{double_to_bf16(v)}; }
};

}  // namespace focal_loss
