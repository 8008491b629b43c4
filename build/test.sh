#!/usr/bin/env bash
# The one test command: installs what is missing, builds everything (native + .NET) and runs
# every test suite. Exit code 0 only when every suite passed.
#
#   build/test.sh            everything
#   build/test.sh --no-deps  skip the system package check (you installed them yourself)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

deps=1
for a in "$@"; do
  case "$a" in
    --no-deps) deps=0 ;;
    *) echo "usage: build/test.sh [--no-deps]" >&2; exit 2 ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

section() { printf '\n==== %s ====\n' "$1"; }
started=$(date +%s)

if [ $deps -eq 1 ]; then section "system packages"; bash build/install-deps.sh; fi

section "native build"
bash build/build-native.sh

passed=0; failed=0; skipped=0; broken=()

# The CUDA library must be built (static CUDA runtime: it may need only libc, libstdc++, libm,
# libdl, libpthread, librt, plus the libgcc_s and loader that libstdc++ brings; no libcudart.so),
# and focal_loss_cuda_test must pass (it compares GPU and CPU; without a GPU, as here, it skips).
if [ "${FOCALLOSS_SKIP_CUDA:-0}" != "1" ]; then
  section "CUDA library"
  cudalib=artifacts/native/libFocalLossNativeCuda.so
  if [ ! -f "$cudalib" ]; then
    echo "CUDA library: FAILED: $cudalib was not built (see artifacts/native/build/configure.log)"
    failed=$((failed + 1)); broken+=("CUDA library build")
  else
    needed=$(readelf -d "$cudalib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
    bad=$(tr ' ' '\n' <<<"$needed" | grep -v -E '^(libc|libstdc\+\+|libm|libdl|libpthread|librt|libgcc_s|ld-linux-x86-64)\.so' | grep . || true)
    if [ -z "$bad" ]; then
      echo "CUDA library links only: $needed"; passed=$((passed + 1))
    else
      echo "CUDA library: FAILED: unexpected dependencies: $bad"; failed=$((failed + 1)); broken+=("CUDA library dependencies")
    fi
    set +e
    cuda_out=$(artifacts/native/focal_loss_cuda_test 2>&1)
    rc=$?
    set -e
    echo "$cuda_out"
    if [ $rc -ne 0 ]; then failed=$((failed + 1)); broken+=("focal_loss_cuda_test (exit $rc)")
    elif grep -q "SKIPPED:" <<<"$cuda_out"; then skipped=$((skipped + 1))
    else passed=$((passed + 1)); fi
  fi
fi

section ".NET build"
dotnet build FocalLoss.Analyzers.sln -c Release -nologo -v minimal

# Adds one "passed failed skipped" line (standard input) to the totals.
add_counts() {
  local p f s
  read -r p f s
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}
# Runs a suite without stopping this script; its exit code goes to rc, and a non-zero one marks it broken.
run_suite() {
  local name=$1; shift
  set +e
  "$@"
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then broken+=("$name (exit $rc)"); fi
}

# dotnet test: one TRX per test project; counts are read from the TRX files. The host runs every test project of
# the solution except FocalLoss.TorchSharp.Tests, which needs a process where TorchSharp's native library loads.
section ".NET tests"
torchsharp_tests=tests/FocalLoss.TorchSharp.Tests/FocalLoss.TorchSharp.Tests.csproj
mapfile -t host_tests < <(dotnet sln FocalLoss.Analyzers.sln list | tr '\\' / | grep -E '\.Tests\.csproj$' | grep -vxF "$torchsharp_tests")
for project in "${host_tests[@]}"; do
  run_suite "dotnet test $project" dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx" --results-directory "$results/dotnet"
done
add_counts < <(/usr/bin/python3 build/count_results.py trx "$results/dotnet")

# FocalLoss.TorchSharp in a real TorchSharp process (TorchSharp-cpu 0.107, libtorch 2.10): through
# build/torchsharp-env.sh, which runs it here or, where this machine's libstdc++ is too old, in a Debian 13 root.
section "TorchSharp tests (FocalLoss.TorchSharp.Tests)"
run_suite "Debian 13 root for TorchSharp" build/torchsharp-env.sh --prepare
if [ $rc -eq 0 ]; then
  run_suite "TorchSharp tests" build/torchsharp-env.sh dotnet test "$torchsharp_tests" -c Release --no-build --nologo \
    --logger "trx" --results-directory "$results/dotnet-torchsharp"
fi
add_counts < <(/usr/bin/python3 build/count_results.py trx "$results/dotnet-torchsharp")

# The package: dotnet pack, then a fresh project that takes it from a local folder feed next to TorchSharp-cpu.
section "package: pack FocalLoss.TorchSharp, consume it from a local feed"
run_suite "tests/package/run.sh" bash tests/package/run.sh
if [ -f "$results/consumer.counts" ]; then add_counts < "$results/consumer.counts"; fi

# The independent oracle: committed fixtures must equal what torchvision produces now, and the
# native kernels are checked from Python through the C ABI (ctypes: gradcheck, fixtures, errors).
section "oracle fixtures"
run_suite "check_fixtures.py" /usr/bin/python3 tests/oracle/check_fixtures.py
if [ $rc -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

section "native kernels from Python through the C ABI (pytest)"
run_suite "pytest tests/oracle" /usr/bin/python3 -m pytest tests/oracle -q -p no:cacheprovider --junitxml "$results/pytest.xml"
add_counts < <(/usr/bin/python3 build/count_results.py junit "$results/pytest.xml")

section "end to end: package, dotnet build, dotnet format"
run_suite "tests/e2e/run.sh" bash tests/e2e/run.sh
if [ -f "$results/e2e.counts" ]; then add_counts < "$results/e2e.counts"; fi

section "summary"
echo "elapsed: $(( $(date +%s) - started )) s"
if [ ${#broken[@]} -gt 0 ]; then
  printf 'failing suites:\n'; printf '  - %s\n' "${broken[@]}"
fi
if [ $((passed + failed)) -eq 0 ]; then echo "no test ran" >&2; exit 1; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ ${#broken[@]} -eq 0 ] && [ $failed -eq 0 ]
