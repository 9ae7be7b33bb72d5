"""whitespace rules."""

from __future__ import annotations

RULES: tuple[object, ...] = ()
