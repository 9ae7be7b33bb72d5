"""Human-readable reports: `text` (as ruff's full output) and `concise` (a line each).

`text` prints each finding as ruff 0.17 does::

    F104 type 'paper' is not allowed (did you mean 'Paper'?)
      --> seeds/a.md:10:7
       |
     8 | read_priority: 1
     9 | relevance: 0
    10 | type: paper
       |       ^^^^^
    11 | upload_date: '2024-02-22'
       |
    help: replace with 'Paper'
    note: This is an unsafe fix: only `seedlint fix --unsafe-fixes` applies it

``[*]`` follows the code when `seedlint fix` (with this run's ``--unsafe-fixes`` choice)
would apply the fix, in `text` and `concise` alike. Carets are sized in terminal columns
(a CJK character or an emoji takes two), after tabs are expanded. The lines around a
finding are read back from the file, and used only while the file still holds the
finding's own line (a file changed since, or standard input, gets that one line).
``--show-fixes`` adds the diff of each fix under its ``help:`` line.

Colour follows the conventions every terminal tool shares: on when the output is a
terminal, off otherwise; `NO_COLOR` (any value) turns it off and `FORCE_COLOR` on.
Every path, message and quoted line goes through `seedlint.terminal.visible` first.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from seedlint.document import UnreadableFile, decode
from seedlint.findings import Finding, NewFile, Severity, fix_applies, fixability
from seedlint.terminal import display_width, visible

if TYPE_CHECKING:
    from seedlint.reporters import ReportOptions, RunSummary

_RESET = "\033[0m"
_BOLD = "\033[1m"
_CODE_COLOUR = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_CYAN = "\033[36m"
_BLUE = "\033[94m"
_RED = "\033[31m"
_GREEN = "\033[32m"
_TAB_WIDTH = 4
#: Lines shown before and after a finding's line (ruff shows two), blank ones at the
#: edges left out.
_CONTEXT = 2
#: Files larger than this are not read back for context (a seed is a few kilobytes).
_READ_LIMIT = 16 * 1024 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

__all__ = ["colour_wanted", "report_concise", "report_text", "summary_text", "visible"]


def colour_wanted(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour ``stream``: NO_COLOR wins, then FORCE_COLOR, then isatty()."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{style}{text}{_RESET}" if colour else text


def _shown(text: str) -> str:
    """A quoted line as the terminal shows it: tabs expanded, controls visible."""
    return visible(text.expandtabs(_TAB_WIDTH))


def _applicable(finding: Finding, options: ReportOptions) -> bool:
    """Would `seedlint fix` (with the same --unsafe-fixes choice) apply this fix?"""
    return fix_applies(finding, options.unsafe_fixes)


def _code(finding: Finding, options: ReportOptions) -> str:
    """``CODE [*]`` or ``CODE``: the same in `text` and `concise`."""
    code = _paint(finding.code, _BOLD + _CODE_COLOUR[finding.severity], options.colour)
    return f"{code} [*]" if _applicable(finding, options) else code


# -- reading the lines around a finding ------------------------------------------------------


class _Sources:
    """The lines of the file being reported, read back once for all its findings."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._lines: list[str] | None = None

    def lines_for(self, finding: Finding) -> list[str] | None:
        """The file's lines, when it still holds the finding's line where it was."""
        if finding.path != self._path:
            self._path = finding.path
            self._lines = _read_lines(finding.path)
        lines = self._lines
        if lines is None or not 0 < finding.line <= len(lines):
            return None
        return lines if lines[finding.line - 1] == finding.source_line else None


def _read_lines(path: str) -> list[str] | None:
    if path == "-":
        return None
    try:
        # Non-blocking, and only a regular file: a name that became a FIFO since the
        # run read it must not hang the report.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > _READ_LIMIT:
            return None
        data = os.read(descriptor, status.st_size + 1)
        if len(data) > status.st_size:
            return None  # growing as we read: not the text the findings were made from
    except OSError:
        return None
    finally:
        os.close(descriptor)
    try:
        text, _ = decode(data)
    except UnreadableFile:
        return None
    return _LINE_BREAK.split(text) if "\r" in text else text.split("\n")


# -- the excerpt -----------------------------------------------------------------------------


def _around(finding: Finding, lines: list[str] | None) -> tuple[list[int], list[int]]:
    """Numbers of the context lines before and after the finding's line."""
    if lines is None:
        return [], []
    line = finding.line
    before = list(range(max(1, line - _CONTEXT), line))
    after = list(range(line + 1, min(len(lines), line + _CONTEXT) + 1))
    if after and after[-1] == len(lines) and lines[-1] == "":
        after.pop()  # the empty "line" after the file's last line break
    while before and not lines[before[0] - 1].strip():
        before.pop(0)
    while after and not lines[after[-1] - 1].strip():
        after.pop()
    return before, after


def _carets(finding: Finding) -> tuple[int, int]:
    """Indent and width, in terminal columns, of the carets under the finding's line."""
    source = finding.source_line
    start = min(finding.column - 1, len(source))
    if finding.end_line == finding.line:
        end = max(start + 1, finding.end_column - 1)
    else:
        end = max(start + 1, len(source))  # a multi-line span: mark to the end of its line
    # Measured after tab expansion and `visible`, so carets sit under what is printed.
    indent = display_width(_shown(source[:start]))
    width = display_width(_shown(source[:end])) - indent
    return indent, max(1, width)


def _excerpt(finding: Finding, lines: list[str] | None, colour: bool) -> list[str]:
    location = f"{visible(finding.path)}:{finding.line}:{finding.column}"
    has_place = bool(finding.source_line) or (finding.line, finding.column) != (1, 1)
    before, after = _around(finding, lines) if has_place else ([], [])
    last = after[-1] if after else finding.line
    pad = " " * len(str(last))
    arrow = _paint("-->", _BLUE, colour)
    rows = [f"{pad}{arrow} {location}"]
    if not has_place:
        return rows  # an unreadable file, or a finding without a place: nothing to show
    bar = _paint("|", _BLUE, colour)

    def numbered(number: int, text: str) -> str:
        gutter = _paint(f"{number:>{len(pad)}}", _BLUE, colour)
        return f"{gutter} {bar} {_shown(text)}" if text else f"{gutter} {bar}"

    assert lines is not None or not (before or after)
    rows.append(f"{pad} {bar}")
    rows.extend(numbered(number, lines[number - 1]) for number in before if lines)
    rows.append(numbered(finding.line, finding.source_line))
    indent, width = _carets(finding)
    caret = " " * indent + _paint("^" * width, _BOLD + _CODE_COLOUR[finding.severity], colour)
    rows.append(f"{pad} {bar} {caret}")
    if after and lines:
        rows.extend(numbered(number, lines[number - 1]) for number in after)
        rows.append(f"{pad} {bar}")
    return rows


# -- the fix as a diff -----------------------------------------------------------------------


def fix_diff(finding: Finding, lines: list[str] | None, colour: bool = False) -> list[str]:
    """`--show-fixes`: the lines the fix changes, before (``-``) and after (``+``), with a
    line of context each side, numbered as the fixed file will be (as ruff shows it)."""
    fix = finding.fix
    positions = finding.edit_positions
    if fix is not None and fix.creates and not fix.edits:
        return _creation_rows(fix.creates, colour)
    if fix is None or not fix.edits or len(positions) != len(fix.edits):
        return []
    first = min(begin.line for begin, _ in positions)
    last = max(end.line for _, end in positions)
    if lines is None:
        if not first == last == finding.line:
            return _edit_descriptions(finding)
        lines_at = {finding.line: finding.source_line}
    else:
        if last > len(lines):
            return _edit_descriptions(finding)
        lines_at = dict(enumerate(lines, start=1))
    old = [lines_at[number] for number in range(first, last + 1)]
    starts = [0]
    for text in old:
        starts.append(starts[-1] + len(text) + 1)

    def offset(line: int, column: int) -> int:
        return starts[line - first] + column - 1

    edits = sorted(
        (
            (offset(*begin), offset(*end), edit.content)
            for edit, (begin, end) in zip(fix.edits, positions, strict=True)
        ),
        reverse=True,
    )
    segment = "\n".join(old)
    for start, end, content in edits:
        segment = segment[:start] + content + segment[end:]
    new = _LINE_BREAK.split(segment)
    rows: list[tuple[str, int | None, str]] = []
    if first - 1 in lines_at:
        rows.append((" ", first - 1, lines_at[first - 1]))
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        if tag == "equal":
            rows.extend((" ", first + index, new[index]) for index in range(new_from, new_to))
            continue
        rows.extend(("-", None, old[index]) for index in range(old_from, old_to))
        rows.extend(("+", first + index, new[index]) for index in range(new_from, new_to))
    if last + 1 in lines_at and not (last + 1 == len(lines_at) and lines_at[last + 1] == ""):
        rows.append((" ", first + len(new), lines_at[last + 1]))
    width = len(str(max((number for _, number, _ in rows if number is not None), default=1)))
    pad = " " * width
    bar = _paint("|", _BLUE, colour)
    shown = [f"{pad} {bar}"]
    for sign, number, text in rows:
        gutter = _paint(f"{number:>{width}}" if number is not None else pad, _BLUE, colour)
        if sign == " ":
            row = f"{gutter} {bar} {_shown(text)}"
        else:
            style = _RED if sign == "-" else _GREEN
            row = f"{gutter} {_paint(sign + ' ' + _shown(text), style, colour)}"
        shown.append(row.rstrip(" ") if not text else row)
    shown.append(f"{pad} {bar}")
    return shown


def _creation_rows(creates: Sequence[NewFile], colour: bool) -> list[str]:
    """A file the fix creates: its name, then every line of it as added."""
    bar = _paint("|", _BLUE, colour)
    rows = []
    for new in creates:
        rows.append(f"  {bar} new file {visible(new.path)}")
        for text in _LINE_BREAK.split(new.content):
            rows.append(f"  {_paint('+ ' + _shown(text), _GREEN, colour)}".rstrip(" "))
        rows.append(f"  {bar}")
    return rows


def _edit_descriptions(finding: Finding) -> list[str]:
    """Edits reaching lines that are not at hand: each as a range and the text it writes."""
    assert finding.fix is not None
    rows = []
    for edit, (begin, end) in zip(finding.fix.edits, finding.edit_positions, strict=True):
        where = f"{begin.line}:{begin.column}"
        if (begin.line, begin.column) != (end.line, end.column):
            where += f"-{end.line}:{end.column}"
        shown = visible(
            repr(edit.content if len(edit.content) <= 60 else edit.content[:57] + "...")
        )
        if not edit.content:
            rows.append(f"  delete {where}")
        elif "-" not in where:
            rows.append(f"  insert at {where}: {shown}")
        else:
            rows.append(f"  replace {where} with {shown}")
    return rows


# -- the reports -----------------------------------------------------------------------------


def report_text(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    colour = options.colour
    sources = _Sources()
    for finding in findings:
        out.write(f"{_code(finding, options)} {visible(finding.message)}\n")
        has_place = bool(finding.source_line) or (finding.line, finding.column) != (1, 1)
        lines = sources.lines_for(finding) if has_place else None
        for row in _excerpt(finding, lines, colour):
            out.write(row + "\n")
        fix = finding.fix
        if fix is not None:
            out.write(f"{_paint('help', _BOLD, colour)}: {visible(fix.message)}\n")
            if options.show_fixes:
                out.writelines(row + "\n" for row in fix_diff(finding, lines, colour))
            if fixability(finding) == "unsafe":
                note = "This is an unsafe fix: only `seedlint fix --unsafe-fixes` applies it"
                out.write(f"{_paint('note', _BOLD, colour)}: {note}\n")
        out.write("\n")
    if not options.quiet:
        out.write(summary_text(summary, findings, options) + "\n")


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
    fixable = sum(1 for finding in findings if _applicable(finding, options))
    hidden = sum(
        1
        for finding in findings
        if fixability(finding) != "none" and not _applicable(finding, options)
    )
    return "\n".join([". ".join(parts) + ".", *fix_summary(fixable, hidden)])


def fix_summary(fixable: int, hidden: int) -> list[str]:
    """ruff's last line: how many `seedlint fix` would fix, and how many more it could."""
    note = ""
    if hidden:
        are = "fix can" if hidden == 1 else "fixes can"
        note = f" ({hidden} hidden {are} be enabled with the `--unsafe-fixes` option)"
    if fixable:
        return [f"[*] {fixable} fixable with `seedlint fix`{note}."]
    if hidden:
        return [f"No fixes available{note}."]
    return []


def report_concise(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    for finding in findings:
        where = f"{visible(finding.path)}:{finding.line}:{finding.column}:"
        where = _paint(where, _BOLD, options.colour)
        out.write(f"{where} {_code(finding, options)} {visible(finding.message)}\n")
    if not options.quiet:
        out.write(summary_text(summary, findings, options) + "\n")
