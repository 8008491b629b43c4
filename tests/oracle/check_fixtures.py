#!/usr/bin/python3
"""Regenerates the fixtures into a temporary directory and compares them with the committed ones.

Exit status 0 when every file has the same cases, fields and strings, and every number agrees
within 1e-12 relative (1e-300 absolute); 1 otherwise, listing the differences. Used by CI.
Usage: /usr/bin/python3 tests/oracle/check_fixtures.py [--fixtures DIR]
"""
import argparse
import json
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures  # noqa: E402

RTOL = 1e-12
ATOL = 1e-300


def close(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a == b:
            return True
        return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= ATOL + RTOL * max(abs(a), abs(b))
    return a == b


def compare(path, a, b, out):
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        out.append(f"{path}: type {type(a).__name__} != {type(b).__name__}")
    elif isinstance(a, dict):
        if set(a) != set(b):
            out.append(f"{path}: keys differ: {sorted(set(a) ^ set(b))}")
        for k in sorted(set(a) & set(b)):
            compare(f"{path}.{k}", a[k], b[k], out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} != {len(b)}")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                compare(f"{path}[{i}]", x, y, out)
    elif not close(a, b):
        out.append(f"{path}: {a!r} != {b!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default=os.path.join(make_fixtures.HERE, "fixtures"))
    args = ap.parse_args()
    diffs = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = {os.path.basename(p) for p in make_fixtures.write_all(tmp)}
        committed = {f for f in os.listdir(args.fixtures) if f.endswith(".json")} if os.path.isdir(args.fixtures) else set()
        for f in sorted(fresh ^ committed):
            diffs.append(f"{f}: present in only one of generated / committed")
        for f in sorted(fresh & committed):
            with open(os.path.join(tmp, f)) as fa, open(os.path.join(args.fixtures, f)) as fb:
                compare(f, json.load(fa), json.load(fb), diffs)
    for d in diffs[:50]:
        print(d)
    if diffs:
        print(f"check_fixtures: {len(diffs)} difference(s); regenerate with tests/oracle/make_fixtures.py")
        return 1
    print(f"check_fixtures: {len(fresh)} files match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
