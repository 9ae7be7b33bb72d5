"""Output formats: the built-in reporters by name, and what every reporter is given.

A reporter is a function ``(findings, summary, out, options) -> None`` writing one report
to ``out``. The built-in ones are listed in :data:`REPORTERS`; third-party ones come
from the `seedlint.formatters` entry point group (:mod:`seedlint.reporters.plugins`).
Both receive the same :class:`RunSummary`, whose ``rules`` carry the rule metadata
(:class:`~seedlint.reporters.catalogue.RuleInfo`), and count "fixable" with
:func:`seedlint.findings.fixability`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, TextIO

from seedlint.findings import Finding, fixability
from seedlint.reporters import github as _github
from seedlint.reporters import junit as _junit
from seedlint.reporters import sarif as _sarif
from seedlint.reporters import structured as _structured
from seedlint.reporters import text as _text
from seedlint.reporters.catalogue import RuleInfo, catalogue, installed

if TYPE_CHECKING:
    from seedlint.rule import Rule

__all__ = ["REPORTERS", "ReportOptions", "Reporter", "RuleInfo", "RunSummary"]


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
    #: The run's rules by code, sorted (every installed rule, selected or not): what a
    #: report says about a rule (SARIF lists them all), without importing the registry.
    rules: Mapping[str, RuleInfo] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(
        cls,
        files: int,
        findings: Sequence[Finding],
        fixed: int = 0,
        paths: Sequence[str] = (),
        rules: Iterable[Rule] | None = None,
    ) -> RunSummary:
        """Counts of ``findings``; ``rules`` the run's (default: every installed rule)."""
        by_code: dict[str, int] = {}
        for finding in findings:
            by_code[finding.code] = by_code.get(finding.code, 0) + 1
        fixable = sum(1 for finding in findings if fixability(finding) != "none")
        return cls(
            files,
            len(findings),
            fixable,
            dict(sorted(by_code.items())),
            fixed,
            paths=tuple(paths),
            rules=installed() if rules is None else catalogue(rules),
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
