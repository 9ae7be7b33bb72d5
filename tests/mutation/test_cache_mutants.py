"""The results cache in this process (its other tests run seedlint as a program, which
mutation testing cannot follow): the racily-clean rule at its bound, a row's round trip
through a real SQLite file, forged rows, the folder and the files it will open."""

from __future__ import annotations

import os
import sqlite3
import struct
import time
from pathlib import Path

import pytest

from seedlint.cache.encoding import Entry
from seedlint.cache.folder import cache_dir, cache_location, safe_file
from seedlint.cache.store import _SCHEMA, DATABASE, ResultCache, Row, open_in
from seedlint.cache.validity import RACY_NS, digest, hasher, stat_signature, stat_trusted

KEY = "k" * 32
SIGNATURE = "12:1:2:3"
_SCHEMA_STATEMENTS = tuple(_SCHEMA)


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
    assert cache.column("summary", {"a.md": b"d" * 16}) == {}
    assert cache.corpus(b"i" * 16) is None
    cache.save()
    assert cache.problem == "no usable cache folder (a symlink, or not a folder)"  # kept


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
    assert cache_dir(root) == tmp_path / "ci" / "cache"  # the next run: there already


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


# -- folders named directly (the link cache's) -------------------------------------------


def test_a_folder_named_directly_is_made_with_its_markers(tmp_path: Path) -> None:
    from seedlint.cache.folder import ready_folder

    folder = tmp_path / "links"
    assert ready_folder(folder, create=False) is False  # missing, not to be made
    assert not folder.exists()
    assert ready_folder(folder, create=True) is True
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert (folder / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172")
    (folder / ".gitignore").write_text("mine\n", encoding="utf-8")
    assert ready_folder(folder, create=True) is True
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "mine\n"  # never rewritten
    assert ready_folder(tmp_path / "no" / "parents", create=True) is False  # untrusted


def test_an_untrusted_folder_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    from seedlint.cache.folder import ready_folder

    target = tmp_path / "target"
    target.mkdir()
    (tmp_path / "links").symlink_to(target)
    assert ready_folder(tmp_path / "links", create=True) is False
    assert os.listdir(target) == []
    assert ready_folder(tmp_path / "links", create=True, trusted=True) is True  # the user's
    assert sorted(os.listdir(target)) == [".gitignore", "CACHEDIR.TAG"]
    (tmp_path / "file").write_text("")
    assert ready_folder(tmp_path / "file", create=False, trusted=True) is False


def test_a_trusted_folder_is_made_with_its_parents(tmp_path: Path) -> None:
    from seedlint.cache.folder import ready_folder

    folder = tmp_path / "ci" / "links"
    assert ready_folder(folder, create=False, trusted=True) is False
    assert not (tmp_path / "ci").exists()
    assert ready_folder(folder, create=True, trusted=True) is True
    assert (folder / "CACHEDIR.TAG").is_file()


def test_a_marker_planted_as_a_symlink_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep\n", encoding="utf-8")
    root = tmp_path / "root"
    (root / ".seedlint_cache").mkdir(parents=True)
    (root / ".seedlint_cache" / ".gitignore").symlink_to(victim)
    assert cache_dir(root) == root / ".seedlint_cache"
    assert victim.read_text(encoding="utf-8") == "keep\n"
    assert (root / ".seedlint_cache" / "CACHEDIR.TAG").is_file()


def test_a_cache_folder_below_a_file_or_a_symlinked_parent_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "build").write_text("a file")
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(root / "build" / "cache"))
    assert cache_dir(root) is None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "parent").symlink_to(elsewhere)
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(root / "parent" / "cache"))
    assert cache_dir(root) is None
    assert os.listdir(elsewhere) == []
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(root / "deep" / "er"))
    assert cache_dir(root, create=False) is None
    assert cache_dir(root) == root / "deep" / "er"  # inside the root: made part by part
    assert (root / "deep" / "er" / "CACHEDIR.TAG").is_file()
    assert not (root / "deep" / "CACHEDIR.TAG").exists()


# -- the database, planted or busy --------------------------------------------------------


def _database(folder: Path, *statements: str) -> bytes:
    database = folder / DATABASE
    with sqlite3.connect(database) as db:
        for statement in statements:
            db.execute(statement)
    db.close()
    return database.read_bytes()


@pytest.mark.parametrize(
    ("statements", "problem"),
    [
        (("CREATE TABLE results (path TEXT)",), "cache format 0, expected 7"),
        (
            (*_SCHEMA_STATEMENTS, "CREATE TABLE extra (x)", "PRAGMA user_version = 7"),
            "unexpected table 'extra' in the cache database",
        ),
        (
            (_SCHEMA_STATEMENTS[0], "PRAGMA user_version = 7"),
            "index 'sqlite_autoindex_corpus_1' missing from the cache database",
        ),
        (
            (
                *_SCHEMA_STATEMENTS,
                "CREATE TRIGGER t AFTER INSERT ON results BEGIN DELETE FROM results; END",
                "PRAGMA user_version = 7",
            ),
            "unexpected trigger 't' in the cache database",
        ),
    ],
)
def test_a_foreign_database_is_set_aside_unmodified(
    tmp_path: Path, statements: tuple[str, ...], problem: str
) -> None:
    planted = _database(tmp_path, *statements)
    held = os.open(tmp_path / DATABASE, os.O_RDONLY)  # the planted inode, to read after
    try:
        cache = ResultCache.open(tmp_path, KEY)
        assert os.pread(held, len(planted) + 1, 0) == planted  # never written
        assert os.fstat(held).st_ino != os.stat(tmp_path / DATABASE).st_ino  # set aside
    finally:
        os.close(held)

    assert cache.usable and cache.problem == problem
    assert cache.stats.rebuilt
    cache.put("a.md", SIGNATURE, b"d" * 16, 1, "", "2026-11-26", Entry(b"r", None, None))
    cache.save()
    assert _load(tmp_path, paths=("a.md",)).row("a.md") is not None
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_a_file_that_is_not_a_database_is_replaced(tmp_path: Path) -> None:
    (tmp_path / DATABASE).write_bytes(b"not a database" * 100)
    cache = ResultCache.open(tmp_path, KEY)
    assert cache.usable and cache.stats.rebuilt
    assert cache.problem.startswith("DatabaseError: ")
    assert (tmp_path / DATABASE).read_bytes().startswith(b"SQLite format 3\0")


def test_a_rollback_journal_beside_the_database_sets_it_aside(tmp_path: Path) -> None:
    _stored(tmp_path)
    (tmp_path / f"{DATABASE}-journal").write_bytes(b"")
    cache = ResultCache.open(tmp_path, KEY)
    assert cache.problem == "a rollback journal beside the database (seedlint uses WAL)"
    assert cache.usable and cache.stats.rebuilt
    assert not (tmp_path / f"{DATABASE}-journal").exists()
    cache.load(["seeds/a.md"])
    assert cache.row("seeds/a.md") is None  # a fresh database


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_a_symlinked_database_file_is_replaced_its_target_kept(tmp_path: Path, suffix: str) -> None:
    _stored(tmp_path)
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    name = tmp_path / f"{DATABASE}{suffix}"
    name.unlink(missing_ok=True)
    name.symlink_to(victim)
    cache = ResultCache.open(tmp_path, KEY)
    assert cache.usable and cache.stats.rebuilt
    assert victim.read_bytes() == b"keep"
    assert not (tmp_path / DATABASE).is_symlink()
    cache.save()


def test_a_busy_database_is_left_as_it_is_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.cache.store as store

    monkeypatch.setattr(store, "_BUSY_MS", 50)
    _stored(tmp_path)
    writer = ResultCache.open(tmp_path, KEY)
    holder = sqlite3.connect(tmp_path / DATABASE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        blocked = ResultCache.open(tmp_path, KEY)  # WAL: reading goes on
        assert blocked.usable and not blocked.stats.rebuilt
        blocked.load(["seeds/a.md"])
        assert blocked.row("seeds/a.md") is not None
        blocked.save()
        writer.put("b.md", SIGNATURE, b"d" * 16, 1, "", "2026-11-26", Entry(b"r", None, None))
        writer.save()  # skips writing: never an error
        assert "locked" in writer.problem
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    cache = _load(tmp_path, paths=("seeds/a.md", "b.md"))
    assert cache.row("seeds/a.md") is not None  # the file kept its rows
    assert cache.row("b.md") is None
    assert not cache.stats.rebuilt


def test_the_lock_test_reads_the_error_text() -> None:
    from seedlint.cache.store import _is_locked

    assert _is_locked(sqlite3.OperationalError("database is locked"))
    assert _is_locked(sqlite3.OperationalError("database table is busy"))
    assert not _is_locked(sqlite3.DatabaseError("file is not a database"))


# -- on-demand columns, budgets, cross-file rows ------------------------------------------


def _many(folder: Path, count: int, **value: bytes | None) -> ResultCache:
    cache = ResultCache.open(folder, KEY)
    checked = time.time_ns() - 5 * RACY_NS
    for number in range(count):
        entry = Entry(b"r", value.get("summary", b"s%d" % number), b"deps")
        cache.put(f"{number}.md", SIGNATURE, b"d" * 16, checked, "", "2026-11-26", entry)
    cache.save()
    return cache


def test_a_column_of_many_rows_is_read_in_one_scan(tmp_path: Path) -> None:
    _many(tmp_path, 600)
    wanted = {f"{number}.md": b"d" * 16 for number in range(0, 600, 2)}  # 300: a scan
    wanted["0.md"] = b"e" * 16  # rewritten meanwhile
    cache = _load(tmp_path, paths=tuple(wanted))
    found = cache.column("summary", wanted)
    assert len(found) == 299 and "0.md" not in found and "1.md" not in found
    assert found["598.md"] == b"s598"
    few = {f"{number}.md": b"d" * 16 for number in range(1, 600, 3)}  # 200: by path
    assert cache.column("summary", few) == {name: b"s" + name[:-3].encode() for name in few}
    assert cache.column("summary", {}) == {}
    assert cache.column("signature", few) == {}  # not a column read on demand
    assert cache.suspect == ""
    cache.save()


def test_a_column_of_the_wrong_type_is_left_out_and_suspect(tmp_path: Path) -> None:
    _stored(tmp_path, summary="text")
    cache = _load(tmp_path)
    assert cache.column("summary", {"seeds/a.md": b"d" * 16}) == {}
    assert cache.suspect == "a summary of the wrong type"


def test_payloads_past_the_read_budget_are_left_out(tmp_path: Path) -> None:
    from seedlint.cache.store import read_budget

    big = struct.pack("<I", read_budget(1))  # said to inflate past the whole budget
    _stored(tmp_path, summary=b"z" + big + b"\0")
    cache = _load(tmp_path)
    assert cache.column("summary", {"seeds/a.md": b"d" * 16}) == {}
    assert cache.suspect == "payloads larger than seedlint writes"
    assert read_budget(10) == 64 * 1024 * 1024 + 10 * 16 * 1024


def test_rows_past_the_read_budget_are_misses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.cache.store as store

    monkeypatch.setattr(store, "MAX_VALUE", 100_000)  # a budget of 149,152 bytes
    _many(tmp_path, 3)
    with sqlite3.connect(tmp_path / DATABASE) as db:
        db.execute("UPDATE results SET result = ?", (b"x" * (store.read_budget(3) // 2 + 1),))
    db.close()
    cache = _load(tmp_path, paths=("0.md", "1.md", "2.md"))
    assert len(cache.rows) == 1  # the second one goes past the budget: read stops
    assert cache.suspect == "rows larger than seedlint writes"


def test_a_column_read_after_the_database_went_is_empty(tmp_path: Path) -> None:
    _stored(tmp_path)
    cache = _load(tmp_path)
    assert cache.connection is not None
    cache.connection.close()
    assert cache.column("summary", {"seeds/a.md": b"d" * 16}) == {}
    assert cache.problem.startswith("ProgrammingError: ")
    assert cache.corpus(b"i" * 16) is None


def test_a_cross_file_row_comes_back_and_only_the_latest_are_kept(tmp_path: Path) -> None:
    from seedlint.cache.store import CorpusRow

    cache = ResultCache.open(tmp_path, KEY)
    for number in range(20):
        cache.put_corpus(CorpusRow(b"%02d" % number, "t", "2026-11-26", b"p%d" % number, None))
        cache.save()
        cache = ResultCache.open(tmp_path, KEY)
    row = cache.corpus(b"19")
    assert row is not None
    assert (row.inputs, row.topics, row.today, row.problems, row.dependencies) == (
        b"19",
        "t",
        "2026-11-26",
        b"p19",
        None,
    )
    assert 0 < row.used_ns <= time.time_ns()
    assert cache.corpus(b"00") is None  # 16 kept a key: the oldest went
    assert cache.corpus(b"04") is not None
    assert ResultCache.open(tmp_path, "other").corpus(b"19") is None
    cache.save()
    with sqlite3.connect(tmp_path / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM corpus").fetchone() == (16,)
    db.close()


def test_one_cross_file_row_is_written_for_the_same_inputs(tmp_path: Path) -> None:
    from seedlint.cache.store import CorpusRow

    cache = ResultCache.open(tmp_path, KEY)
    cache.put_corpus(CorpusRow(b"same", "t", "d", b"first", None))
    cache.put_corpus(CorpusRow(b"other", "t", "d", b"other", b"deps"))
    cache.put_corpus(CorpusRow(b"same", "t", "d", b"second", None))
    assert [row[5] for row in cache.corpus_rows] == [b"other", b"second"]
    cache.save()
    again = ResultCache.open(tmp_path, KEY)
    found = again.corpus(b"same")
    assert found is not None and found.problems == b"second"
    other = again.corpus(b"other")
    assert other is not None and other.dependencies == b"deps"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("inputs", "text"),
        ("topics", b"bytes"),
        ("today", b"bytes"),
        ("problems", "text"),
        ("dependencies", "text"),
        ("used_ns", "soon"),
        ("used_ns", time.time_ns() + 10**12),
    ],
)
def test_a_forged_cross_file_row_is_a_miss(tmp_path: Path, column: str, value: object) -> None:
    from seedlint.cache.store import CorpusRow

    cache = ResultCache.open(tmp_path, KEY)
    cache.put_corpus(CorpusRow(b"in", "t", "d", b"p", b"deps"))
    cache.save()
    with sqlite3.connect(tmp_path / DATABASE) as db:
        db.execute(f"UPDATE corpus SET {column} = ?", (value,))
    db.close()
    lookup = value if column == "inputs" else b"in"
    assert ResultCache.open(tmp_path, KEY).corpus(lookup) is None  # type: ignore[arg-type]


def test_values_too_large_to_read_back_are_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.cache.store as store
    from seedlint.cache.store import CorpusRow

    monkeypatch.setattr(store, "MAX_VALUE", 10)
    cache = ResultCache.open(tmp_path, KEY)
    cache.put("a.md", SIGNATURE, b"d" * 16, 1, "", "d", Entry(b"r" * 11, None, None))
    cache.put("b.md", SIGNATURE, b"d" * 16, 1, "", "d", Entry(None, b"s" * 11, None))
    cache.put("c.md", SIGNATURE, b"d" * 16, 1, "", "d", Entry(None, None, None, b"e" * 11))
    cache.put("d.md", SIGNATURE, b"d" * 16, 1, "", "d", Entry(b"r" * 10, None, None))
    cache.put_corpus(CorpusRow(b"1", "t", "d", b"p" * 11, None))
    cache.put_corpus(CorpusRow(b"2", "t", "d", b"p", b"x" * 11))
    cache.put_corpus(CorpusRow(b"3", "t", "d", b"p" * 10, b"x" * 10))
    assert [row[0] for row in cache.inserts] == ["d.md"]
    assert [row[1] for row in cache.corpus_rows] == [b"3"]


def test_a_large_cold_run_writes_in_batches(tmp_path: Path) -> None:
    cache = ResultCache.open(tmp_path, KEY)
    for number in range(2_001):
        cache.put(f"{number}.md", SIGNATURE, b"d" * 16, 1, "", "d", Entry(None, None, None))
    assert len(cache.inserts) == 1  # 2,000 written already
    with sqlite3.connect(tmp_path / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM results").fetchone() == (2_000,)
    db.close()
    cache.save()
    assert len(_load(tmp_path, paths=tuple(f"{n}.md" for n in range(2_001))).rows) == 2_001


def test_a_used_row_is_stamped_and_stale_rows_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.cache.store as store

    _stored(tmp_path)
    cache = _load(tmp_path)
    row = cache.row("seeds/a.md")
    assert row is not None
    row.signature, row.topics, row.today, row.used_ns = "1:2:3:4", "new", "2026-11-27", 5
    cache.stamp(row)
    cache.save()
    again = _load(tmp_path).row("seeds/a.md")
    assert again is not None
    assert (again.signature, again.topics, again.today, again.used_ns) == (
        "1:2:3:4",
        "new",
        "2026-11-27",
        5,
    )
    monkeypatch.setattr(store.random, "random", lambda: 0.0)  # this save prunes
    fresh = ResultCache.open(tmp_path, KEY)
    fresh.put("b.md", SIGNATURE, b"d" * 16, 1, "", "d", Entry(None, None, None))
    fresh.save()
    kept = _load(tmp_path, paths=("seeds/a.md", "b.md"))
    assert list(kept.rows) == ["b.md"]  # used 5 ns after 1970: stale
    monkeypatch.setattr(store.random, "random", lambda: 0.99)
    kept.stamp(Row("b.md", SIGNATURE, b"d" * 16, 1, "", "d", 5, None))
    kept.save()
    assert list(_load(tmp_path, paths=("b.md",)).rows) == ["b.md"]  # not pruned this time


def test_the_read_budget_takes_a_payload_that_fills_it_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.cache.store as store

    monkeypatch.setattr(store, "MAX_VALUE", 100_000)
    budget = store.read_budget(1)
    exact = b"z" + struct.pack("<I", budget - 6) + b"\0"  # stored_size: exactly the budget
    _stored(tmp_path, summary=exact)
    cache = _load(tmp_path)
    assert cache.column("summary", {"seeds/a.md": b"d" * 16}) == {"seeds/a.md": exact}
    assert cache.suspect == ""
    over = b"z" + struct.pack("<I", budget - 5) + b"\0"
    _stored(tmp_path, summary=over)
    cache = _load(tmp_path)
    assert cache.column("summary", {"seeds/a.md": b"d" * 16}) == {}
    assert cache.suspect == "payloads larger than seedlint writes"


def test_a_cache_folder_that_is_a_file_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEEDLINT_CACHE_DIR", raising=False)
    root = tmp_path / "root"
    root.mkdir()
    (root / ".seedlint_cache").write_text("a file where the folder should be")
    assert cache_dir(root) is None
    assert cache_dir(root, create=False) is None
    assert (root / ".seedlint_cache").read_text() == "a file where the folder should be"
    outside = tmp_path / "ci-cache"
    outside.write_text("a file")
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(outside))
    assert cache_dir(root, create=False) is None
    assert cache_dir(root) is None


def test_a_cache_folder_is_made_for_everyone_the_umask_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEEDLINT_CACHE_DIR", raising=False)
    mask = os.umask(0o022)
    try:
        folder = cache_dir(tmp_path)
    finally:
        os.umask(mask)
    assert folder is not None
    assert os.stat(folder).st_mode & 0o7777 == 0o755
    assert os.stat(folder / ".gitignore").st_mode & 0o7777 == 0o644
    assert os.stat(folder / "CACHEDIR.TAG").st_mode & 0o7777 == 0o644


def test_a_cache_folder_made_meanwhile_by_another_run_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEEDLINT_CACHE_DIR", raising=False)
    real_mkdir = os.mkdir

    def concurrent(path: str, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        real_mkdir(path, mode, dir_fd=dir_fd)  # the other run, just before this one
        real_mkdir(path, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "mkdir", concurrent)
    assert cache_dir(tmp_path) == tmp_path / ".seedlint_cache"
    assert (tmp_path / ".seedlint_cache" / "CACHEDIR.TAG").is_file()


def test_a_file_system_refusing_the_folder_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    monkeypatch.delenv("SEEDLINT_CACHE_DIR", raising=False)

    def refuse(path: str, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        raise OSError(errno.EROFS, "Read-only file system", path)

    monkeypatch.setattr(os, "mkdir", refuse)
    assert cache_dir(tmp_path) is None
    assert open_in(tmp_path, KEY).usable is False


def test_a_full_disk_while_writing_the_markers_still_gives_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    monkeypatch.delenv("SEEDLINT_CACHE_DIR", raising=False)
    (tmp_path / ".seedlint_cache").mkdir()

    def full(descriptor: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    assert cache_dir(tmp_path) == tmp_path / ".seedlint_cache"
    monkeypatch.undo()
    assert (tmp_path / ".seedlint_cache" / ".gitignore").read_bytes() == b""


def test_an_oversized_planted_value_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.cache.store as store

    monkeypatch.setattr(store, "MAX_VALUE", 1000)  # SQLite's length limit on reads too
    _stored(tmp_path, result=b"x" * 1001)
    cache = _load(tmp_path)
    assert cache.row("seeds/a.md") is None
    assert cache.problem.startswith("DataError: ") or "too big" in cache.problem
    _stored(tmp_path, result=b"x" * 1000)
    assert _load(tmp_path).row("seeds/a.md") is not None  # at the limit: read


def test_a_name_that_is_not_utf8_is_not_looked_up(tmp_path: Path) -> None:
    _stored(tmp_path)
    cache = _load(tmp_path, paths=("seeds/a.md", os.fsdecode(b"caf\xe9.md")))
    assert cache.row("seeds/a.md") is not None
    assert cache.problem == "" and not cache.stats.rebuilt
    cache.save()


def test_stale_side_files_go_with_the_database_they_belonged_to(tmp_path: Path) -> None:
    (tmp_path / DATABASE).write_bytes(b"not a database" * 100)
    (tmp_path / f"{DATABASE}-wal").write_bytes(b"a stale log" * 100)
    (tmp_path / f"{DATABASE}-shm").write_bytes(b"\0" * 100)
    cache = ResultCache.open(tmp_path, KEY)
    assert cache.usable and cache.stats.rebuilt
    cache.put("a.md", SIGNATURE, b"d" * 16, 1, "", "d", Entry(b"r", None, None))
    cache.save()
    assert _load(tmp_path, paths=("a.md",)).row("a.md") is not None
    assert b"a stale log" not in (tmp_path / f"{DATABASE}-wal").read_bytes()


def test_a_new_database_is_readable_by_everyone_the_umask_allows(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        cache = ResultCache.open(tmp_path, KEY)
    finally:
        os.umask(mask)
    cache.save()
    assert os.stat(tmp_path / DATABASE).st_mode & 0o777 == 0o644
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_a_database_another_run_made_meanwhile_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stored(tmp_path)
    os.rename(tmp_path / DATABASE, tmp_path / "theirs")
    real_link = os.link

    def concurrent(source: object, target: object, **options: object) -> None:
        os.rename(tmp_path / "theirs", tmp_path / DATABASE)  # the other run, first
        real_link(source, target, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", concurrent)
    cache = ResultCache.open(tmp_path, KEY)
    monkeypatch.undo()
    assert cache.usable and not cache.stats.rebuilt
    cache.load(["seeds/a.md"])
    assert cache.row("seeds/a.md") is not None  # their rows, not an empty file
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_a_file_system_without_hard_links_gets_its_database_by_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    def no_links(source: object, target: object, **options: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    cache = ResultCache.open(tmp_path, KEY)
    monkeypatch.undo()
    assert cache.usable and not cache.stats.rebuilt
    cache.put("a.md", SIGNATURE, b"d" * 16, 1, "", "d", Entry(b"r", None, None))
    cache.save()
    assert _load(tmp_path, paths=("a.md",)).row("a.md") is not None
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_a_database_in_rollback_mode_of_our_schema_is_switched_to_wal(tmp_path: Path) -> None:
    _stored(tmp_path)
    with sqlite3.connect(tmp_path / DATABASE) as db:
        assert db.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    db.close()
    cache = _load(tmp_path)
    assert cache.row("seeds/a.md") is not None and not cache.stats.rebuilt
    cache.save()
    with sqlite3.connect(tmp_path / DATABASE) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_cross_file_rows_are_kept_per_run_key_and_pruned_when_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.cache.store as store
    from seedlint.cache.store import CorpusRow

    other = ResultCache.open(tmp_path, "other key")
    other.put_corpus(CorpusRow(b"theirs", "t", "d", b"p", None))
    other.save()
    for number in range(18):
        cache = ResultCache.open(tmp_path, KEY)
        cache.put_corpus(CorpusRow(b"%02d" % number, "t", "d", b"p", None))
        cache.save()
    assert ResultCache.open(tmp_path, "other key").corpus(b"theirs") is not None
    with sqlite3.connect(tmp_path / DATABASE) as db:
        db.execute("UPDATE corpus SET used_ns = 5 WHERE run = 'other key'")
    db.close()
    monkeypatch.setattr(store.random, "random", lambda: 0.0)
    cache = ResultCache.open(tmp_path, KEY)
    cache.put_corpus(CorpusRow(b"new", "t", "d", b"p", None))
    cache.save()
    assert ResultCache.open(tmp_path, "other key").corpus(b"theirs") is None  # stale
    assert ResultCache.open(tmp_path, KEY).corpus(b"new") is not None


def test_stamps_alone_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import seedlint.cache.store as store

    # A stamp of 7 ns is ancient: the occasional full prune would take the row away.
    monkeypatch.setattr(store, "_PRUNE_CHANCE", 0.0)
    _stored(tmp_path)
    cache = _load(tmp_path)
    row = cache.row("seeds/a.md")
    assert row is not None
    row.used_ns = 7
    cache.stamp(row)
    assert cache.inserts == [] and cache.corpus_rows == []
    cache.save()
    again = _load(tmp_path).row("seeds/a.md")
    assert again is not None and again.used_ns == 7


# -- times at the read's own instant, and a database that fails while it is read ---------------


def test_a_row_stamped_at_the_very_nanosecond_of_the_read_is_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = time.time_ns()
    _stored(tmp_path, checked_ns=now, used_ns=now)
    monkeypatch.setattr(time, "time_ns", lambda: now)
    assert _load(tmp_path).row("seeds/a.md") is not None
    monkeypatch.setattr(time, "time_ns", lambda: now - 1)  # written after the read: forged
    assert _load(tmp_path).row("seeds/a.md") is None


def test_a_cross_file_row_used_at_the_very_nanosecond_of_the_read_is_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedlint.cache.store import CorpusRow

    cache = ResultCache.open(tmp_path, KEY)
    cache.put_corpus(CorpusRow(b"inputs", "t", "2026-11-26", b"p", None))
    cache.save()
    with sqlite3.connect(tmp_path / DATABASE) as db:
        [(used,)] = db.execute("SELECT used_ns FROM corpus").fetchall()
    db.close()
    monkeypatch.setattr(time, "time_ns", lambda: used)
    assert ResultCache.open(tmp_path, KEY).corpus(b"inputs") is not None
    monkeypatch.setattr(time, "time_ns", lambda: used - 1)
    assert ResultCache.open(tmp_path, KEY).corpus(b"inputs") is None


def _corrupt_the_rows(folder: Path) -> None:
    """Overwrite the middle pages of a database of many rows: its header and schema still
    read, and only a scan of the rows finds the damage."""
    path = folder / DATABASE
    size = path.stat().st_size
    with open(path, "r+b") as file:
        file.seek(size // 2)
        file.write(b"\xff" * 8192)


def test_a_database_that_fails_while_it_is_read_is_rebuilt_once(tmp_path: Path) -> None:
    cache = _many(tmp_path, 600, summary=b"s" * 2000)
    cache.save()
    _corrupt_the_rows(tmp_path)
    paths = [f"{n}.md" for n in range(600)]
    cache = ResultCache.open(tmp_path, KEY)
    assert cache.usable and not cache.stats.rebuilt  # the schema reads: the file is opened
    cache.load(paths)
    assert cache.problem.split(": ")[0] in ("DatabaseError", "OperationalError"), cache.problem
    assert cache.stats.rebuilt and cache.usable  # set aside, and a fresh one made
    assert cache.rows == {}
    with sqlite3.connect(tmp_path / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM results").fetchone() == (0,)
    db.close()


def test_the_expected_schema_is_what_seedlints_own_statements_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.cache.store as store

    monkeypatch.setattr(store, "_expected_schema", None)  # made once a process: make it here
    monkeypatch.chdir(tmp_path)
    expected = store._expected()
    assert os.listdir(tmp_path) == []  # made in memory, never as a file
    assert sorted((kind, name, table) for kind, name, table, _ in expected) == [
        ("index", "sqlite_autoindex_corpus_1", "corpus"),
        ("index", "sqlite_autoindex_results_1", "results"),
        ("table", "corpus", "corpus"),
        ("table", "results", "results"),
    ]
    assert all(sql is None or sql.startswith("CREATE TABLE") for *_, sql in expected)
    _stored(tmp_path)
    assert _load(tmp_path).row("seeds/a.md") is not None  # our own file matches it
