"""Fixtures for the fixer's tests: a vault with the real seed's topic notes, and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from seedlint.cli import main

#: The topic notes the real example seed references, so that T001 checks resolve.
TOPICS = (
    "Concept/Pre training",
    "Concept/Instruction Tuning",
    "Concept/Preference Tuning",
    "Concept/LLM Security",
    "Concept/LLM Alignment",
    "Concept/Transformer Alternatives",
)


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


Cli = Callable[..., Ran]


def make_vault(root: Path) -> Path:
    for note in TOPICS:
        path = root / "topics" / f"{note}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {note.rpartition('/')[2]}\n", encoding="utf-8")
    return root


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "vault")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, vault: Path) -> Cli:
    """Run `seedlint ...` in-process from the vault folder; exit code, stdout, stderr."""
    monkeypatch.chdir(vault)

    def run(*args: str) -> Ran:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def offline(vault: Path) -> list[str]:
    """Options every test run uses: no network, the vault's topics, no cache."""
    return ["--offline", "--no-cache", "--topics-root", str(vault)]
