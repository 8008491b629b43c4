/*
 * FocalLoss.Native C ABI: the only surface the managed layer (FocalLoss.Runtime) calls.
 *
 * Tensors cross the boundary as `at::Tensor*` handles, exactly as TorchSharp passes them
 * (`torch.Tensor.Handle`) and takes them back (`torch.Tensor.UnsafeCreateTensor(IntPtr)`):
 *   - input handles are borrowed; the library never frees them;
 *   - a handle returned through an out parameter is a new heap `at::Tensor` owned by the caller,
 *     released with fl_tensor_free (TorchSharp releases it the same way when it owns it).
 *
 * No C++ exception ever crosses this boundary. Every function that can fail returns an
 * fl_status; on failure the thread-local last error holds the message and, for argument
 * errors, the name of the offending parameter.
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

/* Bumped whenever a signature below changes; the managed layer refuses a mismatch. */
#define FL_ABI_VERSION 1

typedef enum fl_status {
  FL_OK = 0,
  FL_ARGUMENT_ERROR = 1, /* bad argument: fl_last_error_param() names it */
  FL_RUNTIME_ERROR = 2   /* anything else (libtorch error, out of memory, ...) */
} fl_status;

typedef enum fl_reduction {
  FL_REDUCTION_NONE = 0, /* same values as TorchSharp's nn.Reduction */
  FL_REDUCTION_MEAN = 1,
  FL_REDUCTION_SUM = 2
} fl_reduction;

typedef void* fl_tensor; /* an at::Tensor* */

/* ---- handshake ---------------------------------------------------------------------- */
FL_API int32_t fl_abi_version(void);
/* libtorch version the library was compiled against, e.g. "1.13.1" (static string). */
FL_API const char* fl_torch_version(void);
/* 1 when the CUDA kernel is compiled into this build, 0 otherwise. */
FL_API int32_t fl_cuda_compiled(void);
/* 1 when a CUDA device is usable at run time, 0 otherwise (never fails). */
FL_API int32_t fl_cuda_available(void);

/* ---- errors (thread-local; valid until the next failing call on the same thread) ---- */
FL_API const char* fl_last_error(void);       /* "" when none */
FL_API const char* fl_last_error_param(void); /* parameter name for FL_ARGUMENT_ERROR, else "" */

/* ---- the operator --------------------------------------------------------------------
 * input:  logits, floating dtype (float16, bfloat16, float32, float64), any shape [..., C].
 * target: either dense, floating, same shape as input (0/1 or soft in [0,1]; torchvision),
 *         or int64 class indices of shape input.shape[:-1] with value C meaning background
 *         (MMCV semantics).
 * weight: optional (NULL for none), same dtype family; shape equal to input (per element),
 *         input.shape[:-1] (per anchor, OpenPCDet) or [C] (per class).
 * alpha:  negative disables balancing; otherwise in [0, 1].
 * gamma:  >= 0.
 * reduction: fl_reduction.
 * has_avg_factor / avg_factor: as MMDetection's weight_reduce_loss: with MEAN the result is
 *         sum / avg_factor; with NONE it has no effect; with SUM it is an argument error.
 *         avg_factor must be finite and > 0.
 * out:    receives a new owned handle; the result carries a grad_fn when any input requires grad.
 */
FL_API fl_status fl_sigmoid_focal_loss(fl_tensor input, fl_tensor target, fl_tensor weight,
                                       double alpha, double gamma, int32_t reduction,
                                       int32_t has_avg_factor, double avg_factor, fl_tensor* out);

/* Releases a handle returned by this library. NULL is ignored. */
FL_API void fl_tensor_free(fl_tensor tensor);

#ifdef __cplusplus
}
#endif

#endif /* FOCAL_LOSS_C_API_H */
