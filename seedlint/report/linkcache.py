"""What the report knows about each URL: this run's verdicts, else the link cache's.

The link cache (`seedlint.links.cache`) is another part's storage, and its layout moves
with that work; it is also untrusted (it may be committed to the repository). So it is read
here through one small adapter that asks only for the columns it finds, opens the file
read-only, refuses a symlink or anything but a regular file, ignores answers dated in the
future, and turns every failure into "no cached answer". The report never writes it.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import stat
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from seedlint.context import RunContext

State = Literal["alive", "dead", "redirected", "unverifiable", "unchecked"]
STATES: tuple[State, ...] = ("alive", "dead", "redirected", "unverifiable", "unchecked")

FILE_NAME = "links.sqlite3"
_CHUNK = 500  # host parameters per query, well under SQLite's limit
_CLOCK_SKEW = 300.0  # seconds an answer may seem to come from the future (clocks differ)
# Answers that say nothing lasting about the page: never called dead (as L004).
_UNVERIFIABLE_STATUS = frozenset({401, 403, 429, 999})


class LinkState(NamedTuple):
    url: str
    state: State
    source: Literal["run", "cache", "none"]
    checked_at: float | None = None  # seconds since the epoch, for cached answers


def _state_of_row(row: Mapping[str, Any]) -> State | None:
    """A cached answer as one of the report's states; None when it cannot be read."""
    verdict = row.get("verdict")
    if isinstance(verdict, str) and verdict in ("ok", "dead", "unverifiable"):
        if verdict == "dead":
            return "dead"
        if verdict == "unverifiable":
            return "unverifiable"
        return "redirected" if isinstance(row.get("moved_to"), str) else "alive"
    status = row.get("status")
    if not isinstance(status, int) or isinstance(status, bool):
        return None
    if status in _UNVERIFIABLE_STATUS:
        return "unverifiable"
    if status >= 400:
        return "dead"
    return "redirected" if isinstance(row.get("moved_to"), str) else "alive"


def _open_read_only(path: Path) -> sqlite3.Connection | None:
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):  # a symlink, a device, a folder: not ours to read
        return None
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=1.0)
        connection.execute("PRAGMA query_only = ON")
        return connection
    except (sqlite3.Error, OSError):
        return None


def read_cached_answers(
    root: Path, urls: Iterable[str], ttl: float, now: float | None = None
) -> dict[str, LinkState]:
    """Cached answers for ``urls`` younger than ``ttl`` seconds, from the link cache under
    ``root``; empty when there is no cache, or one this code cannot read."""
    now = time.time() if now is None else now
    from seedlint.cache.folder import cache_dir

    # The folder the link cache writes to, $SEEDLINT_CACHE_DIR included; never made here.
    folder = cache_dir(root, create=False)
    connection = _open_read_only(folder / FILE_NAME) if folder is not None else None
    if connection is None:
        return {}
    found: dict[str, LinkState] = {}
    try:
        columns = {info[1] for info in connection.execute("PRAGMA table_info(links)")}
        if not {"url", "checked_at"} <= columns:
            return {}
        wanted = [name for name in ("status", "moved_to", "verdict") if name in columns]
        selected = ", ".join(["url", "checked_at", *wanted])
        asked = sorted(set(urls))
        for start in range(0, len(asked), _CHUNK):
            chunk = asked[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT {selected} FROM links WHERE url IN ({marks})"
            for values in connection.execute(query, chunk):
                row = dict(zip(["url", "checked_at", *wanted], values, strict=True))
                checked_at = row["checked_at"]
                if not isinstance(checked_at, int | float) or isinstance(checked_at, bool):
                    continue
                if not math.isfinite(checked_at) or not now - ttl <= checked_at:
                    continue
                if checked_at > now + _CLOCK_SKEW:  # forged, or a clock far off: no answer
                    continue
                state = _state_of_row(row)
                url = row["url"]
                if state is not None and isinstance(url, str):
                    found[url] = LinkState(url, state, "cache", float(checked_at))
    except (sqlite3.Error, ValueError, TypeError):
        return {}
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.close()
    return found


def run_answers(context: RunContext) -> dict[str, LinkState]:
    """The verdicts the network rules reached in this run (none when they did not run).

    The three network rules share one check a run, kept by `seedlint.rules.network`;
    asking it about no seed returns what it holds without checking anything.
    """
    try:
        from seedlint.links.result import Verdict
        from seedlint.rules.network import link_report

        results = link_report((), context).results
    except Exception:  # another version of the link work: no run answers, not a failure
        return {}
    answers: dict[str, LinkState] = {}
    for url, result in results.items():
        state: State
        if result.verdict is Verdict.OK:
            state = "redirected" if result.redirected else "alive"
        elif result.verdict is Verdict.DEAD:
            state = "dead"
        elif result.verdict is Verdict.UNVERIFIABLE:
            state = "unverifiable"
        else:
            continue  # skipped: the cache may still know it
        answers[url] = LinkState(url, state, "cache" if result.from_cache else "run")
    return answers


def link_states(
    urls: Iterable[str], run: Mapping[str, LinkState], cached: Mapping[str, LinkState]
) -> dict[str, LinkState]:
    """Every URL's state: this run's answer first, then the cache's, else unchecked.

    An answer the run took from the cache gets the cache's date, for the oldest-answer
    card."""
    states: dict[str, LinkState] = {}
    for url in urls:
        answer = run.get(url)
        stored = cached.get(url)
        if answer is not None:
            if answer.source == "cache" and stored is not None:
                answer = answer._replace(checked_at=stored.checked_at)
            states[url] = answer
        elif stored is not None:
            states[url] = stored
        else:
            states[url] = LinkState(url, "unchecked", "none")
    return states
