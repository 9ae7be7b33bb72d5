"""Shared pieces of the hostile-input suite: a good seed, and the CLI run two ways.

Every hostile file is linted *beside a good seed* in the same run, and the good seed's
result is asserted too: that is the proof that one bad file never stops a run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from seedlint.cli import main
from tests.helpers import real_seed_text

GOOD_NAME = "000_7277590c367447cf.txt"
REAL_LINK = "https://newsletter.ruder.io/p/thoughts-on-the-2024-ai-job-market"


def seed_text(link: str = "https://example.org/hostile", newline: str = "\n") -> str:
    """The real seed under another link (so C001 duplicate-seed stays quiet beside it)."""
    text = real_seed_text().replace(REAL_LINK, link)
    return text.replace("\n", newline) if newline != "\n" else text


def seed_bytes(link: str = "https://example.org/hostile") -> bytes:
    return seed_text(link).encode("utf-8")


@dataclass
class Ran:
    code: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.out)
        return parsed

    def findings_of(self, name: str) -> list[dict[str, Any]]:
        """Findings of the file whose path ends with ``name``."""
        return [f for f in self.json()["findings"] if f["path"].endswith(name)]


def run_in_process(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> Ran:
    """The real CLI entry point, in this process: argparse, discovery, lint, report."""
    capsys.readouterr()
    code = main([*args])
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


def run_process(
    args: Sequence[str | os.PathLike[str]],
    cwd: Path | None = None,
    timeout: float = 120,
    **popen: Any,
) -> Ran:
    """The real CLI in a child process, as a hook or CI job runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "seedlint", *[os.fspath(arg) for arg in args]],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        check=False,
        **popen,
    )
    return Ran(
        done.returncode,
        done.stdout.decode("utf-8", errors="surrogateescape"),
        done.stderr.decode("utf-8", errors="surrogateescape"),
    )


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A folder holding one good seed; a test adds its hostile file beside it."""
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / GOOD_NAME).write_text(real_seed_text(), encoding="utf-8")
    return folder


def assert_good_seed_linted(ran: Ran, files: int) -> None:
    """The run saw every file, and the good seed came out clean."""
    report = ran.json()
    assert report["summary"]["files"] == files, report["summary"]
    assert ran.findings_of(GOOD_NAME) == []
    assert "Traceback" not in ran.err
    assert "internal error" not in ran.err
