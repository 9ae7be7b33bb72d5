"""Front matter rules (F0xx structure, F1xx schema, F2xx format)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator

from seedlint._yaml import KeyEntry, Span
from seedlint.context import RunContext
from seedlint.document import Document, FrontMatter
from seedlint.findings import Fix, Problem, Severity, TextEdit
from seedlint.rule import rule
from seedlint.schema import SchemaError

ERROR = Severity.ERROR
WARNING = Severity.WARNING


def _yaml_issues(doc: Document, code: str) -> Iterator[Problem]:
    if doc.front_matter is None:
        return
    for issue in doc.front_matter.yaml.issues:
        if issue.code == code:
            yield Problem(
                code, issue.span.start, max(issue.span.end, issue.span.start), issue.message
            )


def _fence(doc: Document) -> tuple[int, int]:
    start, end = doc.lines.line_span(1)
    return start, len(doc.text[start:end].rstrip("\r\n")) + start


@rule(
    "F001", "missing-front-matter", "The file does not open with a `---` front matter block.", ERROR
)
def missing_front_matter(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A seed starts with YAML front matter between a first line `---` and the next `---`.

    Example of a finding: a file whose first line is `# My note`.
    Without front matter no key can be checked, so the F1xx/F2xx rules stay silent.
    """
    if doc.front_matter is None and not doc.unclosed_front_matter:
        yield Problem("F001", 0, 0, "missing front matter: the file must start with '---'")


@rule("F002", "invalid-yaml", "The front matter is not valid YAML, or is never closed.", ERROR)
def invalid_yaml(doc: Document, context: RunContext) -> Iterator[Problem]:
    """The YAML between the fences does not parse, or the closing `---` is missing.

    The finding points at the position the YAML parser reported. Tabs used for
    indentation are a common cause.
    """
    if doc.unclosed_front_matter:
        start, end = _fence(doc)
        yield Problem("F002", start, end, "unclosed front matter: no closing '---' line")
    yield from _yaml_issues(doc, "F002")


@rule("F003", "front-matter-not-mapping", "The front matter is a list or a scalar.", ERROR)
def not_mapping(doc: Document, context: RunContext) -> Iterator[Problem]:
    """The front matter must be a mapping of keys to values, not a list or a single value."""
    yield from _yaml_issues(doc, "F003")


def _schema(doc: Document, context: RunContext, code: str) -> Iterator[tuple[SchemaError, Span]]:
    front = doc.front_matter
    if front is None:
        return
    for error in context.schema_errors(doc):
        if error.code != code:
            continue
        entry = front.entry(error.key)
        if entry is None:
            start, end = _fence(doc)
            yield error, Span(start, end)
        elif error.item is not None and error.item < len(entry.item_spans):
            yield error, entry.item_spans[error.item]
        else:
            yield error, entry.value_span


@rule("F101", "missing-key", "A required front matter key is absent.", ERROR)
def missing_key(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Every required key (`required-keys`; default: already_read, link, read_priority,
    relevance, source, type, upload_date) must be present. `tags` is optional: the
    writer omits it when there are none. Reported on the opening `---`.
    """
    for error, span in _schema(doc, context, "F101"):
        yield Problem("F101", span.start, span.end, error.message)


@rule("F102", "unknown-key", "A front matter key that the schema does not know.", WARNING)
def unknown_key(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Keys outside the schema are usually typos (`upload-date`, `tag`).

    `unknown-keys = "allow"` silences this rule; `"error"` also makes the published JSON
    Schema forbid extra properties. A did-you-mean is given when a known key is close.
    """
    front = doc.front_matter
    if front is None or context.settings.unknown_keys == "allow":
        return
    from seedlint.schema import known_keys

    known = known_keys(context.settings)
    for entry in front.yaml.entries:
        if entry.key in known:
            continue
        close = difflib.get_close_matches(entry.key, sorted(known), n=1, cutoff=0.7)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        yield Problem(
            "F102", entry.key_span.start, entry.key_span.end, f"unknown key '{entry.key}'{hint}"
        )


@rule("F103", "wrong-type", "A front matter value has the wrong type.", ERROR)
def wrong_type(doc: Document, context: RunContext) -> Iterator[Problem]:
    """`already_read` must be `true`/`false` (not `yes`, `"false"` or `0`), `read_priority`
    and `relevance` integers, `link`, `type` and `source` strings (`source` may be `null`),
    `tags` a list of strings.
    """
    for error, span in _schema(doc, context, "F103"):
        yield Problem("F103", span.start, span.end, error.message)


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
)
def invalid_value(doc: Document, context: RunContext) -> Iterator[Problem]:
    """`read_priority` and `relevance` must lie within their `bounds` (default 0 to 5),
    `type` must be one of `allowed-types`, `tags`, when present, must not be empty.

    Fix (unsafe): a `type` with exactly one close allowed spelling is replaced by it.
    """
    for error, span in _schema(doc, context, "F104"):
        message, fix = error.message, None
        entry = doc.front_matter.entry(error.key) if doc.front_matter else None
        if error.key == "type" and entry is not None and isinstance(entry.value, str):
            options = _type_suggestion(entry.value, context.settings.allowed_types)
            if options:
                message = f"type {entry.value!r} is not allowed (did you mean {options[0]!r}?)"
            else:
                allowed = ", ".join(context.settings.allowed_types)
                message = f"type {entry.value!r} is not allowed; allowed: {allowed}"
            if len(options) == 1:
                fix = Fix(
                    "unsafe",
                    f"replace with {options[0]!r}",
                    (TextEdit(span.start, span.end, options[0]),),
                )
        yield Problem("F104", span.start, span.end, message, fix)


@rule("F105", "duplicate-key", "The same key appears twice in the front matter.", ERROR)
def duplicate_key(doc: Document, context: RunContext) -> Iterator[Problem]:
    """YAML loaders silently keep only the last of two equal keys, losing data.
    The finding points at each repeated occurrence.
    """
    yield from _yaml_issues(doc, "F105")


@rule("F106", "unsafe-yaml", "Custom YAML tags or alias expansion beyond a bound.", ERROR)
def unsafe_yaml(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Tags such as `!!python/object` are never constructed (nothing in a seed is ever
    executed) and are reported. Aliases whose expansion exceeds 10,000 nodes (a
    "billion laughs" bomb) are reported instead of expanded.
    """
    yield from _yaml_issues(doc, "F106")


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


def _date_entry(doc: Document) -> KeyEntry | None:
    return doc.front_matter.entry("upload_date") if doc.front_matter else None


@rule("F201", "date-format", "`upload_date` is not a quoted `YYYY-MM-DD` string.", WARNING, "safe")
def date_format(doc: Document, context: RunContext) -> Iterator[Problem]:
    """The writer emits `upload_date: '2024-02-22'`. An unquoted YAML date, or another
    unambiguous form (`2024/02/22`, `22 Feb 2024`, `February 22, 2024`, a timestamp), is
    reported; `02/03/2024` is reported but never guessed. An impossible date
    (`'2024-02-30'`) is reported too.

    Fix (safe): rewrite an unambiguous date as `'YYYY-MM-DD'`.
    """
    entry = _date_entry(doc)
    if entry is None:
        return
    span = entry.value_span
    reported = False
    for error, _ in _schema(doc, context, "F201"):
        reported = True
        meant = unambiguous_date(entry.value)
        fix = None
        if meant is not None:
            fix = Fix(
                "safe",
                f"write '{meant.isoformat()}'",
                (TextEdit(span.start, span.end, f"'{meant.isoformat()}'"),),
            )
        yield Problem("F201", span.start, span.end, error.message, fix)
    if not reported and isinstance(entry.value, str) and unambiguous_date(entry.value) is None:
        yield Problem(
            "F201",
            span.start,
            span.end,
            f"upload_date {entry.value!r} is not a valid calendar date",
        )


@rule("F202", "tag-format", "A tag does not match `tag-pattern`.", WARNING, "safe")
def tag_format(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Tags are `Word_Word...`: letters and digits joined by `_` (the `tag-pattern`
    setting). Spaces, `#` and punctuation are reported.

    Fix (safe): `#Machine Learning` becomes `Machine_Learning` when the result matches.
    """
    pattern = re.compile(context.settings.tag_pattern)
    for error, span in _schema(doc, context, "F202"):
        original = doc.text[span.start : span.end]
        entry = doc.front_matter.entry("tags") if doc.front_matter else None
        value = entry.value[error.item] if entry and error.item is not None else original
        fixed = "_".join(re.split(r"[^A-Za-z0-9]+", str(value).replace("#", " ").strip()))
        fixed = fixed.strip("_")
        fix = None
        if fixed and fixed != value and pattern.search(fixed):
            fix = Fix("safe", f"write {fixed!r}", (TextEdit(span.start, span.end, fixed),))
        yield Problem("F202", span.start, span.end, error.message, fix)


def _item_line(doc: Document, span: Span) -> TextEdit | None:
    """An edit deleting the block-list line that holds only this item, if it does."""
    line = doc.lines.position(span.start).line
    start, end = doc.lines.line_span(line)
    content = doc.text[start:end].rstrip("\r\n")
    if (
        content.strip().startswith("-")
        and content.strip()[1:].strip() == doc.text[span.start : span.end].strip()
    ):
        return TextEdit(start, end, "")
    return None


@rule("F203", "duplicate-tag", "The same tag appears twice.", WARNING, "safe")
def duplicate_tag(doc: Document, context: RunContext) -> Iterator[Problem]:
    """A tag listed twice adds nothing and is usually a merge accident.

    Fix (safe): delete the repeated item (block-style lists).
    """
    entry = doc.front_matter.entry("tags") if doc.front_matter else None
    if entry is None or not isinstance(entry.value, list):
        return
    seen: set[object] = set()
    for value, span in zip(entry.value, entry.item_spans, strict=False):
        key = value if isinstance(value, str | int | float | bool) else repr(value)
        if key in seen:
            edit = _item_line(doc, span)
            fix = Fix("safe", "remove the repeated tag", (edit,)) if edit else None
            yield Problem("F203", span.start, span.end, f"duplicate tag {value!r}", fix)
        seen.add(key)


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
    """The writer emits keys in alphabetical order (`key-order = "alphabetical"`); a list
    in `key-order` sets another order. Out-of-order keys make diffs noisy.

    Fix (safe): move whole key blocks (with the comment lines right above them); values,
    quoting and comments are kept byte for byte.
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
    yield Problem(
        "F204",
        entry.key_span.start,
        entry.key_span.end,
        f"key '{entry.key}' is out of order (expected '{expected[first_wrong]}' here)",
        fix,
    )


@rule("F205", "future-date", "`upload_date` lies in the future.", WARNING)
def future_date(doc: Document, context: RunContext) -> Iterator[Problem]:
    """An upload date after today is almost always a typo in the year or month."""
    entry = _date_entry(doc)
    if entry is None:
        return
    meant = unambiguous_date(entry.value)
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
