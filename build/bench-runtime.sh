#!/usr/bin/env bash
# Runtime benchmark of the fused sigmoid focal loss in one TorchSharp process (a program that prints
# tables; not a test). Builds the kernels and samples/RuntimeBench (Release) and runs it through
# build/torchsharp-env.sh: FocalLoss.TorchSharp against TorchSharp's torchvision.ops composite and a
# streaming roofline, forward + backward, float32, at 1 and 2 intra-op threads.
#
#   build/bench-runtime.sh                    print the tables and verdicts; plot to artifacts/bench/
#   build/bench-runtime.sh --write-docs       also replace the "## Runtime" section of docs/benchmarks.md
#                                             (other sections are kept) and write docs/runtime-bench.png
#   build/bench-runtime.sh [--write-docs] [RuntimeBench arguments, e.g. --rounds 15 --sizes 20,23]
#
# Exit code: RuntimeBench's (non-zero when the fused and the composite loss disagree), never a timing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1

write_docs=0
args=()
for a in "$@"; do
  case "$a" in
    --write-docs) write_docs=1 ;;
    *) args+=("$a") ;;
  esac
done
cmdline="build/bench-runtime.sh${*:+ $*}"

if [[ $write_docs -eq 1 ]]; then
  png="$root/docs/runtime-bench.png"
else
  mkdir -p "$root/artifacts/bench"
  png="$root/artifacts/bench/runtime-bench.png"
fi

echo "bench-runtime: building the kernels (build/build-native.sh) and samples/RuntimeBench (Release)" >&2
log="$(mktemp)"
bash build/build-native.sh >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
rm -f "$log"
dotnet build samples/RuntimeBench/RuntimeBench.csproj -c Release -nologo -v q -clp:NoSummary >&2
dll="$root/samples/RuntimeBench/bin/Release/net10.0/RuntimeBench.dll"

# The plot's labels need a font file; Debian's fonts-dejavu-core (build/install-deps.sh) is made
# visible where TorchSharp runs.
font_dir=/usr/share/fonts/truetype/dejavu
export FOCALLOSS_ENV_BINDS="${FOCALLOSS_ENV_BINDS:+$FOCALLOSS_ENV_BINDS:}$font_dir"

tmp="$(mktemp)"
trap 'rm -f "$tmp" "$tmp.section"' EXIT
start=$(date +%s)
set +e
build/torchsharp-env.sh dotnet "$dll" --plot "$png" "${args[@]}" | tee "$tmp"
rc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))
echo "bench-runtime: ${elapsed}s; plot: ${png#"$root"/}" >&2
[[ $rc -eq 0 ]] || { echo "bench-runtime: RuntimeBench failed (exit $rc)" >&2; exit "$rc"; }
[[ $write_docs -eq 1 ]] || exit 0

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)"
{
  echo "## Runtime"
  echo
  # the method, kept once in samples/RuntimeBench/README.md
  sed -n '/^<!-- method:begin -->$/,/^<!-- method:end -->$/{/^<!--/d;p}' "$root/samples/RuntimeBench/README.md"
  echo
  echo "Command: \`$cmdline\` (${elapsed}s). Machine: $(nproc) cores, $cpu, shared with other work;"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "![time per element against N](runtime-bench.png)"
  echo
  cat "$tmp"
} >"$tmp.section"

bash "$root/build/write-doc-section.sh" "$root/docs/benchmarks.md" Runtime "$tmp.section"
echo "bench-runtime: wrote the Runtime section of docs/benchmarks.md and docs/runtime-bench.png" >&2
