#!/usr/bin/python3
"""torch.autograd.gradcheck of the native analytic backward (fl_cpu_backward), float64, over option combinations.

Usage: /usr/bin/python3 tests/oracle/gradcheck.py   (exit 1 on any failure; also run by pytest)
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from native_lib import focal_loss  # noqa: E402

# (name, target kind, weight kind, alpha, gamma, reduction, avg_factor[, input kind])
COMBOS = [
    ("hard_none_g2", "hard", "none", 0.25, 2.0, 0, None),
    ("hard_mean_g0.5", "hard", "none", 0.25, 0.5, 1, None),
    ("hard_sum_g0", "hard", "none", -1.0, 0.0, 2, None),
    ("hard_none_g1_a0.75", "hard", "none", 0.75, 1.0, 0, None),
    ("hard_mean_g5", "hard", "none", 0.25, 5.0, 1, None),
    ("soft_none_g2", "soft", "none", 0.25, 2.0, 0, None),
    ("soft_mean_g0.5", "soft", "none", -1.0, 0.5, 1, None),
    ("soft_sum_g1.5", "soft", "none", 0.75, 1.5, 2, None),
    ("index_none_g2", "index", "none", 0.25, 2.0, 0, None),
    ("index_mean_g0.5_avg", "index", "none", 0.25, 0.5, 1, 4.5),
    ("hard_element_weight_sum", "hard", "element", 0.25, 2.0, 2, None),
    ("index_anchor_weight_mean", "index", "anchor", 0.25, 2.0, 1, None),
    ("soft_class_weight_none", "soft", "class", 0.25, 2.0, 0, None),
    ("hard_anchor_keepdim_mean_avg", "hard", "anchor_keepdim", -1.0, 3.0, 1, 2.0),
    ("prob_hard_none_g2", "hard", "none", 0.25, 2.0, 0, None, "probabilities"),
    ("prob_hard_mean_g0.5", "hard", "none", 0.25, 0.5, 1, None, "probabilities"),
    ("prob_soft_sum_g0", "soft", "none", -1.0, 0.0, 2, None, "probabilities"),
    ("prob_soft_none_g1.5", "soft", "none", 0.75, 1.5, 0, None, "probabilities"),
    ("prob_index_class_weight_mean_avg", "index", "class", 0.25, 2.0, 1, 3.5, "probabilities"),
    ("prob_index_anchor_weight_sum_g5", "index", "anchor", 0.25, 5.0, 2, None, "probabilities"),
]


def make_inputs(target_kind, weight_kind, seed=0, shape=(3, 4, 5), input_kind="logits"):
    g = torch.Generator().manual_seed(seed)
    if input_kind == "logits":
        x = (torch.randn(shape, generator=g, dtype=torch.float64) * 3).requires_grad_(True)
    else:  # probabilities away from 0 and 1 (finite differences must stay inside [0, 1])
        x = (torch.rand(shape, generator=g, dtype=torch.float64) * 0.9 + 0.05).requires_grad_(True)
    if target_kind == "hard":
        t = (torch.rand(shape, generator=g, dtype=torch.float64) < 0.3).to(torch.float64)
    elif target_kind == "soft":
        t = torch.rand(shape, generator=g, dtype=torch.float64)
    else:
        t = torch.randint(0, shape[-1] + 1, shape[:-1], generator=g)
    w = None
    if weight_kind == "element":
        w = torch.rand(shape, generator=g, dtype=torch.float64)
    elif weight_kind == "anchor":
        w = torch.rand(shape[:-1], generator=g, dtype=torch.float64)
    elif weight_kind == "anchor_keepdim":
        w = torch.rand(tuple(shape[:-1]) + (1,), generator=g, dtype=torch.float64)
    elif weight_kind == "class":
        w = torch.rand(shape[-1:], generator=g, dtype=torch.float64)
    return x, t, w


def check(combo):
    name, tk, wk, alpha, gamma, reduction, avg = combo[:7]
    kind = combo[7] if len(combo) > 7 else "logits"
    x, t, w = make_inputs(tk, wk, input_kind=kind)
    fn = lambda x: focal_loss(x, t, w, alpha, gamma, reduction, avg, input_kind=kind)  # noqa: E731
    return torch.autograd.gradcheck(fn, (x,), eps=1e-6, atol=1e-7, rtol=1e-5, raise_exception=True)


def main():
    failed = 0
    for combo in COMBOS:
        try:
            check(combo)
            print(f"gradcheck {combo[0]}: ok")
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"gradcheck {combo[0]}: FAILED\n{e}")
    print(f"gradcheck: {len(COMBOS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
