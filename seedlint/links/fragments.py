"""Fragments (`#section`): the anchors of an HTML page, and whether a fragment is one of them.

The page is read by the link check's own request (only for URLs a seed links to with a
fragment), at most ANCHOR_READ_LIMIT bytes, through the standard library's HTML
tokenizer (`html.parser`, which follows the HTML tokenization rules and never fails on
broken markup). Anchors are every element's `id` and every `<a name>`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    import httpx

#: Bytes of a page read for its anchors: the rest of a huge page is not downloaded.
ANCHOR_READ_LIMIT = 2 * 1024 * 1024
#: Anchors kept of one page (a generated page may hold hundreds of thousands).
MAX_ANCHORS = 50_000
#: GitHub's line anchors (`#L10`, `#L10-L20`, `#L10C3-L12C8`), made by its scripts.
_LINE_ANCHOR = re.compile(r"L\d+(C\d+)?(-L\d+(C\d+)?)?")
#: What GitHub puts before the ids it renders from a README's headings.
GITHUB_PREFIX = "user-content-"


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.found) >= MAX_ANCHORS:
            return
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.found[value] = None

    handle_startendtag = handle_starttag


def is_html(content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml")


def anchors_of(chunks: list[bytes] | bytes, encoding: str = "utf-8") -> tuple[str, ...]:
    """The anchors of an HTML document (bytes), in document order, without repeats."""
    data = chunks if isinstance(chunks, bytes) else b"".join(chunks)
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:  # a charset Python does not know
        text = data.decode("utf-8", errors="replace")
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    return tuple(anchor for anchor in parser.found if "\n" not in anchor)


async def read_anchors(response: httpx.Response) -> tuple[str, tuple[str, ...] | None]:
    """``("html", anchors)`` for an HTML page, ``("other", None)`` for anything else."""
    if not is_html(response.headers.get("content-type")):
        return "other", None
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= ANCHOR_READ_LIMIT:
            break
    data = b"".join(chunks)[:ANCHOR_READ_LIMIT]
    return "html", anchors_of(data, response.charset_encoding or "utf-8")


def fragment_found(fragment: str, anchors: tuple[str, ...]) -> bool | None:
    """True when ``fragment`` names a place in a page with ``anchors``; None when that
    cannot be known (line anchors and text fragments are made by scripts)."""
    if not fragment or fragment == "top" or fragment.startswith(":~:"):
        return True  # the top of the page (HTML's own rule), or a text fragment
    if _LINE_ANCHOR.fullmatch(fragment):
        return None
    wanted = {fragment, unquote(fragment)}
    present = set(anchors)
    if wanted & present:
        return True
    return bool({GITHUB_PREFIX + name for name in wanted} & present)
