"""Shared test helpers: lint a text or a folder with real documents and real settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from seedlint.config import Configuration, Settings
from seedlint.context import RunContext
from seedlint.document import parse
from seedlint.findings import Finding
from seedlint.linter import Linter, Selection
from seedlint.registry import load_rules

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REAL_SEED = EXAMPLES / "000_7277590c367447cf.txt"
TODAY = dt.date(2026, 11, 26)


def make_linter(
    root: Path | None = None, today: dt.date = TODAY, offline: bool = True, **settings: Any
) -> Linter:
    configuration = Configuration(
        Settings.model_validate(settings), (root or Path.cwd()).resolve(), None
    )
    context = RunContext(configuration, today=today)
    selection = Selection.build(
        load_rules(), context, offline=offline, network=frozenset({"L001", "L002", "L004"})
    )
    return Linter(selection, context)


def lint_text(text: str, path: str = "seed.md", **settings: Any) -> list[Finding]:
    """Findings of one in-memory seed, after suppressions, cross-file rules and sorting."""
    linter = make_linter(**settings)
    result = linter.lint_document(parse(path, text.encode("utf-8")))
    linter.finish([result])
    return result.findings


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


def real_seed_text() -> str:
    return REAL_SEED.read_text(encoding="utf-8")
