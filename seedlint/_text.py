"""Small string tests shared by rules, written for the hot path."""

from __future__ import annotations

import re

# `\s` in a str pattern is exactly `str.isspace()` (checked over every code point), and
# one search in C beats a Python loop over the characters by about twenty times.
_WHITESPACE = re.compile(r"\s")


def has_whitespace(text: str) -> bool:
    """True when any character of ``text`` is whitespace in ``str.isspace``'s sense."""
    return _WHITESPACE.search(text) is not None


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: The URLs nearly every seed holds: http(s), an ASCII domain name of two labels or more
#: with a top label that starts with a letter, a port of four digits at most, then
#: printable ASCII. Whatever matches passes every check of L003's ``url_problem`` (except
#: the 253-character host limit, tested beside it), so rules can take a short path for it
#: and keep the general one (urlsplit, character checks) for the rest.
PLAIN_URL = re.compile(
    rf"https?://(?P<host>(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?)"
    r"(?P<port>:[0-9]{1,4})?(?:[/?#][!-~]*)?"
)
