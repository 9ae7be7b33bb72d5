"""Output formats: the built-in reporters by name, and what every reporter is given.

A reporter is a function ``(findings, summary, out, options) -> None`` writing one report
to ``out``. The built-in ones are listed in :data:`REPORTERS`, each module imported when
its format is asked for (JUnit's brings xml.etree, SARIF's the rule documentation), not at
start-up; third-party ones come from the `seedlint.formatters` entry point group
(:mod:`seedlint.reporters.plugins`). Both receive the same :class:`RunSummary`, whose
``rules`` carry the rule metadata (:class:`~seedlint.reporters.catalogue.RuleInfo`), and
count "fixable" with :func:`seedlint.findings.fixability`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, TextIO

from seedlint.findings import Finding, fixability
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
