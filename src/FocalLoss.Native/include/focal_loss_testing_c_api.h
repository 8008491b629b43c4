/*
 * FocalLoss.Native.Testing C ABI: a small test-only library (libFocalLossNativeTesting.so) that
 * lets the managed tests create, inspect and differentiate tensors without TorchSharp.
 * It is not shipped in any package. Same conventions as focal_loss_c_api.h: handles are
 * at::Tensor*, returned handles are owned by the caller and released with fl_tensor_free
 * (from the main library) or flt_tensor_free (identical), errors through the main library's
 * thread-local last error (fl_last_error).
 */
#ifndef FOCAL_LOSS_TESTING_C_API_H
#define FOCAL_LOSS_TESTING_C_API_H

#include "focal_loss_c_api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* dtype codes are c10::ScalarType values: 4 = int64, 5 = float16, 6 = float32,
 * 7 = float64, 11 = bool, 15 = bfloat16. */

/* New CPU tensor of the given dtype and shape from `numel` doubles (converted; for int64 the
 * doubles must be whole numbers). ndim may be 0 (a scalar). */
FL_API fl_status flt_from_doubles(const double* data, int64_t numel, const int64_t* shape,
                                  int32_t ndim, int32_t dtype, int32_t requires_grad,
                                  fl_tensor* out);

/* Copies the tensor's values, in row-major logical order (works for non-contiguous and CUDA
 * tensors), converted to double, into buffer[0..capacity). Fails if numel > capacity. */
FL_API fl_status flt_to_doubles(fl_tensor tensor, double* buffer, int64_t capacity);

FL_API int32_t flt_dtype(fl_tensor tensor);
FL_API int32_t flt_dim(fl_tensor tensor);
FL_API int64_t flt_size(fl_tensor tensor, int32_t dim);
FL_API int64_t flt_numel(fl_tensor tensor);
FL_API int32_t flt_requires_grad(fl_tensor tensor);
/* 1 when the tensor has a grad_fn, and writes its name (e.g. "SigmoidFocalLossBackward")
 * into name[0..capacity) NUL-terminated; 0 when it has none. */
FL_API int32_t flt_grad_fn_name(fl_tensor tensor, char* name, int32_t capacity);

/* A non-contiguous view: tensor.transpose(dim0, dim1). */
FL_API fl_status flt_transpose(fl_tensor tensor, int32_t dim0, int32_t dim1, fl_tensor* out);
/* A strided, non-contiguous view: tensor.slice(dim, 0, size, step). */
FL_API fl_status flt_slice_step(fl_tensor tensor, int32_t dim, int64_t step, fl_tensor* out);
/* tensor.to(device) where device is "cpu" or "cuda:N". */
FL_API fl_status flt_to_device(fl_tensor tensor, const char* device, fl_tensor* out);

/* loss.backward(grad_output) (grad_output may be NULL for a scalar loss). */
FL_API fl_status flt_backward(fl_tensor loss, fl_tensor grad_output);
/* The accumulated .grad of a leaf: a new owned handle, or *out = NULL when undefined. */
FL_API fl_status flt_grad(fl_tensor tensor, fl_tensor* out);

/* Bytes currently allocated on the C heap (mallinfo2().uordblks), for leak checks. */
FL_API int64_t flt_heap_bytes_in_use(void);

FL_API void flt_tensor_free(fl_tensor tensor);

#ifdef __cplusplus
}
#endif

#endif /* FOCAL_LOSS_TESTING_C_API_H */
