#!/usr/bin/env bash
# Analyzer benchmark: how much the FocalLoss analyzers add to compile time and allocations, and how their time grows
# with the length of one method (a program that prints tables; not a test). Runs samples/AnalyzerBench in Release and
# prints its tables. docs/benchmarks.md is written only when asked to:
#   build/bench-analyzer.sh [--write-docs [--label TEXT]] [AnalyzerBench arguments]
#     AnalyzerBench arguments: --files N --scalar-files N --reps N --long-every N --growth-sizes 500,1000,...|none
#       --probe-sizes 10000,...|none --unplanted --growth-reps N --growth-timeout SECONDS --no-scenarios
#     --write-docs   also write this run into the "## Analyzer" section of docs/benchmarks.md, under "### TEXT"
#                    (default label: "Analyzers at <last commit that changed them>"): a run with the same label is replaced, runs with other
#                    labels are kept, and with two runs or more the section opens with their targets side by side. The
#                    other sections of the file are kept byte for byte.
# Exits non-zero when the program's correctness guards fail (the planted diagnostics, nothing registered where the
# rules cannot apply, no analyzer exception); with --write-docs the run is still recorded, its failed guards listed
# under its tables. Never fails on a timing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

write_docs=0
label=""
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --write-docs) write_docs=1; shift ;;
    --label) label="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
cmdline="build/bench-analyzer.sh"
[[ $write_docs == 1 ]] && cmdline+=" --write-docs"
[[ -n "$label" ]] && cmdline+=" --label \"$label\""
[[ ${#args[@]} -gt 0 ]] && cmdline+=" ${args[*]}"
# The analyzers measured: the last commit that changed them (and whether the working tree changes them further).
commit="$(git log -1 --format=%h -- src/FocalLoss.Analyzers 2>/dev/null || true)"
commit="${commit:-unknown}"
dirty=""
git diff --quiet HEAD -- src/FocalLoss.Analyzers 2>/dev/null || dirty=" plus uncommitted changes"
[[ -n "$label" ]] || label="Analyzers at ${commit}${dirty}"

tmp="$(mktemp)"
trap 'rm -f "$tmp" "$tmp.run" "$tmp.section"' EXIT
start=$(date +%s)
# dotnet run builds first (Release) and forwards everything after -- to the program, which prints the tables.
rc=0
dotnet run -c Release --project samples/AnalyzerBench/AnalyzerBench.csproj -- --markdown "$tmp" ${args[@]+"${args[@]}"} || rc=$?
elapsed=$(( $(date +%s) - start ))
echo "bench-analyzer: ${elapsed}s"

if [[ $write_docs == 0 ]]; then
  echo "bench-analyzer: docs/benchmarks.md not written (pass --write-docs to record this run)"
  exit "$rc"
fi
if [[ ! -s "$tmp" ]]; then
  echo "bench-analyzer: the program wrote no tables (exit $rc); docs/benchmarks.md left as it was" >&2
  exit "$rc"
fi

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)"
{
  echo "### ${label}"
  echo
  echo "Command: \`$cmdline\` (${elapsed}s, including the Release build); the analyzers as of commit ${commit}${dirty} (the last one that changed src/FocalLoss.Analyzers), benchmark at $(git rev-parse --short HEAD)."
  echo "Machine: $(nproc) cores, $cpu; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; timings are noisy)."
  echo
  cat "$tmp"
  echo
} >"$tmp.run"

# The section: the description, the targets of every recorded run side by side (two runs or more), then the runs.
python3 - "$root/docs/benchmarks.md" "$tmp.run" "$tmp.section" <<'PY'
import re, sys

doc_path, run_path, out_path = sys.argv[1:4]
try:
    doc = open(doc_path, encoding="utf-8").read()
except FileNotFoundError:
    doc = ""
new_run = open(run_path, encoding="utf-8").read().rstrip("\n") + "\n\n"
new_label = new_run.splitlines()[0][4:].strip()

# The runs already recorded in the section ("### " blocks other than the generated comparison).
m = re.search(r"^## Analyzer[ \t]*\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
runs = []
if m:
    for block in re.split(r"(?=^### )", m.group(1), flags=re.M):
        if block.startswith("### ") and not block.startswith("### Before and after"):
            runs.append((block.splitlines()[0][4:].strip(), block.rstrip("\n") + "\n\n"))
for i, (lab, _) in enumerate(runs):
    if lab == new_label:
        runs[i] = (new_label, new_run)
        break
else:
    runs.append((new_label, new_run))

def targets(block):
    """The rows of a run's targets table: (target, where) -> (measured, verdict)."""
    rows, inside = {}, False
    for line in block.splitlines():
        if line.startswith("| target | where |"):
            inside = True
            continue
        if inside:
            if not line.startswith("|"):
                break
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and not set(cells[0]) <= set("-:"):
                rows[(cells[0], cells[1])] = (cells[2], cells[3])
    return rows

def growth(block):
    """The rows of a run's growth table: (chain, statements) -> (analysis CPU, per statement, diagnostics)."""
    rows, inside = {}, False
    for line in block.splitlines():
        if line.startswith("| chain | statements |"):
            inside = True
            continue
        if inside:
            if not line.startswith("|"):
                break
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 10 and not set(cells[0]) <= set("-:"):
                rows[(cells[0], cells[1])] = (cells[3], cells[6], cells[8])
    return rows

intro = """## Analyzer

What the six FocalLoss analyzers (FL0001-FL0006) add to a build, and how their time grows with the length of one
method, measured in-process on synthetic compilations generated in memory by `samples/AnalyzerBench` (a program that
prints tables, not a test). Scenarios: (1) ordinary C# (arithmetic, LINQ, strings, Math.Pow, no identifier named Exp)
without a TorchSharp reference; (2) a TorchSharp project where every file has several non-focal tensor methods (gamma
correction `img.pow(gamma)`, normalisation, dense layers as mul/sum chains, sigmoid gating, a `score.pow(a) *
iou.pow(b)` alignment metric, sigmoid distillation, a feature chain with a local named `pt`) and 9 files in 20 also
hold a focal loss (correct OpenPCDet, MMDetection, YOLOv5 and torchvision ports, or one of five planted bugs); (3)
scalar code with sigmoids and `Math.Exp` (and planted scalar FL0001/FL0004 bugs), no TorchSharp. In every file one
method is a chain of dependent statements over locals, 60 statements long in every fifth file, 6 elsewhere.

Variants: "compile" is `Compilation.GetDiagnostics()` (binding and flow analysis of every method, no emit); "compile +
FocalLoss analyzers" is `CompilationWithAnalyzers.GetAllDiagnosticsAsync()` with the six analyzers, concurrent
analysis on, as in a build; "compile + empty analyzer" attaches one analyzer that registers nothing (the driver's own
cost, which any build with an analyzer pays), so "beyond the empty analyzer" is what FocalLoss itself adds. A fourth,
logged variant runs the analyzers with the driver's telemetry on and each analyzer wrapped so that the thread CPU time
of its callbacks is added up ("CPU in callbacks"); its wall time is not used. Each repetition runs the four variants
once, interleaved, the order rotating from one repetition to the next, each on a fresh compilation over the same
parsed trees; every number is the median over the repetitions with the smallest and largest value in brackets, and
differences and shares are computed within a repetition. Besides wall time the program records the process CPU time
of each run (all threads) and its allocation (`GC.GetTotalAllocatedBytes(true)`).

Honest numbers on a shared machine: wall time and the driver's telemetry (a stopwatch around each callback) both count
the time a thread waits for a core, so on a loaded machine they say more about the other processes than about the
analyzers. The verdicts therefore use CPU time: what FocalLoss adds beyond the empty analyzer is the CPU time of the
run with the analyzers minus that of the run with the empty analyzer, as a share of the compile's CPU time, and the
CPU in the analyzers' callbacks alone is a lower bound of it. A target is "met" only when every repetition is within
it, "missed" only when every repetition (of either measure) is beyond it, and "not decided" otherwise; the reading
states a difference only where every repetition agrees on its sign. Targets: beyond the empty analyzer at most 1% of
the compile in scenario 1 (no TorchSharp, no candidates) and at most 5% in scenarios 2 and 3; allocation beyond the
compile's at most 10%; time per statement growing at most 2x from 500 to 5,000 statements (linear); no method over 1 s.

Growth series: one file with one method of 500, 1,000, 2,000 and 5,000 chained statements, in two kinds: plain tensor
chains (`var v2 = v1 * w + b;` and the like, each value used once) and chains that use each value twice
(`t * v + (1 - t) * (1 - v)`, then `(1 - v).pow(gamma)`, then `torch.sigmoid(v)`, repeated). Each case runs in a
worker process (the program itself) with a per-case cap: a CancellationToken that fires at the cap, and the worker is
killed when it runs on past it, so a pathological case reports "> cap (timed out)" and the program still finishes.
Every method of the series has a real inverted focal loss (`pt.pow(gamma)`, FL0001) on top, a planted diagnostic
that shows whether a method that long is still judged (a guard: a method the analyzers skip fails the run, and its
time then counts as no measure of the analysis); probes past the series (a plain chain of 10,000) are reported only.

The program fails (exit 1) when a planted diagnostic is missed or an unexpected one appears, when an analyzer
registers anything in scenario 1, when a generated file does not compile, or when an analyzer throws; never because
of a timing. Each run below was recorded with the command it names (`--write-docs` writes this section; without it
the script only prints the tables).

"""

out = intro
if len(runs) >= 2:
    tables = [(lab, targets(block)) for lab, block in runs]
    keys = []
    for _, rows in tables:
        for k in rows:
            if k not in keys:
                keys.append(k)
    out += "### Before and after: the targets\n\n"
    out += "The targets table of each run below, side by side (measured: median [min, max]; copied from the runs, not re-judged).\n\n"
    out += "| target | where | " + " | ".join(f"{lab}: measured | {lab}: verdict" for lab, _ in tables) + " |\n"
    out += "|---|---|" + "---|---|" * len(tables) + "\n"
    for k in keys:
        cells = []
        for _, rows in tables:
            measured, verdict = rows.get(k, ("-", "-"))
            cells += [measured, verdict]
        out += f"| {k[0]} | {k[1]} | " + " | ".join(cells) + " |\n"
    out += "\n"
    series = [(lab, growth(block)) for lab, block in runs]
    gkeys = []
    for _, rows in series:
        for k in rows:
            if k not in gkeys:
                gkeys.append(k)
    if gkeys:
        out += "The growth series side by side (CPU in the analyzers' callbacks for the one long method, median [min, max]; copied from the runs):\n\n"
        out += "| chain | statements | " + " | ".join(f"{lab}: analysis CPU (ms) | {lab}: per statement (us) | {lab}: diagnostics" for lab, _ in series) + " |\n"
        out += "|---|---:|" + "---:|---:|---|" * len(series) + "\n"
        for k in gkeys:
            cells = []
            for _, rows in series:
                cells += list(rows.get(k, ("-", "-", "-")))
            out += f"| {k[0]} | {k[1]} | " + " | ".join(cells) + " |\n"
        out += "\n"
for _, block in runs:
    out += block
open(out_path, "w", encoding="utf-8").write(out)
PY

bash "$root/build/write-doc-section.sh" "$root/docs/benchmarks.md" Analyzer "$tmp.section"
echo "bench-analyzer: wrote \"### ${label}\" into the Analyzer section of docs/benchmarks.md"
exit "$rc"
