"""Open documents and the protocol's positions: lines end at CRLF, CR or LF (as in the
LSP and in seedlint's own line index, not at the other breaks `str.splitlines` knows),
and a column counts UTF-16 code units unless the client agreed to UTF-8 or UTF-32."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from lsprotocol import types

_LINE_BREAK = re.compile(r"\r\n?|\n")
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str) -> int:
    """The length of ``text`` in the encoding's code units."""
    if text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text)


def characters(line: str, count: int, encoding: str) -> int:
    """How many characters of ``line`` make up ``count`` code units (a position inside a
    character counts as after it; past the end is the end)."""
    if line.isascii() or encoding == UTF32:
        return min(count, len(line))
    seen = 0
    for index, char in enumerate(line):
        if seen >= count:
            return index
        point = ord(char)
        if encoding == UTF16:
            seen += 2 if point > 0xFFFF else 1
        else:
            seen += 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    return len(line)


@dataclass
class OpenDocument:
    """The client's text of one document, as the client last sent it."""

    uri: str
    path: str | None  # None: not a file (untitled:, another scheme)
    text: str
    version: int
    encoding: str = UTF16
    starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self.starts = [0, *(match.end() for match in _LINE_BREAK.finditer(self.text))]

    def line_text(self, line: int) -> str:
        """The 0-based line ``line`` without its line break."""
        if line < 0 or line >= len(self.starts):
            return ""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset(self, position: types.Position) -> int:
        """The character offset of a client position (clamped into the text)."""
        line = min(max(position.line, 0), len(self.starts) - 1)
        if position.line >= len(self.starts):
            return len(self.text)
        text = self.line_text(line)
        return self.starts[line] + characters(text, max(position.character, 0), self.encoding)

    def position(self, line: int, column: int) -> types.Position:
        """The client position of seedlint's 1-based ``line``:``column`` (characters)."""
        text = self.line_text(line - 1)
        if line == 1 and self.has_bom:
            column += 1  # seedlint counts from after the byte order mark
        return types.Position(line - 1, units(text[: max(column - 1, 0)], self.encoding))

    def position_at(self, offset: int) -> types.Position:
        """The client position of a character offset into ``text`` (BOM included)."""
        line = bisect.bisect_right(self.starts, offset) - 1
        text = self.text[self.starts[line] : offset]
        return types.Position(line, units(text, self.encoding))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(self.position(line, column), self.position(end_line, end_column))

    def seedlint_position(self, position: types.Position) -> tuple[int, int]:
        """seedlint's 1-based line and column (characters) of a client position."""
        offset = self.offset(position)
        line = bisect.bisect_right(self.starts, offset) - 1
        column = offset - self.starts[line] + 1
        if line == 0 and self.has_bom:
            column = max(column - 1, 1)
        return line + 1, column

    @property
    def has_bom(self) -> bool:
        return self.text.startswith("\ufeff")

    @property
    def content(self) -> str:
        """The text seedlint reads: without the byte order mark, which it never counts."""
        return self.text[1:] if self.has_bom else self.text

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = self.offset(change.range.start)
            end = max(start, self.offset(change.range.end))
            self.text = self.text[:start] + change.text + self.text[end:]
        else:
            self.text = change.text
        self._index()

    @property
    def end(self) -> types.Position:
        return self.position_at(len(self.text))
