"""`make audit` (CI's dependency audit): where PyPI's vulnerability data cannot be read, it
says that the audit did not run and why, and fails unless told to only warn (.ci/run does,
on machines that reach PyPI's package index but not that API). Needs no network: the probe is
pointed at a closed port on this machine."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = "http://127.0.0.1:9/pypi/django/0/json"


def make_audit(*settings: str) -> subprocess.CompletedProcess:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    return subprocess.run(
        ["make", "--no-print-directory", "audit", f"AUDIT_PROBE={UNREACHABLE}", *settings],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_an_audit_that_cannot_reach_the_vulnerability_data_says_so_and_fails():
    result = make_audit()

    assert result.returncode != 0
    assert "DEPENDENCY AUDIT NOT RUN" in result.stdout
    assert UNREACHABLE in result.stdout
    assert "Connection refused" in result.stdout  # the reason, as the probe met it


def test_ci_only_warns_when_the_vulnerability_data_cannot_be_reached():
    result = make_audit("AUDIT_UNREACHABLE=warn")

    assert result.returncode == 0
    assert "DEPENDENCY AUDIT NOT RUN" in result.stdout
    assert "make audit AUDIT_UNREACHABLE=warn" in (ROOT / ".ci" / "run").read_text()
