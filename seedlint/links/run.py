"""One link check for a whole run: cache, network, and the summary said at the end."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from seedlint.links.options import CheckOptions
from seedlint.links.result import LinkResult, Skip, Verdict, skipped
from seedlint.links.urls import normalise

if TYPE_CHECKING:
    from seedlint.links.archive import Snapshot
    from seedlint.links.cache import LinkCache

T = TypeVar("T")


def lasting_of(result: LinkResult) -> str | None:
    from seedlint.links.cache import lasting_of as lasting

    return lasting(result)


@dataclass
class LinkReport:
    """The verdict on every unique URL of a run, and how it was reached."""

    results: dict[str, LinkResult] = field(default_factory=dict)
    requests: int = 0  # requests that reached a server: retries and redirect hops included
    offline: bool = False
    seconds: float = 0.0
    proxied: int = 0  # URLs asked through a proxy (HTTP(S)_PROXY)

    def merge(self, other: LinkReport) -> None:
        self.results.update(other.results)
        self.requests += other.requests
        self.offline = self.offline or other.offline
        self.seconds += other.seconds
        self.proxied += other.proxied

    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for result in self.results.values():
            if result.verdict is Verdict.SKIPPED:
                counts["skipped"] += 1
                counts[f"skipped:{result.skip.value if result.skip else 'other'}"] += 1
                continue
            counts["checked"] += 1
            counts["cached"] += result.from_cache
            if result.redirected:
                counts["redirected"] += 1
            elif result.verdict is not Verdict.OK:
                counts[result.verdict.value] += 1
        return counts

    def summary(self) -> str:
        """One line: checked, from cache, dead, redirected, unverifiable, skipped (why)."""
        counts = self.counts()
        parts = [
            f"{counts['dead']} dead",
            f"{counts['redirected']} redirected",
            f"{counts['unverifiable']} unverifiable",
        ]
        text = f"links: {counts['checked']} checked ({counts['cached']} from cache): "
        text += ", ".join(parts)
        if counts["skipped"]:
            reasons = ", ".join(
                f"{counts[key]} {key.removeprefix('skipped:')}"
                for key in sorted(counts)
                if key.startswith("skipped:")
            )
            text += f"; {counts['skipped']} skipped ({reasons})"
        text = f"{text}; {self.requests} requests in {self.seconds:.1f} s"
        if self.proxied:
            text += f" ({self.proxied} of them through a proxy, HTTP(S)_PROXY)"
        return text

    def offline_warning(self) -> str:
        count = sum(result.skip is Skip.OFFLINE for result in self.results.values())
        return (
            f"no network: {count} links were not checked (every lookup or connection failed);"
            " L001, L002 and L004 say nothing about them. Use --offline (or"
            " SEEDLINT_OFFLINE=1) to skip link checks on purpose."
        )


def check_urls(
    urls: Iterable[str],
    options: CheckOptions,
    cache_root: Path | None,
    *,
    fragments: Collection[str] = (),
    progress: bool = True,
) -> LinkReport:
    """Check each unique URL of ``urls`` (normalised), from the cache where fresh.

    ``cache_root``: the project whose cache folder holds the link cache (None: no cache).

    ``fragments`` are the URLs whose page is read for its anchors (a seed links to a
    fragment of it and L007 is on): a cached answer without them is asked again.
    """
    started = time.perf_counter()
    report = LinkReport()
    wanted: list[str] = []
    for url in dict.fromkeys(urls):
        if normalise(url) != url:
            report.results[url] = skipped(url, Skip.UNSUPPORTED)
        elif options.excluded(url):
            report.results[url] = skipped(url, Skip.EXCLUDED)
        else:
            wanted.append(url)
    cache = _open_cache(cache_root) if wanted else None
    now = time.time()
    if cache is not None:
        fresh = cache.get(
            wanted,
            options.ttls,
            now,
            failures=not options.refresh,
            targets=not options.fresh_fix_targets,
        )
        report.results.update(
            (url, result)
            for url, result in fresh.items()
            if _still_valid(result, options) and (url not in fragments or result.page is not None)
        )
        wanted = [url for url in wanted if url not in report.results]
    if wanted:
        checked, requests, offline = _check_network(wanted, options, fragments, progress)
        report.results.update(checked)
        report.requests, report.offline = requests, offline
        report.proxied = options.proxy.used_for(wanted) if options.proxy is not None else 0
        worth_keeping = any(lasting_of(result) is not None for result in checked.values())
        if cache is None and worth_keeping:
            cache = _open_cache(cache_root, create=True)
        if cache is not None and worth_keeping:
            cache.put(checked.values(), now, options.ttls)
    if cache is not None:
        cache.close()
    report.seconds = time.perf_counter() - started
    return report


def _still_valid(result: LinkResult, options: CheckOptions) -> bool:
    """A cached answer holds only while `accept` still judges its status the same way."""
    if result.status is None:
        return result.verdict is not Verdict.OK
    return options.accepts(result.status) == (result.verdict is Verdict.OK)


def _open_cache(root: Path | None, *, create: bool = False) -> LinkCache | None:
    if root is None:
        return None
    from seedlint.links.cache import LinkCache

    return LinkCache.of_project(root, create=create)


def _check_network(
    urls: list[str], options: CheckOptions, fragments: Collection[str], progress: bool
) -> tuple[dict[str, LinkResult], int, bool]:
    # The HTTP stack is imported here: runs whose links are all cached never load it.
    from seedlint.links.checker import Checker
    from seedlint.links.progress import Progress

    bar = Progress(len(urls)) if progress else None

    def done(result: LinkResult) -> None:
        if bar is not None:
            bar.advance(dead=result.verdict is Verdict.DEAD)

    checker = Checker(options, done, fragments=fragments)
    try:
        results = run_async(checker.run(urls))
    finally:
        if bar is not None:
            bar.close()
    return results, checker.requests, checker.offline


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a fresh event loop, in a thread when the caller already runs one."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def find_snapshots(
    pairs: Iterable[tuple[str, str]],
    options: CheckOptions,
    cache_root: Path | None,
) -> dict[tuple[str, str], Snapshot]:
    """The archive's closest snapshot for each ``(url, YYYYMMDD)``, from the cache where
    fresh (never when fixes are applied: the copy a fix writes is asked for in the run)."""
    from seedlint.links.archive import Snapshot, lookup

    wanted = list(dict.fromkeys(pairs))
    found: dict[tuple[str, str], Snapshot] = {}
    cache = _open_cache(cache_root) if wanted else None
    now = time.time()
    if cache is not None and not options.fresh_fix_targets:
        for url, day in wanted:
            hit = cache.get_archive(url, day, options.ttls, now)
            if hit is not None:
                found[(url, day)] = Snapshot(hit[0])
    missing = [pair for pair in wanted if pair not in found]
    if missing:
        asked = lookup(missing, options)
        found.update(asked)
        answers = [
            (url, day, answer.url) for (url, day), answer in asked.items() if not answer.failed
        ]
        if answers and cache is None:
            cache = _open_cache(cache_root, create=True)
        if answers and cache is not None:
            cache.put_archive(answers, now)
    if cache is not None:
        cache.close()
    return found
