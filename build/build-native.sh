#!/usr/bin/env bash
# Configures and builds src/FocalLoss.Native (Release, -O3) into artifacts/native/.
# No libtorch is involved: the libraries are plain C++17 / CUDA behind a C ABI.
# Idempotent: re-running only rebuilds what changed. Installs nothing.
#   artifacts/native/libFocalLossNative.so       CPU kernels (shipped)
#   artifacts/native/libFocalLossNativeCuda.so   CUDA kernels, static CUDA runtime (shipped; built
#                                                when a CUDA compiler is found)
#   artifacts/native/focal_loss_cuda_test        GPU-vs-CPU test program (skips without a GPU)
#   artifacts/native/focal_loss_kernel_bench     kernel micro-benchmark
#   artifacts/native/focal_loss_math_selftest    element-math self-test
# Environment: FL_CMAKE_ARGS (extra configure arguments, e.g. -DFL_CUDA=OFF or
#              -DCMAKE_CUDA_ARCHITECTURES=80), FL_JOBS (parallel jobs; default: number of cores).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/artifacts/native"
bdir="$out/build"
mkdir -p "$bdir"

generator=()
if [[ ! -f "$bdir/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi

# Configure only when there is no cache yet (CMake re-runs itself when CMakeLists.txt changes).
if [[ ! -f "$bdir/CMakeCache.txt" || -n "${FL_CMAKE_ARGS:-}" ]]; then
  # shellcheck disable=SC2086
  cmake -S "$root/src/FocalLoss.Native" -B "$bdir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DFL_OUTPUT_DIR="$out" ${FL_CMAKE_ARGS:-} >"$bdir/configure.log" 2>&1 \
    || { cat "$bdir/configure.log"; echo "build-native: configure failed" >&2; exit 1; }
fi

jobs="${FL_JOBS:-$(nproc 2>/dev/null || echo 2)}"
cmake --build "$bdir" --parallel "$jobs"

echo
echo "build-native: libraries in $out"
ls -1 "$out"/libFocalLossNative*.so
cuda_line="$(grep -h "FocalLoss CUDA:" "$bdir/configure.log" 2>/dev/null | tail -1 | sed 's/^-- //' || true)"
if [[ -f "$out/libFocalLossNativeCuda.so" ]]; then
  echo "build-native: CUDA library built (libFocalLossNativeCuda.so; static CUDA runtime)"
else
  echo "build-native: CUDA library NOT built (no CUDA compiler found, or FL_CUDA=OFF)"
fi
[[ -n "$cuda_line" ]] && echo "build-native: $cuda_line"
exit 0
