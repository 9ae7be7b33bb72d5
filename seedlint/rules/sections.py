"""Section rules (S0xx): the body's `##` sections and the source line above them.

Every rule here reads the parsed body (``doc.blocks`` / ``doc.sections``), so a `# comment`
inside a fenced code block is never taken for a heading, and only top-level headings count:
a `## Foo` inside a list item or a block quote is content, not a section.
"""

from __future__ import annotations

from collections.abc import Iterator

from seedlint._text import has_whitespace
from seedlint.context import RunContext
from seedlint.document import Document, Node, Section, per_document
from seedlint.findings import Applicability, Fix, Problem, Severity, TextEdit
from seedlint.rule import rule

ERROR = Severity.ERROR
WARNING = Severity.WARNING


def _has_body(doc: Document) -> bool:
    # With an unclosed front matter the whole file is YAML: there is no body to judge,
    # and F002 already says why.
    return not doc.unclosed_front_matter


def _newline(doc: Document) -> str:
    """The file's majority line break (LF on a tie), so that inserted lines add no W002."""
    crlf = doc.text.count("\r\n")
    lf = doc.text.count("\n") - crlf
    cr = doc.text.count("\r") - crlf
    return max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"), key=lambda pair: pair[0])[1]


def _first_line_span(doc: Document, node: Node) -> tuple[int, int]:
    """The node's first line, without its line break: where a heading finding points."""
    line = doc.lines.position(node.start).line
    line_start, _ = doc.lines.line_span(line)
    return node.start, line_start + len(doc.line_text(line))


@per_document
def _headings(doc: Document) -> list[tuple[Node, str]]:
    """The top-level headings with their titles; S001 and S006 both ask, so the titles
    are read once per document."""
    return [(block, _title(block)) for block in doc.blocks if block.kind == "heading"]


def _title(node: Node) -> str:
    return node.plain_text().strip()


def _configured(context: RunContext) -> set[str]:
    settings = context.settings
    return {*settings.section_order, *settings.extra_sections, *settings.required_sections}


def _misplaced_required(doc: Document, context: RunContext) -> Iterator[tuple[Node, str]]:
    """Headings that mean a required section but are written wrongly: `# Topics`,
    `### Summary`, `## summary`. Yields the heading and the section it stands for."""
    by_fold = {name.casefold(): name for name in context.settings.required_sections}
    for heading, title in _headings(doc):
        meant = _misplaced(heading, title, by_fold)
        if meant is not None:
            yield heading, meant


def _misplaced(heading: Node, title: str, by_fold: dict[str, str]) -> str | None:
    """The required section a heading stands for when it is written wrongly, else None."""
    meant = by_fold.get(title.casefold())
    if meant is None or (heading.level == 2 and title == meant):
        return None
    return meant


def _first_sections(doc: Document) -> list[Section]:
    """Each section title's first occurrence, in file order (repeats are S004's)."""
    seen: set[str] = set()
    firsts = []
    for section in doc.sections:
        if section.title not in seen:
            seen.add(section.title)
            firsts.append(section)
    return firsts


def _insertion(doc: Document, name: str, context: RunContext) -> TextEdit:
    """Where a missing section goes: before the first present section that
    `section-order` puts after it, else at the end of the file."""
    order = context.settings.section_order
    newline = _newline(doc)
    heading = f"## {name}"
    if name in order:
        rank = order.index(name)
        for section in _first_sections(doc):
            if section.title in order and order.index(section.title) > rank:
                line = doc.lines.position(section.heading.start).line
                start, _ = doc.lines.line_span(line)
                return TextEdit(start, start, f"{heading}{newline}{newline}")
    text = doc.text
    end = len(text)
    trailing_breaks = doc.lines.position(end).line - doc.lines.position(len(text.rstrip())).line
    if end == 0 or trailing_breaks >= 2:
        content = f"{heading}{newline}"
    elif trailing_breaks == 1:
        content = f"{newline}{heading}{newline}"
    else:  # no final newline: keep it that way
        content = f"{newline}{newline}{heading}"
    return TextEdit(end, end, content)


@rule(
    "S001",
    "missing-section",
    "A required section (default `## Summary`, `## Topics`) is absent.",
    ERROR,
    "unsafe",
)
def missing_section(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Every section named in `required-sections` (default: `Summary`, `Topics`) must be
    present as a level-2 heading, e.g. `## Summary`. `## Links` is optional: the writer
    omits it when a seed has no links.

    A required section written at the wrong level or case (`# Topics`, `### Summary`,
    `## summary`) is reported by S006 instead, once, so the two rules do not repeat each
    other.

    The finding points where the section is expected: before the first present section
    that `section-order` puts after it, else at the end of the file.

    Fix (unsafe: it adds a heading with nothing under it, which S003 may then report):
    insert an empty `## Name` section at that place.

    Options: `required-sections`, `section-order`.
    """
    if not _has_body(doc):
        return
    present = {section.title for section in doc.sections}
    missing = [name for name in context.settings.required_sections if name not in present]
    if not missing:  # the common case: no need to look for misplaced headings
        return
    misplaced = {meant for _, meant in _misplaced_required(doc, context)}
    for name in missing:
        if name in misplaced:
            continue
        edit = _insertion(doc, name, context)
        fix = Fix("unsafe", f"add an empty '## {name}' section", (edit,))
        yield Problem("S001", edit.start, edit.start, f"missing section '## {name}'", fix)


@rule("S002", "section-order", "Sections are out of the order Summary, Links, Topics.", WARNING)
def section_order(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Sections follow `section-order` (default: `Summary`, `Links`, `Topics`), the order
    the writer emits and readers expect. Each section that comes after one it should
    precede is reported on its heading. Sections not named in `section-order` (see
    `extra-sections`) may sit anywhere; a repeated section is S004's and only its first
    occurrence counts here.

    Example: `## Topics` followed by `## Summary` reports `## Summary`.

    No automatic fix: moving prose between sections is left to the author.

    Options: `section-order`.
    """
    if not _has_body(doc):
        return
    order = context.settings.section_order
    latest: Section | None = None
    for section in _first_sections(doc):
        if section.title not in order:
            continue
        rank = order.index(section.title)
        if latest is not None and rank < order.index(latest.title):
            start, end = _first_line_span(doc, section.heading)
            yield Problem(
                "S002",
                start,
                end,
                f"section '## {section.title}' should come before '## {latest.title}'",
            )
        elif latest is None or rank > order.index(latest.title):
            latest = section


def _is_comment(doc: Document, block: Node) -> bool:
    raw = doc.text[block.start : block.end].strip()
    return block.kind == "html_block" and raw.startswith("<!--") and raw.endswith("-->")


@rule(
    "S003",
    "empty-section",
    "A section configured as non-empty (default `## Summary`) has no content.",
    WARNING,
)
def empty_section(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A section named in `non-empty-sections` (default: `Summary`) must hold content: a
    paragraph, a list, a code block, a quote or a table. Subheadings and HTML comments
    alone do not count. Reported on the section's heading.

    `## Topics` and `## Links` may be empty by default (a seed with no topic yet is
    normal); add them to `non-empty-sections` to require content.

    No automatic fix: only the author can write the summary.

    Options: `non-empty-sections`.
    """
    if not _has_body(doc):
        return
    wanted = set(context.settings.non_empty_sections)
    for section in doc.sections:
        if section.title not in wanted:
            continue
        if any(block.kind != "heading" and not _is_comment(doc, block) for block in section.blocks):
            continue
        start, end = _first_line_span(doc, section.heading)
        yield Problem("S003", start, end, f"section '## {section.title}' is empty")


@rule("S004", "duplicate-section", "The same section appears twice.", ERROR)
def duplicate_section(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Two level-2 sections with the same title (`## Links` twice) usually come from a
    merge or a copy; tools that read one section by name see only one of them. Every
    repeat is reported on its heading, with the line of the first.

    No automatic fix: the two sections' contents need merging by hand.
    """
    if not _has_body(doc):
        return
    first: dict[str, Node] = {}
    for section in doc.sections:
        earlier = first.setdefault(section.title, section.heading)
        if earlier is section.heading:
            continue
        # The first heading's line is looked up only for a repeat, which is rare.
        first_line = doc.lines.position(earlier.start).line
        start, end = _first_line_span(doc, section.heading)
        yield Problem(
            "S004",
            start,
            end,
            f"duplicate section '## {section.title}' (first at line {first_line})",
        )


def _is_comment_line(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("<!--") and stripped.endswith("-->")


def _first_content_line(doc: Document) -> int | None:
    """The first body line that is neither blank nor a lone HTML comment."""
    if doc.body_start >= len(doc.text):
        return None
    first = doc.lines.position(doc.body_start).line
    last = doc.lines.position(len(doc.text)).line
    for line in range(first, last + 1):
        text = doc.line_text(line)
        if text.strip() and not _is_comment_line(text):
            return line
    return None


def _opens_with(doc: Document, link: str) -> bool:
    """True when the body's first non-blank line is exactly ``link``, up to spaces and
    tabs before it: S005's clean case, told without the line index or copying a line.

    ``link`` holds no whitespace (so it is one line) and is not an HTML comment (which
    would be skipped). False means "not sure": the general path then decides.
    """
    text = doc.text
    at = doc.body_start
    # A body starting mid-line (or mid-\r\n) would share its first line with text before it.
    if at > 0 and text[at - 1] != "\n" and (text[at - 1] != "\r" or text[at : at + 1] == "\n"):
        return False
    length = len(text)
    # Spaces, tabs and line breaks only make blank lines, which the general path skips.
    while at < length and text[at] in " \t\r\n":
        at += 1
    end = at + len(link)
    return text.startswith(link, at) and (end == length or text[end] in "\r\n")


def _looks_like_url(token: str) -> bool:
    bare = token.strip("<>")
    return " " not in token and bare.lower().startswith(("http://", "https://", "www."))


@rule(
    "S005",
    "source-line",
    "The first body line is missing or differs from front matter `link`.",
    WARNING,
    "safe/unsafe",
)
def source_line(doc: Document, context: RunContext) -> Iterator[Problem]:
    """The first non-blank line of the body is the seed's URL, bare, exactly as in the
    front matter `link`:

        ---
        link: https://example.com/post
        ...
        ---

        https://example.com/post
        ## Summary

    Lines that hold only an HTML comment (such as a `<!-- seedlint-disable ... -->`
    directive) are skipped when looking for it. Only checked when `link` is a string.

    Fix: when the line is missing, insert it (safe: nothing is lost). When the first line
    is a URL that differs from `link`, replace it with `link` (unsafe: the front matter
    may be the one that is wrong); the same URL written as `<url>` is made bare (safe).
    """
    front = doc.front_matter
    if front is None or not _has_body(doc):
        return
    entry = front.entry("link")  # the last `link`, as in yaml.values, without its dict
    link = entry.value if entry is not None else None
    if not isinstance(link, str) or not link.strip():
        return
    link = link.strip()
    # A link with whitespace inside (L003) would not be one line, nor a URL: no fix.
    fixable = not has_whitespace(link)
    if fixable and not link.startswith("<!--") and _opens_with(doc, link):
        return
    newline = _newline(doc)
    line = _first_content_line(doc)
    if line is None:
        at = doc.body_start
        prefix = "" if at == 0 or doc.text[at - 1] in "\r\n" else newline
        edit = TextEdit(at, at, f"{prefix}{link}{newline}")
        fix = Fix("safe", "insert the source line", (edit,)) if fixable else None
        yield Problem(
            "S005", at, at, f"missing source line: the body should start with {link}", fix
        )
        return
    line_start, _ = doc.lines.line_span(line)
    text = doc.line_text(line)
    token = text.strip()
    if token == link:
        return
    start = line_start + len(text) - len(text.lstrip())
    end = start + len(token)
    if _looks_like_url(token):
        applicability: Applicability = "safe" if token == f"<{link}>" else "unsafe"
        replace = Fix(applicability, f"write {link}", (TextEdit(start, end, link),))
        yield Problem(
            "S005",
            start,
            end,
            f"source line {token} differs from front matter link {link}",
            replace if fixable else None,
        )
        return
    # Before a heading the real files put the URL right above it; before prose, a blank
    # line keeps the URL from joining the paragraph.
    starts_heading = any(block.kind == "heading" and block.start == start for block in doc.blocks)
    separator = newline if starts_heading else newline * 2
    insert = Fix(
        "safe", "insert the source line", (TextEdit(line_start, line_start, link + separator),)
    )
    yield Problem(
        "S005",
        start,
        start,
        f"missing source line: the body should start with {link}",
        insert if fixable else None,
    )


@rule(
    "S006",
    "unexpected-section",
    "A heading not in the configured sections, or a required one at the wrong level.",
    WARNING,
)
def unexpected_section(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Seeds have a fixed set of level-2 sections: those in `section-order` (default
    `Summary`, `Links`, `Topics`), `required-sections` and `extra-sections` (default
    none). Reported:

    - a `## Heading` whose title is not configured (`## Notes`: add `Notes` to
      `extra-sections` to allow it);
    - a level-1 heading (`# Title`): seeds have none, and one ends the section above it;
    - a required section at the wrong level or in the wrong case (`# Topics`,
      `### Summary`, `## summary`).

    `###` and deeper subsections inside a section (say, under `## Summary`) are fine.
    Headings inside lists, block quotes and code blocks are content, never sections.

    No automatic fix: a heading's level or name is the author's call.

    Options: `extra-sections`, `section-order`, `required-sections`.
    """
    if not _has_body(doc):
        return
    configured = _configured(context)
    by_fold = {name.casefold(): name for name in context.settings.required_sections}
    for heading, title in _headings(doc):
        meant = _misplaced(heading, title, by_fold)
        if meant is not None:
            written = "#" * heading.level
            message = f"'{written} {title}' should be '## {meant}'"
        elif heading.level == 1:
            message = f"unexpected level-1 heading '# {title}': seeds use '##' sections"
        elif heading.level == 2 and title not in configured:
            folded = {name.casefold(): name for name in configured}
            hint = folded.get(title.casefold())
            if hint is not None:
                message = f"unexpected section '## {title}' (did you mean '## {hint}'?)"
            else:
                allowed = ", ".join(
                    dict.fromkeys(
                        [
                            *context.settings.section_order,
                            *context.settings.required_sections,
                            *context.settings.extra_sections,
                        ]
                    )
                )
                message = (
                    f"unexpected section '## {title}' (allowed: {allowed}; see extra-sections)"
                )
        else:
            continue
        start, end = _first_line_span(doc, heading)
        yield Problem("S006", start, end, message)


RULES = (
    missing_section,
    section_order,
    empty_section,
    duplicate_section,
    source_line,
    unexpected_section,
)
