"""Native memory: repeated calls must not grow the process.

The library allocates only small scratch vectors (per-chunk partial sums) and the thread pool; the
caller owns every tensor. Two checks: the C heap (glibc mallinfo2) over many small calls, successful
and failing (error messages are stored in thread-local strings), and the resident set size over
large forward+backward steps through the autograd wrapper.
"""
import ctypes
import gc
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import native_lib as nl  # noqa: E402
from native_lib import LIB  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.exists(LIB), reason="run build/build-native.sh first")


class Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def heap_in_use():
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = Mallinfo2
    m = libc.mallinfo2()
    return m.uordblks + m.hblkhd


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_small_calls_do_not_grow_the_c_heap():
    x = torch.randn(64, 5)
    t = torch.randint(0, 6, (64,))
    bad = t.clone()
    bad[3] = 99
    out = torch.empty(64, 5)
    g = torch.tensor(1.0)

    def calls():
        for red in ("none", "mean", "sum"):
            nl.forward(x, t, None, 0.25, 2.0, red, threads=2)
            nl.backward(g if red != "none" else torch.ones(64, 5), x, t, None, 0.25, 0.5, red, threads=2)
        for breaker in (dict(gamma=-1.0), dict(alpha=7.0)):
            p, keep = nl.make_problem(x, t, None, breaker.get("alpha", 0.25), breaker.get("gamma", 2.0), "none", None)
            assert nl.lib().fl_cpu_forward(ctypes.byref(p), out.data_ptr(), 1) == nl.FL_ARGUMENT_ERROR
        with pytest.raises(nl.NativeArgumentError):
            nl.forward(x, bad, None, 0.25, 2.0, "sum", threads=2)

    for _ in range(50):
        calls()  # warm-up: thread pool, thread-local strings, torch caches
    gc.collect()
    before = heap_in_use()
    for _ in range(2000):
        calls()
    gc.collect()
    grown = heap_in_use() - before
    # 2000 * 9 calls; a leak of even 16 bytes per call shows as >= 288 KiB
    assert grown < 64 << 10, f"C heap grew by {grown} bytes over 18000 calls"


def step(n, reduction):
    x = torch.randn(n, dtype=torch.float32, requires_grad=True)
    t = (torch.rand(n) > 0.9).float()
    loss = nl.focal_loss(x, t, None, 0.25, 2.0, reduction)
    (loss if loss.dim() == 0 else loss.sum()).backward()
    assert torch.isfinite(x.grad).all()
    return x.grad.numel()


def test_large_calls_do_not_grow_the_resident_set():
    n = 1 << 21  # 8 MiB float32 gradient and output
    for reduction in ("mean", "none"):
        for _ in range(3):
            step(n, reduction)
    gc.collect()
    before = rss_bytes()
    for i in range(40):
        step(n, "mean" if i % 2 else "none")
    gc.collect()
    grown = rss_bytes() - before
    assert grown < 64 << 20, f"resident memory grew by {grown / 2**20:.1f} MiB over 40 large calls"
