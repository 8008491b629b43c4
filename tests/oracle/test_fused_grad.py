"""The fused pair of ABI 3 (fl_cpu_forward_with_grad, fl_cpu_scale_grad) against the separate kernels
(fl_cpu_forward, fl_cpu_backward: bit for bit), against torch autograd, across thread counts, and
its argument errors. The AVX2 and portable paths run the same checks in child processes.

Run: /usr/bin/python3 -m pytest tests/oracle   (after build/build-native.sh)
"""
import ctypes
import os
import subprocess
import sys

import pytest
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import native_lib as nl  # noqa: E402
from native_lib import LIB  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.exists(LIB), reason="run build/build-native.sh first")

DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16]
GAMMAS = [0.0, 1.0, 2.0, 1.5]
TARGETS = ["hard", "soft", "mixed", "index"]
WEIGHTS = ["none", "element", "anchor", "class"]
REDUCTIONS = ["none", "mean", "sum"]
ROWS, C = 41, 19  # 779 elements: partial vectors and tiles


def make(dtype, kind, target, weight, seed=0, rows=ROWS, classes=C):
    g = torch.Generator().manual_seed(seed)
    shape = (rows, classes)
    if kind == "logits":
        x = (torch.randn(shape, generator=g, dtype=torch.float64) * 6).to(dtype)
    else:
        x = torch.rand(shape, generator=g, dtype=torch.float64).to(dtype)
        x.view(-1)[:4] = torch.tensor([0.0, 1.0, 0.0, 1.0], dtype=dtype)
    if target == "index":
        t = torch.randint(0, classes + 1, (rows,), generator=g)
    else:
        hard = (torch.rand(shape, generator=g) < 0.3).to(torch.float64)
        soft = torch.rand(shape, generator=g, dtype=torch.float64)
        if target == "hard":
            t = hard
        elif target == "soft":
            t = soft
        else:  # first half hard (AVX tiles), second half soft
            t = torch.where(torch.arange(rows * classes).reshape(shape) < rows * classes // 2, hard, soft)
        t = t.to(dtype)
    w = None
    if weight == "element":
        w = torch.rand(shape, generator=g, dtype=torch.float64).to(dtype)
    elif weight == "anchor":
        w = torch.rand((rows,), generator=g, dtype=torch.float64).to(dtype)
    elif weight == "class":
        w = torch.rand((classes,), generator=g, dtype=torch.float64).to(dtype)
    return x, t, w


def bits_equal(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype in (torch.float16, torch.bfloat16):
        return torch.equal(a.view(torch.int16), b.view(torch.int16))
    if a.dtype == torch.float32:
        return torch.equal(a.view(torch.int32), b.view(torch.int32))
    return torch.equal(a.view(torch.int64), b.view(torch.int64))


def divisor_of(x, reduction, avg_factor):
    if reduction != "mean":
        return 1.0
    return float(avg_factor) if avg_factor is not None else float(x.numel())


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("kind", ["logits", "probabilities"])
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("weight", WEIGHTS)
@pytest.mark.parametrize("gamma", GAMMAS)
def test_fused_equals_separate_kernels_bitwise(dtype, kind, target, weight, gamma):
    x, t, w = make(dtype, kind, target, weight, seed=int(gamma * 10) + 3)
    gen = torch.Generator().manual_seed(5)
    for alpha in (0.25, -1.0):
        for reduction, avg in [("none", None), ("mean", None), ("mean", 13.5), ("sum", None)]:
            out, saved = nl.forward_with_grad(x, t, w, alpha, gamma, reduction, avg, kind)
            assert saved.dtype == nl.saved_dtype(dtype) and saved.shape == x.shape
            ref = nl.forward(x, t, w, alpha, gamma, reduction, avg, kind)
            assert bits_equal(out, ref), (alpha, reduction, avg)
            if reduction == "none":
                go = (torch.randn(x.shape, generator=gen, dtype=torch.float64) * 3).to(dtype)
            else:
                go = torch.tensor(0.7 + torch.rand((), generator=gen).item(), dtype=torch.float64).to(dtype)
            gi = nl.scale_grad(saved, go, dtype, reduction, divisor_of(x, reduction, avg))
            gref = nl.backward(go, x, t, w, alpha, gamma, reduction, avg, kind)
            assert bits_equal(gi, gref), (alpha, reduction, avg)
            if reduction != "mean" and dtype in (torch.float32, torch.float64):
                # the saved buffer is the gradient for grad_output = 1
                one = torch.ones(x.shape if reduction == "none" else (), dtype=dtype)
                assert bits_equal(saved, nl.backward(one, x, t, w, alpha, gamma, reduction, avg, kind))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_thread_counts_bitwise(dtype, reduction):
    # several chunks (kChunk = 32768 elements), hard and soft tiles, element weights
    rows, classes = 700, 150
    x, t, w = make(dtype, "logits", "mixed", "element", seed=11, rows=rows, classes=classes)
    res = []
    for n in [1, 2, 3, 7]:
        out, saved = nl.forward_with_grad(x, t, w, 0.25, 2.0, reduction, threads=n)
        go = torch.full(x.shape if reduction == "none" else (), 0.3, dtype=dtype)
        gi = nl.scale_grad(saved, go, dtype, reduction, divisor_of(x, reduction, None), threads=n)
        res.append((out, saved, gi))
    for r in res[1:]:
        assert all(bits_equal(a, b) for a, b in zip(r, res[0]))


def reference_logits(x, t, w, alpha, gamma, reduction, avg):
    if t.dtype == torch.int64:
        t = torch.nn.functional.one_hot(t, num_classes=x.size(-1) + 1)[..., : x.size(-1)].to(x.dtype)
    loss = torchvision.ops.sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction="none")
    if w is not None:
        loss = loss * (w.reshape(-1, 1) if w.dim() == 1 and w.numel() == x.size(0) else w)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / avg if avg is not None else loss.mean()


@pytest.mark.parametrize("kind", ["logits", "probabilities"])
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("weight", WEIGHTS)
@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_fused_autograd_matches_torch(kind, target, weight, gamma, reduction):
    x, t, w = make(torch.float64, kind, target, weight, seed=7)
    if kind == "probabilities":
        x = x.clamp(1e-6, 1 - 1e-6)  # inside the clamp of log, so torch's gradient is the plain formula
    avg = 9.0 if reduction == "mean" else None
    xa = x.clone().requires_grad_(True)
    xb = x.clone().requires_grad_(True)
    out = nl.fused_focal_loss(xa, t, w, 0.25, gamma, reduction, avg, kind)
    if kind == "logits":
        ref = reference_logits(xb, t, w, 0.25, gamma, reduction, avg)
    else:
        ref = nl.mmdet_focal_loss_with_prob(xb, t, w, gamma=gamma, alpha=0.25, reduction=reduction, avg_factor=avg)
    torch.testing.assert_close(out, ref, rtol=1e-10, atol=1e-12)
    go = torch.randn(out.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    out.backward(go)
    ref.backward(go)
    torch.testing.assert_close(xa.grad, xb.grad, rtol=1e-9, atol=1e-12)


def test_second_backward_with_retain_graph_gives_the_same_gradient():
    x, t, w = make(torch.float32, "logits", "hard", "none")
    x.requires_grad_(True)
    loss = nl.fused_focal_loss(x, t, w, 0.25, 2.0, "mean")
    loss.backward(retain_graph=True)
    g1 = x.grad.clone()
    loss.backward()
    assert torch.equal(x.grad, g1 + g1)


def test_empty_inputs():
    x = torch.empty(0, 5)
    t = torch.empty(0, 5)
    for reduction, expect in [("none", None), ("sum", 0.0), ("mean", float("nan"))]:
        out, saved = nl.forward_with_grad(x, t, None, 0.25, 2.0, reduction)
        assert saved.numel() == 0
        if expect is not None:
            ref = nl.forward(x, t, None, 0.25, 2.0, reduction)
            assert bits_equal(out, ref)
        gi = nl.scale_grad(saved, torch.ones(x.shape if reduction == "none" else ()), torch.float32, reduction,
                           0.0 if reduction == "mean" else 1.0)
        assert gi.numel() == 0


def call_forward_with_grad(p, out, saved, threads=1):
    return nl.lib().fl_cpu_forward_with_grad(ctypes.byref(p) if p is not None else None, out, saved, threads)


def call_scale(p, saved, go, gi, threads=1):
    return nl.lib().fl_cpu_scale_grad(ctypes.byref(p) if p is not None else None, saved, go, gi, threads)


def test_argument_errors_name_the_argument():
    x, t, _ = make(torch.float32, "logits", "hard", "none")
    p, keep = nl.make_problem(x, t, None, 0.25, 2.0, "none", None)
    out = torch.empty(x.shape)
    saved = torch.empty(x.shape)
    ptr = lambda a: ctypes.c_void_p(a.data_ptr())  # noqa: E731
    assert call_forward_with_grad(p, ptr(out), None) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "saved_grad" and "saved_grad" in nl.last_error()[0]
    assert call_forward_with_grad(p, None, ptr(saved)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "out"
    assert call_forward_with_grad(None, ptr(out), ptr(saved)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "problem"
    assert call_forward_with_grad(p, ptr(out), ptr(saved), threads=0) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "threads"
    # a bad class index: nothing is written, "target" named
    xi, ti, _ = make(torch.float32, "logits", "index", "none")
    ti[3] = C + 1
    pi, keep_i = nl.make_problem(xi, ti, None, 0.25, 2.0, "sum", None)
    one = torch.empty(())
    saved.fill_(7.0)
    assert call_forward_with_grad(pi, ptr(one), ptr(saved)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "target"
    assert bool((saved == 7.0).all())

    sp = nl.scale_problem(torch.float32, x.numel(), "none", 1.0)
    go = torch.ones(x.shape)
    gi = torch.empty(x.shape)
    assert call_scale(sp, None, ptr(go), ptr(gi)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "saved_grad"
    assert call_scale(sp, ptr(saved), None, ptr(gi)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "grad_output"
    assert call_scale(sp, ptr(saved), ptr(go), None) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "grad_input"
    assert call_scale(sp, ptr(saved), ptr(go), ptr(gi), threads=2000) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "threads"
    bad = nl.scale_problem(torch.float32, x.numel(), "mean", -1.0)
    assert call_scale(bad, ptr(saved), ptr(go), ptr(gi)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "avg_factor"
    bad = nl.scale_problem(torch.int32, x.numel(), "none", 1.0)
    assert call_scale(bad, ptr(saved), ptr(go), ptr(gi)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "input"
    bad = nl.scale_problem(torch.float32, x.numel(), 5, 1.0)
    assert call_scale(bad, ptr(saved), ptr(go), ptr(gi)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "reduction"
    bad = nl.scale_problem(torch.float32, x.numel(), "none", 1.0)
    bad.struct_size = 8
    assert call_scale(bad, ptr(saved), ptr(go), ptr(gi)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "problem"
    assert call_scale(None, ptr(saved), ptr(go), ptr(gi)) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "problem"


@pytest.mark.parametrize("env", ["FOCAL_LOSS_CPU_NO_AVX512", "FOCAL_LOSS_CPU_NO_AVX2"])
def test_other_cpu_paths_pass_the_same_checks(env):
    # AVX2 (no AVX-512) and the portable loops, in child processes
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", os.path.abspath(__file__),
                        "-k", "bitwise or errors"], env=dict(os.environ, **{env: "1"}),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
