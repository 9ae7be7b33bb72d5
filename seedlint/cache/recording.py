"""What a file's results depended on besides its bytes: the topic index's answers, today's
date, the notes the run printed.

While a file is linted, every question its rules ask the topic index (does ``Concept/X``
exist? what is close to it?) is recorded with its answer, and so is every comparison
with ``context.today``. A warm run asks them again only when the notes or the day moved;
a file is re-linted only if an answer differs.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:  # the BLAKE2 module alone: `hashlib` also loads OpenSSL, a few ms of start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Python builds without it
    from hashlib import blake2b

if TYPE_CHECKING:
    from seedlint.context import RunContext
    from seedlint.topics import TopicIndex


@dataclass
class Dependencies:
    """Everything outside its own bytes and the run key that one file's lint consulted."""

    topics: list[tuple[str, Any, Any]] = field(default_factory=list)  # (question, arg, answer)
    dates: list[tuple[str, Any, Any]] = field(default_factory=list)  # (operation, other, result)
    notes: list[str] = field(default_factory=list)


def ask_again(index: TopicIndex, question: str, argument: Any) -> Any:
    """The answer ``index`` gives to a recorded question; whole-index questions return its
    fingerprint, so that any change to the notes counts as a different answer."""
    if question == "contains":
        return argument in index
    if question == "suggestions":
        return tuple(index.suggestions(argument))
    if question == "with_name":
        return tuple(index.with_name(argument))
    if question == "has_category":
        return index.has_category(argument)
    if question == "exists":
        return index.exists
    if question == "whole":
        return topics_fingerprint(index)
    return _NEVER  # a question this seedlint never records: the answer cannot hold


class _Never:
    """Equal to nothing, so a recorded answer compared with it never holds."""

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return True

    __hash__ = None  # type: ignore[assignment]


_NEVER = _Never()


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

    def has_category(self, category: str) -> bool:
        found = self.index.has_category(category)
        self._record("has_category", category, found)
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


def replay_date(today: dt.date, operation: str, other: Any) -> Any:
    """What ``operation`` on ``today`` gives now; an operation never recorded raises."""
    if operation == "exact":
        return today
    if operation in _COMPARISONS:
        return getattr(operator, operation)(today, other)
    if operation == "sub":
        return today - other
    if operation == "rsub":
        return other - today
    if operation == "add":
        return today + other
    raise ValueError(f"unknown date operation {operation!r}")


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
