"""The data every part of seedlint exchanges: severities, problems, findings and fixes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, NamedTuple

Applicability = Literal["safe", "unsafe"]
#: What `seedlint fix` can do about a finding: apply a safe fix, apply an unsafe one
#: (with --unsafe-fixes), or nothing. See :func:`fixability`.
Fixability = Literal["safe", "unsafe", "none"]


class Severity(str, Enum):  # noqa: UP042 - str() and format() output kept as shipped
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the characters ``text[start:end]`` of the original file with ``content``.

    Offsets count characters of the decoded text (BOM excluded), so that edits compose
    with Python string slicing; reporters turn them into 1-based lines and columns.
    """

    start: int
    end: int
    content: str


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file a fix creates (T001's "create the missing topic note"), never one that exists.

    ``path`` is relative to the topics root (the folder holding ``topics/``), with ``/``
    separators; ``content`` is the file's whole text. Whoever applies the fix checks that
    the path stays inside the topics root (see `seedlint.fixer.create_new_file`).
    """

    path: str
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[TextEdit, ...]
    #: Files the fix creates beside its edits of the finding's own file.
    creates: tuple[NewFile, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule yields: a code, a span of the original text and a message.

    Rules never decide severity or line numbers; the linter adds both when it turns a
    problem into a :class:`Finding`.
    """

    code: str
    start: int
    end: int
    message: str
    fix: Fix | None = None


class Position(NamedTuple):
    """A 1-based line and column. A named tuple: rules ask for a dozen positions a seed,
    and a tuple is built four times faster than a frozen dataclass."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    rule: str
    severity: Severity
    message: str
    fix: Fix | None = None
    # Character span in the original text; the fixer and the excerpt printer use it.
    start: int = 0
    end: int = 0
    # Line/column of each fix edit, filled by the linter (parallel to fix.edits).
    edit_positions: tuple[tuple[Position, Position], ...] = field(default=())
    # The text of the finding's first line, for excerpts and baselines (the file is gone).
    source_line: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def fix_dict(self) -> dict[str, Any] | None:
        if self.fix is None:
            return None
        edits = []
        for edit, (begin, finish) in zip(self.fix.edits, self.edit_positions, strict=True):
            edits.append(
                {
                    "line": begin.line,
                    "column": begin.column,
                    "end_line": finish.line,
                    "end_column": finish.column,
                    "content": edit.content,
                }
            )
        shape: dict[str, Any] = {
            "applicability": self.fix.applicability,
            "message": self.fix.message,
            "edits": edits,
        }
        if self.fix.creates:  # only then: every other fix keeps its shape
            shape["creates"] = [
                {"path": new.path, "content": new.content} for new in self.fix.creates
            ]
        return shape

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "fix": self.fix_dict(),
        }


def fixability(finding: Finding) -> Fixability:
    """The one definition of "fixable" every report, count and table uses: a fix that
    changes something (edits the file, or creates one), with its applicability; ``"none"``
    without a fix, or with one that would change nothing (a plugin may offer an empty
    fix)."""
    fix = finding.fix
    if fix is None or not (fix.edits or fix.creates):
        return "none"
    return fix.applicability


def fix_applies(finding: Finding, unsafe_fixes: bool) -> bool:
    """Whether `seedlint fix` applies the finding's fix, with or without --unsafe-fixes."""
    kind = fixability(finding)
    return kind == "safe" or (kind == "unsafe" and unsafe_fixes)
