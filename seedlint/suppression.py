"""Suppression comments: found through the parsers, matched against findings, X001 if unused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from seedlint.document import Document
from seedlint.findings import Fix, Problem, TextEdit

# These patterns read the inside of one comment the parsers already isolated; they never
# decide what is a comment.
_YAML_DIRECTIVE = re.compile(r"#\s*seedlint:\s*ignore\[([A-Za-z0-9_,\s]*)\]")
_HTML_DIRECTIVE = re.compile(
    r"<!--\s*seedlint-disable(-line)?((?:\s+[A-Za-z][A-Za-z0-9]*,?)*)\s*-->"
)
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@dataclass(slots=True)
class Suppression:
    codes: tuple[str, ...]  # empty: every code
    start: int  # span of the comment in the file
    end: int
    line: int | None  # the line it covers; None for the whole file
    removal: TextEdit
    used: set[str] = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return not self.codes or any(code.startswith(prefix) for prefix in self.codes)


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
        yield Suppression(_codes(match.group(1)), hash_at, match.end(), None, removal)


def _html_suppressions(doc: Document) -> Iterator[Suppression]:
    for block in doc.blocks:
        for node in block.walk():
            if node.kind not in ("html", "inline_html"):
                continue
            text = node.text or doc.text[node.start : node.end]
            match = _HTML_DIRECTIVE.search(text)
            if match is None:
                continue
            start = node.start + match.start()
            end = node.start + match.end()
            position = doc.lines.position(start)
            line_start, line_end = doc.lines.line_span(position.line)
            line_text = doc.text[line_start:line_end]
            if match.group(1):
                before = doc.text[line_start:start]
                removal = TextEdit(line_start + len(before.rstrip()), end, "")
                yield Suppression(_codes(match.group(2)), start, end, position.line, removal)
            else:
                whole_line = line_text.strip() == doc.text[start:end]
                removal = (
                    TextEdit(line_start, line_end, "") if whole_line else TextEdit(start, end, "")
                )
                yield Suppression(_codes(match.group(2)), start, end, None, removal)


def is_suppressed(suppressions: list[Suppression], code: str, line: int) -> bool:
    for suppression in suppressions:
        if suppression.line not in (None, line) or not suppression.covers(code):
            continue
        suppression.used.add(code)
        return True
    return False


def unused(suppressions: list[Suppression]) -> Iterator[Problem]:
    for suppression in suppressions:
        if suppression.used:
            continue
        names = ", ".join(suppression.codes) if suppression.codes else "all codes"
        yield Problem(
            "X001",
            suppression.start,
            suppression.end,
            f"unused suppression of {names}",
            Fix("safe", "remove the unused suppression comment", (suppression.removal,)),
        )
