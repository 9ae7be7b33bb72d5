"""Generated vaults and real `seedlint` processes for the cache and process-pool tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import Corpus, generate  # noqa: E402

__all__ = ["Corpus", "Ran", "check", "debug_env", "generate", "seedlint", "stats_line"]


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def seedlint(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Ran:
    """The real command in a fresh process, as pre-commit and users start it."""
    environment = {key: value for key, value in os.environ.items() if key != "SEEDLINT_CACHE_DIR"}
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def check(vault: Path, *extra: str, env: dict[str, str] | None = None) -> Ran:
    return seedlint("check", "--offline", *extra, "contents", cwd=vault, env=env)


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """60 generated seeds with their topic notes; half of them carry a defect, of 17
    kinds (broken and misfiled topic references, duplicate seeds, schema, YAML...)."""
    return generate(tmp_path / "vault", 60, seed=1, defect_rate=0.5)


def stats_line(ran: Ran) -> str:
    lines = [line for line in ran.stderr.splitlines() if line.startswith("seedlint: cache:")]
    assert lines, ran.stderr
    return lines[-1]


def debug_env() -> dict[str, str]:
    return {"SEEDLINT_DEBUG": "1"}
