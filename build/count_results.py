#!/usr/bin/env python3
"""Prints "passed failed skipped" for test result files, so build/test.sh can add up suites.

    count_results.py trx DIR      every *.trx below DIR (dotnet test --logger trx)
    count_results.py junit FILE   a JUnit XML file (pytest --junitxml)

A missing file or directory counts as nothing ran (0 0 0); the caller treats the runner's
exit code separately.
"""
import pathlib
import sys
import xml.etree.ElementTree as ET


def trx(directory: pathlib.Path):
    passed = failed = skipped = 0
    for f in sorted(directory.rglob("*.trx")) if directory.is_dir() else []:
        counters = ET.parse(f).getroot().find(".//{*}ResultSummary/{*}Counters")
        if counters is None:
            continue
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
        skipped += int(counters.get("notExecuted", 0))
    return passed, failed, skipped


def junit(path: pathlib.Path):
    if not path.is_file():
        return 0, 0, 0
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = failed = skipped = 0
    for s in suites:
        tests += int(s.get("tests", 0))
        failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


if __name__ == "__main__":
    kind, target = sys.argv[1], pathlib.Path(sys.argv[2])
    counts = trx(target) if kind == "trx" else junit(target)
    print(*counts)
