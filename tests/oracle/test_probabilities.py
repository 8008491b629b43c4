"""Probability inputs (FL_INPUT_PROBABILITIES): the native kernels against a torch composite of
MMDetection's py_focal_loss_with_prob (activated=True), native_lib.mmdet_focal_loss_with_prob.

loss = alpha_t * q^gamma * BCE(p, t), q = t*(1-p) + (1-t)*p, BCE = PyTorch's binary_cross_entropy
(logs clamped at -100); gradient as PyTorch's BCE backward plus d q^gamma / dp.
"""
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import native_lib as nl  # noqa: E402
from native_lib import LIB, focal_loss, mmdet_focal_loss_with_prob as ref_loss  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.exists(LIB), reason="run build/build-native.sh first")

GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]


def probs(shape, dtype=torch.float64, seed=0, lo=1e-4):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=g, dtype=torch.float64) * (1 - 2 * lo) + lo).to(dtype)


def targets(kind, shape, seed=1):
    g = torch.Generator().manual_seed(seed)
    if kind == "index":
        return torch.randint(0, shape[-1] + 1, shape[:-1], generator=g)
    if kind == "hard":
        return (torch.rand(shape, generator=g, dtype=torch.float64) < 0.3).double()
    return torch.rand(shape, generator=g, dtype=torch.float64)


@pytest.mark.parametrize("tkind", ["hard", "soft", "index"])
@pytest.mark.parametrize("gamma", GAMMAS)
def test_forward_matches_mmdet_composite_float64(tkind, gamma):
    p = probs((40, 6))
    t = targets(tkind, (40, 6))
    for alpha in [0.25, -1.0]:
        for red, avg in [("none", None), ("mean", None), ("mean", 7.5), ("sum", None)]:
            ours = nl.forward(p, t, None, alpha, gamma, red, avg, input_kind="probabilities")
            ref = ref_loss(p, t, None, gamma, alpha, red, avg)
            torch.testing.assert_close(ours, ref, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("tkind", ["hard", "soft", "index"])
@pytest.mark.parametrize("gamma", GAMMAS)
def test_gradient_matches_mmdet_composite_autograd_float64(tkind, gamma):
    p = probs((40, 6), seed=2).requires_grad_(True)
    t = targets(tkind, (40, 6), seed=3)
    for red in ["none", "mean", "sum"]:
        ours = focal_loss(p, t, None, 0.25, gamma, red, input_kind="probabilities")
        ref = ref_loss(p, t, None, gamma, 0.25, red)
        (g1,) = torch.autograd.grad(ours.sum(), p)
        (g2,) = torch.autograd.grad(ref.sum(), p)
        torch.testing.assert_close(g1, g2, rtol=1e-11, atol=1e-300)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
def test_float32_matches_mmdet_composite_float32(gamma):
    p = probs((500, 9), torch.float32, seed=4, lo=1e-3).requires_grad_(True)
    t = targets("soft", (500, 9), seed=5).float()
    ours = focal_loss(p, t, None, 0.25, gamma, "none", input_kind="probabilities")
    ref = ref_loss(p, t, None, gamma, 0.25, "none")
    torch.testing.assert_close(ours, ref, rtol=2e-5, atol=1e-7)
    (g1,) = torch.autograd.grad(ours.sum(), p)
    (g2,) = torch.autograd.grad(ref.sum(), p)
    torch.testing.assert_close(g1, g2, rtol=1e-4, atol=1e-5)


def test_log_clamp_at_zero_and_one_as_pytorch_bce():
    p = torch.tensor([0.0, 1.0, 0.0, 1.0, 1e-50, 1 - 1e-16], dtype=torch.float64)
    t = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 0.0], dtype=torch.float64)
    ours = nl.forward(p, t, None, -1.0, 0.0, "none", input_kind="probabilities")
    ref = torch.nn.functional.binary_cross_entropy(p, t, reduction="none")
    assert torch.equal(ours, ref)
    assert ours[0].item() == 100.0 and ours[1].item() == 100.0 and ours[2].item() == 0.0


def test_gradient_uses_pytorch_bce_backward_clamp():
    p = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    t = torch.tensor([1.0, 0.0], dtype=torch.float64)
    for gamma in [0.0, 1.0, 2.0]:
        ours = focal_loss(p, t, None, 0.25, gamma, "sum", input_kind="probabilities")
        ref = ref_loss(p, t, None, gamma, 0.25, "sum")
        (g1,) = torch.autograd.grad(ours, p)
        (g2,) = torch.autograd.grad(ref, p)
        torch.testing.assert_close(g1, g2, rtol=1e-14, atol=0)
        assert abs(g1[0].item()) > 1e11  # (p - t) / max(p(1-p), 1e-12)


@pytest.mark.parametrize("gamma", [0.5, 0.25])
def test_gradient_finite_where_prediction_equals_target(gamma):
    # q = 0 at p = t in {0, 1}: q^(gamma-1) is infinite for gamma < 1 but BCE = 0; the composite gives
    # NaN there, the kernel the limit 0
    p = torch.tensor([0.0, 1.0, 0.3], dtype=torch.float64, requires_grad=True)
    t = torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64)
    ref = ref_loss(p, t, None, gamma, 0.25, "sum")
    (gr,) = torch.autograd.grad(ref, p)
    assert torch.isnan(gr[:2]).any()
    ours = focal_loss(p, t, None, 0.25, gamma, "sum", input_kind="probabilities")
    (g,) = torch.autograd.grad(ours, p)
    assert torch.isfinite(g).all()
    assert g[0].item() == 0.0 and g[1].item() == 0.0
    torch.testing.assert_close(g[2], gr[2], rtol=1e-13, atol=0)


def test_index_targets_equal_dense_one_hot():
    p = probs((97, 11), seed=6)
    idx = torch.randint(0, 12, (97,), generator=torch.Generator().manual_seed(7))
    dense = torch.nn.functional.one_hot(idx, 12)[:, :11].double()
    assert torch.equal(nl.forward(p, idx, None, 0.25, 2.0, "none", input_kind="probabilities"),
                       nl.forward(p, dense, None, 0.25, 2.0, "none", input_kind="probabilities"))


@pytest.mark.parametrize("wkind", ["element", "anchor", "class"])
def test_weights_with_probabilities(wkind):
    p = probs((13, 4), seed=8)
    t = targets("index", (13, 4), seed=9)
    w = {"element": torch.rand(13, 4), "anchor": torch.rand(13), "class": torch.rand(4)}[wkind].double()
    wb = {"element": w, "anchor": w[:, None], "class": w[None, :]}[wkind]
    ours = nl.forward(p, t, w, 0.25, 2.0, "none", input_kind="probabilities")
    ref = ref_loss(p, t, None, 2.0, 0.25, "none") * wb
    torch.testing.assert_close(ours, ref, rtol=1e-13, atol=0)


def test_probability_reductions_identical_for_1_2_3_7_threads():
    p = probs(((1 << 19) + 3,), torch.float64, seed=10)
    t = targets("soft", ((1 << 19) + 3,), seed=11)
    res = [nl.forward(p, t, None, 0.25, 2.0, "mean", input_kind="probabilities", threads=n).item() for n in [1, 2, 3, 7]]
    assert res == [res[0]] * 4
