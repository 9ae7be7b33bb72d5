"""The link cache: what it keeps, for how long, and that it survives sharing and damage."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from seedlint.links.cache import FILE_NAME, LinkCache, Ttls
from seedlint.links.result import LinkResult, Verdict
from tests.links.conftest import Vault
from tests.links.loopback import LoopbackServers

H1 = "127.0.0.1"


def _cache_file(vault: Vault) -> Path:
    return vault.root / ".seedlint_cache" / FILE_NAME


def test_a_warm_run_makes_no_request_for_cached_urls(web: LoopbackServers, vault: Vault) -> None:
    moved = web.url(H1, "/old", status=301, location="/new")
    vault.seed("a.md", web.url(H1, "/ok"), [moved])
    cold = vault.lint()
    assert cold.codes() == ["L002"]
    assert web.stats.count() == 3
    web.reset()
    warm = vault.lint()
    assert web.stats.requests == []
    assert [(f.code, f.message, f.fix) for f in warm.findings] == [
        (f.code, f.message, f.fix) for f in cold.findings
    ]
    assert warm.notes[0].startswith("links: 2 checked (2 from cache): 0 dead, 1 redirected")
    assert (vault.root / ".seedlint_cache" / ".gitignore").read_text() == "*\n"


def _rows(vault: Vault) -> dict[str, str]:
    with sqlite3.connect(_cache_file(vault)) as db:
        return {url: lasting for url, lasting in db.execute("SELECT url, lasting FROM links")}


def test_failures_are_cached_for_their_own_ttls(web: LoopbackServers, vault: Vault) -> None:
    ok, gone = web.url(H1, "/ok"), web.url(H1, "/dead", status=404)
    busy, down = web.url(H1, "/busy", status=429, retry_after=0), web.url(H1, "/down", status=503)
    wall = web.url(H1, "/wall", status=403)
    vault.seed("a.md", ok, [gone, busy, down, wall])
    cold = vault.lint(retries=0)
    assert _rows(vault) == {
        ok: "ok",
        gone: "failure",
        busy: "transient",
        down: "transient",
        wall: "transient",
    }
    web.reset()
    warm = vault.lint(retries=0)
    assert web.stats.requests == []  # a re-run minutes later asks nothing again
    assert [(f.code, f.line, f.message) for f in warm.findings] == [
        (f.code, f.line, f.message) for f in cold.findings
    ]
    assert warm.notes[0].startswith("links: 5 checked (5 from cache): 2 dead")
    web.reset()
    vault.lint(retries=0, **{"transient-ttl": 0})
    assert sorted(r.path for r in web.stats.requests) == ["/busy", "/down", "/wall"]
    web.reset()
    vault.lint(retries=0, **{"failure-ttl": 0})
    assert sorted(r.path for r in web.stats.requests) == ["/dead"]


def test_refresh_asks_cached_failures_again(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/ok"), [web.url(H1, "/dead", status=404)])
    vault.lint()
    web.reset()
    run = vault.lint(refresh=True)
    assert [r.path for r in web.stats.requests] == ["/dead"]
    assert run.codes() == ["L001"]


def test_no_cache_bypasses_it_both_ways(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/ok"))
    vault.lint(cache=False)
    assert not (vault.root / ".seedlint_cache").exists()
    vault.lint()
    web.reset()
    vault.lint(cache=False)
    assert web.stats.count(H1, "/ok") == 1


def test_entries_expire_after_the_ttl(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/ok"))
    vault.lint()
    web.reset()
    vault.lint(**{"cache-ttl": 0})
    assert web.stats.count(H1, "/ok") == 1
    web.reset()
    vault.lint(**{"cache-ttl": "1h"})
    assert web.stats.requests == []


def test_a_cached_status_no_longer_accepted_is_asked_again(
    web: LoopbackServers, vault: Vault
) -> None:
    vault.seed("a.md", web.url(H1, "/created", status=201))
    vault.lint()
    web.reset()
    run = vault.lint(accept=[200])
    assert web.stats.count(H1, "/created") == 1
    assert run.codes() == ["L001", "L001"]


def test_nothing_to_keep_leaves_no_folder(web: LoopbackServers, vault: Vault) -> None:
    # Links not checked (here: private addresses) are not answers: nothing is kept.
    vault.seed("a.md", web.url(H1, "/dead", status=404))
    vault.lint(**{"allow-private": False})
    assert not (vault.root / ".seedlint_cache").exists()


def test_a_corrupt_cache_is_rebuilt(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/ok"))
    vault.lint()
    path = _cache_file(vault)
    path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    web.reset()
    assert vault.lint().findings == []
    assert web.stats.count(H1, "/ok") == 1
    web.reset()
    vault.lint()
    assert web.stats.requests == []


def test_the_cache_is_wal_and_versioned(tmp_path: Path) -> None:
    cache = LinkCache.open(tmp_path, create=True)
    assert cache is not None
    ok = LinkResult("http://example.test/", Verdict.OK, "returned 200", 200)
    ttls = Ttls(60, 60, 60)
    cache.put([ok], now=1000.0, ttls=ttls)
    found = cache.get(["http://example.test/"], ttls, now=1059.0)
    assert found["http://example.test/"].status == 200
    assert cache.get(["http://example.test/"], ttls, now=1061.0) == {}
    cache.close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2


_WRITER = """
import sys, time
from pathlib import Path

import pytest
from seedlint.links.cache import LinkCache, Ttls
from seedlint.links.result import LinkResult, Verdict
folder, worker = Path(sys.argv[1]), int(sys.argv[2])
for round in range(20):
    cache = LinkCache.open(folder, create=True)
    assert cache is not None, "cache could not be opened"
    urls = [f"http://example.test/{worker}/{round}/{n}" for n in range(50)]
    cache.get(urls, Ttls(), now=time.time())
    cache.put([LinkResult(u, Verdict.OK, "returned 200", 200) for u in urls], time.time(), Ttls())
    cache.close()
"""


def test_concurrent_processes_share_the_cache(tmp_path: Path) -> None:
    """pre-commit runs hooks in parallel: several processes read and write at once."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path), str(worker)], stderr=subprocess.PIPE
        )
        for worker in range(4)
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM links").fetchone()[0] == 4 * 20 * 50


def test_a_cache_that_cannot_be_opened_is_done_without(web: LoopbackServers, vault: Vault) -> None:
    # SQLite cannot open a folder: the run goes on without a cache and removes nothing.
    path = _cache_file(vault)
    path.mkdir(parents=True)
    (path / "keep.txt").write_text("mine", encoding="utf-8")
    vault.seed("a.md", web.url(H1, "/ok"))
    assert vault.lint().findings == []
    assert LinkCache.open(path.parent) is None
    assert (path / "keep.txt").read_text(encoding="utf-8") == "mine"


# -- one cache folder for every cache -------------------------------------------------------


def test_the_link_cache_follows_seedlint_cache_dir(
    web: LoopbackServers, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$SEEDLINT_CACHE_DIR moves the link cache with the result cache (CI caches it)."""
    elsewhere = tmp_path / "ci-cache" / "seedlint"
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(elsewhere))
    vault.seed("a.md", web.url(H1, "/ok"))
    vault.lint()
    assert (elsewhere / FILE_NAME).is_file()
    assert (elsewhere / ".gitignore").read_text() == "*\n"
    assert not (vault.root / ".seedlint_cache").exists()
    web.reset()
    warm = vault.lint()
    assert web.stats.requests == []  # answered from the moved cache
    assert warm.notes[0].startswith("links: 1 checked (1 from cache)")
    # The report reads its link states from the same place.
    from seedlint.report.linkcache import read_cached_answers

    answers = read_cached_answers(vault.root, [web.url(H1, "/ok")], ttl=3600)
    assert [state.state for state in answers.values()] == ["alive"]


def test_a_cache_dir_inside_the_repository_reached_through_a_symlink_is_refused(
    web: LoopbackServers, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside the project root, $SEEDLINT_CACHE_DIR is checked like the default folder:
    a committed symlink on its way (`sub -> /outside`) is never followed."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault.root / "sub").symlink_to(outside, target_is_directory=True)
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(vault.root / "sub" / "cache"))
    vault.seed("a.md", web.url(H1, "/ok"))
    assert vault.lint().findings == []
    assert list(outside.iterdir()) == []  # nothing written through the link
    web.reset()
    vault.lint()
    assert web.stats.count(H1, "/ok") == 1  # no cache: asked again


def test_a_symlinked_default_cache_folder_is_refused(
    web: LoopbackServers, vault: Vault, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault.root / ".seedlint_cache").symlink_to(outside, target_is_directory=True)
    vault.seed("a.md", web.url(H1, "/ok"))
    vault.lint()
    vault.lint()
    assert list(outside.iterdir()) == []
    assert LinkCache.of_project(vault.root, create=True) is None
