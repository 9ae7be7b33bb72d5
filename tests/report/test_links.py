"""Link health in the report: this run's verdicts (real loopback servers), else the link
cache's, read through an adapter that trusts nothing in the cache file."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from seedlint.cli import main
from seedlint.links.cache import LinkCache, Ttls
from seedlint.links.result import LinkResult, Verdict
from seedlint.report.linkcache import LinkState, link_states, read_cached_answers
from tests.links.loopback import LoopbackServers
from tests.report.conftest import seed

DAY = 86400.0
WEEK = 7 * DAY
OK_URL = "https://alive.example/ok"
MOVED_URL = "https://moved.example/old"


def _real_cache(root: Path, checked_at: float) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    cache = LinkCache.open(root / ".seedlint_cache", create=True)
    assert cache is not None
    cache.put(
        [
            LinkResult(OK_URL, Verdict.OK, "returned 200", 200),
            LinkResult(
                MOVED_URL, Verdict.OK, "returned 200", 200, None, "https://moved.example/new", 301
            ),
        ],
        checked_at,
        Ttls(ok=WEEK),
    )
    cache.close()
    return root / ".seedlint_cache" / "links.sqlite3"


def test_answers_of_the_real_cache(tmp_path: Path) -> None:
    now = time.time()
    _real_cache(tmp_path, now - DAY)
    found = read_cached_answers(tmp_path, [OK_URL, MOVED_URL, "https://else.example/"], WEEK, now)
    assert found == {
        OK_URL: LinkState(OK_URL, "alive", "cache", pytest.approx(now - DAY)),
        MOVED_URL: LinkState(MOVED_URL, "redirected", "cache", pytest.approx(now - DAY)),
    }


def test_expired_and_future_answers_are_no_answers(tmp_path: Path) -> None:
    now = time.time()
    path = _real_cache(tmp_path, now - 2 * WEEK)
    assert read_cached_answers(tmp_path, [OK_URL], WEEK, now) == {}
    with sqlite3.connect(path) as db:
        db.execute("UPDATE links SET checked_at = ?", (now + 30 * DAY,))
    assert read_cached_answers(tmp_path, [OK_URL, MOVED_URL], WEEK, now) == {}


def test_no_cache_a_foreign_file_a_symlink_and_an_unknown_layout(tmp_path: Path) -> None:
    assert read_cached_answers(tmp_path, [OK_URL], WEEK) == {}
    folder = tmp_path / ".seedlint_cache"
    folder.mkdir()
    garbage = folder / "links.sqlite3"
    garbage.write_bytes(b"not a database at all\x00" * 10)
    assert read_cached_answers(tmp_path, [OK_URL], WEEK) == {}
    assert garbage.read_bytes() == b"not a database at all\x00" * 10  # left as it was
    garbage.unlink()
    elsewhere = _real_cache(tmp_path / "elsewhere", time.time())
    before = elsewhere.read_bytes()
    os.symlink(elsewhere, garbage)
    assert read_cached_answers(tmp_path, [OK_URL], WEEK) == {}  # a symlink is not followed
    assert elsewhere.read_bytes() == before
    garbage.unlink()
    with sqlite3.connect(garbage) as db:
        db.execute("CREATE TABLE links (address TEXT, when_seen REAL)")
        db.execute("INSERT INTO links VALUES (?, ?)", (OK_URL, time.time()))
    assert read_cached_answers(tmp_path, [OK_URL], WEEK) == {}


def test_a_layout_that_also_keeps_failures_is_read_by_its_verdicts(tmp_path: Path) -> None:
    """The link-rot work caches failures too; the adapter reads a verdict column when
    there is one, and never writes."""
    folder = tmp_path / ".seedlint_cache"
    folder.mkdir()
    path = folder / "links.sqlite3"
    now = time.time()
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE links (url TEXT PRIMARY KEY, status INTEGER, verdict TEXT,"
            " moved_to TEXT, checked_at REAL NOT NULL, archived TEXT)"
        )
        rows = [
            ("https://a.example/gone", 404, "dead", None, now),
            ("https://a.example/wall", 403, "unverifiable", None, now),
            ("https://a.example/fine", 200, "ok", None, now),
            ("https://a.example/odd", "two hundred", "ok", None, "yesterday"),
        ]
        db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, NULL)", rows)
    db.close()
    before = path.read_bytes()
    found = read_cached_answers(tmp_path, [row[0] for row in rows], WEEK, now)
    assert {url: state.state for url, state in found.items()} == {
        "https://a.example/gone": "dead",
        "https://a.example/wall": "unverifiable",
        "https://a.example/fine": "alive",
    }
    assert path.read_bytes() == before


def test_the_run_s_answer_wins_over_the_cache_s() -> None:
    cached = {OK_URL: LinkState(OK_URL, "alive", "cache", 100.0)}
    run = {OK_URL: LinkState(OK_URL, "dead", "run")}
    assert link_states([OK_URL, MOVED_URL], run, cached) == {
        OK_URL: LinkState(OK_URL, "dead", "run"),
        MOVED_URL: LinkState(MOVED_URL, "unchecked", "none"),
    }
    from_cache = {OK_URL: LinkState(OK_URL, "alive", "cache")}
    assert link_states([OK_URL], from_cache, cached)[OK_URL].checked_at == 100.0


@pytest.fixture
def loopback() -> Iterator[LoopbackServers]:
    servers = LoopbackServers(["127.0.0.1", "127.0.0.2"]).start()
    yield servers
    servers.stop()


def _report(root: Path, *arguments: str) -> Any:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["report", "--format", "json", *arguments, str(root)]) == 0
    return json.loads(out.getvalue())


def test_a_run_with_the_network_reports_what_it_found(
    tmp_path: Path, loopback: LoopbackServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEEDLINT_OFFLINE", raising=False)
    root = tmp_path / "vault"
    root.mkdir()
    (root / "seedlint.toml").write_text(
        "[links]\nallow-private = true\nretry-wait = 0.01\nretries = 0\n", encoding="utf-8"
    )
    alive = loopback.url("127.0.0.1", "/fine")
    dead = loopback.url("127.0.0.2", "/gone", status=404)
    moved = loopback.url("127.0.0.1", "/old", hops=1, code=301)
    (root / "a.md").write_text(seed(alive, links=(dead, moved)), encoding="utf-8")
    report = _report(root)
    links = report["cards"]["links"]
    assert (links["unique"], links["alive"], links["dead"], links["redirected"]) == (3, 1, 1, 1)
    assert links["oldest_cached"] is None  # every answer came from the network
    assert report["domains"][0]["domain"] == "127.0.0.2"  # the one with the dead link first
    assert [row["code"] for row in report["by_rule"]] == ["L001", "L002"]
    # A second run: the successes come from the cache the first one wrote, dated.
    again = _report(root)
    assert again["cards"]["links"]["alive"] == 1
    assert again["cards"]["links"]["dead"] == 1
    assert again["cards"]["links"]["oldest_cached"] == report["generated"]
    # Offline, only the cache speaks: it keeps failures too (failure-ttl), so all three.
    offline = _report(root, "--offline")
    assert offline["cards"]["links"]["checked"] == 3
    assert offline["cards"]["links"]["unchecked"] == 0
    assert offline["cards"]["links"]["dead"] == 1
    assert [row["code"] for row in offline["by_rule"]] == []
