"""ctypes bindings of the native kernel library's C ABI (include/focal_loss_c_api.h, ABI v3) and a
torch.autograd.Function over fl_cpu_forward / fl_cpu_backward, as the managed layer uses them.

The library is the one build/build-native.sh writes to artifacts/native/ (or $FL_NATIVE_DIR).
Tensors cross as data_ptr() of contiguous tensors; nothing of libtorch is linked by the library.
"""
import ctypes
import os

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NATIVE_DIR = os.environ.get("FL_NATIVE_DIR", os.path.join(ROOT, "artifacts", "native"))
LIB = os.path.join(NATIVE_DIR, "libFocalLossNative.so")
CUDA_LIB = os.path.join(NATIVE_DIR, "libFocalLossNativeCuda.so")
SELFTEST = os.path.join(NATIVE_DIR, "focal_loss_math_selftest")
CUDA_TEST = os.path.join(NATIVE_DIR, "focal_loss_cuda_test")
HEADER = os.path.join(ROOT, "src", "FocalLoss.Native", "include", "focal_loss_c_api.h")

ABI_VERSION = 3
FL_OK, FL_ARGUMENT_ERROR, FL_RUNTIME_ERROR, FL_UNAVAILABLE = 0, 1, 2, 3
REDUCTION = {"none": 0, "mean": 1, "sum": 2}
DTYPE = {torch.float32: 0, torch.float64: 1, torch.float16: 2, torch.bfloat16: 3}
INPUT_KIND = {"logits": 0, "probabilities": 1}
TARGET_DENSE, TARGET_INDEX = 0, 1
WEIGHT_NONE, WEIGHT_ELEMENT, WEIGHT_ANCHOR, WEIGHT_CLASS = 0, 1, 2, 3


class Problem(ctypes.Structure):
    """fl_problem."""
    _fields_ = [
        ("struct_size", ctypes.c_int32),
        ("dtype", ctypes.c_int32),
        ("input_kind", ctypes.c_int32),
        ("target_kind", ctypes.c_int32),
        ("weight_kind", ctypes.c_int32),
        ("reduction", ctypes.c_int32),
        ("numel", ctypes.c_int64),
        ("classes", ctypes.c_int64),
        ("alpha", ctypes.c_double),
        ("gamma", ctypes.c_double),
        ("divisor", ctypes.c_double),
        ("input", ctypes.c_void_p),
        ("target", ctypes.c_void_p),
        ("weight", ctypes.c_void_p),
    ]


_lib = None


def lib():
    """The CPU library (loaded once), with argument and result types declared."""
    global _lib
    if _lib is None:
        if not os.path.exists(LIB):
            raise FileNotFoundError(f"{LIB} not found: run build/build-native.sh first")
        L = ctypes.CDLL(LIB)
        L.fl_abi_version.restype = ctypes.c_int32
        L.fl_abi_version.argtypes = []
        L.fl_last_error.restype = ctypes.c_char_p
        L.fl_last_error.argtypes = []
        L.fl_last_error_param.restype = ctypes.c_char_p
        L.fl_last_error_param.argtypes = []
        L.fl_cpu_forward.restype = ctypes.c_int
        L.fl_cpu_forward.argtypes = [ctypes.POINTER(Problem), ctypes.c_void_p, ctypes.c_int32]
        L.fl_cpu_backward.restype = ctypes.c_int
        L.fl_cpu_backward.argtypes = [ctypes.POINTER(Problem), ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32]
        L.fl_cpu_forward_with_grad.restype = ctypes.c_int
        L.fl_cpu_forward_with_grad.argtypes = [ctypes.POINTER(Problem), ctypes.c_void_p, ctypes.c_void_p,
                                               ctypes.c_int32]
        L.fl_cpu_scale_grad.restype = ctypes.c_int
        L.fl_cpu_scale_grad.argtypes = [ctypes.POINTER(Problem), ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.c_int32]
        _lib = L
    return _lib


class NativeError(Exception):
    def __init__(self, status, param, message):
        super().__init__(message)
        self.status, self.param, self.message = status, param, message


class NativeArgumentError(NativeError, ValueError):
    pass


def last_error():
    return lib().fl_last_error().decode(), lib().fl_last_error_param().decode()


def raise_for(status):
    if status != FL_OK:
        message, param = last_error()
        cls = NativeArgumentError if status == FL_ARGUMENT_ERROR else NativeError
        raise cls(status, param, message)


def default_threads():
    return torch.get_num_threads()


def _ptr(t):
    return None if t is None else ctypes.c_void_p(t.data_ptr())


def make_problem(x, target, weight, alpha, gamma, reduction, avg_factor, input_kind="logits"):
    """The fl_problem of a call, plus the contiguous tensors it points to (keep them alive).

    Mirrors the managed layer: classes = x's last dimension (1 for a 0-dim input); an int64 target
    holds class indices of shape x.shape[:-1]; a weight is per element (x's shape), per anchor
    (x.shape[:-1], or with a trailing 1) or per class ([C]); mean divides by avg_factor or numel.
    """
    x = x.detach().contiguous()
    classes = x.shape[-1] if x.dim() > 0 else 1
    t = target.detach().contiguous()
    tkind = TARGET_INDEX if t.dtype == torch.int64 else TARGET_DENSE
    w, wkind = None, WEIGHT_NONE
    if weight is not None:
        w = weight.detach().contiguous()
        lead = tuple(x.shape[:-1]) if x.dim() > 0 else ()
        if tuple(w.shape) == tuple(x.shape):
            wkind = WEIGHT_ELEMENT
        elif x.dim() > 0 and tuple(w.shape) in (lead, lead + (1,)):
            wkind = WEIGHT_ANCHOR
        elif x.dim() > 0 and tuple(w.shape) == (classes,):
            wkind = WEIGHT_CLASS
        else:
            raise ValueError(f"sigmoid_focal_loss: weight: unsupported shape {list(w.shape)}")
    red = REDUCTION[reduction] if isinstance(reduction, str) else reduction
    divisor = 1.0
    if red == 1:
        divisor = float(avg_factor) if avg_factor is not None else float(x.numel())
    p = Problem(ctypes.sizeof(Problem), DTYPE.get(x.dtype, 99), INPUT_KIND[input_kind], tkind, wkind, red,
                x.numel(), classes, alpha, gamma, divisor, x.data_ptr(), t.data_ptr(),
                None if w is None else w.data_ptr())
    return p, (x, t, w)


def forward(x, target, weight, alpha, gamma, reduction, avg_factor=None, input_kind="logits", threads=None):
    p, keep = make_problem(x, target, weight, alpha, gamma, reduction, avg_factor, input_kind)
    out = torch.empty(x.shape if p.reduction == 0 else (), dtype=x.dtype)
    raise_for(lib().fl_cpu_forward(ctypes.byref(p), _ptr(out), threads or default_threads()))
    return out


def backward(grad_output, x, target, weight, alpha, gamma, reduction, avg_factor=None, input_kind="logits",
             threads=None):
    p, keep = make_problem(x, target, weight, alpha, gamma, reduction, avg_factor, input_kind)
    if p.reduction == 0:
        g = grad_output.to(x.dtype).expand(x.shape).contiguous()
    else:
        g = grad_output.to(x.dtype).reshape(()).contiguous()
    grad_input = torch.empty(x.shape, dtype=x.dtype)
    raise_for(lib().fl_cpu_backward(ctypes.byref(p), _ptr(g), _ptr(grad_input), threads or default_threads()))
    return grad_input


def saved_dtype(dtype):
    """The saved gradient's dtype: float64 for float64 inputs, else float32."""
    return torch.float64 if dtype == torch.float64 else torch.float32


def forward_with_grad(x, target, weight, alpha, gamma, reduction, avg_factor=None, input_kind="logits",
                      threads=None):
    """fl_cpu_forward_with_grad: (loss, saved gradient)."""
    p, keep = make_problem(x, target, weight, alpha, gamma, reduction, avg_factor, input_kind)
    out = torch.empty(x.shape if p.reduction == 0 else (), dtype=x.dtype)
    saved = torch.empty(x.shape, dtype=saved_dtype(x.dtype))
    raise_for(lib().fl_cpu_forward_with_grad(ctypes.byref(p), _ptr(out), _ptr(saved),
                                             threads or default_threads()))
    return out, saved


def scale_problem(dtype, numel, reduction, divisor):
    """The fl_problem of a scale call: only dtype, reduction, numel and divisor (no input pointers)."""
    red = REDUCTION[reduction] if isinstance(reduction, str) else reduction
    return Problem(ctypes.sizeof(Problem), DTYPE.get(dtype, 99), 0, 0, 0, red, numel, 1, -1.0, 0.0, divisor,
                   None, None, None)


def scale_grad(saved, grad_output, dtype, reduction, divisor=1.0, threads=None):
    """fl_cpu_scale_grad: grad_input of dtype from the saved gradient."""
    p = scale_problem(dtype, saved.numel(), reduction, divisor)
    if p.reduction == 0:
        g = grad_output.to(dtype).expand(saved.shape).contiguous()
    else:
        g = grad_output.to(dtype).reshape(()).contiguous()
    grad_input = torch.empty(saved.shape, dtype=dtype)
    raise_for(lib().fl_cpu_scale_grad(ctypes.byref(p), _ptr(saved), _ptr(g), _ptr(grad_input),
                                      threads or default_threads()))
    return grad_input


class FusedSigmoidFocalLoss(torch.autograd.Function):
    """The fused path: forward with the saved gradient; saves only that buffer."""

    @staticmethod
    def forward(ctx, x, target, weight, alpha, gamma, reduction, avg_factor, input_kind, threads):
        out, saved = forward_with_grad(x, target, weight, alpha, gamma, reduction, avg_factor, input_kind, threads)
        ctx.save_for_backward(saved)
        red = REDUCTION[reduction] if isinstance(reduction, str) else reduction
        divisor = 1.0
        if red == 1:
            divisor = float(avg_factor) if avg_factor is not None else float(x.numel())
        ctx.opts = (x.dtype, reduction, divisor, threads)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (saved,) = ctx.saved_tensors
        dtype, reduction, divisor, threads = ctx.opts
        grad = scale_grad(saved, grad_output, dtype, reduction, divisor, threads)
        return grad, None, None, None, None, None, None, None, None


def fused_focal_loss(x, target, weight=None, alpha=0.25, gamma=2.0, reduction="none", avg_factor=None,
                     input_kind="logits", threads=None):
    """The fused loss with autograd (forward with the saved gradient, backward a scale)."""
    return FusedSigmoidFocalLoss.apply(x, target, weight, alpha, gamma, reduction, avg_factor, input_kind, threads)


class SigmoidFocalLoss(torch.autograd.Function):
    """Forward and analytic backward from the native library; saves only the inputs."""

    @staticmethod
    def forward(ctx, x, target, weight, alpha, gamma, reduction, avg_factor, input_kind, threads):
        ctx.save_for_backward(x, target, weight)
        ctx.opts = (alpha, gamma, reduction, avg_factor, input_kind, threads)
        return forward(x, target, weight, alpha, gamma, reduction, avg_factor, input_kind, threads)

    @staticmethod
    def backward(ctx, grad_output):
        x, target, weight = ctx.saved_tensors
        alpha, gamma, reduction, avg_factor, input_kind, threads = ctx.opts
        grad = backward(grad_output, x, target, weight, alpha, gamma, reduction, avg_factor, input_kind, threads)
        return grad, None, None, None, None, None, None, None, None


def focal_loss(x, target, weight=None, alpha=0.25, gamma=2.0, reduction="none", avg_factor=None,
               input_kind="logits", threads=None):
    """The fused loss with autograd (gradient for x only)."""
    return SigmoidFocalLoss.apply(x, target, weight, alpha, gamma, reduction, avg_factor, input_kind, threads)


def op():
    """The old operator's positional signature: (x, target, weight, alpha, gamma, reduction, avg_factor)."""
    return lambda x, t, w, alpha, gamma, reduction, avg_factor=None, **kw: focal_loss(
        x, t, w, alpha, gamma, reduction, avg_factor, **kw)


def mmdet_focal_loss_with_prob(pred, target, weight=None, gamma=2.0, alpha=0.25, reduction="mean", avg_factor=None):
    """Torch composite of MMDetection's py_focal_loss_with_prob (activated=True; the reference).

    target: class indices (N,) with num_classes = background, or dense targets of pred's shape.
    """
    if target.dtype == torch.int64:
        num_classes = pred.size(-1)
        target = torch.nn.functional.one_hot(target, num_classes=num_classes + 1)[..., :num_classes]
    target = target.type_as(pred)
    pt = (1 - pred) * target + pred * (1 - target)
    if alpha >= 0:
        focal_weight = (alpha * target + (1 - alpha) * (1 - target)) * pt.pow(gamma)
    else:
        focal_weight = pt.pow(gamma)
    loss = torch.nn.functional.binary_cross_entropy(pred, target, reduction="none") * focal_weight
    if weight is not None:
        if weight.shape != loss.shape:
            weight = weight.reshape(-1, 1) if weight.dim() == 1 and weight.numel() == loss.size(0) else weight
        loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / avg_factor if avg_factor is not None else loss.mean()
