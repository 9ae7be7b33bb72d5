"""Codes the linter raises itself rather than a rule's check: unreadable files, suppressions."""

from __future__ import annotations

from dataclasses import dataclass

from seedlint.findings import Severity
from seedlint.rule import FixKind


@dataclass(frozen=True)
class SystemRule:
    code: str
    name: str
    summary: str
    severity: Severity
    fix: FixKind
    explanation: str
    #: See :data:`seedlint.rule.STRUCTURAL`.
    structural: bool = False


UNREADABLE_FILE = SystemRule(
    "E001",
    "unreadable-file",
    "The file cannot be read as a seed: I/O error, not UTF-8, binary, or too large.",
    Severity.ERROR,
    "-",
    """The file could not be linted at all, so no other rule ran on it.

    Causes: the file cannot be opened (permissions, deleted during the run), it is not
    UTF-8 text, it holds NUL bytes (a binary file), or it is larger than `max-file-size`
    (default 10 MB; the file is not read). The other files of the run are still linted.

    Fix: re-save the file as UTF-8 text, or exclude it with `exclude`.""",
    structural=True,
)

UNUSED_SUPPRESSION = SystemRule(
    "X001",
    "unused-suppression",
    "A suppression comment suppresses nothing.",
    Severity.WARNING,
    "safe",
    """A `# seedlint: ignore[...]` front matter comment, or a `<!-- seedlint-disable ... -->`
    (`-file`, `-line`, `-next-line`) body comment, names a code that raised no finding
    where it applies, or a code that names no rule ("unknown code"); or a
    `<!-- seedlint-enable ... -->` has no disable of its codes above it to end. Stale
    suppressions hide future problems.

    Example: `<!-- seedlint-disable-line T001 -->` after a topic reference that resolves.

    Fix (safe): remove the comment (or the unused codes from it).""",
)

RULES = (UNREADABLE_FILE, UNUSED_SUPPRESSION)
