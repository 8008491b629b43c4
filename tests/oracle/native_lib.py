"""Locates and loads the native library built by build/build-native.sh (artifacts/native/)."""
import os

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NATIVE_DIR = os.environ.get("FL_NATIVE_DIR", os.path.join(ROOT, "artifacts", "native"))
LIB = os.path.join(NATIVE_DIR, "libFocalLossNative.so")
TESTING_LIB = os.path.join(NATIVE_DIR, "libFocalLossNativeTesting.so")
SELFTEST = os.path.join(NATIVE_DIR, "focal_loss_math_selftest")
REDUCTION = {"none": 0, "mean": 1, "sum": 2}

_loaded = False


def load_op():
    """torch.ops.focal_loss.sigmoid_focal_loss (loads the library once)."""
    global _loaded
    if not _loaded:
        if not os.path.exists(LIB):
            raise FileNotFoundError(f"{LIB} not found: run build/build-native.sh first")
        torch.ops.load_library(LIB)
        _loaded = True
    return torch.ops.focal_loss.sigmoid_focal_loss
