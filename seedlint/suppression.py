"""Suppression comments: found through the parsers, matched against findings, X001 if unused.

The forms users of ruff and markdownlint expect:

- `# seedlint: ignore[F102, F204]` as a YAML comment in the front matter: the whole file;
- `<!-- seedlint-disable-file T001 -->` anywhere in the body: the whole file;
- `<!-- seedlint-disable T001 -->` in the body: from its own line to the end of the file,
  or to the line before a `<!-- seedlint-enable T001 -->`, as in markdownlint. A disable
  that comes before any content of the body (only blank lines and other comments above
  it) covers the front matter too: it is the whole-file form seeds have always used;
- `<!-- seedlint-disable-line T001 -->` at the end of a body line: that line, and
  `<!-- seedlint-disable-next-line T001 -->` on its own line: the line below.

Codes may be prefixes (`T`, `T00`) or rule names (`broken-topic-ref`); a comment without
codes means every code. An enable ends, for the codes it names, every disable still open
above it; it does not end a `-disable-file` or a front matter `ignore`.

X001 reports a comment, or a code in it, that serves nothing: a disable that suppressed no
finding, a code that names no rule ("unknown code", as ruff's RUF100 says of a `# noqa`),
and an enable with no open disable to end. Its safe fix removes the comment, or only the
codes that serve nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from seedlint.document import Document
from seedlint.findings import Fix, Problem, TextEdit

# These patterns read the inside of one comment the parsers already isolated; they never
# decide what is a comment.
_YAML_DIRECTIVE = re.compile(r"#\s*seedlint:\s*ignore\[([A-Za-z0-9_,\s-]*)\]")
_HTML_DIRECTIVE = re.compile(
    r"<!--\s*seedlint-(disable-file|disable-next-line|disable-line|disable|enable)"
    r"((?:[\s,]+[A-Za-z][A-Za-z0-9-]*)*)[\s,]*-->"
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_CODE_LIKE = re.compile(r"[A-Za-z][0-9]{0,3}")

Kind = Literal["yaml", "html", "html-file", "html-line", "html-next-line", "enable"]
_SUFFIX: dict[Kind, str] = {
    "html": "disable",
    "html-file": "disable-file",
    "html-line": "disable-line",
    "html-next-line": "disable-next-line",
    "enable": "enable",
}
_KIND: dict[str, Kind] = {suffix: kind for kind, suffix in _SUFFIX.items()}


@dataclass(slots=True)
class Suppression:
    codes: tuple[str, ...]  # empty: every code
    start: int  # span of the comment in the file
    end: int
    line: int | None  # the line a `-line` / `-next-line` comment covers; None otherwise
    removal: TextEdit
    used: set[str] = field(default_factory=set)
    kind: Kind = "html"
    #: A `disable`: the first line it covers (its own, or 1 when it heads the body).
    first: int = 1
    #: A `disable`: code prefix ("" for every code) -> the line of the `enable` ending it.
    ends: dict[str, int] = field(default_factory=dict)
    #: The codes as written (a rule name stays a name when the comment is rewritten).
    spelled: tuple[str, ...] = ()

    def covers(self, code: str) -> bool:
        return not self.codes or any(code.startswith(prefix) for prefix in self.codes)

    def applies(self, code: str, line: int) -> bool:
        """Whether this comment silences ``code`` on ``line``."""
        if self.kind == "enable" or not self.covers(code):
            return False
        if self.kind in ("html-line", "html-next-line"):
            return line == self.line
        if self.kind == "html":
            if line < self.first:
                return False
            return not any(
                code.startswith(prefix) and line >= end for prefix, end in self.ends.items()
            )
        return True  # the whole file

    def render(self, codes: Iterable[str]) -> str:
        """The comment rewritten to name only ``codes`` (non-empty)."""
        spelled = dict(zip(self.codes, self.spelled or self.codes, strict=True))
        names = [spelled.get(code, code) for code in codes]
        if self.kind == "yaml":
            return f"# seedlint: ignore[{', '.join(names)}]"
        return f"<!-- seedlint-{_SUFFIX[self.kind]} {' '.join(names)} -->"


@lru_cache(maxsize=1)
def _rule_names() -> dict[str, str]:
    """Rule name -> code, from the installed rules (asked only for a comment naming one)."""
    from seedlint.registry import load_rules

    try:
        return {rule.name: code for code, rule in load_rules().items()}
    except Exception:  # a broken plugin is the CLI's error to report, not a comment's
        return {}


def _codes(raw: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The codes a comment names, and how each was written. A rule name becomes its code;
    a name that is no rule's stays lower case, so it matches no code (X001: unknown)."""
    spelled = tuple(_TOKEN.findall(raw))
    codes = []
    for token in spelled:
        if _CODE_LIKE.fullmatch(token) or ("-" not in token and token.isupper()):
            codes.append(token.upper())
        else:
            codes.append(_rule_names().get(token.lower(), token.lower()))
    return tuple(codes), spelled


def find_suppressions(doc: Document) -> list[Suppression]:
    found: list[Suppression] = []
    if doc.front_matter is not None and "seedlint" in doc.text[: doc.front_matter.end]:
        found.extend(_yaml_suppressions(doc))
    body = doc.text[doc.body_start :]
    if "seedlint-disable" in body or "seedlint-enable" in body:
        found.extend(_scoped(doc, sorted(_html_suppressions(doc), key=lambda s: s.start)))
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
        codes, spelled = _codes(match.group(1))
        yield Suppression(codes, hash_at, match.end(), None, removal, kind="yaml", spelled=spelled)


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
    codes, spelled = _codes(match.group(2))
    kind = _KIND[match.group(1)]
    whole_line = line_text.strip() == doc.text[start:end]
    if whole_line:
        removal = TextEdit(line_start, line_end, "")
    elif kind == "html-line":
        removal = TextEdit(line_start + len(doc.text[line_start:start].rstrip()), end, "")
    else:
        removal = TextEdit(start, end, "")
    covered = {"html-line": position.line, "html-next-line": position.line + 1}.get(kind)
    return Suppression(
        codes, start, end, covered, removal, kind=kind, first=position.line, spelled=spelled
    )


def _scoped(doc: Document, comments: list[Suppression]) -> Iterator[Suppression]:
    """Give each `disable` its extent: from its line (from line 1 when it heads the body)
    to the `enable`s below it; mark in each `enable` the codes it ended."""
    heading = _heading_comments(doc)
    opened: list[Suppression] = []
    for comment in comments:
        if comment.kind == "html":
            if comment.start in heading:
                comment.first = 1
            opened.append(comment)
        elif comment.kind == "enable":
            _end(comment, opened)
        yield comment


def _heading_comments(doc: Document) -> set[int]:
    """Offsets of the comments before any content of the body: top-level HTML blocks that
    are comments, before the first block that is not one."""
    starts: set[int] = set()
    for block in doc.blocks:
        if block.kind != "html_block" or not doc.text[block.start : block.end].lstrip().startswith(
            "<!--"
        ):
            break
        for match in _HTML_DIRECTIVE.finditer(doc.text, block.start, block.end):
            starts.add(match.start())
    return starts


def _end(enable: Suppression, opened: list[Suppression]) -> None:
    line = enable.first
    if not enable.codes:
        for disable in opened:
            if "" not in disable.ends:
                disable.ends[""] = line
                enable.used.add("")
        return
    for code in enable.codes:
        for disable in opened:
            overlaps = not disable.codes or any(
                mine.startswith(code) or code.startswith(mine) for mine in disable.codes
            )
            ended = any(code.startswith(prefix) for prefix in disable.ends)
            if overlaps and not ended:
                disable.ends[code] = line
                enable.used.add(code)


def is_suppressed(suppressions: list[Suppression], code: str, line: int) -> bool:
    for suppression in suppressions:
        if suppression.applies(code, line):
            suppression.used.add(code)
            return True
    return False


def unused(
    suppressions: list[Suppression],
    enabled: Collection[str] | None = None,
    known: Collection[str] | Mapping[str, object] | None = None,
) -> Iterator[Problem]:
    """X001 for each comment, or code in a comment, that serves nothing.

    With ``enabled`` and ``known`` (the run's enabled codes and every registered code), a
    code is judged only when every rule it covers ran: an `--offline` run cannot tell
    whether `<!-- seedlint-disable-line L001 -->` still serves, so it says nothing. A code
    that names no rule at all is reported as unknown, whatever ran.
    """
    for suppression in suppressions:
        if suppression.kind == "enable":
            yield from _unmatched(suppression, known)
            continue
        verdicts = [_verdict(code, suppression, enabled, known) for code in suppression.codes]
        if not suppression.codes:
            if suppression.used or not _all_ran(None, enabled, known):
                continue
            yield _problem(suppression, "unused suppression of all codes", ())
            continue
        stale = [code for code, verdict in zip(suppression.codes, verdicts, strict=True) if verdict]
        if not stale:
            continue
        described = _describe(suppression, verdicts)
        kept = tuple(code for code in suppression.codes if code not in stale)
        yield _problem(suppression, f"unused suppression of {described}", kept)


def _unmatched(
    enable: Suppression, known: Collection[str] | Mapping[str, object] | None
) -> Iterator[Problem]:
    """X001 for an `enable`, or a code in one, that ended no `disable` above it."""
    if not enable.codes:
        if not enable.used:
            yield _problem(enable, "seedlint-enable without a seedlint-disable before it", ())
        return
    verdicts: list[Literal["unused", "unknown", ""]] = []
    for code in enable.codes:
        if code in enable.used:
            verdicts.append("")
        elif known is not None and not any(name.startswith(code) for name in known):
            verdicts.append("unknown")
        else:
            verdicts.append("unused")
    if not any(verdicts):
        return
    kept = tuple(code for code, verdict in zip(enable.codes, verdicts, strict=True) if not verdict)
    described = _describe(enable, verdicts)
    yield _problem(enable, f"seedlint-enable of {described} without a disable before it", kept)


def _describe(suppression: Suppression, verdicts: list[Literal["unused", "unknown", ""]]) -> str:
    spelled = suppression.spelled or suppression.codes
    return ", ".join(
        f"{written} (unknown code)" if verdict == "unknown" else written
        for written, verdict in zip(spelled, verdicts, strict=True)
        if verdict
    )


def _verdict(
    code: str,
    suppression: Suppression,
    enabled: Collection[str] | None,
    known: Collection[str] | Mapping[str, object] | None,
) -> Literal["unused", "unknown", ""]:
    if any(used.startswith(code) for used in suppression.used):
        return ""
    if known is not None and not any(name.startswith(code) for name in known):
        return "unknown"
    return "unused" if _all_ran(code, enabled, known) else ""


def _all_ran(
    prefix: str | None,
    enabled: Collection[str] | None,
    known: Collection[str] | Mapping[str, object] | None,
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
