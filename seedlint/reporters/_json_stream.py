"""Indented JSON written a piece at a time, with the exact text of ``json.dumps(indent=2)``.

A report of a hundred thousand findings must not be built as one document first: the
document and the single string made from it held several times the findings' own memory.
Here the report's outer shape is walked as usual and a :class:`Streamed` list in it is
written item by item as its items are produced, each item encoded on its own.

The standard library indents in pure Python, through a generator that yields every
bracket, separator and value apart (only its compact encoder is in C). :func:`encode` makes
one string per container instead, writes strings with the C string encoder, and hands
anything it does not know by exact type (subclasses, keys that are not strings) to the
standard library itself, so the text stays the same for every value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "


class Streamed:
    """A JSON array whose items are produced (and dropped) one at a time while it is written."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def _reference(value: Any, level: int) -> str:
    """The standard library's own text (pure Python, slow), indented to ``level``."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + _INDENT * level)


#: How json writes a value of exactly this type (its subclasses take the reference path).
_PLAIN: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
    float: json.JSONEncoder(ensure_ascii=False).encode,  # NaN and Infinity spelt as json does
}


def _line_breaks(level: int) -> tuple[str, str]:
    """The line break before a member at ``level`` + 1, and before the closing bracket."""
    outer = "\n" + _INDENT * level
    return outer + _INDENT, outer


#: Line breaks for the levels reports reach, worked out once (deeper ones on demand).
_BREAKS = [_line_breaks(level) for level in range(16)]


def _indents(level: int) -> tuple[str, str]:
    return _BREAKS[level] if level < len(_BREAKS) else _line_breaks(level)


def encode(value: Any, level: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` for a value whose first character
    sits at indentation ``level`` (its inner lines are indented to match)."""
    kind = type(value)
    plain = _PLAIN.get(kind)
    if plain is not None:
        return plain(value)
    if kind is dict:
        if not value:
            return "{}"
        inner, outer = _indents(level)
        members = []
        for name, member in value.items():
            if type(name) is not str:
                return _reference(value, level)  # json's spelling of other keys
            plain = _PLAIN.get(type(member))
            text = encode(member, level + 1) if plain is None else plain(member)
            members.append(f"{encode_basestring(name)}: {text}")
        return "{" + inner + ("," + inner).join(members) + outer + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner, outer = _indents(level)
        items = []
        for item in value:
            plain = _PLAIN.get(type(item))
            items.append(encode(item, level + 1) if plain is None else plain(item))
        return "[" + inner + ("," + inner).join(items) + outer + "]"
    return _reference(value, level)


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
            out(f"{separator}{encode_basestring(name)}: ")
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
