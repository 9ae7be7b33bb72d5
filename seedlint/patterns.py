"""Regular expressions and globs from configuration, matched in time linear in the input.

A repository's `seedlint.toml` is untrusted: `tag-pattern = '^(a|a)+$'` run by Python's
backtracking `re` on a tag of 40 `a` never ends, and no Ctrl-C gets through while it
runs. Patterns from configuration are therefore compiled with RE2 (`google-re2`), which
guarantees linear time and refuses what needs backtracking (backreferences, lookaround):
such a pattern is a one-line configuration error naming its key. Globs go through
pathspec's gitignore rules on the RE2 backend, compiled once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pathspec

# re2 and pathspec are imported where first needed: a run whose configuration has no
# pattern or glob (a pre-commit hook on one file) does not pay for loading them.


class Matcher(Protocol):
    """What seedlint needs of a compiled pattern (RE2's and ``re``'s objects both fit)."""

    def search(self, text: str) -> Any: ...

    def fullmatch(self, text: str) -> Any: ...


class PatternError(ValueError):
    """A pattern RE2 cannot compile; the message says why, in one line."""


def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own complaint on stderr
    return options


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Matcher:
    """``pattern`` compiled for linear-time matching (Python's syntax, minus backtracking).

    Raises :class:`PatternError` for a pattern that is invalid or needs backtracking.
    """
    import re2

    try:
        compiled: Matcher = re2.compile(pattern, _options())
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(
            f"invalid regular expression {pattern!r}: {reason} (patterns run on RE2: no "
            "backreferences or lookaround)"
        ) from None
    return compiled


@dataclass(frozen=True)
class GlobSet:
    """Globs with `.gitignore` rules, relative to ``root``: `name.md` and `drafts/` match at
    any depth, `contents/*.md` from the root, `**` across folders, `!` re-includes.

    A file matches when it or a folder above it (inside ``root``) does. A path outside
    ``root`` is matched by its name alone. One compiled spec serves every look-up; RE2
    keeps each one linear in the length of the path, whatever the patterns.
    """

    patterns: tuple[str, ...]
    root: str

    @classmethod
    def of(cls, patterns: Iterable[str], root: str | os.PathLike[str]) -> GlobSet:
        return cls(tuple(patterns), os.path.abspath(root))

    @cached_property
    def spec(self) -> pathspec.PathSpec[Any] | None:
        """Compiled on first use (once): a run that never asks pays nothing."""
        return compile_globs(self.patterns) if self.patterns else None

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def relative(self, path: str) -> str | None:
        """``path`` relative to the root, slash-separated; None when it lies outside."""
        relative = os.path.relpath(os.path.abspath(path), self.root)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        return relative.replace(os.sep, "/")

    def matches(self, path: str, *, is_dir: bool = False) -> bool:
        if self.spec is None:
            return False
        relative = self.relative(path)
        if relative is None or relative == ".":
            relative = os.path.basename(os.path.abspath(path))
        return self.spec.match_file(relative + "/" if is_dir else relative)


def compile_globs(patterns: Sequence[str]) -> pathspec.PathSpec[Any]:
    """Globs compiled with git's own `.gitignore` rules, on RE2."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(patterns), backend=_glob_backend())


@lru_cache(maxsize=1)
def _glob_backend() -> str:
    # RE2 where pathspec can use it (it can, with google-re2 installed); otherwise the
    # plain backend, whose patterns pathspec already collapses (`**/**/` -> `**/`).
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines(["a"], backend="re2")
    except Exception:
        return "simple"
    return "re2"
