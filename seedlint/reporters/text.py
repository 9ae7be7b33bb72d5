"""Human-readable reports: `text` (ruff-like, with excerpts) and `concise`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from seedlint.findings import Finding, Severity

if TYPE_CHECKING:
    from seedlint.reporters import ReportOptions, RunSummary

_RESET = "\033[0m"
_BOLD = "\033[1m"
_CODE_COLOUR = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_DIM = "\033[2m"
_CYAN = "\033[36m"


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{style}{text}{_RESET}" if colour else text


def _location(finding: Finding, colour: bool) -> str:
    where = f"{finding.path}:{finding.line}:{finding.column}:"
    return _paint(where, _BOLD, colour)


def _headline(finding: Finding, colour: bool) -> str:
    code = _paint(finding.code, _BOLD + _CODE_COLOUR[finding.severity], colour)
    return f"{_location(finding, colour)} {code} {finding.message}"


def _fix_label(finding: Finding, options: ReportOptions) -> str:
    if finding.fix is None:
        return ""
    if finding.fix.applicability == "safe":
        return " [*]"
    return " [-]" if not options.unsafe_fixes else " [*]"


def _excerpt(finding: Finding, colour: bool) -> list[str]:
    line = finding.source_line.expandtabs(4) if "\t" in finding.source_line else finding.source_line
    if not finding.source_line and finding.line == 1 and finding.column == 1:
        return []
    gutter = str(finding.line)
    pad = " " * len(gutter)
    width = 1
    if finding.end_line == finding.line:
        width = max(1, finding.end_column - finding.column)
    else:
        width = max(1, len(finding.source_line) - finding.column + 1)
    # Tabs before the column were widened above: keep the caret under the same character.
    prefix = finding.source_line[: finding.column - 1].expandtabs(4)
    caret = " " * len(prefix) + "^" * min(width, max(1, len(line) - len(prefix)))
    bar = _paint("|", _CYAN, colour)
    return [
        f"{pad} {bar}",
        f"{_paint(gutter, _CYAN, colour)} {bar} {line}",
        f"{pad} {bar} {_paint(caret, _CODE_COLOUR[finding.severity], colour)}",
    ]


def report_text(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    colour = options.colour
    for finding in findings:
        if options.quiet:
            out.write(f"{_headline(finding, colour)}\n")
            continue
        out.write(f"{_headline(finding, colour)}{_fix_label(finding, options)}\n")
        for line in _excerpt(finding, colour):
            out.write(line + "\n")
        if finding.fix is not None:
            kind = "Safe fix" if finding.fix.applicability == "safe" else "Unsafe fix"
            out.write(f"  = {_paint('help', _BOLD, colour)}: {kind}: {finding.fix.message}\n")
        out.write("\n")
    if not options.quiet:
        out.write(_summary_line(summary, options) + "\n")


def _summary_line(summary: RunSummary, options: ReportOptions) -> str:
    files = f"{summary.files} file{'s' if summary.files != 1 else ''}"
    parts = []
    if summary.fixed:
        parts.append(f"Fixed {summary.fixed} finding{'s' if summary.fixed != 1 else ''}")
    if summary.findings == 0:
        parts.append(f"All checks passed ({files})")
        return ". ".join(parts) + "."
    noun = "finding" if summary.findings == 1 else "findings"
    parts.append(f"Found {summary.findings} {noun} in {files}")
    line = ". ".join(parts) + "."
    if summary.fixable:
        line += (
            f"\n[*] {summary.fixable} fixable with `seedlint fix`"
            " (unsafe ones with `--unsafe-fixes`)."
        )
    return line


def report_concise(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    for finding in findings:
        out.write(
            f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n"
        )
    if not options.quiet:
        out.write(_summary_line(summary, options) + "\n")
