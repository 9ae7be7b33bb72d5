"""The front matter's YAML reader (see :mod:`seedlint._yaml`): pyyaml's libyaml composer
and the resolution of its scalars, imported with the first front matter read."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from seedlint._yaml import (
    DUPLICATE_KEY,
    NOT_MAPPING,
    SYNTAX,
    UNSAFE,
    KeyEntry,
    LoadedYaml,
    Span,
    YamlIssue,
)

_STD = "tag:yaml.org,2002:"
_STR = _STD + "str"
_SEQ = _STD + "seq"
_MAP = _STD + "map"
_SAFE_TAGS = frozenset(
    _STD + name
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge")
)
#: The tag the composer gives an untagged plain scalar (or one tagged with the bare `!`):
#: "resolve me later". libyaml hands tags over as C strings, so no tag written in a file
#: can contain the NUL this one starts with.
_PLAIN = "\0plain"
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf")}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLS = {"true": True, "false": False}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
#: The plain scalars not read as strings that do not start like a number: YAML 1.1 and
#: 1.2 agree on all of them (a null or a boolean).
_KEYWORDS: dict[str, Any] = {
    **dict.fromkeys(_NULLS),
    **{spelling: True for spelling in ("true", "True", "TRUE")},
    **{spelling: False for spelling in ("false", "False", "FALSE")},
}
#: Any other plain scalar that resolves to a non-string starts with one of these.
_NUMBER_START = frozenset("-+.0123456789")
_MISSING = object()

#: Nodes re-visited through aliases before the front matter is called a bomb. Only
#: re-visits count: 10,000 distinct tags are fine, nine aliases of nine aliases are not.
MAX_EXPANDED_NODES = 10_000
#: Collections nested deeper than this are refused (F106): a seed's front matter is two
#: levels deep, and each level costs a Python stack frame in every reader of the values.
MAX_DEPTH = 64


class _ComposeOnly:
    """Tags for the composer, without pyyaml's YAML 1.1 resolver.

    The composer asks ``resolve`` for the tag of every node written without one. pyyaml's
    answer runs a Python loop of regular expressions per scalar; here an untagged plain
    scalar is only marked ``_PLAIN`` and ``_plain_value`` resolves it when it is read,
    asking the YAML 1.1 resolver only in the rare case where its answer changes the value.
    Path resolvers are never registered, so descending and ascending do nothing.
    """

    def resolve(self, kind: type[Node], value: str | None, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - pyyaml built without libyaml
    # The pure-Python loader: its own resolver, so tags are the YAML 1.1 ones, which the
    # reader also understands (the values are the same, only slower to get).
    _Loader: Any = yaml.SafeLoader
    _LIBYAML = False
else:

    class _CLoader(_ComposeOnly, CParser):
        pass

    _Loader = _CLoader
    _LIBYAML = True

# The YAML 1.1 resolver, asked only about the few plain scalars whose YAML 1.1 tag matters:
# number-like ones (see _plain_value) and those it may give an unsafe tag.
_RESOLVER: Any = yaml.resolver.Resolver()
#: First characters of the plain scalars YAML 1.1 may give a tag outside _SAFE_TAGS: `=`
#: (tag:yaml.org,2002:value) and `!`, `&`, `*` (tag:yaml.org,2002:yaml, which only a
#: quoted scalar tagged with the bare `!` can reach: `! "&"`). Both are F106s.
_UNSAFE_FIRST = frozenset(
    first
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    if any(tag not in _SAFE_TAGS for tag, _ in resolvers)
)
# Number-like plain scalars already resolved: read_priority's `2` is in every seed.
_PLAIN_CACHE: dict[str, Any] = {}
_PLAIN_CACHE_SIZE = 2048


class _AliasBudgetExceeded(Exception):
    pass


class _TooDeep(Exception):
    pass


class _Reader:
    __slots__ = ("aliases", "budget", "depth", "offset", "reported_tags", "result", "visited")

    def __init__(self, offset: int, result: LoadedYaml, aliases: bool = True) -> None:
        self.offset = offset
        self.result = result
        # False when the text has no `*`: no node can then be reached twice, and the
        # bookkeeping of visits is skipped.
        self.aliases = aliases
        self.budget = MAX_EXPANDED_NODES
        self.reported_tags: set[int] = set()
        # Composed aliases are the very node they name: a second visit is an expansion.
        self.visited: set[int] = set()
        self.depth = 0

    def span(self, node: Node) -> Span:
        return Span(self.offset + node.start_mark.index, self.offset + node.end_mark.index)

    def value(self, node: Node) -> Any:
        if self.aliases:
            if id(node) in self.visited:
                self.budget -= 1
                if self.budget < 0:
                    raise _AliasBudgetExceeded
            else:
                self.visited.add(id(node))
                self.check_tag(node)
        elif not _tag_is_safe(node):
            self.check_tag(node)
        if isinstance(node, ScalarNode):
            offset = self.offset
            self.result.scalar_spans.append(
                Span(offset + node.start_mark.index, offset + node.end_mark.index)
            )
            return _scalar_value(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(self.span(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.value(item) for item in node.value]
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.value(key_node)
                mapping[key if _hashable(key) else repr(key)] = self.value(value_node)
            return mapping
        finally:
            self.depth -= 1

    def check_tag(self, node: Node) -> None:
        if _tag_is_safe(node) or id(node) in self.reported_tags:
            return
        self.reported_tags.add(id(node))
        tag = _plain_tag(node.value) if node.tag == _PLAIN else node.tag
        self.result.issues.append(
            YamlIssue(UNSAFE, f"custom YAML tag {tag!r} is not allowed", self.span(node))
        )


def _tag_is_safe(node: Node) -> bool:
    tag = node.tag
    if tag == _PLAIN:
        value: str = node.value
        return value[:1] not in _UNSAFE_FIRST or _plain_tag(value) in _SAFE_TAGS
    return tag in _SAFE_TAGS


def _plain_tag(value: str) -> str:
    """The tag pyyaml's YAML 1.1 resolver gives an untagged plain scalar."""
    tag: str = _RESOLVER.resolve(ScalarNode, value, (True, False))
    return tag


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def resolve_scalar(node: ScalarNode) -> Any:
    """The value of a scalar node composed by this module or by any pyyaml loader."""
    return _scalar_value(node)


def _scalar_value(node: ScalarNode) -> Any:
    value: str = node.value
    if node.style:  # quoted or a block scalar: None and "" both mean plain
        return value
    tag = node.tag
    if tag == _PLAIN:
        return _plain_value(value)
    if tag == _STR:
        return value
    return _core_value(value)


def _plain_value(value: str) -> Any:
    """An untagged plain scalar: a string when YAML 1.1 reads it as one, else as YAML 1.2.

    The YAML 1.1 condition keeps what the first version of this reader gave for the
    number-like strings the two versions disagree on: `0o17`, `1e5`, `-.5` and `089` stay
    strings. It only matters when the value would not be the string itself, and so only
    for keywords (on which both versions agree) or values starting like a number.
    """
    keyword = _KEYWORDS.get(value, _MISSING)
    if keyword is not _MISSING:
        return keyword
    if value[0] not in _NUMBER_START:
        return value
    cached = _PLAIN_CACHE.get(value, _MISSING)
    if cached is not _MISSING:
        return cached
    resolved = _core_value(value)
    if resolved is not value and _plain_tag(value) == _STR:
        resolved = value
    if len(_PLAIN_CACHE) >= _PLAIN_CACHE_SIZE:
        _PLAIN_CACHE.clear()
    _PLAIN_CACHE[value] = resolved
    return resolved


def _core_value(value: str) -> Any:
    """YAML 1.2 core schema, plus dates; a string when nothing else fits."""
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if value.lower() in _BOOLS and value in (value.lower(), value.title(), value.upper()):
        return _BOOLS[value.lower()]
    if _INT.fullmatch(value):
        # Over Python's 4,300-digit limit a number stays a string: no seed value is a
        # number that long. A hexadecimal or octal one converts, but then every str() or
        # repr() of it (a key, a message) raises: it stays a string too.
        try:
            number = int(value, 0) if value[:2] in ("0o", "0x") else int(value)
            if len(value) > 1000:
                str(number)
        except ValueError:
            return value
        return number
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


def _compose(text: str) -> Node | None:
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
    finally:
        loader.dispose()
    return node


def load_front_matter(text: str, offset: int) -> LoadedYaml:
    """Compose ``text`` (the lines between the ``---`` fences) found at ``offset``."""
    result = LoadedYaml()
    try:
        root = _compose(text)
    except yaml.reader.ReaderError as error:
        where = offset + _reader_offset(text, error.position)
        message = f"invalid YAML: unacceptable character #x{error.character:04x}: {error.reason}"
        result.issues.append(YamlIssue(SYNTAX, message, Span(where, where)))
        return result
    except RecursionError:  # only the pure-Python loader recurses; libyaml caps nesting
        result.issues.append(
            YamlIssue(SYNTAX, "invalid YAML: nested too deeply", Span(offset, offset))
        )
        return result
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = offset + (mark.index if mark is not None else 0)
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        result.issues.append(YamlIssue(SYNTAX, f"invalid YAML: {message}", Span(where, where)))
        return result
    except yaml.YAMLError as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        result.issues.append(YamlIssue(SYNTAX, f"invalid YAML: {first_line}", Span(offset, offset)))
        return result
    if root is None:
        return result
    # An alias is written `*name`: without a `*` anywhere, none was composed.
    reader = _Reader(offset, result, aliases="*" in text)
    if not isinstance(root, MappingNode):
        result.is_mapping = False
        kind = "a list" if isinstance(root, SequenceNode) else "a scalar"
        result.issues.append(
            YamlIssue(NOT_MAPPING, f"front matter is {kind}, not a mapping", reader.span(root))
        )
        return result
    try:
        _read_mapping(root, reader)
    except _AliasBudgetExceeded:
        result.issues.append(
            YamlIssue(
                UNSAFE,
                f"YAML aliases expand beyond {MAX_EXPANDED_NODES} nodes",
                reader.span(root),
            )
        )
        result.entries.clear()
        result.by_key.clear()
    except _TooDeep as deep:
        (span,) = deep.args
        result.issues.append(YamlIssue(UNSAFE, f"YAML nested deeper than {MAX_DEPTH} levels", span))
        result.entries.clear()
        result.by_key.clear()
    return result


def _reader_offset(text: str, position: int) -> int:
    """libyaml reports reader errors as a UTF-8 byte offset; the Python reader, in characters."""
    if not _LIBYAML:
        return position
    return len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))


def _read_mapping(root: MappingNode, reader: _Reader) -> None:
    """The top-level entries, in order.

    Without aliases, the scalars and the sequences here (nearly all a seed holds) are read
    as `_Reader.value` would, written out: the same spans, values and issues, in the same
    order, with each span made once for both the scalar spans and the entry.
    """
    result = reader.result
    by_key = result.by_key
    offset = reader.offset
    aliases = reader.aliases
    scalar_spans = result.scalar_spans
    entries = result.entries
    reader.check_tag(root)
    for key_node, value_node in root.value:
        if not aliases and key_node.__class__ is ScalarNode:
            key_span = Span(offset + key_node.start_mark.index, offset + key_node.end_mark.index)
            key_value = _read_scalar(key_node, reader)
            scalar_spans.append(key_span)
        else:
            key_value = reader.value(key_node)
            key_span = reader.span(key_node)
        key = key_value if isinstance(key_value, str) else str(key_value)
        items: tuple[Span, ...] = ()
        quoted = False
        value_class = value_node.__class__
        if not aliases and value_class is ScalarNode:
            value_span = Span(
                offset + value_node.start_mark.index, offset + value_node.end_mark.index
            )
            value = _read_scalar(value_node, reader)
            scalar_spans.append(value_span)
            quoted = value_node.style not in (None, "")
        elif not aliases and value_class is SequenceNode:
            value, items = _read_sequence(value_node, reader)
            value_span = reader.span(value_node)
        else:
            value = reader.value(value_node)
            if value_class is SequenceNode:
                items = tuple([reader.span(item) for item in value_node.value])
            value_span = reader.span(value_node)
            if value_class is ScalarNode:
                quoted = value_node.style not in (None, "")
        entry = KeyEntry(key, key_span, value_span, value, items, quoted)
        if key in by_key:
            result.issues.append(
                YamlIssue(
                    DUPLICATE_KEY,
                    f"duplicate key '{key}': only the last value is kept",
                    entry.key_span,
                )
            )
        by_key[key] = entry
        entries.append(entry)


def _read_sequence(node: SequenceNode, reader: _Reader) -> tuple[list[Any], tuple[Span, ...]]:
    """A top-level sequence (the tags) without aliases, as `_Reader.value` reads it, with
    the items' spans."""
    if not _tag_is_safe(node):
        reader.check_tag(node)
    # One level below the root mapping, which does not count: never past MAX_DEPTH.
    reader.depth += 1
    try:
        offset = reader.offset
        scalar_spans = reader.result.scalar_spans
        values: list[Any] = []
        spans: list[Span] = []
        for item in node.value:
            if item.__class__ is ScalarNode:
                span = Span(offset + item.start_mark.index, offset + item.end_mark.index)
                values.append(_read_scalar(item, reader))
                scalar_spans.append(span)
            else:
                values.append(reader.value(item))
                span = reader.span(item)
            spans.append(span)
        return values, tuple(spans)
    finally:
        reader.depth -= 1


def _read_scalar(node: ScalarNode, reader: _Reader) -> Any:
    """A scalar visited once: its tag checked, then its value (`_scalar_value`, inlined
    for the untagged plain scalars that make most of a seed's front matter)."""
    value: str = node.value
    if node.tag != _PLAIN:
        if node.tag not in _SAFE_TAGS:
            reader.check_tag(node)
        return _scalar_value(node)
    if value[:1] in _UNSAFE_FIRST and not _tag_is_safe(node):
        reader.check_tag(node)
    if node.style:  # a quoted scalar tagged with the bare `!`
        return value
    keyword = _KEYWORDS.get(value, _MISSING)
    if keyword is not _MISSING:
        return keyword
    if value[0] in _NUMBER_START:
        return _plain_value(value)
    return value
