// Validation of fl_problem, shared by the CPU and the CUDA library.
#include "focal_loss_internal.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace focal_loss {
namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

const char* dtype_name(int32_t d) {
  switch (d) {
    case FL_FLOAT32: return "float32";
    case FL_FLOAT64: return "float64";
    case FL_FLOAT16: return "float16";
    case FL_BFLOAT16: return "bfloat16";
  }
  return "?";
}

// The fields every entry point reads: the struct itself and the dtype (a fresh Problem with dtype set).
Problem validate_header(const fl_problem* p) {
  if (p == nullptr) throw ArgumentError("problem", "expected a pointer to an fl_problem, got NULL");
  if (p->struct_size != static_cast<int32_t>(sizeof(fl_problem)))
    throw ArgumentError("problem", "expected struct_size " + std::to_string(sizeof(fl_problem)) +
                                       " (fl_problem of ABI version " + std::to_string(FL_ABI_VERSION) + "), got " +
                                       std::to_string(p->struct_size));
  Problem pb;
  if (p->dtype < FL_FLOAT32 || p->dtype > FL_BFLOAT16)
    throw ArgumentError("input", "expected dtype code 0 (float32), 1 (float64), 2 (float16) or 3 (bfloat16), got " +
                                     std::to_string(p->dtype));
  pb.dtype = static_cast<fl_dtype>(p->dtype);
  return pb;
}

fl_reduction checked_reduction(const fl_problem* p) {
  if (p->reduction < FL_REDUCTION_NONE || p->reduction > FL_REDUCTION_SUM)
    throw ArgumentError("reduction", "expected 0 (none), 1 (mean) or 2 (sum), got " + std::to_string(p->reduction));
  return static_cast<fl_reduction>(p->reduction);
}

void check_numel(const fl_problem* p) {
  if (p->numel < 0) throw ArgumentError("input", "expected numel >= 0, got " + std::to_string(p->numel));
}

// The mean's divisor (numel or avg_factor), 1 for none and sum; needs pb.reduction and pb.numel.
double checked_divisor(const fl_problem* p, const Problem& pb) {
  if (pb.reduction != FL_REDUCTION_MEAN) return 1.0;
  const double d = p->divisor;
  // 0 only for an empty input: the mean of nothing is NaN, as torch.mean
  const bool ok = std::isfinite(d) && (d > 0.0 || (d == 0.0 && pb.numel == 0));
  if (!ok) throw ArgumentError("avg_factor", "expected a finite divisor > 0 for reduction mean, got " + num(d));
  return d;
}

}  // namespace

Problem validate_problem(const fl_problem* p) {
  Problem pb = validate_header(p);
  if (p->input_kind != FL_INPUT_LOGITS && p->input_kind != FL_INPUT_PROBABILITIES)
    throw ArgumentError("input_kind", "expected 0 (logits) or 1 (probabilities), got " + std::to_string(p->input_kind));
  pb.input_kind = static_cast<fl_input_kind>(p->input_kind);
  if (p->target_kind != FL_TARGET_DENSE && p->target_kind != FL_TARGET_INDEX)
    throw ArgumentError("target", "expected target kind 0 (dense) or 1 (class indices), got " +
                                      std::to_string(p->target_kind));
  pb.target_kind = static_cast<fl_target_kind>(p->target_kind);
  if (p->weight_kind < FL_WEIGHT_NONE || p->weight_kind > FL_WEIGHT_CLASS)
    throw ArgumentError("weight", "expected weight kind 0 (none), 1 (per element), 2 (per anchor) or 3 (per class), got " +
                                      std::to_string(p->weight_kind));
  pb.weight_kind = static_cast<fl_weight_kind>(p->weight_kind);
  pb.reduction = checked_reduction(p);

  check_numel(p);
  if (p->classes < 1)
    throw ArgumentError("input", "expected classes (the last dimension) >= 1, got " + std::to_string(p->classes));
  if (p->numel % p->classes != 0)
    throw ArgumentError("input", "expected numel (" + std::to_string(p->numel) + ") to be a multiple of classes (" +
                                     std::to_string(p->classes) + ")");
  pb.numel = p->numel;
  pb.classes = p->classes;
  pb.rows = p->numel / p->classes;

  const bool any = pb.numel > 0;
  if (any && p->input == nullptr)
    throw ArgumentError("input", "expected a pointer to " + std::to_string(pb.numel) + " " + dtype_name(pb.dtype) +
                                     " elements, got NULL");
  if (any && p->target == nullptr)
    throw ArgumentError("target", pb.target_kind == FL_TARGET_INDEX
                                      ? "expected a pointer to " + std::to_string(pb.rows) + " int64 class indices, got NULL"
                                      : "expected a pointer to " + std::to_string(pb.numel) + " " + dtype_name(pb.dtype) +
                                            " elements, got NULL");
  if (pb.weight_kind == FL_WEIGHT_NONE) {
    if (p->weight != nullptr) throw ArgumentError("weight", "expected NULL with weight kind 0 (none), got a pointer");
  } else if (any && p->weight == nullptr) {
    const int64_t n = pb.weight_kind == FL_WEIGHT_ELEMENT ? pb.numel
                    : pb.weight_kind == FL_WEIGHT_ANCHOR ? pb.rows : pb.classes;
    throw ArgumentError("weight", "expected a pointer to " + std::to_string(n) + " " + dtype_name(pb.dtype) +
                                      " elements, got NULL");
  }
  pb.input = p->input;
  pb.target = p->target;
  pb.weight = p->weight;

  if (std::isnan(p->alpha) || p->alpha > 1.0)
    throw ArgumentError("alpha", "expected a value in [0, 1] (or negative to disable), got " + num(p->alpha));
  pb.alpha = p->alpha < 0 ? -1.0 : p->alpha;
  if (!std::isfinite(p->gamma) || p->gamma < 0.0)
    throw ArgumentError("gamma", "expected a finite value >= 0, got " + num(p->gamma));
  pb.gamma = p->gamma;
  pb.divisor = checked_divisor(p, pb);
  return pb;
}

void validate_forward_out(const Problem& pb, const void* out) {
  if (out == nullptr && (pb.reduction != FL_REDUCTION_NONE || pb.numel > 0))
    throw ArgumentError("out", pb.reduction == FL_REDUCTION_NONE
                                   ? "expected a pointer to " + std::to_string(pb.numel) + " elements, got NULL"
                                   : std::string("expected a pointer to one element, got NULL"));
}

void validate_backward_args(const Problem& pb, const void* grad_output, const void* grad_input) {
  if (pb.numel == 0) return;
  if (grad_output == nullptr)
    throw ArgumentError("grad_output", pb.reduction == FL_REDUCTION_NONE
                                           ? "expected a pointer to " + std::to_string(pb.numel) + " elements, got NULL"
                                           : std::string("expected a pointer to one element, got NULL"));
  if (grad_input == nullptr)
    throw ArgumentError("grad_input", "expected a pointer to " + std::to_string(pb.numel) + " elements, got NULL");
}

void validate_saved_grad(const Problem& pb, const void* saved_grad) {
  if (saved_grad == nullptr && pb.numel > 0)
    throw ArgumentError("saved_grad", "expected a pointer to " + std::to_string(pb.numel) + " " +
                                          (pb.dtype == FL_FLOAT64 ? "float64" : "float32") + " elements, got NULL");
}

Problem validate_scale_problem(const fl_problem* p) {
  Problem pb = validate_header(p);
  pb.reduction = checked_reduction(p);
  check_numel(p);
  pb.numel = p->numel;
  pb.rows = p->numel;
  pb.divisor = checked_divisor(p, pb);
  return pb;
}

std::string class_index_message(int64_t pos, int64_t value, int64_t classes) {
  return "class index out of range: target.view(-1)[" + std::to_string(pos) + "] = " + std::to_string(value) +
         ", expected values in [0, " + std::to_string(classes) + "] (" + std::to_string(classes) + " = background)";
}

}  // namespace focal_loss
