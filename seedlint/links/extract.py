"""The URLs a seed holds, located in the file: what the network rules check.

Three places, as the seed format defines them: the front matter `link`, the source line
(the first body line, a bare URL) and every link of the `## Links` section. Positions are
taken from the parsed Document (YAML spans, CommonMark nodes), never by searching the text
with patterns, and computed while the document is alive: the network rules run once for
the whole run, after the documents are gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from seedlint._text import has_whitespace
from seedlint.rule import LinkOccurrence
from seedlint.rules.links import dest_span

#: An ISO day, the form of `upload_date` (the day asked of the archive). Here, not in
#: archive.py: every worker reads it, and archive.py brings httpx with it.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

if TYPE_CHECKING:
    from seedlint.document import Document, Node

_SCHEMES = ("http://", "https://")
_QUOTES = ("'", '"')


def find_links(doc: Document) -> tuple[LinkOccurrence, ...]:
    """Every checkable URL of ``doc`` with its span, in file order: the front matter
    `link`, the source line and `## Links` first, then (marked ``body``) the links of the
    rest of the body, which `[links] scope = "links-section"` leaves out.

    Built one occurrence at a time, straight into the tuple: a seed of 200,000 links
    would otherwise hold a list of spans and a set of them next to the occurrences
    (some 45 MB more at the moment the document itself is largest).
    """
    day = _upload_day(doc)
    lines: dict[int, str] = {}  # a line's text once, however many links it holds
    heads = [span for span in (_front_matter_link(doc), _source_line(doc)) if span is not None]
    # Body links are never those of `## Links` (skipped there); only the source line
    # (the body's first paragraph) can be met twice.
    taken = {(start, end) for _, start, end, _ in heads}
    found = [_occurrence(doc, lines, *span, day, False) for span in heads]
    found.extend(_occurrence(doc, lines, *span, day, False) for span in _links_section(doc))
    found.extend(
        _occurrence(doc, lines, *span, day, True)
        for span in _body_links(doc)
        if (span[1], span[2]) not in taken
    )
    return tuple(found)


def link_urls(doc: Document) -> list[str]:
    """The URLs `find_links` finds, in its order, without locating them (the report
    counts URLs; only the network rules need their spans and lines)."""
    urls: list[str] = []
    front = _front_matter_link(doc)
    if front is not None:
        urls.append(front[0])
    source = _source_line(doc)
    if source is not None:
        urls.append(source[0])
    urls.extend(node.dest for node in _section_link_nodes(doc))
    # Of the spans `find_links` leaves out of the body, only the source line's can fall in the
    # body; a destination's span lies inside its link, so only a link over the source line
    # needs locating.
    taken = (source[1], source[2]) if source is not None else None
    for node in _body_link_nodes(doc):
        if (
            taken is not None
            and node.start <= taken[1]
            and node.end >= taken[0]
            and dest_span(doc, node) == taken
        ):
            continue
        urls.append(node.dest)
    return urls


def _upload_day(doc: Document) -> str:
    front = doc.front_matter
    entry = front.entry("upload_date") if front is not None else None
    if entry is None:
        return ""
    return day_of(entry.value)


def day_of(upload_date: object) -> str:
    """``YYYYMMDD`` of a seed's `upload_date` (``''`` when it has none that reads)."""
    text = str(upload_date or "").strip()
    if _DAY.fullmatch(text):
        return text.replace("-", "")
    return ""


def _body_links(doc: Document) -> Iterator[tuple[str, int, int, bool]]:
    return (_dest_span(doc, node) for node in _body_link_nodes(doc))


def _body_link_nodes(doc: Document) -> Iterator[Node]:
    """Inline links, autolinks and reference links outside `## Links`, in file order.

    Code spans and code blocks hold no link nodes (CommonMark reads no links there), so
    their URLs are never checked. A reference definition counts where a link uses it.
    """
    in_links = {
        id(block)
        for section in doc.sections
        if section.title == "Links"
        for block in section.blocks
    }
    for block in doc.blocks:
        if id(block) in in_links or block.kind in ("code_block", "html_block"):
            continue
        for node in block.walk():
            if node.kind == "link" and node.link_type != "wikilink" and _is_url(node.dest):
                yield node


def _is_url(text: str) -> bool:
    return text.lower().startswith(_SCHEMES) and not has_whitespace(text)


def _occurrence(
    doc: Document,
    lines: dict[int, str],
    url: str,
    start: int,
    end: int,
    exact: bool,
    day: str,
    body: bool,
) -> LinkOccurrence:
    begin = doc.lines.position(start)
    line = begin.line
    text = lines.get(line)
    if text is None:
        text = lines[line] = doc.line_text(line)
    return LinkOccurrence(url, start, end, begin, doc.lines.position(end), text, exact, day, body)


def _front_matter_link(doc: Document) -> tuple[str, int, int, bool] | None:
    front = doc.front_matter
    entry = front.entry("link") if front is not None else None
    if entry is None or not isinstance(entry.value, str) or not _is_url(entry.value.strip()):
        return None
    start, end = entry.value_span.start, entry.value_span.end
    written = doc.text[start:end]
    if entry.quoted and len(written) >= 2 and written[0] in _QUOTES and written[-1] == written[0]:
        start, end = start + 1, end - 1
        written = written[1:-1]
    return entry.value, start, end, written == entry.value


def _source_line(doc: Document) -> tuple[str, int, int, bool] | None:
    """The first body line when it is a bare URL (or an autolink `<url>`)."""
    first = next((block for block in doc.blocks if block.kind == "paragraph"), None)
    if first is None or doc.blocks[0] is not first:
        return None
    line = doc.lines.position(first.start).line
    line_start, line_end = doc.lines.line_span(line)
    raw = doc.text[line_start:line_end].rstrip("\r\n")
    stripped = raw.strip()
    if stripped.startswith("<") and stripped.endswith(">"):
        stripped = stripped[1:-1]
    if not _is_url(stripped):
        return None
    start = line_start + raw.index(stripped)
    return stripped, start, start + len(stripped), True


def _links_section(doc: Document) -> Iterator[tuple[str, int, int, bool]]:
    return (_dest_span(doc, node) for node in _section_link_nodes(doc))


def _section_link_nodes(doc: Document) -> Iterator[Node]:
    section = doc.section("Links")
    if section is None:
        return
    for block in section.blocks:
        for node in block.walk():
            if node.kind == "link" and node.link_type != "wikilink" and _is_url(node.dest):
                yield node


def _dest_span(doc: Document, node: Node) -> tuple[str, int, int, bool]:
    """The destination's own span inside ``[title](dest)``, else the whole link (not exact)."""
    start, end = dest_span(doc, node)
    return node.dest, start, end, (start, end) != (node.start, node.end)
