"""One seed file, read and parsed once: every rule reads this and none re-reads the file."""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pyromark

from seedlint._yaml import KeyEntry, LoadedYaml, Span, load_front_matter
from seedlint.findings import Position

_LINE_BREAK = re.compile(r"\r\n?|\n")
_FENCE = re.compile(r"---[ \t]*(?:\r\n?|\n|\Z)")
_PARSER_OPTIONS = pyromark.Options.ENABLE_WIKILINKS


class UnreadableFile(Exception):
    """The file cannot be linted at all (E001); the message names the reason."""


@dataclass(frozen=True, slots=True)
class Node:
    """A CommonMark node with its span as character offsets into the whole file."""

    kind: str
    start: int
    end: int
    children: tuple[Node, ...] = ()
    level: int = 0
    dest: str = ""
    link_type: str = ""
    text: str = ""

    def plain_text(self) -> str:
        return "".join([node.text for node in self.walk() if node.kind in ("text", "code")])

    def walk(self) -> Iterator[Node]:
        """This node and its descendants in document order.

        A loop, not recursion: Markdown nests without limit (10,000 `>` make 10,000
        block quotes) and a recursive walk would exhaust the Python stack.
        """
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if node.children:  # most nodes are leaves: no reversed() to make for them
                stack.extend(reversed(node.children))


@dataclass(frozen=True, slots=True)
class Section:
    """A level-2 heading and the top-level blocks up to the next level-1 or level-2 one."""

    title: str
    heading: Node
    blocks: tuple[Node, ...]

    @property
    def end(self) -> int:
        return self.blocks[-1].end if self.blocks else self.heading.end


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The ``---`` block: its spans, and the YAML read from it."""

    start: int  # offset of the opening fence
    content_start: int  # offset of the first YAML line
    content_end: int  # offset of the closing fence
    end: int  # offset just past the closing fence's line break
    yaml: LoadedYaml

    def entry(self, key: str) -> KeyEntry | None:
        found = None
        for entry in self.yaml.entries:
            if entry.key == key:
                found = entry
        return found


class LineIndex:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
        self.length = len(text)

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line + 1, offset - self.starts[line] + 1)

    def line_span(self, line: int) -> tuple[int, int]:
        """Start and end (before the line break) of a 1-based line."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else self.length
        return start, end


@dataclass(frozen=True)
class Document:
    path: str
    text: str
    has_bom: bool
    front_matter: FrontMatter | None
    # Present when the file opens with `---` but no closing fence follows.
    unclosed_front_matter: bool
    body_start: int
    blocks: tuple[Node, ...]
    lines: LineIndex = field(repr=False)

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        return _sections(self.blocks)

    def section(self, title: str) -> Section | None:
        for section in self.sections:
            if section.title == title:
                return section
        return None

    def line_text(self, line: int) -> str:
        start, end = self.lines.line_span(line)
        return self.text[start:end].rstrip("\r\n")

    @property
    def front_values(self) -> dict[str, Any]:
        return self.front_matter.yaml.values if self.front_matter else {}


# UTF-32 first: its little-endian mark begins with UTF-16's.
_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def decode(data: bytes) -> tuple[str, bool]:
    """Decode a seed's bytes, or raise UnreadableFile with the reason and where it is.

    Only UTF-8 is read (a BOM is allowed and remembered so a fix can keep it). Other
    encodings are refused rather than guessed: a wrong guess would be written back by
    ``fix`` as mojibake, so the user is told which encoding to convert from instead.
    """
    for bom, name in _FOREIGN_BOMS:
        if data.startswith(bom):
            raise UnreadableFile(f"{name} text (byte order mark {bom.hex(' ')}): save it as UTF-8")
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if has_bom else data
    # No text editor writes NUL: a file holding one is binary, whatever else is wrong.
    nul = body.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(f"binary file (NUL byte at {_where(body, nul)})")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = body[error.start : error.start + 1].hex()
        raise UnreadableFile(
            f"not valid UTF-8 (byte 0x{bad} at {_where(body, error.start)}): save it as UTF-8"
        ) from None
    return text, has_bom


def _where(data: bytes, offset: int) -> str:
    """'line L, column C' of a byte offset, counting characters of the valid prefix."""
    prefix = data[:offset].decode("utf-8", errors="replace")
    position = LineIndex(prefix).position(len(prefix))
    return f"line {position.line}, column {position.column}"


def parse(path: str, data: bytes) -> Document:
    text, has_bom = decode(data)
    return parse_text(path, text, has_bom=has_bom)


def parse_text(path: str, text: str, *, has_bom: bool = False) -> Document:
    front_matter, unclosed, body_start = _split_front_matter(text)
    blocks = _parse_body(text, body_start)
    return Document(
        path=path,
        text=text,
        has_bom=has_bom,
        front_matter=front_matter,
        unclosed_front_matter=unclosed,
        body_start=body_start,
        blocks=blocks,
        lines=LineIndex(text),
    )


def _split_front_matter(text: str) -> tuple[FrontMatter | None, bool, int]:
    opening = _FENCE.match(text)
    if opening is None:
        return None, False, 0
    content_start = opening.end()
    position = content_start
    while position < len(text):
        closing = _FENCE.match(text, position)
        if closing is not None:
            loaded = load_front_matter(text[content_start:position], content_start)
            front = FrontMatter(0, content_start, position, closing.end(), loaded)
            return front, False, closing.end()
        next_break = _LINE_BREAK.search(text, position)
        if next_break is None:
            break
        position = next_break.end()
    return None, True, len(text)


_NON_ASCII = re.compile("[^\x00-\x7f]+")


class _Offsets:
    """Maps the parser's UTF-8 byte offsets in the body to character offsets in the file.

    The body is cut into runs of non-ASCII characters of one UTF-8 width (é: 2 bytes,
    中: 3, emoji: 4); a byte offset is then one bisection and some arithmetic away from
    its character, whatever the length of the line (a 1 MB line costs no more per lookup).
    """

    __slots__ = ("base", "byte_starts", "runs")

    def __init__(self, body: str, base: int) -> None:
        self.base = base
        self.byte_starts: list[int] = []
        # Per run: first character, its width in bytes, end in bytes, extra bytes after it.
        self.runs: list[tuple[int, int, int, int]] = []
        extra = 0
        # One character class, not an alternation per width: the scan is 4x faster.
        for match in _NON_ASCII.finditer(body):
            for start, end, width in _uniform_runs(match.group(), match.start()):
                byte_start = start + extra
                extra += (end - start) * (width - 1)
                self.byte_starts.append(byte_start)
                self.runs.append((start, width, end + extra, extra))

    def __call__(self, byte_offset: int) -> int:
        index = bisect.bisect_right(self.byte_starts, byte_offset) - 1
        if index < 0:
            return self.base + byte_offset
        start, width, byte_end, extra = self.runs[index]
        if byte_offset >= byte_end:
            return self.base + byte_offset - extra
        return self.base + start + (byte_offset - self.byte_starts[index]) // width


def _uniform_runs(run: str, start: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, UTF-8 width) of the pieces of a non-ASCII run whose characters all
    have one width; most runs are one piece (a word of accented letters, of CJK)."""
    width = len(run[0].encode("utf-8"))
    if len(run.encode("utf-8")) == len(run) * width:
        yield start, start + len(run), width
        return
    piece_start = 0
    for index, char in enumerate(run):
        char_width = len(char.encode("utf-8"))
        if char_width != width:
            yield start + piece_start, start + index, width
            piece_start, width = index, char_width
    yield start + piece_start, start + len(run), width


_new_node = object.__new__
_NODE_SLOTS = tuple(
    getattr(Node, name).__set__
    for name in ("kind", "start", "end", "children", "level", "dest", "link_type", "text")
)


def _node(
    kind: str,
    start: int,
    end: int,
    children: tuple[Node, ...] = (),
    level: int = 0,
    dest: str = "",
    link_type: str = "",
    text: str = "",
) -> Node:
    """``Node(...)`` at half the cost: a frozen dataclass's ``__init__`` goes through
    ``object.__setattr__`` field by field, and a seed has about sixty nodes. The slots are
    written once here; the node is as frozen as any other afterwards."""
    node = _new_node(Node)
    kind_, start_, end_, children_, level_, dest_, link_type_, text_ = _NODE_SLOTS
    kind_(node, kind)
    start_(node, start)
    end_(node, end)
    children_(node, children)
    level_(node, level)
    dest_(node, dest)
    link_type_(node, link_type)
    text_(node, text)
    return node


_KINDS = {
    "Paragraph": "paragraph",
    "Heading": "heading",
    "BlockQuote": "blockquote",
    "CodeBlock": "code_block",
    "HtmlBlock": "html_block",
    "List": "list",
    "Item": "item",
    "Emphasis": "emphasis",
    "Strong": "strong",
    "Strikethrough": "strikethrough",
    "Link": "link",
    "Image": "image",
    "Table": "table",
    "TableHead": "table_head",
    "TableRow": "table_row",
    "TableCell": "table_cell",
    "FootnoteDefinition": "footnote",
    "MetadataBlock": "metadata",
    "DefinitionList": "definition_list",
}
_LEAVES = {
    "Text": "text",
    "Code": "code",
    "Html": "html",
    "InlineHtml": "inline_html",
    "InlineMath": "code",
    "DisplayMath": "code",
    "FootnoteReference": "text",
}


def _link_type(detail: dict[str, Any]) -> str:
    link_type = detail.get("link_type", "")
    if isinstance(link_type, dict):
        return str(next(iter(link_type))).lower()
    return str(link_type).lower()


def _parse_body(text: str, body_start: int) -> tuple[Node, ...]:
    """The body's CommonMark tree, built from the parser's flat event stream.

    Adjacent text events that are verbatim source (``<<<<`` comes as four one-character
    events) become one text node: a 1 MB line of ``<`` or ``[`` would otherwise make a
    million nodes and cost hundreds of megabytes.

    This loop runs for every event of every seed (about 130 a seed), so it is written for
    speed: no helper call per event, offsets computed inline for ASCII bodies.
    """
    body = text[body_start:]
    offsets = None if body.isascii() else _Offsets(body, body_start)
    root: list[Node] = []
    children = root  # the children of the innermost open node
    # Open nodes: tag, start offset, detail, the children list of their parent.
    stack: list[tuple[str, int, Any, list[Node]]] = []
    run_start = run_end = -1  # the verbatim text run not yet added to ``children``
    starts_with = text.startswith
    for event, span in pyromark.events_with_range(body, options=_PARSER_OPTIONS):
        name: str
        value: Any
        if isinstance(event, str):
            name, value = event, None
        else:
            ((name, value),) = event.items()
        if offsets is None:
            start = span["start"] + body_start
            end = span["end"] + body_start
        else:
            start = offsets(span["start"])
            end = offsets(span["end"])
        if name == "Text":
            piece = str(value)
            if end - start == len(piece) and starts_with(piece, start):
                if run_end != start:
                    if run_start >= 0:
                        children.append(
                            _node("text", run_start, run_end, text=text[run_start:run_end])
                        )
                    run_start = start
                run_end = end
                continue
        if run_start >= 0:
            children.append(_node("text", run_start, run_end, text=text[run_start:run_end]))
            run_start = run_end = -1
        if name == "Start":
            if isinstance(value, str):
                tag, detail = value, None
            else:
                ((tag, detail),) = value.items()
            stack.append((tag, start, detail, children))
            children = []
        elif name == "End":
            tag, node_start, detail, parent = stack.pop()
            parent.append(_make_node(tag, node_start, end, detail, children))
            children = parent
        else:
            kind = _LEAVES.get(name)
            if kind is not None:  # soft/hard breaks, rules, task markers carry no text
                children.append(_node(kind, start, end, text=str(value)))
    if run_start >= 0:
        children.append(_node("text", run_start, run_end, text=text[run_start:run_end]))
    return tuple(root)


def _make_node(tag: str, start: int, end: int, detail: Any, children: list[Node]) -> Node:
    kind = _KINDS.get(tag) or tag.lower()
    if kind == "heading":
        return _node(kind, start, end, tuple(children), int(detail["level"][1:]))
    if kind == "link" or kind == "image":
        dest = str(detail.get("dest_url", ""))
        return _node(kind, start, end, tuple(children), 0, dest, _link_type(detail))
    return _node(kind, start, end, tuple(children))


def _sections(blocks: tuple[Node, ...]) -> tuple[Section, ...]:
    sections: list[Section] = []
    current: tuple[str, Node] | None = None
    collected: list[Node] = []
    for block in blocks:
        if block.kind == "heading" and block.level <= 2:
            if current is not None:
                sections.append(Section(current[0], current[1], tuple(collected)))
            current = (block.plain_text().strip(), block) if block.level == 2 else None
            collected = []
        elif current is not None:
            collected.append(block)
    if current is not None:
        sections.append(Section(current[0], current[1], tuple(collected)))
    return tuple(sections)


def span_of(node: Node) -> Span:
    return Span(node.start, node.end)
