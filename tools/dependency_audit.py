"""Audit the pinned requirements with pip-audit, and never call an unaudited set clean.

pip-audit says "No known vulnerabilities found" and exits 0 when it could not reach its
vulnerability data: against PyPI's service every package comes back "Dependency not found on
PyPI and could not be audited" (a skip, not a finding); against OSV it stops with a
connection error and prints no report. Here a package counts as audited only when the report
lists it without a skip reason, and the pinned set is clean only when every pinned package
was audited and none has a known vulnerability.

`python -m tools.dependency_audit [requirements.txt]` (`make audit`) exits 0 when clean,
1 on findings, and 2 after printing NOT AUDITED when any pinned package could not be audited.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# The complete pinned set: the runtime pins and the test and development tools.
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements-dev.txt"
TIMEOUT = 600  # seconds


def _name(text: str) -> str:
    """A distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", text).lower()


def pinned(requirements: Path) -> list[str]:
    """The names pinned with == in a requirements file (comments and options aside)."""
    names = []
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-") and "==" in line:
            names.append(_name(re.split(r"[\[=<>!~;\s]", line, maxsplit=1)[0]))
    return names


@dataclass
class Verdict:
    """What one run of pip-audit established about the pinned set."""

    pinned: list[str]
    audited: list[str] = field(default_factory=list)
    vulnerable: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""  # why packages were not audited, in pip-audit's words

    @property
    def not_audited(self) -> list[str]:
        return [name for name in self.pinned if name not in self.audited]

    @property
    def complete(self) -> bool:
        return bool(self.pinned) and not self.not_audited

    def summary(self) -> str:
        if not self.pinned:
            return "no pinned packages to audit"
        if self.complete:
            return f"all {len(self.pinned)} pinned packages audited"
        return (
            f"{len(self.not_audited)} of {len(self.pinned)} pinned packages could not be "
            f"audited ({self.reason or 'no reason given'})"
        )


def read_report(stdout: str, stderr: str, names: list[str]) -> Verdict:
    """Judge pip-audit's JSON report (or its absence) against the pinned names."""
    verdict = Verdict(pinned=names)
    try:
        report = json.loads(stdout)
        packages = report["dependencies"]
    except (json.JSONDecodeError, KeyError, TypeError):
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        verdict.reason = "pip-audit gave no report: " + (lines[-1][:300] if lines else "no output")
        return verdict
    for package in packages:
        name = _name(package.get("name", ""))
        if "skip_reason" in package:
            verdict.reason = verdict.reason or str(package["skip_reason"])[:300]
            continue
        verdict.audited.append(name)
        if package.get("vulns"):
            verdict.vulnerable[name] = [v.get("id", "?") for v in package["vulns"]]
    if not verdict.reason and verdict.not_audited:
        verdict.reason = "missing from pip-audit's report"
    return verdict


def audit(requirements: Path = REQUIREMENTS) -> Verdict:
    """Run pip-audit on the pinned requirements (no resolution: the pins are the set)."""
    names = pinned(requirements)
    if importlib.util.find_spec("pip_audit") is None:
        return Verdict(pinned=names, reason="pip-audit is not installed")
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "-r",
                str(requirements),
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return Verdict(pinned=names, reason=f"pip-audit did not finish within {TIMEOUT} s")
    return read_report(run.stdout, run.stderr, names)


def main(argv: list[str]) -> int:
    requirements = Path(argv[0]) if argv else REQUIREMENTS
    verdict = audit(requirements)
    for name, ids in sorted(verdict.vulnerable.items()):
        print(f"VULNERABLE {name}: {', '.join(ids)}")
    if not verdict.complete:
        print(f"NOT AUDITED: {verdict.summary()}.")
        if verdict.not_audited:
            print("Not audited: " + ", ".join(verdict.not_audited))
        print(
            "No claim is made about these packages. Run `make audit` where PyPI's "
            "vulnerability data can be reached."
        )
    if verdict.vulnerable:
        return 1
    if not verdict.complete:
        return 2
    print(f"No known vulnerabilities: {verdict.summary()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
