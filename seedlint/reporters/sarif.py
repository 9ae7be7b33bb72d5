"""`sarif`: a SARIF 2.1.0 log, the format GitHub code scanning and many IDEs read.

The rules go into ``tool.driver.rules`` with their documentation (the rule docstring is the
help text), each result points at its rule by id and index, and safe/unsafe fixes become
SARIF ``fixes`` (replacements of a deleted region by inserted content).

Columns are counted in Unicode code points, as seedlint counts them, and the log says so
(``columnKind``): SARIF's default is UTF-16 code units, which differ for characters outside
the Basic Multilingual Plane.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from seedlint import __version__
from seedlint.findings import Finding, Position, Severity
from seedlint.reporters import _json_stream

if TYPE_CHECKING:
    from seedlint.reporters import ReportOptions, RunSummary
    from seedlint.reporters.catalogue import RuleInfo

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: The base every relative artifact URI is resolved against (the folder seedlint ran in).
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_location(path: str, cwd: Path) -> dict[str, str]:
    """A URI for ``path``: relative to the working folder when inside it, else ``file://``."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(cwd).as_posix()
    except ValueError:
        return {"uri": absolute.as_uri()}
    # Seed names hold spaces and non-ASCII letters ("contents/Blog post/Über.md"): a URI
    # reference must percent-encode them.
    # A name that is not UTF-8 (PEP 383 surrogates) is encoded as its own bytes: %FF.
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": SRCROOT}


class _Locations:
    """`artifact_location`, worked out once for each run of findings in the same file."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self._path: str | None = None
        self._location: dict[str, str] = {}

    def __call__(self, path: str) -> dict[str, str]:
        if path != self._path:
            self._path, self._location = path, artifact_location(path, self._cwd)
        return self._location


def _folder_uri(folder: Path) -> str:
    # A base URI must end with a slash, or the last segment is replaced on resolution.
    uri = folder.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _first_paragraph(text: str) -> str:
    return text.strip().split("\n\n", 1)[0].replace("\n", " ")


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    explanation = rule.explanation
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(explanation)},
        "help": {"text": explanation, "markdown": explanation},
    }
    if rule.url is not None:
        descriptor["helpUri"] = rule.url
    descriptor["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    descriptor["properties"] = {"fix": rule.fix}
    return descriptor


def _region(begin: Position, end: Position) -> dict[str, int]:
    return {
        "startLine": begin.line,
        "startColumn": begin.column,
        "endLine": end.line,
        "endColumn": end.column,
    }


def _fixes(finding: Finding, location: dict[str, str]) -> list[dict[str, Any]]:
    # A fix that only creates a file (T001's new topic note) has no replacement in this
    # file, and SARIF wants at least one: the message still names it.
    if finding.fix is None or not finding.fix.edits:
        return []
    replacements = [
        {"deletedRegion": _region(begin, end), "insertedContent": {"text": edit.content}}
        for edit, (begin, end) in zip(finding.fix.edits, finding.edit_positions, strict=True)
    ]
    return [
        {
            "description": {"text": f"{finding.fix.message} ({finding.fix.applicability} fix)"},
            "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
        }
    ]


def result(finding: Finding, rule_index: int | None, location: dict[str, str]) -> dict[str, Any]:
    begin = Position(finding.line, finding.column)
    end = Position(finding.end_line, finding.end_column)
    entry: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": location, "region": _region(begin, end)}}
        ],
    }
    if rule_index is not None:
        entry["ruleIndex"] = rule_index
    fixes = _fixes(finding, location)
    if fixes:
        entry["fixes"] = fixes
    return entry


def sarif_log(findings: Iterable[Finding], rules: Sequence[RuleInfo], cwd: Path) -> dict[str, Any]:
    """The log's shape; its results are built one at a time as it is written."""
    index = {rule.code: position for position, rule in enumerate(rules)}
    locations = _Locations(cwd)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "seedlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(cwd)}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True}],
                "results": _json_stream.Streamed(
                    result(finding, index.get(finding.code), locations(finding.path))
                    for finding in findings
                ),
            }
        ],
    }


def report_sarif(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    rules = sorted(summary.rules.values(), key=lambda rule: rule.code)
    _json_stream.write(sarif_log(findings, rules, Path.cwd()), out.write)
    out.write("\n")
