"""Front matter YAML read with positions, safely.

The C-accelerated loader only *composes* the node graph: no constructor ever runs, so a
``!!python/object`` tag is a string on a node, never an object. Plain scalars are resolved
with YAML 1.2 core-schema rules (``yes`` stays a string, as most modern tools read it),
plus ``YYYY-MM-DD`` dates, which seed writers emit unquoted by accident.

Speed matters here: every seed goes through this once, and libyaml itself takes only a third
of the time the first version spent. So the composer does not run pyyaml's pure-Python
YAML 1.1 resolver on every scalar (its answer was only needed for a few number-like
values), nodes are visited without alias bookkeeping when the text holds no ``*``, and the
result's small frozen dataclasses get cheaper constructors. The results are the same, value
for value and span for span, as the straightforward version's (``benchmarks/
bench_front_matter.py`` times the two against each other).

The reader itself, and pyyaml with it, lives in :mod:`seedlint._yaml_reader`, imported
when the first front matter is read: a warm run, whose every file is answered from the
cache, reads none (pyyaml and its resolver's regular expressions are about a tenth of
seedlint's start-up). This module holds what the rest of seedlint names: the spans, the
entries and the kinds of issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, init=False)
class Span:
    start: int
    end: int

    # The generated __init__ of a frozen dataclass looks ``object.__setattr__`` up for
    # each field; setting the slots directly is a third faster, and a seed makes ~20 spans.
    def __init__(self, start: int, end: int) -> None:
        _SET_SPAN_START(self, start)
        _SET_SPAN_END(self, end)


_SET_SPAN_START = vars(Span)["start"].__set__
_SET_SPAN_END = vars(Span)["end"].__set__


@dataclass(frozen=True, slots=True, init=False)
class KeyEntry:
    key: str
    key_span: Span
    value_span: Span
    value: Any
    # Spans of the items when the value is a sequence (tags), in order.
    item_spans: tuple[Span, ...] = ()
    # True when the value was a quoted scalar: '2024-02-22' versus 2024-02-22.
    quoted: bool = False

    def __init__(
        self,
        key: str,
        key_span: Span,
        value_span: Span,
        value: Any,
        item_spans: tuple[Span, ...] = (),
        quoted: bool = False,
    ) -> None:
        _SET_KEY(self, key)
        _SET_KEY_SPAN(self, key_span)
        _SET_VALUE_SPAN(self, value_span)
        _SET_VALUE(self, value)
        _SET_ITEM_SPANS(self, item_spans)
        _SET_QUOTED(self, quoted)


_SET_KEY = vars(KeyEntry)["key"].__set__
_SET_KEY_SPAN = vars(KeyEntry)["key_span"].__set__
_SET_VALUE_SPAN = vars(KeyEntry)["value_span"].__set__
_SET_VALUE = vars(KeyEntry)["value"].__set__
_SET_ITEM_SPANS = vars(KeyEntry)["item_spans"].__set__
_SET_QUOTED = vars(KeyEntry)["quoted"].__set__


#: What went wrong reading the front matter, in the reader's own words: the rules decide
#: which code each kind is reported under (F002, F003, F105, F106).
SYNTAX = "syntax"
NOT_MAPPING = "not-mapping"
DUPLICATE_KEY = "duplicate-key"
UNSAFE = "unsafe"
#: Kinds after which the values mean nothing: no schema rule reads them.
UNREADABLE = frozenset({SYNTAX, NOT_MAPPING, UNSAFE})


@dataclass(frozen=True, slots=True)
class YamlIssue:
    kind: str  # SYNTAX, NOT_MAPPING, DUPLICATE_KEY or UNSAFE
    message: str
    span: Span


@dataclass(slots=True)
class LoadedYaml:
    """The front matter's top-level keys, in file order, and what went wrong reading it."""

    entries: list[KeyEntry] = field(default_factory=list)
    # The entries by key, the last of repeated keys winning (as every YAML loader
    # decides; F105 reports the others): what rules look keys up in.
    by_key: dict[str, KeyEntry] = field(default_factory=dict)
    issues: list[YamlIssue] = field(default_factory=list)
    is_mapping: bool = True
    # Spans of scalar nodes, so that a `#` inside a value is not taken for a comment.
    scalar_spans: list[Span] = field(default_factory=list)

    @property
    def values(self) -> dict[str, Any]:
        return {key: entry.value for key, entry in self.by_key.items()}


def load_front_matter(text: str, offset: int) -> LoadedYaml:
    """Compose ``text`` (the lines between the ``---`` fences) found at ``offset``."""
    from seedlint._yaml_reader import load_front_matter as load

    return load(text, offset)


def load_reader() -> None:
    """Import the reader now: a pool's parent does, before forking the workers that will
    all read front matter (each would otherwise import pyyaml on its own)."""
    import seedlint._yaml_reader  # noqa: F401
