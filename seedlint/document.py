"""One seed file, read and parsed once: every rule reads this and none re-reads the file."""

from __future__ import annotations

import bisect
import codecs
import functools
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Any, TypeVar

import pyromark

from seedlint._yaml import KeyEntry, LoadedYaml, Span, load_front_matter
from seedlint.findings import Position

_LINE_BREAK = re.compile(r"\r\n?|\n")
_FENCE = re.compile(r"---[ \t]*(?:\r\n?|\n|\Z)")
_PARSER_OPTIONS = pyromark.Options.ENABLE_WIKILINKS
# Texts up to this many characters have their lines split at C speed (see LineIndex).
_SPLITLINES_LIMIT = 1 << 20


class UnreadableFile(Exception):
    """The file cannot be linted at all (E001); the message names the reason."""


# -- how much Markdown a file may ask for ----------------------------------------------------
#
# The parser builds its whole block tree before it yields an event, at some 50 bytes a node,
# and the tree below costs about 200 bytes a node more: a body that is one node a byte (10 MB
# of `>`, nested block quotes; of `- `, nested lists) would cost 2.6 GB. So a large body is
# measured before it is parsed, and the tree is counted while it is built; past either bound
# the file is E001 "too complex" (docs/robustness.md: under 50 bytes of memory a byte).

#: Bodies up to this many characters are never measured first: a seed is a few KB, and a
#: 64 KB note costs a few MB whatever its shape.
COMPLEX_FLOOR = 1 << 16
#: At most one markup character a this many characters of a large body: each can open a
#: node (`>` a block quote, `- ` an item, `[` a link, `*` an emphasis, `<` an HTML span...).
#: Prose and real notes hold one in 20 or more; 10 MB of `>` or `[` hold one a character.
MARKER_SPACING = 6
#: At most one container or leaf node a this many characters of the body (text runs, which
#: sit between them, come on top), and never fewer than MIN_NODES: a seed makes one a 80
#: characters or so, and 100,000 cost some 40 MB.
NODE_SPACING = 32
MIN_NODES = 100_000
_MARKUP = (">", "- ", "+ ", ". ", ") ", "*", "_", "`", "[", "]", "<", "!", "&", "\\")


def _too_complex(what: str) -> UnreadableFile:
    return UnreadableFile(
        f"too complex: {what} (seedlint's Markdown bound, see docs/robustness.md)"
    )


def _measure(body: str) -> None:
    """Refuse, before the parser's block pass, a large body dense with markup."""
    if len(body) <= COMPLEX_FLOOR:
        return
    markers = sum(body.count(marker) for marker in _MARKUP)
    if markers * MARKER_SPACING > len(body):
        raise _too_complex(
            f"{markers} Markdown markup characters in {len(body)} characters "
            f"(at most one a {MARKER_SPACING})"
        )


_TEXT_KINDS = ("text", "code")


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
        children = self.children
        if len(children) == 1 and not children[0].children and self.kind not in _TEXT_KINDS:
            # The common shape (a heading, a link title, an alt text of one text node):
            # no walk.
            only = children[0]
            return only.text if only.kind in _TEXT_KINDS else ""
        return "".join([node.text for node in self.walk() if node.kind in _TEXT_KINDS])

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
        """The entry of ``key`` (the last one, when the key is repeated)."""
        return self.yaml.by_key.get(key)


class LineIndex:
    def __init__(self, text: str) -> None:
        """Line starts: 0 and the end of every line break (``\r\n``, ``\r`` or ``\n``).

        ``splitlines`` and ``accumulate`` find them at C speed, four times faster than a
        regex's match objects. ``splitlines`` also breaks at ``\v``, ``\f``, ``\x1c``-``\x1e``,
        ``\x85``, ``\u2028`` and ``\u2029``, which are not line breaks here: counting the
        real breaks tells whether it met one, and then the regex does the work. So does a
        text over a megabyte, where a list of its lines would cost more memory than it saves.
        """
        self.length = length = len(text)
        if length <= _SPLITLINES_LIMIT:
            lines = text.splitlines(True)
            breaks = text.count("\n")
            if "\r" in text:
                breaks += text.count("\r") - text.count("\r\n")
            unended = length > 0 and text[-1] not in "\r\n"  # a last line without a break
            # Equal counts: splitlines met no other break, or met one only as the very last
            # character, where it ends the unended last line whose start is dropped anyway.
            if len(lines) == breaks + unended:
                self.starts = list(accumulate(map(len, lines), initial=0))
                if unended:
                    self.starts.pop()  # the text's length, not a line start
                return
        self.starts = [0]
        self.starts.extend(match.end() for match in _LINE_BREAK.finditer(text))

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


_T = TypeVar("_T")


def per_document(function: Callable[[Document], _T]) -> Callable[[Document], _T]:
    """``function(doc)`` computed once a document and kept on it, as ``cached_property``
    keeps ``sections``: for the views several rules read (the Links section, the
    headings, the topic references). The value goes with its document."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def once(doc: Document) -> _T:
        memo = doc.__dict__
        try:
            return memo[name]  # type: ignore[no-any-return]
        except KeyError:
            value = memo[name] = function(doc)
            return value

    return once


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
    # The closing fence is the first line start from content_start on where _FENCE
    # matches. Jumping from `---` to `---` finds it without a regex call per line: a line
    # starts at content_start or just past a \r or \n (never mid-\r\n: that is a \n).
    position = text.find("---", content_start)
    while position != -1:
        if position == content_start or text[position - 1] in "\r\n":
            closing = _FENCE.match(text, position)
            if closing is not None:
                loaded = load_front_matter(text[content_start:position], content_start)
                front = FrontMatter(0, content_start, position, closing.end(), loaded)
                return front, False, closing.end()
        position = text.find("---", position + 1)
    return None, True, len(text)


_RUNS_FOUND = threading.local()


def _note_non_ascii_run(error: UnicodeError) -> tuple[str, int]:
    """The ``seedlint.non-ascii-runs`` codec error handler: notes a run of non-ASCII
    characters (CPython hands it each run whole) and lets the encoder go on past it."""
    assert isinstance(error, UnicodeEncodeError)
    _RUNS_FOUND.runs += (error.start, error.end)  # flat: no tuple a run on a huge body
    return "", error.end


codecs.register_error("seedlint.non-ascii-runs", _note_non_ascii_run)


class _Offsets:
    """Maps the parser's UTF-8 byte offsets in the body to character offsets in the file.

    The body is cut into segments on which the map is linear: ASCII stretches (a byte a
    character) and runs of non-ASCII characters of one UTF-8 width (é: 2 bytes, 中: 3,
    emoji: 4). A byte offset is then one bisection and some arithmetic away from its
    character, whatever the length of the line (a 1 MB line costs no more per lookup).
    Most offsets need no bisection: those up to ``first`` (the first non-ASCII byte) are
    the base plus the offset, those from ``last`` (past the last non-ASCII character) are
    ``last_shift`` plus the offset; ``_parse_body`` tests the first inline before calling.
    """

    __slots__ = ("byte_starts", "char_starts", "first", "last", "last_shift", "widths")

    def __init__(self, body: str, base: int) -> None:
        # Per segment: first byte, its character in the file, bytes a character.
        byte_starts = [0]
        char_starts = [base]
        widths = [1]
        extra = 0  # bytes beyond one a character so far
        # The runs of non-ASCII characters, found by encoding to ASCII with a handler that
        # notes them: the C encoder's scan is ten times faster than a regex's, and a seed's
        # body holds only a run or two ('Zürich'). The list is per thread, as the handler is
        # shared.
        runs: list[int] = []  # start, end, start, end...
        _RUNS_FOUND.runs = runs
        body.encode("ascii", "seedlint.non-ascii-runs")
        _RUNS_FOUND.runs = None  # a huge body's runs are not kept until the next body
        for run_start, run_end in zip(runs[::2], runs[1::2], strict=True):
            run = body[run_start:run_end]
            if run_end - run_start == 1:  # the commonest run: one accented letter
                pieces: Iterable[tuple[int, int, int]] = (
                    (run_start, run_end, len(run.encode("utf-8"))),
                )
            else:
                pieces = _uniform_runs(run, run_start)
            for start, end, width in pieces:
                if byte_starts[-1] == start + extra:  # the segment before is empty: replace it
                    char_starts[-1] = base + start
                    widths[-1] = width
                else:
                    byte_starts.append(start + extra)
                    char_starts.append(base + start)
                    widths.append(width)
                extra += (end - start) * (width - 1)
                byte_starts.append(end + extra)  # the ASCII after the run, maybe empty
                char_starts.append(base + end)
                widths.append(1)
        self.byte_starts = byte_starts
        self.char_starts = char_starts
        self.widths = widths
        if len(byte_starts) == 1:  # no run at all: an ASCII body
            self.first = sys.maxsize
        else:
            self.first = byte_starts[1] if widths[0] == 1 else 0
        self.last = byte_starts[-1]  # the last segment is ASCII: widths[-1] == 1
        self.last_shift = char_starts[-1] - byte_starts[-1]

    def __call__(self, byte_offset: int) -> int:
        if byte_offset <= self.first:
            return self.char_starts[0] + byte_offset
        if byte_offset >= self.last:
            return byte_offset + self.last_shift
        index = bisect.bisect_right(self.byte_starts, byte_offset) - 1
        return (
            self.char_starts[index] + (byte_offset - self.byte_starts[index]) // self.widths[index]
        )


def _utf8_width(char: str) -> int:
    point = ord(char)
    return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4


def _uniform_runs(run: str, start: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, UTF-8 width) of the pieces of a non-ASCII run whose characters all
    have one width; most runs are one piece (a word of accented letters, of CJK)."""
    width = len(run[0].encode("utf-8"))
    # Uniform when the lowest and highest code points have one width: a byte count alone
    # would take `中éé😀😀` (3+2+2+4+4 = 5 x 3 bytes) for a run of 3-byte characters.
    if _utf8_width(min(run)) == _utf8_width(max(run)):
        yield start, start + len(run), width
        return
    piece_start = 0
    for index, char in enumerate(run):
        char_width = len(char.encode("utf-8"))
        if char_width != width:
            yield start + piece_start, start + index, width
            piece_start, width = index, char_width
    yield start + piece_start, start + len(run), width


class _NewNode:
    """``Node(...)`` at half the cost. A frozen dataclass's ``__init__`` writes its fields
    through ``object.__setattr__`` one by one, and a seed has about fifty nodes; this class
    has the very same slots, writes them as plain attributes, then turns the object into
    the ``Node`` it was meant to be (same layout, so Python allows the class change). What
    comes out is a true ``Node``, as frozen, equal, hashable and printable as any other.
    """

    # Node's slots, in Node's order (asserted below).
    __slots__ = ("kind", "start", "end", "children", "level", "dest", "link_type", "text")  # noqa: RUF023

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        children: tuple[Node, ...] = (),
        level: int = 0,
        dest: str = "",
        link_type: str = "",
        text: str = "",
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.children = children
        self.level = level
        self.dest = dest
        self.link_type = link_type
        self.text = text
        self.__class__ = Node  # type: ignore[assignment]


assert _NewNode.__slots__ == Node.__slots__
# Typed as what it returns: a Node.
_node: Callable[..., Node] = _NewNode  # type: ignore[assignment]

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
    million nodes and cost hundreds of megabytes. Nesting is kept on an explicit stack,
    never by recursion (10,000 ``>`` make 10,000 block quotes).

    This loop runs for every event of every seed (about 75 a seed), so it is written for
    speed, about three times faster than a plain one: no helper call for the common
    events, nodes of the two commonest kinds (text runs, closed containers) built inline,
    each offset computed only where it is used, and a byte offset before the body's first
    non-ASCII character turned into a character offset by one addition (``_Offsets``
    maps the others: one addition after the last such character, a bisection between).
    """
    body = text[body_start:]
    _measure(body)
    budget = max(MIN_NODES, len(body) // NODE_SPACING)  # containers and leaves
    to_char: Callable[[int], int]
    if body.isascii():
        first = sys.maxsize  # every offset is at or before the first non-ASCII byte
        to_char = body_start.__add__
    else:
        offsets = _Offsets(body, body_start)
        first = offsets.first
        to_char = offsets.__call__
    kinds = _KINDS
    leaves = _LEAVES
    new_node = _node
    make = object.__new__
    NewNode = _NewNode
    root: list[Node] = []
    children = root  # the children of the innermost open node
    # Open nodes: kind, start offset, level, dest, link type, the children list of their parent.
    stack: list[tuple[str, int, int, str, str, list[Node]]] = []
    push = stack.append
    pop = stack.pop
    run_start = run_end = -1  # the verbatim text run not yet added to ``children``
    starts_with = text.startswith
    name: str
    value: Any
    node: Any  # a _NewNode until its class becomes Node
    # Loosely typed: a dict event is taken apart with popitem, which TypedDicts lack.
    events: Iterable[tuple[Any, Any]] = pyromark.events_with_range(body, options=_PARSER_OPTIONS)
    for event, span in events:
        try:
            # One key: the event's name. The dict is the parser's fresh copy, ours to empty.
            name, value = event.popitem()
        except AttributeError:  # SoftBreak, HardBreak, Rule: bare strings, rare
            name = event
            value = None
        if name == "Text":
            offset = span["start"]
            start = offset + body_start if offset <= first else to_char(offset)
            offset = span["end"]
            end = offset + body_start if offset <= first else to_char(offset)
            if end - start == len(value) and starts_with(value, start):
                if run_end != start:
                    if run_start >= 0:
                        children.append(
                            new_node(
                                "text", run_start, run_end, (), 0, "", "", text[run_start:run_end]
                            )
                        )
                    run_start = start
                run_end = end
                continue
        if run_start >= 0:
            # The run ends: _NewNode(...) written out, as below (a call less a node).
            node = make(NewNode)
            node.kind = "text"
            node.start = run_start
            node.end = run_end
            node.children = ()
            node.level = 0
            node.dest = ""
            node.link_type = ""
            node.text = text[run_start:run_end]
            node.__class__ = Node
            children.append(node)
            run_start = run_end = -1
        if name == "End":
            offset = span["end"]
            end = offset + body_start if offset <= first else to_char(offset)
            node = make(NewNode)
            node.kind, node.start, level, dest, link_type, parent = pop()
            node.end = end
            node.children = tuple(children)
            node.level = level
            node.dest = dest
            node.link_type = link_type
            node.text = ""
            node.__class__ = Node
            parent.append(node)
            children = parent
        elif name == "Start":
            budget -= 1
            if budget < 0:
                raise _too_complex(_over_budget(body))
            offset = span["start"]
            start = offset + body_start if offset <= first else to_char(offset)
            if type(value) is str:  # Paragraph, Item, Emphasis, Strong...
                push((kinds.get(value) or value.lower(), start, 0, "", "", children))
            else:
                tag, detail = value.popitem()
                kind = kinds.get(tag) or tag.lower()
                if kind == "heading":
                    push((kind, start, int(detail["level"][1:]), "", "", children))
                elif kind == "link" or kind == "image":
                    dest = str(detail.get("dest_url", ""))
                    push((kind, start, 0, dest, _link_type(detail), children))
                else:
                    push((kind, start, 0, "", "", children))
            children = []
        else:
            leaf = leaves.get(name)
            if leaf is not None:  # soft/hard breaks, rules, task markers carry no text
                budget -= 1
                if budget < 0:
                    raise _too_complex(_over_budget(body))
                offset = span["start"]
                start = offset + body_start if offset <= first else to_char(offset)
                offset = span["end"]
                end = offset + body_start if offset <= first else to_char(offset)
                children.append(new_node(leaf, start, end, (), 0, "", "", str(value)))
    if run_start >= 0:
        children.append(
            new_node("text", run_start, run_end, (), 0, "", "", text[run_start:run_end])
        )
    return tuple(root)


def _over_budget(body: str) -> str:
    limit = max(MIN_NODES, len(body) // NODE_SPACING)
    return f"more than {limit} Markdown blocks and inlines in {len(body)} characters"


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
