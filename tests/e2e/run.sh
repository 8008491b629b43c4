#!/usr/bin/env bash
# End-to-end: pack the analyzer, build the sample with it, check .editorconfig and dotnet format.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec /usr/bin/python3 tests/e2e/e2e.py "$@"
