"""Cross-file rules (C0xx): what no single seed can know, checked over the whole run."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import urlsplit, urlunsplit

from seedlint.context import RunContext
from seedlint.findings import Position, Severity
from seedlint.links.urls import canonical_url
from seedlint.patterns import PatternError, compile_pattern
from seedlint.rule import CorpusProblem, SeedSummary, corpus_rule

_DEFAULT_PORTS = {"http": 80, "https": 443}
# `NNN_<16 hex>.txt`, as the exporter names seeds; the id is what must be unique.
_EXPORT_NAME = re.compile(r"[0-9]+_([0-9a-fA-F]{16})")
_FILE_START = Position(1, 1)
_LISTED = 5


def normalise_link(link: str) -> str:
    """The form two links are compared in: the URL normalisation the link rules share
    (RFC 3986 and IDNA: see seedlint.links.urls), fragment and trailing slash dropped."""
    key = canonical_url(link, fragment=False)
    if key is None:
        return _written_key(link)
    base, mark, query = key.partition("?")
    return base.rstrip("/") + mark + query


def _written_key(link: str) -> str:
    """Not an http(s) URL: scheme and host lower case, default port, trailing slash and
    fragment dropped; compared as written when it cannot be taken apart."""
    link = link.strip()
    try:
        parts = urlsplit(link)
        port = parts.port
    except ValueError:
        return link  # not a URL we can take apart (L003 says so): compare it as written
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, ""))


def _names(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:_LISTED])
    more = len(paths) - _LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _repeats(
    seeds: Sequence[SeedSummary], key: Callable[[SeedSummary], str | None]
) -> Iterator[tuple[str, SeedSummary, str]]:
    """Each seed whose key (None: no key) another seed shares, with that key and the
    other seeds' names: the one grouping behind every "the same X twice" rule. Groups come
    in the order their key is first met, seeds in run order, so reports are stable.
    """
    groups: dict[str, list[SeedSummary]] = {}
    for seed in seeds:
        found = key(seed)
        if found is not None:
            groups.setdefault(found, []).append(seed)
    for found, group in groups.items():
        if len(group) < 2:
            continue
        for seed in group:
            yield found, seed, _names([other.path for other in group if other is not seed])


def _link_key(seed: SeedSummary) -> str | None:
    return normalise_link(seed.link) if seed.link is not None and seed.link.strip() else None


@corpus_rule("C001", "duplicate-seed", "Two seed files have the same link.", Severity.ERROR)
def duplicate_seed(seeds: Sequence[SeedSummary], context: RunContext) -> Iterator[CorpusProblem]:
    """Each seed is one reading item, so two seeds with the same front matter `link` are
    the same item saved twice, and their notes drift apart.

    Links are compared after normalisation (RFC 3986 and IDNA, the one the link rules
    share): `HTTPS://Example.com:443/post/#intro` and `https://example.com/post` are the
    same seed, and so are `bücher.de` and `xn--bcher-kva.de`, `%7E` and `~`, `%2f` and
    `%2F`, `/a/./b` and `/a/b`. Every copy is reported, at its `link`
    value, naming the other file(s). Only the files of one run are compared: lint the
    whole vault to find them all.
    """
    for _, seed, others in _repeats(seeds, _link_key):
        yield CorpusProblem(
            seed.path,
            "C001",
            seed.link_start,
            seed.link_end,
            f"duplicate seed: the same link as {others}",
            seed.link_line,
        )


def seed_id(path: str) -> str | None:
    """The 16-hex id of an exported seed's file name (`042_7277590c367447cf.txt`)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    match = _EXPORT_NAME.fullmatch(stem)
    return match[1].lower() if match else None


@corpus_rule("C002", "duplicate-seed-id", "Two seed file names share one id.", Severity.ERROR)
def duplicate_seed_id(seeds: Sequence[SeedSummary], context: RunContext) -> Iterator[CorpusProblem]:
    """Exported seeds are named `NNN_<16 hex>.txt`; the hex part is the seed's id, and
    tools that read the export key on it. Two files with one id (`001_7277590c367447cf.txt`
    and `014_7277590c367447cf.txt`) mean one of them is overwritten or lost on the next
    import. Each file is reported, naming the other(s). Names of another form are ignored.
    """
    for found, seed, others in _repeats(seeds, lambda seed: seed_id(seed.path)):
        yield CorpusProblem(
            seed.path,
            "C002",
            _FILE_START,
            _FILE_START,
            f"duplicate seed id {found}: also used by {others}",
            seed.first_line,
        )


@corpus_rule(
    "C003", "file-name", "A seed's file name does not match `file-name-pattern`.", Severity.WARNING
)
def file_name(seeds: Sequence[SeedSummary], context: RunContext) -> Iterator[CorpusProblem]:
    """Opt-in: silent until `file-name-pattern` is set. The pattern is a regular expression
    (Python syntax, run on RE2: no backreferences or lookaround) the whole file name (not
    its folder) must match, for example
    `file-name-pattern = '[0-9]{3}_[0-9a-f]{16}\\.txt'` for exported seeds or
    `'[^#%&{}\\\\<>*?$!:@]+\\.md'` for a vault that must stay portable.
    """
    pattern_text = context.settings.file_name_pattern
    if pattern_text is None:
        return
    try:
        pattern = compile_pattern(pattern_text)  # RE2: linear time, whatever the pattern
    except PatternError as error:
        note = f"file-name-pattern {pattern_text!r} is not a valid regular expression: {error}"
        if note not in context.notes:
            context.notes.append(note)
        return
    for seed in seeds:
        if seed.path == "-":
            continue  # standard input without --stdin-filename has no name to check
        name = os.path.basename(seed.path)
        if pattern.fullmatch(name) is None:
            yield CorpusProblem(
                seed.path,
                "C003",
                _FILE_START,
                _FILE_START,
                f"file name {name!r} does not match file-name-pattern {pattern_text!r}",
                seed.first_line,
            )


RULES = (duplicate_seed, duplicate_seed_id, file_name)
