"""Front matter YAML read with positions, safely.

The C-accelerated loader only *composes* the node graph: no constructor ever runs, so a
``!!python/object`` tag is a string on a node, never an object. Plain scalars are resolved
with YAML 1.2 core-schema rules (``yes`` stays a string, as most modern tools read it),
plus ``YYYY-MM-DD`` dates, which seed writers emit unquoted by accident.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml is the fast path; the pure-Python loader gives the same nodes.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STD = "tag:yaml.org,2002:"
_SAFE_TAGS = frozenset(
    _STD + name
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge")
)
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf")}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLS = {"true": True, "false": False}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

#: Nodes re-visited through aliases before the front matter is called a bomb. Only
#: re-visits count: 10,000 distinct tags are fine, nine aliases of nine aliases are not.
MAX_EXPANDED_NODES = 10_000
#: Collections nested deeper than this are refused (F106): a seed's front matter is two
#: levels deep, and each level costs a Python stack frame in every reader of the values.
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class KeyEntry:
    key: str
    key_span: Span
    value_span: Span
    value: Any
    # Spans of the items when the value is a sequence (tags), in order.
    item_spans: tuple[Span, ...] = ()
    # True when the value was a quoted scalar: '2024-02-22' versus 2024-02-22.
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class YamlIssue:
    code: str
    message: str
    span: Span


@dataclass(slots=True)
class LoadedYaml:
    """The front matter's top-level keys, in file order, and what went wrong reading it."""

    entries: list[KeyEntry] = field(default_factory=list)
    issues: list[YamlIssue] = field(default_factory=list)
    is_mapping: bool = True
    # Spans of scalar nodes, so that a `#` inside a value is not taken for a comment.
    scalar_spans: list[Span] = field(default_factory=list)

    @property
    def values(self) -> dict[str, Any]:
        # The last duplicate wins, as every YAML loader decides; F105 reports the others.
        return {entry.key: entry.value for entry in self.entries}


class _AliasBudgetExceeded(Exception):
    pass


class _TooDeep(Exception):
    pass


class _Reader:
    def __init__(self, offset: int, result: LoadedYaml) -> None:
        self.offset = offset
        self.result = result
        self.budget = MAX_EXPANDED_NODES
        self.reported_tags: set[int] = set()
        # Composed aliases are the very node they name: a second visit is an expansion.
        self.visited: set[int] = set()
        self.depth = 0

    def span(self, node: yaml.Node) -> Span:
        return Span(self.offset + node.start_mark.index, self.offset + node.end_mark.index)

    def value(self, node: yaml.Node) -> Any:
        if id(node) in self.visited:
            self.budget -= 1
            if self.budget < 0:
                raise _AliasBudgetExceeded
        else:
            self.visited.add(id(node))
            self.check_tag(node)
        if isinstance(node, yaml.ScalarNode):
            self.result.scalar_spans.append(self.span(node))
            return resolve_scalar(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(self.span(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.value(item) for item in node.value]
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.value(key_node)
                mapping[key if _hashable(key) else repr(key)] = self.value(value_node)
            return mapping
        finally:
            self.depth -= 1

    def check_tag(self, node: yaml.Node) -> None:
        if node.tag in _SAFE_TAGS or id(node) in self.reported_tags:
            return
        self.reported_tags.add(id(node))
        self.result.issues.append(
            YamlIssue("F106", f"custom YAML tag {node.tag!r} is not allowed", self.span(node))
        )


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def resolve_scalar(node: yaml.ScalarNode) -> Any:
    value: str = node.value
    if node.style not in (None, ""):
        return value
    tag = node.tag
    if tag == _STD + "str":
        return value
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if value.lower() in _BOOLS and value in (value.lower(), value.title(), value.upper()):
        return _BOOLS[value.lower()]
    if _INT.fullmatch(value):
        try:
            return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
        except ValueError:  # over Python's 4,300-digit limit: no seed value is a number that long
            return value
    if _FLOAT.fullmatch(value):
        return float(value)
    if value.lower() in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value.lower()]
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def load_front_matter(text: str, offset: int) -> LoadedYaml:
    """Compose ``text`` (the lines between the ``---`` fences) found at ``offset``."""
    result = LoadedYaml()
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as error:
        where = offset + _reader_offset(text, error.position)
        message = f"invalid YAML: unacceptable character #x{error.character:04x}: {error.reason}"
        result.issues.append(YamlIssue("F002", message, Span(where, where)))
        return result
    except RecursionError:  # only the pure-Python loader recurses; libyaml caps nesting
        result.issues.append(
            YamlIssue("F002", "invalid YAML: nested too deeply", Span(offset, offset))
        )
        return result
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = offset + (mark.index if mark is not None else 0)
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        result.issues.append(YamlIssue("F002", f"invalid YAML: {message}", Span(where, where)))
        return result
    except yaml.YAMLError as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        result.issues.append(YamlIssue("F002", f"invalid YAML: {first_line}", Span(offset, offset)))
        return result
    if root is None:
        return result
    reader = _Reader(offset, result)
    if not isinstance(root, yaml.MappingNode):
        result.is_mapping = False
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a scalar"
        result.issues.append(
            YamlIssue("F003", f"front matter is {kind}, not a mapping", reader.span(root))
        )
        return result
    try:
        _read_mapping(root, reader)
    except _AliasBudgetExceeded:
        result.issues.append(
            YamlIssue(
                "F106",
                f"YAML aliases expand beyond {MAX_EXPANDED_NODES} nodes",
                reader.span(root),
            )
        )
        result.entries.clear()
    except _TooDeep as deep:
        (span,) = deep.args
        result.issues.append(YamlIssue("F106", f"YAML nested deeper than {MAX_DEPTH} levels", span))
        result.entries.clear()
    return result


def _reader_offset(text: str, position: int) -> int:
    """libyaml reports reader errors as a UTF-8 byte offset; the Python reader, in characters."""
    if _Loader is yaml.SafeLoader:
        return position
    return len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))


def _read_mapping(root: yaml.MappingNode, reader: _Reader) -> None:
    seen: dict[str, KeyEntry] = {}
    result = reader.result
    reader.check_tag(root)
    for key_node, value_node in root.value:
        key_value = reader.value(key_node)
        key = key_value if isinstance(key_value, str) else str(key_value)
        value = reader.value(value_node)
        items: tuple[Span, ...] = ()
        if isinstance(value_node, yaml.SequenceNode):
            items = tuple(reader.span(item) for item in value_node.value)
        entry = KeyEntry(
            key=key,
            key_span=reader.span(key_node),
            value_span=reader.span(value_node),
            value=value,
            item_spans=items,
            quoted=isinstance(value_node, yaml.ScalarNode) and value_node.style not in (None, ""),
        )
        if key in seen:
            result.issues.append(
                YamlIssue(
                    "F105", f"duplicate key '{key}': only the last value is kept", entry.key_span
                )
            )
        seen[key] = entry
        result.entries.append(entry)
