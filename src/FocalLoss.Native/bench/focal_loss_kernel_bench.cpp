// Kernel micro-benchmark over the C ABI (no libtorch): time per element of the fused forward and
// backward CPU kernels, separately, against plain streaming loops that move comparable bytes:
//   stream r2    s += a[i] + b[i]        reads 2 floats (8 B/element): the bytes of a forward
//   stream r2w1  c[i] = a[i] + b[i]      reads 2, writes 1 float (12 B/element): a backward's bytes
//   stream r1w1  c[i] = a[i] * s         reads 1, writes 1 float (8 B/element): the saved-gradient scale
// The fused pair (ABI 3) is timed too: fl_cpu_forward_with_grad (reads x, t, writes the loss and a
// float32 saved gradient: 12 B/element for float32 reduction mean) and fl_cpu_scale_grad (reads the
// saved gradient, writes grad_input: 8 B/element); its roofline is r2w1 + r1w1 (20 B/element).
// both run on the same number of threads (one contiguous slice each). Besides wall-clock time it
// reports CPU time, which other processes on a shared machine disturb much less:
//  - thread: CLOCK_THREAD_CPUTIME_ID of the calling thread (with --threads 1 all the work runs on it);
//  - process: CLOCK_PROCESS_CPUTIME_ID (all threads).
// Medians over --reps runs, in ns per element. Output buffers are allocated once and reused
// (--fresh-output 1: a new malloc'd gradient per backward call, first-touch page faults included).
//
// Usage: focal_loss_kernel_bench [--log2 23] [--threads 1] [--reps 15] [--dtype f32|f64|f16|bf16]
//                                [--gamma 2] [--alpha 0.25] [--targets dense|soft|index] [--classes 80]
//                                [--reduction mean|sum|none] [--kind logits|prob] [--fresh-output 0|1]
#include "focal_loss_c_api.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

double clock_s(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Times {
  double wall, thread, process;
};

Times measure(const std::function<void()>& fn, int reps) {
  fn();  // warm-up
  std::vector<double> w, th, pr;
  for (int r = 0; r < reps; ++r) {
    const double w0 = clock_s(CLOCK_MONOTONIC), t0 = clock_s(CLOCK_THREAD_CPUTIME_ID),
                 p0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    fn();
    w.push_back(clock_s(CLOCK_MONOTONIC) - w0);
    th.push_back(clock_s(CLOCK_THREAD_CPUTIME_ID) - t0);
    pr.push_back(clock_s(CLOCK_PROCESS_CPUTIME_ID) - p0);
  }
  auto med = [](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  return {med(w), med(th), med(pr)};
}

// Runs body(begin, end) over [0, n) in `threads` contiguous slices (the calling thread takes one).
void sliced(int64_t n, int threads, const std::function<void(int64_t, int64_t)>& body) {
  std::vector<std::thread> ts;
  const int64_t per = (n + threads - 1) / threads;
  for (int k = 1; k < threads; ++k)
    ts.emplace_back([&, k] { body(std::min(n, k * per), std::min(n, (k + 1) * per)); });
  body(0, std::min(n, per));
  for (auto& t : ts) t.join();
}

void check(fl_status s, const char* what) {
  if (s != FL_OK) {
    std::fprintf(stderr, "%s: status %d: %s\n", what, s, fl_last_error());
    std::exit(1);
  }
}

uint16_t to_half_bits(float f, bool bf16) {  // for input generation only (truncating is fine here)
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if (bf16) return static_cast<uint16_t>(u >> 16);
  const uint32_t sign = (u >> 16) & 0x8000u, e = (u >> 23) & 0xffu;
  if (e < 113) return static_cast<uint16_t>(sign);
  if (e > 142) return static_cast<uint16_t>(sign | 0x7bffu);
  return static_cast<uint16_t>(sign | ((e - 112) << 10) | ((u >> 13) & 0x3ffu));
}

}  // namespace

int main(int argc, char** argv) {
  int log2n = 23, threads = 1, reps = 15, classes = 80, fresh = 0;
  double gamma = 2.0, alpha = 0.25;
  std::string dtype = "f32", targets = "dense", reduction = "mean", kind = "logits";
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
    else if (k == "--kind") kind = v;
    else if (k == "--fresh-output") fresh = std::atoi(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  const int dt = dtype == "f64" ? FL_FLOAT64 : dtype == "f16" ? FL_FLOAT16 : dtype == "bf16" ? FL_BFLOAT16 : FL_FLOAT32;
  const int es = dt == FL_FLOAT64 ? 8 : dt == FL_FLOAT32 ? 4 : 2;
  const int red = reduction == "none" ? FL_REDUCTION_NONE : reduction == "sum" ? FL_REDUCTION_SUM : FL_REDUCTION_MEAN;
  const bool prob = kind == "prob";
  const int64_t n = int64_t(1) << log2n;
  const int64_t C = targets == "index" ? classes : 1;
  const int64_t numel = n / C * C, rows = numel / C;

  std::mt19937_64 rng(0);
  std::normal_distribution<float> nd(0.0f, 3.0f);
  std::uniform_real_distribution<float> ud(0.0f, 1.0f);
  auto put = [&](std::vector<unsigned char>& buf, int64_t i, float v) {
    if (dt == FL_FLOAT32) std::memcpy(&buf[i * 4], &v, 4);
    else if (dt == FL_FLOAT64) { double d = v; std::memcpy(&buf[i * 8], &d, 8); }
    else { uint16_t h = to_half_bits(v, dt == FL_BFLOAT16); std::memcpy(&buf[i * 2], &h, 2); }
  };
  std::vector<unsigned char> x(numel * es), t, out(red == FL_REDUCTION_NONE ? numel * es : 8), grad(numel * es),
      gout(red == FL_REDUCTION_NONE ? numel * es : 8);
  std::vector<int64_t> idx;
  for (int64_t i = 0; i < numel; ++i) put(x, i, prob ? ud(rng) : nd(rng));
  if (targets == "index") {
    idx.resize(rows);
    std::uniform_int_distribution<int64_t> id(0, C);
    for (auto& v : idx) v = id(rng);
  } else {
    t.resize(numel * es);
    for (int64_t i = 0; i < numel; ++i) put(t, i, targets == "soft" ? ud(rng) : (ud(rng) < 0.1f ? 1.0f : 0.0f));
  }
  for (int64_t i = 0; i < (red == FL_REDUCTION_NONE ? numel : 1); ++i) put(gout, i, 1.0f);

  fl_problem p;
  std::memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.dtype = dt;
  p.input_kind = prob ? FL_INPUT_PROBABILITIES : FL_INPUT_LOGITS;
  p.target_kind = targets == "index" ? FL_TARGET_INDEX : FL_TARGET_DENSE;
  p.reduction = red;
  p.numel = numel;
  p.classes = C;
  p.alpha = alpha;
  p.gamma = gamma;
  p.divisor = static_cast<double>(numel);
  p.input = x.data();
  p.target = targets == "index" ? static_cast<const void*>(idx.data()) : t.data();

  const Times tf = measure([&] { check(fl_cpu_forward(&p, out.data(), threads), "forward"); }, reps);
  const Times tb = measure([&] {
    if (fresh) {
      void* g = std::malloc(static_cast<size_t>(numel) * es);
      check(fl_cpu_backward(&p, gout.data(), g, threads), "backward");
      std::free(g);
    } else {
      check(fl_cpu_backward(&p, gout.data(), grad.data(), threads), "backward");
    }
  }, reps);

  std::vector<unsigned char> saved(static_cast<size_t>(numel) * (dt == FL_FLOAT64 ? 8 : 4));
  const Times tfg = measure([&] { check(fl_cpu_forward_with_grad(&p, out.data(), saved.data(), threads), "forward_with_grad"); }, reps);
  const Times tsg = measure([&] { check(fl_cpu_scale_grad(&p, saved.data(), gout.data(), grad.data(), threads), "scale_grad"); }, reps);

  std::vector<float> a(numel), b(numel), c(numel);
  for (int64_t i = 0; i < numel; ++i) { a[i] = nd(rng); b[i] = nd(rng); }
  std::vector<double> sums(threads);
  const Times ts2 = measure([&] {
    sliced(numel, threads, [&](int64_t b0, int64_t e0) {
      float s[16] = {0};  // 16 independent accumulators: vectorised, bound by memory, not add latency
      int64_t i = b0;
      for (; i + 16 <= e0; i += 16)
        for (int l = 0; l < 16; ++l) s[l] += a[i + l] + b[i + l];
      for (; i < e0; ++i) s[0] += a[i] + b[i];
      float tot = 0;
      for (float v : s) tot += v;
      sums[b0 * threads / std::max<int64_t>(numel, 1)] = tot;
    });
  }, reps);
  const Times ts3 = measure([&] {
    sliced(numel, threads, [&](int64_t b0, int64_t e0) {
      for (int64_t i = b0; i < e0; ++i) c[i] = a[i] + b[i];
    });
  }, reps);

  const Times ts11 = measure([&] {
    sliced(numel, threads, [&](int64_t b0, int64_t e0) {
      const float sc = 0.5f;
      for (int64_t i = b0; i < e0; ++i) c[i] = a[i] * sc;
    });
  }, reps);

  const double k = 1e9 / static_cast<double>(numel);
  std::printf("C ABI v%d, %d threads, N = %lld, %s %s, %s targets%s, gamma %g, alpha %g, reduction %s%s\n",
              fl_abi_version(), threads, static_cast<long long>(numel), dtype.c_str(), kind.c_str(), targets.c_str(),
              targets == "index" ? (" (C = " + std::to_string(C) + ")").c_str() : "", gamma, alpha, reduction.c_str(),
              fresh ? ", fresh gradient buffer per call" : "");
  std::printf("%-22s %10s %12s %12s   (ns/element, medians of %d)\n", "", "wall", "thread cpu", "process cpu", reps);
  auto row = [&](const char* name, const Times& tm) {
    std::printf("%-22s %10.3f %12.3f %12.3f\n", name, tm.wall * k, tm.thread * k, tm.process * k);
  };
  row("forward", tf);
  row("backward", tb);
  row("stream r2 (8 B/el)", ts2);
  row("stream r2w1 (12 B/el)", ts3);
  row("forward_with_grad", tfg);
  row("scale_grad", tsg);
  row("stream r1w1 (8 B/el)", ts11);
  std::printf("ratios (wall): forward / stream r2 = %.2f, backward / stream r2w1 = %.2f, "
              "forward+backward / (r2 + r2w1) = %.2f (20 B/element)\n",
              tf.wall / ts2.wall, tb.wall / ts3.wall, (tf.wall + tb.wall) / (ts2.wall + ts3.wall));
  auto sum2 = [](const Times& x, const Times& y) { return Times{x.wall + y.wall, x.thread + y.thread, x.process + y.process}; };
  const Times oldp = sum2(tf, tb), newp = sum2(tfg, tsg), roof = sum2(ts3, ts11);
  std::printf("fwd+bwd (ns/el)         %10s %12s %12s\n", "wall", "thread cpu", "process cpu");
  row("old (fwd + bwd)", oldp);
  row("new (fwd_grad + scale)", newp);
  row("roofline (r2w1 + r1w1)", roof);
  std::printf("ratios: old/roofline wall %.2f thread %.2f process %.2f; new/roofline wall %.2f thread %.2f process %.2f; "
              "new/old wall %.2f thread %.2f process %.2f\n",
              oldp.wall / roof.wall, oldp.thread / roof.thread, oldp.process / roof.process, newp.wall / roof.wall,
              newp.thread / roof.thread, newp.process / roof.process, newp.wall / oldp.wall, newp.thread / oldp.thread,
              newp.process / oldp.process);
  if (sums[0] == 12345.0) std::printf(" ");  // keep the r2 loop's result alive
  return 0;
}
