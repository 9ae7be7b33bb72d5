"""The link cache, row by row: a real SQLite file in a temporary folder, answers put by
seedlint, then each field forged with SQLite to the value just past its bound. A row
that is off in any way is a miss; one just inside every bound is believed."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from seedlint.links.cache import (
    CLOCK_SKEW,
    FILE_NAME,
    LinkCache,
    Ttls,
    fresh_cache_file,
    lasting_of,
    safe_cache_file,
)
from seedlint.links.result import LinkResult, Skip, Verdict, dead, ok, skipped, unverifiable

NOW = 1_800_000_000.0
URL = "https://example.com/page"
TTLS = Ttls(ok=1000.0, failure=100.0, transient=10.0)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / ".seedlint_cache"


def _open(folder: Path) -> LinkCache:
    cache = LinkCache.open(folder, create=True)
    assert cache is not None
    return cache


def _get(folder: Path, now: float = NOW, **flags: bool) -> dict[str, LinkResult]:
    cache = _open(folder)
    try:
        return cache.get([URL], TTLS, now, **flags)
    finally:
        cache.close()


def _put(folder: Path, *results: LinkResult, now: float = NOW, ttls: Ttls = TTLS) -> None:
    cache = _open(folder)
    cache.put(results, now, ttls)
    cache.close()


def _forge(folder: Path, **values: Any) -> None:
    with sqlite3.connect(folder / FILE_NAME) as db:
        for column, value in values.items():
            db.execute(f"UPDATE links SET {column} = ?", (value,))


def _rows(folder: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(folder / FILE_NAME) as db:
        return db.execute("SELECT url, verdict, lasting, detail, checked_at FROM links").fetchall()


def test_an_answer_comes_back_as_it_went_in(folder: Path) -> None:
    moved = LinkResult(URL, Verdict.OK, "returned 200", 200, f"{URL}/new", f"{URL}/new", 308)
    _put(folder, moved)
    [back] = _get(folder).values()
    assert back == LinkResult(
        URL, Verdict.OK, "returned 200", 200, f"{URL}/new", f"{URL}/new", 308, from_cache=True
    )
    assert _get(folder, targets=False) == {}  # a fix would write the target: asked again
    assert _get(folder, failures=False) == {URL: back}


def test_anchors_and_pages_round_trip(folder: Path) -> None:
    anchors = ("a", "b", "name with spaces")  # `<a name>` may hold blanks
    page = LinkResult(URL, Verdict.OK, "returned 200", 200, page="html", anchors=anchors)
    _put(folder, page)
    assert _get(folder)[URL].anchors == anchors
    assert _get(folder)[URL].page == "html"
    _forge(folder, anchors="")
    assert _get(folder)[URL].anchors == ()
    _forge(folder, anchors=None, page="other")
    assert (_get(folder)[URL].anchors, _get(folder)[URL].page) == (None, "other")
    _forge(folder, page="pdf")
    assert _get(folder) == {}


def test_failures_are_kept_for_their_own_ttl_and_refresh_skips_them(folder: Path) -> None:
    _put(folder, dead(URL, "returned 404 Not Found", 404))
    assert _get(folder)[URL].verdict is Verdict.DEAD
    assert _get(folder)[URL].transient is False
    assert _get(folder, failures=False) == {}
    assert _rows(folder) == [(URL, "dead", "failure", "returned 404 Not Found", NOW)]
    assert _get(folder, now=NOW + 100)[URL].status == 404  # exactly the TTL: still fresh
    assert _get(folder, now=NOW + 100.5) == {}


def test_transient_answers_are_marked_and_kept_briefly(folder: Path) -> None:
    _put(folder, unverifiable(URL, "timed out"))
    [back] = _get(folder).values()
    assert (back.verdict, back.transient, back.status) == (Verdict.UNVERIFIABLE, True, None)
    assert _rows(folder)[0][2] == "transient"
    assert _get(folder, now=NOW + 10.5) == {}


def test_what_is_never_kept(folder: Path) -> None:
    _put(
        folder,
        skipped(URL, Skip.OFFLINE),
        LinkResult(f"{URL}/c", Verdict.OK, "cached", 200, from_cache=True),
        LinkResult(f"{URL}/s", Verdict.OK, "no status"),
    )
    assert _rows(folder) == []
    _put(folder, ok(URL, 200), ttls=Ttls(ok=0.0))  # a TTL of 0: caching that kind is off
    assert _rows(folder) == []


def test_a_long_detail_is_cut(folder: Path) -> None:
    _put(folder, dead(URL, "x" * 3000))
    assert _rows(folder)[0][3] == "x" * 2000


def test_the_clock_bounds(folder: Path) -> None:
    _put(folder, ok(URL, 200))
    assert _get(folder, now=NOW - CLOCK_SKEW)[URL].status == 200  # written a minute ahead
    assert _get(folder, now=NOW - CLOCK_SKEW - 1) == {}  # later than any skew: forged
    assert _get(folder, now=NOW + 1000)[URL].status == 200
    assert _get(folder, now=NOW + 1001) == {}
    for forged in (True, float("inf"), float("-inf")):
        _forge(folder, checked_at=forged)
        assert _get(folder) == {}, forged


def test_pruning_forgets_old_and_future_rows(folder: Path) -> None:
    _put(folder, ok(URL, 200), now=NOW - 1001)  # older than the longest TTL
    _put(folder, ok(f"{URL}/future", 200), now=NOW + CLOCK_SKEW + 1)
    _put(folder, ok(f"{URL}/kept", 200), now=NOW)
    assert [row[0] for row in _rows(folder)] == [f"{URL}/kept"]


@pytest.mark.parametrize(
    ("column", "value", "believed"),
    [
        ("status", 100, True),
        ("status", 999, True),
        ("status", 99, False),
        ("status", 1000, False),
        ("status", None, False),  # an "ok" without a status
        ("url", "HTTPS://example.com/page", False),  # not in its normal form
        ("verdict", "skipped", False),
        ("lasting", "failure", False),  # an "ok" must last as one
        ("lasting", "forever", False),
        ("final_url", "https://example.com/other", True),
        ("final_url", "HTTPS://EXAMPLE.com/other", False),
        ("moved_to", "https://example.com/other", False),  # without its status
    ],
)
def test_each_field_of_an_ok_row(folder: Path, column: str, value: Any, believed: bool) -> None:
    _put(folder, ok(URL, 200))
    _forge(folder, **{column: value})
    found = {} if column == "url" else _get(folder)
    if column == "url":
        cache = _open(folder)
        found = cache.get([value], TTLS, NOW)
        cache.close()
    assert bool(found) is believed


@pytest.mark.parametrize(
    ("moved_to", "moved_status", "believed"),
    [
        ("https://example.com/new", 301, True),
        ("https://example.com/new", 308, True),
        ("https://example.com/new", 302, False),
        (None, 301, False),
        ("HTTPS://example.com/new", 301, False),
    ],
)
def test_a_permanent_redirect_row(
    folder: Path, moved_to: str | None, moved_status: int, believed: bool
) -> None:
    _put(folder, ok(URL, 200))
    _forge(folder, moved_to=moved_to, moved_status=moved_status)
    found = _get(folder)
    assert bool(found) is believed
    if believed:
        assert (found[URL].moved_to, found[URL].moved_status) == (moved_to, moved_status)
        assert found[URL].redirected


@pytest.mark.parametrize(
    ("column", "value"), [("lasting", "forever"), ("verdict", "skipped"), ("page", "pdf")]
)
def test_each_field_of_a_failure_row(folder: Path, column: str, value: str) -> None:
    _put(folder, dead(URL, "returned 404", 404))
    assert _get(folder)[URL].status == 404
    _forge(folder, **{column: value})
    assert _get(folder) == {}


def test_a_dead_row_cannot_carry_a_redirect(folder: Path) -> None:
    _put(folder, dead(URL, "returned 404", 404))
    _forge(folder, moved_to="https://example.com/new", moved_status=301)
    assert _get(folder) == {}
    _forge(folder, moved_to=None, moved_status=None, status=None)
    assert _get(folder)[URL].status is None  # a failure without a status is fine
    _forge(folder, verdict="ok", lasting="failure")
    assert _get(folder) == {}


def test_lasting_of_each_answer() -> None:
    assert lasting_of(ok(URL, 200)) == "ok"
    assert lasting_of(LinkResult(URL, Verdict.OK)) is None
    assert lasting_of(dead(URL, "404", 404)) == "failure"
    assert lasting_of(LinkResult(URL, Verdict.DEAD, "503", 503, transient=True)) == "transient"
    assert lasting_of(unverifiable(URL, "403")) == "transient"
    assert lasting_of(skipped(URL, Skip.PRIVATE)) is None
    assert lasting_of(LinkResult(URL, Verdict.DEAD, from_cache=True)) is None
    assert Ttls().of("ok") == 7 * 86400
    assert (Ttls().of("failure"), Ttls().of("transient")) == (86400, 3600)
    assert Ttls(ok=1, failure=5, transient=3).longest == 5


def test_archive_answers(folder: Path) -> None:
    cache = _open(folder)
    day = "20240222"
    snapshot = "https://web.archive.org/web/2024/x"
    cache.put_archive([(URL, day, snapshot), (f"{URL}/n", day, None)], NOW)
    assert cache.get_archive(URL, day, TTLS, NOW) == ("https://web.archive.org/web/2024/x",)
    assert cache.get_archive(f"{URL}/n", day, TTLS, NOW) == (None,)
    assert cache.get_archive(URL, "20240223", TTLS, NOW) is None
    # A snapshot keeps for the success TTL; "no snapshot" for the failure TTL.
    assert cache.get_archive(URL, day, TTLS, NOW + 1000) is not None
    assert cache.get_archive(f"{URL}/n", day, TTLS, NOW + 100) == (None,)
    assert cache.get_archive(f"{URL}/n", day, TTLS, NOW + 101) is None
    cache.close()
    with sqlite3.connect(folder / FILE_NAME) as db:
        db.execute("UPDATE archives SET snapshot = 'not a url' WHERE snapshot IS NOT NULL")
    cache = _open(folder)
    assert cache.get_archive(URL, day, TTLS, NOW) is None
    cache.close()


def test_the_folder_gets_its_markers_and_refuses_links(folder: Path, tmp_path: Path) -> None:
    path = safe_cache_file(folder, FILE_NAME, create=True)
    assert path == folder / FILE_NAME
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text(encoding="utf-8")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    )
    assert safe_cache_file(tmp_path / "absent", FILE_NAME, create=False) is None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "linked"
    link.symlink_to(elsewhere)
    assert safe_cache_file(link, FILE_NAME, create=True) is None
    assert safe_cache_file(link, FILE_NAME, create=True, trusted=True) == link / FILE_NAME
    assert os.listdir(elsewhere) != []


def test_the_project_s_cache_is_in_the_shared_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEEDLINT_CACHE_DIR", raising=False)
    assert LinkCache.of_project(tmp_path) is None  # nothing to remember: nothing made
    cache = LinkCache.of_project(tmp_path, create=True)
    assert cache is not None
    cache.close()
    assert (tmp_path / ".seedlint_cache" / FILE_NAME).is_file()
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(tmp_path / "ci"))
    cache = LinkCache.of_project(tmp_path, create=True)
    assert cache is not None
    cache.close()
    assert (tmp_path / "ci" / FILE_NAME).is_file()


def test_a_skipped_row_does_not_end_the_scan(folder: Path) -> None:
    _put(folder, dead(f"{URL}/a", "returned 404", 404), ok(f"{URL}/b", 200))
    cache = _open(folder)
    found = cache.get([f"{URL}/a", f"{URL}/b"], TTLS, NOW, failures=False)
    cache.close()
    assert list(found) == [f"{URL}/b"]


def test_more_urls_than_one_query_takes(folder: Path) -> None:
    urls = [f"{URL}/{n}" for n in range(1200)]  # three chunks of host parameters
    _put(folder, *(ok(url, 200) for url in urls))
    cache = _open(folder)
    found = cache.get(urls, TTLS, NOW)
    cache.close()
    assert sorted(found) == sorted(urls)


def test_an_answer_not_worth_keeping_does_not_end_the_rows_kept(folder: Path) -> None:
    _put(folder, skipped(f"{URL}/a", Skip.OFFLINE), ok(f"{URL}/b", 200), dead(f"{URL}/c", "gone"))
    assert [row[0] for row in _rows(folder)] == [f"{URL}/b", f"{URL}/c"]


def test_a_ttl_of_one_second_keeps_the_answer(folder: Path) -> None:
    _put(folder, unverifiable(URL, "timed out"), ttls=Ttls(transient=1.0))
    assert [row[0] for row in _rows(folder)] == [URL]


def test_a_redirect_left_out_for_a_fix_does_not_end_the_scan(folder: Path) -> None:
    moved = LinkResult(f"{URL}/a", Verdict.OK, "returned 200", 200, f"{URL}/z", f"{URL}/z", 308)
    _put(folder, moved, ok(f"{URL}/b", 200))
    cache = _open(folder)
    found = cache.get([f"{URL}/a", f"{URL}/b"], TTLS, NOW, targets=False)
    cache.close()
    assert list(found) == [f"{URL}/b"]


def _archive_days(folder: Path) -> list[str]:
    with sqlite3.connect(folder / FILE_NAME) as db:
        return [day for (day,) in db.execute("SELECT day FROM archives ORDER BY day")]


def test_pruning_forgets_old_and_future_archive_answers(folder: Path) -> None:
    cache = _open(folder)
    snapshot = "https://web.archive.org/web/2024/x"
    cache.put_archive([(URL, "20200101", snapshot)], NOW - 1000 - 1)  # past the longest TTL
    cache.put_archive([(URL, "20200102", snapshot)], NOW - 1000 + 1)  # just inside it
    cache.put_archive([(URL, "20200103", snapshot)], NOW + CLOCK_SKEW + 1)  # from the future
    cache.put_archive([(URL, "20200104", snapshot)], NOW + CLOCK_SKEW - 1)  # within the skew
    cache.put([], NOW, TTLS)  # every write prunes first
    cache.close()
    assert _archive_days(folder) == ["20200102", "20200104"]


# -- planted files, in this process (tests/links/test_hostile_cache.py runs the program) --


def _ours(folder: Path) -> None:
    """A cache seedlint made, holding one answer."""
    _put(folder, ok(URL, 200))
    assert URL in _get(folder)


def _kept(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), os.stat(path).st_ino


@pytest.mark.parametrize(
    "statement",
    [
        "PRAGMA user_version = 3",
        "CREATE TABLE extra (x)",
        "CREATE INDEX planted ON links (verdict)",
        "CREATE TRIGGER planted AFTER INSERT ON links BEGIN DELETE FROM links; END",
        "CREATE VIEW planted AS SELECT url FROM links",
        "DROP TABLE archives",
    ],
)
def test_a_database_not_exactly_ours_is_replaced_never_modified(
    folder: Path, tmp_path: Path, statement: str
) -> None:
    _ours(folder)
    database = folder / FILE_NAME
    with sqlite3.connect(database) as db:
        db.execute(statement)
    db.close()
    os.link(database, tmp_path / "planted")  # the planted inode, to compare after
    planted = (tmp_path / "planted").read_bytes()
    os.unlink(tmp_path / "planted")
    before = database.read_bytes()
    assert before == planted

    assert _get(folder) == {}  # a fresh file: the answer went with the old one

    assert os.stat(database).st_nlink == 1
    with sqlite3.connect(database) as db:
        names = sorted(name for (name,) in db.execute("SELECT name FROM sqlite_master"))
        assert names == ["archives", "links"]
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()
    _put(folder, ok(URL, 200))
    assert URL in _get(folder)


def test_the_replaced_file_is_left_as_it_was(folder: Path, tmp_path: Path) -> None:
    _ours(folder)
    database = folder / FILE_NAME
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE extra (x)")
        db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    victim = tmp_path / "victim"
    os.link(database, victim)  # a second name: the planted inode stays reachable
    os.unlink(database)
    os.link(victim, database)
    bytes_before, inode = _kept(victim)
    # Two links: a hard-linked cache file is replaced too, before the schema is read.
    assert _get(folder) == {}
    assert _kept(victim) == (bytes_before, inode)
    assert os.stat(database).st_ino != inode


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 50])
def test_a_file_that_is_not_a_database_is_replaced(folder: Path, content: bytes) -> None:
    _ours(folder)
    (folder / FILE_NAME).write_bytes(content)
    for suffix in ("-wal", "-shm"):
        (folder / f"{FILE_NAME}{suffix}").unlink(missing_ok=True)
    assert _get(folder) == {}
    _put(folder, ok(URL, 200))
    assert URL in _get(folder)


@pytest.mark.parametrize("name", [FILE_NAME, f"{FILE_NAME}-wal", f"{FILE_NAME}-shm"])
def test_a_symlinked_cache_file_is_never_opened(folder: Path, tmp_path: Path, name: str) -> None:
    _ours(folder)
    victim = tmp_path / "victim"
    victim.write_bytes(b"someone else's file")
    (folder / name).unlink(missing_ok=True)
    (folder / name).symlink_to(victim)
    cache = _open(folder)
    cache.put([ok(f"{URL}/2", 200)], NOW, TTLS)
    cache.close()
    assert victim.read_bytes() == b"someone else's file"
    assert not (folder / FILE_NAME).is_symlink()
    assert f"{URL}/2" in _open(folder).get([f"{URL}/2"], TTLS, NOW)


def test_a_fifo_beside_the_database_is_removed(folder: Path) -> None:
    _ours(folder)
    os.mkfifo(folder / f"{FILE_NAME}-journal")
    assert URL in _get(folder)  # the database itself was fine
    assert not (folder / f"{FILE_NAME}-journal").exists()


def test_a_cache_file_larger_than_the_bound_is_replaced(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seedlint.links.cache as link_cache

    _ours(folder)
    size = os.stat(folder / FILE_NAME).st_size
    monkeypatch.setattr(link_cache, "MAX_FILE_BYTES", size)
    assert URL in _get(folder)  # at the bound: read
    monkeypatch.setattr(link_cache, "MAX_FILE_BYTES", size - 1)
    assert _get(folder) == {}  # past it: a fresh file


def test_a_missing_cache_is_not_made_without_create(folder: Path) -> None:
    folder.mkdir()
    assert LinkCache.open(folder) is None
    assert os.listdir(folder) == []
    assert safe_cache_file(folder, FILE_NAME, create=False) is None
    _ours(folder)
    cache = LinkCache.open(folder)  # there now: opened without create
    assert cache is not None
    assert URL in cache.get([URL], TTLS, NOW)
    cache.close()


def test_a_rollback_journal_database_of_ours_is_switched_to_wal(folder: Path) -> None:
    _ours(folder)
    with sqlite3.connect(folder / FILE_NAME) as db:
        assert db.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    db.close()
    assert URL in _get(folder)  # rows kept
    with sqlite3.connect(folder / FILE_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_a_fresh_file_never_replaces_one_made_meanwhile(folder: Path) -> None:
    from seedlint.links.cache import fresh_cache_file

    _ours(folder)
    inode = os.stat(folder / FILE_NAME).st_ino
    assert fresh_cache_file(folder / FILE_NAME, replace=False) is True
    assert os.stat(folder / FILE_NAME).st_ino == inode and URL in _get(folder)
    assert [name for name in os.listdir(folder) if name.endswith(".tmp")] == []
    assert fresh_cache_file(folder / FILE_NAME) is True  # replace: a new, empty file
    assert os.stat(folder / FILE_NAME).st_ino != inode and _get(folder) == {}
    assert [name for name in os.listdir(folder) if name.endswith(".tmp")] == []
    assert fresh_cache_file(folder / "missing" / FILE_NAME) is False  # no such folder


def test_a_new_file_is_never_written_over_anything(tmp_path: Path) -> None:
    from seedlint.links.cache import _write_new

    assert _write_new(tmp_path / "new", b"bytes") is True
    assert (tmp_path / "new").read_bytes() == b"bytes"
    assert (os.stat(tmp_path / "new").st_mode & 0o777) == 0o644 & ~_umask()
    assert _write_new(tmp_path / "new", b"other") is False
    assert (tmp_path / "new").read_bytes() == b"bytes"
    (tmp_path / "link").symlink_to(tmp_path / "target")
    assert _write_new(tmp_path / "link", b"x") is False
    assert not (tmp_path / "target").exists()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_cache_another_process_is_writing_is_still_read(folder: Path) -> None:
    _ours(folder)
    holder = sqlite3.connect(folder / FILE_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache = _open(folder)  # WAL: reading goes on
        assert URL in cache.get([URL], TTLS, NOW)
        cache.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_closed_cache_answers_nothing(folder: Path) -> None:
    cache = _open(folder)
    cache.close()
    assert cache.get([URL], TTLS, NOW) == {}
    assert cache.get_archive(URL, "2026-11-26", TTLS, NOW) is None
    cache.put([ok(URL, 200)], NOW, TTLS)  # no error
    cache.put_archive([(URL, "2026-11-26", None)], NOW)


def test_a_cache_folder_the_user_named_through_a_link_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real-cache"
    real.mkdir()
    (tmp_path / "linked-cache").symlink_to(real)
    monkeypatch.setenv("SEEDLINT_CACHE_DIR", str(tmp_path / "linked-cache"))
    root = tmp_path / "project"
    root.mkdir()
    cache = LinkCache.of_project(root, create=True)  # the environment is trusted
    assert cache is not None
    cache.close()
    assert (real / FILE_NAME).is_file()


def test_opening_a_symlinked_folder_is_refused_unless_trusted(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "linked"
    link.symlink_to(elsewhere)
    assert LinkCache.open(link, create=True) is None
    assert os.listdir(elsewhere) == []  # nothing made through the link
    trusted = LinkCache.open(link, create=True, trusted=True)
    assert trusted is not None
    trusted.close()


def test_a_fresh_file_that_cannot_take_the_place_says_so_and_leaves_nothing(
    folder: Path,
) -> None:
    taken = folder / FILE_NAME
    (taken / "inside").mkdir(parents=True)  # a folder where the file goes: no rename over it
    assert fresh_cache_file(taken) is False
    assert sorted(os.listdir(folder)) == [FILE_NAME]
    assert os.listdir(taken) == ["inside"]
