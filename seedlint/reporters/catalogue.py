"""The rule metadata a report is given: one record a rule, the same for every reporter.

Reporters (built-in or from the `seedlint.formatters` entry point group) never import the
registry: the run hands them :attr:`seedlint.reporters.RunSummary.rules`, built here from
the rules it loaded.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from seedlint.findings import Severity
from seedlint.rule import FixKind, Rule


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a report may say about a rule.

    ``severity`` is the rule's default (a finding carries the severity it was given);
    ``fix`` what the rule's fixes are (`safe`, `unsafe`, `safe/unsafe` or `-`); ``url``
    a documentation page, for a plugin rule that names one (an optional ``url``
    attribute), else None; ``explanation`` the rule's documentation, indentation removed.
    """

    code: str
    name: str
    summary: str
    severity: Severity
    fix: FixKind
    explanation: str
    url: str | None = None

    @classmethod
    def of(cls, rule: Rule) -> RuleInfo:
        url = getattr(rule, "url", None)
        return cls(
            code=rule.code,
            name=rule.name,
            summary=rule.summary,
            severity=rule.severity,
            fix=rule.fix,
            # A plugin's explanation may keep its docstring's indentation; Markdown would
            # read indented paragraphs as code blocks.
            explanation=inspect.cleandoc(rule.explanation) or rule.summary,
            url=url if isinstance(url, str) and url else None,
        )


def catalogue(rules: Iterable[Rule]) -> Mapping[str, RuleInfo]:
    """Read-only, by code, sorted by code."""
    infos = sorted((RuleInfo.of(rule) for rule in rules), key=lambda info: info.code)
    return MappingProxyType({info.code: info for info in infos})


def installed() -> Mapping[str, RuleInfo]:
    """Every installed rule, for a summary made without a run's rules (the library)."""
    from seedlint.registry import load_rules

    return catalogue(load_rules().values())
