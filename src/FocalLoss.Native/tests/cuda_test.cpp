// focal_loss_cuda_test: the CUDA kernels (libFocalLossNativeCuda) against the CPU kernels
// (libFocalLossNative) on the same inputs, through the C ABI only. The CUDA runtime is used only to
// allocate and copy device memory.
//
// Matrix: dtypes (float32, float64, float16, bfloat16) x input kinds (logits, probabilities) x
// targets (dense 0/1, dense soft, class indices) x weights (none, element, anchor, class) x
// gamma (0, 0.5, 1, 2, 5) x alpha (0.25, disabled) at sizes 1, 7x3, 37x7 and 3001x7 (not a multiple of
// the block size); reductions none / mean (divisor numel, and an avg_factor) / sum; backward with a
// per-element grad_output (none) and a scalar one (mean, sum). Large sizes (13200x80 = 1056000 >
// 2^20, and 2^21 + 3 x 1) for every dtype / input kind / target kind with gamma 2 and 0.5. Empty
// inputs. A class index out of range (same error, param and message as the CPU). Argument errors.
// Determinism: a reduction computed twice is bit-identical. The caller's current device is kept.
//
// Tolerances (GPU vs CPU, |gpu - cpu| <= atol + rtol * |cpu|), the two sides use different
// transcendental implementations (CUDA's expf/logf/log1pf vs the CPU's polynomials, FMA contraction):
//   float32  rtol 1e-4,  atol 1e-6   (gamma 5 multiplies the error of log q by 5)
//   float64  rtol 1e-10, atol 1e-13
//   float16  rtol 2e-3,  atol 1e-5   (about 2 ulp of float16: both round a float result once)
//   bfloat16 rtol 1.6e-2, atol 1e-4  (about 2 ulp of bfloat16)
// Reductions use the same rtol; probability-input gradients are compared with atol scaled by 1e12
// where p*(1-p) hits PyTorch's 1e-12 clamp (both sides divide by the same clamped value).
//
// Without a CUDA driver or device: prints "focal_loss_cuda_test: SKIPPED: no CUDA device (...)"
// and exits 0. Exit status 1 on any mismatch.
#include "focal_loss_c_api.h"

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

// ---- float16 / bfloat16 (independent of the library's helpers) --------------------------------
uint32_t fbits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
float ffrom(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
uint16_t to_half(float f) {  // round to nearest even through the hardware-independent double path
  if (std::isnan(f)) return 0x7e00;
  const uint16_t sign = (fbits(f) >> 16) & 0x8000;
  double a = std::fabs(static_cast<double>(f));
  if (a >= 65520.0) return sign | 0x7c00;
  int e;
  std::frexp(a, &e);                 // a = m * 2^e, m in [0.5, 1)
  int q = e - 11;                    // spacing 2^q for 11 significant bits
  if (q < -24) q = -24;              // subnormal spacing
  const double scaled = std::nearbyint(a / std::ldexp(1.0, q));  // ties to even (default rounding)
  const double v = scaled * std::ldexp(1.0, q);
  if (v == 0) return sign;
  int ve;
  std::frexp(v, &ve);
  if (ve - 1 < -14) return sign | static_cast<uint16_t>(v / std::ldexp(1.0, -24));
  const uint16_t exp = static_cast<uint16_t>(ve - 1 + 15);
  const uint16_t mant = static_cast<uint16_t>((v / std::ldexp(1.0, ve - 1) - 1.0) * 1024.0);
  return sign | static_cast<uint16_t>(exp << 10) | mant;
}
float from_half(uint16_t h) {
  const int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v = exp == 0 ? std::ldexp(mant, -24) : exp == 31 ? (mant ? NAN : INFINITY) : std::ldexp(1024 + mant, exp - 25);
  return static_cast<float>((h & 0x8000) ? -v : v);
}
uint16_t to_bf16(float f) {
  if (std::isnan(f)) return 0x7fc0;
  const uint32_t u = fbits(f);
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
float from_bf16(uint16_t h) { return ffrom(static_cast<uint32_t>(h) << 16); }

int esize(int dtype) { return dtype == FL_FLOAT64 ? 8 : dtype == FL_FLOAT32 ? 4 : 2; }
const char* dname(int d) { return d == 0 ? "f32" : d == 1 ? "f64" : d == 2 ? "f16" : "bf16"; }

std::vector<unsigned char> encode(const std::vector<double>& v, int dtype) {
  std::vector<unsigned char> b(v.size() * esize(dtype) + 8);
  for (size_t i = 0; i < v.size(); ++i) {
    switch (dtype) {
      case FL_FLOAT32: { float f = static_cast<float>(v[i]); std::memcpy(&b[i * 4], &f, 4); break; }
      case FL_FLOAT64: std::memcpy(&b[i * 8], &v[i], 8); break;
      case FL_FLOAT16: { uint16_t h = to_half(static_cast<float>(v[i])); std::memcpy(&b[i * 2], &h, 2); break; }
      default: { uint16_t h = to_bf16(static_cast<float>(v[i])); std::memcpy(&b[i * 2], &h, 2); break; }
    }
  }
  return b;
}
double decode1(const unsigned char* p, int dtype) {
  switch (dtype) {
    case FL_FLOAT32: { float f; std::memcpy(&f, p, 4); return f; }
    case FL_FLOAT64: { double d; std::memcpy(&d, p, 8); return d; }
    case FL_FLOAT16: { uint16_t h; std::memcpy(&h, p, 2); return from_half(h); }
    default: { uint16_t h; std::memcpy(&h, p, 2); return from_bf16(h); }
  }
}

void cuda_or_die(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::printf("focal_loss_cuda_test: FAILED: %s: %s\n", what, cudaGetErrorString(e));
    std::exit(1);
  }
}

struct DevBuf {
  void* p = nullptr;
  size_t n = 0;
  DevBuf() = default;
  explicit DevBuf(size_t bytes) : n(bytes) { cuda_or_die(cudaMalloc(&p, bytes < 8 ? 8 : bytes), "cudaMalloc"); }
  DevBuf(const void* host, size_t bytes) : DevBuf(bytes) {
    if (bytes) cuda_or_die(cudaMemcpy(p, host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy H2D");
  }
  ~DevBuf() { if (p) cudaFree(p); }
  DevBuf(const DevBuf&) = delete;
  DevBuf& operator=(const DevBuf&) = delete;
  std::vector<unsigned char> get() const {
    std::vector<unsigned char> h(n + 8);
    if (n) cuda_or_die(cudaMemcpy(h.data(), p, n, cudaMemcpyDeviceToHost), "cudaMemcpy D2H");
    return h;
  }
};

int g_failures = 0, g_checks = 0;
void failure(const std::string& what) {
  if (++g_failures <= 30) std::printf("MISMATCH %s\n", what.c_str());
}

struct Tol { double rtol, atol; };
Tol tol_for(int dtype) {
  switch (dtype) {
    case FL_FLOAT32: return {1e-4, 1e-6};
    case FL_FLOAT64: return {1e-10, 1e-13};
    case FL_FLOAT16: return {2e-3, 1e-5};
    default: return {1.6e-2, 1e-4};
  }
}

bool close(double g, double c, Tol t) {
  if (std::isnan(g) || std::isnan(c)) return std::isnan(g) && std::isnan(c);
  if (std::isinf(g) || std::isinf(c)) return g == c;
  return std::fabs(g - c) <= t.atol + t.rtol * std::fabs(c);
}

void compare(const std::string& what, const unsigned char* gpu, const unsigned char* cpu, int64_t n, int dtype,
             Tol t) {
  ++g_checks;
  for (int64_t i = 0; i < n; ++i) {
    const double g = decode1(gpu + i * esize(dtype), dtype), c = decode1(cpu + i * esize(dtype), dtype);
    if (!close(g, c, t)) {
      char buf[160];
      std::snprintf(buf, sizeof buf, " [%lld]: gpu %.17g cpu %.17g", static_cast<long long>(i), g, c);
      failure(what + buf);
      return;
    }
  }
}

struct Inputs {
  int64_t rows, C, n;
  std::vector<double> x, t, w, g;
  std::vector<int64_t> idx;
};

Inputs make_inputs(int64_t rows, int64_t C, int kind, int tkind, int wkind, std::mt19937_64& rng) {
  Inputs in;
  in.rows = rows; in.C = C; in.n = rows * C;
  std::normal_distribution<double> nd(0.0, 1.0);
  std::uniform_real_distribution<double> ud(0.0, 1.0);
  const double extremes[] = {0.0, 30.0, -30.0, 100.0, -100.0, 17.5, -17.5};
  in.x.resize(in.n);
  for (int64_t i = 0; i < in.n; ++i) {
    if (kind == FL_INPUT_LOGITS) {
      in.x[i] = (i % 97 == 5) ? extremes[(i / 97) % 7] : 4.0 * nd(rng);
    } else {
      const double u = ud(rng);
      in.x[i] = (i % 89 == 3) ? static_cast<double>((i / 89) % 2) : (i % 89 == 7) ? 1e-9 : u;
    }
  }
  if (tkind == 0) {  // dense hard
    in.t.resize(in.n);
    for (auto& v : in.t) v = ud(rng) < 0.3 ? 1.0 : 0.0;
  } else if (tkind == 1) {  // dense soft, with some exact 0 / 1
    in.t.resize(in.n);
    for (int64_t i = 0; i < in.n; ++i) in.t[i] = (i % 5 == 0) ? static_cast<double>(i % 2) : ud(rng);
  } else {
    in.idx.resize(rows);
    std::uniform_int_distribution<int64_t> id(0, C);
    for (auto& v : in.idx) v = id(rng);
  }
  const int64_t wn = wkind == FL_WEIGHT_ELEMENT ? in.n : wkind == FL_WEIGHT_ANCHOR ? rows : wkind == FL_WEIGHT_CLASS ? C : 0;
  in.w.resize(wn);
  for (auto& v : in.w) v = 2.0 * ud(rng);
  in.g.resize(in.n);
  for (auto& v : in.g) v = nd(rng);
  return in;
}

fl_problem problem_for(const Inputs& in, int dtype, int kind, int tkind, int wkind, int red, double alpha, double gamma,
                       double divisor, const void* x, const void* t, const void* w) {
  fl_problem p;
  std::memset(&p, 0, sizeof p);
  p.struct_size = sizeof(fl_problem);
  p.dtype = dtype; p.input_kind = kind; p.target_kind = tkind == 2 ? FL_TARGET_INDEX : FL_TARGET_DENSE;
  p.weight_kind = wkind; p.reduction = red; p.numel = in.n; p.classes = in.C;
  p.alpha = alpha; p.gamma = gamma; p.divisor = divisor;
  p.input = x; p.target = t; p.weight = wkind == FL_WEIGHT_NONE ? nullptr : w;
  return p;
}

void run_case(int dtype, int kind, int tkind, int wkind, double gamma, double alpha, int64_t rows, int64_t C,
              std::mt19937_64& rng) {
  const Inputs in = make_inputs(rows, C, kind, tkind, wkind, rng);
  const int es = esize(dtype);
  const size_t nb = static_cast<size_t>(in.n) * es;
  std::vector<unsigned char> hx = encode(in.x, dtype), hw = encode(in.w, dtype), hg = encode(in.g, dtype);
  std::vector<unsigned char> ht;
  if (tkind == 2) {
    ht.resize(in.idx.size() * 8 + 8);
    std::memcpy(ht.data(), in.idx.data(), in.idx.size() * 8);
  } else {
    ht = encode(in.t, dtype);
  }
  const size_t tb = tkind == 2 ? in.idx.size() * 8 : nb;
  DevBuf dx(hx.data(), nb), dt(ht.data(), tb), dw(hw.data(), in.w.size() * es), dg(hg.data(), nb);
  DevBuf dout(nb + 8), dgrad(nb + 8);
  const Tol t = tol_for(dtype);
  char name[200];
  std::snprintf(name, sizeof name, "%s %s %s w%d gamma %g alpha %g %lldx%lld", dname(dtype),
                kind ? "prob" : "logits", tkind == 0 ? "hard" : tkind == 1 ? "soft" : "index", wkind, gamma, alpha,
                static_cast<long long>(rows), static_cast<long long>(C));
  struct RedCase { int red; double divisor; const char* name; };
  const RedCase reds[] = {{FL_REDUCTION_NONE, 1.0, "none"}, {FL_REDUCTION_MEAN, static_cast<double>(in.n), "mean"},
                          {FL_REDUCTION_MEAN, 3.5, "mean/avg_factor"}, {FL_REDUCTION_SUM, 1.0, "sum"}};
  for (const RedCase& rc : reds) {
    const fl_problem pc = problem_for(in, dtype, kind, tkind, wkind, rc.red, alpha, gamma, rc.divisor, hx.data(), ht.data(), hw.data());
    const fl_problem pg = problem_for(in, dtype, kind, tkind, wkind, rc.red, alpha, gamma, rc.divisor, dx.p, dt.p, dw.p);
    const int64_t on = rc.red == FL_REDUCTION_NONE ? in.n : 1;
    std::vector<unsigned char> cout(on * es + 8);
    const std::string what = std::string(name) + " " + rc.name;
    fl_status sc = fl_cpu_forward(&pc, cout.data(), 2);
    fl_status sg = fl_cuda_forward(&pg, dout.p, 0);
    if (sc != FL_OK || sg != FL_OK) {
      failure(what + " forward: status cpu " + std::to_string(sc) + " (" + fl_last_error() + ") gpu " +
              std::to_string(sg) + " (" + fl_cuda_last_error() + ")");
      continue;
    }
    std::vector<unsigned char> gout = dout.get();
    compare(what + " forward", gout.data(), cout.data(), on, dtype, t);
    if (rc.red != FL_REDUCTION_NONE) {  // determinism: the same reduction again, bit for bit
      cuda_or_die(cudaMemset(dout.p, 0, 8), "cudaMemset");
      if (fl_cuda_forward(&pg, dout.p, 0) != FL_OK) failure(what + " forward (again)");
      std::vector<unsigned char> again = dout.get();
      ++g_checks;
      if (std::memcmp(again.data(), gout.data(), es) != 0) failure(what + " forward: reduction not deterministic");
    }
    // backward: per-element grad_output (none) or a scalar one (mean, sum)
    std::vector<unsigned char> cgrad(nb + 8);
    sc = fl_cpu_backward(&pc, hg.data(), cgrad.data(), 2);
    sg = fl_cuda_backward(&pg, dg.p, dgrad.p, 0);
    if (sc != FL_OK || sg != FL_OK) {
      failure(what + " backward: status cpu " + std::to_string(sc) + " (" + fl_last_error() + ") gpu " +
              std::to_string(sg) + " (" + fl_cuda_last_error() + ")");
      continue;
    }
    std::vector<unsigned char> ggrad = dgrad.get();
    Tol tg = t;
    if (kind == FL_INPUT_PROBABILITIES) tg.atol *= 1e3;  // gradients up to 1/1e-12 near p = 0, 1
    compare(what + " backward", ggrad.data(), cgrad.data(), in.n, dtype, tg);

    // the fused pair (ABI 3): fl_cuda_forward_with_grad + fl_cuda_scale_grad against the CPU's separate
    // kernels (loss and grad_input, the same tolerances), and the CPU pair against them bit for bit
    const size_t sb = static_cast<size_t>(in.n) * (dtype == FL_FLOAT64 ? 8 : 4);
    DevBuf dsaved(sb + 8), dout2(nb + 8), dgrad2(nb + 8);
    sg = fl_cuda_forward_with_grad(&pg, dout2.p, dsaved.p, 0);
    fl_status sg2 = sg == FL_OK ? fl_cuda_scale_grad(&pg, dsaved.p, dg.p, dgrad2.p, 0) : sg;
    if (sg != FL_OK || sg2 != FL_OK) {
      failure(what + " fused: status " + std::to_string(sg) + "/" + std::to_string(sg2) + " (" + fl_cuda_last_error() + ")");
      continue;
    }
    std::vector<unsigned char> gout2 = dout2.get(), ggrad2 = dgrad2.get();
    compare(what + " fused forward", gout2.data(), cout.data(), on, dtype, t);
    compare(what + " fused backward", ggrad2.data(), cgrad.data(), in.n, dtype, tg);
    std::vector<unsigned char> csaved(sb + 8), cout2(on * es + 8), cgrad2(nb + 8);
    ++g_checks;
    if (fl_cpu_forward_with_grad(&pc, cout2.data(), csaved.data(), 2) != FL_OK ||
        fl_cpu_scale_grad(&pc, csaved.data(), hg.data(), cgrad2.data(), 2) != FL_OK ||
        std::memcmp(cout2.data(), cout.data(), on * es) != 0 || std::memcmp(cgrad2.data(), cgrad.data(), nb) != 0)
      failure(what + " cpu fused pair differs from fl_cpu_forward / fl_cpu_backward");
  }
  cuda_or_die(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

void check_status(const char* what, fl_status got, fl_status want, const char* param_want) {
  ++g_checks;
  const std::string param = fl_cuda_last_error_param();
  if (got != want || (param_want && param != param_want))
    failure(std::string(what) + ": status " + std::to_string(got) + " param '" + param + "' (" + fl_cuda_last_error() +
            "), expected status " + std::to_string(want) + (param_want ? std::string(" param '") + param_want + "'" : ""));
}

void run_index_errors() {
  const int64_t rows = 13200, C = 80;
  std::mt19937_64 rng(11);
  for (int64_t bad : {int64_t(-1), C + 1, int64_t(1) << 40}) {
    Inputs in = make_inputs(rows, C, FL_INPUT_LOGITS, 2, FL_WEIGHT_NONE, rng);
    in.idx[5000] = bad;
    in.idx[9000] = -7;  // the first bad one is reported
    std::vector<unsigned char> hx = encode(in.x, FL_FLOAT32);
    DevBuf dx(hx.data(), in.n * 4), dt(in.idx.data(), rows * 8), dout(in.n * 4 + 8), dgrad(in.n * 4);
    for (int red : {FL_REDUCTION_NONE, FL_REDUCTION_SUM}) {
      fl_problem pc = problem_for(in, FL_FLOAT32, 0, 2, 0, red, 0.25, 2.0, 1.0, hx.data(), in.idx.data(), nullptr);
      fl_problem pg = problem_for(in, FL_FLOAT32, 0, 2, 0, red, 0.25, 2.0, 1.0, dx.p, dt.p, nullptr);
      std::vector<unsigned char> cout(in.n * 4 + 8);
      const fl_status sc = fl_cpu_forward(&pc, cout.data(), 1);
      const std::string cmsg = fl_last_error();
      check_status("index out of range (forward)", fl_cuda_forward(&pg, dout.p, 0), FL_ARGUMENT_ERROR, "target");
      ++g_checks;
      if (sc != FL_ARGUMENT_ERROR || cmsg != fl_cuda_last_error() || cmsg.find("[5000]") == std::string::npos)
        failure("index out of range: cpu '" + cmsg + "' gpu '" + fl_cuda_last_error() + "'");
      check_status("index out of range (backward)", fl_cuda_backward(&pg, dx.p, dgrad.p, 0), FL_ARGUMENT_ERROR, "target");
    }
  }
  cuda_or_die(cudaDeviceSynchronize(), "cudaDeviceSynchronize after index errors");
}

void run_argument_errors() {
  std::vector<double> xv = {0.5, -1.0, 2.0, 0.0, 1.0, -2.0}, tv = {1, 0, 0, 0, 1, 0};
  std::vector<unsigned char> hx = encode(xv, FL_FLOAT32), ht = encode(tv, FL_FLOAT32);
  DevBuf dx(hx.data(), 24), dt(ht.data(), 24), dout(32);
  auto base = [&] {
    fl_problem p;
    std::memset(&p, 0, sizeof p);
    p.struct_size = sizeof p; p.dtype = FL_FLOAT32; p.numel = 6; p.classes = 3; p.alpha = 0.25; p.gamma = 2;
    p.divisor = 6; p.input = dx.p; p.target = dt.p;
    return p;
  };
  fl_problem p = base();
  check_status("valid call", fl_cuda_forward(&p, dout.p, 0), FL_OK, nullptr);
  p = base(); p.gamma = -1; check_status("gamma < 0", fl_cuda_forward(&p, dout.p, 0), FL_ARGUMENT_ERROR, "gamma");
  p = base(); p.alpha = 2; check_status("alpha > 1", fl_cuda_forward(&p, dout.p, 0), FL_ARGUMENT_ERROR, "alpha");
  p = base(); p.reduction = 9; check_status("reduction 9", fl_cuda_forward(&p, dout.p, 0), FL_ARGUMENT_ERROR, "reduction");
  p = base(); p.reduction = 1; p.divisor = 0;
  check_status("divisor 0", fl_cuda_forward(&p, dout.p, 0), FL_ARGUMENT_ERROR, "avg_factor");
  p = base(); p.input = hx.data(); check_status("host input pointer", fl_cuda_forward(&p, dout.p, 0), FL_ARGUMENT_ERROR, "input");
  p = base(); p.struct_size = 8; check_status("struct_size", fl_cuda_forward(&p, dout.p, 0), FL_ARGUMENT_ERROR, "problem");
  p = base(); check_status("device -1", fl_cuda_forward(&p, dout.p, -1), FL_ARGUMENT_ERROR, "device");
  p = base(); check_status("grad_output NULL", fl_cuda_backward(&p, nullptr, dout.p, 0), FL_ARGUMENT_ERROR, "grad_output");
  p = base(); check_status("saved_grad NULL", fl_cuda_forward_with_grad(&p, dout.p, nullptr, 0), FL_ARGUMENT_ERROR, "saved_grad");
  p = base(); check_status("scale saved_grad NULL", fl_cuda_scale_grad(&p, nullptr, dout.p, dout.p, 0), FL_ARGUMENT_ERROR, "saved_grad");
  p = base(); p.weight_kind = FL_WEIGHT_CLASS;
  check_status("weight NULL", fl_cuda_forward(&p, dout.p, 0), FL_ARGUMENT_ERROR, "weight");
}

void run_empty() {
  for (int dtype = 0; dtype < 4; ++dtype) {
    DevBuf dout(8);
    for (int red = 0; red < 3; ++red) {
      fl_problem p;
      std::memset(&p, 0, sizeof p);
      p.struct_size = sizeof p; p.dtype = dtype; p.numel = 0; p.classes = 4; p.alpha = 0.25; p.gamma = 2;
      p.reduction = red; p.divisor = 0;
      const fl_status s = fl_cuda_forward(&p, red ? dout.p : nullptr, 0);
      check_status("empty forward", s, FL_OK, nullptr);
      if (red) {
        std::vector<unsigned char> h = dout.get();
        const double v = decode1(h.data(), dtype);
        ++g_checks;
        if (red == FL_REDUCTION_SUM ? v != 0.0 : !std::isnan(v)) failure(std::string("empty ") + dname(dtype) + " reduction value");
      }
      check_status("empty backward", fl_cuda_backward(&p, nullptr, nullptr, 0), FL_OK, nullptr);
    }
  }
}

}  // namespace

int main() {
  if (fl_abi_version() != FL_ABI_VERSION || fl_cuda_abi_version() != FL_ABI_VERSION) {
    std::printf("focal_loss_cuda_test: FAILED: ABI version mismatch (cpu %d, cuda %d, header %d)\n", fl_abi_version(),
                fl_cuda_abi_version(), FL_ABI_VERSION);
    return 1;
  }
  const int devices = fl_cuda_device_count();
  if (devices == 0) {
    int n = 0;
    const cudaError_t e = cudaGetDeviceCount(&n);
    std::printf("focal_loss_cuda_test: SKIPPED: no CUDA device (%s)\n",
                e != cudaSuccess ? cudaGetErrorString(e) : "cudaGetDeviceCount returned 0");
    return 0;
  }
  cudaDeviceProp prop{};
  cuda_or_die(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
  std::printf("focal_loss_cuda_test: %d device(s); device 0: %s (sm_%d%d)\n", devices, prop.name, prop.major, prop.minor);
  cuda_or_die(cudaSetDevice(0), "cudaSetDevice");

  std::mt19937_64 rng(2024);
  const double gammas[] = {0.0, 0.5, 1.0, 2.0, 5.0};
  const double alphas[] = {0.25, -1.0};
  struct Size { int64_t rows, C; };
  const Size small[] = {{1, 1}, {7, 3}, {37, 7}, {3001, 7}};
  for (int dtype = 0; dtype < 4; ++dtype)
    for (int kind = 0; kind < 2; ++kind)
      for (int tkind = 0; tkind < 3; ++tkind)
        for (int wkind = 0; wkind < 4; ++wkind)
          for (double gamma : gammas)
            for (double alpha : alphas)
              for (const Size& s : small) run_case(dtype, kind, tkind, wkind, gamma, alpha, s.rows, s.C, rng);
  const Size large[] = {{13200, 80}, {(int64_t(1) << 21) + 3, 1}};
  for (int dtype = 0; dtype < 4; ++dtype)
    for (int kind = 0; kind < 2; ++kind)
      for (int tkind = 0; tkind < 3; ++tkind)
        for (double gamma : {0.5, 2.0})
          for (const Size& s : large) run_case(dtype, kind, tkind, tkind == 2 ? FL_WEIGHT_CLASS : FL_WEIGHT_ELEMENT,
                                               gamma, 0.25, s.rows, s.C, rng);
  run_empty();
  run_index_errors();
  run_argument_errors();
  int cur = -1;
  cuda_or_die(cudaGetDevice(&cur), "cudaGetDevice");
  ++g_checks;
  if (cur != 0) failure("the current device changed");
  if (devices > 1) {  // a call on device 1 leaves device 0 current
    std::vector<double> xv = {0.5, -1.0}, tv = {1, 0};
    cuda_or_die(cudaSetDevice(1), "cudaSetDevice(1)");
    std::vector<unsigned char> hx = encode(xv, 0), ht = encode(tv, 0);
    DevBuf dx(hx.data(), 8), dt(ht.data(), 8), dout(8);
    cuda_or_die(cudaSetDevice(0), "cudaSetDevice(0)");
    fl_problem p;
    std::memset(&p, 0, sizeof p);
    p.struct_size = sizeof p; p.numel = 2; p.classes = 2; p.alpha = 0.25; p.gamma = 2; p.reduction = 2;
    p.input = dx.p; p.target = dt.p;
    check_status("device 1", fl_cuda_forward(&p, dout.p, 1), FL_OK, nullptr);
    cuda_or_die(cudaGetDevice(&cur), "cudaGetDevice");
    ++g_checks;
    if (cur != 0) failure("a call on device 1 changed the current device");
  }
  cuda_or_die(cudaDeviceSynchronize(), "final cudaDeviceSynchronize");
  if (g_failures) {
    std::printf("focal_loss_cuda_test: FAILED: %d of %d checks\n", g_failures, g_checks);
    return 1;
  }
  std::printf("focal_loss_cuda_test: PASSED: %d checks\n", g_checks);
  return 0;
}
