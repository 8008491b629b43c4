// CPU kernels over a validated Problem (host pointers). Throw ArgumentError for a class index out
// of range (checked before anything is written); otherwise do not throw except std::bad_alloc or
// std::system_error (thread creation).
#pragma once

#include "focal_loss_internal.h"

namespace focal_loss {

// out: numel elements (NONE) or one element (MEAN, SUM) of pb.dtype.
void forward_cpu(const Problem& pb, void* out, int threads);
// The fused forward: out as forward_cpu; saved_grad: numel elements of acc type (float, or double
// for float64) receiving d(w * loss)/dx.
void forward_with_grad_cpu(const Problem& pb, void* out, void* saved_grad, int threads);
// grad_input = round(s * saved_grad), s as backward_cpu forms it from grad_output (see the header).
void scale_grad_cpu(const Problem& pb, const void* saved_grad, const void* grad_output, void* grad_input,
                    int threads);
// grad_output: numel elements (NONE) or one (MEAN, SUM); grad_input: numel elements.
void backward_cpu(const Problem& pb, const void* grad_output, void* grad_input, int threads);

}  // namespace focal_loss
