"""Machine-readable reports: `json` (INTERFACE.md's shape) and `jsonl` (a finding a line)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from seedlint import __version__
from seedlint.findings import Finding
from seedlint.reporters import _json_stream

if TYPE_CHECKING:
    from seedlint.reporters import ReportOptions, RunSummary


def report_document(findings: Sequence[Finding], summary: RunSummary) -> dict[str, Any]:
    """The report's shape; its findings are turned into dicts one at a time as it is written."""
    return {
        "version": __version__,
        "findings": _json_stream.Streamed(finding.to_dict() for finding in findings),
        "summary": {
            "files": summary.files,
            "findings": summary.findings,
            "fixable": summary.fixable,
            "by_code": summary.by_code,
        },
    }


#: Characters that JSON leaves raw but `str.splitlines` (and JavaScript) take for line
#: breaks: escaped, so a `jsonl` line is one finding whatever splits it.
_LINE_SEPARATORS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _utf8(text: str) -> str:
    """JSON text that is always valid UTF-8, one line per `jsonl` record.

    A file name that is not UTF-8 reaches Python as lone surrogates (PEP 383); written
    raw they would make the report undecodable. They become JSON escapes (``\\udcff``)
    instead, from which ``os.fsencode`` gives a Python consumer the real name back.
    Both changes are character by character, so a report can be written in pieces.
    """
    if "\x85" in text or "\u2028" in text or "\u2029" in text:  # rare: skip the slow scan
        text = text.translate(_LINE_SEPARATORS)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` as seedlint writes JSON: UTF-8 safe, line separators escaped."""
    return _utf8(json.dumps(value, ensure_ascii=False, indent=indent))


def _dumps(value: Any) -> str:
    return json_text(value)


def report_json(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    _json_stream.write(report_document(findings, summary), lambda text: out.write(_utf8(text)))
    out.write("\n")


def report_jsonl(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    for finding in findings:
        out.write(_dumps(finding.to_dict()))
        out.write("\n")
