// A small persistent thread pool (std::thread) for the CPU kernels.
#pragma once

#include <cstdint>

namespace focal_loss {

// Calls fn(ctx, i) once for every i in [0, n), on exactly min(threads, n) threads: the calling
// thread plus threads - 1 pooled workers (created on first use, kept for later calls). Which
// thread runs which i is unspecified; callers make results independent of it. One job runs at a
// time (concurrent callers wait). fn must not throw and must not call parallel_run itself.
// Safe to use in a child process after fork() (it gets a pool of its own).
// May throw std::system_error (thread creation) before any fn call.
using IndexFn = void (*)(void* ctx, int64_t i);
void parallel_run(int64_t n, int threads, IndexFn fn, void* ctx);

// Convenience: any callable f(int64_t).
template <typename F>
void parallel_for_each(int64_t n, int threads, F& f) {
  parallel_run(n, threads, [](void* c, int64_t i) { (*static_cast<F*>(c))(i); }, &f);
}

}  // namespace focal_loss
