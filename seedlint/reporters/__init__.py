"""Output formats: a mapping from name to reporter feeds the CLI's --format choices.

A run writes one format: each reporter's module is imported when its format is asked
for (JUnit's brings xml.etree, SARIF's the rule documentation), not at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from seedlint.findings import Finding


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

#: Format name -> (module under seedlint.reporters, function), in the CLI's order.
_WHERE = {
    "text": ("text", "report_text"),
    "concise": ("text", "report_concise"),
    "json": ("structured", "report_json"),
    "jsonl": ("structured", "report_jsonl"),
    "github": ("github", "report_github"),
    "sarif": ("sarif", "report_sarif"),
    "junit": ("junit", "report_junit"),
}


class _Reporters(Mapping[str, Reporter]):
    """Read-only, like the plain dict it stands for; a reporter is imported when read."""

    def __getitem__(self, name: str) -> Reporter:
        module, function = _WHERE[name]
        reporter: Reporter = getattr(
            importlib.import_module(f"seedlint.reporters.{module}"), function
        )
        return reporter

    def __iter__(self) -> Iterator[str]:
        return iter(_WHERE)

    def __len__(self) -> int:
        return len(_WHERE)

    def __contains__(self, name: object) -> bool:
        return name in _WHERE


REPORTERS: Mapping[str, Reporter] = _Reporters()
