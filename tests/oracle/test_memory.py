"""Native memory: repeated forward+backward on large tensors must not grow the process.

The small-tensor leak checks (C# runtime tests) watch the C heap; gradients of 4 MiB and more
take a different allocation path (2 MiB-aligned, huge-page advised, freed by the tensor's
deleter), which only the resident set size shows.
"""
import gc
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from native_lib import REDUCTION, load_op  # noqa: E402


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def step(op, n, reduction):
    x = torch.randn(n, dtype=torch.float32, requires_grad=True)
    t = (torch.rand(n) > 0.9).float()
    loss = op(x, t, None, 0.25, 2.0, REDUCTION[reduction], None)
    (loss if loss.dim() == 0 else loss.sum()).backward()
    assert torch.isfinite(x.grad).all()
    return x.grad.numel()


def test_large_gradients_are_freed():
    op = load_op()
    n = 1 << 21  # 8 MiB float32 gradient and output: the huge-page path
    for reduction in ("mean", "none"):
        for _ in range(3):
            step(op, n, reduction)  # warm-up: allocator caches, thread pools
    gc.collect()
    before = rss_bytes()
    for i in range(40):
        step(op, n, "mean" if i % 2 else "none")
    gc.collect()
    grown = rss_bytes() - before
    # 40 iterations allocate about 40 * 3 * 8 MiB; a leak of any one buffer per call shows as
    # >= 320 MiB. Allow 64 MiB for allocator and page-cache noise.
    assert grown < 64 << 20, f"resident memory grew by {grown / 2**20:.1f} MiB over 40 large calls"
