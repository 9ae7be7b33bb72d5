"""Indented JSON written a piece at a time, with the exact text of ``json.dumps(indent=2)``.

A report of a hundred thousand findings must not be built as one document first: the
document and the single string made from it held several times the findings' own memory,
and the standard library's indenting encoder is pure Python (only the compact one is in C).
Here the report's outer shape is walked as usual, a :class:`Streamed` list in it is written
item by item as its items are produced, and each item is encoded by the C encoder, one call
for every container whose members are all plain values: the indentation such a container
needs is the encoder's item separator, a comma, a newline and the indent of its level.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

_INDENT = "  "
_CONTAINERS = (dict, list, tuple)


class Streamed:
    """A JSON array whose items are produced (and dropped) one at a time while it is written."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


@cache
def _compact(level: int) -> json.JSONEncoder:
    """The C encoder, with the separator that puts each member on its own line at ``level``."""
    return json.JSONEncoder(ensure_ascii=False, separators=(",\n" + _INDENT * level, ": "))


def _is_flat(members: Iterable[Any]) -> bool:
    return not any(isinstance(member, _CONTAINERS) for member in members)


def encode(value: Any, level: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` for a value whose first character
    sits at indentation ``level`` (its inner lines are indented to match)."""
    outer = "\n" + _INDENT * level
    inner = outer + _INDENT
    if isinstance(value, dict):
        if not value:
            return "{}"
        if _is_flat(value.values()):
            return "{" + inner + _compact(level + 1).encode(value)[1:-1] + outer + "}"
        if not all(type(key) is str for key in value):
            # json's own spelling of int, float, bool and None keys, the slow way.
            indented = json.dumps(value, indent=2, ensure_ascii=False)
            return indented.replace("\n", "\n" + _INDENT * level)
        key = _compact(0).encode
        members = [f"{key(name)}: {encode(member, level + 1)}" for name, member in value.items()]
        return "{" + inner + ("," + inner).join(members) + outer + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if _is_flat(value):
            return "[" + inner + _compact(level + 1).encode(value)[1:-1] + outer + "]"
        items = [encode(item, level + 1) for item in value]
        return "[" + inner + ("," + inner).join(items) + outer + "]"
    return _compact(level).encode(value)


def write(value: Any, out: Callable[[str], object], level: int = 0) -> None:
    """Write ``value`` as :func:`encode` would, the items of each :class:`Streamed` list in it
    one at a time: the same text, without ever holding all of it."""
    outer = "\n" + _INDENT * level
    inner = outer + _INDENT
    if isinstance(value, Streamed):
        _write_streamed(value, out, level)
    elif isinstance(value, dict) and value and all(type(key) is str for key in value):
        separator = "{" + inner
        for name, member in value.items():
            out(f"{separator}{_compact(0).encode(name)}: ")
            write(member, out, level + 1)
            separator = "," + inner
        out(outer + "}")
    elif isinstance(value, (list, tuple)) and value:
        separator = "[" + inner
        for item in value:
            out(separator)
            write(item, out, level + 1)
            separator = "," + inner
        out(outer + "]")
    else:
        out(encode(value, level))


def _write_streamed(value: Streamed, out: Callable[[str], object], level: int) -> None:
    outer = "\n" + _INDENT * level
    inner = outer + _INDENT
    separator = "[" + inner
    for item in value.items:
        out(separator + encode(item, level + 1))
        separator = "," + inner
    # An empty array is "[]", as json writes it; else the closing bracket gets its own line.
    out("[]" if separator.startswith("[") else outer + "]")
