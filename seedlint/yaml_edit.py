"""YAML that fixes write: values rendered by ruamel.yaml, structure changed by its round trip.

Most front matter fixes replace one value, and a splice of that value's span is enough:
the other keys keep their bytes. What the splice writes is rendered here by ruamel.yaml,
so quoting is always valid YAML, and a string that a YAML 1.1 reader (pyyaml, which
python-frontmatter and most seed writers use) would read as something else is quoted.

Where structure changes and a splice cannot be made (a flow mapping `{b: 1, a: 2}` to
reorder), ruamel.yaml's round trip loads and dumps the block: it keeps comments, quoting
and flow style. Every such edit is verified by reading the result back with seedlint's own
reader: the YAML must parse, and only the keys the fix meant to touch may differ.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from seedlint._yaml import load_front_matter

if TYPE_CHECKING:
    from ruamel.yaml import YAML

# ruamel.yaml is imported where a fix is built, not when the rules load: most runs write
# no fix, and its import costs a cold run ~50 ms.

_MISSING = object()
# A line no front matter value comes near: ruamel.yaml must never fold a value it renders.
_WIDTH = 1 << 20


def _round_trip() -> YAML:
    from ruamel.yaml import YAML

    # A new instance each time: a YAML object keeps state between dumps.
    handler = YAML(typ="rt", pure=True)
    handler.preserve_quotes = True
    handler.width = _WIDTH
    handler.indent(mapping=2, sequence=2, offset=0)
    return handler


def _dump(data: Any) -> str:
    out = io.StringIO()
    _round_trip().dump(data, out)
    return out.getvalue()


def _reads_back(text: str, value: Any) -> bool:
    """True when ``text`` (one value) means ``value`` to seedlint's reader and to YAML 1.1."""
    loaded = load_front_matter(f"k: {text}\n", 0)
    if loaded.issues or loaded.values.get("k", _MISSING) != value:
        return False
    import yaml as pyyaml  # with the fix being built: a run without fixes never loads it

    try:
        old = pyyaml.safe_load(f"k: {text}\n")
    except pyyaml.YAMLError:
        return False
    return isinstance(old, dict) and old.get("k", _MISSING) == value


def scalar(value: str | int | float | bool | None) -> str:
    """``value`` written as a YAML scalar, the way ruamel.yaml writes it, quoted when any
    common reader would read the plain form differently (`yes`, `1e3`, `2024-02-22`)."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    if value is None:
        return "null"  # ruamel.yaml writes an empty value, which reads as null but hides it
    text = _dump(CommentedMap([("k", value)])).removeprefix("k: ").rstrip("\n")
    if isinstance(value, str) and not _reads_back(text, value):
        text = _dump(CommentedMap([("k", SingleQuotedScalarString(value))]))
        text = text.removeprefix("k: ").rstrip("\n")
    return text


def entry(key: str, value: Any) -> str:
    """The block-style lines of one top-level key, ending in a line break."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(value, str | int | float | bool) or value is None:
        return f"{scalar(key)}: {scalar(value)}\n"
    return _dump(CommentedMap([(key, value)]))


def values_of(content: str) -> dict[str, Any] | None:
    """The top-level values of front matter ``content`` by seedlint's reader; None when it
    does not read cleanly (an error, repeated keys, not a mapping)."""
    loaded = load_front_matter(content, 0)
    if loaded.issues or not loaded.is_mapping:
        return None
    return loaded.values


def touches_only(before: str, after: str, keys: Iterable[str]) -> bool:
    """True when ``after`` reads cleanly and differs from ``before`` only in ``keys``."""
    old, new = values_of(before), values_of(after)
    if old is None or new is None:
        return False
    allowed = set(keys)
    return all(
        old.get(key, _MISSING) == new.get(key, _MISSING)
        for key in old.keys() | new.keys()
        if key not in allowed
    )


def comments(content: str) -> list[str]:
    """The comments of front matter ``content``, in order: each `#` that starts a comment
    (not one inside a scalar) to the end of its line."""
    loaded = load_front_matter(content, 0)
    inside = sorted((span.start, span.end) for span in loaded.scalar_spans)
    found: list[str] = []
    position = content.find("#")
    while position != -1:
        in_scalar = any(start <= position < end for start, end in inside)
        starts_comment = position == 0 or content[position - 1] in " \t\r\n"
        if in_scalar or not starts_comment:
            position = content.find("#", position + 1)
            continue
        line_end = len(content)
        for stop in ("\n", "\r"):
            at = content.find(stop, position)
            if at != -1:
                line_end = min(line_end, at)
        found.append(content[position:line_end].rstrip())
        position = content.find("#", line_end)
    return found


def _kept(before: str, after: str) -> bool:
    return comments(before) == comments(after)


def reordered(content: str, order: Sequence[str]) -> str | None:
    """``content`` with its top-level keys in ``order``, through the round trip; None when
    the block cannot be loaded or would change."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    try:
        data = _round_trip().load(content)
    except YAMLError:
        return None
    if not isinstance(data, CommentedMap) or sorted(map(str, data)) != sorted(order):
        return None
    if not data.fa.flow_style():
        return None  # a block mapping moves by key blocks, its bytes kept: not here
    for key in order:
        # Re-inserting moves a key to the end; the mapping's own comments stay on it.
        data[key] = data.pop(key)
    text = _dump(data)
    if values_of(text) != values_of(content) or not _kept(content, text):
        return None
    return text


def inserted(content: str, key: str, value: Any, index: int) -> str | None:
    """``content`` with ``key: value`` inserted as the ``index``-th key, through the round
    trip; None when the block cannot be loaded or the result does not verify."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    try:
        data = _round_trip().load(content) if content.strip() else CommentedMap()
    except YAMLError:
        return None
    if not isinstance(data, CommentedMap) or key in data:
        return None
    data.insert(index, key, value)
    text = _dump(data)
    if not touches_only(content, text, [key]) or not _kept(content, text):
        return None
    return text
