"""Whitespace rules (W0xx): bytes at the ends of lines, front matter included.

These rules read raw lines rather than Markdown structure, except to know which lines
belong to code blocks and paragraphs, which they take from the parsed body.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from seedlint.context import RunContext
from seedlint.document import Document, Node
from seedlint.findings import Fix, Problem, Severity, TextEdit
from seedlint.rule import rule

WARNING = Severity.WARNING


def _trailing_runs(text: str) -> list[int]:
    """Offsets of the last space or tab before each line break and at the very end.

    Most seeds have none. One substring search for a space before a LF is the floor
    (memchr-fast, unlike a regex that tries every position); tabs and CRs are rarer
    still, and a single-character search, cheaper, tells whether to look for them.
    """
    tabs = "\t" in text
    returns = "\r" in text
    needles = [" \n"]
    if tabs:
        needles.append("\t\n")
    if returns:
        needles.append(" \r")
    if tabs and returns:
        needles.append("\t\r")
    found = [len(text) - 1] if text.endswith((" ", "\t")) else []
    for needle in needles:
        position = text.find(needle)
        while position >= 0:
            found.append(position)
            position = text.find(needle, position + 2)
    return found


#: Trailing spaces that CommonMark renders as a line break (markdownlint's `br_spaces`).
HARD_BREAK = "  "


def _line_range(doc: Document, node: Node) -> range:
    """The 1-based lines a node covers; its closing line break does not start a new one."""
    first = doc.lines.position(node.start).line
    last_char = max(node.start, node.end - 1)
    while last_char > node.start and doc.text[last_char] in "\r\n":
        last_char -= 1
    return range(first, doc.lines.position(last_char).line + 1)


_BLOCK_KINDS = frozenset(
    {"paragraph", "heading", "blockquote", "code_block", "html_block", "list", "item", "table"}
)
# Blocks that hold inline content only: no paragraph or code block can sit inside them.
_NO_BLOCKS_INSIDE = frozenset({"paragraph", "heading", "code_block", "html_block"})


def _paragraph_runs(doc: Document, node: Node) -> Iterator[range]:
    """Line ranges of the node's paragraphs, including a tight list item's text, which
    the parser gives as bare inlines rather than wrapped in a paragraph."""
    if node.kind == "paragraph":
        yield _line_range(doc, node)
    elif node.kind == "item":
        run: list[Node] = []
        for child in (*node.children, None):
            if child is not None and child.kind not in _BLOCK_KINDS:
                run.append(child)
                continue
            if run:
                yield _line_range(doc, Node("paragraph", run[0].start, run[-1].end))
            run = []


def _body_lines(doc: Document) -> tuple[set[int], set[int]]:
    """Lines inside code blocks, and lines where trailing spaces make a hard break: every
    paragraph line but the paragraph's last."""
    code: set[int] = set()
    breaks: set[int] = set()
    # Only blocks are of interest: a paragraph's inline content is not walked.
    stack = list(reversed(doc.blocks))
    while stack:
        node = stack.pop()
        if node.kind == "code_block":
            code.update(_line_range(doc, node))
        for lines in _paragraph_runs(doc, node):
            breaks.update(lines[:-1])
        if node.children and node.kind not in _NO_BLOCKS_INSIDE:
            stack.extend(reversed(node.children))
    return code, breaks


@rule("W001", "trailing-whitespace", "Spaces or tabs at the end of a line.", WARNING, "safe")
def trailing_whitespace(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Spaces and tabs at the end of a line are invisible, make diffs noisy and break
    exact comparisons (a `link:` value with a trailing space is another URL to some
    tools). Every line counts, front matter included; the finding covers the trailing
    run.

    Two exceptions, as in markdownlint's MD009 (`br_spaces = 2`, `code_blocks = false`):

    - exactly two trailing spaces on a paragraph line that the paragraph continues
      after are a Markdown hard line break (`<br>`) and are allowed. Unlike MD009's
      default, two spaces where they render nothing (a paragraph's last line, a heading,
      a blank line, the front matter) are reported, as MD009 does with `strict = true`;
    - lines inside fenced and indented code blocks are left alone: some languages and
      some examples need their trailing spaces.

    Example: `## Summary␣␣␣` is reported at column 11.

    Fix (safe): delete the run. Where the spaces do make a hard break (three or more on
    a continued paragraph line), keep exactly two, so the rendering does not change. A
    blank-only line between a lone `CR` and an `LF` gets no fix: emptying it would fuse
    the two line breaks into one (fix W002 first).

    Options: none.
    """
    found = _trailing_runs(doc.text)
    if not found:
        return
    position = doc.lines.position
    code, breaks = _body_lines(doc)
    for line in sorted({position(offset).line for offset in found}):
        if line in code:
            continue
        text = doc.line_text(line)
        stripped = text.rstrip(" \t")
        run = text[len(stripped) :]
        hard_break = line in breaks and bool(stripped) and run.endswith(HARD_BREAK)
        if hard_break and run == HARD_BREAK:
            continue
        line_start, _ = doc.lines.line_span(line)
        start = line_start + len(stripped)
        end = line_start + len(text)
        fix: Fix | None
        if hard_break:
            fix = Fix(
                "safe", "keep two spaces (a hard line break)", (TextEdit(start, end, HARD_BREAK),)
            )
            message = (
                f"{len(run)} trailing whitespace characters; a hard line break needs two spaces"
            )
        else:
            fix = Fix("safe", "remove trailing whitespace", (TextEdit(start, end, ""),))
            message = "trailing whitespace"
        if doc.text[start - 1 : start] == "\r" and doc.text[end : end + 1] == "\n":
            fix = None  # deleting would fuse a lone CR and the LF into one CRLF line break
        yield Problem("W001", start, end, message, fix)


_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


def _line_breaks(doc: Document) -> Iterator[tuple[int, str]]:
    """Each line break: its offset and its characters."""
    for line in range(1, len(doc.lines.starts)):
        start, end = doc.lines.line_span(line)
        content_end = start + len(doc.line_text(line))
        yield content_end, doc.text[content_end:end]


@rule("W002", "mixed-line-endings", "Both CRLF and LF in one file.", WARNING, "safe")
def mixed_line_endings(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A file should use one kind of line ending. A mix (some lines `CRLF`, others `LF`,
    or an old Mac `CR`) comes from editing on two systems or pasting; it shows up as `^M`
    in diffs and makes some tools see a line's end where others do not.

    Reported once per file, on the first line break that differs from the file's
    majority; the message counts each kind. On a tie, `LF` wins.

    Fix (safe): convert every other line break to the majority ending.

    Options: none.
    """
    if "\r" not in doc.text:
        return  # every break is LF: nothing to mix
    breaks = list(_line_breaks(doc))
    counts = Counter(kind for _, kind in breaks)
    if len(counts) < 2:
        return
    # Most common first; a tie goes to LF, then CRLF.
    preference = {"\n": 0, "\r\n": 1, "\r": 2}
    majority = min(counts, key=lambda kind: (-counts[kind], preference[kind]))
    minority = [(offset, kind) for offset, kind in breaks if kind != majority]
    edits = tuple(TextEdit(offset, offset + len(kind), majority) for offset, kind in minority)
    first_offset, first_kind = minority[0]
    summary = ", ".join(
        f"{counts[kind]} {_NAMES[kind]}"
        for kind in sorted(counts, key=lambda kind: preference[kind])
    )
    yield Problem(
        "W002",
        first_offset,
        first_offset + len(first_kind),
        f"mixed line endings ({summary}); expected {_NAMES[majority]}",
        Fix("safe", f"convert line endings to {_NAMES[majority]}", edits),
    )


RULES = (trailing_whitespace, mixed_line_endings)
