"""Without the `report` extra, `seedlint report` says in one line how to install it.

The extra's libraries are hidden from a real `seedlint` process by an import blocker that
a `sitecustomize` module (first on PYTHONPATH) puts in `sys.meta_path` before seedlint
starts: to seedlint it is exactly as if Jinja2 or matplotlib were not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.conftest import HandCounted

BLOCKER = '''
import sys

class _Blocked:
    """Finds nothing for the names in SEEDLINT_TEST_BLOCK: their import fails."""
    names = set(__import__("os").environ["SEEDLINT_TEST_BLOCK"].split(","))

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _Blocked())
'''
WORKTREE = Path(__file__).resolve().parents[2]


def run_without(
    blocked: str, *arguments: str, tmp_path: Path, cwd: Path
) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(WORKTREE)]),
        "SEEDLINT_TEST_BLOCK": blocked,
    }
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("blocked", ["jinja2", "matplotlib"])
def test_the_page_without_the_extra_is_one_line_and_exit_2(
    blocked: str, hand_counted: HandCounted, tmp_path: Path
) -> None:
    result = run_without(
        blocked,
        "report",
        "--offline",
        "-o",
        "r.html",
        ".",
        tmp_path=tmp_path,
        cwd=hand_counted.root,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"seedlint: error: the HTML report needs {blocked}: pip install 'seedlint[report]'\n"
    )
    assert not (hand_counted.root / "r.html").exists()


def test_the_blocker_blocks_and_check_and_json_need_no_extra(
    hand_counted: HandCounted, tmp_path: Path
) -> None:
    probe = run_without(
        "jinja2,matplotlib", "check", "--offline", ".", tmp_path=tmp_path, cwd=hand_counted.root
    )
    assert probe.returncode == 1, probe.stderr  # check runs as ever: T001 and W001
    imported = subprocess.run(
        [sys.executable, "-c", "import jinja2"],
        env={
            **os.environ,
            "PYTHONPATH": str(tmp_path / "site"),
            "SEEDLINT_TEST_BLOCK": "jinja2",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "ModuleNotFoundError" in imported.stderr  # the blocker really hides it
    json_report = run_without(
        "jinja2,matplotlib",
        "report",
        "--format",
        "json",
        "--offline",
        ".",
        tmp_path=tmp_path,
        cwd=hand_counted.root,
    )
    assert json_report.returncode == 0, json_report.stderr
    assert '"cards"' in json_report.stdout
