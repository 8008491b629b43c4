#!/usr/bin/python3
"""Golden fixtures for the fused sigmoid focal loss, from independent oracles.

Oracle 1 ("torchvision"): torchvision.ops.sigmoid_focal_loss with torch.autograd, evaluated in
float64 on the case's inputs (for float32 cases: on the float32-rounded inputs). Options that
torchvision lacks are composed around it in Python: class-index targets become a one-hot (index C
= background: all zeros), weights are multiplied in (broadcast per element / per anchor / per
class), then the reduction (mean = sum / numel, or sum / avg_factor).

Oracle 2 ("high_precision"): mpmath at 60 digits, for logits where torchvision itself loses the
value or returns NaN/inf gradients (|x| >= 17, |x| = 1e4, gamma < 1). The gradient there is
mpmath's numerical derivative of the loss (not our analytic formula). Such cases also record
"torchvision_value_is_finite": whether torchvision, run in the case's dtype, returned finite loss
and gradient (documentation: the fused op is finite and right there, torchvision is not).

Usage: /usr/bin/python3 tests/oracle/make_fixtures.py [--out DIR]   (default: tests/oracle/fixtures)
Deterministic: fixed seeds, no dependence on thread count.
"""
import argparse
import json
import math
import os
import sys

import torch
import torchvision

try:
    import mpmath
except ImportError:  # pragma: no cover
    mpmath = None

HERE = os.path.dirname(os.path.abspath(__file__))
GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]
ALPHAS = [-1.0, 0.25, 0.75]
REDUCTIONS = ["none", "mean", "sum"]
DTYPES = ["float32", "float64"]
TOL = {
    # fused float32 vs a float64 oracle: a few float32 ulps, plus an absolute floor for the
    # cancellation inherent to soft-target gradients (p - t)
    ("torchvision", "float32"): (2e-5, 1e-6),
    ("torchvision", "float64"): (1e-9, 1e-12),
    ("high_precision", "float32"): (2e-5, 1e-40),
    ("high_precision", "float64"): (1e-11, 1e-300),
}


def enc(v):
    """JSON number, or "nan" / "inf" / "-inf"."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def flat(t):
    return [enc(v) for v in t.detach().reshape(-1).tolist()]


def tdtype(name):
    return {"float32": torch.float32, "float64": torch.float64}[name]


def rounded(t, dtype):
    """Round a float64 tensor to the case dtype and back (the case's exact input values)."""
    return t.to(tdtype(dtype)).to(torch.float64)


def dense_target_of(target, target_kind, input_shape):
    if target_kind == "dense":
        return target
    c = input_shape[-1]
    onehot = torch.nn.functional.one_hot(target.long(), num_classes=c + 1)[..., :c]
    return onehot.to(torch.float64)


def weight_full(weight, weight_kind, input_shape):
    if weight_kind == "none":
        return None
    if weight_kind == "element":
        return weight
    if weight_kind == "anchor":
        return weight.reshape(list(input_shape[:-1]) + [1]).expand(input_shape)
    if weight_kind == "class":
        return weight.expand(input_shape)
    raise ValueError(weight_kind)


def reduce(loss, reduction, avg_factor):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if avg_factor is not None:
        return loss.sum() / avg_factor
    return loss.mean()


def torchvision_reference(x, target, target_kind, weight, weight_kind, alpha, gamma, reduction, avg_factor,
                          dtype=torch.float64):
    """Loss and d(loss.sum())/dx by torchvision + autograd in `dtype`."""
    x = x.to(dtype).detach().requires_grad_(True)
    t = dense_target_of(target, target_kind, list(x.shape)).to(dtype)
    loss = torchvision.ops.sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction="none")
    w = weight_full(weight, weight_kind, list(x.shape))
    if w is not None:
        loss = loss * w.to(dtype)
    out = reduce(loss, reduction, avg_factor)
    (grad,) = torch.autograd.grad(out.sum(), x)
    return out.detach(), grad.detach()


def mp_loss(x, t, alpha, gamma):
    x = mpmath.mpf(x)
    t = mpmath.mpf(t)
    # 60 significant digits do not survive 1 - p at |x| = 1e4 (1 - p ~ 1e-4343): use the exact
    # identities 1 - sigmoid(x) = sigmoid(-x) and -log(sigmoid(x)) = log1p(exp(-x)).
    p = 1 / (1 + mpmath.exp(-x))
    pn = 1 / (1 + mpmath.exp(x))
    ce = t * mpmath.log1p(mpmath.exp(-x)) + (1 - t) * mpmath.log1p(mpmath.exp(x))
    q = t * pn + (1 - t) * p
    m = mpmath.mpf(1) if gamma == 0 else q ** mpmath.mpf(gamma)
    at = mpmath.mpf(1) if alpha < 0 else t * mpmath.mpf(alpha) + (1 - t) * (1 - mpmath.mpf(alpha))
    return at * m * ce


def high_precision_reference(x, target, target_kind, weight, weight_kind, alpha, gamma, reduction, avg_factor):
    shape = list(x.shape)
    t = dense_target_of(target, target_kind, shape).reshape(-1).tolist()
    w = weight_full(weight, weight_kind, shape)
    w = [1.0] * len(t) if w is None else w.reshape(-1).tolist()
    xs = x.reshape(-1).tolist()
    with mpmath.workdps(60):
        losses, grads = [], []
        for xi, ti, wi in zip(xs, t, w):
            f = lambda v, ti=ti: mp_loss(v, ti, alpha, gamma)  # noqa: E731
            losses.append(f(xi) * wi)
            grads.append(mpmath.diff(f, mpmath.mpf(xi)) * wi)
        n = len(losses)
        if reduction == "none":
            out = torch.tensor([float(v) for v in losses], dtype=torch.float64).reshape(shape)
            scale = mpmath.mpf(1)
        else:
            total = mpmath.fsum(losses)
            if reduction == "sum":
                val, scale = total, mpmath.mpf(1)
            else:
                div = mpmath.mpf(avg_factor) if avg_factor is not None else mpmath.mpf(n)
                val, scale = total / div, 1 / div
            out = torch.tensor(float(val), dtype=torch.float64)
        grad = torch.tensor([float(g * scale) for g in grads], dtype=torch.float64).reshape(shape)
    return out, grad


class Builder:
    def __init__(self):
        self.cases = []

    def add(self, name, dtype, x, target, target_kind, alpha, gamma, reduction, weight=None, weight_kind="none",
            avg_factor=None, reference="torchvision"):
        """x, target, weight: float64 tensors already holding the case's exact values."""
        if reference == "torchvision":
            out, grad = torchvision_reference(x, target, target_kind, weight, weight_kind, alpha, gamma, reduction,
                                              avg_factor)
        else:
            out, grad = high_precision_reference(x, target, target_kind, weight, weight_kind, alpha, gamma,
                                                 reduction, avg_factor)
        rtol, atol = TOL[(reference, dtype)]
        case = {
            "name": name,
            "dtype": dtype,
            "input_shape": list(x.shape),
            "input": flat(x),
            "target_kind": target_kind,
            "target_shape": list(target.shape),
            "target": [int(v) for v in target.reshape(-1).tolist()] if target_kind == "index" else flat(target),
            "weight_kind": weight_kind,
            "weight_shape": list(weight.shape) if weight is not None else [],
            "weight": flat(weight) if weight is not None else [],
            "alpha": alpha,
            "gamma": gamma,
            "reduction": reduction,
            "avg_factor": avg_factor,
            "expected_shape": list(out.shape),
            "expected": flat(out),
            "expected_grad_input": flat(grad),
            "reference": reference,
            "rtol": rtol,
            "atol": atol,
        }
        if reference == "high_precision":
            tv_out, tv_grad = torchvision_reference(x, target, target_kind, weight, weight_kind, alpha, gamma,
                                                    reduction, avg_factor, dtype=tdtype(dtype))
            case["torchvision_value_is_finite"] = bool(torch.isfinite(tv_out).all() and torch.isfinite(tv_grad).all())
        self.cases.append(case)


def gen(seed):
    g = torch.Generator().manual_seed(seed)
    return g


def logits(g, shape, dtype, scale=3.0):
    return rounded(torch.randn(shape, generator=g, dtype=torch.float64) * scale, dtype)


def hard_targets(g, shape):
    return (torch.rand(shape, generator=g, dtype=torch.float64) < 0.3).to(torch.float64)


def group_dense_hard():
    b = Builder()
    g = gen(1001)
    k = 0
    for dtype in DTYPES:
        for gamma in GAMMAS:
            for alpha in ALPHAS:
                for reduction in REDUCTIONS:
                    shape = [3, 4, 5] if k % 2 == 0 else [6, 5]
                    k += 1
                    x = logits(g, shape, dtype)
                    t = hard_targets(g, shape)
                    b.add(f"dense_hard_{dtype}_g{gamma}_a{alpha}_{reduction}", dtype, x, t, "dense", alpha, gamma,
                          reduction)
    return b.cases


def group_dense_soft():
    b = Builder()
    g = gen(1002)
    k = 0
    for dtype in DTYPES:
        for gamma in GAMMAS:
            for alpha in ALPHAS:
                reduction = REDUCTIONS[k % 3]
                shape = [6, 5] if k % 2 == 0 else [3, 4, 5]
                k += 1
                x = logits(g, shape, dtype)
                t = rounded(torch.rand(shape, generator=g, dtype=torch.float64), dtype)
                # a few exact 0/1 among the soft values
                t.view(-1)[0] = 0.0
                t.view(-1)[1] = 1.0
                b.add(f"dense_soft_{dtype}_g{gamma}_a{alpha}_{reduction}", dtype, x, t, "dense", alpha, gamma,
                      reduction)
    return b.cases


def group_index_targets():
    b = Builder()
    g = gen(1003)
    k = 0
    for dtype in DTYPES:
        for gamma in GAMMAS:
            for alpha in ALPHAS:
                reduction = REDUCTIONS[k % 3]
                shape = [3, 4, 5] if k % 2 == 0 else [6, 5]
                k += 1
                x = logits(g, shape, dtype)
                c = shape[-1]
                t = torch.randint(0, c + 1, shape[:-1], generator=g, dtype=torch.int64)
                t.view(-1)[0] = c  # background
                t.view(-1)[1] = 0
                t.view(-1)[2] = c - 1
                b.add(f"index_{dtype}_g{gamma}_a{alpha}_{reduction}", dtype, x, t, "index", alpha, gamma, reduction)
    return b.cases


def group_weights():
    b = Builder()
    g = gen(1004)
    for dtype in DTYPES:
        for weight_kind in ["element", "anchor", "class"]:
            for target_kind in ["dense", "index"]:
                for reduction in REDUCTIONS:
                    shape = [3, 4, 5]
                    x = logits(g, shape, dtype)
                    if target_kind == "dense":
                        t = hard_targets(g, shape)
                    else:
                        t = torch.randint(0, shape[-1] + 1, shape[:-1], generator=g, dtype=torch.int64)
                    wshape = {"element": shape, "anchor": shape[:-1], "class": [shape[-1]]}[weight_kind]
                    w = rounded(torch.rand(wshape, generator=g, dtype=torch.float64) * 2, dtype)
                    b.add(f"weight_{weight_kind}_{target_kind}_{dtype}_{reduction}", dtype, x, t, target_kind, 0.25,
                          2.0, reduction, weight=w, weight_kind=weight_kind)
        # OpenPCDet style: per-anchor weights with a trailing 1 (weights.unsqueeze(-1))
        shape = [2, 7, 3]
        x = logits(g, shape, dtype)
        t = hard_targets(g, shape)
        w = rounded(torch.rand([2, 7, 1], generator=g, dtype=torch.float64), dtype)
        b.add(f"weight_anchor_keepdim_{dtype}_sum", dtype, x, t, "dense", 0.25, 2.0, "sum", weight=w,
              weight_kind="anchor")
    return b.cases


def group_avg_factor():
    b = Builder()
    g = gen(1005)
    for dtype in DTYPES:
        for target_kind in ["dense", "index"]:
            for gamma in [0.0, 2.0]:
                shape = [6, 5]
                x = logits(g, shape, dtype)
                if target_kind == "dense":
                    t = hard_targets(g, shape)
                else:
                    t = torch.randint(0, 6, [6], generator=g, dtype=torch.int64)
                b.add(f"avg_factor_mean_{target_kind}_{dtype}_g{gamma}", dtype, x, t, target_kind, 0.25, gamma, "mean",
                      avg_factor=7.5)
                b.add(f"avg_factor_none_{target_kind}_{dtype}_g{gamma}", dtype, x, t, target_kind, 0.25, gamma, "none",
                      avg_factor=7.5)
        shape = [3, 4, 5]
        x = logits(g, shape, dtype)
        t = torch.randint(0, 6, [3, 4], generator=g, dtype=torch.int64)
        w = rounded(torch.rand([3, 4], generator=g, dtype=torch.float64), dtype)
        b.add(f"avg_factor_mean_anchor_weight_{dtype}", dtype, x, t, "index", 0.25, 2.0, "mean", weight=w,
              weight_kind="anchor", avg_factor=3.0)
    return b.cases


def group_extreme_logits():
    """Large |x|: float32 torchvision gives NaN gradients for gamma < 1 at |x| > 17 (q = 1 - p = 0),
    float64 loses q = 1 - p to cancellation; |x| = 1e4 as well. mpmath reference."""
    b = Builder()
    mags = [17.5, 20.0, 30.0, 50.0, 88.0, 100.0, 1e4]
    xs = []
    for m in mags:
        xs += [m, -m]
    for dtype in DTYPES:
        x = rounded(torch.tensor(xs, dtype=torch.float64).reshape(len(mags), 2), dtype)
        # every sign/target combination: column 0 is +m, column 1 is -m; targets 1 then 0
        t1 = torch.ones_like(x)
        t0 = torch.zeros_like(x)
        for gamma in GAMMAS:
            for alpha in [-1.0, 0.25]:
                for tname, t in [("t1", t1), ("t0", t0)]:
                    b.add(f"extreme_{dtype}_g{gamma}_a{alpha}_{tname}_none", dtype, x, t, "dense", alpha, gamma,
                          "none", reference="high_precision")
        # reductions and class-index targets at large |x|
        xi = rounded(torch.tensor([[30.0, -30.0, 1e4], [-1e4, 17.5, -20.0]], dtype=torch.float64), dtype)
        ti = torch.tensor([1, 3], dtype=torch.int64)
        for gamma in [0.5, 2.0]:
            for reduction in ["mean", "sum"]:
                b.add(f"extreme_index_{dtype}_g{gamma}_{reduction}", dtype, xi, ti, "index", 0.25, gamma, reduction,
                      reference="high_precision")
        # soft targets at large |x|
        ts = rounded(torch.tensor([[0.25, 0.75, 0.5], [0.9, 0.1, 0.6]], dtype=torch.float64), dtype)
        for gamma in [0.5, 2.0]:
            b.add(f"extreme_soft_{dtype}_g{gamma}_none", dtype, xi, ts, "dense", 0.25, gamma, "none",
                  reference="high_precision")
    return b.cases


def group_empty():
    b = Builder()
    for dtype in DTYPES:
        x = torch.zeros([0, 5], dtype=torch.float64)
        t = torch.zeros([0, 5], dtype=torch.float64)
        for reduction in REDUCTIONS:
            b.add(f"empty_{dtype}_{reduction}", dtype, x, t, "dense", 0.25, 2.0, reduction)
        b.add(f"empty_{dtype}_mean_avg_factor", dtype, x, t, "dense", 0.25, 2.0, "mean", avg_factor=2.0)
    return b.cases


GROUPS = {
    "dense_hard": group_dense_hard,
    "dense_soft": group_dense_soft,
    "index_targets": group_index_targets,
    "weights": group_weights,
    "avg_factor": group_avg_factor,
    "extreme_logits": group_extreme_logits,
    "empty": group_empty,
}


def write_all(out_dir):
    if mpmath is None:
        sys.exit("mpmath is required (Debian: python3-mpmath)")
    torch.set_num_threads(1)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for name, fn in GROUPS.items():
        path = os.path.join(out_dir, f"{name}.json")
        with open(path, "w") as f:
            json.dump({"cases": fn()}, f, indent=None, separators=(",", ":"), allow_nan=False)
            f.write("\n")
        paths.append(path)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "fixtures"))
    args = ap.parse_args()
    for p in write_all(args.out):
        n = len(json.load(open(p))["cases"])
        print(f"{p}: {n} cases, {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main()
