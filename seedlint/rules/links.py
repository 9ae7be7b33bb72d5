"""Offline link rules (L003, L005, L006): the `## Links` list and the front matter `link`.

The network rules (L001, L002, L004) live with the link checker; they can reuse
:func:`link_items` and :func:`dest_span` to find the same URLs at the same positions.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

from seedlint._text import PLAIN_URL
from seedlint.context import RunContext
from seedlint.document import Document, Node, Section, per_document
from seedlint.findings import Fix, Problem, Severity, TextEdit
from seedlint.links.urls import canonical_url
from seedlint.rule import rule

ERROR = Severity.ERROR
WARNING = Severity.WARNING
LINKS = "Links"
SEPARATOR = " : "
_SCHEMES = ("http", "https")
_HOST_EXTRA = "-_"  # `_` is not a hostname letter, but real DNS names use it (blogspot).


class LinkItem(NamedTuple):
    """One `## Links` list item and the link it opens with, when it opens with one."""

    item: Node
    link: Node | None


def links_sections(doc: Document) -> list[Section]:
    return list(_view(doc).sections)


def _inlines(item: Node) -> tuple[Node, ...] | None:
    """The item's inline content when it is one paragraph (tight or loose), else None."""
    children = item.children
    if not children:
        return ()
    for child in children:  # a plain loop: all() over a generator costs twice as much here
        if child.kind in _BLOCK_KINDS:
            break
    else:
        return children
    if len(children) == 1 and children[0].kind == "paragraph":
        return children[0].children
    return None


_BLOCK_KINDS = frozenset(
    {"paragraph", "heading", "blockquote", "code_block", "html_block", "list", "item", "table"}
)


def link_items(doc: Document) -> Iterator[LinkItem]:
    """Every list item of every `## Links` section, in file order."""
    return iter(_view(doc).items)


class _LinksView(NamedTuple):
    """What the link rules read of one document's `## Links` sections."""

    sections: list[Section]
    items: list[LinkItem]
    urls: list[Node]  # every link but wikilinks, nested ones too, in file order
    # Each URL's PLAIN_URL match: L003 and L006 both need it, and it is their main cost.
    plain: dict[str, re.Match[str] | None]


@per_document
def _view(doc: Document) -> _LinksView:
    """The document's `## Links` sections, items and URLs, gathered once for L003, L005
    and L006 (and the network rules) instead of once a rule."""
    sections = [section for section in doc.sections if section.title == LINKS]
    items = []
    urls = []
    for section in sections:
        for block in section.blocks:
            if block.kind == "list":
                for item in block.children:
                    inlines = _inlines(item) or ()
                    first = inlines[0] if inlines else None
                    link = first if first is not None and first.kind == "link" else None
                    items.append(LinkItem(item, link))
            # What Node.walk() visits, in its order, without a generator step a node.
            stack = [block]
            while stack:
                node = stack.pop()
                if node.kind == "link" and node.link_type != "wikilink":
                    urls.append(node)
                if node.children:
                    stack.extend(reversed(node.children))
    plain = {node.dest: PLAIN_URL.fullmatch(node.dest) for node in urls}
    return _LinksView(sections, items, urls, plain)


def dest_span(doc: Document, link: Node) -> tuple[int, int]:
    """The span of a link's URL as written: `url` in `[t](url "title")`, in `<url>`.

    The parser gives the URL but not where it sits; this walks the link's own text from
    the end of its label. A reference link's URL sits in its definition elsewhere, so
    the whole link is returned for it (and for anything unexpected).
    """
    whole = (link.start, link.end)
    text = doc.text
    if link.link_type in ("autolink", "email"):
        return link.start + 1, link.end - 1
    if link.link_type != "inline":
        return whole
    label_end = max([child.end for child in link.children], default=link.start + 1)
    opening = text.find("](", label_end, link.end)
    if opening < 0:
        return whole
    position = opening + 2
    while position < link.end and text[position] in " \t\r\n":
        position += 1
    if position >= link.end:
        return whole
    if text[position] == "<":
        closing = text.find(">", position + 1, link.end)
        return (position + 1, closing) if closing > 0 else whole
    start, depth = position, 0
    while position < link.end:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char in " \t\r\n":
            break
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        position += 1
    return start, min(position, link.end)


def _hostname_problem(host: str) -> str | None:
    name = host[:-1] if host.endswith(".") else host
    if not name or len(name) > 253:
        return f"invalid host '{host}' (empty or longer than 253 characters)"
    labels = name.split(".")
    for label in labels:
        if not 0 < len(label) <= 63:
            return f"invalid host '{host}' (empty or over-long label)"
        if label[0] == "-" or label[-1] == "-":
            return f"invalid host '{host}' (a label starts or ends with '-')"
        if not all(char.isalnum() or char in _HOST_EXTRA for char in label):
            return f"invalid host '{host}' (characters other than letters, digits and '-')"
    if name == "localhost":
        return None
    # A lone label (`https://example/`) is almost always a lost `.com`; an all-digit top
    # label is a mistyped IPv4 address (`1.2.3`), which DNS cannot resolve.
    if len(labels) == 1:
        return f"invalid host '{host}' (no top-level domain)"
    if labels[-1].isdigit():
        return f"invalid host '{host}' (neither a domain name nor an IPv4 address)"
    return None


def _port_ok(parts: SplitResult) -> bool:
    try:
        return parts.port is None or parts.port >= 0
    except ValueError:  # not a number, or above 65535
        return False


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL with a valid host; None when it is."""
    return _url_problem(url, PLAIN_URL.fullmatch(url))


def _url_problem(url: str, plain: re.Match[str] | None) -> str | None:
    """:func:`url_problem`, given ``PLAIN_URL.fullmatch(url)``."""
    if plain is not None and len(plain.group("host")) <= 253:
        return None
    if not url:
        return "empty URL"
    for char in url:
        if char.isspace():
            return "URL contains whitespace"
        if ord(char) < 32 or ord(char) == 127:
            return "URL contains a control character"
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"URL does not parse ({error})"
    scheme = parts.scheme.lower()
    if not scheme:
        return "not an absolute URL (no http:// or https://)"
    if scheme not in _SCHEMES:
        return f"scheme '{parts.scheme}' is not http or https"
    if not url[len(parts.scheme) + 1 :].startswith("//") or not parts.netloc:
        return "URL has no host"
    if not _port_ok(parts):
        return "URL has an invalid port"
    host = parts.hostname or ""
    if not host:
        return "URL has no host"
    if ":" in host:
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            return f"invalid IPv6 host '{host}'"
        return None
    if all(part.isdigit() for part in host.split(".")) and host.count(".") == 3:
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return f"invalid IPv4 host '{host}'"
        return None
    return _hostname_problem(host)


def _front_link(doc: Document, context: RunContext) -> Iterator[Problem]:
    front = doc.front_matter
    entry = front.entry("link") if front is not None else None
    if entry is None:
        return
    schema = [error for error in context.schema_errors(doc) if error.kind == "url"]
    detail = url_problem(entry.value) if isinstance(entry.value, str) else None
    if not schema and detail is None:
        return
    message = f"link {entry.value!r}: {detail}" if detail else schema[0].message
    yield Problem("L003", entry.value_span.start, entry.value_span.end, message)


@rule("L003", "invalid-url", "Not an absolute http(s) URL, spaces, or a bad host.", ERROR)
def invalid_url(doc: Document, context: RunContext) -> Iterator[Problem]:
    """The front matter `link` and every link in the `## Links` section must be an
    absolute `http://` or `https://` URL with a valid host and no whitespace: anything
    else cannot be opened by a reader, nor checked by the network rules.

    Reported: `example.com/page` (no scheme), `ftp://...` or `mailto:` (other schemes),
    `https:/example.com` (no host), `https://exa mple.com` (whitespace; in Markdown only
    `[t](<url with spaces>)` even parses as a link), `https://-bad-.com`,
    `https://example..com`, `https://example/` (a host with no dot: only `localhost` and
    IP addresses may have none), `https://1.2.3/`, a port above 65535.

    The scheme is compared case-insensitively; non-ASCII host names (IDN) and `_` in
    host labels are accepted, as browsers accept them. Wikilinks are not URLs and are
    left to L005. Links in other sections (the summary's prose) are not checked.

    No automatic fix: only the author knows the intended URL.
    """
    yield from _front_link(doc, context)
    view = _view(doc)
    for node in view.urls:
        detail = _url_problem(node.dest, view.plain[node.dest])
        if detail is not None:
            start, end = dest_span(doc, node)
            yield Problem("L003", start, end, f"invalid URL {node.dest!r}: {detail}")


def _first_line_end(doc: Document, offset: int) -> int:
    line = doc.lines.position(offset).line
    start, _ = doc.lines.line_span(line)
    return start + len(doc.line_text(line))


def _is_comment(doc: Document, block: Node) -> bool:
    raw = doc.text[block.start : block.end].strip()
    return block.kind == "html_block" and raw.startswith("<!--") and raw.endswith("-->")


_LINK_FORMS = {
    "autolink": "<url>",
    "email": "an email address",
    "reference": "[Title][ref]",
    "collapsed": "[Title][]",
    "shortcut": "[Title] with a definition elsewhere",
}


def _item_problem(doc: Document, item: Node) -> tuple[int, int, str] | None:
    """Where and why an item is not `- [Title](url) : description`; None when it is."""
    text = doc.text
    if text[item.start : item.start + 2] not in ("- ", "-\t"):
        line_end = _first_line_end(doc, item.start)
        marker_end = item.start
        while marker_end < line_end and not text[marker_end].isspace():
            marker_end += 1
        marker = text[item.start : marker_end]
        if marker != "-":
            message = f"malformed link item: list marker '{marker}', write '- '"
            return item.start, marker_end, message
    inlines = _inlines(item)
    if inlines is None:
        return (
            item.start,
            _first_line_end(doc, item.start),
            ("malformed link item: one line a link, no nested list or second paragraph"),
        )
    if not inlines:
        return item.start, _first_line_end(doc, item.start), "malformed link item: empty list item"
    link = inlines[0]
    content_start = link.start
    if link.kind != "link" or link.link_type != "inline":
        line_end = _first_line_end(doc, item.start)
        raw = text[content_start:line_end]
        why = "does not start with a [Title](url) link"
        if link.kind == "link" and link.link_type == "wikilink":
            why = "a wikilink is not a URL: write [Title](https://...)"
        elif link.kind == "link":
            written = _LINK_FORMS.get(link.link_type, f"a {link.link_type} link")
            why = f"write [Title](url), not {written}"
        elif raw.startswith("[") and "](" in raw:
            why = "not a link: a space in the URL? (write %20, or <url>)"
        return content_start, line_end, f"malformed link item: {why}"
    if not link.plain_text().strip():
        return link.start, link.end, "malformed link item: empty link title"
    if not link.dest.strip():
        return link.start, link.end, "malformed link item: empty URL"
    last = inlines[-1]
    rest_end = last.end
    while rest_end > link.end and text[rest_end - 1] in " \t\r\n":
        rest_end -= 1
    rest = text[link.end : rest_end]
    if not rest:
        return None
    if not rest.startswith(SEPARATOR) or not rest[len(SEPARATOR) :].strip():
        return (
            link.end,
            min(rest_end, _first_line_end(doc, link.end)),
            f"malformed link item: expected '{SEPARATOR}description' after the link, "
            f"found {rest[:20]!r}",
        )
    return None


@rule(
    "L005",
    "malformed-link-item",
    "A `## Links` item not of the form `- [Title](url) : description`.",
    WARNING,
)
def malformed_link_item(doc: Document, context: RunContext) -> Iterator[Problem]:
    """The `## Links` section is a list, one link an item, each written exactly as the
    writer emits them:

        - [Title](https://example.com/page) : what the page is about
        - [Title](https://example.com/other)

    The ` : description` part is optional; an empty `## Links` section is fine.
    Reported, at the offending part of the item: another list marker (`*`, `1.`), an
    item that does not open with an inline `[Title](url)` link (a bare URL, `<url>`, a
    reference link `[Title][ref]`, a wikilink, a URL with a space, which Markdown does
    not read as a link), an empty title or URL, anything but ` : ` and a description
    after the link, a nested list or second paragraph, and content of the section that
    is not a list (HTML comments excepted).

    No automatic fix: rewriting an item means guessing its title or description.
    """
    for section in _view(doc).sections:
        for block in section.blocks:
            if block.kind == "list":
                for item in block.children:
                    found = _item_problem(doc, item)
                    if found is not None:
                        yield Problem("L005", *found)
            elif not _is_comment(doc, block):
                end = _first_line_end(doc, block.start)
                yield Problem(
                    "L005",
                    block.start,
                    end,
                    "malformed link item: '## Links' holds only a list of "
                    "'- [Title](url) : description' items",
                )


def _same_url_key(url: str) -> str:
    """The URL normalisation the link rules share (RFC 3986 and IDNA, fragment kept);
    as written when it is not an http(s) URL."""
    return canonical_url(url) or url


def _delete_line(doc: Document, item: Node) -> TextEdit | None:
    """An edit deleting the item's single line (and one blank line that would double),
    or None when the item spans several lines or shares its line."""
    line = doc.lines.position(item.start).line
    start, end = doc.lines.line_span(line)
    if doc.line_text(line)[: item.start - start].strip():
        return None
    content_end = item.end
    while content_end > item.start and doc.text[content_end - 1] in " \t\r\n":
        content_end -= 1
    if doc.lines.position(content_end).line != line:
        return None
    last = len(doc.lines.starts)
    if line == last:  # no line break after it: take the one before instead
        previous_start, _ = doc.lines.line_span(line - 1)
        return TextEdit(previous_start + len(doc.line_text(line - 1)), end, "")
    blank_before = line > 1 and not doc.line_text(line - 1).strip()
    blank_after = line < last and not doc.line_text(line + 1).strip()
    if blank_before and blank_after and line + 1 < last:
        end = doc.lines.line_span(line + 1)[1]
    return TextEdit(start, end, "")


@rule("L006", "duplicate-link", "The same URL twice in one file's Links.", WARNING, "safe")
def duplicate_link(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A URL listed twice in `## Links` (counting every `## Links` section of the file)
    adds nothing and usually comes from merging notes. Each repeat is reported on its
    URL, with the line of the first.

    URLs are the same when they are equal after normalisation (RFC 3986 and IDNA, shared
    with C001 and the link checker: host case, default port, `bücher.de` and
    `xn--bcher-kva.de`, `%7E` and `~`, `%2f` and `%2F`, `/a/./b` and `/a/b`); a
    different path, query, fragment or trailing slash makes another URL (`#a` and `#b`
    may point at different parts of a page).

    Fix: delete the repeated item's line. Safe when the repeat is the same item
    character for character; unsafe when its title or description differ, since that
    text is lost.
    """
    text = doc.text
    view = _view(doc)
    first: dict[str, Node] = {}
    for entry in view.items:
        if entry.link is None or entry.link.link_type == "wikilink":
            continue
        dest = entry.link.dest
        # The first item's line and text are read only when a repeat needs them.
        earlier = first.setdefault(_same_url_key(dest), entry.item)
        if earlier is entry.item:
            continue
        first_line = doc.lines.position(earlier.start).line
        first_text = text[earlier.start : earlier.end].strip()
        item_text = text[entry.item.start : entry.item.end].strip()
        start, end = dest_span(doc, entry.link)
        edit = _delete_line(doc, entry.item)
        fix = None
        if edit is not None:
            same = item_text == first_text
            fix = Fix(
                "safe" if same else "unsafe",
                "delete the repeated item" if same else "delete the repeated item and its text",
                (edit,),
            )
        yield Problem(
            "L006",
            start,
            end,
            f"duplicate link {entry.link.dest} (first at line {first_line})",
            fix,
        )


RULES = (invalid_url, malformed_link_item, duplicate_link)
