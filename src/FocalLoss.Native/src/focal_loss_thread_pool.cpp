#include "focal_loss_thread_pool.h"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace focal_loss {
namespace {

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_)
      if (t.joinable()) t.join();
  }

  void run(int64_t n, int threads, IndexFn fn, void* ctx) {
    std::lock_guard<std::mutex> job(job_mu_);  // one job at a time
    const int helpers = threads - 1;
    while (static_cast<int>(workers_.size()) < helpers) {
      const int id = static_cast<int>(workers_.size());
      workers_.emplace_back([this, id] { loop(id); });
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      fn_ = fn;
      ctx_ = ctx;
      n_ = n;
      next_.store(0, std::memory_order_relaxed);
      participants_ = helpers;
      pending_ = helpers;
      ++generation_;
    }
    wake_.notify_all();
    work();
    std::unique_lock<std::mutex> lk(mu_);
    done_.wait(lk, [this] { return pending_ == 0; });
  }

 private:
  void work() {
    for (;;) {
      const int64_t i = next_.fetch_add(1, std::memory_order_relaxed);
      if (i >= n_) return;
      fn_(ctx_, i);
    }
  }

  void loop(int id) {
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lk(mu_);
      seen = generation_;  // a worker created for the current job joins it below
      if (id < participants_ && pending_ > 0) seen = generation_ - 1;
    }
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu_);
        wake_.wait(lk, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (id >= participants_) continue;
      }
      work();
      std::lock_guard<std::mutex> lk(mu_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::mutex job_mu_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  bool stop_ = false;
  uint64_t generation_ = 0;
  int participants_ = 0;
  int pending_ = 0;
  IndexFn fn_ = nullptr;
  void* ctx_ = nullptr;
  int64_t n_ = 0;
  std::atomic<int64_t> next_{0};
};

// The pool of this process. After fork() the child has none of the parent's worker threads: it
// abandons the inherited pool object (never touching its threads or locks) and makes a new one.
// The holder's destructor (process exit, or unloading the library) joins the workers.
struct Holder {
  Pool* pool = nullptr;
  pid_t pid = 0;
  ~Holder() {
    if (pool != nullptr && pid == getpid()) delete pool;
  }
};

Pool& pool() {
  static Holder h;
  static std::mutex create_mu;
  std::lock_guard<std::mutex> lk(create_mu);
  const pid_t me = getpid();
  if (h.pool == nullptr || h.pid != me) {  // first use, or first use in a forked child
    h.pool = new Pool();
    h.pid = me;
  }
  return *h.pool;
}

}  // namespace

void parallel_run(int64_t n, int threads, IndexFn fn, void* ctx) {
  if (n <= 0) return;
  if (threads > n) threads = static_cast<int>(n);
  if (threads <= 1) {
    for (int64_t i = 0; i < n; ++i) fn(ctx, i);
    return;
  }
  pool().run(n, threads, fn, ctx);
}

}  // namespace focal_loss

