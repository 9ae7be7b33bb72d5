"""Topic reference rules (T0xx): the embeds of `## Topics` and the notes they point to."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Literal, NamedTuple
from urllib.parse import quote, unquote_to_bytes

from seedlint._text import has_whitespace
from seedlint.context import RunContext
from seedlint.document import Document, Node, per_document
from seedlint.findings import Fix, NewFile, Problem, Severity, TextEdit
from seedlint.rule import rule
from seedlint.topics import NOTE_SUFFIX, TOPICS_FOLDER, TopicIndex, is_rename, normalise

Style = Literal["markdown", "wikilink"]
Placement = Literal["alone", "first", "joined", "crowded", "nested"]
PREFIX = TOPICS_FOLDER + "/"
SECTION = "Topics"
# Characters a wikilink path cannot hold without changing what it means.
_WIKILINK_UNSAFE = ("[", "]", "|", "#", "^")


class TopicRef(NamedTuple):
    """One reference of the Topics section, as written (a named tuple: a seed makes a
    handful, and a tuple is built four times faster than a frozen dataclass).

    ``parsed`` is False for a Markdown embed CommonMark read as plain text (a literal
    space in the path). ``path`` is the path the reference means (decoded, without a
    `#heading`), None if it cannot be decoded; ``key`` is ``Category/Name`` of the note
    under ``topics/``, None when the path is off that prefix or names a folder rather
    than a note (both worked out once, when the reference is read: the three T rules
    ask for them again and again). ``placement`` says where it sits: ``alone`` in a top-level
    paragraph as it should; ``first`` of several references sharing one (fine itself);
    ``joined`` to the reference before it by only whitespace (``gap``, which a blank line
    should replace); ``crowded`` by text; ``nested`` in a list or quote.
    """

    start: int
    end: int
    style: Style
    dest: str  # as written: percent-encoded for Markdown, literal for wikilinks
    alt: str
    embed: bool
    parsed: bool
    path: str | None
    key: str | None
    paragraph: Node | None  # the top-level paragraph it sits in, when it is one
    placement: Placement
    gap: tuple[int, int] | None = None

    @property
    def fragment(self) -> str | None:
        """The decoded `#heading` part after the path, if any (Obsidian links to one)."""
        _, hash_sign, fragment = self.dest.strip().partition("#")
        return _decoded(self.style, fragment) if hash_sign else None


def _decoded(style: Style, part: str) -> str | None:
    if style == "wikilink" or "%" not in part:
        return normalise(part)
    try:
        return normalise(unquote_to_bytes(part).decode("utf-8"))
    except UnicodeDecodeError:
        return None


@functools.lru_cache(maxsize=4096)
def _path_and_key(style: Style, dest: str) -> tuple[str | None, str | None]:
    """A reference's decoded path and its topic key; a vault names the same few hundred
    topics over and over."""
    path = _decoded(style, dest.strip().partition("#")[0])
    if path is None or not path.startswith(PREFIX) or path.endswith("/"):
        return path, None
    key = path[len(PREFIX) :]
    return path, key[: -len(NOTE_SUFFIX)] if key.endswith(NOTE_SUFFIX) else key


@per_document
def topic_refs(doc: Document) -> list[TopicRef]:
    """Every reference in the document's Topics section(s), in order; computed once."""
    refs: list[TopicRef] = []
    for section in doc.sections:
        if section.title != SECTION:
            continue
        for block in section.blocks:
            if block.kind == "paragraph":
                children = block.children
                if len(children) == 1 and children[0].kind in _REFERENCE_KINDS:
                    # The shape of nearly every reference: an embed alone in its paragraph.
                    refs.append(_from_node(children[0], block, "alone"))
                else:
                    refs.extend(_inline_refs(doc, block, top=True))
            elif block.kind not in _NEVER_REFERENCES:
                # Lists, quotes: every container of inline content, tight list items too.
                for node in block.walk():
                    if node.kind not in _INLINE and node.kind not in _NEVER_REFERENCES:
                        refs.extend(_inline_refs(doc, node, top=False))
    return refs


_REFERENCE_KINDS = ("image", "link")
_INLINE = frozenset(
    {"text", "code", "html", "inline_html", "emphasis", "strong", "strikethrough", "link", "image"}
)
_NEVER_REFERENCES = frozenset({"code_block", "html_block"})


def _is_comment(node: Node, doc: Document) -> bool:
    return node.kind == "inline_html" and doc.text.startswith("<!--", node.start)


def _inline_refs(doc: Document, paragraph: Node, *, top: bool) -> list[TopicRef]:
    """The references among ``paragraph``'s inline children (block children are left to
    the caller's walk)."""
    # Found without their paragraph and placement, which depend on all of them.
    found: list[TopicRef] = []
    other = False
    run: list[Node] = []

    def flush() -> None:
        nonlocal other
        if run:
            text_refs, leftover = _scan_text(doc, run[0].start, run[-1].end)
            found.extend(text_refs)
            other = other or leftover
            run.clear()

    for child in paragraph.children:
        if child.kind == "text":
            run.append(child)
            continue
        flush()
        if child.kind in _REFERENCE_KINDS:
            found.append(_from_node(child, None, "alone"))
        elif child.kind not in _INLINE:
            continue  # a block inside a list item: the caller visits it
        elif not _is_comment(child, doc):
            other = True  # emphasis, code span, HTML: whatever it holds is not a reference
            for node in child.walk():
                if node is not child and node.kind in _REFERENCE_KINDS:
                    found.append(_from_node(node, None, "alone"))
    flush()
    found.sort()
    refs = []
    for index, ref in enumerate(found):
        placement: Placement = "nested" if not top else "crowded" if other else "alone"
        gap = None
        if placement == "alone" and len(found) > 1:
            placement = "first"
            if index > 0:
                previous_end = found[index - 1].end
                if doc.text[previous_end : ref.start].strip() == "":
                    placement, gap = "joined", (previous_end, ref.start)
                else:
                    placement = "crowded"  # a comment between them: leave it to the author
        refs.append(
            ref._replace(paragraph=paragraph if top else None, placement=placement, gap=gap)
        )
    return refs


def _from_node(node: Node, paragraph: Node | None, placement: Placement) -> TopicRef:
    style: Style = "wikilink" if node.link_type == "wikilink" else "markdown"
    alt = node.plain_text()
    dest = node.dest
    if style == "wikilink" and alt.strip() == dest.strip():
        alt = ""  # no alias: the parser repeats the path as the link text
    path, key = _path_and_key(style, dest)
    embed = node.kind == "image"
    return TopicRef(
        node.start, node.end, style, dest, alt, embed, True, path, key, paragraph, placement
    )


def _scan_text(doc: Document, start: int, end: int) -> tuple[list[TopicRef], bool]:
    """Markdown links CommonMark left as text (`![](topics/a b)`), and whether any other
    non-blank text surrounds them.

    This reads only the span of text nodes the parser produced, so code spans, code
    blocks and real links never reach it. The references are returned without their
    paragraph and placement.
    """
    text = doc.text[start:end]
    refs: list[TopicRef] = []
    leftover = False
    position = 0
    while (middle := text.find("](", position)) >= 0:
        opening = text.rfind("[", position, middle)
        close = text.find(")", middle + 2)
        if close < 0:
            break
        dest = text[middle + 2 : close]
        if opening < 0 or not dest.strip() or "\n" in dest or "\r" in dest:
            leftover = leftover or text[position : middle + 2].strip() != ""
            position = middle + 2
            continue
        embed = text[opening - 1 : opening] == "!"
        begin = opening - 1 if embed else opening
        if text[begin - 1 : begin] == "\\":  # escaped: the author wants it as text
            leftover = True
        else:
            leftover = leftover or text[position:begin].strip() != ""
            alt = text[opening + 1 : middle]
            path, key = _path_and_key("markdown", dest)
            refs.append(
                TopicRef(
                    start + begin,
                    start + close + 1,
                    "markdown",
                    dest,
                    alt,
                    embed,
                    False,
                    path,
                    key,
                    None,
                    "alone",
                )
            )
        position = close + 1
    leftover = leftover or text[position:].strip() != ""
    return refs, leftover


# -- rendering a reference --------------------------------------------------------------


def _encode_whitespace(dest: str) -> str:
    return "".join(quote(char) if char.isspace() else char for char in dest.strip())


def render(ref: TopicRef, style: Style, path: str, embed: bool = True) -> str | None:
    """The reference rewritten in ``style`` for ``path``; None when it cannot be."""
    bang = "!" if embed else ""
    fragment = ref.fragment
    if style == "wikilink":
        if any(char in path + (fragment or "") for char in _WIKILINK_UNSAFE) or any(
            char in ref.alt for char in "[]|"
        ):
            return None
        heading = f"#{fragment}" if fragment is not None else ""
        alias = f"|{ref.alt}" if ref.alt.strip() else ""
        return f"{bang}[[{path}{heading}{alias}]]"
    if any(char in ref.alt for char in "[]\n\r"):
        return None
    if ref.style == "markdown" and ref.path == path:
        encoded = _encode_whitespace(ref.dest)  # keep the author's own encoding
    else:
        encoded = quote(path, safe="/")
        if fragment is not None:
            encoded += "#" + quote(fragment, safe="")
    return f"{bang}[{ref.alt}]({encoded})"


def _line_break(doc: Document, offset: int) -> str:
    line = doc.lines.position(offset).line
    start, end = doc.lines.line_span(line)
    return "\r\n" if doc.text[start:end].endswith("\r\n") else "\n"


# -- T001 -------------------------------------------------------------------------------


def _no_topics_note(context: RunContext) -> str:
    index = context.topics
    if index.escapes:
        # The link's target is never printed: it is outside the vault, none of its business.
        return (
            f"{index.folder} is a symbolic link leading outside {index.root}: not followed, "
            "topic references were not checked (T001); pass --topics-root with the folder "
            "that really holds topics/"
        )
    note = (
        f"no topics folder at {index.folder}: topic references were not checked (T001); "
        "set `topics-root` or pass --topics-root"
    )
    if index.root.name == TOPICS_FOLDER:
        note += " (the topics root is the folder that holds topics/, not topics/ itself)"
    return note


@rule(
    "T001",
    "broken-topic-ref",
    "A topic reference points to a note that does not exist.",
    Severity.ERROR,
    "unsafe",
)
def broken_topic_ref(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Each reference of `## Topics` names the note `topics/<Category>/<Name>.md` under
    the topics root (`topics-root`, default: the folder holding the configuration file;
    `--topics-root DIR` on the command line). A reference to a missing note is a broken
    link in the vault.

    Example: `![](topics/Concept/Pandas)` when the note is `topics/Library/Pandas.md`.
    The message suggests notes with the same name in another category (the commonest
    slip) or a close spelling.

    Fix (unsafe, it changes which note is meant): only when exactly one note differs
    from the reference just in letter case, spacing, punctuation, accents or category
    folder (`Concept/LangChain` -> `Library/LangChain`), or by one typo (a letter added,
    dropped, changed, or two swapped) in a word of six letters or more. A merely similar
    name (`Agentic AI` / `Agentic RAG`: another topic) is suggested, never fixed.

    Fix (unsafe) when there is nothing to suggest at all: create the missing note
    `topics/<Category>/<Name>.md` as the vault's generator writes topic notes (front
    matter `type: <Category>`, python-frontmatter's `frontmatter.dumps`), for a category
    folder that already holds notes. The note is made inside the topics root only,
    atomically and never over an existing file; a folder on its way that is a symbolic
    link is refused with a note.

    When the topics root has no `topics/` folder at all, nothing is reported and seedlint
    prints one note on stderr instead.
    """
    refs = [ref for ref in topic_refs(doc) if ref.parsed and ref.key is not None]
    if not refs:
        return
    index = context.topics
    if not index.exists:
        note = _no_topics_note(context)
        if note not in context.notes:
            context.notes.append(note)
        return
    for ref in refs:
        key = ref.key
        if key is None or key in index:
            continue
        suggestions = index.suggestions(key)
        message = f"topic note '{PREFIX}{key}{NOTE_SUFFIX}' does not exist"
        if suggestions:
            listed = " or ".join(f"'{PREFIX}{option}'" for option in suggestions)
            message += f" (did you mean {listed}?)"
        fix = None
        renames = [option for option in suggestions if is_rename(key, option)]
        if len(renames) == 1:
            (rename,) = renames
            text = render(ref, ref.style, PREFIX + rename, embed=ref.embed)
            if text is not None:
                fix = Fix(
                    "unsafe", f"point to '{PREFIX}{rename}'", (TextEdit(ref.start, ref.end, text),)
                )
        elif not suggestions:  # nothing to point to instead: the note may be made
            fix = _create_note_fix(key, index)
        yield Problem("T001", ref.start, ref.end, message, fix)


#: The longest note name the fix creates, in bytes with `.md`: most file systems stop at 255.
_MAX_NAME_BYTES = 255


def new_topic_note(category: str) -> str:
    """A topic note as the vault's generator writes one: ``frontmatter.dumps`` of a
    ``frontmatter.Post("", type=<Category>)`` (python-frontmatter; its YAML handler
    sorts keys and quotes what needs quoting)."""
    import frontmatter

    text: str = frontmatter.dumps(frontmatter.Post("", type=category))
    return text


def _safe_part(part: str) -> bool:
    """A folder or file name the fix may write: no path tricks, nothing the index hides
    (a leading dot), no control character, no edge spaces a file manager would lose."""
    return (
        bool(part)
        and part not in (".", "..")
        and not part.startswith(".")
        and part == part.strip()
        and "\\" not in part
        and part.isprintable()
    )


def _create_note_fix(key: str, index: TopicIndex) -> Fix | None:
    """The unsafe fix creating ``topics/<Category>/<Name>.md`` for a reference to a note
    nothing in the vault resembles (no did-you-mean at all): only for a category that
    already holds notes (a new category is more likely a typo) and a name that is a
    plain file name."""
    category, slash, name = key.partition("/")
    if not slash or "/" in name or not _safe_part(category) or not _safe_part(name):
        return None
    if len((name + NOTE_SUFFIX).encode("utf-8", "surrogatepass")) > _MAX_NAME_BYTES:
        return None
    if not index.has_category(category):
        return None
    path = f"{PREFIX}{key}{NOTE_SUFFIX}"
    return Fix(
        "unsafe",
        f"create the topic note '{path}'",
        (),
        creates=(NewFile(path, new_topic_note(category)),),
    )


# -- T002 -------------------------------------------------------------------------------


def _prefix_fix(ref: TopicRef, context: RunContext) -> str | None:
    """The `topics/...` path a wrongly prefixed reference unambiguously means, if any."""
    path = ref.path
    if path is None or "://" in path or path.startswith("mailto:"):
        return None
    stripped = path
    while stripped.startswith(("./", "../", "/")):
        stripped = stripped.split("/", 1)[1] if not stripped.startswith("/") else stripped[1:]
    if stripped.startswith(PREFIX):
        return stripped
    index = context.topics
    if not index.exists or not stripped:
        return None
    bare = stripped[: -len(NOTE_SUFFIX)] if stripped.endswith(NOTE_SUFFIX) else stripped
    if bare in index:
        return PREFIX + bare
    named = index.with_name(bare) if "/" not in bare else ()
    return PREFIX + named[0] if len(named) == 1 else None


@rule(
    "T002",
    "malformed-topic-ref",
    "A topic reference is not a well-formed embed alone on its line.",
    Severity.WARNING,
    "safe",
)
def malformed_topic_ref(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Topic references are embeds, each alone on its line, separated by blank lines:

        ![](topics/Concept/Pre%20training)

        ![[topics/Concept/Pre training]]

    Reported:
    - a literal space in a Markdown embed: `![](topics/Concept/Pre training)` is not a
      link at all in CommonMark (it renders as text), the path must be percent-encoded;
    - a path not under `topics/` (`![](Concept/Pre%20training)`, `/topics/...`);
    - a link instead of an embed (`[Pre training](topics/...)` without the `!`);
    - a reference that shares its line or paragraph with another one or with text, or
      sits in a list;
    - a style other than the one `topic-ref-style` pins (`"markdown"`, `"wikilink"`;
      default `"any"` accepts both).

    Fix (safe, where unambiguous): encode the spaces, add the `!`, repair the prefix when
    only one note can be meant, put a blank line between references that share a
    paragraph, convert between the two styles.
    """
    pinned = context.settings.topic_ref_style
    for ref in topic_refs(doc):
        if (
            ref.key is not None  # a decoded path under topics/ naming a note
            and ref.embed
            and ref.parsed
            and ref.placement in _FINE_PLACEMENTS
            and (pinned == "any" or ref.style == pinned)
            and (ref.style == "wikilink" or not has_whitespace(ref.dest))
        ):
            continue  # nearly every reference: none of the checks below would speak
        issues: list[str] = []
        rebuild = False
        fixable = True
        path = ref.path
        if not ref.parsed:
            issues.append("unencoded space in the path: CommonMark reads this as text, not a link")
            rebuild = True
        elif ref.style == "markdown" and has_whitespace(ref.dest):
            issues.append("unencoded space in the path (write %20)")
            rebuild = True
        if path is None:
            issues.append("the path is not percent-encoded UTF-8")
            fixable = False
        elif path.startswith(PREFIX) and ref.key is None:
            issues.append(f"the path {path!r} names a folder, not a note")
            fixable = False
        elif not path.startswith(PREFIX):
            issues.append(f"the path {path!r} is not under '{PREFIX}'")
            repaired = _prefix_fix(ref, context)
            if repaired is None:
                fixable = False
            else:
                path, rebuild = repaired, True
        if not ref.embed:
            issues.append("a link, not an embed (missing '!')")
        style: Style = ref.style
        if pinned != "any" and ref.style != pinned:
            issues.append(f"written as a {ref.style} reference; topic-ref-style is {pinned!r}")
            style, rebuild = pinned, True
        edits: list[TextEdit] = []
        if ref.gap is not None:
            issues.append(
                "shares its paragraph with another reference (separate with a blank line)"
            )
            separator = _line_break(doc, ref.gap[0]) * 2
            edits.append(TextEdit(ref.gap[0], ref.gap[1], separator))
        elif ref.placement in ("crowded", "nested"):
            where = (
                "not alone on its line"
                if ref.placement == "crowded"
                else "inside a list, quote or heading"
            )
            issues.append(where)
            fixable = False
        if not issues:
            continue
        if path is not None and fixable:
            if rebuild:
                text = render(ref, style, path)
                if text is None:
                    fixable = False
                else:
                    edits.append(TextEdit(ref.start, ref.end, text))
            elif not ref.embed:
                edits.append(TextEdit(ref.start, ref.start, "!"))
        fix = None
        if fixable and edits:
            fix = Fix("safe", "rewrite the topic reference", tuple(sorted(edits, key=_edit_key)))
        message = "malformed topic reference: " + "; ".join(issues)
        yield Problem("T002", ref.start, ref.end, message, fix)


_FINE_PLACEMENTS = ("alone", "first")


def _edit_key(edit: TextEdit) -> tuple[int, int]:
    return (edit.start, edit.end)


# -- T003 -------------------------------------------------------------------------------


def _delete_paragraph(doc: Document, paragraph: Node) -> TextEdit:
    """Delete a paragraph's lines and one blank line next to it, keeping the blank-line
    rhythm of the section and the file's final-newline state."""
    lines = doc.lines
    text = doc.text
    count = len(lines.starts)
    if count > 1 and lines.starts[-1] == len(text):
        count -= 1  # the empty "line" after a final line break is not a line
    first = lines.position(paragraph.start).line
    last = lines.position(max(paragraph.start, paragraph.end - 1)).line

    def blank(line: int) -> bool:
        return 1 <= line <= count and doc.line_text(line).strip() == ""

    if blank(last + 1):
        last += 1
    elif blank(first - 1):
        first -= 1
    start = lines.starts[first - 1]
    if last < count:
        return TextEdit(start, lines.starts[last], "")
    if not text.endswith(("\n", "\r")) and first > 1:
        # No final newline: eat the break before the paragraph instead of after it.
        start = lines.starts[first - 2] + len(doc.line_text(first - 1))
    return TextEdit(start, len(text), "")


@rule(
    "T003",
    "duplicate-topic-ref",
    "The same topic is referenced twice.",
    Severity.WARNING,
    "safe",
)
def duplicate_topic_ref(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A topic referenced twice adds nothing (often a merge accident, or the same note
    written once as `![](topics/Concept/Pre%20training)` and once as
    `![[topics/Concept/Pre training]]`: both styles name the same note).

    Fix (safe): delete the repeated reference's line with one blank line next to it.
    """
    seen: dict[str, int] = {}
    for ref in topic_refs(doc):
        key = ref.key
        if key is None or not ref.parsed:
            continue
        if key not in seen:
            seen[key] = ref.start
            continue
        line = doc.lines.position(seen[key]).line
        fix = None
        if ref.placement == "alone" and ref.paragraph is not None:
            fix = Fix(
                "safe", "remove the repeated reference", (_delete_paragraph(doc, ref.paragraph),)
            )
        yield Problem(
            "T003",
            ref.start,
            ref.end,
            f"topic '{PREFIX}{key}' is already referenced on line {line}",
            fix,
        )


RULES = (broken_topic_ref, malformed_topic_ref, duplicate_topic_ref)
