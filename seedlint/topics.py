"""The topic notes a vault holds, scanned once per run for T001 and its suggestions.

The index never leaves the topics root: a `topics` folder that is a symbolic link leading
outside it (a committed `topics -> /`) is not walked, and links to folders inside are not
followed, so no name from elsewhere on the machine ever reaches a message.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

NOTE_SUFFIX = ".md"
TOPICS_FOLDER = "topics"
#: Near names offered in a message (never as a fix), and how close they must be
#: (rapidfuzz's normalised Indel similarity, 0-100, on the loose forms below).
NEAR_LIMIT = 3
NEAR_CUTOFF = 80
#: A typo is fixed only inside a word at least this long: in a short word one letter is
#: another word (`AI` / `AX`, `Model` / `Modal`).
LONG_WORD = 6


def normalise(path: str) -> str:
    """NFC, so that a name typed on Linux matches one stored decomposed by macOS."""
    if path.isascii():  # already NFC, and most paths are: skip the table lookups
        return path
    return unicodedata.normalize("NFC", path)


def loose_words(name: str) -> tuple[str, ...]:
    """``name``'s words without case, accents, spacing or punctuation: two names with
    the same loose words are the same name written differently."""
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(char for char in decomposed if not unicodedata.combining(char))
    words: list[str] = []
    current: list[str] = []
    for char in name.casefold():
        if char.isalnum():
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return tuple(words)


class Suggestions(NamedTuple):
    """What a broken reference probably meant.

    ``renames``: notes that differ from it only in case, spacing, punctuation, accents or
    category folder, or by one small typo in a long word (safe enough for a fix when there
    is exactly one). ``near``: other close names, for the message only.
    """

    renames: tuple[str, ...]
    near: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return self.renames or self.near


@dataclass(frozen=True)
class TopicIndex:
    """Every ``<root>/topics/**/<Name>.md``, keyed ``Category/Name`` (no suffix, NFC).

    ``exists`` is False when the topics folder is absent, or is a link leading outside
    the topics root (``escapes``): T001 then checks nothing and says so once, instead of
    flagging every reference of the vault.
    """

    root: Path
    exists: bool
    notes: frozenset[str]
    escapes: bool = False
    # Loose name (its loose words joined, spacing gone) -> its notes, sorted.
    _by_loose: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _by_name: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _suggested: dict[str, Suggestions] = field(default_factory=dict, repr=False)
    # The fuzzy index of the loose names, built on the first reference no look-up finds.
    _fuzzy: list[_FuzzyNames] = field(default_factory=list, repr=False)
    # The categories (folders) holding at least one note, worked out on the first question.
    _categories: list[frozenset[str]] = field(default_factory=list, repr=False)

    @property
    def folder(self) -> Path:
        return self.root / TOPICS_FOLDER

    @classmethod
    def scan(cls, root: Path) -> TopicIndex:
        folder = root / TOPICS_FOLDER
        if not folder.is_dir():
            return cls(root, False, frozenset())
        real_root = os.path.realpath(root)
        real = os.path.realpath(folder)
        if not (real == real_root or real.startswith(os.path.join(real_root, ""))):
            return cls(root, False, frozenset(), escapes=True)
        notes: set[str] = set()
        # followlinks=False: a linked folder inside is listed, never entered.
        for current, folders, files in os.walk(folder, onerror=None, followlinks=False):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            relative = Path(current).relative_to(folder).as_posix()
            prefix = "" if relative == "." else relative + "/"
            for name in files:
                if name.endswith(NOTE_SUFFIX) and not name.startswith("."):
                    notes.add(normalise(prefix + name[: -len(NOTE_SUFFIX)]))
        by_name: dict[str, list[str]] = {}
        by_loose: dict[str, list[str]] = {}
        for note in sorted(notes):
            by_name.setdefault(_name(note).casefold(), []).append(note)
            by_loose.setdefault("".join(loose_words(_name(note))), []).append(note)
        return cls(
            root,
            True,
            frozenset(notes),
            _by_loose={key: tuple(value) for key, value in by_loose.items()},
            _by_name={key: tuple(value) for key, value in by_name.items()},
        )

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and normalise(key) in self.notes

    def suggestions(self, key: str) -> tuple[str, ...]:
        """Notes the author probably meant by ``key`` (``Category/Name``), best first."""
        return self.lookup(key).all

    def lookup(self, key: str) -> Suggestions:
        """The renames and near names of ``key``; computed once a key.

        The same name written differently (`Concept/LangChain` for `Library/LangChain`,
        `Pre-training` for `Pre training`) is the commonest slip: a dictionary look-up.
        Anything else goes through one rapidfuzz scan of the note names (C speed, bounded
        by the number of names), never a Python loop over references times notes.
        """
        key = normalise(key)
        cached = self._suggested.get(key)
        if cached is not None:
            return cached
        words = loose_words(_name(key))
        loose = "".join(words)
        same = tuple(note for note in self._by_loose.get(loose, ()) if note != key) if loose else ()
        found = Suggestions(_ranked(key, same), ()) if same else self._close(key, words)
        self._suggested[key] = found
        return found

    def has_category(self, category: str) -> bool:
        """Whether a note of the index sits directly in ``topics/<category>/``."""
        if not self._categories:
            self._categories.append(frozenset(note.rpartition("/")[0] for note in self.notes))
        return normalise(category) in self._categories[0]

    def with_name(self, name: str) -> tuple[str, ...]:
        """Notes whose name (last path part) is exactly ``name``."""
        name = normalise(name)
        return tuple(note for note in self._by_name.get(name.casefold(), ()) if _name(note) == name)

    def _close(self, key: str, words: tuple[str, ...]) -> Suggestions:
        """Close spellings of ``key``'s name, in any category: a typo in one long word is
        a rename; otherwise the closest names are near names."""
        if not words or not self._by_loose:
            return Suggestions((), ())
        if not self._fuzzy:
            self._fuzzy.append(_FuzzyNames(tuple(self._by_loose)))
        fuzzy = self._fuzzy[0]
        query = "".join(words)
        renames = [
            note
            for loose in fuzzy.one_edit_away(query)
            for note in self._by_loose[loose]
            if _one_typo(words, loose_words(_name(note)))
        ]
        if renames:
            return Suggestions(_ranked(key, tuple(renames)), ())
        near = [note for loose in fuzzy.near(query) for note in self._by_loose[loose]]
        return Suggestions((), tuple(near[:NEAR_LIMIT]))


class _FuzzyNames:
    """The loose note names, for what a dictionary look-up cannot find.

    Renames: every name with one letter deleted is indexed (SymSpell's symmetric
    deletion), so the names one letter added, dropped, changed or two swapped away are
    found by the query's own deletions, a few dictionary look-ups. Near names: one
    rapidfuzz scan of the names (normalised Indel similarity, in C, about a
    microsecond for 10 names), never a Python comparison a note.
    """

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.deleted: dict[str, list[int]] = {}
        for number, name in enumerate(names):
            for variant in _deletions(name) | {name}:
                self.deleted.setdefault(variant, []).append(number)

    def one_edit_away(self, query: str) -> list[str]:
        from rapidfuzz.distance import OSA

        found = {
            number
            for variant in _deletions(query) | {query}
            for number in self.deleted.get(variant, ())
        }
        close = (self.names[number] for number in found)
        return sorted(name for name in close if OSA.distance(query, name) == 1)

    def near(self, query: str) -> list[str]:
        from rapidfuzz import fuzz, process

        matches = process.extract(
            query, self.names, scorer=fuzz.ratio, limit=NEAR_LIMIT, score_cutoff=NEAR_CUTOFF
        )
        return [name for name, _score, _ in matches]


def _deletions(word: str) -> set[str]:
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


def is_rename(key: str, note: str) -> bool:
    """``note`` is ``key`` written differently (case, spacing, punctuation, accents,
    category folder) or with one typo in a long word: safe enough to offer as a fix."""
    words, other = loose_words(_name(key)), loose_words(_name(note))
    if words and "".join(words) == "".join(other):
        return True
    return _one_typo(words, other)


def _ranked(key: str, notes: tuple[str, ...]) -> tuple[str, ...]:
    """The same category first, then by name."""
    category = key.rpartition("/")[0]
    return tuple(sorted(notes, key=lambda note: (note.rpartition("/")[0] != category, note)))


def _one_typo(words: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """The two names have the same words but one, and that one differs by a single
    letter added, dropped, changed or two swapped, in a word of at least LONG_WORD."""
    if len(words) != len(other):
        return False
    differing = [(a, b) for a, b in zip(words, other, strict=True) if a != b]
    if len(differing) != 1:
        return False
    (a, b) = differing[0]
    if min(len(a), len(b)) < LONG_WORD:
        return False
    from rapidfuzz.distance import OSA

    return bool(OSA.distance(a, b) == 1)


def _name(key: str) -> str:
    return key.rpartition("/")[2]
