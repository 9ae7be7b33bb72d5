"""What the report needs of each seed beyond its findings: a few front matter values, the
topics it embeds and the URLs it holds.

`check` drops every document as soon as its findings exist (and a warm run never parses
a file at all), so these facts are read in a pass of their own, with the same parsers the
rules use (`seedlint.document.parse`, the Topics view of the T rules, the URL finder of the
network rules): nothing here reads structure with patterns. The pass runs in worker
processes for a large vault, as `check` does, and keeps a few small tuples a seed.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from seedlint.document import UnreadableFile, parse

if TYPE_CHECKING:
    from seedlint.report.factcache import FactCache


class SeedFacts(NamedTuple):
    """One seed, as the report sees it. A named tuple: one crosses the process boundary
    for every seed, and tuples pickle cheaply. ``None`` where the value is absent or not
    of the type the format says (a finding elsewhere tells which)."""

    path: str
    readable: bool
    already_read: bool | None
    read_priority: int | None
    relevance: int | None
    upload_month: str | None  # "YYYY-MM"
    topics: tuple[str, ...]  # `Category/Name` keys, each once, in file order
    urls: tuple[str, ...]  # normalised, each once, in file order


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


#: A file changed this recently before it was read is not remembered between runs: a
#: change within the same timestamp tick would leave its signature as it was.
RACY_NS = 2_000_000_000


def signature(status: os.stat_result) -> str:
    """What identifies a file's bytes without reading them, for the fact cache."""
    return f"{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_size}:{status.st_ino}"


def _read(path: str, limit: int) -> tuple[bytes, os.stat_result]:
    """The file's bytes, at most ``limit``, and its status taken before they were read.
    Read to its size (plus one byte, to see it grew): a buffer of ``limit`` bytes for a
    2 KB seed costs more than parsing it."""
    try:
        with open(path, "rb", buffering=0) as handle:
            status = os.fstat(handle.fileno())
            size = status.st_size
            if size > limit:
                raise UnreadableFile("file too large")
            data = handle.readall() if size == 0 else handle.read(size + 1) or b""
            if len(data) > size:  # it grew since the stat: read on, up to the limit
                data += handle.read(limit + 1 - len(data)) or b""
    except OSError as error:
        raise UnreadableFile(error.strerror or type(error).__name__) from None
    if len(data) > limit:
        raise UnreadableFile("file too large")
    return data, status


def facts_of(path: str, limit: int) -> SeedFacts:
    """The facts of the seed at ``path`` (at most ``limit`` bytes read)."""
    return read_facts(path, limit)[0]


def read_facts(path: str, limit: int) -> tuple[SeedFacts, str | None]:
    """The facts of the seed at ``path``, and the file's signature when they may be
    remembered (read, and not changed just before)."""
    from seedlint.links.extract import find_links
    from seedlint.links.urls import normalise
    from seedlint.rules.topics import topic_refs

    shown = _display(path)
    read_ns = time.time_ns()
    try:
        data, status = _read(path, limit)
        document = parse(shown, data)
    except (UnreadableFile, RecursionError):
        return SeedFacts(shown, False, None, None, None, None, (), ()), None
    values = document.front_values if document.front_matter is not None else {}
    if not isinstance(values, dict):
        values = {}
    already_read = values.get("already_read")
    topics = dict.fromkeys(ref.key for ref in topic_refs(document) if ref.key is not None)
    urls = dict.fromkeys(
        url for link in find_links(document) if (url := normalise(link.url)) is not None
    )
    facts = SeedFacts(
        shown,
        True,
        already_read if isinstance(already_read, bool) else None,
        _int(values.get("read_priority")),
        _int(values.get("relevance")),
        _month(values.get("upload_date")),
        tuple(topics),
        tuple(urls),
    )
    settled = max(status.st_mtime_ns, status.st_ctime_ns) < read_ns - RACY_NS
    return facts, signature(status) if settled else None


def _facts_of_chunk(chunk: Sequence[str], limit: int) -> list[tuple[SeedFacts, str | None]]:
    return [read_facts(path, limit) for path in chunk]


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the main process stops the pool and exits
    130; a worker dying of it mid-task would only print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chunks(paths: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(paths), size):
        yield paths[start : start + size]


def gather(
    paths: Sequence[str], limit: int, jobs: int = 0, cache: FactCache | None = None
) -> list[SeedFacts]:
    """The facts of every path, in the paths' order: from ``cache`` where they still
    hold, the others read (and remembered in ``cache``)."""
    found: dict[int, SeedFacts] = {}
    if cache is not None:
        for index, path in enumerate(paths):
            facts = cache.get(path, _display(path))
            if facts is not None:
                found[index] = facts
    missing = [(index, path) for index, path in enumerate(paths) if index not in found]
    read = _read_all([path for _, path in missing], limit, jobs)
    for (index, path), (facts, sign) in zip(missing, read, strict=True):
        found[index] = facts
        if cache is not None and sign is not None:
            cache.put(path, sign, facts)
    return [found[index] for index in range(len(paths))]


def _read_all(paths: Sequence[str], limit: int, jobs: int) -> list[tuple[SeedFacts, str | None]]:
    """Read in worker processes when it pays (the same thresholds as `check`), in this
    process otherwise or if a pool fails."""
    from seedlint.parallel import workers_for

    workers = workers_for(jobs, len(paths))
    if workers > 1:
        import multiprocessing
        from concurrent.futures import BrokenExecutor, ProcessPoolExecutor

        size = max(8, min(256, len(paths) // (workers * 4) or 1))
        limits = [limit] * ((len(paths) + size - 1) // size)
        try:
            method = "fork" if sys.platform.startswith("linux") else "spawn"
            context = multiprocessing.get_context(method)
            pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)
            try:
                found: list[tuple[SeedFacts, str | None]] = []
                for part in pool.map(_facts_of_chunk, _chunks(paths, size), limits):
                    found.extend(part)
            finally:
                # On Ctrl-C, the chunks not started yet are dropped rather than waited for.
                pool.shutdown(wait=True, cancel_futures=True)
            return found
        except (OSError, ImportError, BrokenExecutor):
            pass  # no pool here, or a worker died: read them in this process
    return _facts_of_chunk(paths, limit)
