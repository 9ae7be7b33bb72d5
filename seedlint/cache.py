"""Per-file results kept between runs in ``.seedlint_cache/``, so a warm run re-parses only
what changed.

What a file's results depend on, and how each dependency is checked:

- its bytes: a row (found by the file's path from the project root) holds a BLAKE2
  digest of them. The file's ``stat`` (size, mtime, ctime, inode) stands in for reading
  it only when it was recorded at least two seconds after the file last changed, as git's
  index does ("racily clean" entries are re-hashed): a change made later moves ctime past
  what was recorded, and tools cannot set ctime back; a moved checkout is re-hashed once;
- the effective configuration, the selected rules and their severities, and the code of
  seedlint and of every rule plugin (versions, and each module file's size and mtime, so
  an edited plugin is never served stale results): one run key, a column of every row;
- the topic notes: while a file is linted, every question its rules ask the topic index
  (does ``Concept/X`` exist? what is close to it?) is recorded with its answer. A warm
  run asks them again when the notes changed; a file is re-linted only if an answer
  differs, so adding or removing a note invalidates exactly the results that depend on it;
- today's date (F205): comparisons with ``context.today`` are recorded the same way, so
  the cache survives midnight unless a date actually crosses today;
- the notes a run prints (``no topics folder``) are stored and said again.

Cross-file rules (C001-C003) are rebuilt from the small per-file summaries the cache
keeps (link, its position and line); when no file changed at all, their last answer for
exactly this set of files is reused without reading a summary. The network rules are
always run again (their own cache, `seedlint.links`, decides what to re-check).

The store is one SQLite database in WAL mode: several processes (pre-commit hooks, an
editor, CI steps) may read and write it at once; a writer that cannot get the lock in
time skips writing, it never fails the run. A corrupt or foreign database is deleted and
rebuilt; a row that does not load is treated as a miss. Rows are pickles read by an
unpickler that builds only seedlint's own dataclasses and enums, nothing else.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import operator
import os
import pickle
import random
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:  # the BLAKE2 module alone: `hashlib` also loads OpenSSL, a few ms of start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Python builds without it
    from hashlib import blake2b

from seedlint.findings import Position
from seedlint.linter import FileResult
from seedlint.rule import LinkOccurrence, SeedSummary

if TYPE_CHECKING:
    import sqlite3

    from seedlint.context import RunContext
    from seedlint.linter import Linter
    from seedlint.topics import TopicIndex

CACHE_FOLDER = ".seedlint_cache"
DATABASE = "results.sqlite3"
#: Bumped whenever the row layout or the payload changes meaning.
FORMAT = 5
#: A file changed less than this before it was read is hashed again next time.
RACY_NS = 2_000_000_000
_BUSY_MS = 2_000

# -- what a file's results depended on ------------------------------------------------------


@dataclass
class Dependencies:
    """Everything outside its own bytes and the run key that one file's lint consulted."""

    topics: list[tuple[str, Any, Any]] = field(default_factory=list)  # (question, arg, answer)
    dates: list[tuple[str, Any, Any]] = field(default_factory=list)  # (operation, other, result)
    notes: list[str] = field(default_factory=list)


def _ask(index: TopicIndex, question: str, argument: Any) -> Any:
    """The answer ``index`` gives to a recorded question; whole-index questions return its
    fingerprint, so that any change to the notes counts as a different answer."""
    if question == "contains":
        return argument in index
    if question == "suggestions":
        return tuple(index.suggestions(argument))
    if question == "with_name":
        return tuple(index.with_name(argument))
    if question == "exists":
        return index.exists
    return topics_fingerprint(index)


def topics_fingerprint(index: TopicIndex) -> str:
    digest = blake2b(digest_size=16)
    digest.update(f"{index.root}\0{index.exists}\0".encode())
    for note in sorted(index.notes):
        digest.update(note.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


class RecordingTopics:
    """Stands in for the run's `TopicIndex`: answers as it does, and notes each question
    in the dependencies of the file being linted."""

    def __init__(self, load: Callable[[], TopicIndex]) -> None:
        self._load = load
        self._index: TopicIndex | None = None
        self.log: list[tuple[str, Any, Any]] | None = None

    @property
    def index(self) -> TopicIndex:
        if self._index is None:
            self._index = self._load()
        return self._index

    def _record(self, question: str, argument: Any, answer: Any) -> None:
        if self.log is not None:
            self.log.append((question, argument, answer))

    def __contains__(self, key: object) -> bool:
        found = key in self.index
        self._record("contains", key, found)
        return found

    def suggestions(self, key: str) -> tuple[str, ...]:
        found = tuple(self.index.suggestions(key))
        self._record("suggestions", key, found)
        return found

    def with_name(self, name: str) -> tuple[str, ...]:
        found = tuple(self.index.with_name(name))
        self._record("with_name", name, found)
        return found

    @property
    def exists(self) -> bool:
        found = self.index.exists
        self._record("exists", None, found)
        return found

    @property
    def root(self) -> Path:
        return self.index.root  # part of the run key

    @property
    def folder(self) -> Path:
        return self.index.folder  # part of the run key

    def __getattr__(self, name: str) -> Any:
        # Anything else (the raw note set, a plugin's own use): depend on the whole index.
        value = getattr(self.index, name)
        self._record("whole", name, topics_fingerprint(self.index))
        return value


_COMPARISONS = {"lt", "le", "gt", "ge", "eq", "ne"}


class RecordingDate(dt.date):
    """`context.today` while a file is linted: comparisons and differences with it are
    recorded, so a cached result is reused on another day when they come out the same."""

    log: list[tuple[str, Any, Any]] | None = None

    def _record(self, operation: str, other: Any, result: Any) -> Any:
        if self.log is not None and result is not NotImplemented:
            self.log.append((operation, other, result))
        return result

    def _plain(self) -> dt.date:
        return dt.date(*_ymd(self))  # not self.year: that would read as an exact use

    def __lt__(self, other: Any) -> bool:
        return self._record("lt", other, self._plain().__lt__(other))  # type: ignore[no-any-return]

    def __le__(self, other: Any) -> bool:
        return self._record("le", other, self._plain().__le__(other))  # type: ignore[no-any-return]

    def __gt__(self, other: Any) -> bool:
        return self._record("gt", other, self._plain().__gt__(other))  # type: ignore[no-any-return]

    def __ge__(self, other: Any) -> bool:
        return self._record("ge", other, self._plain().__ge__(other))  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return self._record("eq", other, self._plain().__eq__(other))  # type: ignore[no-any-return]

    def __ne__(self, other: object) -> bool:
        return self._record("ne", other, self._plain().__ne__(other))  # type: ignore[no-any-return]

    def __hash__(self) -> int:
        self._record("exact", None, self._plain())
        return hash(self._plain())

    def __sub__(self, other: Any) -> Any:
        return self._record("sub", other, self._plain().__sub__(other))

    def __rsub__(self, other: Any) -> Any:
        result = other - self._plain() if isinstance(other, dt.date) else NotImplemented
        return self._record("rsub", other, result)

    def __add__(self, other: Any) -> Any:
        return self._record("add", other, self._plain().__add__(other))

    def __getattribute__(self, name: str) -> Any:
        # Reading the date itself (year, isoformat(), str()) ties the result to this day.
        if name in _PLAIN_ATTRIBUTES:
            log = object.__getattribute__(self, "log")
            if log is not None:
                log.append(("exact", None, dt.date(*_ymd(self))))
        return object.__getattribute__(self, name)

    def __str__(self) -> str:
        return self.isoformat()

    def __format__(self, spec: str) -> str:
        return dt.date.__format__(self._plain(), spec)

    def __reduce__(self) -> Any:
        return (dt.date, _ymd(self))


def _ymd(day: dt.date) -> tuple[int, int, int]:
    return dt.date.year.__get__(day), dt.date.month.__get__(day), dt.date.day.__get__(day)


_PLAIN_ATTRIBUTES = frozenset(
    {"isoformat", "strftime", "timetuple", "toordinal", "weekday", "isoweekday", "ctime"}
    | {"isocalendar", "replace", "year", "month", "day"}
)


def _replay_date(today: dt.date, operation: str, other: Any) -> Any:
    if operation == "exact":
        return today
    if operation in _COMPARISONS:
        return getattr(operator, operation)(today, other)
    if operation == "sub":
        return today - other
    if operation == "rsub":
        return other - today
    return today + other


class Recorder:
    """Installs the recording stand-ins on a run's context and collects, file by file,
    what each lint depended on. Used by the main process and by every worker."""

    def __init__(self, context: RunContext) -> None:
        from seedlint.context import RunContext

        self.context = context
        self.today = context.today
        existing = context.__dict__.get("topics")
        scan: Callable[[RunContext], TopicIndex] = RunContext.topics.func  # type: ignore[attr-defined]

        def load() -> TopicIndex:
            """The index itself, scanned on first use (many runs never need it)."""
            if isinstance(existing, RecordingTopics):
                return existing.index
            return existing if existing is not None else scan(context)

        self.topics = RecordingTopics(load)
        context.__dict__["topics"] = self.topics

    @contextmanager
    def file(self) -> Iterator[Dependencies]:
        context = self.context
        found = Dependencies()
        notes = context.notes
        context.notes = found.notes  # each file says its notes, even ones already said
        today = RecordingDate(self.today.year, self.today.month, self.today.day)
        today.log = found.dates
        context.today = today
        self.topics.log = found.topics
        try:
            yield found
        finally:
            self.topics.log = None
            today.log = None
            context.today = self.today
            context.notes = notes  # the caller merges found.notes, in the order of the files


# -- the run key ------------------------------------------------------------------------------


def _code_fingerprint(linter: Linter) -> str:
    """Sizes and mtimes of every source file of seedlint and of each package a rule lives
    in, imported yet or not: a new version, an edited checkout or a changed plugin gives
    a new key (versions alone would not notice an editable install being edited)."""
    packages = {"seedlint"}
    for rule in linter.selection.rules.values():
        function = getattr(rule, "check", None) or getattr(rule, "check_corpus", None)
        module = getattr(function, "__module__", None) or type(rule).__module__
        packages.add(module.partition(".")[0])
    parts: list[str] = []
    for package in sorted(packages):
        module = sys.modules.get(package)
        location = getattr(module, "__file__", None)
        parts.append(f"{package}={getattr(module, '__version__', '')}")
        if not location:
            continue
        if os.path.basename(location) == "__init__.py":
            parts.extend(_source_stamps(os.path.dirname(location)))
        else:
            parts.extend(_source_stamps(location))
    for library in ("pyromark", "yaml", "pydantic"):
        module = sys.modules.get(library)
        parts.append(f"{library}={getattr(module, '__version__', '')}")
    return "\n".join(parts)


def _source_stamps(location: str) -> Iterator[str]:
    """``path:size:mtime`` of a module, or of every module under a package folder."""
    if os.path.isfile(location):
        files = [location]
    else:
        files = sorted(
            os.path.join(folder, name)
            for folder, _, names in os.walk(location)
            for name in names
            if name.endswith(".py")
        )
    for path in files:
        try:
            status = os.stat(path)
        except OSError:
            continue
        yield f"{path}:{status.st_size}:{status.st_mtime_ns}"


def _relative(path: Path, root: Path) -> str:
    """``path`` from ``root`` when inside it: a checkout moved elsewhere (CI restoring
    the cache into another folder) keeps its key."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def run_key(linter: Linter) -> str:
    """One digest of everything, besides the files themselves, that findings depend on."""
    from seedlint import __version__

    context = linter.context
    configuration = context.configuration
    selection = linter.selection
    severities = sorted((code, severity.value) for code, severity in selection.severities.items())
    text = "\n".join(
        [
            f"format={FORMAT}",
            f"seedlint={__version__}",
            f"python={sys.version_info[:2]}",
            f"topics-root={_relative(configuration.topics_root, configuration.root)}",
            f"settings={configuration.settings.model_dump_json()}",
            f"enabled={sorted(selection.enabled)}",
            f"severities={severities}",
            f"rules={sorted(selection.rules)}",
            _code_fingerprint(linter),
        ]
    )
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# -- encoding ---------------------------------------------------------------------------------


class _Pickler(pickle.Pickler):
    """Dataclasses as ``(class, init arguments)``: no field names, and loading calls the
    class, which is several times faster than restoring slots one by one."""

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        names = _INIT_FIELDS.get(cls)
        if names is None:
            if not is_dataclass(cls):
                return NotImplemented
            names = _INIT_FIELDS[cls] = tuple(f.name for f in fields(cls) if f.init)
        return cls, tuple([getattr(obj, name) for name in names])


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}
_ALLOWED: dict[tuple[str, str], Any] = {
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("datetime", "date"): dt.date,
    ("datetime", "timedelta"): dt.timedelta,
}


class _SafeUnpickler(pickle.Unpickler):
    """Builds seedlint's own dataclasses and enums, dates and sets; refuses anything else,
    so a damaged or tampered cache can at worst give a miss, never run code."""

    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is not None:
            return found
        if module == "seedlint" or module.startswith("seedlint."):
            candidate = getattr(importlib.import_module(module), name, None)
            if isinstance(candidate, type) and (
                is_dataclass(candidate) or issubclass(candidate, Enum) or _is_named_tuple(candidate)
            ):
                _ALLOWED[(module, name)] = candidate
                return candidate
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def _is_named_tuple(cls: type) -> bool:
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


def pack(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def unpack(data: bytes) -> Any:
    """The value ``pack`` stored; raises ``CacheMiss`` for anything damaged or foreign."""
    try:
        return _SafeUnpickler(io.BytesIO(data)).load()
    except Exception as error:
        raise CacheMiss(str(error)) from None


class CacheMiss(Exception):
    """A stored value cannot be used: the caller lints the file instead."""


@dataclass
class Entry:
    """One file's lint as stored, in three parts read separately: a warm run decodes a
    file's findings only if it has any, its summary only if a cross-file rule must run
    again, and its dependencies only if the topic notes or the date moved."""

    result: bytes | None  # findings, suppressions, anchors, notes; None when all empty
    summary: bytes | None  # zlib-compressed SeedSummary
    dependencies: bytes | None  # topic questions and date comparisons; None when none

    @classmethod
    def of(cls, result: FileResult, dependencies: Dependencies) -> Entry:
        parts = (result.findings, result.suppressions, result.anchors, dependencies.notes)
        packed = pack(parts) if any(parts) else None
        summary = None
        if result.summary is not None:
            summary = _squeeze(_dump_plain(_summary_fields(result.summary)))
        questions = (dependencies.topics, dependencies.dates)
        return cls(packed, summary, _dump_plain(questions) if any(questions) else None)


def result_of(display: str, blob: bytes | None) -> tuple[FileResult, list[str]]:
    """A file's cached findings under ``display``, and the notes its lint said."""
    if blob is None:
        return FileResult(display, [], None), []
    findings, suppressions, anchors, notes = unpack(blob)
    result = FileResult(display, findings, None, suppressions, None, [], anchors)
    return relocate(result, display), notes


#: Summaries longer than this (every URL of the seed, for the network rules) are
#: compressed; the usual offline ones are a path and a link, not worth inflating.
_COMPRESS_FROM = 512


def _squeeze(data: bytes) -> bytes:
    if len(data) < _COMPRESS_FROM:
        return b"p" + data
    return b"z" + zlib.compress(data, 1)


def _unsqueeze(blob: bytes) -> bytes:
    if blob[:1] == b"p":
        return blob[1:]
    if blob[:1] == b"z":
        try:
            return zlib.decompress(blob[1:])
        except zlib.error as error:
            raise CacheMiss(str(error)) from None
    raise CacheMiss("unknown summary encoding")


def _dump_plain(value: Any) -> bytes:
    """``pack`` for values made only of builtins and dates (summaries, dependencies):
    the C pickler without the per-object dataclass hook, three times faster."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _summary_fields(summary: SeedSummary) -> tuple[Any, ...]:
    """A summary as nested tuples of builtins, written for every file of a cold run."""
    links = tuple(
        (link.url, link.start, link.end, *link.begin, *link.finish, link.line_text, *link.marks)
        for link in summary.links
    )
    return (
        summary.path,
        summary.link,
        *summary.link_start,
        *summary.link_end,
        summary.link_line,
        summary.first_line,
        links,
    )


def summary_of(display: str, blob: bytes) -> SeedSummary:
    try:
        _, link, line, column, end_line, end_column, link_line, first_line, links = unpack(
            _unsqueeze(blob)
        )
        occurrences = tuple(
            LinkOccurrence(
                url, start, end, Position(line_a, column_a), Position(line_b, column_b), text, exact
            ).placed(day, body)
            for url, start, end, line_a, column_a, line_b, column_b, text, exact, day, body in links
        )
    except (TypeError, ValueError) as error:  # a row of another shape: lint the file again
        raise CacheMiss(f"summary: {error}") from None
    return SeedSummary(
        display,
        link,
        Position(line, column),
        Position(end_line, end_column),
        link_line,
        first_line,
        occurrences,
    )


def dependencies_of(blob: bytes | None) -> Dependencies:
    if blob is None:
        return Dependencies()
    topics, dates = unpack(blob)
    return Dependencies(topics, dates)


def relocate(result: FileResult, display: str) -> FileResult:
    """Findings read from the cache, shown under the path this run was given: the same
    file is `./a.md` in one run and `a.md` in another."""
    result.findings = [
        finding if finding.path == display else replace(finding, path=display)
        for finding in result.findings
    ]
    if result.anchors is not None and result.anchors.path != display:
        result.anchors = replace(result.anchors, path=display)
    return result


# -- rows ------------------------------------------------------------------------------------


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


def hasher() -> Any:
    """An incremental 16-byte BLAKE2 digest (`update`, `digest`)."""
    return blake2b(digest_size=16)


def stat_signature(status: os.stat_result) -> str:
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"


@dataclass(slots=True)
class Row:
    """The always-loaded columns of one file's row (the others are read on demand)."""

    path: str  # absolute: the key
    signature: str  # stat_signature before the bytes were read
    digest: bytes
    checked_ns: int  # wall clock just before the bytes were read
    topics: str  # topic index fingerprint the answers were recorded against ("" if none)
    today: str  # ISO date the date comparisons were recorded on
    used_ns: int
    result: bytes | None

    def stat_trusted(self, signature: str, ctime_ns: int) -> bool:
        return signature == self.signature and ctime_ns < self.checked_ns - RACY_NS


def _row(values: tuple[Any, ...], shared: dict[str, str]) -> Row:
    """A row as read, its topic and date stamps shared with the other rows' (a vault's
    rows have a handful of distinct ones): a 100,000-row cache in 14 MB less memory."""
    path, signature, data_digest, checked_ns, topics, today, used_ns, result = values
    topics = shared.setdefault(topics, topics)
    today = shared.setdefault(today, today)
    return Row(path, signature, data_digest, checked_ns, topics, today, used_ns, result)


# -- the store -------------------------------------------------------------------------------

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS results (
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
        PRIMARY KEY (run, path)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS corpus (
        run TEXT NOT NULL,
        inputs BLOB NOT NULL,
        topics TEXT NOT NULL,
        today TEXT NOT NULL,
        used_ns INTEGER NOT NULL,
        problems BLOB NOT NULL,
        dependencies BLOB,
        PRIMARY KEY (run, inputs)
    )
    """,
    f"PRAGMA user_version = {FORMAT}",
)
#: Rows written per transaction while a run goes on.
_BATCH = 2_000
#: Up to this many files, their rows are read one by one rather than all at once.
_FEW = 256
_CHUNK = 500  # host parameters per query, well under SQLite's limit
#: Cross-file results kept per run key: the vault, and a few batches of files.
_CORPUS_ROWS = 8
#: One save in this many also deletes stale rows (it reads the whole table).
_PRUNE_CHANCE = 1 / 32
#: Rows not used for this long go (another configuration, an older seedlint, a deleted
#: file); a row in use is stamped again at most once a day.
STALE_NS = 30 * 24 * 3600 * 1_000_000_000
_DAY_NS = 24 * 3600 * 1_000_000_000


def cache_folder(root: Path) -> Path:
    """``<root>/.seedlint_cache``, or ``$SEEDLINT_CACHE_DIR`` when set (CI caches it)."""
    override = os.environ.get("SEEDLINT_CACHE_DIR")
    return Path(override) if override else root / CACHE_FOLDER


def _prepare_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (
        (".gitignore", "# Created by seedlint.\n*\n"),
        (
            "CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This file is a cache directory tag created by seedlint.\n",
        ),
    ):
        marker = folder / name
        if not marker.exists():
            with suppress(OSError):  # a concurrent run wrote it: fine
                marker.write_text(content, encoding="utf-8")


@dataclass
class CacheStats:
    """What the cache did in one run (tests and `SEEDLINT_DEBUG` read it)."""

    hits: int = 0  # files whose results came from the cache
    linted: int = 0  # files parsed and checked
    replayed: int = 0  # rows whose recorded topic or date answers were asked again
    corpus_reused: bool = False  # cross-file results reused without reading summaries


@dataclass
class CorpusRow:
    """Cross-file results of one set of files (a whole vault, a pre-commit batch...)."""

    inputs: bytes  # digest of every file's path and bytes, in order
    topics: str
    today: str
    problems: bytes
    dependencies: bytes | None
    used_ns: int = 0


class ResultCache:
    """The results database, seen through one run key. Every failure degrades to linting
    without the cache; none fails the run."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self.path = folder / DATABASE
        self.connection: sqlite3.Connection | None = None
        self.rows: dict[str, Row] = {}
        self.inserts: list[tuple[Any, ...]] = []
        self.stamps: list[tuple[Any, ...]] = []
        self.corpus_row: tuple[Any, ...] | None = None
        self.problem = ""  # why the cache was given up or rebuilt, for tests and debugging
        self.stats = CacheStats()

    @classmethod
    def open(cls, folder: Path, key: str) -> ResultCache:
        cache = cls(folder, key)
        cache._retrying(cache._connect)
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
                self._discard()
        self.rows = {}

    def load(self, paths: Sequence[str]) -> None:
        """Read the rows of ``paths``: for a few files (pre-commit, an editor) just theirs,
        for a vault the whole run key's in one scan."""
        if self.connection is None:
            return

        shared: dict[str, str] = {}

        def read() -> None:
            assert self.connection is not None
            columns = "path, signature, digest, checked_ns, topics, today, used_ns, result"
            if len(paths) > _FEW:
                cursor = self.connection.execute(
                    f"SELECT {columns} FROM results WHERE run = ?", (self.key,)
                )
                self.rows = {row[0]: _row(row, shared) for row in cursor}
                return
            self.rows = {}
            for start in range(0, len(paths), _CHUNK):
                chunk = list(paths[start : start + _CHUNK])
                marks = ", ".join("?" * len(chunk))
                cursor = self.connection.execute(
                    f"SELECT {columns} FROM results WHERE run = ? AND path IN ({marks})",
                    (self.key, *chunk),
                )
                self.rows.update((row[0], _row(row, shared)) for row in cursor)

        self._retrying(read)

    def _connect(self) -> None:
        import sqlite3

        _prepare_folder(self.folder)
        connection = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None)
        self.connection = connection
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, FORMAT):
            raise CacheMiss(f"cache format {version}, expected {FORMAT}")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode is None or str(mode[0]).lower() != "wal":
            raise CacheMiss("the cache database cannot use WAL mode")
        connection.execute("PRAGMA synchronous = NORMAL")
        for statement in _SCHEMA:
            connection.execute(statement)

    def _close(self) -> None:
        if self.connection is not None:
            with suppress(Exception):
                self.connection.close()
        self.connection = None

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    @property
    def usable(self) -> bool:
        return self.connection is not None

    def row(self, path: str) -> Row | None:
        return self.rows.get(path)

    def column(self, name: str, wanted: dict[str, bytes]) -> dict[str, bytes | None]:
        """``summary`` or ``dependencies`` of the rows ``wanted`` (path -> digest), read
        now; a row another process rewrote meanwhile (another digest) is left out, so the
        caller lints that file again."""
        if self.connection is None or not wanted or name not in ("summary", "dependencies"):
            return {}
        found: dict[str, bytes | None] = {}
        query = f"SELECT path, digest, {name} FROM results WHERE run = ?"
        try:
            if len(wanted) > _FEW:
                cursors = [self.connection.execute(query, (self.key,))]
            else:
                paths = list(wanted)
                cursors = [
                    self.connection.execute(
                        f"{query} AND path IN ({', '.join('?' * len(chunk))})", (self.key, *chunk)
                    )
                    for chunk in (paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK))
                ]
            for cursor in cursors:
                for path, stored, value in cursor:
                    if wanted.get(path) == stored:
                        found[path] = value
        except Exception as error:
            self.problem = f"{type(error).__name__}: {error}"
        return found

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
            )
        )
        if len(self.inserts) >= _BATCH:  # a 100,000-file cold run holds a batch, not all
            self._write(final=False)

    def stamp(self, row: Row) -> None:
        """Record a used row's new stamps (stat, topic and date validity, last use)."""
        self.stamps.append(
            (row.signature, row.checked_ns, row.topics, row.today, row.used_ns, self.key, row.path)
        )

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
        return CorpusRow(*found) if found is not None else None

    def put_corpus(self, row: CorpusRow) -> None:
        self.corpus_row = (
            self.key,
            row.inputs,
            row.topics,
            row.today,
            time.time_ns(),
            row.problems,
            row.dependencies,
        )

    def save(self) -> None:
        """Write what this run learnt, then close. A busy lock (another process writing
        for longer than the timeout) means skipping the write, never failing the run."""
        try:
            self._write(final=True)
        finally:
            self._close()

    def _write(self, *, final: bool) -> None:
        connection = self.connection
        if connection is None or not (self.inserts or (final and (self.stamps or self.corpus_row))):
            return
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self.inserts,
            )
            if final:
                connection.executemany(
                    "UPDATE results SET signature = ?, checked_ns = ?, topics = ?, today = ?, "
                    "used_ns = ? WHERE run = ? AND path = ?",
                    self.stamps,
                )
                if self.corpus_row is not None:
                    connection.execute(
                        "INSERT OR REPLACE INTO corpus VALUES (?, ?, ?, ?, ?, ?, ?)",
                        self.corpus_row,
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
                self.stamps, self.corpus_row = [], None


def _is_locked(error: Exception) -> bool:
    text = str(error)
    return "locked" in text or "busy" in text


def open_for(linter: Linter, root: Path) -> ResultCache:
    return ResultCache.open(cache_folder(root), run_key(linter))


# -- validity ------------------------------------------------------------------------------


class Validator:
    """Whether recorded answers still hold: scans the topic notes lazily (only when a
    row needs it) and replays recorded questions only for rows stamped against other
    notes or another day."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self._topics: str | None = None
        self.today = recorder.today.isoformat()

    @property
    def topics(self) -> str:
        if self._topics is None:
            self._topics = topics_fingerprint(self.recorder.topics.index)
        return self._topics

    def needs_replay(self, topics: str, today: str) -> bool:
        return (topics != "" and topics != self.topics) or today != self.today

    def holds(self, dependencies: Dependencies) -> bool:
        index = self.recorder.topics.index if dependencies.topics else None
        for question, argument, answer in dependencies.topics:
            if _ask(index, question, argument) != answer:  # type: ignore[arg-type]
                return False
        today = self.recorder.today
        for operation, other, result in dependencies.dates:
            try:
                if _replay_date(today, operation, other) != result:
                    return False
            except Exception:
                return False
        return True

    def stamps(self, dependencies: Dependencies) -> tuple[str, str]:
        """The topics and date stamps a row recorded now carries."""
        return (self.topics if dependencies.topics else ""), self.today
