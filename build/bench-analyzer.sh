#!/usr/bin/env bash
# Analyzer benchmark: how much the FocalLoss analyzers add to compile time and allocations (a program that prints a
# table; not a test). Runs samples/AnalyzerBench in Release and writes its table, with this command, the machine and
# a reading of the numbers, into docs/benchmarks.md under "## Analyzer" (only that section is replaced, or appended
# when absent; the other sections of the file are kept byte for byte).
# Usage: build/bench-analyzer.sh [AnalyzerBench arguments, e.g. --reps 5 --files 200]
# Environment: FL_BENCH_NO_DOCS=1 prints the table without touching docs/benchmarks.md.
# Exits non-zero when the program's correctness guards fail (the planted diagnostics, nothing registered where the
# rules cannot apply, no analyzer exception); docs/benchmarks.md is then left as it was.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cmdline="build/bench-analyzer.sh${*:+ $*}"

tmp="$(mktemp)"
trap 'rm -f "$tmp" "$tmp.section" "$tmp.doc"' EXIT
start=$(date +%s)
# dotnet run builds first (Release) and forwards everything after -- to the program.
dotnet run -c Release --project samples/AnalyzerBench/AnalyzerBench.csproj -- --markdown "$tmp" "$@"
elapsed=$(( $(date +%s) - start ))
echo "bench-analyzer: ${elapsed}s"

[[ "${FL_BENCH_NO_DOCS:-0}" == "1" ]] && exit 0

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)"
{
  echo "## Analyzer"
  echo
  echo "What the six FocalLoss analyzers (FL0001-FL0006) add to a build, measured in-process on synthetic"
  echo "compilations generated in memory by \`samples/AnalyzerBench\` (a program, not a test): (1) ordinary C#"
  echo "(arithmetic, LINQ, strings, Math.Pow, no identifier named Exp) without a TorchSharp reference; (2) a"
  echo "TorchSharp project (against the real TorchSharp 0.107 assembly) where every file has several non-focal"
  echo "tensor methods (gamma correction \`img.pow(gamma)\`, normalisation, dense layers as mul/sum chains, sigmoid"
  echo "gating, a \`score.pow(a) * iou.pow(b)\` alignment metric, sigmoid distillation, a feature chain with a local"
  echo "named \`pt\`) and 9 files in 20 also hold a focal loss (correct OpenPCDet, MMDetection, YOLOv5 and"
  echo "torchvision ports, or one of five planted bugs); (3) scalar code with sigmoids and \`Math.Exp\` (and"
  echo "planted scalar FL0001/FL0004 bugs), no TorchSharp. In every file one method is a chain of dependent"
  echo "statements over locals, 60 statements long in every fifth file (a long method), 6 elsewhere."
  echo
  echo "\"Compile\" is \`Compilation.GetDiagnostics()\` (binding and flow analysis of every method, no emit)."
  echo "\"Compile + FocalLoss analyzers\" is \`CompilationWithAnalyzers.GetAllDiagnosticsAsync()\` with the six"
  echo "analyzers, concurrent analysis on: the same binding with the analyzer driver attached, as in a build."
  echo "\"Compile + empty analyzer\" attaches one analyzer that registers nothing (the driver's own cost, which any"
  echo "build with an analyzer pays; the .NET SDK enables its own by default), so \"beyond the empty analyzer\" is"
  echo "what FocalLoss itself adds. Every run uses a fresh compilation over the same parsed trees (parsing is not"
  echo "timed); wall times are medians after a warm-up. \"Per-analyzer execution\" is the driver's own timing"
  echo "(\`logAnalyzerExecutionTime: true\`, \`GetAnalyzerTelemetryInfoAsync\`) from one extra run: the time spent"
  echo "in each analyzer's callbacks summed over threads, so with 2 cores it can exceed the wall-time difference."
  echo "Allocation is \`GC.GetTotalAllocatedBytes(true)\` before and after a run. The program checks (and fails"
  echo "otherwise) that every planted diagnostic and nothing else is reported, that no analyzer registers any"
  echo "action in scenario 1, and that no analyzer throws. A Stopwatch harness rather than BenchmarkDotNet: one"
  echo "run takes seconds, and a few medians fit the time budget where BenchmarkDotNet's iterations would not."
  echo
  echo "Command: \`$cmdline\` (${elapsed}s, including the Release build). Machine: $(nproc) cores, $cpu;"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; timings are noisy)."
  echo
  # program output as is: the tables and its reading of them
  cat "$tmp"
  echo
} >"$tmp.section"

bash "$root/build/write-doc-section.sh" "$root/docs/benchmarks.md" Analyzer "$tmp.section"
echo "bench-analyzer: wrote the Analyzer section of docs/benchmarks.md"
