"""A `.seedlint_cache/` that came with the repository is untrusted input (issue 11).

Each test commits what an attacker would (a symlink to another program's database, a
trigger, forged rows) and asserts what holds: the other file's bytes unchanged, the
cache replaced rather than modified, forged answers never believed.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from seedlint.cli import main
from seedlint.links.cache import _SCHEMA, FILE_NAME
from tests.links.conftest import Vault, seed_text
from tests.links.loopback import LoopbackServers

H1 = "127.0.0.1"


def _cache(vault: Vault) -> Path:
    return vault.root / ".seedlint_cache" / FILE_NAME


def _victim(folder: Path) -> Path:
    """Another program's SQLite database, with a table named `links` like ours."""
    folder.mkdir(exist_ok=True)
    path = folder / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE links (url TEXT, visits INTEGER)")
        db.execute("INSERT INTO links VALUES ('https://bank.example/', 7)")
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


def test_a_symlinked_cache_file_is_never_opened(
    web: LoopbackServers, vault: Vault, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    victim = _victim(outside)
    before = _tree(outside)
    (vault.root / ".seedlint_cache").mkdir()
    _cache(vault).symlink_to(victim)
    vault.seed("a.md", web.url(H1, "/ok"), [web.url(H1, "/dead", status=404)])
    cold = vault.lint()
    assert cold.codes() == ["L001"]
    assert _tree(outside) == before  # no WAL, no -shm, no new table, the same bytes
    # A fresh file of ours took the link's place; the next run uses it.
    assert not _cache(vault).is_symlink() and _cache(vault).is_file()
    web.reset()
    assert vault.lint().codes() == ["L001"]
    assert web.stats.requests == []


def test_symlinked_side_files_are_removed_not_followed(
    web: LoopbackServers, vault: Vault, tmp_path_factory: pytest.TempPathFactory
) -> None:
    vault.seed("a.md", web.url(H1, "/ok"))
    vault.lint()
    outside = tmp_path_factory.mktemp("outside")
    victim = _victim(outside)
    before = _tree(outside)
    for suffix in ("-wal", "-shm", "-journal"):
        side = Path(f"{_cache(vault)}{suffix}")
        side.unlink(missing_ok=True)
        side.symlink_to(victim)
    web.reset()
    assert vault.lint().findings == []
    assert _tree(outside) == before
    assert not any(Path(f"{_cache(vault)}{s}").is_symlink() for s in ("-wal", "-shm", "-journal"))


def test_a_symlinked_cache_folder_is_not_used(
    web: LoopbackServers, vault: Vault, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    victim = _victim(outside)
    before = _tree(outside)
    (vault.root / ".seedlint_cache").symlink_to(outside, target_is_directory=True)
    (outside / FILE_NAME).symlink_to(victim)
    vault.seed("a.md", web.url(H1, "/ok"))
    assert vault.lint().findings == []
    assert _tree(outside) == before
    assert sorted(p.name for p in outside.iterdir()) == sorted([FILE_NAME, victim.name])
    web.reset()
    vault.lint()
    assert web.stats.count(H1, "/ok") == 1  # no cache: asked again


def test_markers_are_not_written_through_dangling_symlinks(
    web: LoopbackServers, vault: Vault, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    folder = vault.root / ".seedlint_cache"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(outside / "planted")
    (folder / "CACHEDIR.TAG").symlink_to(outside / "planted-too")
    vault.seed("a.md", web.url(H1, "/ok"))
    vault.lint()
    assert list(outside.iterdir()) == []


def test_a_new_cache_folder_keeps_itself_out_of_git(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/ok"))
    vault.lint()
    assert (vault.root / ".seedlint_cache" / ".gitignore").read_text() == "*\n"


@pytest.mark.parametrize(
    "extra",
    [
        "CREATE TRIGGER blank AFTER INSERT ON links BEGIN UPDATE links SET detail = ''; END",
        "CREATE VIEW everything AS SELECT * FROM links",
        "CREATE TABLE notes (text TEXT)",
        "CREATE INDEX by_status ON links (status)",
    ],
    ids=["trigger", "view", "unknown-table", "index"],
)
def test_a_tampered_schema_means_a_fresh_file(
    web: LoopbackServers, vault: Vault, extra: str
) -> None:
    vault.seed("a.md", web.url(H1, "/ok"), [web.url(H1, "/dead", status=404)])
    vault.lint()
    path = _cache(vault)
    with sqlite3.connect(path) as db:
        db.execute(extra)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    old = os.open(path, os.O_RDONLY)  # the tampered file, whatever happens to its name
    try:
        before = os.pread(old, 1 << 24, 0)
        web.reset()
        run = vault.lint()
        assert os.pread(old, 1 << 24, 0) == before  # never modified
    finally:
        os.close(old)
    assert run.codes() == ["L001"]
    assert web.stats.count() == 2  # nothing trusted from the tampered file
    with sqlite3.connect(path) as db:
        objects = set(db.execute("SELECT type, name FROM sqlite_master"))
    assert objects == set(_SCHEMA)


def _forge(vault: Vault, sql: str, *parameters: object) -> None:
    with sqlite3.connect(_cache(vault)) as db:
        assert db.execute(sql, parameters).rowcount == 1


def test_a_row_from_the_future_is_a_miss(web: LoopbackServers, vault: Vault) -> None:
    dead = web.url(H1, "/dead", status=404)
    vault.seed("a.md", web.url(H1, "/ok"), [dead])
    vault.lint()
    ten_years = time.time() + 10 * 365 * 86400
    _forge(
        vault,
        "UPDATE links SET verdict = 'ok', lasting = 'ok', status = 200, detail = 'returned 200',"
        " checked_at = ? WHERE url = ?",
        ten_years,
        dead,
    )
    web.reset()
    run = vault.lint()
    assert run.codes() == ["L001"]
    assert [r.path for r in web.stats.requests] == ["/dead"]


def test_type_confused_rows_are_misses(web: LoopbackServers, vault: Vault) -> None:
    """Rows SQLite's own STRICT check would refuse, written behind its back."""
    ok = web.url(H1, "/ok")
    vault.seed("a.md", ok)
    vault.lint()
    with sqlite3.connect(_cache(vault)) as db:
        db.execute("PRAGMA writable_schema = ON")
        loose = _SCHEMA[("table", "links")].replace(") STRICT, WITHOUT ROWID", ") WITHOUT ROWID")
        db.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'links'", (loose,))
    with sqlite3.connect(_cache(vault)) as db:
        db.execute("UPDATE links SET status = 'two hundred', checked_at = 'yesterday'")
        db.execute("PRAGMA writable_schema = ON")
        db.execute(
            "UPDATE sqlite_master SET sql = ? WHERE name = 'links'", (_SCHEMA[("table", "links")],)
        )
    web.reset()
    run = vault.lint()
    assert run.findings == [] and run.linter.errors == []
    assert web.stats.count(H1, "/ok") == 1


def test_a_forged_redirect_is_never_written_by_a_fix(
    web: LoopbackServers, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    (vault.root / "seedlint.toml").write_text(
        "[links]\nallow-private = true\nretry-wait = 0.01\narchive = false\n", encoding="utf-8"
    )
    monkeypatch.delenv("SEEDLINT_OFFLINE")
    monkeypatch.chdir(vault.root)
    page = web.url(H1, "/page")
    seed = vault.seed("a.md", page)
    assert main(["check", "--quiet", "a.md"]) == 0
    _forge(
        vault,
        "UPDATE links SET moved_to = 'https://attacker.example/x', moved_status = 301"
        " WHERE url = ?",
        page,
    )
    before = seed.read_bytes()
    web.reset()
    assert main(["check", "--quiet", "a.md"]) == 1  # check reports what the cache says
    assert web.stats.requests == []
    assert main(["fix", "--unsafe-fixes", "--select", "L002", "a.md"]) == 0
    assert seed.read_bytes() == before
    assert web.stats.count(H1, "/page") == 1  # checked again in the run that fixes
    assert seed_text(page) == before.decode()
