"""Link results kept between runs in SQLite, under `.seedlint_cache/` at the project root.

Only successes are kept, for `cache-ttl`: a dead link must be seen dead again (it may be
fixed), and a 429 or a 5xx says nothing lasting. SQLite in WAL mode lets several seedlint
processes (pre-commit runs hooks in parallel) read while one writes; writes are one short
transaction at the end of a run, and a busy or broken cache is skipped or rebuilt, never
a reason to fail: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from seedlint.links.result import LinkResult, Verdict

CACHE_FOLDER = ".seedlint_cache"
FILE_NAME = "links.sqlite3"
SCHEMA_VERSION = 1
_CHUNK = 500  # host parameters per query, well under SQLite's limit
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by seedlint.\n"
)
_TABLE = """
CREATE TABLE IF NOT EXISTS links (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    final_url TEXT,
    moved_to TEXT,
    moved_status INTEGER,
    checked_at REAL NOT NULL
) WITHOUT ROWID
"""


def prepare_folder(folder: Path) -> None:
    """Create the cache folder, telling git and backup tools to leave it alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        marker = folder / name
        if not marker.exists():
            # A concurrent run wrote it, or the folder is read-only: both fine.
            with contextlib.suppress(OSError):
                marker.write_text(content, encoding="utf-8")


class LinkCache:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open(cls, folder: Path, *, create: bool = False) -> LinkCache | None:
        """The cache in ``folder``, rebuilt if it is unreadable; None if it cannot be had.

        Without ``create``, a missing cache stays missing: a run with nothing to remember
        (offline, every link dead) leaves no folder behind.
        """
        path = folder / FILE_NAME
        if not create and not path.is_file():
            return None
        try:
            prepare_folder(folder)
        except OSError:
            return None
        for attempt in range(2):
            try:
                return cls(_connect(path))
            except sqlite3.OperationalError:
                break  # read-only, locked past the timeout, no space: do without, keep it
            except sqlite3.DatabaseError:
                if attempt == 0:
                    _remove(path)  # not a database (corrupt or foreign): start again, once
            except OSError:
                break
        return None

    def get(self, urls: Sequence[str], ttl: float, now: float) -> dict[str, LinkResult]:
        """Fresh successes among ``urls`` (checked less than ``ttl`` seconds ago)."""
        found: dict[str, LinkResult] = {}
        oldest = now - ttl
        try:
            for start in range(0, len(urls), _CHUNK):
                chunk = urls[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT url, status, final_url, moved_to, moved_status FROM links"
                    f" WHERE checked_at >= ? AND url IN ({marks})",
                    (oldest, *chunk),
                )
                for url, status, final_url, moved_to, moved_status in rows:
                    found[url] = LinkResult(
                        url,
                        Verdict.OK,
                        f"returned {status}",
                        status,
                        final_url,
                        moved_to,
                        moved_status,
                        from_cache=True,
                    )
        except sqlite3.Error:
            return {}
        return found

    def put(self, results: Iterable[LinkResult], now: float, ttl: float) -> None:
        """Remember the successes among ``results``; forget what has expired."""
        rows = [
            (r.url, r.status, r.final_url, r.moved_to, r.moved_status, now)
            for r in results
            if r.verdict is Verdict.OK and not r.from_cache and r.status is not None
        ]
        try:
            with self._db:
                self._db.execute("DELETE FROM links WHERE checked_at < ?", (now - ttl,))
                self._db.executemany("INSERT OR REPLACE INTO links VALUES (?,?,?,?,?,?)", rows)
        except sqlite3.Error:
            pass  # busy past the timeout, disk full, read-only: the next run checks again

    def close(self) -> None:
        self._db.close()


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout = 10000")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        if version != SCHEMA_VERSION:
            # Two runs may create it at once: the second finds it made inside its lock.
            connection.execute("BEGIN IMMEDIATE")
            try:
                if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    connection.execute("DROP TABLE IF EXISTS links")
                    connection.execute(_TABLE)
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        connection.execute("SELECT count(*) FROM links LIMIT 1").fetchone()
    except BaseException:
        connection.close()
        raise
    connection.isolation_level = "IMMEDIATE"  # writers queue at BEGIN, not mid-transaction
    return connection


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
