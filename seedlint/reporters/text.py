"""Human-readable reports: `text` (ruff-like, with excerpts) and `concise` (a line each).

Colour follows the conventions every terminal tool shares: on when the output is a
terminal, off otherwise; `NO_COLOR` (any value) turns it off and `FORCE_COLOR` on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from seedlint.findings import Finding, Severity

if TYPE_CHECKING:
    from seedlint.reporters import ReportOptions, RunSummary

_RESET = "\033[0m"
_BOLD = "\033[1m"
_CODE_COLOUR = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_CYAN = "\033[36m"
_TAB_WIDTH = 4


def colour_wanted(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour ``stream``: NO_COLOR wins, then FORCE_COLOR, then isatty()."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# Control characters from a note or its name would drive the reader's terminal (retitle,
# clear, recolour it): show each as one visible character, so carets stay aligned.
_VISIBLE = {code: 0x2400 + code for code in range(0x20) if code != 0x09}
_VISIBLE[0x7F] = 0x2421
_VISIBLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})


def visible(text: str) -> str:
    return text.translate(_VISIBLE)


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{style}{text}{_RESET}" if colour else text


def _location(finding: Finding, colour: bool) -> str:
    where = f"{visible(finding.path)}:{finding.line}:{finding.column}:"
    return _paint(where, _BOLD, colour)


def _headline(finding: Finding, colour: bool) -> str:
    code = _paint(finding.code, _BOLD + _CODE_COLOUR[finding.severity], colour)
    return f"{_location(finding, colour)} {code} {visible(finding.message)}"


def _applicable(finding: Finding, options: ReportOptions) -> bool:
    """Would `seedlint fix` (with the same --unsafe-fixes choice) apply this fix?"""
    fix = finding.fix
    if fix is None or not fix.edits:
        return False
    return fix.applicability == "safe" or options.unsafe_fixes


def _fix_label(finding: Finding, options: ReportOptions) -> str:
    return " [*]" if _applicable(finding, options) else ""


def _excerpt(finding: Finding, colour: bool) -> list[str]:
    source = finding.source_line
    if not source and finding.line == 1 and finding.column == 1:
        return []  # nothing to show: an unreadable file, or a finding without a place
    line = visible(source.expandtabs(_TAB_WIDTH))
    gutter = str(finding.line)
    pad = " " * len(gutter)
    start = finding.column - 1
    if finding.end_line == finding.line:
        end = max(start + 1, finding.end_column - 1)
    else:
        end = max(start + 1, len(source))  # a multi-line span: mark to the end of its line
    # Widths are measured after tab expansion, so the caret sits under the same characters.
    indent = len(source[:start].expandtabs(_TAB_WIDTH))
    width = max(1, len(source[:end].expandtabs(_TAB_WIDTH)) - indent)
    caret = " " * indent + "^" * width
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
            message = visible(finding.fix.message)
            out.write(f"  = {_paint('help', _BOLD, colour)}: {kind}: {message}\n")
            if options.show_fixes:
                out.writelines(visible(line) + "\n" for line in fix_lines(finding))
        out.write("\n")
    if not options.quiet:
        out.write(summary_text(summary, findings, options) + "\n")


def fix_lines(finding: Finding) -> list[str]:
    """`--show-fixes`: the finding's line before and after the fix when every edit stays on
    it, else each edit as a range and the text it writes."""
    fix = finding.fix
    if fix is None or len(finding.edit_positions) != len(fix.edits):
        return []
    pairs = list(zip(fix.edits, finding.edit_positions, strict=True))
    if all(begin.line == end.line == finding.line for _, (begin, end) in pairs):
        after = finding.source_line
        for edit, (begin, end) in sorted(pairs, key=lambda pair: -pair[1][0].column):
            after = after[: begin.column - 1] + edit.content + after[end.column - 1 :]
        return [f"    - {finding.source_line}", *(f"    + {part}" for part in after.splitlines())]
    lines = []
    for edit, (begin, end) in pairs:
        where = f"{begin.line}:{begin.column}"
        if (begin.line, begin.column) != (end.line, end.column):
            where += f"-{end.line}:{end.column}"
        shown = repr(edit.content if len(edit.content) <= 60 else edit.content[:57] + "...")
        if not edit.content:
            lines.append(f"    delete {where}")
        elif where.count(":") == 1:
            lines.append(f"    insert at {where}: {shown}")
        else:
            lines.append(f"    replace {where} with {shown}")
    return lines


def summary_text(summary: RunSummary, findings: Sequence[Finding], options: ReportOptions) -> str:
    """The closing lines: counts, then what `seedlint fix` would do, in ruff's words."""
    files = f"{summary.files} file{'s' if summary.files != 1 else ''}"
    parts = []
    if summary.fixed:
        parts.append(f"Fixed {summary.fixed} finding{'s' if summary.fixed != 1 else ''}")
    if summary.findings == 0:
        parts.append(f"All checks passed ({files})")
        return ". ".join(parts) + "."
    noun = "finding" if summary.findings == 1 else "findings"
    parts.append(f"Found {summary.findings} {noun} in {files}")
    lines = [". ".join(parts) + "."]
    fixable = sum(1 for finding in findings if _applicable(finding, options))
    hidden = sum(
        1
        for finding in findings
        if finding.fix is not None and finding.fix.edits and not _applicable(finding, options)
    )
    note = ""
    if hidden:
        are = "fix can" if hidden == 1 else "fixes can"
        note = f" ({hidden} hidden {are} be enabled with the `--unsafe-fixes` option)"
    if fixable:
        lines.append(f"[*] {fixable} fixable with `seedlint fix`{note}.")
    elif hidden:
        lines.append(f"No fixes available{note}.")
    return "\n".join(lines)


def report_concise(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    for finding in findings:
        out.write(
            f"{visible(finding.path)}:{finding.line}:{finding.column}: {finding.code}"
            f"{_fix_label(finding, options)} {visible(finding.message)}\n"
        )
    if not options.quiet:
        out.write(summary_text(summary, findings, options) + "\n")
