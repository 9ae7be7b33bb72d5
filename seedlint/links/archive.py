"""Archived copies of dead links, from the Wayback Machine's availability API.

``GET <archive-url>?url=<url>&timestamp=<YYYYMMDD>`` answers with the snapshot closest
to that day: ``{"archived_snapshots": {"closest": {"available": true, "url": ...,
"timestamp": "20200101000000", "status": "200"}}}``; no snapshot is an empty
``archived_snapshots``. The day asked is the seed's `upload_date`, the day the note was
written, when the page still said what the note summarises.

The archive is asked politely: only for dead URLs, at most ARCHIVE_CONCURRENCY requests
at once, through the same guarded connections as the link check (and the proxy, when the
environment names one); a 429 is waited for once (up to `max-retry-wait`). Answers are
cached like link answers; an answer that is not the API's shape is no snapshot.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httpx

from seedlint.links.guard import GuardedBackend, NoNetwork, Resolver
from seedlint.links.options import CheckOptions
from seedlint.links.transport import HostPools
from seedlint.links.urls import normalise

ARCHIVE_CONCURRENCY = 2
#: The API's answers are a few hundred bytes: more is not its answer.
MAX_ANSWER = 64 * 1024
_TIMESTAMP = re.compile(r"[0-9]{4,14}")
#: Characters that would need escaping in YAML or Markdown: such a snapshot is no fix.
UNSAFE_IN_FIX = frozenset(" \t\r\n'\"\\<>()`[]")


@dataclass(frozen=True)
class Snapshot:
    """What the archive said about one URL near one day."""

    url: str | None  # the snapshot's URL; None: the archive holds none
    failed: str = ""  # why the archive could not be asked ("" when it answered)

    @property
    def timestamp(self) -> str:
        """``YYYY-MM-DD`` of the snapshot, read from its Wayback URL."""
        if self.url is None:
            return ""
        found = re.search(r"/web/([0-9]{8})", self.url)
        if found is None:
            return ""
        day = found.group(1)
        return f"{day[:4]}-{day[4:6]}-{day[6:]}"


def snapshot_of(answer: object) -> str | None:
    """The snapshot URL in an availability answer, or None (none, or not its shape)."""
    if not isinstance(answer, dict):
        return None
    snapshots = answer.get("archived_snapshots")
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return None
    url, status = closest.get("url"), str(closest.get("status", "200"))
    if not isinstance(url, str) or not status.startswith("2"):
        return None
    if url.startswith("http://web.archive.org/"):
        url = "https://" + url.removeprefix("http://")  # the archive serves https too
    if normalise(url) is None or UNSAFE_IN_FIX.intersection(url) or len(url) > 4096:
        return None
    return url


async def _ask(
    client: httpx.AsyncClient, endpoint: str, url: str, day: str, options: CheckOptions
) -> Snapshot:
    query = {"url": url, **({"timestamp": day} if day else {})}
    target = f"{endpoint}{'&' if urlsplit(endpoint).query else '?'}{urlencode(query)}"
    for attempt in range(2):
        try:
            async with client.stream("GET", target) as response:
                if response.status_code == 429 and attempt == 0:
                    wait = response.headers.get("retry-after", "1")
                    seconds = float(wait) if wait.isdigit() else 1.0
                    if seconds <= options.max_retry_wait:
                        await asyncio.sleep(seconds)
                        continue
                if response.status_code != 200:
                    return Snapshot(None, f"the archive answered {response.status_code}")
                body = b""
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_ANSWER:
                        return Snapshot(None, "the archive's answer is too large")
        except NoNetwork:
            return Snapshot(None, "no network")
        except Exception as error:  # any failure costs the fix, never the run
            return Snapshot(None, f"the archive could not be reached ({type(error).__name__})")
        try:
            answer = json.loads(body)
        except ValueError:
            return Snapshot(None, "the archive's answer is not JSON")
        return Snapshot(snapshot_of(answer))
    return Snapshot(None, "the archive kept answering 429")


async def _lookup(
    pairs: list[tuple[str, str]], options: CheckOptions
) -> dict[tuple[str, str], Snapshot]:
    resolver = Resolver(options.connect_timeout)
    backend = GuardedBackend(resolver, allow_private=options.allow_private)
    pools = HostPools(backend, {}, ARCHIVE_CONCURRENCY, options.proxy)
    client = httpx.AsyncClient(
        transport=pools,
        timeout=httpx.Timeout(options.timeout, connect=options.connect_timeout, pool=None),
        headers={"User-Agent": options.user_agent, "Accept": "application/json"},
        follow_redirects=False,
        trust_env=False,
    )
    slots = asyncio.Semaphore(ARCHIVE_CONCURRENCY)

    async def one(url: str, day: str) -> Snapshot:
        async with slots:
            return await _ask(client, options.archive_url, url, day, options)

    async with client:
        found = await asyncio.gather(*(one(url, day) for url, day in pairs))
    return dict(zip(pairs, found, strict=True))


def lookup(
    pairs: Iterable[tuple[str, str]], options: CheckOptions
) -> dict[tuple[str, str], Snapshot]:
    """The archive's answer for each ``(url, YYYYMMDD)`` pair, asked over the network."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return {}
    from seedlint.links.run import run_async

    return run_async(_lookup(wanted, options))
