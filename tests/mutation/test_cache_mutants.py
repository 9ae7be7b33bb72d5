"""The results cache in this process (its other tests run seedlint as a program, which
mutation testing cannot follow): the racily-clean rule at its bound, a row's round trip
through a real SQLite file, forged rows, the folder and the files it will open."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from seedlint.cache.encoding import Entry
from seedlint.cache.folder import cache_dir, cache_location, safe_file
from seedlint.cache.store import DATABASE, ResultCache, open_in
from seedlint.cache.validity import RACY_NS, digest, hasher, stat_signature, stat_trusted

KEY = "k" * 32
SIGNATURE = "12:1:2:3"


def test_a_stat_is_trusted_only_when_the_file_changed_well_before_the_read() -> None:
    checked = 10 * RACY_NS
    assert stat_trusted(SIGNATURE, checked, SIGNATURE, checked - RACY_NS - 1) is True
    assert stat_trusted(SIGNATURE, checked, SIGNATURE, checked - RACY_NS) is False  # racy
    assert stat_trusted(SIGNATURE, checked, SIGNATURE, checked) is False
    assert stat_trusted(SIGNATURE, checked, "12:1:2:4", 0) is False  # another inode


def test_the_stat_signature_and_the_digests(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"some bytes")
    status = os.stat(path)
    assert stat_signature(status) == (
        f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"
    )
    assert len(digest(b"some bytes")) == 16
    assert digest(b"some bytes") != digest(b"some bytez")
    incremental = hasher()
    incremental.update(b"some ")
    incremental.update(b"bytes")
    assert incremental.digest() == digest(b"some bytes")


def _stored(folder: Path, key: str = KEY, **columns: object) -> ResultCache:
    cache = ResultCache.open(folder, key)
    assert cache.usable, cache.problem
    entry = Entry(b"result", b"summary", b"dependencies")
    checked = time.time_ns() - 5 * RACY_NS
    cache.put("seeds/a.md", SIGNATURE, b"d" * 16, checked, "topics", "2026-11-26", entry)
    cache.save()
    if columns:
        with sqlite3.connect(folder / DATABASE) as db:
            for column, value in columns.items():
                db.execute(f"UPDATE results SET {column} = ?", (value,))
    return cache


def _load(folder: Path, key: str = KEY, paths: tuple[str, ...] = ("seeds/a.md",)) -> ResultCache:
    cache = ResultCache.open(folder, key)
    cache.load(list(paths))
    return cache


def test_a_row_comes_back_as_it_was_put(tmp_path: Path) -> None:
    _stored(tmp_path)
    cache = _load(tmp_path)
    row = cache.row("seeds/a.md")
    assert row is not None
    assert (row.path, row.signature, row.digest, row.topics, row.today, row.result) == (
        "seeds/a.md",
        SIGNATURE,
        b"d" * 16,
        "topics",
        "2026-11-26",
        b"result",
    )
    assert row.checked_ns < time.time_ns() - 4 * RACY_NS
    assert row.stat_trusted(SIGNATURE, row.checked_ns - RACY_NS - 1)
    assert not row.stat_trusted(SIGNATURE, row.checked_ns - 1)
    wanted = {"seeds/a.md": b"d" * 16}
    assert cache.column("summary", wanted) == {"seeds/a.md": b"summary"}
    assert cache.column("dependencies", wanted) == {"seeds/a.md": b"dependencies"}
    assert cache.column("summary", {"seeds/a.md": b"e" * 16}) == {}  # rewritten meanwhile
    assert cache.column("result", wanted) == {}  # only the two columns read on demand
    assert cache.suspect == ""
    cache.save()


def test_another_run_key_sees_no_rows(tmp_path: Path) -> None:
    _stored(tmp_path)
    assert _load(tmp_path, key="other").row("seeds/a.md") is None
    many = (*(f"seeds/{n}.md" for n in range(300)), "seeds/a.md")  # one scan of all
    assert _load(tmp_path, paths=many).row("seeds/a.md") is not None


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("signature", b"12:1:2:3"),  # a column's affinity keeps a blob a blob
        ("digest", "text"),
        ("checked_ns", "soon"),
        ("topics", b"bytes"),
        ("today", b"2026-11-26"),
        ("used_ns", 1.5),
        ("result", "text"),
        ("checked_ns", time.time_ns() + 10**12),  # read in the future: forged
        ("used_ns", time.time_ns() + 10**12),
    ],
)
def test_a_forged_row_is_a_miss_and_sets_the_file_aside(
    tmp_path: Path, column: str, value: object
) -> None:
    _stored(tmp_path, **{column: value})
    cache = _load(tmp_path)
    assert cache.row("seeds/a.md") is None
    assert cache.suspect == "a row of the wrong types"
    cache.save()
    assert cache.problem == "set aside: a row of the wrong types"
    with sqlite3.connect(tmp_path / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM results").fetchone() == (0,)


def test_a_row_without_findings_is_kept(tmp_path: Path) -> None:
    cache = ResultCache.open(tmp_path, KEY)
    checked = time.time_ns() - 5 * RACY_NS
    cache.put("b.md", SIGNATURE, b"d" * 16, checked, "", "2026-11-26", Entry(None, None, None))
    cache.save()
    row = _load(tmp_path, paths=("b.md",)).row("b.md")
    assert row is not None
    assert row.result is None
    assert _load(tmp_path, paths=("b.md",)).column("summary", {"b.md": b"d" * 16}) == {"b.md": None}


def test_a_name_that_is_not_utf8_is_not_cached(tmp_path: Path) -> None:
    cache = ResultCache.open(tmp_path, KEY)
    name = os.fsdecode(b"caf\xe9.md")
    cache.put(name, SIGNATURE, b"d" * 16, 1, "", "2026-11-26", Entry(None, None, None))
    cache.put("ok.md", SIGNATURE, b"d" * 16, 1, "", "2026-11-26", Entry(None, None, None))
    cache.save()
    assert cache.problem == ""
    assert _load(tmp_path, paths=("ok.md",)).row("ok.md") is not None


def test_no_folder_means_no_cache() -> None:
    cache = ResultCache.open(None, KEY)
    assert cache.usable is False
    assert cache.problem == "no usable cache folder (a symlink, or not a folder)"
    cache.load(["a.md"])
    assert cache.row("a.md") is None


def test_the_cache_folder_and_its_markers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEEDLINT_CACHE_DIR", raising=False)
    assert cache_location(tmp_path) == tmp_path / ".seedlint_cache"
    assert cache_dir(tmp_path, create=False) is None
    folder = cache_dir(tmp_path)
    assert folder == tmp_path / ".seedlint_cache"
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_bytes()
        .startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    )
    cache = open_in(tmp_path, KEY)
    assert cache.usable
    cache.save()
    assert (folder / DATABASE).is_file()


def test_a_symlinked_cache_folder_is_not_used(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / ".seedlint_cache").symlink_to(elsewhere)
    assert cache_dir(root) is None
    assert os.listdir(elsewhere) == []


def test_the_users_cache_folder_outside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(tmp_path / "ci" / "cache"))
    root = tmp_path / "root"
    root.mkdir()
    assert cache_location(root) == tmp_path / "ci" / "cache"
    assert cache_dir(root) == tmp_path / "ci" / "cache"
    assert (tmp_path / "ci" / "cache" / ".gitignore").exists()


def test_only_plain_single_files_are_opened(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert safe_file(plain) is True
    assert safe_file(tmp_path / "absent") is True
    (tmp_path / "link").symlink_to(plain)
    assert safe_file(tmp_path / "link") is False
    os.link(plain, tmp_path / "twin")
    assert safe_file(plain) is False
    assert safe_file(tmp_path) is False
    os.mkfifo(tmp_path / "fifo")
    assert safe_file(tmp_path / "fifo") is False
