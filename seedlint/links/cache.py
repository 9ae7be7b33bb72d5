"""Link results kept between runs in SQLite, under `.seedlint_cache/` at the project root.

Each answer is kept for as long as it is likely to hold: a success for `cache-ttl`
(7 days), a definitive failure (404, 410, a redirect loop, an unknown host) for
`failure-ttl` (1 day), a transient one (5xx, 429, a timeout, a reset, a bot wall) for
`transient-ttl` (1 hour), so that a CI job re-run minutes later asks nothing again.
Answers of the archive (the Wayback Machine's closest snapshot) are kept the same way.

The cache folder comes with the repository, so its files are untrusted input like the
seeds: a symlinked folder is never used and a symlinked or hard-linked file never opened
(a fresh file is renamed over it, which leaves the file it pointed to alone); the schema
is compared object by object with seedlint's own (any trigger, view, index or unknown
table means the file is replaced by a fresh one, never modified); every row is
type-checked and bounded, and a row with a timestamp in the future is a miss. A URL that
a fix would write (a redirect's target, an archived copy) is never taken from the cache
when fixes are applied: the run that writes it checks it again (``targets=False``).

SQLite in WAL mode lets several seedlint processes (pre-commit runs hooks in parallel)
read while one writes; writes are one short transaction at the end of a run, and a busy
or broken cache is skipped or rebuilt, never a reason to fail: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from seedlint.cache.folder import cache_dir, own_regular_file, ready_folder
from seedlint.links.result import LinkResult, Verdict
from seedlint.links.urls import normalise

FILE_NAME = "links.sqlite3"
SCHEMA_VERSION = 2
#: A cache larger than this is not read (a fresh one replaces it): 200,000 URLs take 60 MB.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Rows written by another run on this machine a moment after ours started are fine;
#: anything later than this is a forged or broken clock: a miss.
CLOCK_SKEW = 60.0
_MAX_URL = 8192
_MAX_DETAIL = 2000
_MAX_ANCHORS = 1 << 20  # characters of a page's anchor list
_CHUNK = 500  # host parameters per query, well under SQLite's limit
_SIDE_FILES = ("-wal", "-shm", "-journal")
#: The whole schema, as sqlite_master holds it: anything else in the file means it is not
#: ours (or was tampered with) and it is replaced.
_SCHEMA = {
    ("table", "links"): (
        "CREATE TABLE links (\n"
        "    url TEXT PRIMARY KEY,\n"
        "    verdict TEXT NOT NULL,\n"
        "    lasting TEXT NOT NULL,\n"
        "    detail TEXT NOT NULL,\n"
        "    status INTEGER,\n"
        "    final_url TEXT,\n"
        "    moved_to TEXT,\n"
        "    moved_status INTEGER,\n"
        "    page TEXT,\n"
        "    anchors TEXT,\n"
        "    checked_at REAL NOT NULL\n"
        ") STRICT, WITHOUT ROWID"
    ),
    ("table", "archives"): (
        "CREATE TABLE archives (\n"
        "    url TEXT NOT NULL,\n"
        "    day TEXT NOT NULL,\n"
        "    snapshot TEXT,\n"
        "    checked_at REAL NOT NULL,\n"
        "    PRIMARY KEY (url, day)\n"
        ") STRICT, WITHOUT ROWID"
    ),
}
_VERDICTS = {"ok": Verdict.OK, "dead": Verdict.DEAD, "unverifiable": Verdict.UNVERIFIABLE}
#: How long each kind of answer holds: "ok", "failure" (definitive), "transient".
LASTING = ("ok", "failure", "transient")


@dataclass(frozen=True)
class Ttls:
    """Seconds each kind of answer is kept: success, definitive failure, transient one."""

    ok: float = 7 * 86400
    failure: float = 86400
    transient: float = 3600

    def of(self, lasting: str) -> float:
        return {"ok": self.ok, "failure": self.failure, "transient": self.transient}[lasting]

    @property
    def longest(self) -> float:
        return max(self.ok, self.failure, self.transient)


def lasting_of(result: LinkResult) -> str | None:
    """Which TTL an answer gets; None for what is never kept (not checked, from cache)."""
    if result.from_cache or result.verdict is Verdict.SKIPPED:
        return None
    if result.verdict is Verdict.OK:
        return "ok" if result.status is not None else None
    if result.verdict is Verdict.UNVERIFIABLE or result.transient:
        return "transient"
    return "failure"


def safe_cache_file(folder: Path, name: str, *, create: bool, trusted: bool = False) -> Path | None:
    """The path of cache file ``name`` in ``folder``, safe to hand to SQLite; or None.

    The one place the link cache meets the file system. ``folder`` must be a real folder
    (not a symlink; unless ``trusted``, for a folder named by the user or vetted by
    `seedlint.cache.folder.cache_dir`); it is made when ``create`` is set, with the
    `.gitignore` (`*`) that keeps it out of commits and a `CACHEDIR.TAG`
    (`seedlint.cache.folder.ready_folder`). A cache file that is a symlink, a hard
    link, not a regular file or larger than MAX_FILE_BYTES is replaced by a fresh empty
    one (a rename: whatever it pointed to is never opened); SQLite's side files (`-wal`,
    `-shm`, `-journal`) that are not plain files of ours are removed (only the links
    themselves). Missing and not
    ``create``: None. The repository is not a concurrent attacker: what is checked here
    is what SQLite opens a moment later.
    """
    try:
        if not ready_folder(folder, create=create, trusted=trusted):
            return None
        path = folder / name
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            with contextlib.suppress(FileNotFoundError):
                if not own_regular_file(os.lstat(side)):
                    side.unlink()
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            if not create:
                return None
            return path if fresh_cache_file(path, replace=False) else None
        if not own_regular_file(info) or info.st_size > MAX_FILE_BYTES:
            return path if fresh_cache_file(path) else None
        return path
    except OSError:
        return None


def _write_new(path: Path, content: bytes) -> bool:
    """Create ``path`` with ``content``, unless anything (a symlink too) is there already."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError:
        return False  # there already (a concurrent run, or the repository's), or read-only
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(content)
    return True


def fresh_cache_file(path: Path, *, replace: bool = True) -> bool:
    """Put an empty database of the current schema at ``path``, by rename: never modifying
    the file that was there (nor, for a symlink, the one it pointed to).

    Without ``replace``, only where nothing is: a concurrent run that made it first wins,
    and its rows are kept.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    if not _write_new(temporary, b""):
        return False
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            for sql in _SCHEMA.values():
                connection.execute(sql)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("PRAGMA journal_mode = WAL")
        finally:
            connection.close()
        if not replace:
            with contextlib.suppress(FileExistsError):  # anything there already wins
                os.link(temporary, path)
            temporary.unlink()
            return True
        for suffix in _SIDE_FILES:  # a stale WAL must not be replayed into the new file
            with contextlib.suppress(FileNotFoundError):
                Path(f"{path}{suffix}").unlink()
        os.replace(temporary, path)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


class LinkCache:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def of_project(cls, root: Path, *, create: bool = False) -> LinkCache | None:
        """The link cache of the project at ``root``, in the one cache folder every cache
        shares (`seedlint.cache.folder.cache_dir`: ``$SEEDLINT_CACHE_DIR`` honoured, a
        symlinked folder inside the repository refused); None if it cannot be had."""
        folder = cache_dir(root, create=create)
        if folder is None:
            return None
        return cls.open(folder, create=create, trusted=True)

    @classmethod
    def open(cls, folder: Path, *, create: bool = False, trusted: bool = False) -> LinkCache | None:
        """The cache in ``folder``, rebuilt if it is not exactly ours; None if it cannot be had.

        Without ``create``, a missing cache stays missing: a run with nothing to remember
        leaves no folder behind.
        """
        for attempt in range(2):
            path = safe_cache_file(folder, FILE_NAME, create=create, trusted=trusted)
            if path is None:
                return None
            try:
                return cls(_connect(path))
            except _NotOurs:
                pass
            except sqlite3.OperationalError:
                return None  # read-only, locked past the timeout, no space: do without
            except (sqlite3.DatabaseError, OSError):
                pass  # not a database (corrupt or foreign)
            if attempt == 1 or not fresh_cache_file(path):
                return None
        return None

    def get(
        self,
        urls: Sequence[str],
        ttls: Ttls,
        now: float,
        *,
        failures: bool = True,
        targets: bool = True,
    ) -> dict[str, LinkResult]:
        """Fresh, well-formed answers among ``urls``.

        ``failures=False`` (`--refresh`) leaves out every failure; ``targets=False`` (a run
        that applies unsafe fixes) leaves out redirects, whose target a fix would write.
        """
        found: dict[str, LinkResult] = {}
        try:
            for start in range(0, len(urls), _CHUNK):
                chunk = urls[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT url, verdict, lasting, detail, status, final_url, moved_to,"
                    " moved_status, page, anchors, checked_at FROM links"
                    f" WHERE url IN ({marks}) AND length(detail) <= {_MAX_DETAIL}"
                    f" AND coalesce(length(final_url), 0) <= {_MAX_URL}"
                    f" AND coalesce(length(moved_to), 0) <= {_MAX_URL}"
                    f" AND coalesce(length(page), 0) <= 16"
                    f" AND coalesce(length(anchors), 0) <= {_MAX_ANCHORS}",
                    chunk,
                )
                for row in rows:
                    result = _result_of(row, ttls, now)
                    if result is None or (not failures and result.verdict is not Verdict.OK):
                        continue
                    if not targets and result.moved_to is not None:
                        continue
                    found[result.url] = result
        except sqlite3.Error:
            return {}
        return found

    def put(self, results: Iterable[LinkResult], now: float, ttls: Ttls) -> None:
        """Remember the answers among ``results`` that are worth keeping; forget the stale."""
        try:
            with self._db:
                self._prune(now, ttls)
                self._db.executemany(
                    "INSERT OR REPLACE INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    _rows(results, now, ttls),  # streamed: 200,000 rows are never a list
                )
        except sqlite3.Error:
            pass  # busy past the timeout, disk full, read-only: the next run checks again

    def _prune(self, now: float, ttls: Ttls) -> None:
        self._db.execute(
            "DELETE FROM links WHERE checked_at < ? OR checked_at > ?",
            (now - ttls.longest, now + CLOCK_SKEW),
        )
        self._db.execute(
            "DELETE FROM archives WHERE checked_at < ? OR checked_at > ?",
            (now - ttls.longest, now + CLOCK_SKEW),
        )

    def get_archive(self, url: str, day: str, ttls: Ttls, now: float) -> tuple[str | None] | None:
        """The cached archive answer for ``url`` near ``day``: ``(snapshot,)`` (None: no
        snapshot), or None when nothing fresh and well-formed is cached."""
        try:
            row = self._db.execute(
                "SELECT snapshot, checked_at FROM archives WHERE url = ? AND day = ?"
                f" AND coalesce(length(snapshot), 0) <= {_MAX_URL}",
                (url, day),
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        snapshot, checked_at = row
        if snapshot is not None and (not isinstance(snapshot, str) or normalise(snapshot) is None):
            return None
        ttl = ttls.ok if snapshot is not None else ttls.failure
        if not _fresh(checked_at, ttl, now):
            return None
        return (snapshot,)

    def put_archive(self, answers: Iterable[tuple[str, str, str | None]], now: float) -> None:
        rows = [(url, day, snapshot, now) for url, day, snapshot in answers]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO archives VALUES (?,?,?,?)", rows)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self._db.close()


def _rows(results: Iterable[LinkResult], now: float, ttls: Ttls) -> Iterator[tuple[object, ...]]:
    for r in results:
        lasting = lasting_of(r)
        if lasting is None or ttls.of(lasting) <= 0:
            continue
        anchors = "\n".join(r.anchors) if r.anchors is not None else None
        redirect = (r.final_url, r.moved_to, r.moved_status)
        page = (r.page, anchors)
        detail = r.detail[:_MAX_DETAIL]
        yield (r.url, r.verdict.value, lasting, detail, r.status, *redirect, *page, now)


class _NotOurs(Exception):
    """The file is a database, but not exactly seedlint's: replaced, never modified."""


def _connect(path: Path) -> sqlite3.Connection:
    # mode=rw: never create here (safe_cache_file made the file); the schema is checked
    # before anything is written, the journal mode included.
    uri = f"file:{_uri_path(path)}?mode=rw"
    connection = sqlite3.connect(uri, timeout=10.0, isolation_level=None, uri=True)
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA busy_timeout = 10000")
        if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            raise _NotOurs("another schema version")
        objects = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        if {(kind, name): sql for kind, name, sql in objects} != _SCHEMA or len(objects) != len(
            _SCHEMA
        ):
            raise _NotOurs("unexpected schema objects")
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        connection.close()
        raise
    connection.isolation_level = "IMMEDIATE"  # writers queue at BEGIN, not mid-transaction
    return connection


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()), safe="/")


def _fresh(checked_at: object, ttl: float, now: float) -> bool:
    if isinstance(checked_at, bool) or not isinstance(checked_at, int | float):
        return False
    when = float(checked_at)
    return math.isfinite(when) and now - ttl <= when <= now + CLOCK_SKEW


def _url_or_none(value: object) -> bool:
    return value is None or (isinstance(value, str) and normalise(value) == value)


def _status_or_none(value: object) -> bool:
    return value is None or (type(value) is int and 100 <= value <= 999)


def _result_of(row: tuple[object, ...], ttls: Ttls, now: float) -> LinkResult | None:
    """The LinkResult a row stands for, or None when anything in it is off (a miss)."""
    url, verdict, lasting, detail, status, final_url, moved_to, moved_status = row[:8]
    page, anchors, checked_at = row[8:]
    if not isinstance(url, str) or normalise(url) != url:
        return None
    if not isinstance(verdict, str) or verdict not in _VERDICTS:
        return None
    if (
        not isinstance(lasting, str)
        or lasting not in LASTING
        or (lasting == "ok") != (verdict == "ok")
    ):
        return None
    if not isinstance(detail, str) or not _status_or_none(status):
        return None
    if verdict == "ok" and status is None:
        return None
    if not (_url_or_none(final_url) and _url_or_none(moved_to)):
        return None
    if (moved_to is None) != (moved_status is None) or moved_status not in (None, 301, 308):
        return None
    if moved_to is not None and verdict != "ok":
        return None
    if page not in (None, "html", "other") or not (anchors is None or isinstance(anchors, str)):
        return None
    if not _fresh(checked_at, ttls.of(lasting), now):
        return None
    assert isinstance(status, int | None) and isinstance(moved_status, int | None)
    assert isinstance(final_url, str | None) and isinstance(moved_to, str | None)
    return LinkResult(
        url,
        _VERDICTS[verdict],
        detail,
        status,
        final_url,
        moved_to,
        moved_status,
        from_cache=True,
        transient=lasting == "transient",
        page=page,
        anchors=None if anchors is None else tuple(anchors.split("\n")) if anchors else (),
    )
