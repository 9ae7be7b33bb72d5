"""Machine-readable reports: `json` (INTERFACE.md's shape) and `jsonl` (a finding a line)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from seedlint import __version__
from seedlint.findings import Finding

if TYPE_CHECKING:
    from seedlint.reporters import ReportOptions, RunSummary


def report_document(findings: Sequence[Finding], summary: RunSummary) -> dict[str, Any]:
    return {
        "version": __version__,
        "findings": [finding.to_dict() for finding in findings],
        "summary": {
            "files": summary.files,
            "findings": summary.findings,
            "fixable": summary.fixable,
            "by_code": summary.by_code,
        },
    }


def report_json(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    json.dump(report_document(findings, summary), out, indent=2, ensure_ascii=False)
    out.write("\n")


def report_jsonl(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    for finding in findings:
        out.write(json.dumps(finding.to_dict(), ensure_ascii=False))
        out.write("\n")
