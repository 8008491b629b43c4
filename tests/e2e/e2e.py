#!/usr/bin/env python3
"""End-to-end test of the analyzer as users meet it: the NuGet package, `dotnet build`,
.editorconfig severities and `dotnet format analyzers`, with the real tools.

The sample project (tests/e2e/sample) holds C# ports of the seed documents' loss code. It is
copied to a temporary directory outside the repository, restored from a local package folder
holding the freshly packed FocalLoss.Analyzers, and built. Expectations live in
tests/e2e/expected/: warnings.txt (one `File.cs(line,col): ID` per line, exact), info.txt (the
same for Info-level rules, checked by raising them to warning in .editorconfig) and fixed/ (the
files as `dotnet format` must leave them after every rule's fix).

Prints one line per check and a closing `e2e: N passed, N failed`; writes the counts to
artifacts/test-results/e2e.counts. Exit code 0 only when every check passed.
Standard library only.
"""
from __future__ import annotations

import difflib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import xml.etree.ElementTree as ET
import zipfile

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "e2e" / "sample"
EXPECTED = REPO / "tests" / "e2e" / "expected"
PACKAGES = REPO / "artifacts" / "packages"
RESULTS = REPO / "artifacts" / "test-results"

DIAG = re.compile(
    r"^\s*(?P<file>[^\s(][^(]*?)\((?P<line>\d+),(?P<col>\d+)\): (?P<sev>warning|error|info) "
    r"(?P<id>[A-Z]+\d+): (?P<msg>.*?)(?: \[[^\]]*\])?\s*$")


def run(args, cwd, check=False):
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", MSBUILDDISABLENODEREUSE="1")
    p = subprocess.run(args, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} failed ({p.returncode}):\n{p.stdout[-4000:]}")
    return p


def product_version() -> str:
    props = ET.parse(REPO / "Directory.Build.props").getroot()
    version = props.find(".//Version")
    assert version is not None and version.text, "Directory.Build.props has no <Version>"
    return version.text.strip()


def torchsharp_version() -> str:
    """The TorchSharp version the repository builds against (Directory.Packages.props), for the sample's package."""
    props = ET.parse(REPO / "Directory.Packages.props").getroot()
    version = props.find(".//TorchSharpVersion")
    assert version is not None and version.text, "Directory.Packages.props has no <TorchSharpVersion>"
    return version.text.strip()


def diagnostics(output: str):
    """The distinct compiler/analyzer diagnostics of a build log as (file name, line, col, severity, id, message)."""
    found = set()
    for line in output.splitlines():
        m = DIAG.match(line)
        if m:
            found.add((pathlib.Path(m["file"]).name, int(m["line"]), int(m["col"]), m["sev"], m["id"], m["msg"]))
    return found


def expected_rows(name):
    """Rows `File.cs(line,col): ID` of tests/e2e/expected/<name>."""
    rows = set()
    for raw in (EXPECTED / name).read_text().splitlines():
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        m = re.fullmatch(r"(?P<file>[^(]+)\((?P<line>\d+),(?P<col>\d+)\): (?P<id>FL\d{4})", raw)
        assert m, f"bad line in expected/{name}: {raw!r}"
        rows.add((m["file"], int(m["line"]), int(m["col"]), m["id"]))
    assert rows, f"expected/{name} lists nothing: the e2e test would prove nothing"
    return rows


class Sample:
    """A fresh copy of the sample project wired to the local package folder."""

    def __init__(self, version: str):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="focalloss-e2e-"))
        shutil.copytree(SAMPLE, self.dir, dirs_exist_ok=True)
        for junk in ("bin", "obj"):
            shutil.rmtree(self.dir / junk, ignore_errors=True)
        (self.dir / "Directory.Build.props").write_text(
            "<Project>\n  <PropertyGroup>\n"
            f"    <FocalLossRepo>{REPO.as_posix()}/</FocalLossRepo>\n"
            f"    <FocalLossAnalyzersVersion>{version}</FocalLossAnalyzersVersion>\n"
            f"    <TorchSharpVersion>{torchsharp_version()}</TorchSharpVersion>\n"
            "  </PropertyGroup>\n</Project>\n")
        (self.dir / "nuget.config").write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n'
            f'    <add key="focalloss-local" value="{PACKAGES.as_posix()}" />\n'
            "  </packageSources>\n</configuration>\n")
        self.project = self.dir / "FocalLossSample.csproj"
        self.built_once = False

    def build(self, *extra):
        # The first build restores the packages; later ones recompile the sample only
        # (an incremental build would skip the compiler and print no analyzer warnings).
        args = ["dotnet", "build", str(self.project), "-nologo", "-v", "q", "-clp:NoSummary"]
        if self.built_once:
            args += ["--no-restore", "--no-dependencies", "--no-incremental"]
        p = run(args + list(extra), cwd=self.dir)
        if p.returncode == 0:
            self.built_once = True
        return p

    def editorconfig(self, text: str):
        (self.dir / ".editorconfig").write_text("root = true\n\n[*.cs]\n" + text + "\n")

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def fl_only(diags):
    return {(f, l, c, i) for (f, l, c, s, i, m) in diags if i.startswith("FL")}


def show(rows):
    return "\n".join(f"  {f}({l},{c}): {i}" for (f, l, c, i) in sorted(rows)) or "  (none)"


# ---------------------------------------------------------------------------------------- checks

def check_pack_and_layout(ctx):
    run(["dotnet", "pack", "src/FocalLoss.Analyzers.Package/FocalLoss.Analyzers.Package.csproj",
         "-c", "Release", "-nologo", "-v", "q"], cwd=REPO, check=True)
    nupkg = PACKAGES / f"FocalLoss.Analyzers.{ctx['version']}.nupkg"
    assert nupkg.is_file(), f"{nupkg.name} was not produced"
    with zipfile.ZipFile(nupkg) as z:
        names = set(z.namelist())
        for required in ("analyzers/dotnet/cs/FocalLoss.Analyzers.dll",
                         "analyzers/dotnet/cs/FocalLoss.Analyzers.CodeFixes.dll", "README.md", "LICENSE"):
            assert required in names, f"{required} missing from the package: {sorted(names)}"
        assert not [n for n in names if n.startswith("lib/")], f"the package has lib/ output: {sorted(names)}"
        dlls = sorted(n for n in names if n.endswith(".dll"))
        assert all(n.startswith("analyzers/dotnet/cs/") for n in dlls), f"assemblies outside analyzers/dotnet/cs: {dlls}"
        nuspec = ET.fromstring(z.read("FocalLoss.Analyzers.nuspec"))
    ns = {"n": nuspec.tag.split("}")[0].strip("{")}
    meta = nuspec.find("n:metadata", ns)
    get = lambda tag: (meta.findtext(f"n:{tag}", default="", namespaces=ns) or "").strip()
    assert get("version") == ctx["version"], f"nuspec version {get('version')} != {ctx['version']}"
    assert get("developmentDependency") == "true", "the package is not a development dependency"
    assert get("license") == "MIT", f"license: {get('license')!r}"
    assert get("readme") == "README.md", f"readme: {get('readme')!r}"
    assert meta.find("n:dependencies", ns) is None or len(meta.find("n:dependencies", ns)) == 0, \
        "the analyzer package must not carry dependencies"
    # The package in the global cache would shadow the one just packed.
    p = run(["dotnet", "nuget", "locals", "global-packages", "--list"], cwd=REPO, check=True)
    cache = pathlib.Path(p.stdout.split("global-packages:", 1)[1].strip())
    shutil.rmtree(cache / "focalloss.analyzers" / ctx["version"], ignore_errors=True)


def check_build_reports_exact_warnings(ctx):
    sample = ctx["sample"]
    p = sample.build()
    assert p.returncode == 0, f"the sample did not build:\n{p.stdout[-4000:]}"
    diags = diagnostics(p.stdout)
    others = {d for d in diags if not d[4].startswith("FL")}
    assert not others, "the sample has other warnings/errors:\n" + "\n".join(map(str, sorted(others)))
    actual, expected = fl_only(diags), ctx["expected"]
    assert actual == expected, f"expected:\n{show(expected)}\nactual:\n{show(actual)}"
    flagged = {f for (f, _, _, _) in actual}
    clean = sorted(p.name for p in SAMPLE.glob("*.cs") if p.name not in flagged)
    assert clean, "the sample has no correct file to prove the absence of false positives"
    print(f"    warnings as expected; files with none: {', '.join(clean)}")


def check_warnaserror_fails(ctx):
    p = ctx["sample"].build("-warnaserror")
    assert p.returncode != 0, "the build passed with -warnaserror despite FL warnings"
    errors = {(f, l, c, i) for (f, l, c, s, i, m) in diagnostics(p.stdout) if s == "error"}
    assert errors == ctx["expected"], f"-warnaserror errors:\n{show(errors)}\nexpected:\n{show(ctx['expected'])}"


def check_editorconfig_none_silences(ctx):
    sample = ctx["sample"]
    ids = sorted({i for (_, _, _, i) in ctx["expected"]})
    sample.editorconfig("\n".join(f"dotnet_diagnostic.{i}.severity = none" for i in ids))
    try:
        p = sample.build("-warnaserror")
        assert p.returncode == 0, f"the build failed with {ids} set to none:\n{p.stdout[-3000:]}"
        left = fl_only(diagnostics(p.stdout))
        assert not left, f"diagnostics left with severity none:\n{show(left)}"
    finally:
        (sample.dir / ".editorconfig").unlink()


def check_editorconfig_error_fails(ctx):
    sample = ctx["sample"]
    sample.editorconfig("dotnet_diagnostic.FL0001.severity = error")
    try:
        p = sample.build()
        assert p.returncode != 0, "the build passed with FL0001 set to error"
        errors = {(f, l, c, i) for (f, l, c, s, i, m) in diagnostics(p.stdout) if s == "error"}
        want = {r for r in ctx["expected"] if r[3] == "FL0001"}
        assert errors == want, f"errors:\n{show(errors)}\nexpected:\n{show(want)}"
    finally:
        (sample.dir / ".editorconfig").unlink()


def check_editorconfig_raises_info_rule(ctx):
    # FL0006 is Info (notation, not a bug): invisible in build output until raised in .editorconfig.
    sample = ctx["sample"]
    ids = sorted({i for (_, _, _, i) in ctx["info"]})
    sample.editorconfig("\n".join(f"dotnet_diagnostic.{i}.severity = warning" for i in ids))
    try:
        p = sample.build()
        assert p.returncode == 0, f"the build failed:\n{p.stdout[-3000:]}"
        raised = {r for r in fl_only(diagnostics(p.stdout)) if r[3] in ids}
        assert raised == ctx["info"], f"raised to warning:\n{show(raised)}\nexpected (info.txt):\n{show(ctx['info'])}"
    finally:
        (sample.dir / ".editorconfig").unlink()


def check_format_fixes_every_rule(ctx):
    sample = ctx["sample"]
    originals = {p.name: p.read_text() for p in SAMPLE.glob("*.cs")}
    # Warnings first, then the Info refactoring (it applies to the code the fixes leave).
    plan = [(i, "warn", ctx["expected"]) for i in sorted({i for (_, _, _, i) in ctx["expected"]})]
    plan += [(i, "info", ctx["info"]) for i in sorted({i for (_, _, _, i) in ctx["info"]})]
    for rule, severity, rows in plan:
        before = {n: (sample.dir / n).read_text() for n in originals}
        p = run(["dotnet", "format", "analyzers", str(sample.project), "--diagnostics", rule,
                 "--severity", severity, "--no-restore"], cwd=sample.dir)
        assert p.returncode == 0, f"dotnet format --diagnostics {rule} failed:\n{p.stdout[-3000:]}"
        changed = sorted(n for n in originals if (sample.dir / n).read_text() != before[n])
        should = sorted({f for (f, _, _, i) in rows if i == rule})
        assert changed == should, f"dotnet format {rule} changed {changed}, expected it to change {should}"
        print(f"    dotnet format --diagnostics {rule} --severity {severity}: changed {', '.join(changed)}")
    for name, original in originals.items():
        fixed_path = EXPECTED / "fixed" / name
        want = fixed_path.read_text() if fixed_path.is_file() else original
        got = (sample.dir / name).read_text()
        if got != want:
            diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                f"expected/{name}", f"formatted/{name}"))
            raise AssertionError(f"{name} after dotnet format differs from tests/e2e/expected/fixed:\n{diff}")
    p = sample.build("-warnaserror")
    assert p.returncode == 0, f"the rebuild after dotnet format failed:\n{p.stdout[-3000:]}"
    left = fl_only(diagnostics(p.stdout))
    assert not left, f"warnings left after dotnet format:\n{show(left)}"


def check_runtime_action_rewrites_a_loss(ctx):
    # The second code action is what a user picks from the light bulb; no CLI applies it, so it
    # is applied in-process through Roslyn Workspaces (samples/RuntimeFixDemo).
    out = ctx["sample"].dir / "runtime"
    out.mkdir(exist_ok=True)
    name = "DoubleSigmoidFocalLoss.cs"
    p = run(["dotnet", "run", "--project", "samples/RuntimeFixDemo/RuntimeFixDemo.csproj", "-c", "Release",
             "-v", "q", "--", str(SAMPLE / name), str(out / name)], cwd=REPO)
    assert p.returncode == 0, f"the runtime action failed:\n{p.stdout[-3000:]}"
    want = (EXPECTED / "runtime" / name).read_text()
    got = (out / name).read_text()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), f"expected/runtime/{name}", name))
        raise AssertionError(f"the runtime action's output differs:\n{diff}")


CHECKS = [
    ("package: packs, layout analyzers/dotnet/cs only, development dependency", check_pack_and_layout),
    ("dotnet build: exact FL warnings on the buggy files, none on the correct ports", check_build_reports_exact_warnings),
    ("dotnet build -warnaserror: fails with exactly those errors", check_warnaserror_fails),
    (".editorconfig severity = none: silences the rules", check_editorconfig_none_silences),
    (".editorconfig FL0001 severity = error: fails the build", check_editorconfig_error_fails),
    (".editorconfig raises the Info rule: exact FL0006 positions", check_editorconfig_raises_info_rule),
    ("dotnet format analyzers: fixes every rule, files as expected, rebuild clean", check_format_fixes_every_rule),
    ("runtime code action: a hand-written loss becomes one FocalLoss.TorchSharp call that compiles", check_runtime_action_rewrites_a_loss),
]


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    ctx = {"version": product_version(), "expected": expected_rows("warnings.txt"), "info": expected_rows("info.txt")}
    passed = failed = 0
    sample = None
    try:
        for name, check in CHECKS:
            if check is not check_pack_and_layout and sample is None:
                sample = ctx["sample"] = Sample(ctx["version"])
            try:
                check(ctx)
                passed += 1
                print(f"PASS {name}")
            except Exception as e:  # noqa: BLE001 - every failure is reported, then counted
                failed += 1
                print(f"FAIL {name}\n{e if isinstance(e, AssertionError) else traceback.format_exc()}")
    finally:
        if sample is not None and not os.environ.get("FOCALLOSS_KEEP_E2E"):
            sample.cleanup()
    (RESULTS / "e2e.counts").write_text(f"{passed} {failed} 0\n")
    print(f"e2e: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
