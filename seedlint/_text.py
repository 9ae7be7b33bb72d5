"""Small string tests shared by rules, written for the hot path."""

from __future__ import annotations

import re

# `\s` in a str pattern is exactly `str.isspace()` (checked over every code point), and
# one search in C beats a Python loop over the characters by about twenty times.
_WHITESPACE = re.compile(r"\s")


def has_whitespace(text: str) -> bool:
    """True when any character of ``text`` is whitespace in ``str.isspace``'s sense."""
    return _WHITESPACE.search(text) is not None
