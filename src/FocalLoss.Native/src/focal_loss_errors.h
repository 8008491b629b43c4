// Exception -> fl_status translation used by every extern "C" entry point (main and testing
// library). The thread-local last error lives in the main library; the testing library reaches it
// through fl_internal_set_last_error (exported by the main library, not part of the public header).
#pragma once

#include "focal_loss_c_api.h"
#include "focal_loss_internal.h"

#include <exception>
#include <new>
#include <string>

// Never throws (allocation failures while storing the message are swallowed).
extern "C" FL_API void fl_internal_set_last_error(const char* message, const char* param);

namespace focal_loss {

inline fl_status fail(fl_status status, const char* message, const char* param) noexcept {
  fl_internal_set_last_error(message, param);
  return status;
}

// Runs body() and converts any exception into an fl_status plus the thread-local last error.
template <typename F>
fl_status guarded(F&& body) noexcept {
  try {
    body();
    return FL_OK;
  } catch (const ArgumentError& e) {
    return fail(FL_ARGUMENT_ERROR, e.what_without_backtrace(), e.param().c_str());
  } catch (const c10::Error& e) {
    return fail(FL_RUNTIME_ERROR, e.what_without_backtrace(), "");
  } catch (const std::bad_alloc&) {
    return fail(FL_RUNTIME_ERROR, "out of memory", "");
  } catch (const std::exception& e) {
    return fail(FL_RUNTIME_ERROR, e.what(), "");
  } catch (...) {
    return fail(FL_RUNTIME_ERROR, "unknown native exception", "");
  }
}

}  // namespace focal_loss
