// Kernel micro-benchmark: CPU time per element of the fused forward and backward kernels, separately.
//
// Meant for A/B comparisons of the element math on a shared (noisy) machine: besides wall-clock
// time it reports CPU time, which other processes on the machine disturb much less:
//  - thread: CLOCK_THREAD_CPUTIME_ID of the calling thread (with --threads 1 all the work runs on
//            it, so this is the kernel's own CPU time);
//  - (of it sys): the part of the thread's CPU time spent in the kernel (getrusage RUSAGE_THREAD,
//            microsecond resolution): page faults on freshly allocated output memory;
//  - process: CLOCK_PROCESS_CPUTIME_ID (all threads; with --threads > 1 it also counts the time
//            OpenMP worker threads spend spinning at the end of a parallel region).
// Medians over --reps runs, in ns per element. Calls the dispatcher ops directly (no autograd).
//
// Usage: focal_loss_kernel_bench [--log2 23] [--threads 1] [--reps 15] [--dtype f32|f64|f16|bf16]
//                                [--gamma 2] [--alpha 0.25] [--targets dense|soft|index] [--classes 80]
//                                [--reduction mean|sum|none]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include <dlfcn.h>
#include <sys/resource.h>

namespace {

double clock_s(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double thread_sys_s() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_stime.tv_sec) + 1e-6 * static_cast<double>(ru.ru_stime.tv_usec);
}

struct Times {
  double wall, thread, process, sys;
};

Times measure(const std::function<void()>& fn, int reps) {
  fn();  // warm-up
  std::vector<double> w, th, pr, sy;
  for (int r = 0; r < reps; ++r) {
    const double w0 = clock_s(CLOCK_MONOTONIC), t0 = clock_s(CLOCK_THREAD_CPUTIME_ID),
                 p0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), s0 = thread_sys_s();
    fn();
    sy.push_back(thread_sys_s() - s0);
    w.push_back(clock_s(CLOCK_MONOTONIC) - w0);
    th.push_back(clock_s(CLOCK_THREAD_CPUTIME_ID) - t0);
    pr.push_back(clock_s(CLOCK_PROCESS_CPUTIME_ID) - p0);
  }
  auto med = [](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  return {med(w), med(th), med(pr), med(sy)};
}

}  // namespace

int main(int argc, char** argv) {
  int log2n = 23, threads = 1, reps = 15, classes = 80;
  double gamma = 2.0, alpha = 0.25;
  std::string dtype = "f32", targets = "dense", reduction = "mean";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--log2") log2n = std::atoi(v);
    else if (k == "--threads") threads = std::atoi(v);
    else if (k == "--reps") reps = std::atoi(v);
    else if (k == "--classes") classes = std::atoi(v);
    else if (k == "--gamma") gamma = std::atof(v);
    else if (k == "--alpha") alpha = std::atof(v);
    else if (k == "--dtype") dtype = v;
    else if (k == "--targets") targets = v;
    else if (k == "--reduction") reduction = v;
  }
  // The operator registers itself when the library is loaded (it is linked, but nothing here
  // references a symbol of it; load it explicitly so that the registration is present).
  if (!dlopen("libFocalLossNative.so", RTLD_NOW | RTLD_GLOBAL)) {
    std::fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  at::set_num_threads(threads);
  const at::ScalarType st = dtype == "f64" ? at::kDouble : dtype == "f16" ? at::kHalf
                          : dtype == "bf16" ? at::kBFloat16 : at::kFloat;
  const int64_t red = reduction == "none" ? 0 : reduction == "sum" ? 2 : 1;
  const int64_t n = int64_t(1) << log2n;
  at::manual_seed(0);
  const int64_t C = targets == "index" ? classes : 1;
  at::Tensor x = (at::randn({n / C, C}, at::kFloat) * 3).to(st);
  at::Tensor t;
  if (targets == "index")
    t = at::randint(0, C + 1, {n / C}, at::kLong);
  else if (targets == "soft")
    t = at::rand({n / C, C}, at::kFloat).to(st);
  else
    t = (at::rand({n / C, C}, at::kFloat) < 0.1).to(st);
  const int64_t numel = x.numel();

  auto fwd = c10::Dispatcher::singleton()
                 .findSchemaOrThrow("focal_loss::sigmoid_focal_loss", "")
                 .typed<at::Tensor(const at::Tensor&, const at::Tensor&, const c10::optional<at::Tensor>&, double,
                                   double, int64_t, c10::optional<double>)>();
  auto bwd = c10::Dispatcher::singleton()
                 .findSchemaOrThrow("focal_loss::sigmoid_focal_loss_backward", "")
                 .typed<at::Tensor(const at::Tensor&, const at::Tensor&, const at::Tensor&,
                                   const c10::optional<at::Tensor>&, double, double, int64_t,
                                   c10::optional<double>)>();
  at::Tensor gout = red == 0 ? at::ones_like(x) : at::ones({}, x.options());
  const Times tf = measure([&] { fwd.call(x, t, c10::nullopt, alpha, gamma, red, c10::nullopt); }, reps);
  const Times tb = measure([&] { bwd.call(gout, x, t, c10::nullopt, alpha, gamma, red, c10::nullopt); }, reps);
  at::Tensor a = at::randn({numel}, at::kFloat), b = at::randn({numel}, at::kFloat), c = at::empty({numel}, at::kFloat);
  const Times ts = measure([&] { at::add_out(c, a, b); }, reps);
  const double k = 1e9 / static_cast<double>(numel);
  std::printf("libtorch %s, %d threads, N = %lld, %s, %s targets, gamma %g, alpha %g, reduction %s\n", TORCH_VERSION,
              at::get_num_threads(), static_cast<long long>(numel), dtype.c_str(), targets.c_str(), gamma, alpha,
              reduction.c_str());
  std::printf("%-10s %12s %12s %12s %12s   (ns/element, medians of %d)\n", "", "wall", "thread cpu",
              "(of it sys)", "process cpu", reps);
  std::printf("%-10s %12.3f %12.3f %12.3f %12.3f\n", "forward", tf.wall * k, tf.thread * k, tf.sys * k, tf.process * k);
  std::printf("%-10s %12.3f %12.3f %12.3f %12.3f\n", "backward", tb.wall * k, tb.thread * k, tb.sys * k, tb.process * k);
  std::printf("%-10s %12.3f %12.3f %12.3f %12.3f\n", "stream a+b", ts.wall * k, ts.thread * k, ts.sys * k, ts.process * k);
  return 0;
}
