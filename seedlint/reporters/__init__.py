"""Output formats: a plain dict from name to reporter feeds the CLI's --format choices."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from seedlint.findings import Finding
from seedlint.reporters import github as _github
from seedlint.reporters import junit as _junit
from seedlint.reporters import sarif as _sarif
from seedlint.reporters import structured as _structured
from seedlint.reporters import text as _text
from seedlint.terminal import is_terminal, visible_on_tty


@dataclass(frozen=True)
class RunSummary:
    files: int
    findings: int
    fixable: int
    by_code: dict[str, int]
    fixed: int = 0
    notes: tuple[str, ...] = field(default=())
    # Every file linted, clean or not (JUnit lists a passing test case for each).
    paths: tuple[str, ...] = field(default=())

    @classmethod
    def of(
        cls, files: int, findings: Sequence[Finding], fixed: int = 0, paths: Sequence[str] = ()
    ) -> RunSummary:
        by_code: dict[str, int] = {}
        for finding in findings:
            by_code[finding.code] = by_code.get(finding.code, 0) + 1
        fixable = sum(1 for finding in findings if finding.fix is not None)
        return cls(
            files, len(findings), fixable, dict(sorted(by_code.items())), fixed, paths=tuple(paths)
        )


@dataclass(frozen=True)
class ReportOptions:
    colour: bool = False
    show_fixes: bool = False
    unsafe_fixes: bool = False
    quiet: bool = False


Reporter = Callable[[Sequence[Finding], RunSummary, TextIO, ReportOptions], None]

REPORTERS: dict[str, Reporter] = {
    "text": _text.report_text,
    "concise": _text.report_concise,
    "json": _structured.report_json,
    "jsonl": _structured.report_jsonl,
    "github": _github.report_github,
    "sarif": _sarif.report_sarif,
    "junit": _junit.report_junit,
}

#: Formats that make their own text safe for a terminal (each path, message and line goes
#: through `visible`, and colour codes are their own); the others carry the text exactly,
#: for the programs that read them.
_FOR_PEOPLE = frozenset({"text", "concise"})


def write_report(
    name: str, findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    """Write the report in format ``name``. A program's format (JSON, SARIF, GitHub...)
    read on a terminal is a person reading it: its control and bidi characters are shown
    visibly there (`visible_on_tty`), and stay exact in a pipe or a file."""
    reporter = REPORTERS[name]
    if name in _FOR_PEOPLE or not is_terminal(out):
        reporter(findings, summary, out, options)
        return
    shown = io.StringIO()  # a report a person reads on a terminal: held, then shown
    reporter(findings, summary, shown, options)
    out.write(visible_on_tty(shown.getvalue(), out))
