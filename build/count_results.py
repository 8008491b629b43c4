#!/usr/bin/env python3
"""Prints "passed failed skipped" for test result files, so build/test.sh can add up suites.

    count_results.py trx DIR      every *.trx below DIR (dotnet test --logger trx)
    count_results.py junit FILE   a JUnit XML file (pytest --junitxml)
    count_results.py selftest     checks the counting on small sample files; exit code 0 when right

A missing file or directory counts as nothing ran (0 0 0); the caller treats the runner's
exit code separately.

TRX files are counted from their test results, one UnitTestResult per test case that ran or was
skipped (a result with inner results counts its inner ones), not from the ResultSummary counters:
the TRX logger writes skipped xUnit tests as outcome NotExecuted but leaves the notExecuted
counter at 0. Passed counts as passed; NotExecuted, NotRunnable and Pending as skipped; every other
outcome (Failed, Error, Timeout, Aborted, Inconclusive, ...) as failed.
"""
import pathlib
import sys
import tempfile
import xml.etree.ElementTree as ET

PASSED = {"Passed"}
SKIPPED = {"NotExecuted", "NotRunnable", "Pending"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _leaf_results(element):
    """The UnitTestResult elements below element that have no inner results (data rows count, not their parent)."""
    for child in element:
        if _local(child.tag) != "UnitTestResult":
            continue
        inner = [r for r in child.iter() if r is not child and _local(r.tag) == "UnitTestResult"]
        if inner:
            for i in child:
                if _local(i.tag) == "InnerResults":
                    yield from _leaf_results(i)
        else:
            yield child


def trx(directory: pathlib.Path):
    passed = failed = skipped = 0
    for f in sorted(directory.rglob("*.trx")) if directory.is_dir() else []:
        results = ET.parse(f).getroot().find("{*}Results")
        for result in _leaf_results(results) if results is not None else []:
            outcome = result.get("outcome", "")
            if outcome in PASSED:
                passed += 1
            elif outcome in SKIPPED:
                skipped += 1
            else:
                failed += 1
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


_TRX_NS = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"

# Shaped like what `dotnet test --logger trx` writes for xUnit: two skipped tests (a Fact and a
# Theory) as NotExecuted results while the notExecuted counter says 0.
_SAMPLE_XUNIT = f"""<?xml version="1.0" encoding="utf-8"?>
<TestRun xmlns="{_TRX_NS}">
  <Results>
    <UnitTestResult testName="T.Rows(x: 2)" outcome="Passed" />
    <UnitTestResult testName="T.Pass" outcome="Passed" />
    <UnitTestResult testName="T.Skipped" outcome="NotExecuted" />
    <UnitTestResult testName="T.Rows(x: 1)" outcome="Passed" />
    <UnitTestResult testName="T.SkippedTheory" outcome="NotExecuted" />
    <UnitTestResult testName="T.Fail" outcome="Failed" />
  </Results>
  <ResultSummary outcome="Failed">
    <Counters total="6" executed="4" passed="3" failed="1" error="0" timeout="0" notExecuted="0" />
  </ResultSummary>
</TestRun>
"""

# A data-driven parent with inner results (MSTest style), a timeout and an error.
_SAMPLE_INNER = f"""<?xml version="1.0" encoding="utf-8"?>
<TestRun xmlns="{_TRX_NS}">
  <Results>
    <UnitTestResult testName="Parent" outcome="Failed">
      <InnerResults>
        <UnitTestResult testName="Parent (1)" outcome="Passed" />
        <UnitTestResult testName="Parent (2)" outcome="Failed" />
      </InnerResults>
    </UnitTestResult>
    <UnitTestResult testName="Slow" outcome="Timeout" />
    <UnitTestResult testName="Broken" outcome="Error" />
    <UnitTestResult testName="Later" outcome="NotRunnable" />
  </Results>
  <ResultSummary outcome="Failed"><Counters total="5" passed="1" failed="2" /></ResultSummary>
</TestRun>
"""

_SAMPLE_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="7" failures="1" errors="1" skipped="2" /></testsuites>
"""


def selftest() -> int:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "a").mkdir()
        (root / "a" / "xunit.trx").write_text(_SAMPLE_XUNIT)
        (root / "b").mkdir()
        (root / "b" / "inner.trx").write_text(_SAMPLE_INNER)
        (root / "pytest.xml").write_text(_SAMPLE_JUNIT)
        cases = [
            ("xUnit TRX: skipped NotExecuted results counted", trx(root / "a"), (3, 1, 2)),
            ("TRX: inner results, timeout, error, not runnable", trx(root / "b"), (1, 3, 1)),
            ("both TRX files below one directory", trx(root), (4, 4, 3)),
            ("missing directory", trx(root / "missing"), (0, 0, 0)),
            ("JUnit", junit(root / "pytest.xml"), (3, 2, 2)),
            ("missing JUnit file", junit(root / "missing.xml"), (0, 0, 0)),
        ]
    for name, actual, expected in cases:
        if actual != expected:
            problems.append(f"{name}: counted {actual}, expected {expected}")
    for p in problems:
        print("count_results selftest FAILED:", p, file=sys.stderr)
    if not problems:
        print(f"count_results selftest: {len(cases)} cases passed")
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["selftest"]:
        sys.exit(selftest())
    kind, target = sys.argv[1], pathlib.Path(sys.argv[2])
    counts = trx(target) if kind == "trx" else junit(target)
    print(*counts)
