// Self-test of the host float transcendentals in focal_loss_math.h against double-precision <cmath>.
// Prints the worst error in ulps per function and exits non-zero when a bound is exceeded.
// Run by tests/oracle/test_native_op.py (and by hand: artifacts/native/focal_loss_math_selftest).
#include "focal_loss_math.h"

#include <cmath>
#include <cstdio>
#include <limits>

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
    std::printf("%-8s max error %.3f ulp at x = %.9g (bound %.1f) %s\n", name, err, at, bound, ok ? "ok" : "FAIL");
    return ok;
  }
};

}  // namespace

int main() {
  Worst we{"exp", 2.0}, wl{"log", 2.0}, w1{"log1p", 3.0};
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
