"""Accuracy of the CPU kernel's fast paths (float32), against the float64 kernel.

The float32 CPU kernel has a hard-target closed form with exact fast paths for gamma 0, 1, 2
(q^gamma as 1, q, q*q), a general exp(gamma * log q) path otherwise, its own float exp / log1p
polynomials, and an AVX2+FMA implementation beside the portable loops (the environment variable
FOCAL_LOSS_CPU_NO_AVX2=1 selects the portable loops). The float64 kernel uses <cmath> and is
checked against mpmath by the fixtures (rtol 1e-11), so it serves as the reference here, on the
same float32-rounded inputs. Logits cover 0, tiny, moderate, the float32 exp underflow region
(|x| around 87..104), and |x| up to 1e4.

Run: /usr/bin/python3 -m pytest tests/oracle   (after build/build-native.sh)
"""
import os
import subprocess
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import native_lib as nl  # noqa: E402
from native_lib import LIB  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.exists(LIB), reason="run build/build-native.sh first")

SPECIAL = [0.0, 1e-30, 1e-7, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 17.0, 20.0, 30.0, 50.0, 80.0, 87.0,
           88.7, 90.0, 100.0, 103.0, 104.0, 105.0, 150.0, 1e3, 1e4]
GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]
# Bound on |f32 - f64| / max(|f64|, 2^-126) per element (the floor: float32's smallest normal, so
# results in the subnormal range may be off by a few subnormal spacings). Fast paths (gamma 0, 1, 2)
# and gamma 0.5: a few ulp (measured <= 6e-7). gamma 5: exp(5 * log q) in float32 amplifies the
# rounding of log q by 5 * |log q| (measured 6.1e-6, as before the fast paths).
RTOL = {0.0: 1.5e-6, 0.5: 1.5e-6, 1.0: 1.5e-6, 2.0: 1.5e-6, 5.0: 2e-5}
FLOOR = 2.0 ** -126


def op():
    return nl.op()


def logits(seed=0):
    g = torch.Generator().manual_seed(seed)
    xs = torch.tensor(SPECIAL + [-v for v in SPECIAL], dtype=torch.float64)
    xs = torch.cat([xs, torch.randn(6001, generator=g, dtype=torch.float64) * 6,
                    torch.rand(1999, generator=g, dtype=torch.float64) * 220 - 110])
    return xs.float().double()  # float32-representable


def max_rel(actual, ref):
    return ((actual.double() - ref).abs() / ref.abs().clamp(min=FLOOR)).max().item()


def hard_case(gamma, alpha, reduction=0):
    """float32 and float64 loss and input gradient on dense 0/1 targets (odd length: a partial vector)."""
    x = logits()
    n = x.numel()
    x = torch.cat([x, x])
    t = torch.cat([torch.zeros(n), torch.ones(n)]).double()
    out = {}
    for dt in (torch.float32, torch.float64):
        xv = x.to(dt).requires_grad_(True)
        loss = op()(xv, t.to(dt), None, alpha, gamma, reduction)
        (g,) = torch.autograd.grad(loss.sum(), xv)
        out[dt] = (loss.detach(), g)
    return out


@pytest.mark.parametrize("alpha", [0.25, -1.0])
@pytest.mark.parametrize("gamma", GAMMAS)
def test_float32_hard_targets_match_float64(gamma, alpha):
    r = hard_case(gamma, alpha)
    (l32, g32), (l64, g64) = r[torch.float32], r[torch.float64]
    assert torch.isfinite(l32).all() and torch.isfinite(g32).all()
    assert max_rel(l32, l64) <= RTOL[gamma], f"loss: {max_rel(l32, l64):.3e}"
    assert max_rel(g32, g64) <= RTOL[gamma], f"grad: {max_rel(g32, g64):.3e}"
    # signs: the loss is >= 0; the gradient pushes the logit away from the wrong class
    assert (l32 >= 0).all()
    n = g32.numel() // 2
    assert (g32[:n] >= 0).all() and (g32[n:] <= 0).all()


@pytest.mark.parametrize("gamma", GAMMAS)
def test_float32_mean_matches_float64(gamma):
    r = hard_case(gamma, 0.25, reduction=1)
    (m32, g32), (m64, g64) = r[torch.float32], r[torch.float64]
    assert abs(m32.item() - m64.item()) <= 1e-6 * abs(m64.item())
    assert max_rel(g32, g64) <= RTOL[gamma]


@pytest.mark.parametrize("gamma", GAMMAS)
def test_float32_soft_targets_match_float64(gamma):
    x = logits(1)
    t = torch.rand(x.numel(), generator=torch.Generator().manual_seed(2), dtype=torch.float64).float().double()
    x = x.clamp(-80, 80)  # soft targets: CE grows like |x|, q is not small; keep q^gamma normal
    l32 = op()(x.float(), t.float(), None, 0.25, gamma, 0, None)
    l64 = op()(x, t, None, 0.25, gamma, 0, None)
    x32 = x.float().requires_grad_(True)
    x64 = x.clone().requires_grad_(True)
    (g32,) = torch.autograd.grad(op()(x32, t.float(), None, 0.25, gamma, 2, None), x32)
    (g64,) = torch.autograd.grad(op()(x64, t, None, 0.25, gamma, 2, None), x64)
    assert max_rel(l32, l64) <= 4 * RTOL[gamma]
    # soft-target gradients cancel (gamma * r * CE against p - t, terms of order 1): relative
    # error plus an absolute term of about one float32 ulp of 1 (measured <= 9e-9)
    err = (g32.double() - g64).abs() - 4 * RTOL[gamma] * g64.abs()
    assert err.max().item() <= 6e-8


@pytest.mark.parametrize("gamma", GAMMAS)
def test_fixed_gamma_paths_agree_with_general_path(gamma):
    # gamma 0, 1, 2 take q^gamma = 1, q, q*q; nudging gamma by one float64 ulp takes exp(gamma log q)
    if gamma not in (0.0, 1.0, 2.0):
        pytest.skip("no fast path")
    nudged = torch.nextafter(torch.tensor(gamma, dtype=torch.float64), torch.tensor(3.0, dtype=torch.float64)).item()
    x = logits().clamp(-60, 60)  # q^gamma normal in float32
    n = x.numel()
    x = torch.cat([x, x]).float()
    t = torch.cat([torch.zeros(n), torch.ones(n)])
    a = op()(x, t, None, 0.25, gamma, 0, None)
    b = op()(x, t, None, 0.25, nudged, 0, None)
    assert max_rel(a, b.double()) <= 4 * RTOL[2.0]


@pytest.mark.parametrize("gamma", GAMMAS)
def test_index_targets_equal_dense_one_hot_bitwise(gamma):
    # class-index targets (hard by construction, buffered path) and the same dense 0/1 targets
    # (checked per tile, fused path) run the same element math
    torch.manual_seed(7)
    x = (torch.randn(997, 13) * 8).requires_grad_(True)
    idx = torch.randint(0, 14, (997,))
    dense = torch.nn.functional.one_hot(idx, 14)[:, :13].float()
    a = op()(x, idx, None, 0.25, gamma, 0, None)
    b = op()(x, dense, None, 0.25, gamma, 0, None)
    assert torch.equal(a, b)
    (ga,) = torch.autograd.grad(a.sum(), x)
    (gb,) = torch.autograd.grad(b.sum(), x)
    assert torch.equal(ga, gb)


@pytest.mark.parametrize("gamma", GAMMAS)
def test_reductions_deterministic_across_threads_all_gammas(gamma):
    torch.manual_seed(8)
    x = torch.randn((1 << 18) + 11) * 4
    t = (torch.rand((1 << 18) + 11) < 0.1).float()
    res = []
    for n in [1, 2, 3, 7, 1]:
        res.append((nl.forward(x, t, None, 0.25, gamma, "mean", threads=n).item(),
                    nl.forward(x, t, None, 0.25, gamma, "sum", threads=n).item()))
    assert res == [res[0]] * 5


def test_avx2_path_passes_the_same_checks():
    # on CPUs with AVX-512F the float32 hard tiles run the AVX-512 kernels; this runs the AVX2 ones
    env = dict(os.environ, FOCAL_LOSS_CPU_NO_AVX512="1")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", os.path.abspath(__file__),
                        "-k", "not portable and not avx"], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


_KERNEL_OUTPUTS = r"""
import sys, torch
sys.path.insert(0, sys.argv[1])
import native_lib as nl
torch.manual_seed(12)
x = torch.cat([torch.randn(20011) * 8, torch.tensor([0.0, -0.0, 1e-30, 88.0, -88.0, 104.5, -104.5, 1e4, -1e4])])
t = (torch.rand(x.numel()) < 0.3).float()
w = torch.rand(x.numel())
idx = torch.randint(0, 8, (x.numel() // 7 * 7 // 7,))
xi = x[: idx.numel() * 7].reshape(-1, 7)
out = []
for gamma in [0.0, 0.5, 1.0, 2.0, 5.0]:
    for red in ["none", "mean", "sum"]:
        out.append(nl.forward(x, t, w, 0.25, gamma, red))
        out.append(nl.forward(xi, idx, None, 0.25, gamma, red))
    out.append(nl.backward(torch.randn(x.numel()), x, t, None, 0.25, gamma, "none"))
    out.append(nl.backward(torch.tensor(0.7), x, t, w, 0.25, gamma, "mean"))
    out.append(nl.backward(torch.tensor(0.7), xi, idx, None, -1.0, gamma, "sum"))
sys.stdout.write(torch.cat([o.reshape(-1) for o in out]).numpy().tobytes().hex())
"""


def test_avx512_and_avx2_kernels_agree_bitwise():
    here = os.path.dirname(os.path.abspath(__file__))
    outs = []
    for off in ["0", "1"]:
        env = dict(os.environ, FOCAL_LOSS_CPU_NO_AVX512=off)
        r = subprocess.run([sys.executable, "-c", _KERNEL_OUTPUTS, here], env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-2000:]
        outs.append(r.stdout)
    assert outs[0] == outs[1]


def test_portable_path_passes_the_same_checks():
    # the portable (non-AVX2) loops, selected by the environment variable, in a child process
    env = dict(os.environ, FOCAL_LOSS_CPU_NO_AVX2="1")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", os.path.abspath(__file__),
                        "-k", "not portable and not avx"], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_large_mean_gradient_is_prefix_sum_gradient_over_n(dtype):
    torch.manual_seed(9)
    n = (1 << 20) + 5
    x = (torch.randn(n, dtype=torch.float64) * 5).to(dtype).requires_grad_(True)
    t = (torch.rand(n) < 0.2).to(dtype)
    op()(x, t, None, 0.25, 2.0, "mean").backward()
    g1 = x.grad.clone()
    assert x.grad.is_contiguous() and x.grad.shape == x.shape and x.grad.dtype == dtype
    xs = x.detach()[: 1 << 10].clone().requires_grad_(True)
    op()(xs, t[: 1 << 10], None, 0.25, 2.0, "sum").backward()
    # mean over n elements: the same per-element gradients as a sum over a prefix, divided by n
    torch.testing.assert_close(g1[: 1 << 10].double() * n, xs.grad.double(),
                               rtol=1e-2 if dtype == torch.bfloat16 else 1e-5, atol=0)
    op()(x, t, None, 0.25, 2.0, "mean").backward()  # accumulates into the same .grad
    assert torch.equal(x.grad, g1 + g1)
