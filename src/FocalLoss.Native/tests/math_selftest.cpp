// Self-test of the host float transcendentals in focal_loss_math.h against double-precision <cmath>,
// and of the AVX2 + FMA versions the CPU kernel runs (focal_loss_avx2.h) when the CPU has them.
// Prints the worst error in ulps per function and exits non-zero when a bound is exceeded.
// Run by tests/oracle/test_native_op.py (and by hand: artifacts/native/focal_loss_math_selftest).
#include "focal_loss_avx2.h"
#include "focal_loss_math.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

using namespace focal_loss::math;

namespace {

// Error of `got` against the exact `want` (double), in units of float ulp at `want`.
double ulps(float got, double want) {
  if (std::isnan(want)) return std::isnan(got) ? 0 : 1e30;
  if (std::isinf(static_cast<float>(want))) return got == static_cast<float>(want) ? 0 : 1e30;
  const double aw = std::fabs(want);
  double ulp;
  if (aw < static_cast<double>(std::numeric_limits<float>::min()))
    ulp = std::ldexp(1.0, -149);  // subnormal spacing
  else
    ulp = std::ldexp(1.0, std::ilogb(aw) - 23);
  return std::fabs(static_cast<double>(got) - want) / ulp;
}

struct Worst {
  const char* name;
  double bound;
  double err = 0;
  double at = 0;
  void add(double x, float got, double want) {
    const double e = ulps(got, want);
    if (e > err) {
      err = e;
      at = x;
    }
  }
  bool report() const {
    const bool ok = err <= bound;
    std::printf("%-12s max error %.3f ulp at x = %.9g (bound %.1f) %s\n", name, err, at, bound, ok ? "ok" : "FAIL");
    return ok;
  }
};

#if FL_AVX2_KERNEL
__attribute__((target("avx2,fma"))) void avx2_exp_neg(const float* a, float* out, size_t n) {
  for (size_t j = 0; j + 8 <= n; j += 8) _mm256_storeu_ps(out + j, focal_loss::avx2::exp_neg(_mm256_loadu_ps(a + j)));
}
__attribute__((target("avx2,fma"))) void avx2_log1p(const float* e, float* out, size_t n) {
  for (size_t j = 0; j + 8 <= n; j += 8)
    _mm256_storeu_ps(out + j, focal_loss::avx2::log1p_unit(_mm256_loadu_ps(e + j)));
}

// Runs fn over the inputs (padded to a multiple of 8) and records the errors against want(x).
template <typename Fn, typename Want>
void check_avx2(Worst& w, const std::vector<float>& in, Fn fn, Want want) {
  std::vector<float> a(in);
  while (a.size() % 8) a.push_back(a.back());
  std::vector<float> out(a.size());
  fn(a.data(), out.data(), a.size());
  for (size_t i = 0; i < in.size(); ++i) w.add(in[i], out[i], want(static_cast<double>(in[i])));
}

bool avx2_selftest() {
  if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    std::printf("avx2     not supported by this CPU: skipped\n");
    return true;
  }
  Worst we{"avx2 exp(-a)", 1.5}, w1{"avx2 log1p", 2.0};
  std::vector<float> a;
  // a in [0, 110] densely (results down to the subnormals, then 0), tiny a, and up to 1e4
  for (double v = 0.0; v <= 110.0; v += 1.0 / 8192.0) a.push_back(static_cast<float>(v));
  for (double v = 1e-40; v <= 1.0; v *= 1.0 + 1.0 / 1024.0) a.push_back(static_cast<float>(v));
  for (double v = 110.0; v <= 1e4; v *= 1.0 + 1.0 / 64.0) a.push_back(static_cast<float>(v));
  a.push_back(1e4f);
  a.push_back(std::numeric_limits<float>::max());
  check_avx2(we, a, avx2_exp_neg, [](double v) { return std::exp(-v); });
  std::vector<float> e;
  for (double v = 0.0; v <= 1.0; v += 1.0 / (1 << 21)) e.push_back(static_cast<float>(v));
  for (double v = 1e-45; v <= 1.0; v *= 1.0 + 1.0 / 4096.0) e.push_back(static_cast<float>(v));
  check_avx2(w1, e, avx2_log1p, [](double v) { return std::log1p(v); });
  bool ok = we.report();
  ok = w1.report() && ok;
  // special values: exp(-0) = 1, exp(-inf) = 0, NaN propagates
  const float sp[8] = {0.0f, std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(), 104.0f,
                       1e4f, 0.0f, 0.0f, 0.0f};
  float r[8];
  avx2_exp_neg(sp, r, 8);
  if (r[0] != 1.0f || r[1] != 0.0f || !std::isnan(r[2]) || r[3] != 0.0f || r[4] != 0.0f) {
    std::printf("avx2 exp(-a) special values wrong\n");
    ok = false;
  }
  const float se[8] = {0.0f, 1.0f, std::numeric_limits<float>::denorm_min(), 0, 0, 0, 0, 0};
  avx2_log1p(se, r, 8);
  if (r[0] != 0.0f || r[2] != std::numeric_limits<float>::denorm_min()) {
    std::printf("avx2 log1p special values wrong\n");
    ok = false;
  }
  return ok;
}
#else
bool avx2_selftest() {
  std::printf("avx2     not compiled for this target: skipped\n");
  return true;
}
#endif

}  // namespace

int main() {
  Worst we{"exp", 2.0}, wl{"log", 2.0}, w1{"log1p", 2.0};
  // exp over [-150, 89]: a dense sweep
  for (double x = -150.0; x <= 89.0; x += 1.0 / 4096.0) {
    const float xf = static_cast<float>(x);
    we.add(xf, host_expf(xf), std::exp(static_cast<double>(xf)));
  }
  // log over [1e-30, 2] (log-spaced) and densely over [0.5, 2]
  for (double x = 1e-30; x <= 2.0; x *= 1.0 + 1.0 / 8192.0) {
    const float xf = static_cast<float>(x);
    wl.add(xf, host_logf(xf), std::log(static_cast<double>(xf)));
  }
  for (double x = 0.5; x <= 2.0; x += 1.0 / (1 << 20)) {
    const float xf = static_cast<float>(x);
    wl.add(xf, host_logf(xf), std::log(static_cast<double>(xf)));
  }
  // log1p over [0, 1]: exp(-|x|) values of every float logit magnitude
  for (double x = 1e-45; x <= 1.0; x *= 1.0 + 1.0 / 4096.0) {
    const float xf = static_cast<float>(x);
    w1.add(xf, host_log1pf(xf), std::log1p(static_cast<double>(xf)));
  }
  for (double x = 0.0; x <= 1.0; x += 1.0 / (1 << 20)) {
    const float xf = static_cast<float>(x);
    w1.add(xf, host_log1pf(xf), std::log1p(static_cast<double>(xf)));
  }
  bool ok = we.report();
  ok = wl.report() && ok;
  ok = w1.report() && ok;
  ok = avx2_selftest() && ok;
  // special values
  if (host_expf(0.0f) != 1.0f) { std::printf("exp(0) != 1\n"); ok = false; }
  if (host_expf(-200.0f) != 0.0f) { std::printf("exp(-200) != 0\n"); ok = false; }
  if (!std::isinf(host_expf(100.0f))) { std::printf("exp(100) != inf\n"); ok = false; }
  if (!std::isnan(host_expf(std::numeric_limits<float>::quiet_NaN()))) { std::printf("exp(nan) != nan\n"); ok = false; }
  if (host_log1pf(0.0f) != 0.0f) { std::printf("log1p(0) != 0\n"); ok = false; }
  if (host_logf(1.0f) != 0.0f) { std::printf("log(1) != 0\n"); ok = false; }
  std::printf("%s\n", ok ? "math selftest: PASS" : "math selftest: FAIL");
  return ok ? 0 : 1;
}
