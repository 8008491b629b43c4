"""Tests of the fused native op (artifacts/native/libFocalLossNative.so) from Python.

Run: /usr/bin/python3 -m pytest tests/oracle   (after build/build-native.sh)
Debian's python3-torch is the same libtorch the library is built against, so torch.ops loads it.
"""
import ctypes
import glob
import json
import math
import os
import subprocess
import sys

import mpmath
import pytest
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gradcheck as gc  # noqa: E402
from native_lib import LIB, REDUCTION, SELFTEST, TESTING_LIB, load_op  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")

pytestmark = pytest.mark.skipif(not os.path.exists(LIB), reason="run build/build-native.sh first")


def op():
    return load_op()


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
    out = op()(x, t, w, case["alpha"], case["gamma"], REDUCTION[case["reduction"]], case["avg_factor"])
    assert out.dtype == dtype
    expected = torch.tensor([dec(v) for v in case["expected"]], dtype=torch.float64).reshape(case["expected_shape"])
    assert_close(out, expected, case["rtol"], case["atol"], "loss")
    assert out.grad_fn is not None
    (grad,) = torch.autograd.grad(out.sum(), x, allow_unused=True)
    expected_grad = torch.tensor([dec(v) for v in case["expected_grad_input"]],
                                 dtype=torch.float64).reshape(case["input_shape"])
    if grad is None:  # only for an empty input with an out.sum() that does not depend on x
        grad = torch.zeros_like(x)
    assert torch.isfinite(grad).all(), "fused gradient must be finite"
    assert_close(grad, expected_grad, case["rtol"], case["atol"], "grad_input")


@pytest.mark.parametrize("combo", gc.COMBOS, ids=[c[0] for c in gc.COMBOS])
def test_gradcheck_float64(combo):
    assert gc.check(combo)


def test_result_has_named_grad_fn():
    x = torch.randn(4, 3, requires_grad=True)
    t = (torch.rand(4, 3) < 0.5).float()
    y = op()(x, t, None, 0.25, 2.0, 1, None)
    assert y.requires_grad
    assert y.grad_fn is not None and y.grad_fn.name() == "SigmoidFocalLossBackward"
    y.backward()
    assert x.grad is not None and x.grad.shape == x.shape
    # no grad_fn when nothing requires grad, or under no_grad
    assert op()(x.detach(), t, None, 0.25, 2.0, 1, None).grad_fn is None
    with torch.no_grad():
        assert op()(x, t, None, 0.25, 2.0, 1, None).grad_fn is None


def test_saves_only_the_inputs_for_backward():
    """Everything autograd saves is one of the inputs (no intermediates): pack hooks see them all."""
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    t = torch.randint(0, 5, (5,))
    w = torch.rand(4, dtype=torch.float64)
    saved = []

    def pack(tensor):
        saved.append(tensor)
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t_: t_):
        y = op()(x, t, w, 0.25, 2.0, 0, None)
    assert len(saved) == 3
    inputs = [x, t, w]
    for s in saved:
        assert any(s.data_ptr() == i.data_ptr() and s.shape == i.shape for i in inputs), "an intermediate was saved"
    y.sum().backward()
    assert x.grad is not None


def test_matches_torchvision_random_float32():
    torch.manual_seed(3)
    x = (torch.randn(64, 7) * 4).requires_grad_(True)
    t = (torch.rand(64, 7) < 0.2).float()
    for gamma in [0.0, 0.5, 2.0]:
        for red in ["none", "mean", "sum"]:
            ours = op()(x, t, None, 0.25, gamma, REDUCTION[red], None)
            ref = torchvision.ops.sigmoid_focal_loss(x, t, 0.25, gamma, red)
            torch.testing.assert_close(ours, ref, rtol=2e-5, atol=1e-6)
            (g1,) = torch.autograd.grad(ours.sum(), x)
            (g2,) = torch.autograd.grad(ref.sum(), x)
            torch.testing.assert_close(g1, g2, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_low_precision_is_float32_compute_rounded_once(dtype):
    torch.manual_seed(4)
    x = (torch.randn(33, 6) * 4).to(dtype)
    t_dense = (torch.rand(33, 6) < 0.3).to(dtype)
    t_soft = torch.rand(33, 6).to(dtype)
    t_index = torch.randint(0, 7, (33,))
    w = torch.rand(6).to(dtype)
    for t in [t_dense, t_soft, t_index]:
        for gamma in [0.0, 0.5, 2.0]:
            xl = x.clone().requires_grad_(True)
            xf = x.float().requires_grad_(True)
            tf = t if t.dtype == torch.int64 else t.float()
            low = op()(xl, t, w, 0.25, gamma, 0, None)
            ref = op()(xf, tf, w.float(), 0.25, gamma, 0, None)
            assert low.dtype == dtype
            # elementwise: bit-identical to the float32 result rounded once
            assert torch.equal(low, ref.to(dtype))
            (gl,) = torch.autograd.grad(low.sum(), xl)
            (gf,) = torch.autograd.grad(ref.sum(), xf)
            assert torch.equal(gl, gf.to(dtype))
            # reductions: double-accumulated sum rounded once to dtype; float32 path rounds twice
            for red in [1, 2]:
                lo = op()(x, t, w, 0.25, gamma, red, None)
                rf = op()(x.float(), tf, w.float(), 0.25, gamma, red, None)
                torch.testing.assert_close(lo.float(), rf.to(dtype).float(), rtol=1e-2, atol=0)
    # and against torchvision in float32 (loosely: dtype precision)
    ref = torchvision.ops.sigmoid_focal_loss(x.float(), t_dense.float(), 0.25, 2.0, "none")
    torch.testing.assert_close(op()(x, t_dense, None, 0.25, 2.0, 0, None).float(), ref, rtol=1e-2, atol=1e-3)


def test_non_contiguous_inputs():
    torch.manual_seed(5)
    x = torch.randn(5, 6, dtype=torch.float64)
    t = (torch.rand(5, 6, dtype=torch.float64) < 0.4).double()
    w = torch.rand(5, 6, dtype=torch.float64)
    xt, tt, wt = x.t(), t.t(), w.t()  # non-contiguous [6, 5]
    assert not xt.is_contiguous()
    a = op()(xt, tt, wt, 0.25, 2.0, 0, None)
    b = op()(xt.contiguous(), tt.contiguous(), wt.contiguous(), 0.25, 2.0, 0, None)
    assert torch.equal(a, b)
    xs = x[:, ::2]
    ts = t[:, ::2]
    assert torch.equal(op()(xs, ts, None, 0.25, 2.0, 2, None), op()(xs.contiguous(), ts.contiguous(), None, 0.25, 2.0, 2, None))
    # expanded (stride-0) per-class weight and grads through a non-contiguous input
    xg = xt.clone().requires_grad_(True)
    op()(xg.t(), t, torch.rand(6, dtype=torch.float64).expand(6).contiguous(), 0.25, 2.0, 1, None).backward()
    assert torch.isfinite(xg.grad).all()


def test_reductions_are_deterministic():
    torch.manual_seed(6)
    x = torch.randn(1 << 20) * 3
    t = (torch.rand(1 << 20) < 0.1).float()
    threads = torch.get_num_threads()
    try:
        results = []
        for n in [1, 2, 1, 2]:
            torch.set_num_threads(n)
            results.append(op()(x, t, None, 0.25, 2.0, 1, None).item())
            results.append(op()(x, t, None, 0.25, 2.0, 2, None).item())
    finally:
        torch.set_num_threads(threads)
    assert results[0::2] == [results[0]] * 4
    assert results[1::2] == [results[1]] * 4


def test_empty_input():
    x = torch.zeros(0, 4, requires_grad=True)
    t = torch.zeros(0, 4)
    assert op()(x, t, None, 0.25, 2.0, 0, None).shape == (0, 4)
    assert op()(x, t, None, 0.25, 2.0, 2, None).item() == 0.0
    assert math.isnan(op()(x, t, None, 0.25, 2.0, 1, None).item())  # as torch.mean of empty
    assert op()(x, t, None, 0.25, 2.0, 1, 3.0).item() == 0.0
    op()(x, t, None, 0.25, 2.0, 2, None).backward()
    assert x.grad.shape == (0, 4)


def test_gamma_zero_is_exactly_cross_entropy():
    x = torch.tensor([-1e4, -100.0, -30.0, -1.0, 0.0, 1.0, 30.0, 100.0, 1e4], dtype=torch.float64)
    for tv in [0.0, 1.0]:
        t = torch.full_like(x, tv)
        ours = op()(x, t, None, -1.0, 0.0, 0, None)
        # CE = softplus(x) for t = 0, softplus(-x) for t = 1, exact (mpmath); torch's softplus and
        # BCE-with-logits both drop log1p(exp(-|x|)) terms at large |x|
        with mpmath.workdps(40):
            ce = torch.tensor([float(mpmath.log1p(mpmath.exp(v if tv == 0.0 else -v))) for v in x.tolist()],
                              dtype=torch.float64)
        torch.testing.assert_close(ours, ce, rtol=4e-16, atol=0)
        xg = x.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(op()(xg, t, None, -1.0, 0.0, 2, None), xg)
        expected = torch.sigmoid(x) if tv == 0.0 else -torch.sigmoid(-x)  # p - t without cancellation
        torch.testing.assert_close(g, expected, rtol=1e-15, atol=0)


def test_large_logits_finite_where_torchvision_is_not():
    x = torch.tensor([20.0, -20.0, 100.0, -100.0, 1e4, -1e4], requires_grad=True)
    t = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    tv = torchvision.ops.sigmoid_focal_loss(x, t, 0.25, 0.5, "sum")
    (gtv,) = torch.autograd.grad(tv, x)
    assert not torch.isfinite(gtv).all()  # documents torchvision's NaN at gamma < 1
    ours = op()(x, t, None, 0.25, 0.5, 2, None)
    (g,) = torch.autograd.grad(ours, x)
    assert torch.isfinite(ours) and torch.isfinite(g).all()
    assert (g.abs() < 1e-8).all()  # easy examples: gradient vanishes


# ---- argument errors name the argument -----------------------------------------------------------

def _bad_calls():
    x = torch.randn(4, 3)
    t = (torch.rand(4, 3) < 0.5).float()
    idx = torch.tensor([0, 1, 3, 2])
    return [
        ("input", lambda: op()(x.long(), t, None, 0.25, 2.0, 0, None)),
        ("target", lambda: op()(x, t[:, :2], None, 0.25, 2.0, 0, None)),
        ("target", lambda: op()(x, t.int(), None, 0.25, 2.0, 0, None)),
        ("target", lambda: op()(x, torch.tensor([0, 1, 4, 2]), None, 0.25, 2.0, 0, None)),
        ("target", lambda: op()(x, torch.tensor([0, -1, 3, 2]), None, 0.25, 2.0, 0, None)),
        ("target", lambda: op()(x, idx.reshape(2, 2), None, 0.25, 2.0, 0, None)),
        ("target", lambda: op()(x, t.requires_grad_(True), None, 0.25, 2.0, 0, None)),
        ("weight", lambda: op()(x, t, torch.rand(5), 0.25, 2.0, 0, None)),
        ("weight", lambda: op()(x, t, torch.rand(4, 3).long(), 0.25, 2.0, 0, None)),
        ("alpha", lambda: op()(x, t, None, 1.5, 2.0, 0, None)),
        ("alpha", lambda: op()(x, t, None, float("nan"), 2.0, 0, None)),
        ("gamma", lambda: op()(x, t, None, 0.25, -0.5, 0, None)),
        ("gamma", lambda: op()(x, t, None, 0.25, float("inf"), 0, None)),
        ("reduction", lambda: op()(x, t, None, 0.25, 2.0, 3, None)),
        ("avg_factor", lambda: op()(x, t, None, 0.25, 2.0, 1, 0.0)),
        ("avg_factor", lambda: op()(x, t, None, 0.25, 2.0, 1, float("inf"))),
        ("avg_factor", lambda: op()(x, t, None, 0.25, 2.0, 2, 4.0)),
    ]


@pytest.mark.parametrize("i", range(len(_bad_calls())))
def test_bad_arguments_name_the_argument(i):
    param, call = _bad_calls()[i]
    with pytest.raises(ValueError) as e:
        call()
    assert f"sigmoid_focal_loss: {param}:" in str(e.value)


def test_shape_error_states_expected_shape():
    with pytest.raises(ValueError, match=r"target: expected a floating tensor of shape \[4, 3\].*int64 tensor of shape \[4\]"):
        op()(torch.randn(4, 3), torch.rand(4, 2), None, 0.25, 2.0, 0, None)


def test_math_selftest_binary():
    assert os.path.exists(SELFTEST), "build/build-native.sh builds it"
    r = subprocess.run([SELFTEST], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


# ---- the C ABI, through the testing library (ctypes) ----------------------------------------------

@pytest.fixture(scope="module")
def capi():
    load_op()
    main = ctypes.CDLL(LIB)
    lib = ctypes.CDLL(TESTING_LIB)
    P = ctypes.c_void_p
    main.fl_abi_version.restype = ctypes.c_int32
    main.fl_torch_version.restype = ctypes.c_char_p
    main.fl_cuda_compiled.restype = ctypes.c_int32
    main.fl_cuda_available.restype = ctypes.c_int32
    main.fl_last_error.restype = ctypes.c_char_p
    main.fl_last_error_param.restype = ctypes.c_char_p
    main.fl_sigmoid_focal_loss.restype = ctypes.c_int
    main.fl_sigmoid_focal_loss.argtypes = [P, P, P, ctypes.c_double, ctypes.c_double, ctypes.c_int32,
                                           ctypes.c_int32, ctypes.c_double, ctypes.POINTER(P)]
    main.fl_tensor_free.argtypes = [P]
    lib.flt_from_doubles.restype = ctypes.c_int
    lib.flt_from_doubles.argtypes = [ctypes.POINTER(ctypes.c_double), ctypes.c_int64, ctypes.POINTER(ctypes.c_int64),
                                     ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.POINTER(P)]
    lib.flt_to_doubles.restype = ctypes.c_int
    lib.flt_to_doubles.argtypes = [P, ctypes.POINTER(ctypes.c_double), ctypes.c_int64]
    lib.flt_numel.restype = ctypes.c_int64
    lib.flt_numel.argtypes = [P]
    lib.flt_grad_fn_name.restype = ctypes.c_int32
    lib.flt_grad_fn_name.argtypes = [P, ctypes.c_char_p, ctypes.c_int32]
    lib.flt_backward.restype = ctypes.c_int
    lib.flt_backward.argtypes = [P, P]
    lib.flt_grad.restype = ctypes.c_int
    lib.flt_grad.argtypes = [P, ctypes.POINTER(P)]
    lib.flt_transpose.restype = ctypes.c_int
    lib.flt_transpose.argtypes = [P, ctypes.c_int32, ctypes.c_int32, ctypes.POINTER(P)]
    lib.flt_tensor_free.argtypes = [P]
    lib.flt_heap_bytes_in_use.restype = ctypes.c_int64
    return main, lib


def _tensor(lib, values, shape, dtype, requires_grad=False):
    P = ctypes.c_void_p
    data = (ctypes.c_double * len(values))(*values)
    shp = (ctypes.c_int64 * len(shape))(*shape)
    out = P()
    assert lib.flt_from_doubles(data, len(values), shp, len(shape), dtype, int(requires_grad), ctypes.byref(out)) == 0
    return out


def _values(lib, h):
    n = lib.flt_numel(h)
    buf = (ctypes.c_double * max(n, 1))()
    assert lib.flt_to_doubles(h, buf, n) == 0
    return list(buf)[:n]


def test_capi_handshake(capi):
    main, _ = capi
    assert main.fl_abi_version() == 1
    v = main.fl_torch_version().decode()
    assert v.split(".")[:2] == torch.__version__.split(".")[:2]
    assert main.fl_cuda_compiled() in (0, 1)
    assert main.fl_cuda_available() in (0, 1)
    if main.fl_cuda_compiled() == 0:
        assert main.fl_cuda_available() == 0


def test_capi_forward_backward_matches_torch_ops(capi):
    main, lib = capi
    P = ctypes.c_void_p
    torch.manual_seed(7)
    x = torch.randn(4, 3, dtype=torch.float64) * 3
    t = (torch.rand(4, 3, dtype=torch.float64) < 0.4).double()
    hx = _tensor(lib, x.reshape(-1).tolist(), [4, 3], 7, requires_grad=True)
    ht = _tensor(lib, t.reshape(-1).tolist(), [4, 3], 7)
    out = P()
    assert main.fl_sigmoid_focal_loss(hx, ht, None, 0.25, 2.0, 1, 0, 0.0, ctypes.byref(out)) == 0
    name = ctypes.create_string_buffer(64)
    assert lib.flt_grad_fn_name(out, name, 64) == 1 and name.value == b"SigmoidFocalLossBackward"
    expected = op()(x, t, None, 0.25, 2.0, 1, None).item()
    assert _values(lib, out) == [expected]
    assert lib.flt_backward(out, None) == 0
    g = P()
    assert lib.flt_grad(hx, ctypes.byref(g)) == 0 and g.value
    xr = x.clone().requires_grad_(True)
    op()(xr, t, None, 0.25, 2.0, 1, None).backward()
    assert _values(lib, g) == xr.grad.reshape(-1).tolist()
    # avg_factor through the ABI, transposed (non-contiguous) handles
    hxt, htt, out2 = P(), P(), P()
    assert lib.flt_transpose(hx, 0, 1, ctypes.byref(hxt)) == 0 and lib.flt_transpose(ht, 0, 1, ctypes.byref(htt)) == 0
    assert main.fl_sigmoid_focal_loss(hxt, htt, None, 0.25, 2.0, 1, 1, 2.5, ctypes.byref(out2)) == 0
    assert _values(lib, out2)[0] == pytest.approx(op()(x.t(), t.t(), None, 0.25, 2.0, 1, 2.5).item(), rel=1e-15)
    for h in [hx, ht, out, g, hxt, htt, out2]:
        main.fl_tensor_free(h)
    main.fl_tensor_free(None)


@pytest.mark.parametrize("param,kwargs", [
    ("input", dict(input=None)),
    ("target", dict(target=None)),
    ("gamma", dict(gamma=-1.0)),
    ("alpha", dict(alpha=2.0)),
    ("reduction", dict(reduction=7)),
    ("avg_factor", dict(reduction=2, has_avg=1, avg=3.0)),
    ("avg_factor", dict(reduction=1, has_avg=1, avg=-3.0)),
    ("weight", dict(weight="bad")),
    ("target", dict(target="bad_index")),
])
def test_capi_argument_errors(capi, param, kwargs):
    main, lib = capi
    P = ctypes.c_void_p
    hx = _tensor(lib, [0.5, -1.0, 2.0, 0.0, 1.0, -2.0], [2, 3], 6)
    ht = _tensor(lib, [1, 0, 0, 0, 1, 0], [2, 3], 6)
    hw = _tensor(lib, [1.0, 2.0], [2, 1, 1], 6)
    hi = _tensor(lib, [0, 4], [2], 4)
    args = dict(input=hx, target=ht, weight=None, alpha=0.25, gamma=2.0, reduction=0, has_avg=0, avg=0.0)
    args.update(kwargs)
    if args["weight"] == "bad":
        args["weight"] = hw
    if args["target"] == "bad_index":
        args["target"] = hi
    out = P(12345)
    status = main.fl_sigmoid_focal_loss(args["input"], args["target"], args["weight"], args["alpha"], args["gamma"],
                                        args["reduction"], args["has_avg"], args["avg"], ctypes.byref(out))
    assert status == 1  # FL_ARGUMENT_ERROR
    assert out.value is None
    assert main.fl_last_error_param().decode() == param
    assert param in main.fl_last_error().decode()
    for h in [hx, ht, hw, hi]:
        lib.flt_tensor_free(h)


def test_capi_runtime_error_for_non_argument_failures(capi):
    main, lib = capi
    P = ctypes.c_void_p
    out = P()
    shp = (ctypes.c_int64 * 1)(2)
    data = (ctypes.c_double * 2)(0.5, 1.5)
    # int64 data must be whole: an argument error of the testing library, reported the same way
    assert lib.flt_from_doubles(data, 2, shp, 1, 4, 0, ctypes.byref(out)) == 1
    assert main.fl_last_error_param().decode() == "data"
    h = _tensor(lib, [1.0, 2.0], [2], 6)
    bad = P()
    assert lib.flt_transpose(h, 0, 5, ctypes.byref(bad)) == 2  # FL_RUNTIME_ERROR: libtorch's own error
    assert main.fl_last_error().decode() != ""
    lib.flt_tensor_free(h)
