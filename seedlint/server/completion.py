"""Topic completion after `![[topics/` and `![](topics/`: category folders, then notes.

Only the text between the opening of the reference and the cursor is looked at, on the
cursor's line: that is where the user is typing, whatever the Markdown around it will be.
Names are fuzzy-matched (rapidfuzz) against what was typed; a Markdown embed gets the
path percent-encoded as the vault writes it (`Pre%20training`), a wikilink as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote

from lsprotocol import types
from rapidfuzz import fuzz

# The reference being typed, up to the cursor: `![[topics/...` or `![alt](topics/...`.
_WIKILINK = re.compile(r"!\[\[topics/([^\]|#]*)$")
_MARKDOWN = re.compile(r"!\[[^\]]*\]\(topics/([^)#]*)$")
_LIMIT = 100
_CUTOFF = 55.0


@dataclass(frozen=True, slots=True)
class Typed:
    style: Literal["wikilink", "markdown"]
    partial: str  # as typed, after `topics/` (percent-encoded for Markdown)
    start: int  # column (characters) where the partial starts


def typed_at(line_before_cursor: str) -> Typed | None:
    match = _WIKILINK.search(line_before_cursor)
    if match is not None:
        return Typed("wikilink", match[1], match.start(1))
    match = _MARKDOWN.search(line_before_cursor)
    if match is not None:
        return Typed("markdown", match[1], match.start(1))
    return None


def _score(query: str, choice: str) -> float:
    if not query:
        return 100.0
    folded, target = query.casefold(), choice.casefold()
    if target.startswith(folded):
        return 200.0 - len(target) / 1000
    return float(fuzz.WRatio(folded, target))


def _ranked(query: str, choices: Iterable[str]) -> list[str]:
    scored = [(score, choice) for choice in choices if (score := _score(query, choice)) >= _CUTOFF]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [choice for _, choice in scored[:_LIMIT]]


def items(
    typed: Typed, notes: frozenset[str], replace: types.Range, after_cursor: str
) -> list[types.CompletionItem]:
    """Completion items for what was typed; ``replace`` covers the partial."""
    partial = unquote(typed.partial) if typed.style == "markdown" else typed.partial
    category, slash, name = partial.rpartition("/")
    found: list[types.CompletionItem] = []
    if not slash:  # still typing the category: folders first, then notes of any category
        categories = sorted({note.partition("/")[0] for note in notes if "/" in note})
        for rank, folder in enumerate(_ranked(partial, categories)):
            found.append(_item(typed, f"{folder}/", types.CompletionItemKind.Folder, rank, ""))
        for rank, note in enumerate(_ranked(partial, notes)):
            found.append(_note(typed, note, rank, after_cursor))
    else:
        inside = [note for note in notes if note.rpartition("/")[0] == category]
        names = {note.rpartition("/")[2]: note for note in inside}
        for rank, matched in enumerate(_ranked(name, names)):
            found.append(_note(typed, names[matched], rank, after_cursor))
    for item in found:
        item.text_edit = types.TextEdit(replace, item.text_edit.new_text if item.text_edit else "")
    return found


def _encoded(typed: Typed, path: str) -> str:
    return quote(path, safe="/") if typed.style == "markdown" else path


def _item(
    typed: Typed, label: str, kind: types.CompletionItemKind, rank: int, closing: str
) -> types.CompletionItem:
    text = _encoded(typed, label) + closing
    group = "0" if kind == types.CompletionItemKind.Folder else "1"
    return types.CompletionItem(
        label=label,
        kind=kind,
        sort_text=f"{group}{rank:04d}",
        filter_text=_encoded(typed, label),
        text_edit=types.TextEdit(types.Range(types.Position(0, 0), types.Position(0, 0)), text),
    )


def _note(typed: Typed, note: str, rank: int, after_cursor: str) -> types.CompletionItem:
    if typed.style == "wikilink":
        closing = "" if after_cursor.startswith("]]") else "]]"
    else:
        closing = "" if after_cursor.startswith(")") else ")"
    item = _item(typed, note, types.CompletionItemKind.File, rank, closing)
    item.detail = f"topics/{note}.md"
    return item
