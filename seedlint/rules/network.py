"""Network rules (L001, L002, L004, L007): is each URL a seed holds still alive?

They are cross-file rules in form because a link check is one piece of work for the whole
run: each unique URL (normalised) is requested once, however many seeds hold it, and the
verdict is reported at every place it occurs. The rules share that one check: the first
of them to run in a run does it, the others read its results. A page linked to with a
fragment is read (bounded) by that same request when L007 is on.

Which links: `link:`, the source line, `## Links`, and (`[links] scope = "all"`, the
default) every other link of the body; never code spans or code blocks.

`--offline` (or `SEEDLINT_OFFLINE=1`) turns them off; the other rules never use the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from seedlint.context import RunContext, per_run
from seedlint.findings import Fix, Severity, TextEdit
from seedlint.links.fragments import fragment_found
from seedlint.links.result import LinkResult, Verdict
from seedlint.links.run import LinkReport
from seedlint.links.urls import normalise
from seedlint.linter import is_selected
from seedlint.rule import CorpusProblem, LinkOccurrence, SeedSummary, corpus_rule

if TYPE_CHECKING:
    from seedlint.links.archive import Snapshot

#: Characters that would need escaping in YAML or Markdown: no automatic fix then.
_UNSAFE_IN_FIX = frozenset(" \t\r\n'\"\\<>()`")


@dataclass
class _RunLinks:
    """The link check of one run (one RunContext), grown as new URLs are asked about."""

    context: RunContext
    report: LinkReport = field(default_factory=LinkReport)
    note: int | None = None  # index of this run's summary in context.notes
    # The archive's answers, by (URL, YYYYMMDD), asked once a run.
    snapshots: dict[tuple[str, str], Snapshot] = field(default_factory=dict)


@per_run
def _run_links(context: RunContext) -> _RunLinks:
    """The check the network rules of a run share (`seedlint fix` calls them again per
    file, with the same RunContext); a new context starts afresh."""
    return _RunLinks(context)


def link_report(seeds: Sequence[SeedSummary], context: RunContext) -> LinkReport:
    """Verdicts on every URL of ``seeds``; only URLs this run has not judged are checked."""
    run = _run_links(context)
    urls = {
        url
        for seed in seeds
        for link in seed.links
        if _in_scope(link, context) and (url := normalise(link.url)) is not None
    }
    missing = [url for url in sorted(urls) if url not in run.report.results]
    fragments = _fragment_urls(seeds, context) if missing else set()
    if missing:
        from seedlint.links.options import CheckOptions
        from seedlint.links.run import check_urls

        settings = context.settings.links
        run.report.merge(
            check_urls(
                missing,
                CheckOptions.of(settings),
                context.configuration.root if settings.cache else None,
                fragments=fragments,
            )
        )
        _say(run)
    return run.report


def _in_scope(link: LinkOccurrence, context: RunContext) -> bool:
    return not link.body or context.settings.links.scope == "all"


def _fragment_urls(seeds: Sequence[SeedSummary], context: RunContext) -> set[str]:
    """The URLs whose page is read for anchors: linked with a fragment, L007 on."""
    settings = context.settings
    select = [*settings.select, *settings.extend_select]
    if settings.severity_for("L007") == "off" or not is_selected("L007", select, settings.ignore):
        return set()
    return {
        url
        for seed in seeds
        for link in seed.links
        if "#" in link.url
        and _in_scope(link, context)
        and (url := normalise(link.url)) is not None
        and fragment_found(urlsplit(link.url).fragment, ()) is False
    }


def _say(run: _RunLinks) -> None:
    """The run's one line on stderr (as a note): the summary, or the offline warning."""
    text = run.report.offline_warning() if run.report.offline else run.report.summary()
    notes = run.context.notes
    if run.note is None or run.note >= len(notes):
        run.note = len(notes)
        notes.append(text)
    else:
        notes[run.note] = text


def _problems(
    seeds: Sequence[SeedSummary],
    context: RunContext,
    code: str,
    wanted: Callable[[LinkResult], bool],
    describe: Callable[[SeedSummary, LinkOccurrence, LinkResult], tuple[str, Fix | None] | None],
) -> Iterator[CorpusProblem]:
    results = link_report(seeds, context).results
    for seed in seeds:
        for link in seed.links:
            url = normalise(link.url) if _in_scope(link, context) else None
            result = results.get(url) if url is not None else None
            if result is None or not wanted(result):
                continue
            described = describe(seed, link, result)
            if described is None:
                continue
            message, fix = described
            yield CorpusProblem(
                seed.path,
                code,
                link.begin,
                link.finish,
                message,
                link.line_text,
                (link.start, link.end),
                fix,
                ((link.begin, link.finish),) if fix is not None else (),
            )


def _is_dead(result: LinkResult) -> bool:
    return result.verdict is Verdict.DEAD


def _is_unverifiable(result: LinkResult) -> bool:
    return result.verdict is Verdict.UNVERIFIABLE


def _plain(seed: SeedSummary, link: LinkOccurrence, result: LinkResult) -> tuple[str, None]:
    return f"{link.url} {result.detail}", None


def _moved(seed: SeedSummary, link: LinkOccurrence, result: LinkResult) -> tuple[str, Fix | None]:
    assert result.moved_to is not None
    target = result.moved_to
    fragment = urlsplit(link.url).fragment
    if fragment and not urlsplit(target).fragment:
        target = f"{target}#{fragment}"  # browsers carry the fragment over a redirect
    message = f"{link.url} redirects permanently ({result.moved_status}) to {target}"
    if not link.exact or _UNSAFE_IN_FIX.intersection(target):
        return message, None
    fix = Fix("unsafe", f"use {target}", (TextEdit(link.start, link.end, target),))
    return message, fix


def _archived(
    seeds: Sequence[SeedSummary], context: RunContext, results: dict[str, LinkResult]
) -> dict[tuple[str, str], Snapshot] | None:
    """The archive's answer for each dead URL of ``seeds`` near its seed's upload day."""
    settings = context.settings.links
    if not settings.archive:
        return None
    run = _run_links(context)  # made by link_report, which ran first
    pairs = {
        (url, link.day)
        for seed in seeds
        for link in seed.links
        if _in_scope(link, context)
        and (url := normalise(link.url)) is not None
        and (result := results.get(url)) is not None
        and result.verdict is Verdict.DEAD
    }
    missing = [pair for pair in sorted(pairs) if pair not in run.snapshots]
    if missing:
        from seedlint.links.options import CheckOptions
        from seedlint.links.run import find_snapshots

        options = CheckOptions.of(settings)
        cache = context.configuration.root if settings.cache else None
        run.snapshots.update(find_snapshots(missing, options, cache))
    return run.snapshots


def _dead(
    snapshots: dict[tuple[str, str], Snapshot] | None, context: RunContext
) -> Callable[[SeedSummary, LinkOccurrence, LinkResult], tuple[str, Fix | None]]:
    def describe(
        seed: SeedSummary, link: LinkOccurrence, result: LinkResult
    ) -> tuple[str, Fix | None]:
        message = f"{link.url} {result.detail}"
        if snapshots is None:
            return message, None
        answer = snapshots.get((result.url, link.day))
        if answer is None or answer.failed:
            why = answer.failed if answer is not None else "not asked"
            return f"{message}; the archive could not be asked ({why})", None
        if answer.url is None:
            return f"{message}; the archive holds no copy of it", None
        target = answer.url
        fragment = urlsplit(link.url).fragment
        if fragment and "#" not in target:
            target = f"{target}#{fragment}"
        when = f" of {answer.timestamp}" if answer.timestamp else ""
        message = f"{message}; archived copy{when}: {target}"
        same = [
            other
            for other in seed.links
            if _in_scope(other, context) and normalise(other.url) == result.url
        ]
        if not all(other.exact for other in same) or _UNSAFE_IN_FIX.intersection(target):
            return f"{message} (not fixed: the URL is also written where a fix cannot reach)", None
        return message, Fix(
            "unsafe", f"use the archived copy {target}", (TextEdit(link.start, link.end, target),)
        )

    return describe


@corpus_rule(
    "L001", "dead-link", "A link is dead: the server or the network says no.", fix="unsafe"
)
def dead_link(seeds: Sequence[SeedSummary], context: RunContext) -> Iterator[CorpusProblem]:
    """A URL of the seed (front matter `link`, the source line, a `## Links` item) is dead:
    it answered 404 or 410, or another 4xx/5xx status after the retries, its host does not
    exist, the connection was refused, the TLS handshake failed, or its redirects loop.

    Why: dead links are the first thing that rots in a reading vault; a seed whose source
    is gone needs an archived copy or a replacement while one can still be found.

    Example: `https://example.com/post-that-moved returned 404 Not Found`, reported at
    every place the URL occurs, in every seed that holds it.

    Fix (unsafe, `seedlint fix --unsafe-fixes --select L001`): the URL is replaced, at
    every place the seed holds it (`link:`, the source line, the `## Links` item, the
    body), by the Wayback Machine's snapshot closest to the seed's `upload_date`, found
    through its availability API (`[links] archive = true`, `archive-url`). No snapshot,
    no fix: the message says so. Unsafe because a snapshot may be a later or broken copy.

    Answers that say nothing clear (timeouts, 401/403, rate limits, bot walls) are L004,
    never L001. A machine with no network at all gets one warning that links were not
    checked, not a dead verdict for each. `--offline` (or `SEEDLINT_OFFLINE=1`) turns the
    network rules off.

    Options (`[tool.seedlint.links]`): `timeout` (20 s), `connect-timeout` (10 s),
    `retries` (2), `retry-wait` (1 s, doubling), `max-retry-wait` (60 s),
    `max-concurrency` (64), `max-per-host` (4), `method` ("get" or "head"), `accept`
    (`["200..=299"]`), `exclude` (URL regexes), `user-agent`, `allow-private` (false),
    `cache` (true), `cache-ttl` ("7d"), and `[tool.seedlint.links.hosts."host"]` with
    `headers` and `max-concurrency`. Loopback, private, link-local and multicast
    addresses are not requested unless `allow-private = true`.
    """
    results = link_report(seeds, context).results
    snapshots = _archived(seeds, context, results)
    return _problems(seeds, context, "L001", _is_dead, _dead(snapshots, context))


@corpus_rule(
    "L002",
    "redirected-link",
    "A link redirects permanently (301/308) to another URL.",
    Severity.WARNING,
    fix="unsafe",
)
def redirected_link(seeds: Sequence[SeedSummary], context: RunContext) -> Iterator[CorpusProblem]:
    """A URL answers with a permanent redirect (301 or 308) to another URL, and that URL
    is alive. The site says the old address is gone for good: links to it work until the
    redirect is dropped, and the seed should name the page where it now lives.

    Example: `http://example.com/post redirects permanently (301) to
    https://example.com/posts/post`.

    Fix (unsafe, `seedlint fix --unsafe-fixes`): the URL is replaced by the one the
    permanent redirects lead to (the fragment, if any, is kept). Unsafe because a site
    may redirect many old pages to its home page: read the diff. Temporary redirects
    (302, 303, 307) are not reported: they often lead to login or consent pages.
    """
    return _problems(seeds, context, "L002", lambda result: result.redirected, _moved)


@corpus_rule(
    "L004",
    "unverifiable-link",
    "A link could not be verified: no clear answer after the retries.",
    Severity.WARNING,
)
def unverifiable_link(seeds: Sequence[SeedSummary], context: RunContext) -> Iterator[CorpusProblem]:
    """A URL gave no clear answer after the retries: it timed out, answered 401 or 403,
    kept answering 429 (or asked to wait longer than `max-retry-wait`), answered 999 or
    another bot wall (a challenge page), or the connection broke without an answer.

    Why a third outcome: accepting 403 hides dead links, and calling it dead makes CI
    flaky. Many sites refuse automated requests; the link may well be fine in a browser.

    Fix: none. Open the link in a browser. If a host always answers this way, give it
    headers (`[tool.seedlint.links.hosts."example.com"] headers = {...}`), a lower
    `max-concurrency`, or leave it out with `exclude`; or ignore L004 for it with a
    `<!-- seedlint-disable-line L004 -->` comment.
    """
    return _problems(seeds, context, "L004", _is_unverifiable, _plain)


def _fragment_problem(
    seed: SeedSummary, link: LinkOccurrence, result: LinkResult
) -> tuple[str, None] | None:
    fragment = urlsplit(link.url).fragment
    if not fragment or result.page != "html" or not result.anchors:
        return None  # no fragment, or not verifiable: not HTML, or a page without ids
    if fragment_found(fragment, result.anchors) is not False:
        return None
    return f"{link.url}: the page has no id or <a name> '{fragment}'", None


def _not_verifiable(seeds: Sequence[SeedSummary], context: RunContext) -> int:
    results = link_report(seeds, context).results
    count = 0
    for seed in seeds:
        for link in seed.links:
            url = normalise(link.url) if "#" in link.url and _in_scope(link, context) else None
            result = results.get(url) if url is not None else None
            if result is None or result.verdict is not Verdict.OK or result.page is None:
                continue
            if result.page != "html" or not result.anchors:
                count += fragment_found(urlsplit(link.url).fragment, ()) is False
    return count


@corpus_rule(
    "L007", "missing-fragment", "A link's #fragment names no place in its page.", Severity.WARNING
)
def missing_fragment(seeds: Sequence[SeedSummary], context: RunContext) -> Iterator[CorpusProblem]:
    """A link to `https://host/page#section` whose page is HTML, alive, and holds no
    element with `id="section"` nor an `<a name="section">`: the link works, but does not
    lead to the part of the page the note meant (a heading was renamed, a section cut).

    Read with a real HTML tokenizer, from the link check's own request (at most 2 MB of
    the page). GitHub's `user-content-` prefix (README headings) is understood, and
    `#L10` / `#L10-L20` line anchors, `#top` and text fragments (`#:~:text=`) are never
    reported. Pages that are not HTML (a PDF's `#page=3`) and pages without any id (built
    by JavaScript) cannot be verified: they are counted in a note, not reported.

    Fix: none. Find the section's new anchor on the page, or drop the fragment.
    """
    unverifiable = _not_verifiable(seeds, context)
    if unverifiable:
        context.notes.append(
            f"L007: {unverifiable} fragments could not be verified"
            " (the page is not HTML, or has no ids: built by JavaScript)"
        )
    return _problems(seeds, context, "L007", _alive, _fragment_problem)


def _alive(result: LinkResult) -> bool:
    return result.verdict is Verdict.OK


RULES = (dead_link, redirected_link, unverifiable_link, missing_fragment)
