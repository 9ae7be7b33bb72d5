"""Check many files: cached results first, the rest in a process pool when it pays.

The results come back in the order of the paths, whatever process linted a file and
whenever it finished, so a report is byte-identical to a serial run's. Each document is
dropped as soon as its findings exist: a run holds findings and small per-file summaries,
never the vault's text.

Workers are forked from the ready linter where the platform allows it (nothing is
imported or configured twice); elsewhere each worker rebuilds the linter from the
configuration and the selection. A pool that cannot start, or breaks, falls back to
linting in this process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from seedlint._yaml import load_reader
from seedlint.cache import (
    CacheMiss,
    CorpusRow,
    Dependencies,
    Entry,
    Recorder,
    ResultCache,
    Row,
    Validator,
    decode_corpus,
    dependencies_of,
    digest,
    encode_corpus,
    encode_dependencies,
    hasher,
    open_for,
    result_of,
    stat_signature,
    summary_of,
)
from seedlint.document import UnreadableFile
from seedlint.linter import FileResult, Linter
from seedlint.rule import CorpusProblem, CorpusRule, SeedSummary
from seedlint.terminal import visible

#: Below this many files to lint, starting workers costs more than it saves.
MIN_PARALLEL_FILES = 200
#: Files per task sent to a worker: enough to amortise the round trip.
MAX_CHUNK = 128
_DAY_NS = 24 * 3600 * 1_000_000_000
#: Starts a corpus row's key made from the files' summaries (17 bytes), never equal to one
#: made from their bytes (a 16-byte digest).
_BY_SUMMARIES = b"S"


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def workers_for(jobs: int, files: int) -> int:
    """Processes for ``files`` files: ``jobs`` (0: one per core), but 1 for a few files."""
    wanted = jobs if jobs > 0 else available_cores()
    if wanted <= 1 or files < MIN_PARALLEL_FILES:
        return 1
    return min(wanted, files // (MIN_PARALLEL_FILES // 2))


def _split(path: str) -> tuple[str, str]:
    """``os.path.split(path)``, several times faster in the common cases."""
    if os.altsep is None:
        folder, separator, name = path.rpartition(os.sep)
        if not separator:
            return "", path
        if name and folder and not folder.endswith(os.sep):
            return folder, name
    return os.path.split(path)


def _display(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


class Linted(NamedTuple):
    """One file linted. From a worker only ``entry`` travels (encoded once, then stored
    as is); in this process the objects are used directly. ``signature`` is None when the
    result must not be cached (an unreadable file, a crashed rule). A named tuple: one
    crosses the process boundary for every file, and a frozen dataclass is unpickled
    field by field in Python."""

    order: int  # the file's place among the paths
    result: FileResult | None
    dependencies: Dependencies | None
    entry: Entry | None
    signature: str | None
    digest: bytes
    checked_ns: int
    has_topics: bool

    def unpacked(self, display: str) -> tuple[FileResult, list[str]]:
        if self.result is not None:
            assert self.dependencies is not None
            return self.result, self.dependencies.notes
        assert self.entry is not None
        result, notes = result_of(display, self.entry.result)
        if self.entry.summary is not None:
            result.summary = summary_of(display, self.entry.summary)
        result.extra = self.entry.extra
        return result, notes


def lint_one(
    linter: Linter, recorder: Recorder, index: int, path: str, *, encode: bool, local: bool
) -> Linted:
    """Lint ``path``, recording what it depended on; the document dies with this call."""
    signature: str | None = None
    data: bytes | None = None
    checked_ns = time.time_ns()
    try:
        data, status = linter.read_with_stat(path)
        signature = stat_signature(status)
    except (OSError, UnreadableFile):
        signature = None  # lint_path reports why (E001); nothing to cache
    with recorder.file() as dependencies:
        result = linter.lint_path(path, data)
    result.document = None
    if result.errors or data is None:
        signature = None
    try:
        entry = Entry.of(result, dependencies) if encode else None
    except UnicodeEncodeError:
        # A name no encoding decodes (`bad\xff.md`, kept as a surrogate) has no UTF-8
        # form to store: the file is not cached, and its result crosses whole.
        entry, signature, local = None, None, True
    data_digest = digest(data) if data is not None else b""
    topics = bool(dependencies.topics)
    if local:
        return Linted(
            index, result, dependencies, entry, signature, data_digest, checked_ns, topics
        )
    return Linted(index, None, None, entry, signature, data_digest, checked_ns, topics)


# -- workers -------------------------------------------------------------------------------

_worker: tuple[Linter, Recorder] | None = None


def _lint_chunk(chunk: Sequence[tuple[int, str]]) -> list[Linted]:
    assert _worker is not None, "worker state missing"
    linter, recorder = _worker
    return [
        lint_one(linter, recorder, index, path, encode=True, local=False) for index, path in chunk
    ]


def _ignore_interrupts() -> None:
    """Ctrl-C reaches every process of the group: a worker that dies of it while holding
    the pool's queue lock deadlocks the others and the main process's exit. Workers
    ignore it; the main process stops the pool and exits 130."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init_spawned(state: tuple[Any, ...]) -> None:
    """Rebuild the linter in a worker that was not forked from the main process."""
    global _worker
    _ignore_interrupts()
    from seedlint.context import RunContext
    from seedlint.linter import Selection
    from seedlint.registry import load_rules

    configuration, enabled, severities, options, collect, today = state
    context = RunContext(configuration, today=today)
    linter = Linter(Selection(load_rules(), enabled, severities, options), context)
    linter.collect = collect
    _worker = (linter, Recorder(context))


def _chunks(items: list[tuple[int, str]], workers: int) -> Iterator[list[tuple[int, str]]]:
    size = max(8, min(MAX_CHUNK, len(items) // (workers * 8) or 1))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _debug(message: str) -> None:
    if os.environ.get("SEEDLINT_DEBUG"):
        print(visible(f"seedlint: {message}"), file=sys.stderr)


def _start_method() -> str:
    """``fork`` on Linux (workers start in milliseconds, sharing the loaded linter),
    ``spawn`` elsewhere; ``SEEDLINT_START_METHOD`` overrides it (the tests use it to run
    the spawn path on Linux)."""
    chosen = os.environ.get("SEEDLINT_START_METHOD")
    if chosen in ("fork", "spawn", "forkserver"):
        return chosen
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _in_pool(
    linter: Linter, recorder: Recorder, items: list[tuple[int, str]], workers: int
) -> Iterator[Linted]:
    """Lint ``items`` in ``workers`` processes, yielding results in the items' order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _worker
    if _start_method() == "fork":
        _worker = (linter, recorder)
        recorder.topics.index  # noqa: B018 - scanned once here rather than in each worker
        load_reader()  # likewise the front matter reader, which a warm run never imported
        gc.freeze()  # forked workers share the parent's objects instead of copying them
        pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupts
        )
    else:  # macOS and Windows, where forking a process with threads is not safe
        selection = linter.selection
        state = (
            linter.context.configuration,
            selection.enabled,
            selection.severities,
            selection.options,
            linter.collect,  # a module's function: pickled by name
        )
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(_start_method()),
            initializer=_init_spawned,
            initargs=((*state, recorder.today),),
        )
    _debug(f"{workers} worker processes ({_start_method()}) for {len(items)} files")
    guard = _FirstInterrupt()
    try:
        for linted in pool.map(_lint_chunk, _chunks(items, workers)):
            yield from linted
    finally:
        # Already unwinding (Ctrl-C, or the caller stopped early): a Ctrl-C held during
        # the shutdown must not be raised again, or closing this generator would print
        # "Exception ignored ... Traceback" on the way out.
        unwinding = sys.exc_info()[1]
        held = False
        try:
            if isinstance(unwinding, KeyboardInterrupt):
                _stop_workers(pool)
            held = _shutdown(pool)
        finally:
            _worker = None
            gc.unfreeze()
            guard.release(stopping=held or isinstance(unwinding, KeyboardInterrupt))
        if held and unwinding is None:
            raise KeyboardInterrupt


class _FirstInterrupt:
    """While workers run, the first Ctrl-C stops the run and later ones are ignored.

    Ctrl-C reaches the whole process group, and a user may press it twice: a second
    KeyboardInterrupt landing while the pool is being stopped (or while the first one
    unwinds) would leave workers running and the exit hanging, or print a traceback
    instead of exiting 130. Once the run is stopping, Ctrl-C stays ignored until exit.
    """

    def __init__(self) -> None:
        self.previous: Any = None
        self.interrupted = False
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._on_interrupt)

    def _on_interrupt(self, signum: int, frame: Any) -> None:
        if not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt

    def release(self, *, stopping: bool) -> None:
        if self.previous is None:
            return
        if stopping or self.interrupted:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process is on its way out
        else:
            signal.signal(signal.SIGINT, self.previous)


def _stop_workers(pool: Any) -> None:
    """Ctrl-C: the workers are stopped, not waited for. A worker busy with a huge file
    would otherwise keep the run alive for as long as that file takes (seconds); the
    user asked to stop now. Their results are not wanted, so nothing is lost."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()


def _shutdown(pool: Any) -> bool:
    """Stop the pool, even when Ctrl-C comes again meanwhile (users press it twice);
    whether a Ctrl-C came during the shutdown (the caller decides whether to raise it).

    A KeyboardInterrupt inside ``shutdown`` leaves workers waiting for a sentinel that
    never comes, and the interpreter's exit then waits for them forever. So an interrupt
    is held until the pool is down.
    """
    if threading.current_thread() is not threading.main_thread():
        pool.shutdown(wait=True, cancel_futures=True)
        return False
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    return bool(held)


def _lint_all(
    linter: Linter, recorder: Recorder, items: list[tuple[int, str]], jobs: int, encode: bool
) -> Iterator[Linted]:
    workers = workers_for(jobs, len(items))
    done = 0
    if workers > 1:
        from concurrent.futures import BrokenExecutor  # not imported by small runs

        try:
            for linted in _in_pool(linter, recorder, items, workers):
                done += 1
                yield linted
        except (OSError, ImportError, BrokenExecutor) as error:
            # No pool here, or a worker died: what is left is linted in this process.
            _debug(f"worker processes failed ({type(error).__name__}: {error})")
    for index, path in items[done:]:
        yield lint_one(linter, recorder, index, path, encode=encode, local=True)


# -- the run -------------------------------------------------------------------------------


class _Run:
    """The state of one `check_files` call."""

    def __init__(
        self, linter: Linter, paths: Sequence[str], cache: ResultCache | None, jobs: int
    ) -> None:
        self.linter = linter
        self.paths = paths
        self.cache = cache if cache is not None and cache.usable else None
        self.jobs = jobs
        self.recorder = Recorder(linter.context)
        self.validator = Validator(self.recorder)
        count = len(paths)
        self.results: list[FileResult | None] = [None] * count
        self.notes: list[list[str]] = [[] for _ in range(count)]
        self.identities: list[bytes] = [b""] * count
        self.hits: dict[int, tuple[str, bytes]] = {}  # index -> row path and digest
        # index -> digest of a linted file's summary as stored (None: it has none); a
        # digest, not the summary: a 100k cold run would otherwise hold 30 MB of them
        self.fresh_summaries: dict[int, bytes | None] = {}
        self.limit = linter.context.settings.max_file_size
        self.now = time.time_ns()
        self.folders: dict[str, str] = {}
        self.root = os.path.abspath(linter.context.configuration.root)

    def key(self, path: str) -> str:
        """The path a file's row is stored under: from the project root (the folder of
        the configuration) when inside it, so that a checkout restored elsewhere (CI)
        still finds its rows; absolute otherwise. Whatever form the run was given (`a.md`,
        `./a.md`), one key; each folder is worked out once, not each file."""
        folder, name = _split(path)
        prefix = self.folders.get(folder)
        if prefix is None:
            absolute = os.path.abspath(folder or os.curdir)
            root = self.root
            if absolute == root or absolute.startswith(os.path.join(root, "")):
                prefix = os.path.join(os.path.relpath(absolute, root), "")
            else:
                prefix = os.path.join(absolute, "")
            self.folders[folder] = prefix
        return prefix + name

    # Cached results ---------------------------------------------------------------------

    def _fresh_row(self, row: Row, path: str) -> tuple[bool, bool]:
        """Whether ``path`` still has the bytes ``row`` was made from (by stat, else by
        hashing them), and whether the row needs new stamps (it was hashed, or last
        stamped as used over a day ago)."""
        try:
            status = os.stat(path)
        except OSError:
            return False, False
        signature = stat_signature(status)
        if row.stat_trusted(signature, status.st_ctime_ns):
            return True, row.used_ns < self.now - _DAY_NS
        if status.st_size > self.limit:
            return False, False
        checked_ns = time.time_ns()
        try:
            with open(path, "rb") as handle:
                data = handle.read(status.st_size + 1)
        except OSError:
            return False, False
        if digest(data) != row.digest:
            return False, False
        row.signature, row.checked_ns = signature, checked_ns
        return True, True

    def _accept(self, index: int, row: Row) -> bool:
        try:
            result, notes = result_of(_display(self.paths[index]), row.result)
        except (CacheMiss, ValueError, TypeError):
            return False
        self.results[index] = result
        self.notes[index] = notes
        self.identities[index] = row.digest
        self.hits[index] = (row.path, row.digest)
        if self.cache is not None:
            self.cache.stats.hits += 1
        return True

    def from_cache(self) -> list[tuple[int, str]]:
        """Use every row that still holds; the (index, path) of the files to lint."""
        misses: list[tuple[int, str]] = []
        if self.cache is None:
            return list(enumerate(self.paths))
        cache, validator = self.cache, self.validator
        keys = [self.key(path) for path in self.paths]
        cache.load(keys)
        replay: list[tuple[int, Row]] = []
        for index, path in enumerate(self.paths):
            row = cache.row(keys[index])
            fresh, restamp = self._fresh_row(row, path) if row is not None else (False, False)
            if row is None or not fresh:
                misses.append((index, path))
            elif validator.needs_replay(row.topics, row.today):
                replay.append((index, row))
            elif not self._accept(index, row):
                misses.append((index, path))
            elif restamp:
                row.used_ns = self.now
                cache.stamp(row)
        if replay:
            cache.stats.replayed += len(replay)
            blobs = cache.column("dependencies", {row.path: row.digest for _, row in replay})
            for index, row in replay:
                if self._replayed(row, blobs) and self._accept(index, row):
                    cache.stamp(row)
                else:
                    misses.append((index, self.paths[index]))
            misses.sort()
        if self.linter.collect is not None and self.hits:
            misses.extend(self._cached_extras())
            misses.sort()
        cache.rows = {}  # what is still needed of them is in the results and self.hits
        return misses

    def _cached_extras(self) -> list[tuple[int, str]]:
        """A collecting run's (the report's) cached files' extras, read now; the files
        to lint again because their row has none (a run that collected nothing wrote it,
        `check`) or was rewritten meanwhile by another process."""
        assert self.cache is not None
        blobs = self.cache.column("extra", dict(self.hits.values()))
        again: list[tuple[int, str]] = []
        for index, (key, _) in self.hits.items():
            blob = blobs.get(key)
            result = self.results[index]
            if blob is None or result is None:
                again.append((index, self.paths[index]))
            else:
                result.extra = blob
        return again

    def _replayed(self, row: Row, blobs: dict[str, bytes | None]) -> bool:
        if row.path not in blobs:
            return False
        try:
            dependencies = dependencies_of(blobs[row.path])
        except CacheMiss:
            return False
        if not self.validator.holds(dependencies):
            return False
        row.topics, row.today = self.validator.stamps(dependencies)
        row.used_ns = self.now
        return True

    # Linting ------------------------------------------------------------------------------

    def lint(self, items: list[tuple[int, str]]) -> None:
        cache = self.cache
        for linted in _lint_all(self.linter, self.recorder, items, self.jobs, cache is not None):
            index = linted.order
            result, notes = linted.unpacked(_display(self.paths[index]))
            self.results[index] = result
            self.notes[index] = notes
            self.identities[index] = linted.digest or b"-"
            if self.hits.pop(index, None) is not None and cache is not None:
                cache.stats.hits -= 1  # it came from the cache, but its summary did not
            if cache is not None:
                cache.stats.linted += 1
            if linted.entry is not None:
                blob = linted.entry.summary
                self.fresh_summaries[index] = None if blob is None else digest(blob)
            if cache is not None and linted.signature is not None and linted.entry is not None:
                topics = self.validator.topics if linted.has_topics else ""
                cache.put(
                    self.key(self.paths[index]),
                    linted.signature,
                    linted.digest,
                    linted.checked_ns,
                    topics,
                    self.validator.today,
                    linted.entry,
                )

    # Cross-file rules ----------------------------------------------------------------------

    def _summaries(self, blobs: dict[str, bytes | None] | None = None) -> list[SeedSummary]:
        """Every file's summary: cached files' read now (unless ``blobs`` holds them
        already), files whose row vanished or is damaged linted again."""
        if self.hits and self.cache is not None:
            if blobs is None:
                blobs = self.cache.column("summary", dict(self.hits.values()))
            again: list[tuple[int, str]] = []
            for index, (key, _) in self.hits.items():
                blob = blobs.get(key, b"")
                result = self.results[index]
                assert result is not None
                try:
                    if blob == b"":
                        raise CacheMiss("row rewritten by another process")
                    if blob is not None:
                        result.summary = summary_of(result.path, blob)
                except CacheMiss:
                    again.append((index, self.paths[index]))
            if again:
                self.lint(again)
            self.hits = {}
        return [result.summary for result in self.results if result and result.summary]

    def _summaries_key(self) -> tuple[bytes | None, dict[str, bytes | None] | None]:
        """A digest of what the cross-file rules read, every file's path and the digest of
        its summary in its stored form (nothing decoded), and the cached files' summaries
        as read. None when a summary is missing (a row rewritten meanwhile, a name with no
        UTF-8 form)."""
        if self.cache is None:
            return None, None
        blobs = self.cache.column("summary", dict(self.hits.values())) if self.hits else {}
        hashed = hasher()
        for index, path in enumerate(self.paths):
            hit = self.hits.get(index)
            if hit is not None:
                blob = blobs.get(hit[0], b"")
                if blob == b"":
                    return None, blobs
                summary = None if blob is None else digest(blob)
            elif index in self.fresh_summaries:
                summary = self.fresh_summaries[index]
            else:
                return None, blobs
            stored = b"-" if summary is None else summary  # a digest: 16 bytes
            hashed.update(_display(path).encode("utf-8", "surrogateescape") + b"\0" + stored)
        key: bytes = _BY_SUMMARIES + hashed.digest()
        return key, blobs

    def _inputs(self) -> bytes:
        hashed = hasher()
        for path, identity in zip(self.paths, self.identities, strict=True):
            hashed.update(_display(path).encode("utf-8", "surrogateescape") + b"\0" + identity)
        value: bytes = hashed.digest()
        return value

    def _cached_corpus(
        self, inputs: bytes, also: bytes | None = None
    ) -> tuple[dict[str, list[CorpusProblem]], list[str]]:
        """The cross-file results stored under ``inputs``, if they still hold; stored
        under ``also`` too (the files' key, when they were found by the summaries')."""
        if self.cache is None:
            raise CacheMiss("no cache")
        row = self.cache.corpus(inputs)
        if row is None:
            raise CacheMiss("other inputs")
        replayed = self.validator.needs_replay(row.topics, row.today)
        if replayed:
            dependencies = dependencies_of(row.dependencies)
            if not self.validator.holds(dependencies):
                raise CacheMiss("other answers")
            row.topics, row.today = self.validator.stamps(dependencies)
        problems, notes = decode_corpus(row.problems)
        if replayed or row.used_ns < self.now - _DAY_NS:
            self.cache.put_corpus(row)  # new stamps, and still in use
        if also is not None:
            self.cache.put_corpus(replace(row, inputs=also))
        return problems, notes

    def corpus(self, volatile: frozenset[str]) -> list[CorpusProblem]:
        """Cross-file problems. Rules outside ``volatile`` (the network ones) are a pure
        function of the summaries: when no file changed, their last answer is reused
        without reading a single summary."""
        linter = self.linter
        rules = linter.corpus_rules
        if not rules:
            return []
        stable = [rule for rule in rules if rule.code not in volatile]
        changing = [rule for rule in rules if rule.code in volatile]
        found: dict[str, list[CorpusProblem]] = {}
        said: list[str] = []
        inputs = self._inputs()
        try:
            found, said = self._cached_corpus(inputs) if stable else ({}, [])
            if self.cache is not None and stable:
                self.cache.stats.corpus_reused = True
        except (CacheMiss, ValueError, TypeError):
            found, said = self._run_stable(stable, inputs)
        if changing:
            summaries = self._summaries()
            for rule in changing:
                found[rule.code] = linter.corpus_problems(rule, summaries)
        context_notes = linter.context.notes
        context_notes.extend(note for note in said if note not in context_notes)
        return [problem for rule in rules for problem in found.get(rule.code, [])]

    def _run_stable(
        self, rules: list[CorpusRule], inputs: bytes
    ) -> tuple[dict[str, list[CorpusProblem]], list[str]]:
        # Files changed, but maybe not what the rules read (an edit below the front
        # matter): results stored under the same summaries are the rules' answer, found
        # without decoding a summary.
        seen, blobs = self._summaries_key()
        if seen is not None:
            try:
                reused = self._cached_corpus(seen, also=inputs)
            except (CacheMiss, ValueError, TypeError):
                pass
            else:
                assert self.cache is not None
                self.cache.stats.corpus_same_summaries = True
                return reused
        linted = self.cache.stats.linted if self.cache is not None else 0
        summaries = self._summaries(blobs)
        if self.cache is not None and self.cache.stats.linted != linted:
            seen = None  # a damaged summary, linted again: the key was made from the damage
        inputs = self._inputs()  # a file linted again for its summary has a new identity
        crashes = len(self.linter.errors)
        found: dict[str, list[CorpusProblem]] = {}
        with self.recorder.file() as dependencies:
            for rule in rules:
                found[rule.code] = self.linter.corpus_problems(rule, summaries)
        if self.cache is not None and len(self.linter.errors) == crashes:
            topics, today = self.validator.stamps(dependencies)
            problems = encode_corpus(found, dependencies.notes)
            recorded = encode_dependencies(dependencies)
            for key in (inputs, seen):
                if key is not None:
                    self.cache.put_corpus(CorpusRow(key, topics, today, problems, recorded))
        return found, dependencies.notes

    def finish(self, volatile: frozenset[str]) -> list[FileResult]:
        said = self.linter.context.notes
        for notes in self.notes:  # in path order, however the files were linted
            said.extend(note for note in notes if note not in said)
        problems = self.corpus(volatile)
        if self.cache is not None:
            self.cache.save()
            _debug(f"cache: {self.cache.stats} {self.cache.problem}".rstrip())
        results = [result for result in self.results if result is not None]
        self.linter.finish(results, corpus=problems)
        return results


def check_files(
    linter: Linter,
    paths: Sequence[str],
    *,
    jobs: int = 0,
    cache: ResultCache | None = None,
    volatile: frozenset[str] | None = None,
) -> list[FileResult]:
    """Lint ``paths`` and finish the run (cross-file rules, X001), in the paths' order.

    With a usable ``cache``, files whose results still hold come from it, the others are
    linted (in ``jobs`` processes; 0: one per core) and stored. Cross-file rules not in
    ``volatile`` (default: the enabled rules that declare the network as an input) are
    reused from the cache when no file changed; a file rule reading the network turns
    the per-file results cache off, as its answer may change at any time.
    """
    if volatile is None:
        volatile = linter.selection.volatile
    if cache is not None and any(rule.code in volatile for rule in linter.file_rules):
        cache = None
    run = _Run(linter, paths, cache, jobs)
    run.lint(run.from_cache())
    return run.finish(volatile)


def cache_for(linter: Linter, root: Path) -> ResultCache:
    return open_for(linter, root)
