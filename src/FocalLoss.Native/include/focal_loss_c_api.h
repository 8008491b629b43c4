/*
 * FocalLoss.Native C ABI: the only surface the managed layer (FocalLoss.TorchSharp) calls.
 *
 * No libtorch here: tensors cross the boundary as raw data pointers plus element counts and a
 * dtype code, always contiguous (the caller makes them so). The same binaries therefore serve
 * every TorchSharp release, whatever libtorch it loads.
 *
 * Two libraries implement it:
 *   libFocalLossNative.so      CPU kernels (host pointers), fl_* functions below;
 *   libFocalLossNativeCuda.so  CUDA kernels (device pointers), fl_cuda_* functions below, linked
 *                              with the static CUDA runtime: only the NVIDIA driver is needed.
 *                              Kernels run on the default stream, as every TorchSharp operation.
 *
 * No C++ exception ever crosses this boundary. Every function that can fail returns an
 * fl_status; on failure the library's thread-local last error holds the message and, for
 * argument errors, the name of the offending parameter ("input", "target", "weight", "alpha",
 * "gamma", "reduction", "avg_factor", "grad_output", ...).
 */
#ifndef FOCAL_LOSS_C_API_H
#define FOCAL_LOSS_C_API_H

#include <stdint.h>

#if defined(_WIN32)
#define FL_API __declspec(dllexport)
#else
#define FL_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature or fl_problem below changes; the managed layer refuses a mismatch. */
#define FL_ABI_VERSION 3

typedef enum fl_status {
  FL_OK = 0,
  FL_ARGUMENT_ERROR = 1, /* bad argument: fl_last_error_param() names it */
  FL_RUNTIME_ERROR = 2,  /* anything else (out of memory, CUDA launch error, ...) */
  FL_UNAVAILABLE = 3     /* CUDA library: no usable driver or device */
} fl_status;

/* Floating dtypes of input, dense target, weight, out, grad_output and grad_input. */
typedef enum fl_dtype {
  FL_FLOAT32 = 0,
  FL_FLOAT64 = 1,
  FL_FLOAT16 = 2, /* IEEE binary16; computed in float32, rounded once */
  FL_BFLOAT16 = 3 /* computed in float32, rounded once */
} fl_dtype;

typedef enum fl_reduction {
  FL_REDUCTION_NONE = 0, /* same values as TorchSharp's nn.Reduction */
  FL_REDUCTION_MEAN = 1,
  FL_REDUCTION_SUM = 2
} fl_reduction;

typedef enum fl_input_kind {
  FL_INPUT_LOGITS = 0,       /* p = sigmoid(x), CE in log space (torchvision) */
  FL_INPUT_PROBABILITIES = 1 /* x is p itself (MMDetection activated=True): CE = binary_cross_entropy(p, t),
                                logs clamped at -100 as PyTorch's; gradient as PyTorch's BCE backward */
} fl_input_kind;
/* FL_INPUT_PROBABILITIES, exactly (p in [0, 1] is not checked; outside it the result is unspecified):
 *   q = t*(1-p) + (1-t)*p,  alpha_t = t*alpha + (1-t)*(1-alpha) (1 when alpha < 0)
 *   BCE = -(t*max(log p, -100) + (1-t)*max(log1p(-p), -100))
 *   loss = alpha_t * q^gamma * BCE
 *   dloss/dp = alpha_t * ( q^gamma * (p - t) / max((1-p)*p, 1e-12f)
 *                        + gamma * (1-2t) * q^(gamma-1) * BCE )   (second term 0 for gamma 0 or q 0) */

typedef enum fl_target_kind {
  FL_TARGET_DENSE = 0, /* numel elements of dtype: 0/1 or soft in [0, 1] */
  FL_TARGET_INDEX = 1  /* numel / classes int64 class indices in [0, classes]; classes = background */
} fl_target_kind;

typedef enum fl_weight_kind {
  FL_WEIGHT_NONE = 0,
  FL_WEIGHT_ELEMENT = 1, /* numel elements */
  FL_WEIGHT_ANCHOR = 2,  /* numel / classes elements: one per row (OpenPCDet) */
  FL_WEIGHT_CLASS = 3    /* classes elements: one per column */
} fl_weight_kind;

/* One call's problem. All pointers are contiguous, of the same device (host for fl_*,
 * device for fl_cuda_*). */
typedef struct fl_problem {
  int32_t struct_size;  /* sizeof(fl_problem): checked by the library */
  int32_t dtype;        /* fl_dtype */
  int32_t input_kind;   /* fl_input_kind */
  int32_t target_kind;  /* fl_target_kind */
  int32_t weight_kind;  /* fl_weight_kind */
  int32_t reduction;    /* fl_reduction */
  int64_t numel;        /* elements of input; 0 allowed */
  int64_t classes;      /* C = input's last dimension (1 for a 0-dim input); numel % classes == 0 */
  double alpha;         /* any negative value disables balancing; otherwise in [0, 1] */
  double gamma;         /* finite, >= 0 */
  double divisor;       /* MEAN: result = sum / divisor (numel, or MMDetection's avg_factor); finite and > 0,
                           or 0 with numel 0 (the NaN of an empty mean); else "avg_factor" error.
                           NONE, SUM: ignored */
  const void* input;    /* numel elements of dtype */
  const void* target;   /* see fl_target_kind */
  const void* weight;   /* see fl_weight_kind; NULL with FL_WEIGHT_NONE (else a "weight" error) */
} fl_problem;

/* ---- handshake and errors ------------------------------------------------------------- */
FL_API int32_t fl_abi_version(void);
FL_API const char* fl_last_error(void);       /* "" when none; valid until the next failing call on this thread */
FL_API const char* fl_last_error_param(void); /* parameter name for FL_ARGUMENT_ERROR, else "" */

/* ---- CPU kernels (host pointers) --------------------------------------------------------
 * threads: how many threads to use (the caller passes torch.get_num_threads()); in [1, 1024], else a
 *          "threads" error.
 * Results are bit-for-bit identical for every thread count.
 *
 * forward:  out receives numel elements of dtype (NONE) or one element of dtype (MEAN, SUM).
 *           An empty MEAN is NaN (as torch.mean), an empty SUM 0.
 * backward: grad_output has numel elements (NONE) or one element (MEAN, SUM) of dtype;
 *           grad_input receives numel elements of dtype: d(loss)/d(input) * grad_output.
 * A class index out of [0, classes] is FL_ARGUMENT_ERROR naming "target" (nothing is written), with the
 * first bad flat position, its value and the allowed range in the message.
 * Pointers may be NULL where numel == 0 (except out for MEAN/SUM, which receives one element).
 * Other parameter names reported: "problem" (NULL or wrong struct_size), "input_kind", "out",
 * "grad_input"; "input" also for dtype code, numel and classes. */
FL_API fl_status fl_cpu_forward(const fl_problem* problem, void* out, int32_t threads);
FL_API fl_status fl_cpu_backward(const fl_problem* problem, const void* grad_output, void* grad_input,
                                 int32_t threads);

/* ---- fused forward + saved gradient (ABI 3) ---------------------------------------------
 * For autograd: one pass computes the loss and d(loss)/d(input) from the same intermediates, so the
 * backward becomes a streaming multiply over a buffer the caller keeps (and the inputs need not be).
 *
 * fl_cpu_forward_with_grad: out exactly as fl_cpu_forward (the same values bit for bit, also for
 *   MEAN/SUM), and saved_grad receives numel elements of the SAVED dtype:
 *     float32 for float32, float16 and bfloat16 inputs (4 bytes/element; the final gradient is still
 *     rounded once to the input dtype), float64 for float64 inputs (8 bytes/element).
 *   saved_grad[i] = d(w_i * loss_i)/d(input_i): alpha_t and the weight included, the gradient of the
 *   SUM for grad_output = 1, unrounded to the input dtype. The MEAN divisor is NOT included: it is
 *   applied by fl_cpu_scale_grad, in the order fl_cpu_backward applies it (see below).
 *   saved_grad may be NULL only where numel == 0 (else a "saved_grad" error).
 * fl_cpu_scale_grad: grad_input[i] = round_to_dtype(s * saved_grad[i]) with
 *     NONE: s = grad_output[i] (numel elements of dtype),
 *     SUM:  s = grad_output[0] in the compute type (float, or double for float64),
 *     MEAN: s = (compute type)((double)grad_output[0] / divisor),
 *   i.e. the operations of fl_cpu_backward on the same element gradient: grad_input is equal bit for
 *   bit to fl_cpu_backward's for the same problem and grad_output (every dtype, input, target and
 *   weight kind, gamma and reduction), and to fl_cpu_forward's loss for out.
 *   Only struct_size, dtype, reduction, numel and divisor of the problem are read (and validated as
 *   for fl_cpu_forward); input, target, weight and the other fields are ignored and may be NULL/stale:
 *   the inputs can be freed after the forward. grad_output, saved_grad, grad_input may be NULL only
 *   where numel == 0.
 * Both are bit-for-bit identical for every thread count, and take the same AVX2/AVX-512 paths as the
 * other CPU kernels. Errors as fl_cpu_forward / fl_cpu_backward (plus "saved_grad"). */
FL_API fl_status fl_cpu_forward_with_grad(const fl_problem* problem, void* out, void* saved_grad, int32_t threads);
FL_API fl_status fl_cpu_scale_grad(const fl_problem* problem, const void* saved_grad, const void* grad_output,
                                   void* grad_input, int32_t threads);

/* ---- CUDA kernels (libFocalLossNativeCuda.so; device pointers on device `device`) -------
 * Same contracts as the CPU functions; launched on the default stream of `device`. The
 * functions return after the work is enqueued, except when they must read back a result to
 * report an error (a class index out of range). */
FL_API int32_t fl_cuda_abi_version(void);
FL_API int32_t fl_cuda_device_count(void); /* 0 when no driver or device; never fails */
/* fl_cuda_forward / fl_cuda_backward: FL_UNAVAILABLE without a driver or device; "device" error for an
 * index outside [0, count); every non-NULL pointer must be device (or managed) memory of `device`
 * (else an error naming it). The caller's current device is restored. With class-index targets the
 * indices are checked on the device and the result read back before any other work (a stream sync). */
FL_API const char* fl_cuda_last_error(void);
FL_API const char* fl_cuda_last_error_param(void);
FL_API fl_status fl_cuda_forward(const fl_problem* problem, void* out, int32_t device);
FL_API fl_status fl_cuda_backward(const fl_problem* problem, const void* grad_output, void* grad_input,
                                  int32_t device);
/* fl_cuda_forward_with_grad / fl_cuda_scale_grad: the contracts of the CPU pair above (saved dtype,
 * what saved_grad holds, which problem fields fl_cuda_scale_grad reads), on device pointers. Run to
 * run deterministic (fixed grid, fixed reduction order). The same device element math as
 * fl_cuda_forward / fl_cuda_backward, but nvcc may contract a*b+c differently in the fused kernel, so
 * against those (and against the CPU) they agree within the CUDA tolerance of focal_loss_cuda_test,
 * not bit for bit. fl_cuda_scale_grad never synchronises. */
FL_API fl_status fl_cuda_forward_with_grad(const fl_problem* problem, void* out, void* saved_grad, int32_t device);
FL_API fl_status fl_cuda_scale_grad(const fl_problem* problem, const void* saved_grad, const void* grad_output,
                                    void* grad_input, int32_t device);

#ifdef __cplusplus
}
#endif

#endif /* FOCAL_LOSS_C_API_H */
