"""What the report needs of each seed beyond its findings: a few front matter values, the
topics it embeds and the URLs it holds.

They are gathered during `check`'s own parse of each file: the report sets `collect`
below as the linter's collector (`Linter.collect`), so whichever process lints a file
(a worker for a large vault) makes its facts while the document is alive, with the
parsers the rules use (the YAML of `seedlint.document`, the Topics view of the T rules,
the URL finder of the network rules: no patterns). They travel with the findings as a
few hundred bytes of MessagePack and are kept in the file's row of the result cache, so a
warm report reads no seed at all.

The bytes come back from a cache that is untrusted: `of_result` decodes them against the
exact types written here, and anything else (a damaged row, a value that could not be
encoded) costs a read of that one file (`facts_of`), never a wrong figure.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

from seedlint.document import UnreadableFile, parse

if TYPE_CHECKING:
    from seedlint.document import Document
    from seedlint.linter import FileResult


class SeedFacts(NamedTuple):
    """One seed, as the report sees it. ``None`` where the value is absent or not of the
    type the format says (a finding elsewhere tells which)."""

    path: str
    readable: bool
    already_read: bool | None
    read_priority: int | None
    relevance: int | None
    upload_month: str | None  # "YYYY-MM"
    topics: tuple[str, ...]  # `Category/Name` keys, each once, in file order
    urls: tuple[str, ...]  # normalised, each once, in file order


#: What `collect` stores: the facts after ``path`` and ``readable`` (the run knows both).
_Stored = tuple[bool | None, int | None, int | None, str | None, tuple[str, ...], tuple[str, ...]]
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(_Stored)
_MONTH_LENGTH = len("YYYY-MM")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _month(value: Any) -> str | None:
    """``YYYY-MM`` of an `upload_date`, quoted or not; None when it is no date."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
        return f"{day.year:04d}-{day.month:02d}"
    return None


def _display(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def document_facts(document: Document) -> SeedFacts:
    """The facts of a parsed seed."""
    from seedlint.links.extract import link_urls
    from seedlint.links.urls import normalise
    from seedlint.rules.topics import topic_refs

    values = document.front_values if document.front_matter is not None else {}
    if not isinstance(values, dict):
        values = {}
    already_read = values.get("already_read")
    # topic_refs is kept on the document: the T rules have made it already.
    topics = dict.fromkeys(ref.key for ref in topic_refs(document) if ref.key is not None)
    urls = dict.fromkeys(
        url for link in link_urls(document) if (url := normalise(link)) is not None
    )
    return SeedFacts(
        document.path,
        True,
        already_read if isinstance(already_read, bool) else None,
        _int(values.get("read_priority")),
        _int(values.get("relevance")),
        _month(values.get("upload_date")),
        tuple(topics),
        tuple(urls),
    )


def collect(document: Document) -> bytes:
    """The linter's collector: ``document``'s facts as bytes for the result cache; ``b""``
    when they cannot be stored (an integer past 64 bits, a name that is not UTF-8), so
    that `of_result` reads that file again."""
    facts = document_facts(document)
    try:
        return _encoder.encode(facts[2:])
    except (msgspec.EncodeError, OverflowError, UnicodeEncodeError):
        return b""


def _decoded(path: str, blob: bytes) -> SeedFacts | None:
    try:
        stored = _decoder.decode(blob)
    except (msgspec.DecodeError, ValueError, TypeError):  # ValidationError included
        return None
    month = stored[3]
    if month is not None and len(month) != _MONTH_LENGTH:
        return None
    return SeedFacts(path, True, *stored)


def of_result(result: FileResult, limit: int) -> SeedFacts:
    """The facts of one linted file: from the bytes its lint collected (or its cached
    row held), else read from the file (at most ``limit`` bytes)."""
    if result.extra:
        facts = _decoded(result.path, result.extra)
        if facts is not None:
            return facts
    return facts_of(result.path, limit)


def facts_of(path: str, limit: int) -> SeedFacts:
    """The facts of the seed at ``path``, read and parsed now: for a file whose lint left
    none (it could not be read, or a cached row's were damaged)."""
    shown = _display(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise UnreadableFile("file too large")
        return document_facts(parse(shown, data))
    except (OSError, UnreadableFile, RecursionError):
        return SeedFacts(shown, False, None, None, None, None, (), ())
