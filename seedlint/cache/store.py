"""The results database: one SQLite file, ``results.sqlite3`` in the cache folder.

Several processes (pre-commit hooks, an editor, CI steps) may read and write it at once:
WAL mode, and a writer that cannot get the lock in time skips writing, it never fails the
run. The file may also come from someone else (committed to the repository, restored by
CI), so it is opened as untrusted input:

- no file in the cache folder that is a symlink, a hard link or not a regular file is
  ever opened (`seedlint.cache.folder.safe_file`);
- before anything is written, the schema is compared object by object with the one
  seedlint creates (`_schema_problem`), on a read-only connection: a trigger, a view, an
  index or a table it does not expect, another format, or a file that is not a database
  means the file is set aside, never modified: a fresh database is built under a
  temporary name and renamed over it (a rename replaces the name, not what it pointed
  to);
- SQLite runs with ``trusted_schema`` off and ``cell_size_check`` on, and no value longer
  than `MAX_VALUE` is read or written;
- every row is type-checked and rows stamped in the future are ignored: a bad row is a
  miss, never an error.
"""

from __future__ import annotations

import os
import random
import secrets
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from seedlint.cache.encoding import CacheMiss, Entry, stored_size
from seedlint.cache.folder import cache_dir, safe_file
from seedlint.cache.runkey import FORMAT
from seedlint.cache.validity import stat_trusted

if TYPE_CHECKING:
    import sqlite3

DATABASE = "results.sqlite3"
_COMPANIONS = ("-wal", "-shm", "-journal")
_BUSY_MS = 2_000
#: No stored value is longer (SQLite's own limit is 1 GB): a forged row cannot make a
#: run allocate more than this for one value.
MAX_VALUE = 64 * 1024 * 1024


def read_budget(rows: int) -> int:
    """Bytes one read of ``rows`` rows' payloads may hold (inflated sizes included):
    seedlint's own payloads are a few hundred bytes a file, so a planted cache of huge
    values costs at most this much memory; the rows past it are misses."""
    return MAX_VALUE + 16 * 1024 * rows


_SCHEMA = (
    """CREATE TABLE results (
        path TEXT NOT NULL,
        run TEXT NOT NULL,
        signature TEXT NOT NULL,
        digest BLOB NOT NULL,
        checked_ns INTEGER NOT NULL,
        topics TEXT NOT NULL,
        today TEXT NOT NULL,
        used_ns INTEGER NOT NULL,
        result BLOB,
        summary BLOB,
        dependencies BLOB,
        extra BLOB,
        PRIMARY KEY (run, path)
    )""",
    """CREATE TABLE corpus (
        run TEXT NOT NULL,
        inputs BLOB NOT NULL,
        topics TEXT NOT NULL,
        today TEXT NOT NULL,
        used_ns INTEGER NOT NULL,
        problems BLOB NOT NULL,
        dependencies BLOB,
        PRIMARY KEY (run, inputs)
    )""",
)
#: The columns read only when a run needs them (`ResultCache.column`).
_ON_DEMAND = ("summary", "dependencies", "extra")
#: Rows written per transaction while a run goes on.
_BATCH = 2_000
#: Up to this many files, their rows are read by path (one query, a parameter a path:
#: well under SQLite's limit of 32,766) rather than all at once.
_FEW = 256
#: Cross-file results kept per run key: the vault, and a few batches of files (each
#: under two keys: its files' bytes, and its summaries).
_CORPUS_ROWS = 16
#: One save in this many also deletes stale rows (it reads the whole table).
_PRUNE_CHANCE = 1 / 32
#: Rows not used for this long go (another configuration, an older seedlint, a deleted
#: file); a row in use is stamped again at most once a day.
STALE_NS = 30 * 24 * 3600 * 1_000_000_000


@dataclass(slots=True)
class Row:
    """The always-loaded columns of one file's row (the others are read on demand)."""

    path: str  # from the project root when inside it: the key
    signature: str  # stat_signature before the bytes were read
    digest: bytes
    checked_ns: int  # wall clock just before the bytes were read
    topics: str  # topic index fingerprint the answers were recorded against ("" if none)
    today: str  # ISO date the date comparisons were recorded on
    used_ns: int
    result: bytes | None

    def stat_trusted(self, signature: str, ctime_ns: int) -> bool:
        return stat_trusted(self.signature, self.checked_ns, signature, ctime_ns)


def _row(values: tuple[Any, ...], shared: dict[str, str], now: int) -> Row | None:
    """A row as read, or None when a column holds another type than seedlint writes
    (SQLite keeps whatever it is given) or a time after ``now``. Its topic and date stamps
    are shared with the other rows' (a vault's rows have a handful of distinct ones): a
    100,000-row cache in 14 MB less memory. One condition, not a loop: it runs for every
    file of every warm run."""
    path, signature, data_digest, checked_ns, topics, today, used_ns, result = values
    if (
        type(path) is not str
        or type(signature) is not str
        or type(data_digest) is not bytes
        or type(checked_ns) is not int
        or type(topics) is not str
        or type(today) is not str
        or type(used_ns) is not int
        or (result is not None and type(result) is not bytes)
        or checked_ns > now
        or used_ns > now
    ):
        return None
    topics = shared.setdefault(topics, topics)
    today = shared.setdefault(today, today)
    return Row(path, signature, data_digest, checked_ns, topics, today, used_ns, result)


@dataclass
class CacheStats:
    """What the cache did in one run (tests and `SEEDLINT_DEBUG` read it)."""

    hits: int = 0  # files whose results came from the cache
    linted: int = 0  # files parsed and checked
    replayed: int = 0  # rows whose recorded topic or date answers were asked again
    corpus_reused: bool = False  # cross-file results reused without reading summaries
    # ... or, files having changed, reused because their summaries had not
    corpus_same_summaries: bool = False
    rebuilt: bool = False  # the database found was set aside and a fresh one built


@dataclass
class CorpusRow:
    """Cross-file results of one set of files (a whole vault, a pre-commit batch...)."""

    inputs: bytes  # digest of every file's path and bytes, in order
    topics: str
    today: str
    problems: bytes
    dependencies: bytes | None
    used_ns: int = 0


_CORPUS_TYPES = (bytes, str, str, bytes)


def _corpus_row(values: tuple[Any, ...] | None, now: int) -> CorpusRow | None:
    if values is None:
        return None
    inputs, topics, today, problems, dependencies, used_ns = values
    for value, kind in zip(values, _CORPUS_TYPES, strict=False):
        if type(value) is not kind:
            return None
    if not (dependencies is None or type(dependencies) is bytes):
        return None
    if type(used_ns) is not int or used_ns > now:
        return None
    return CorpusRow(inputs, topics, today, problems, dependencies, used_ns)


_expected_schema: frozenset[tuple[Any, ...]] | None = None


def _expected() -> frozenset[tuple[Any, ...]]:
    """The schema objects seedlint's own statements make, as SQLite records them."""
    global _expected_schema
    if _expected_schema is None:
        import sqlite3

        connection = sqlite3.connect(":memory:")
        try:
            for statement in _SCHEMA:
                connection.execute(statement)
            _expected_schema = frozenset(
                connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
            )
        finally:
            connection.close()
    return _expected_schema


def _harden(connection: sqlite3.Connection) -> None:
    """Settings SQLite advises for a database file from an untrusted source."""
    import sqlite3

    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA cell_size_check = ON")
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)


def _schema_problem(connection: sqlite3.Connection) -> str:
    """Why the database on ``connection`` is not one seedlint made ("" when it is): its
    format, and every object of its schema (tables, indexes, triggers, views)."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version != FORMAT:
        return f"cache format {version}, expected {FORMAT}"
    found = frozenset(connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    expected = _expected()
    for kind, name, _, _ in sorted(found - expected, key=repr):
        return f"unexpected {kind} {name!r} in the cache database"
    for kind, name, _, _ in sorted(expected - found, key=repr):
        return f"{kind} {name!r} missing from the cache database"
    return ""


class ResultCache:
    """The results database, seen through one run key. Every failure degrades to linting
    without the cache; none fails the run."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.folder = folder
        self.key = key
        self.path = (folder or Path(os.devnull)) / DATABASE
        self.connection: sqlite3.Connection | None = None
        self.rows: dict[str, Row] = {}
        self.inserts: list[tuple[Any, ...]] = []
        self.stamps: list[tuple[Any, ...]] = []
        self.corpus_rows: list[tuple[Any, ...]] = []  # to write, at most one a key
        self.problem = ""  # why the cache was given up or rebuilt, for tests and debugging
        self.stats = CacheStats()
        self._distrusted = False  # the file on disk must be replaced, not opened
        # Why this run's rows go to a fresh file at the end ("" when they need not): rows
        # seedlint cannot have written were read, and writing over them would cost more
        # than starting afresh (freeing a planted 1 GB takes SQLite half a minute).
        self.suspect = ""

    @classmethod
    def open(cls, folder: Path | None, key: str) -> ResultCache:
        cache = cls(folder, key)
        if folder is None:
            cache.problem = "no usable cache folder (a symlink, or not a folder)"
        else:
            cache._retrying(lambda: None)  # connects, rebuilding once if needed
        return cache

    def _retrying(self, action: Callable[[], None]) -> None:
        """Do ``action``; if the database is corrupt or foreign, start afresh once."""
        for attempt in range(2):
            try:
                if self.connection is None:
                    self._connect()
                action()
                return
            except Exception as error:
                self._close()
                self.problem = f"{type(error).__name__}: {error}"
                if attempt or _is_locked(error):
                    break
                self._distrusted = True
        self.rows = {}

    # Opening ----------------------------------------------------------------------------

    def _connect(self) -> None:
        import sqlite3

        if self.folder is None:
            raise CacheMiss("no cache folder")
        if self._distrusted or not self._files_safe():
            self._fresh(replace=True)
        elif not os.path.lexists(self.path):
            self._fresh(replace=False)
        else:
            problem = self._inspect()
            if problem:
                self.problem = problem
                self._fresh(replace=True)
        if not self._files_safe():
            raise CacheMiss("the cache files changed while they were opened")
        connection = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None)
        self.connection = connection
        _harden(connection)
        problem = _schema_problem(connection)  # again: this is the connection that writes
        if problem:
            raise CacheMiss(problem)
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode is None or str(mode[0]).lower() != "wal":
            raise CacheMiss("the cache database cannot use WAL mode")
        connection.execute("PRAGMA synchronous = NORMAL")

    def _files_safe(self) -> bool:
        return all(safe_file(f"{self.path}{suffix}") for suffix in ("", *_COMPANIONS))

    def _inspect(self) -> str:
        """Why the existing database must not be used ("" if it may), read without
        changing a byte of it: a read-only connection, which can neither roll back a
        journal nor checkpoint a WAL into the file."""
        import sqlite3

        if os.path.lexists(f"{self.path}-journal"):
            return "a rollback journal beside the database (seedlint uses WAL)"
        uri = f"file:{quote(os.fspath(self.path))}?mode=ro"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=_BUSY_MS / 1000)
        except sqlite3.Error as error:
            return f"{type(error).__name__}: {error}"
        try:
            _harden(connection)
            return _schema_problem(connection)
        except sqlite3.Error as error:
            if _is_locked(error):
                raise  # another process holds it: do without the cache, keep the file
            return f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    def _fresh(self, *, replace: bool) -> None:
        """Build an empty database under a temporary name and move it into place: over
        the old name when ``replace`` (the old file, or what a symlink pointed to, is left
        as it was), else only if no other process made one meanwhile."""
        import sqlite3

        assert self.folder is not None
        temporary = self.folder / f".{DATABASE}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        os.close(os.open(temporary, flags, 0o666))
        try:
            connection = sqlite3.connect(temporary, isolation_level=None)
            try:
                connection.execute("BEGIN")
                for statement in _SCHEMA:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {FORMAT}")
                connection.execute("COMMIT")
            finally:
                connection.close()
            if replace:
                for suffix in _COMPANIONS:  # unlink: a symlink goes, its target stays
                    with suppress(FileNotFoundError):
                        os.unlink(f"{self.path}{suffix}")
                os.replace(temporary, self.path)
                self.stats.rebuilt = True
            else:
                try:
                    os.link(temporary, self.path)  # never replaces a database made meanwhile
                except FileExistsError:
                    pass
                except OSError:  # a file system without hard links
                    os.replace(temporary, self.path)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)

    def _close(self) -> None:
        if self.connection is not None:
            with suppress(Exception):
                self.connection.close()
        self.connection = None

    @property
    def usable(self) -> bool:
        return self.connection is not None

    # Reading -----------------------------------------------------------------------------

    def load(self, paths: Sequence[str]) -> None:
        """Read the rows of ``paths``: for a few files (pre-commit, an editor) just theirs,
        for a vault the whole run key's in one scan."""
        if self.connection is None:
            return

        shared: dict[str, str] = {}

        def read() -> None:
            assert self.connection is not None
            now = time.time_ns()
            columns = "path, signature, digest, checked_ns, topics, today, used_ns, result"
            rows: dict[str, Row] = {}
            if len(paths) > _FEW:
                cursors = [
                    self.connection.execute(
                        f"SELECT {columns} FROM results WHERE run = ?", (self.key,)
                    )
                ]
            else:
                wanted = [path for path in paths if _storable(path)]
                marks = ", ".join("?" * len(wanted))
                cursors = [
                    self.connection.execute(
                        f"SELECT {columns} FROM results WHERE run = ? AND path IN ({marks})",
                        (self.key, *wanted),
                    )
                ]
            budget = read_budget(len(paths))
            for cursor in cursors:
                for values in cursor:
                    row = _row(values, shared, now)
                    if row is None:
                        self.suspect = "a row of the wrong types"
                        continue
                    if row.result is not None:
                        budget -= len(row.result)
                        if budget < 0:  # stop reading: the files left are linted again
                            self.suspect = "rows larger than seedlint writes"
                            self.rows = rows
                            return
                    rows[row.path] = row
            self.rows = rows

        self._retrying(read)

    def row(self, path: str) -> Row | None:
        return self.rows.get(path)

    def column(self, name: str, wanted: dict[str, bytes]) -> dict[str, bytes | None]:
        """``summary``, ``dependencies`` or ``extra`` of the rows ``wanted`` (path ->
        digest), read now; a row another process rewrote meanwhile (another digest), or
        whose value is not bytes, is left out, so the caller lints that file again."""
        if self.connection is None or not wanted or name not in _ON_DEMAND:
            return {}
        found: dict[str, bytes | None] = {}
        query = f"SELECT path, digest, {name} FROM results WHERE run = ?"
        try:
            if len(wanted) > _FEW:
                cursors = [self.connection.execute(query, (self.key,))]
            else:
                marks = ", ".join("?" * len(wanted))
                cursors = [
                    self.connection.execute(f"{query} AND path IN ({marks})", (self.key, *wanted))
                ]
            budget = read_budget(len(wanted))
            for cursor in cursors:
                for path, stored, value in cursor:
                    same = type(path) is str and wanted.get(path) == stored
                    if same and value is None:
                        found[path] = value
                    elif same and type(value) is bytes:
                        budget -= stored_size(value)
                        if budget < 0:  # stop reading: the files left are linted again
                            self.suspect = "payloads larger than seedlint writes"
                            return found
                        found[path] = value
                    elif same:
                        self.suspect = f"a {name} of the wrong type"
        except Exception as error:
            self.problem = f"{type(error).__name__}: {error}"
        return found

    def corpus(self, inputs: bytes) -> CorpusRow | None:
        """The cross-file results last computed for exactly these files, if any."""
        if self.connection is None:
            return None
        try:
            found = self.connection.execute(
                "SELECT inputs, topics, today, problems, dependencies, used_ns FROM corpus "
                "WHERE run = ? AND inputs = ?",
                (self.key, inputs),
            ).fetchone()
        except Exception as error:
            self.problem = f"{type(error).__name__}: {error}"
            return None
        return _corpus_row(found, time.time_ns())

    # Writing -----------------------------------------------------------------------------

    def put(
        self,
        path: str,
        signature: str,
        data_digest: bytes,
        checked_ns: int,
        topics: str,
        today: str,
        entry: Entry,
    ) -> None:
        parts = (entry.result, entry.summary, entry.dependencies, entry.extra)
        if any(part is not None and len(part) > MAX_VALUE for part in parts):
            return  # it could not be read back: lint that file each time
        if not _storable(path):  # it would fail the whole batch
            return
        self.inserts.append(
            (
                path,
                self.key,
                signature,
                data_digest,
                checked_ns,
                topics,
                today,
                time.time_ns(),
                entry.result,
                entry.summary,
                entry.dependencies,
                entry.extra,
            )
        )
        if len(self.inserts) >= _BATCH:  # a 100,000-file cold run holds a batch, not all
            self._write(final=False)

    def stamp(self, row: Row) -> None:
        """Record a used row's new stamps (stat, topic and date validity, last use)."""
        self.stamps.append(
            (row.signature, row.checked_ns, row.topics, row.today, row.used_ns, self.key, row.path)
        )

    def put_corpus(self, row: CorpusRow) -> None:
        """Keep ``row`` to write when the run saves (the last one given for its key)."""
        if len(row.problems) > MAX_VALUE or len(row.dependencies or b"") > MAX_VALUE:
            return
        kept = [kept for kept in self.corpus_rows if kept[1] != row.inputs]
        kept.append(
            (
                self.key,
                row.inputs,
                row.topics,
                row.today,
                time.time_ns(),
                row.problems,
                row.dependencies,
            )
        )
        self.corpus_rows = kept

    def save(self) -> None:
        """Write what this run learnt, then close. A busy lock (another process writing
        for longer than the timeout) means skipping the write, never failing the run."""
        try:
            if self.suspect and self.connection is not None:
                self._close()
                self.problem = f"set aside: {self.suspect}"
                self._distrusted = True
                self.stamps = []  # their rows are not in the fresh file
                try:
                    self._connect()
                except Exception as error:
                    self._close()
                    self.problem = f"{type(error).__name__}: {error}"
            self._write(final=True)
        finally:
            self._close()

    def _write(self, *, final: bool) -> None:
        connection = self.connection
        pending = self.inserts or (final and (self.stamps or self.corpus_rows))
        if connection is None or not pending:
            return
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self.inserts,
            )
            if final:
                connection.executemany(
                    "UPDATE results SET signature = ?, checked_ns = ?, topics = ?, today = ?, "
                    "used_ns = ? WHERE run = ? AND path = ?",
                    self.stamps,
                )
                if self.corpus_rows:
                    connection.executemany(
                        "INSERT OR REPLACE INTO corpus VALUES (?, ?, ?, ?, ?, ?, ?)",
                        self.corpus_rows,
                    )
                    connection.execute(  # the few sets of files last checked are enough
                        "DELETE FROM corpus WHERE run = ? AND inputs NOT IN (SELECT inputs "
                        "FROM corpus WHERE run = ? ORDER BY used_ns DESC LIMIT ?)",
                        (self.key, self.key, _CORPUS_ROWS),
                    )
                if random.random() < _PRUNE_CHANCE:  # a full scan: not every run
                    stale = time.time_ns() - STALE_NS
                    connection.execute("DELETE FROM results WHERE used_ns < ?", (stale,))
                    connection.execute("DELETE FROM corpus WHERE used_ns < ?", (stale,))
            connection.execute("COMMIT")
        except Exception as error:
            self.problem = f"{type(error).__name__}: {error}"
            with suppress(Exception):
                connection.execute("ROLLBACK")
        finally:
            self.inserts = []
            if final:
                self.stamps, self.corpus_rows = [], []


def _storable(path: str) -> bool:
    """Whether SQLite can take ``path``: a file name that is not UTF-8 (an undecodable
    byte, kept by Python as a lone surrogate) cannot be a key; that file is not cached."""
    try:
        path.encode()
    except UnicodeEncodeError:
        return False
    return True


def _is_locked(error: Exception) -> bool:
    text = str(error)
    return "locked" in text or "busy" in text


def open_in(root: Path, key: str) -> ResultCache:
    """The results database of the project at ``root`` (its cache folder, opened safely)."""
    return ResultCache.open(cache_dir(root), key)
