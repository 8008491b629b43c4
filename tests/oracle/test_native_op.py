"""Tests of the native CPU kernels (artifacts/native/libFocalLossNative.so) from Python, through the
C ABI (ctypes, native_lib.py) and a torch.autograd.Function around fl_cpu_forward / fl_cpu_backward.

Run: /usr/bin/python3 -m pytest tests/oracle   (after build/build-native.sh)
"""
import ctypes
import glob
import json
import math
import os
import re
import subprocess
import sys

import mpmath
import pytest
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gradcheck as gc  # noqa: E402
import native_lib as nl  # noqa: E402
from native_lib import HEADER, LIB, SELFTEST, Problem, focal_loss  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")

pytestmark = pytest.mark.skipif(not os.path.exists(LIB), reason="run build/build-native.sh first")


def op():
    return nl.op()


def dec(v):
    return float(v) if isinstance(v, str) else v


def load_cases():
    cases = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "*.json"))):
        with open(path) as f:
            for c in json.load(f)["cases"]:
                cases.append(pytest.param(c, id=f"{os.path.basename(path)[:-5]}:{c['name']}"))
    return cases


CASES = load_cases()


def test_fixtures_present():
    assert len(CASES) > 200


def assert_close(actual, expected, rtol, atol, what):
    actual = actual.detach().to(torch.float64)
    assert actual.shape == expected.shape, f"{what}: shape {list(actual.shape)} != {list(expected.shape)}"
    both_nan = torch.isnan(actual) & torch.isnan(expected)
    ok = both_nan | (actual == expected) | ((actual - expected).abs() <= atol + rtol * expected.abs())
    if not bool(ok.all()):
        bad = (~ok).nonzero()[0].tolist()
        pytest.fail(f"{what}: at {bad}: got {actual[tuple(bad)].item()!r}, expected {expected[tuple(bad)].item()!r} "
                    f"(rtol {rtol}, atol {atol})")


@pytest.mark.parametrize("case", CASES)
def test_fixture(case):
    dtype = {"float32": torch.float32, "float64": torch.float64}[case["dtype"]]
    x = torch.tensor([dec(v) for v in case["input"]], dtype=torch.float64).reshape(case["input_shape"]).to(dtype)
    x.requires_grad_(True)
    if case["target_kind"] == "index":
        t = torch.tensor(case["target"], dtype=torch.int64).reshape(case["target_shape"])
    else:
        t = torch.tensor([dec(v) for v in case["target"]], dtype=torch.float64).reshape(case["target_shape"]).to(dtype)
    w = None
    if case["weight_kind"] != "none":
        w = torch.tensor([dec(v) for v in case["weight"]], dtype=torch.float64).reshape(case["weight_shape"]).to(dtype)
    out = op()(x, t, w, case["alpha"], case["gamma"], case["reduction"], case["avg_factor"])
    assert out.dtype == dtype
    expected = torch.tensor([dec(v) for v in case["expected"]], dtype=torch.float64).reshape(case["expected_shape"])
    assert_close(out, expected, case["rtol"], case["atol"], "loss")
    (grad,) = torch.autograd.grad(out.sum(), x, allow_unused=True)
    expected_grad = torch.tensor([dec(v) for v in case["expected_grad_input"]],
                                 dtype=torch.float64).reshape(case["input_shape"])
    if grad is None:
        grad = torch.zeros_like(x)
    assert torch.isfinite(grad).all(), "fused gradient must be finite"
    assert_close(grad, expected_grad, case["rtol"], case["atol"], "grad_input")


@pytest.mark.parametrize("combo", gc.COMBOS, ids=[c[0] for c in gc.COMBOS])
def test_gradcheck_float64(combo):
    assert gc.check(combo)


def test_autograd_function_saves_only_the_inputs():
    """Everything autograd saves is one of the inputs (no intermediates): pack hooks see them all."""
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    t = torch.randint(0, 5, (5,))
    w = torch.rand(4, dtype=torch.float64)
    saved = []

    def pack(tensor):
        saved.append(tensor)
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t_: t_):
        y = op()(x, t, w, 0.25, 2.0, "none")
    assert len(saved) == 3
    inputs = [x, t, w]
    for s in saved:
        assert any(s.data_ptr() == i.data_ptr() and s.shape == i.shape for i in inputs), "an intermediate was saved"
    y.sum().backward()
    assert x.grad is not None


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_matches_torchvision_random_float32(reduction):
    torch.manual_seed(3)
    x = (torch.randn(64, 7) * 4).requires_grad_(True)
    t = (torch.rand(64, 7) < 0.2).float()
    for gamma in [0.0, 0.5, 1.0, 2.0, 5.0]:
        for alpha in [0.25, -1.0]:
            ours = op()(x, t, None, alpha, gamma, reduction)
            ref = torchvision.ops.sigmoid_focal_loss(x, t, alpha, gamma, reduction)
            torch.testing.assert_close(ours, ref, rtol=2e-5, atol=1e-6)
            (g1,) = torch.autograd.grad(ours.sum(), x)
            (g2,) = torch.autograd.grad(ref.sum(), x)
            torch.testing.assert_close(g1, g2, rtol=2e-4, atol=1e-6)


def test_matches_torchvision_random_float64_soft_targets():
    torch.manual_seed(13)
    x = (torch.randn(50, 9, dtype=torch.float64) * 3).requires_grad_(True)
    t = torch.rand(50, 9, dtype=torch.float64)
    ours = op()(x, t, None, 0.25, 1.5, "sum")
    ref = torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 1.5, "sum")
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=0)
    (g1,) = torch.autograd.grad(ours, x)
    (g2,) = torch.autograd.grad(ref, x)
    torch.testing.assert_close(g1, g2, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("kind", ["logits", "probabilities"])
def test_low_precision_is_float32_compute_rounded_once(dtype, kind):
    torch.manual_seed(4)
    if kind == "logits":
        x = (torch.randn(33, 6) * 6).to(dtype)
    else:
        x = torch.rand(33, 6).to(dtype)
    t_dense = (torch.rand(33, 6) < 0.3).to(dtype)
    t_soft = torch.rand(33, 6).to(dtype)
    t_index = torch.randint(0, 7, (33,))
    w = torch.rand(6).to(dtype)
    for t in [t_dense, t_soft, t_index]:
        for gamma in [0.0, 0.5, 2.0]:
            tf = t if t.dtype == torch.int64 else t.float()
            low = nl.forward(x, t, w, 0.25, gamma, "none", input_kind=kind)
            ref = nl.forward(x.float(), tf, w.float(), 0.25, gamma, "none", input_kind=kind)
            assert low.dtype == dtype
            # elementwise: bit-identical to the float32 result rounded once (torch's rounding)
            assert torch.equal(low, ref.to(dtype))
            g = torch.randn(33, 6).to(dtype)
            gl = nl.backward(g, x, t, w, 0.25, gamma, "none", input_kind=kind)
            gf = nl.backward(g.float(), x.float(), tf, w.float(), 0.25, gamma, "none", input_kind=kind)
            assert torch.equal(gl, gf.to(dtype))
            # reductions: double-accumulated sum rounded once to dtype
            for red in ["mean", "sum"]:
                lo = nl.forward(x, t, w, 0.25, gamma, red, input_kind=kind)
                rf = nl.forward(x.float(), tf, w.float(), 0.25, gamma, red, input_kind=kind)
                torch.testing.assert_close(lo.float(), rf.to(dtype).float(), rtol=1e-2, atol=0)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_low_precision_rounding_of_tiny_and_huge_values(dtype):
    # gamma 0, no alpha: the loss is softplus(+-x); |x| up to 1e4 spans subnormal to large results
    x32 = torch.cat([torch.linspace(-30, 30, 4001), torch.tensor([-1e4, 1e4, 0.0, float("nan")])])
    x = x32.to(dtype)
    t = torch.zeros_like(x)
    low = nl.forward(x, t, None, -1.0, 0.0, "none")
    ref = nl.forward(x.float(), t.float(), None, -1.0, 0.0, "none")
    assert torch.equal(low[:-1], ref[:-1].to(dtype))
    assert torch.isnan(low[-1])  # NaN propagates
    # mean/sum of low-precision values: one rounding from double
    s = nl.forward(x[:-1], t[:-1], None, -1.0, 0.0, "sum")
    exact = nl.forward(x[:-1].double(), t[:-1].double(), None, -1.0, 0.0, "none").sum()
    assert s.item() == pytest.approx(exact.to(dtype).item(), rel=0)


def test_non_contiguous_inputs_are_made_contiguous():
    torch.manual_seed(5)
    x = torch.randn(5, 6, dtype=torch.float64)
    t = (torch.rand(5, 6, dtype=torch.float64) < 0.4).double()
    w = torch.rand(5, 6, dtype=torch.float64)
    xt, tt, wt = x.t(), t.t(), w.t()
    assert not xt.is_contiguous()
    a = op()(xt, tt, wt, 0.25, 2.0, "none")
    b = op()(xt.contiguous(), tt.contiguous(), wt.contiguous(), 0.25, 2.0, "none")
    assert torch.equal(a, b)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_reductions_identical_for_1_2_3_7_threads(reduction, dtype):
    # float64: the double partial sums reach the result unrounded, so any change of the summation
    # order with the thread count shows
    torch.manual_seed(6)
    x = (torch.randn((1 << 20) + 17) * 3).to(dtype)
    t = (torch.rand((1 << 20) + 17) < 0.1).to(dtype)
    results = [nl.forward(x, t, None, 0.25, 2.0, reduction, threads=n).item() for n in [1, 2, 3, 7, 1]]
    assert results == [results[0]] * 5


def test_elementwise_and_backward_identical_for_1_2_3_7_threads():
    torch.manual_seed(16)
    x = torch.randn(40001, 25) * 3
    t = torch.randint(0, 26, (40001,))
    w = torch.rand(40001)
    outs = [nl.forward(x, t, w, 0.25, 0.5, "none", threads=n) for n in [1, 2, 3, 7]]
    grads = [nl.backward(torch.tensor(1.0), x, t, w, 0.25, 0.5, "mean", threads=n) for n in [1, 2, 3, 7]]
    for o in outs[1:]:
        assert torch.equal(o, outs[0])
    for g in grads[1:]:
        assert torch.equal(g, grads[0])


def test_empty_input():
    x = torch.zeros(0, 4, requires_grad=True)
    t = torch.zeros(0, 4)
    assert op()(x, t, None, 0.25, 2.0, "none").shape == (0, 4)
    assert op()(x, t, None, 0.25, 2.0, "sum").item() == 0.0
    assert math.isnan(op()(x, t, None, 0.25, 2.0, "mean").item())  # as torch.mean of empty
    assert op()(x, t, None, 0.25, 2.0, "mean", 3.0).item() == 0.0
    op()(x, t, None, 0.25, 2.0, "sum").backward()
    assert x.grad.shape == (0, 4)


def test_single_element_zero_dim_input():
    x = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    t = torch.tensor(1.0, dtype=torch.float64)
    ours = op()(x, t, None, 0.25, 2.0, "none")
    ref = torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 2.0, "none")
    torch.testing.assert_close(ours, ref, rtol=1e-13, atol=0)
    (g,) = torch.autograd.grad(ours, x)
    (gr,) = torch.autograd.grad(ref, x)
    torch.testing.assert_close(g, gr, rtol=1e-12, atol=0)


def test_gamma_zero_is_exactly_cross_entropy():
    x = torch.tensor([-1e4, -100.0, -30.0, -1.0, 0.0, 1.0, 30.0, 100.0, 1e4], dtype=torch.float64)
    for tv in [0.0, 1.0]:
        t = torch.full_like(x, tv)
        ours = op()(x, t, None, -1.0, 0.0, "none")
        with mpmath.workdps(40):
            ce = torch.tensor([float(mpmath.log1p(mpmath.exp(v if tv == 0.0 else -v))) for v in x.tolist()],
                              dtype=torch.float64)
        torch.testing.assert_close(ours, ce, rtol=4e-16, atol=0)
        xg = x.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(op()(xg, t, None, -1.0, 0.0, "sum"), xg)
        expected = torch.sigmoid(x) if tv == 0.0 else -torch.sigmoid(-x)
        torch.testing.assert_close(g, expected, rtol=1e-15, atol=0)


def test_large_logits_finite_where_torchvision_is_not():
    x = torch.tensor([20.0, -20.0, 100.0, -100.0, 1e4, -1e4], requires_grad=True)
    t = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    tv = torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 0.5, "sum")
    (gtv,) = torch.autograd.grad(tv, x)
    assert not torch.isfinite(gtv).all()  # documents torchvision's NaN at gamma < 1
    ours = op()(x, t, None, 0.25, 0.5, "sum")
    (g,) = torch.autograd.grad(ours, x)
    assert torch.isfinite(ours) and torch.isfinite(g).all()
    assert (g.abs() < 1e-8).all()


def test_backward_scales_by_grad_output():
    torch.manual_seed(14)
    x = torch.randn(9, 4, dtype=torch.float64)
    t = (torch.rand(9, 4, dtype=torch.float64) < 0.3).double()
    g = torch.randn(9, 4, dtype=torch.float64)
    per = nl.backward(g, x, t, None, 0.25, 2.0, "none")
    unit = nl.backward(torch.ones(9, 4, dtype=torch.float64), x, t, None, 0.25, 2.0, "none")
    torch.testing.assert_close(per, unit * g, rtol=1e-15, atol=0)
    s = nl.backward(torch.tensor(2.5, dtype=torch.float64), x, t, None, 0.25, 2.0, "sum")
    torch.testing.assert_close(s, unit * 2.5, rtol=1e-15, atol=0)
    m = nl.backward(torch.tensor(2.5, dtype=torch.float64), x, t, None, 0.25, 2.0, "mean", avg_factor=4.0)
    torch.testing.assert_close(m, unit * 2.5 / 4.0, rtol=1e-15, atol=0)


@pytest.mark.parametrize("wkind", ["element", "anchor", "class"])
def test_weights_multiply_the_loss(wkind):
    torch.manual_seed(15)
    x = torch.randn(11, 5, dtype=torch.float64)
    t = torch.randint(0, 6, (11,))
    w = {"element": torch.rand(11, 5), "anchor": torch.rand(11), "class": torch.rand(5)}[wkind].double()
    wb = {"element": w, "anchor": w[:, None], "class": w[None, :]}[wkind]
    plain = nl.forward(x, t, None, 0.25, 2.0, "none")
    torch.testing.assert_close(nl.forward(x, t, w, 0.25, 2.0, "none"), plain * wb, rtol=1e-15, atol=0)
    gplain = nl.backward(torch.tensor(1.0, dtype=torch.float64), x, t, None, 0.25, 2.0, "sum")
    torch.testing.assert_close(nl.backward(torch.tensor(1.0, dtype=torch.float64), x, t, w, 0.25, 2.0, "sum"),
                               gplain * wb, rtol=1e-15, atol=0)


# ---- the C ABI: handshake, the argument-error matrix ---------------------------------------------

def test_abi_version_matches_header():
    assert nl.lib().fl_abi_version() == nl.ABI_VERSION
    with open(HEADER) as f:
        m = re.search(r"#define FL_ABI_VERSION (\d+)", f.read())
    assert int(m.group(1)) == nl.ABI_VERSION


def test_problem_struct_layout_matches_header():
    # the ctypes mirror of fl_problem: 6 int32, 2 int64, 3 double, 3 pointers = 88 bytes on LP64 (no padding);
    # the library itself checks struct_size == sizeof(fl_problem) (test_valid_call_succeeds)
    assert ctypes.sizeof(Problem) == 88
    assert Problem.numel.offset == 24 and Problem.alpha.offset == 40 and Problem.input.offset == 64


def test_library_links_no_libtorch():
    r = subprocess.run(["ldd", LIB], capture_output=True, text=True)
    assert r.returncode == 0
    assert "torch" not in r.stdout and "c10" not in r.stdout, r.stdout


class Call:
    """A valid 2x3 float32 problem (dense 0/1 targets) whose fields a test then breaks."""

    def __init__(self):
        self.x = torch.tensor([[0.5, -1.0, 2.0], [0.0, 1.0, -2.0]])
        self.t = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        self.idx = torch.tensor([0, 3])
        self.w = torch.rand(3)
        self.out = torch.full((2, 3), 7.0)  # a sentinel: an uninitialised buffer may hold NaN, which equals nothing
        self.g = torch.ones(2, 3)
        self.p = Problem(ctypes.sizeof(Problem), 0, 0, 0, 0, 0, 6, 3, 0.25, 2.0, 6.0, self.x.data_ptr(),
                         self.t.data_ptr(), None)
        self.backward = False
        self.threads = 2
        self.out_ptr = self.out.data_ptr()
        self.g_ptr = self.g.data_ptr()

    def run(self):
        if self.backward:
            return nl.lib().fl_cpu_backward(ctypes.byref(self.p), self.g_ptr, self.out_ptr, self.threads)
        return nl.lib().fl_cpu_forward(ctypes.byref(self.p), self.out_ptr, self.threads)


def _set(**fields):
    def f(c):
        for k, v in fields.items():
            setattr(c.p, k, v)
    return f


def _bad_index(value):
    def f(c):
        c.idx[1] = value
        c.p.target_kind = 1
        c.p.target = c.idx.data_ptr()
    return f


def _attr(name, value, backward=False):
    def f(c):
        setattr(c, name, value)
        c.backward = backward
    return f


BAD_FIELDS = [
    ("struct_size", "problem", _set(struct_size=ctypes.sizeof(Problem) - 8)),
    ("dtype_code", "input", _set(dtype=4)),
    ("dtype_negative", "input", _set(dtype=-1)),
    ("input_kind", "input_kind", _set(input_kind=2)),
    ("target_kind", "target", _set(target_kind=5)),
    ("weight_kind", "weight", _set(weight_kind=4)),
    ("reduction", "reduction", _set(reduction=3)),
    ("numel_negative", "input", _set(numel=-6)),
    ("classes_zero", "input", _set(classes=0)),
    ("numel_not_multiple_of_classes", "input", _set(classes=4)),
    ("input_null", "input", _set(input=None)),
    ("target_null", "target", _set(target=None)),
    ("weight_null", "weight", _set(weight_kind=3)),
    ("weight_without_kind", "weight", lambda c: setattr(c.p, "weight", c.w.data_ptr())),
    ("alpha_above_one", "alpha", _set(alpha=1.5)),
    ("alpha_nan", "alpha", _set(alpha=float("nan"))),
    ("gamma_negative", "gamma", _set(gamma=-0.5)),
    ("gamma_inf", "gamma", _set(gamma=float("inf"))),
    ("gamma_nan", "gamma", _set(gamma=float("nan"))),
    ("divisor_zero", "avg_factor", _set(reduction=1, divisor=0.0)),
    ("divisor_negative", "avg_factor", _set(reduction=1, divisor=-3.0)),
    ("divisor_inf", "avg_factor", _set(reduction=1, divisor=float("inf"))),
    ("index_above_classes", "target", _bad_index(4)),
    ("index_negative", "target", _bad_index(-1)),
    ("out_null", "out", _attr("out_ptr", None)),
    ("threads_zero", "threads", _attr("threads", 0)),
    ("threads_negative", "threads", _attr("threads", -3)),
    ("grad_output_null", "grad_output", _attr("g_ptr", None, backward=True)),
    ("grad_input_null", "grad_input", _attr("out_ptr", None, backward=True)),
    ("backward_index_out_of_range", "target", lambda c: (_bad_index(9)(c), setattr(c, "backward", True))),
    ("backward_gamma_negative", "gamma", lambda c: (_set(gamma=-1.0)(c), setattr(c, "backward", True))),
]


def test_valid_call_succeeds():
    c = Call()
    assert c.run() == nl.FL_OK
    c.backward = True
    assert c.run() == nl.FL_OK


@pytest.mark.parametrize("name,param,breaker", BAD_FIELDS, ids=[b[0] for b in BAD_FIELDS])
def test_bad_field_is_argument_error_naming_the_parameter(name, param, breaker):
    c = Call()
    before = c.out.clone()
    breaker(c)
    assert c.run() == nl.FL_ARGUMENT_ERROR
    message, got_param = nl.last_error()
    assert got_param == param
    assert message.startswith(f"sigmoid_focal_loss: {param}: expected") or "class index out of range" in message
    assert torch.equal(c.out, before), "nothing is written on an argument error"


def test_null_problem_is_argument_error():
    assert nl.lib().fl_cpu_forward(None, None, 1) == nl.FL_ARGUMENT_ERROR
    assert nl.last_error()[1] == "problem"


def test_index_error_states_position_value_and_range():
    x = torch.randn(6, 4)
    t = torch.tensor([0, 4, 2, 7, -1, 1])
    with pytest.raises(nl.NativeArgumentError) as e:
        nl.forward(x, t, None, 0.25, 2.0, "sum")
    assert e.value.param == "target"
    assert e.value.message == ("sigmoid_focal_loss: target: class index out of range: target.view(-1)[3] = 7, "
                               "expected values in [0, 4] (4 = background)")


def test_index_error_in_a_late_chunk_of_a_large_target():
    x = torch.zeros(300000, 1)
    t = torch.zeros(300000, dtype=torch.int64)
    t[250001] = 2
    t[299999] = -5
    for threads in [1, 3]:
        with pytest.raises(nl.NativeArgumentError, match=r"target.view\(-1\)\[250001\] = 2, expected values in \[0, 1\]"):
            nl.forward(x, t, None, 0.25, 2.0, "mean", threads=threads)


def test_last_error_is_per_thread():
    import threading
    c = Call()
    c.p.gamma = -1.0
    assert c.run() == nl.FL_ARGUMENT_ERROR
    seen = []
    th = threading.Thread(target=lambda: seen.append(nl.last_error()))
    th.start()
    th.join()
    assert seen == [("", "")]
    assert nl.last_error()[1] == "gamma"


def test_math_selftest_binary():
    assert os.path.exists(SELFTEST), "build/build-native.sh builds it"
    r = subprocess.run([SELFTEST], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_low_precision_rounding_ties_to_even(dtype):
    # probabilities p = 0 with t = 1, gamma 0, no alpha: the loss is exactly 100 (the log clamp), so the
    # float32 result 100 * w is exact and often lies halfway between two values of dtype
    g = torch.Generator().manual_seed(21)
    w = (torch.rand(8192, generator=g) * 4).to(dtype)
    p = torch.zeros(8192, dtype=dtype)
    t = torch.ones(8192, dtype=dtype)
    low = nl.forward(p, t, w, -1.0, 0.0, "none", input_kind="probabilities")
    exact = w.float() * 100  # exact in float32
    ties = (exact.to(dtype).float() - exact).abs() == (exact.to(torch.float64) - exact.to(dtype).double()).abs()
    assert int(((exact.double() * 2).to(dtype).double() / 2 != exact.double()).sum()) > 0
    assert torch.equal(low, exact.to(dtype)), "round to nearest, ties to even"
    assert ties.any()


def test_exports_only_the_c_abi():
    r = subprocess.run(["nm", "-D", "--defined-only", LIB], capture_output=True, text=True)
    assert r.returncode == 0
    names = sorted(line.split()[-1] for line in r.stdout.splitlines() if line.strip())
    assert names == ["fl_abi_version", "fl_cpu_backward", "fl_cpu_forward", "fl_cpu_forward_with_grad",
                     "fl_cpu_scale_grad", "fl_last_error", "fl_last_error_param"]


def test_thread_pool_works_in_a_forked_child():
    x = torch.randn(1 << 18)
    t = (torch.rand(1 << 18) < 0.2).float()
    expected = nl.forward(x, t, None, 0.25, 2.0, "sum", threads=3)  # the parent's pool exists now
    pid = os.fork()
    if pid == 0:  # child: must not wait for the parent's (absent) workers
        try:
            ok = torch.equal(nl.forward(x, t, None, 0.25, 2.0, "sum", threads=3), expected)
        finally:
            os._exit(0 if ok else 3)
    import time
    deadline = time.time() + 60
    while time.time() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child hung in the thread pool")
