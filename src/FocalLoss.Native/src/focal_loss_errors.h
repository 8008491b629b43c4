// Exception -> fl_status translation used by every extern "C" entry point of both libraries.
#pragma once

#include "focal_loss_c_api.h"
#include "focal_loss_internal.h"

#include <exception>
#include <new>
#include <string>

namespace focal_loss {

inline fl_status fail(fl_status status, const char* message, const char* param) noexcept {
  set_last_error(message, param);
  return status;
}

// Thrown for failures that are not the caller's arguments (e.g. a CUDA error).
class RuntimeError : public std::runtime_error {
 public:
  explicit RuntimeError(const std::string& m, fl_status status = FL_RUNTIME_ERROR)
      : std::runtime_error("sigmoid_focal_loss: " + m), status_(status) {}
  fl_status status() const noexcept { return status_; }

 private:
  fl_status status_;
};

// Runs body() and converts any exception into an fl_status plus the thread-local last error.
template <typename F>
fl_status guarded(F&& body) noexcept {
  try {
    body();
    return FL_OK;
  } catch (const ArgumentError& e) {
    return fail(FL_ARGUMENT_ERROR, e.what(), e.param().c_str());
  } catch (const RuntimeError& e) {
    return fail(e.status(), e.what(), "");
  } catch (const std::bad_alloc&) {
    return fail(FL_RUNTIME_ERROR, "sigmoid_focal_loss: out of memory", "");
  } catch (const std::exception& e) {
    return fail(FL_RUNTIME_ERROR, e.what(), "");
  } catch (...) {
    return fail(FL_RUNTIME_ERROR, "sigmoid_focal_loss: unknown native exception", "");
  }
}

}  // namespace focal_loss
