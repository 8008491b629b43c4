#!/usr/bin/env bash
# Replaces the "## <heading>" section of a Markdown file (up to the next "## " heading) with the
# contents of a file, or appends it when absent; other sections stay byte for byte.
#   build/write-doc-section.sh <doc.md> <heading> <section-file>
set -euo pipefail
doc="$1"; heading="$2"; section="$3"
mkdir -p "$(dirname "$doc")"
if [[ -f "$doc" ]] && grep -q "^## ${heading}[[:space:]]*\$" "$doc"; then
  tmp="$(mktemp)"
  awk -v sec="$section" -v head="## ${heading}" '
    $0 ~ "^" head "[[:space:]]*$" { while ((getline line < sec) > 0) print line; skip = 1; next }
    skip && /^## / { skip = 0 }
    !skip { print }
  ' "$doc" >"$tmp"
  cat "$tmp" >"$doc"
  rm -f "$tmp"
else
  [[ -f "$doc" ]] || printf '# Benchmarks\n\n' >"$doc"
  cat "$section" >>"$doc"
fi
