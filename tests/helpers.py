"""Shared test helpers: lint a text or a folder with real documents and real settings."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import signal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from seedlint.cli import main
from seedlint.config import Configuration, Settings
from seedlint.context import RunContext
from seedlint.document import parse, parse_text
from seedlint.findings import Finding, Fix
from seedlint.linter import Linter, Selection
from seedlint.registry import load_rules
from seedlint.rule import Rule

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REAL_SEED = EXAMPLES / "000_7277590c367447cf.txt"
TODAY = dt.date(2026, 11, 26)

#: The post every test seed is about: its front matter `link` and its source line.
LINK = "https://example.com/post"
#: The required keys of a valid seed, in order, without the `---` fences.
FRONT_KEYS = f"""already_read: false
link: {LINK}
read_priority: 1
relevance: 0
source: null
type: Content
upload_date: '2024-02-22'
"""
#: The same front matter between its fences: a seed is `FRONT` + a body.
FRONT = f"---\n{FRONT_KEYS}---\n"


def front_with_link(link: str) -> str:
    """`FRONT` about another post: its `link` key holds this URL."""
    return FRONT.replace(f"link: {LINK}\n", f"link: {link}\n", 1)


#: The smallest valid body: the source line, a summary and an empty `## Topics`.
SHORT_BODY = f"\n{LINK}\n## Summary\n\nProse.\n\n## Topics\n"
#: The required keys as SEED_FORMAT.md lists them, written out here (not imported from
#: seedlint.config) so that a change to the code's defaults fails the tests.
SPEC_REQUIRED_KEYS = (
    "already_read",
    "link",
    "read_priority",
    "relevance",
    "source",
    "type",
    "upload_date",
)
#: The six topic notes (under `topics/Concept/`) the real example seed refers to.
REAL_SEED_TOPICS = (
    "Pre training",
    "Instruction Tuning",
    "Preference Tuning",
    "LLM Security",
    "LLM Alignment",
    "Transformer Alternatives",
)


def make_linter(
    root: Path | None = None, today: dt.date = TODAY, offline: bool = True, **settings: Any
) -> Linter:
    configuration = Configuration(
        Settings.model_validate(settings), (root or Path.cwd()).resolve(), None
    )
    context = RunContext(configuration, today=today)
    selection = Selection.build(load_rules(), context, offline=offline)
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


def found(text: str, code: str, **settings: Any) -> list[Finding]:
    """The findings of one code in an in-memory seed."""
    return [finding for finding in lint_text(text, **settings) if finding.code == code]


def apply(text: str, fix: Fix | None) -> str:
    """Splice a fix's edits into the text, last first, as the fixer does."""
    assert fix is not None
    for edit in sorted(fix.edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text


def where(finding: Finding) -> tuple[int, int, int, int]:
    return finding.line, finding.column, finding.end_line, finding.end_column


def assert_in_bounds(rules: Iterable[Rule], text: str, context: RunContext) -> None:
    """Every problem of these rules on this text, and every edit of its fix, lies in the text."""
    doc = parse_text("p.md", text)
    for rule in rules:
        for problem in rule.check(doc, context):
            assert 0 <= problem.start <= problem.end <= len(text)
            for edit in problem.fix.edits if problem.fix else ():
                assert 0 <= edit.start <= edit.end <= len(text)


Run = tuple[int, str, str]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    """Run the command line in this process: exit code, stdout, stderr."""
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(path: Path, text: str) -> Path:
    """Write a UTF-8 file, making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sigint_as_from_a_terminal() -> None:
    """For ``preexec_fn``: SIGINT back to its default in the child. A shell that starts
    the test run in the background (``cmd &``, as some CI runners do) leaves SIGINT
    ignored, every child inherits that, and Python then never installs its Ctrl-C
    handler: a test about Ctrl-C would see nothing happen."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


_HEADLINE = re.compile(r"([A-Z]+[0-9]+)( \[\*\])? (.*)")
_ARROW = re.compile(r" *--> (.+)")


def concise(text_report: str) -> str:
    """The findings of a `text` report (ruff's full layout) as the lines `concise` prints
    (`path:line:col: CODE [*] message`), for tests that look for one finding."""
    lines = text_report.splitlines()
    found = []
    for headline, arrow in itertools.pairwise(lines):
        code, where = _HEADLINE.fullmatch(headline), _ARROW.fullmatch(arrow)
        if code and where:
            found.append(f"{where[1]}: {code[1]}{code[2] or ''} {code[3]}")
    return "".join(line + "\n" for line in found)
