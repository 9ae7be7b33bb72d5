"""Suppression comments: found through the parsers, matched against findings, X001 if unused.

Three forms, as users of ruff and markdownlint expect:

- `# seedlint: ignore[F102, F204]` as a YAML comment in the front matter: the whole file;
- `<!-- seedlint-disable T001 -->` in the body: the whole file;
- `<!-- seedlint-disable-line T001 -->` at the end of a body line: that line, and
  `<!-- seedlint-disable-next-line T001 -->` on its own line: the line below.

Codes may be prefixes (`T`, `T00`); a comment without codes suppresses every code.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from seedlint.document import Document
from seedlint.findings import Fix, Problem, TextEdit

# These patterns read the inside of one comment the parsers already isolated; they never
# decide what is a comment.
_YAML_DIRECTIVE = re.compile(r"#\s*seedlint:\s*ignore\[([A-Za-z0-9_,\s]*)\]")
_HTML_DIRECTIVE = re.compile(
    r"<!--\s*seedlint-disable(-line|-next-line)?((?:[\s,]+[A-Za-z][A-Za-z0-9]*)*)[\s,]*-->"
)
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]*")

Kind = Literal["yaml", "html", "html-line", "html-next-line"]


@dataclass(slots=True)
class Suppression:
    codes: tuple[str, ...]  # empty: every code
    start: int  # span of the comment in the file
    end: int
    line: int | None  # the line it covers; None for the whole file
    removal: TextEdit
    used: set[str] = field(default_factory=set)
    kind: Kind = "html"

    def covers(self, code: str) -> bool:
        return not self.codes or any(code.startswith(prefix) for prefix in self.codes)

    def render(self, codes: Iterable[str]) -> str:
        """The comment rewritten to name only ``codes`` (non-empty)."""
        if self.kind == "yaml":
            return f"# seedlint: ignore[{', '.join(codes)}]"
        suffix = {"html": "", "html-line": "-line", "html-next-line": "-next-line"}[self.kind]
        return f"<!-- seedlint-disable{suffix} {' '.join(codes)} -->"


def _codes(raw: str) -> tuple[str, ...]:
    return tuple(code.upper() for code in _CODE.findall(raw))


def find_suppressions(doc: Document) -> list[Suppression]:
    found: list[Suppression] = []
    if doc.front_matter is not None and "seedlint" in doc.text[: doc.front_matter.end]:
        found.extend(_yaml_suppressions(doc))
    if "seedlint-disable" in doc.text[doc.body_start :]:
        found.extend(_html_suppressions(doc))
    return found


def _inside_scalar(doc: Document, offset: int) -> bool:
    assert doc.front_matter is not None
    return any(span.start <= offset < span.end for span in doc.front_matter.yaml.scalar_spans)


def _yaml_suppressions(doc: Document) -> Iterator[Suppression]:
    front = doc.front_matter
    assert front is not None
    for match in _YAML_DIRECTIVE.finditer(doc.text, front.content_start, front.content_end):
        hash_at = match.start()
        if _inside_scalar(doc, hash_at):
            continue  # a '#' inside a quoted value is text, not a comment
        line = doc.lines.position(hash_at).line
        line_start, line_end = doc.lines.line_span(line)
        before = doc.text[line_start:hash_at]
        if before.strip():
            # A trailing comment: remove it with the blanks before it.
            removal = TextEdit(line_start + len(before.rstrip()), match.end(), "")
        else:
            removal = TextEdit(line_start, line_end, "")
        yield Suppression(_codes(match.group(1)), hash_at, match.end(), None, removal, kind="yaml")


def _html_suppressions(doc: Document) -> Iterator[Suppression]:
    for block in doc.blocks:
        for node in block.walk():
            if node.kind not in ("html", "inline_html", "html_block"):
                continue
            if node.kind == "html_block" and node.children:
                continue  # its html children are visited on their own
            text = doc.text[node.start : node.end]
            for match in _HTML_DIRECTIVE.finditer(text):
                yield _html_suppression(doc, node.start, match)


def _html_suppression(doc: Document, base: int, match: re.Match[str]) -> Suppression:
    start = base + match.start()
    end = base + match.end()
    position = doc.lines.position(start)
    line_start, line_end = doc.lines.line_span(position.line)
    line_text = doc.text[line_start:line_end]
    codes = _codes(match.group(2))
    whole_line = line_text.strip() == doc.text[start:end]
    if match.group(1) == "-line":
        before = doc.text[line_start:start]
        removal = (
            TextEdit(line_start, line_end, "")
            if whole_line
            else TextEdit(line_start + len(before.rstrip()), end, "")
        )
        return Suppression(codes, start, end, position.line, removal, kind="html-line")
    removal = TextEdit(line_start, line_end, "") if whole_line else TextEdit(start, end, "")
    if match.group(1) == "-next-line":
        covered = position.line + 1
        return Suppression(codes, start, end, covered, removal, kind="html-next-line")
    return Suppression(codes, start, end, None, removal, kind="html")


def is_suppressed(suppressions: list[Suppression], code: str, line: int) -> bool:
    for suppression in suppressions:
        if suppression.line not in (None, line) or not suppression.covers(code):
            continue
        suppression.used.add(code)
        return True
    return False


def unused(
    suppressions: list[Suppression],
    enabled: Collection[str] | None = None,
    known: Collection[str] | None = None,
) -> Iterator[Problem]:
    """X001 for each comment, or code in a comment, that suppressed nothing.

    With ``enabled`` and ``known`` (the run's enabled codes and every registered code), a
    code is judged only when every rule it covers ran: an `--offline` run cannot tell
    whether `<!-- seedlint-disable-line L001 -->` still serves, so it says nothing. A code
    that names no rule at all is reported as unknown.
    """
    for suppression in suppressions:
        verdicts = [_verdict(code, suppression, enabled, known) for code in suppression.codes]
        if not suppression.codes:
            if suppression.used or not _all_ran(None, enabled, known):
                continue
            yield _problem(suppression, "unused suppression of all codes", ())
            continue
        stale = [code for code, verdict in zip(suppression.codes, verdicts, strict=True) if verdict]
        if not stale:
            continue
        described = ", ".join(
            f"{code} (unknown code)" if verdict == "unknown" else code
            for code, verdict in zip(suppression.codes, verdicts, strict=True)
            if verdict
        )
        kept = tuple(code for code in suppression.codes if code not in stale)
        yield _problem(suppression, f"unused suppression of {described}", kept)


def _verdict(
    code: str,
    suppression: Suppression,
    enabled: Collection[str] | None,
    known: Collection[str] | None,
) -> Literal["unused", "unknown", ""]:
    if any(used.startswith(code) for used in suppression.used):
        return ""
    if known is not None and not any(name.startswith(code) for name in known):
        return "unknown"
    return "unused" if _all_ran(code, enabled, known) else ""


def _all_ran(
    prefix: str | None, enabled: Collection[str] | None, known: Collection[str] | None
) -> bool:
    if enabled is None or known is None:
        return True
    covered = [code for code in known if prefix is None or code.startswith(prefix)]
    return all(code in enabled for code in covered)


def _problem(suppression: Suppression, message: str, kept: tuple[str, ...]) -> Problem:
    if kept:
        edit = TextEdit(suppression.start, suppression.end, suppression.render(kept))
        fix = Fix("safe", "remove the unused codes from the comment", (edit,))
    else:
        fix = Fix("safe", "remove the unused suppression comment", (suppression.removal,))
    return Problem("X001", suppression.start, suppression.end, message, fix)
