"""Front matter rules (F0xx structure, F1xx schema, F2xx format)."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Iterator

from seedlint import yaml_edit
from seedlint._yaml import DUPLICATE_KEY, NOT_MAPPING, SYNTAX, UNSAFE, KeyEntry, Span
from seedlint.context import RunContext, front_matter_model, known_keys
from seedlint.document import Document, FrontMatter, per_document
from seedlint.findings import Fix, Problem, Severity, TextEdit
from seedlint.patterns import compile_pattern
from seedlint.rule import rule
from seedlint.schema import SchemaError, validate

ERROR = Severity.ERROR
WARNING = Severity.WARNING


def _trimmed(doc: Document, span: Span) -> tuple[int, int]:
    """``span`` without the line breaks and blanks a YAML node's end mark runs over."""
    end = max(span.end, span.start)
    while end > span.start and doc.text[end - 1] in " \t\r\n":
        end -= 1
    return span.start, end


def _yaml_issues(doc: Document, kind: str, code: str) -> Iterator[Problem]:
    """The reader's issues of ``kind``, reported as ``code``."""
    if doc.front_matter is None:
        return
    for issue in doc.front_matter.yaml.issues:
        if issue.kind == kind:
            start, end = _trimmed(doc, issue.span)
            yield Problem(code, start, end, issue.message)


def _fence(doc: Document) -> tuple[int, int]:
    start, end = doc.lines.line_span(1)
    return start, len(doc.text[start:end].rstrip("\r\n")) + start


@rule(
    "F001",
    "missing-front-matter",
    "The file does not open with a `---` front matter block.",
    ERROR,
    structural=True,
)
def missing_front_matter(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A seed starts with YAML front matter between a first line `---` and the next `---`.

    Without front matter no key can be checked, so the F1xx and F2xx rules stay silent
    on such a file: this one finding stands for all of them.

    Example (reported on line 1):

        # My note
        https://example.com/article

    Fix by hand: add the `---` block with the required keys (see `seedlint schema`).
    """
    if doc.front_matter is None and not doc.unclosed_front_matter:
        yield Problem("F001", 0, 0, "missing front matter: the file must start with '---'")


@rule(
    "F002",
    "invalid-yaml",
    "The front matter is not valid YAML, or is never closed.",
    ERROR,
    structural=True,
)
def invalid_yaml(doc: Document, context: RunContext) -> Iterator[Problem]:
    """The YAML between the fences does not parse, or the closing `---` is missing.

    Every tool that reads the seed would fail or, worse, read it differently. The finding
    points at the position the YAML parser reported; an unclosed block is reported on the
    opening `---`.

    Common causes: a tab used for indentation, a value holding `: ` that is not quoted
    (`source: Re: news`), an unterminated quote.

    Example: `source: 'NLP News` (the quote is never closed).

    Fix by hand: quote the value, replace tabs with spaces, add the closing `---`.
    """
    if doc.unclosed_front_matter:
        start, end = _fence(doc)
        yield Problem("F002", start, end, "unclosed front matter: no closing '---' line")
    for problem in _yaml_issues(doc, SYNTAX, "F002"):
        if doc.text[problem.start : problem.start + 1] == "\t" and "tab" not in problem.message:
            message = f"{problem.message} (a tab: YAML indents with spaces only)"
            problem = Problem("F002", problem.start, problem.start + 1, message)
        yield problem


@rule(
    "F003",
    "front-matter-not-mapping",
    "The front matter is a list or a scalar.",
    ERROR,
    structural=True,
)
def not_mapping(doc: Document, context: RunContext) -> Iterator[Problem]:
    """The front matter must be a mapping of keys to values, not a list or a single value.

    Example: a block holding `- link: https://...` (a list of one mapping) or a bare
    sentence. No key can be read from it, so no other F rule runs on the file.

    Fix by hand: write one `key: value` per line.
    """
    yield from _yaml_issues(doc, NOT_MAPPING, "F003")


def _entry(doc: Document, key: str) -> KeyEntry | None:
    front = doc.front_matter
    return front.entry(key) if front is not None else None


def _schema(doc: Document, context: RunContext, kind: str) -> Iterator[tuple[SchemaError, Span]]:
    """The schema errors of ``kind``, each with the span to report it on."""
    if doc.front_matter is None:
        return
    for error in context.schema_errors(doc):
        if error.kind != kind:
            continue
        entry = _entry(doc, error.key)
        if entry is None:
            start, end = _fence(doc)
            yield error, Span(start, end)
        elif error.item is not None and error.item < len(entry.item_spans):
            yield error, entry.item_spans[error.item]
        else:
            yield error, entry.value_span


@rule(
    "F101", "missing-key", "A required front matter key is absent.", ERROR, "safe", structural=True
)
def missing_key(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Every required key must be present; the finding is reported on the opening `---`.

    Default required keys: already_read, link, read_priority, relevance, source, type,
    upload_date. `tags` is optional (the writer omits it when a seed has none); `source`
    is required but may be `null`.

    Example: a front matter without `relevance:`.

    Fix (safe, only for keys given a default): insert `key: default` at the key's place
    in the configured key order; the other keys keep their bytes, comments and quoting.
    The value is written by ruamel.yaml, and the fix is dropped unless the result reads
    back with only that key added and the default valid for it.

    Options: `required-keys` (a list; it may name keys of your own, which then count as
    known to F102); `defaults` (a table key -> value; TOML has no null, so the string
    `"null"` writes YAML `null`), e.g. `defaults = { already_read = false, relevance = 0,
    source = "null" }`.
    """
    front = doc.front_matter
    for error, span in _schema(doc, context, "missing"):
        fix = _insertion(doc, front, error.key, context) if front is not None else None
        yield Problem("F101", span.start, span.end, error.message, fix)


def _default(context: RunContext, key: str) -> object:
    value = context.settings.defaults.get(key, _NO_DEFAULT)
    return None if value == "null" else value


_NO_DEFAULT = object()


def _insertion(doc: Document, front: FrontMatter, key: str, context: RunContext) -> Fix | None:
    """F101's fix: ``key`` with its configured default, at its place in the key order."""
    value = _default(context, key)
    keys = [entry.key for entry in front.yaml.entries]
    if value is _NO_DEFAULT or len(set(keys)) != len(keys):
        return None
    expected = _expected_order([*keys, key], context)
    following = expected[expected.index(key) + 1 :]
    content = doc.text[front.content_start : front.content_end]
    blocks = _key_blocks(doc, front) if keys else []
    if blocks is not None:
        starts = {block_key: start for block_key, start, _ in blocks}
        at = next((starts[k] for k in following if k in starts), front.content_end)
        if at == front.content_end and content and not content.endswith(("\n", "\r")):
            return None  # a last line without a break: nothing to insert after
        offset = at - front.content_start
        written = yaml_edit.entry(key, value)
        after = content[:offset] + written + content[offset:]
        edit = TextEdit(at, at, written)
    else:
        index = len(keys) - sum(1 for k in following if k in keys)
        rewritten = yaml_edit.inserted(content, key, value, index)
        if rewritten is None:
            return None
        after = rewritten
        edit = TextEdit(front.content_start, front.content_end, rewritten)
    if not _verified(after, content, key, value, context):
        return None
    return Fix("safe", f"insert '{key}: {yaml_edit.scalar(_shown(value))}'", (edit,))


def _shown(value: object) -> str | int | float | bool | None:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _verified(after: str, before: str, key: str, value: object, context: RunContext) -> bool:
    """The edited front matter reads back with only ``key`` changed, to ``value``, and no
    schema error on ``key`` remains."""
    if not yaml_edit.touches_only(before, after, [key]):
        return False
    values = yaml_edit.values_of(after)
    if values is None or values.get(key, _NO_DEFAULT) != value:
        return False
    errors = validate(values, context.settings, front_matter_model(context))
    return not any(error.key == key for error in errors)


@rule(
    "F102",
    "unknown-key",
    "A front matter key that the schema does not know.",
    WARNING,
    structural=True,
)
def unknown_key(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A key outside the schema is usually a typo that hides the real key's absence.

    Example: `relevanse: 3` is reported as `unknown key 'relevanse' (did you mean
    'relevance'?)`, next to F101 for the missing `relevance`.

    Options: `unknown-keys = "allow"` silences the rule, `"warn"` (default) reports a
    warning, `"error"` reports an error and makes `seedlint schema` forbid extra
    properties. `required-keys` adds known keys.
    """
    front = doc.front_matter
    if front is None or context.settings.unknown_keys == "allow":
        return
    known = known_keys(context)
    for entry in front.yaml.entries:
        if entry.key in known:
            continue
        close = difflib.get_close_matches(entry.key, sorted(known), n=1, cutoff=0.7)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        yield Problem(
            "F102", entry.key_span.start, entry.key_span.end, f"unknown key '{entry.key}'{hint}"
        )


@rule("F103", "wrong-type", "A front matter value has the wrong type.", ERROR, structural=True)
def wrong_type(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A value of the wrong YAML type: other tools would read it differently.

    `already_read` must be `true` or `false` (not `yes`, `"false"` or `0`: YAML 1.1
    readers take `yes` for true, YAML 1.2 readers for a string); `read_priority` and
    `relevance` integers (not `high`, `"3"` or `1.5`); `link`, `type` and `source`
    strings (`source` may be `null`); `tags` a list of strings.

    Example: `already_read: "false"` is the string "false", which is truthy.

    Fix (unsafe: a quoted value may have been quoted on purpose): a value whose text
    clearly means the expected type is rewritten in it: `"3"` becomes `3`, `"false"`
    and `"no"` become `false`, a number where a string is wanted is quoted. The fix is
    dropped unless the result reads back with only that value changed.
    """
    front = doc.front_matter
    for error, span in _schema(doc, context, "type"):
        fix = None
        entry = _entry(doc, error.key)
        if front is not None and entry is not None and error.item is None:
            fix = _coercion(doc, front, entry, error, context)
        yield Problem("F103", span.start, span.end, error.message, fix)


_BOOL_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
# Up to 18 digits: a priority or a relevance, never a number Python would refuse to print.
_INTEGER = re.compile(r"[-+]?[0-9]{1,18}")


def _coerced(value: object, expected: str | None) -> object:
    """``value`` in the ``expected`` pydantic type when its text clearly means one."""
    if expected == "bool_type" and isinstance(value, str):
        return _BOOL_WORDS.get(value.strip().lower(), _NO_DEFAULT)
    if expected == "int_type":
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value.strip())
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
            return int(value)
    if expected == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _NO_DEFAULT


def _coercion(
    doc: Document, front: FrontMatter, entry: KeyEntry, error: SchemaError, context: RunContext
) -> Fix | None:
    value = _coerced(entry.value, error.expected)
    if value is _NO_DEFAULT:
        return None
    written = yaml_edit.scalar(_shown(value))
    span = entry.value_span
    content = doc.text[front.content_start : front.content_end]
    start, end = span.start - front.content_start, span.end - front.content_start
    after = content[:start] + written + content[end:]
    if not _verified(after, content, entry.key, value, context):
        return None
    return Fix("unsafe", f"write {written}", (TextEdit(span.start, span.end, written),))


def _type_suggestion(value: str, allowed: list[str]) -> list[str]:
    folded = {option.lower(): option for option in allowed}
    if value.lower() in folded:
        return [folded[value.lower()]]
    close = difflib.get_close_matches(value.lower(), list(folded), n=2, cutoff=0.6)
    return [folded[match] for match in close]


@rule(
    "F104",
    "invalid-value",
    "A front matter value is out of bounds or not allowed.",
    ERROR,
    "unsafe",
    structural=True,
)
def invalid_value(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A value of the right type that the profile does not allow.

    `read_priority` and `relevance` must lie within their bounds (default 0 to 5),
    `type` must be one of the allowed types (default: Content, Paper, Repository, Tool,
    Dataset, Model, Video, Podcast, Book, Course), and `tags`, when present, must not be
    an empty list (omit the key instead).

    Example: `type: paper` is reported with `did you mean 'Paper'?`.

    Fix (unsafe, as the meaning may change): a `type` with exactly one close allowed
    spelling is replaced by it.

    Options: `bounds = { read_priority = { min = 0, max = 5 } }`, `allowed-types`.
    """
    for error, span in _schema(doc, context, "value"):
        message, fix = error.message, None
        entry = _entry(doc, error.key)
        if error.key == "type" and entry is not None:
            given = entry.value if isinstance(entry.value, str) else str(entry.value)
            options = _type_suggestion(given, context.settings.allowed_types)
            if options:
                message = f"type {given!r} is not allowed (did you mean {options[0]!r}?)"
            else:
                allowed = ", ".join(context.settings.allowed_types)
                message = f"type {given!r} is not allowed; allowed: {allowed}"
            if len(options) == 1:
                fix = Fix(
                    "unsafe",
                    f"replace with {options[0]!r}",
                    (TextEdit(span.start, span.end, yaml_edit.scalar(options[0])),),
                )
        yield Problem("F104", span.start, span.end, message, fix)


@rule(
    "F105",
    "duplicate-key",
    "The same key appears twice in the front matter.",
    ERROR,
    structural=True,
)
def duplicate_key(doc: Document, context: RunContext) -> Iterator[Problem]:
    """YAML loaders silently keep only the last of two equal keys, losing data.

    Example: `upload_date: '2024-02-22'` and, further down, `upload_date: '2023-01-01'`:
    every tool reading the file sees only the second date. The finding points at each
    repeated occurrence and names the line of the first. Fix by hand: keep one.
    """
    front = doc.front_matter
    if front is None or not any(issue.kind == DUPLICATE_KEY for issue in front.yaml.issues):
        return
    first_line: dict[str, int] = {}
    for entry in front.yaml.entries:
        first_line.setdefault(entry.key, doc.lines.position(entry.key_span.start).line)
    repeated = {entry.key_span.start: entry.key for entry in front.yaml.entries}
    for problem in _yaml_issues(doc, DUPLICATE_KEY, "F105"):
        key = repeated.get(problem.start)
        message = problem.message
        if key is not None:
            message = f"{message} (first on line {first_line[key]})"
        yield Problem("F105", problem.start, problem.end, message)


@rule(
    "F106",
    "unsafe-yaml",
    "Custom YAML tags or alias expansion beyond a bound.",
    ERROR,
    structural=True,
)
def unsafe_yaml(doc: Document, context: RunContext) -> Iterator[Problem]:
    """YAML that only an unsafe loader would act on, or that expands without bound.

    Tags such as `!!python/object/apply:os.system` or `!!python/name:...` make unsafe
    loaders run code; any other custom tag (`!include`) depends on one tool. seedlint
    never constructs them: it reports them. Aliases whose expansion exceeds 10,000 nodes
    (a "billion laughs" bomb, a few lines that expand to gigabytes) are reported instead
    of expanded.

    Example: `source: !!python/object/apply:os.system ['rm -rf ~']`.

    Fix by hand: write plain values; a seed needs no tags, anchors or aliases.
    """
    yield from _yaml_issues(doc, UNSAFE, "F106")


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][0-9:.+\-Z]*)?")
_DMY_NAMED = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MDY_NAMED = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def unambiguous_date(value: object) -> dt.date | None:
    """The date a value clearly means, or None: `02/03/2024` is never guessed."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) == 10 and text[4] == "-" == text[7] and text.isascii():
        # The writer's own 'YYYY-MM-DD', nearly every seed's: read at C speed. A failure
        # (a letter, an impossible day) falls through to the slow path, which decides.
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text)
    parts: tuple[str, str, str] | None = None
    if match := _YMD.fullmatch(text):
        parts = (match[1], match[2], match[3])
    elif (match := _DMY_NAMED.fullmatch(text)) and match[2].lower() in _MONTHS:
        parts = (match[3], str(_MONTHS[match[2].lower()]), match[1])
    elif (match := _MDY_NAMED.fullmatch(text)) and match[1].lower() in _MONTHS:
        parts = (match[3], str(_MONTHS[match[1].lower()]), match[2])
    if parts is None:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


@per_document
def _meant_date(doc: Document) -> dt.date | None:
    """``unambiguous_date`` of ``upload_date``'s value; F201 and F205 both ask, one after
    the other, about the same value."""
    entry = _entry(doc, "upload_date")
    return unambiguous_date(entry.value) if entry is not None else None


@rule("F201", "date-format", "`upload_date` is not a quoted `YYYY-MM-DD` string.", WARNING, "safe")
def date_format(doc: Document, context: RunContext) -> Iterator[Problem]:
    """`upload_date` must be a quoted `'YYYY-MM-DD'` string, as the writer emits it.

    An unquoted `2024-02-22` is a YAML date, which many loaders turn into a date object
    rather than the string other seeds hold. Other unambiguous forms (`2024/02/22`,
    `2024-2-5`, `22 Feb 2024`, `February 22, 2024`, a timestamp) are reported and
    fixable; `02/03/2024` is reported but never guessed (February 3 or March 2?). An
    impossible date (`'2024-02-30'`) is reported without a fix.

    Example: `upload_date: 2024-02-22` becomes `upload_date: '2024-02-22'`.

    Fix (safe): rewrite an unambiguous date as `'YYYY-MM-DD'`.
    """
    entry = _entry(doc, "upload_date")
    if entry is None:
        return
    span = entry.value_span
    reported = False
    for error, _ in _schema(doc, context, "date"):
        reported = True
        meant = _meant_date(doc)
        fix = None
        if meant is not None:
            fix = Fix(
                "safe",
                f"write '{meant.isoformat()}'",
                (TextEdit(span.start, span.end, yaml_edit.scalar(meant.isoformat())),),
            )
        yield Problem("F201", span.start, span.end, error.message, fix)
    if not reported and isinstance(entry.value, str) and _meant_date(doc) is None:
        yield Problem(
            "F201",
            span.start,
            span.end,
            f"upload_date {entry.value!r} is not a valid calendar date",
        )


@rule("F202", "tag-format", "A tag does not match `tag-pattern`.", WARNING, "safe")
def tag_format(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Tags are `Word_Word...`: letters and digits joined by `_`, no spaces, no `#`.

    A tag written `#Machine Learning` or `machine-learning` does not group with
    `Machine_Learning` in the vault.

    Example: `- '#Machine Learning'` becomes `- Machine_Learning`.

    Fix (safe): separators (spaces, `#`, `-`, punctuation) become one `_`, when the
    result matches the pattern; letters are never dropped, so a tag the pattern still
    rejects gets no fix. The result is quoted when YAML would read it as a number.

    Options: `tag-pattern` (a regular expression; default `^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$`).
    """
    entry = _entry(doc, "tags")
    for error, span in _schema(doc, context, "tag"):
        if entry is None or error.item is None or not isinstance(entry.value, list):
            continue
        pattern = compile_pattern(context.settings.tag_pattern)  # RE2: linear time
        value = str(entry.value[error.item])
        # Separators (spaces, '#', '-', punctuation) become one '_'; letters are never
        # dropped, so a tag the pattern still rejects (accents, say) gets no fix.
        fixed = "_".join(part for part in _SEPARATORS.split(value) if part)
        fix = None
        if fixed and fixed != value and pattern.search(fixed):
            written = yaml_edit.scalar(fixed)
            fix = Fix("safe", f"write {fixed!r}", (TextEdit(span.start, span.end, written),))
        yield Problem("F202", span.start, span.end, error.message, fix)


_SEPARATORS = re.compile(r"[\W_]+")


def _item_removal(doc: Document, span: Span, previous: Span | None) -> TextEdit | None:
    """An edit deleting one list item: its whole line in a block list (`- tag`), or the
    item with the comma before it in a flow list (`[a, b, a]`). None for other layouts."""
    line = doc.lines.position(span.start).line
    start, end = doc.lines.line_span(line)
    content = doc.text[start:end].rstrip("\r\n")
    if (
        content.strip().startswith("-")
        and content.strip()[1:].strip() == doc.text[span.start : span.end].strip()
    ):
        return TextEdit(start, end, "")
    if previous is not None and doc.text[previous.end : span.start].strip() == ",":
        return TextEdit(previous.end, span.end, "")
    return None


@rule("F203", "duplicate-tag", "The same tag appears twice.", WARNING, "safe")
def duplicate_tag(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A tag listed twice adds nothing and is usually a merge accident.

    Example: `tags: [NLP, LLM, NLP]`; the second `NLP` is reported.

    Fix (safe): delete the repeated item (its line in a block list, the item and its
    comma in a flow list).
    """
    entry = _entry(doc, "tags")
    if entry is None or not isinstance(entry.value, list):
        return
    values = entry.value
    if all(isinstance(value, str) for value in values) and len(set(values)) == len(values):
        return  # the usual tags: distinct strings
    seen: set[object] = set()
    previous: Span | None = None
    for value, span in zip(entry.value, entry.item_spans, strict=False):
        key = value if isinstance(value, str | int | float | bool) else repr(value)
        if key in seen:
            edit = _item_removal(doc, span, previous)
            fix = Fix("safe", "remove the repeated tag", (edit,)) if edit else None
            yield Problem("F203", span.start, span.end, f"duplicate tag {value!r}", fix)
        seen.add(key)
        previous = span


def _expected_order(keys: list[str], context: RunContext) -> list[str]:
    order = context.settings.key_order
    if order == "alphabetical":
        return sorted(keys)
    rank = {key: index for index, key in enumerate(order)}
    # Keys the configured order does not name keep their relative place, after the others.
    return sorted(keys, key=lambda key: (rank.get(key, len(rank)), keys.index(key)))


def _key_blocks(doc: Document, front: FrontMatter) -> list[tuple[str, int, int]] | None:
    """Each top-level key with the text span of its lines; comment lines above a key go
    with it. None when the layout is not plain enough to move keys safely."""
    entries = front.yaml.entries
    starts = []
    for entry in entries:
        line = doc.lines.position(entry.key_span.start)
        if line.column != 1:
            return None  # flow mapping or indented keys: leave them alone
        starts.append(doc.lines.line_span(line.line)[0])
    blocks: list[tuple[str, int]] = []
    for index, entry in enumerate(entries):
        start = starts[index]
        # Pull comment lines directly above this key into its block.
        while index > 0 and start > starts[index - 1]:
            prev_line = doc.lines.position(start - 1).line
            prev_start, _ = doc.lines.line_span(prev_line)
            if not doc.text[prev_start:start].lstrip().startswith("#"):
                break
            start = prev_start
        blocks.append((entry.key, start))
    ends = [start for _, start in blocks[1:]] + [front.content_end]
    return [(key, start, end) for (key, start), end in zip(blocks, ends, strict=True)]


@rule("F204", "key-order", "Front matter keys are not in the configured order.", WARNING, "safe")
def key_order(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Front matter keys out of the configured order make diffs between seeds noisy.

    The writer emits keys in alphabetical order. The first key out of place is reported,
    with the key expected there.

    Example: `type:` before `source:`.

    Fix (safe): move whole key blocks (with the comment lines right above them); values,
    quoting and comments are kept byte for byte. A mapping written in flow style
    (`{type: Paper, link: ...}`) is reordered by ruamel.yaml's round trip, which keeps
    its quoting and flow style; the fix is dropped unless every value reads back the
    same. No fix when keys repeat (F105) or keys are indented.

    Options: `key-order = "alphabetical"` (default) or a list of keys; keys the list does
    not name go last, in their current order.
    """
    front = doc.front_matter
    if front is None or not front.yaml.entries:
        return
    keys = [entry.key for entry in front.yaml.entries]
    expected = _expected_order(keys, context)
    if keys == expected:
        return
    first_wrong = next(i for i, (a, b) in enumerate(zip(keys, expected, strict=True)) if a != b)
    entry = front.yaml.entries[first_wrong]
    fix = None
    blocks = _key_blocks(doc, front)
    if blocks is not None and len(set(keys)) == len(keys):
        by_key = {key: doc.text[start:end] for key, start, end in blocks}
        if not all(text.endswith(("\n", "\r")) for text in by_key.values()):
            by_key = {}
        if by_key:
            first = blocks[0][1]
            reordered = "".join(by_key[key] for key in expected)
            fix = Fix("safe", "reorder the keys", (TextEdit(first, front.content_end, reordered),))
    elif blocks is None and len(set(keys)) == len(keys):
        content = doc.text[front.content_start : front.content_end]
        flow = yaml_edit.reordered(content, expected)
        if flow is not None:
            edit = TextEdit(front.content_start, front.content_end, flow)
            fix = Fix("safe", "reorder the keys", (edit,))
    yield Problem(
        "F204",
        entry.key_span.start,
        entry.key_span.end,
        f"key '{entry.key}' is out of order (expected '{expected[first_wrong]}' here)",
        fix,
    )


@rule("F205", "future-date", "`upload_date` lies in the future.", WARNING)
def future_date(doc: Document, context: RunContext) -> Iterator[Problem]:
    """An upload date after today is almost always a typo in the year or month.

    Example: `upload_date: '2042-02-22'` in a seed written in 2024.

    Fix by hand: correct the date. "Today" is the date of the machine running seedlint.
    """
    entry = _entry(doc, "upload_date")
    if entry is None:
        return
    meant = _meant_date(doc)
    if meant is not None and meant > context.today:
        yield Problem(
            "F205",
            entry.value_span.start,
            entry.value_span.end,
            f"upload_date {meant.isoformat()} is in the future",
        )


RULES = (
    missing_front_matter,
    invalid_yaml,
    not_mapping,
    missing_key,
    unknown_key,
    wrong_type,
    invalid_value,
    duplicate_key,
    unsafe_yaml,
    date_format,
    tag_format,
    duplicate_tag,
    key_order,
    future_date,
)
