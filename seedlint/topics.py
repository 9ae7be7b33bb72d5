"""The topic notes a vault holds, scanned once per run for T001 and its suggestions."""

from __future__ import annotations

import difflib
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

NOTE_SUFFIX = ".md"
TOPICS_FOLDER = "topics"


def normalise(path: str) -> str:
    """NFC, so that a name typed on Linux matches one stored decomposed by macOS."""
    if path.isascii():  # already NFC, and most paths are: skip the table lookups
        return path
    return unicodedata.normalize("NFC", path)


@dataclass(frozen=True)
class TopicIndex:
    """Every ``<root>/topics/**/<Name>.md``, keyed ``Category/Name`` (no suffix, NFC).

    ``exists`` is False when the topics folder is absent: T001 then checks nothing and
    says so once, instead of flagging every reference of the vault.
    """

    root: Path
    exists: bool
    notes: frozenset[str]
    _by_name: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _suggested: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def folder(self) -> Path:
        return self.root / TOPICS_FOLDER

    @classmethod
    def scan(cls, root: Path) -> TopicIndex:
        folder = root / TOPICS_FOLDER
        if not folder.is_dir():
            return cls(root, False, frozenset())
        notes: set[str] = set()
        for current, folders, files in os.walk(folder, onerror=None):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            relative = Path(current).relative_to(folder).as_posix()
            prefix = "" if relative == "." else relative + "/"
            for name in files:
                if name.endswith(NOTE_SUFFIX) and not name.startswith("."):
                    notes.add(normalise(prefix + name[: -len(NOTE_SUFFIX)]))
        by_name: dict[str, list[str]] = {}
        for note in sorted(notes):
            by_name.setdefault(_name(note).casefold(), []).append(note)
        return cls(
            root, True, frozenset(notes), {key: tuple(value) for key, value in by_name.items()}
        )

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and normalise(key) in self.notes

    def suggestions(self, key: str) -> tuple[str, ...]:
        """Notes the author probably meant by ``key`` (``Category/Name``), best first.

        The same name filed under another category (or in another letter case) is the
        commonest slip and wins outright; otherwise close spellings of the name in any
        category, the likeliest first.
        """
        key = normalise(key)
        cached = self._suggested.get(key)
        if cached is not None:
            return cached
        same_name = tuple(
            note for note in self._by_name.get(_name(key).casefold(), ()) if note != key
        )
        found = same_name or self._close(key)
        self._suggested[key] = found
        return found

    def with_name(self, name: str) -> tuple[str, ...]:
        """Notes whose name (last path part) is exactly ``name``."""
        name = normalise(name)
        return tuple(note for note in self._by_name.get(name.casefold(), ()) if _name(note) == name)

    def _close(self, key: str) -> tuple[str, ...]:
        """Notes whose name is a close spelling of ``key``'s, in any category.

        Names, not whole paths, are compared: a slip in the category alone is already
        caught by the same-name search, and one pass over the names is half the work.
        """
        folded_key = key.casefold()
        scored: dict[str, float] = {}
        for match in difflib.get_close_matches(
            _name(folded_key), list(self._by_name), n=3, cutoff=0.8
        ):
            for note in self._by_name[match]:
                scored[note] = difflib.SequenceMatcher(None, folded_key, note.casefold()).ratio()
        return tuple(sorted(scored, key=lambda note: (-scored[note], note))[:3])


def _name(key: str) -> str:
    return key.rpartition("/")[2]
