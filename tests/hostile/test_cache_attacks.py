"""A result cache someone else made: committed to the repository, or planted beside it.

Each test builds the attack on a real SQLite file in a temporary vault, runs the real
CLI, and asserts what must hold: the findings (and exit code) are those of `--no-cache`,
and no file outside the cache's own fresh database changed (a victim database keeps its
bytes, a replaced cache file its inode's bytes).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from seedlint.cache import CACHE_FOLDER, DATABASE, FORMAT
from seedlint.cache.encoding import MAX_INFLATED
from tests.scale.conftest import Corpus, Ran, generate, seedlint

SEEDS = 12
SCHEMA_OBJECTS = {
    ("table", "results"),
    ("index", "sqlite_autoindex_results_1"),
    ("table", "corpus"),
    ("index", "sqlite_autoindex_corpus_1"),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """12 seeds, half with a defect: T001 and other findings to hide."""
    return generate(tmp_path / "vault", SEEDS, seed=34, defect_rate=0.5)


def github(vault: Path, *extra: str, env: dict[str, str] | None = None) -> Ran:
    return seedlint(
        "check", "--offline", "--format", "github", *extra, "contents", cwd=vault, env=env
    )


def debug(vault: Path, env: dict[str, str] | None = None) -> Ran:
    return github(vault, env={"SEEDLINT_DEBUG": "1", **(env or {})})


def stats(ran: Ran) -> str:
    lines = [line for line in ran.stderr.splitlines() if line.startswith("seedlint: cache:")]
    assert lines, ran.stderr
    return lines[-1]


def database(corpus: Corpus) -> Path:
    return corpus.root / CACHE_FOLDER / DATABASE


def expected(corpus: Corpus) -> Ran:
    ran = github(corpus.root, "--no-cache")
    assert ran.returncode == 1 and "T001" in ran.stdout and "C001" in ran.stdout, ran
    return ran


def assert_same(ran: Ran, reference: Ran) -> None:
    assert (ran.returncode, ran.stdout) == (reference.returncode, reference.stdout)
    assert "internal error" not in ran.stderr and "Traceback" not in ran.stderr


def schema(path: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        found = set(connection.execute("SELECT type, name FROM sqlite_master"))
    connection.close()
    return found


def execute(path: Path, *statements: str, parameters: tuple[object, ...] = ()) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            connection.execute(statement, parameters if "?" in statement else ())
    finally:
        connection.close()


@pytest.fixture
def held() -> Iterator[list[int]]:
    """Descriptors kept open on files a run may replace: the old inode stays readable."""
    descriptors: list[int] = []
    yield descriptors
    for descriptor in descriptors:
        os.close(descriptor)


def contents(descriptor: int) -> bytes:
    return os.pread(descriptor, os.fstat(descriptor).st_size, 0)


def a_cold_cache(corpus: Corpus) -> Path:
    """The database a real run leaves, WAL checkpointed into the file."""
    github(corpus.root)
    path = database(corpus)
    execute(path, "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode = DELETE")
    return path


# -- the schema, object by object --------------------------------------------------------

BLANK_EVERY_ROW = (
    "CREATE TRIGGER blank AFTER INSERT ON results BEGIN "
    "UPDATE results SET result = NULL, summary = NULL WHERE rowid = new.rowid; END"
)


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param([BLANK_EVERY_ROW, "DELETE FROM results", "DELETE FROM corpus"], id="trigger"),
        pytest.param(
            ["CREATE VIEW everything AS SELECT * FROM results"],
            id="view",
        ),
        pytest.param(["CREATE TABLE links (url TEXT)"], id="extra-table"),
        pytest.param(["CREATE INDEX by_digest ON results (digest)"], id="extra-index"),
        pytest.param(["ANALYZE"], id="statistics-table"),
        pytest.param(["DROP TABLE corpus"], id="missing-table"),
        pytest.param([f"PRAGMA user_version = {FORMAT + 1}"], id="other-format"),
    ],
)
def test_a_database_of_another_schema_is_set_aside_not_modified(
    corpus: Corpus, statements: list[str], held: list[int]
) -> None:
    reference = expected(corpus)
    path = a_cold_cache(corpus)
    execute(path, *statements)
    held.append(os.open(path, os.O_RDONLY))
    planted = contents(held[0])

    first = debug(corpus.root)
    second = debug(corpus.root)

    assert_same(first, reference)
    assert_same(second, reference)
    assert contents(held[0]) == planted  # the planted file, under its old inode, untouched
    assert os.stat(path).st_ino != os.fstat(held[0]).st_ino
    assert {(kind, name) for kind, name in schema(path)} == SCHEMA_OBJECTS
    assert f"linted={SEEDS}" in stats(first) and "rebuilt=True" in stats(first)
    assert f"hits={SEEDS}" in stats(second)  # the fresh database serves the next run


def test_a_committed_trigger_cannot_blank_the_github_report(corpus: Corpus) -> None:
    """The issue's reproduction: an attacker's own database, made from scratch, whose
    trigger blanks every row seedlint inserts; the report printed nothing, exit 0."""
    reference = expected(corpus)
    folder = corpus.root / CACHE_FOLDER
    folder.mkdir()
    from seedlint.cache.store import _SCHEMA

    execute(folder / DATABASE, *_SCHEMA, f"PRAGMA user_version = {FORMAT}", BLANK_EVERY_ROW)

    for _ in range(3):
        assert_same(github(corpus.root), reference)
    assert ("trigger", "blank") not in schema(folder / DATABASE)


def test_a_file_that_is_not_a_database_is_replaced(corpus: Corpus, held: list[int]) -> None:
    reference = expected(corpus)
    folder = corpus.root / CACHE_FOLDER
    folder.mkdir()
    (folder / DATABASE).write_bytes(b"SQLite format 3\0" + os.urandom(4096))
    held.append(os.open(folder / DATABASE, os.O_RDONLY))
    planted = contents(held[0])

    assert_same(github(corpus.root), reference)
    assert contents(held[0]) == planted
    assert {(kind, name) for kind, name in schema(folder / DATABASE)} == SCHEMA_OBJECTS


# -- symlinks and hard links -------------------------------------------------------------


def victim_database(path: Path) -> bytes:
    """Another program's SQLite file, with a table called like seedlint's."""
    execute(
        path,
        "CREATE TABLE results (owner TEXT)",
        "INSERT INTO results VALUES ('not seedlint''s')",
    )
    return path.read_bytes()


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("name", [DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm"])
def test_a_symlinked_cache_file_is_never_opened(corpus: Corpus, tmp_path: Path, name: str) -> None:
    """The database itself linked to a file that even looks like seedlint's cache (so a
    schema check alone would let it be written), or its WAL or shared-memory file
    linked to another program's database; one seed edited, so the run writes."""
    outside = tmp_path / "other-program"
    outside.mkdir()
    victim = outside / "data.sqlite3"
    path = a_cold_cache(corpus)
    if name == DATABASE:
        shutil.move(path, victim)
        before = victim.read_bytes()
    else:
        before = victim_database(victim)
    (path.parent / name).unlink(missing_ok=True)
    (path.parent / name).symlink_to(victim)
    edited = corpus.seeds[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    reference = expected(corpus)
    listing = sorted(outside.iterdir())

    for _ in range(2):
        assert_same(github(corpus.root), reference)

    assert victim.read_bytes() == before
    assert sorted(outside.iterdir()) == listing  # no -wal, -shm or journal beside it
    assert not (path.parent / name).is_symlink()
    assert f"hits={SEEDS}" in stats(debug(corpus.root))


def test_a_hard_linked_cache_file_is_replaced_not_written(corpus: Corpus, tmp_path: Path) -> None:
    reference = expected(corpus)
    victim = tmp_path / "data.sqlite3"
    path = a_cold_cache(corpus)
    shutil.copyfile(path, victim)
    before = victim.read_bytes()
    path.unlink()
    os.link(victim, path)

    for _ in range(2):
        assert_same(github(corpus.root), reference)

    assert victim.read_bytes() == before
    assert os.stat(path).st_nlink == 1


@pytest.mark.parametrize("hostile", ["a cache folder", "a parent of it"])
def test_a_symlinked_cache_folder_is_never_opened(
    corpus: Corpus, tmp_path: Path, hostile: str
) -> None:
    """`.seedlint_cache -> ../outside`, or `SEEDLINT_CACHE_DIR=<root>/sub/cache` with
    `sub -> ../outside`: nothing is read or written there."""
    reference = expected(corpus)
    outside = tmp_path / "outside"
    outside.mkdir()
    github(corpus.root)
    shutil.move(str(corpus.root / CACHE_FOLDER), outside / "cache")  # a valid cache, even
    victim_database(outside / "victim.sqlite3")
    env: dict[str, str] = {}
    if hostile == "a cache folder":
        (corpus.root / CACHE_FOLDER).symlink_to(outside / "cache")
    else:
        (corpus.root / "sub").symlink_to(outside)
        env["SEEDLINT_CACHE_DIR"] = str(corpus.root / "sub" / "cache")
    before = tree(outside)

    for _ in range(2):
        assert_same(github(corpus.root, env=env), reference)

    ran = debug(corpus.root, env)
    assert_same(ran, reference)
    assert "seedlint: cache:" not in ran.stderr  # no cache at all this run
    assert tree(outside) == before


def test_the_cache_folder_ignores_itself_in_git(corpus: Corpus) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    subprocess.run([git, "init", "-q", str(corpus.root)], check=True)
    github(corpus.root)

    status = subprocess.run(
        [git, "status", "--porcelain", "--untracked-files=all"],
        cwd=corpus.root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert (corpus.root / CACHE_FOLDER / ".gitignore").read_text() == "*\n"
    assert database(corpus).is_file()
    assert CACHE_FOLDER not in status and "contents/" in status


# -- rows ------------------------------------------------------------------------------


def zlib_bomb(mebibytes: int) -> bytes:
    """A valid zlib stream of ``mebibytes`` MiB of zeros, about 1,000 times smaller:
    full-flushed blocks of one MiB repeat byte for byte, the checksum is computed."""
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    check = 1
    for _ in range(mebibytes):
        check = zlib.adler32(chunk, check)
    return first + again * (mebibytes - 1) + tail[:-4] + struct.pack(">I", check)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    stream = zlib_bomb(2 * MAX_INFLATED >> 20)
    assert len(zlib.decompress(stream)) == 2 * MAX_INFLATED  # a real stream, not garbage
    return stream


@pytest.mark.parametrize(
    "stated",
    [1_000, MAX_INFLATED, 2 * MAX_INFLATED, 2**32 - 1],
    ids=["understated", "the-most-allowed", "true-size", "absurd"],
)
def test_a_zlib_bomb_summary_is_a_miss(corpus: Corpus, bomb: bytes, stated: int) -> None:
    """Every row's summary a 128 MiB bomb (in 130 KB), stating any inflated length: none
    is inflated past what it states nor past 64 MiB, the rows past the read budget are
    not even looked at, and every file is linted again for its summary."""
    reference = expected(corpus)
    path = a_cold_cache(corpus)
    blob = b"z" + struct.pack("<I", stated) + bomb
    execute(path, "UPDATE results SET summary = ?", "DELETE FROM corpus", parameters=(blob,))

    ran = debug(corpus.root)

    assert_same(ran, reference)
    assert f"linted={SEEDS}" in stats(ran)


def test_no_row_can_import_a_module_or_call_anything(corpus: Corpus, tmp_path: Path) -> None:
    """Pickles of `seedlint.__main__` (which runs `main()` on import) and of `os.system`:
    the format is not pickle, so neither is even looked at as code."""
    reference = expected(corpus)
    marker = tmp_path / "ran"
    path = a_cold_cache(corpus)
    reimport = b"\x80\x04\x8c\x10seedlint.__main__\x94\x8c\x04main\x94\x93\x94)R."
    system = pickle.dumps((os.system, (f"touch {marker}",)))
    execute(path, "UPDATE results SET result = ? WHERE rowid % 2 = 0", parameters=(reimport,))
    execute(path, "UPDATE results SET result = ? WHERE rowid % 2 = 1", parameters=(system,))
    execute(path, "UPDATE corpus SET problems = ?", parameters=(reimport,))

    ran = debug(corpus.root)

    assert_same(ran, reference)
    assert not marker.exists()
    assert ran.stdout.count("::error") == reference.stdout.count("::error")  # main() once


FINDING = {
    "path": "contents/a.md",
    "line": 1,
    "column": 1,
    "end_line": 1,
    "end_column": 2,
    "code": "F101",
    "rule": "forged",
    "severity": "error",
    "message": "forged",
}


def packed(value: object) -> bytes:
    return msgspec.msgpack.encode(value)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("signature", 42),
        ("digest", "text, not bytes"),
        ("checked_ns", "yesterday"),
        ("checked_ns", 1.5),
        ("used_ns", "soon"),
        ("path", 7),
        ("topics", b"bytes"),
        ("result", "a string, not bytes"),
        ("result", 12),
        # MessagePack of another shape: a finding that is a number, a line that is text,
        # a summary that is a list, a recorded question that is not a triple
        ("result", packed(([1], [], None, []))),
        ("result", packed(([{**FINDING, "line": "one"}], [], None, []))),
        ("result", packed(([{**FINDING, "severity": "fatal"}], [], None, []))),
        ("result", packed(([], [], {"path": "a", "positions": {"x": 1}}, []))),
        ("summary", "not bytes"),
        ("summary", b"p" + packed([1, 2, 3])),
        ("summary", b"q" + packed([1, 2, 3])),
        ("summary", b"z" + zlib.compress(packed({"path": 1}))[:-3]),
        ("dependencies", packed([[[1, 2, 3]], []])),
        ("dependencies", packed([[], [["lt", ["d", 10**12], ["b", 1]]]])),
    ],
)
def test_a_row_of_the_wrong_types_is_a_miss(corpus: Corpus, column: str, value: object) -> None:
    reference = expected(corpus)
    path = a_cold_cache(corpus)
    execute(
        path,
        # paths are unique in a run: each row gets its own number
        f"UPDATE results SET {column} = {'rowid * ?' if column == 'path' else '?'}",
        "UPDATE corpus SET problems = x'93', topics = 'forged'",
        parameters=(value,),
    )

    first = debug(corpus.root)
    second = debug(corpus.root)

    assert_same(first, reference)
    assert_same(second, reference)


def test_wrong_types_in_the_cross_file_row_are_a_miss(corpus: Corpus) -> None:
    reference = expected(corpus)
    path = a_cold_cache(corpus)
    problem = {"path": "a.md", "code": "C001", "start": "1:1", "end": [1, 1], "message": "x"}
    forged = packed(({"C001": [problem]}, []))
    execute(path, "UPDATE corpus SET problems = ?", parameters=(forged,))
    execute(path, "UPDATE corpus SET used_ns = 'now'")

    assert_same(debug(corpus.root), reference)


YEAR_NS = 365 * 24 * 3600 * 1_000_000_000


def test_a_row_checked_in_the_future_is_not_trusted(corpus: Corpus) -> None:
    """A `checked_ns` in the future would make every stat look settled long before it was
    read, defeating the racily-clean rule: the file changed within the stat's tick (the
    signature forced equal), the row claims it was read years later."""
    path = a_cold_cache(corpus)
    seed = corpus.seeds[0]
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("type: ", "tipe: ", 1), encoding="utf-8")  # same size
    reference = expected(corpus)
    assert "F102" in reference.stdout
    status = os.stat(seed)
    signature = f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"
    execute(
        path,
        "UPDATE results SET signature = ?, checked_ns = ? WHERE path LIKE '%' || ?",
        parameters=(signature, time.time_ns() + 10 * YEAR_NS, seed.name),
    )

    assert_same(github(corpus.root), reference)


def test_rows_used_in_the_future_are_misses(corpus: Corpus) -> None:
    reference = expected(corpus)
    path = a_cold_cache(corpus)
    future = time.time_ns() + 10 * YEAR_NS
    execute(path, "UPDATE results SET used_ns = ?", parameters=(future,))
    execute(path, "UPDATE corpus SET used_ns = ?", parameters=(future,))

    ran = debug(corpus.root)

    assert_same(ran, reference)
    assert f"linted={SEEDS}" in stats(ran) and "corpus_reused=False" in stats(ran)
    assert f"hits={SEEDS}" in stats(debug(corpus.root))


def test_an_oversized_value_is_never_read(corpus: Corpus) -> None:
    """SQLite's length limit is lowered to 64 MiB: a planted 80 MB value fails the query
    (the database is rebuilt) instead of being loaded."""
    reference = expected(corpus)
    path = a_cold_cache(corpus)
    execute(path, "UPDATE results SET result = zeroblob(80000000) WHERE rowid = 1")

    ran = debug(corpus.root)

    assert_same(ran, reference)
    assert "rebuilt=True" in stats(ran)


def test_the_json_report_is_the_same_with_a_planted_cache(corpus: Corpus) -> None:
    """All of the above at once, in the report a CI job parses."""
    command = ("check", "--offline", "--format", "json", "contents")
    reference = seedlint(*command, "--no-cache", cwd=corpus.root)
    path = a_cold_cache(corpus)
    execute(
        path,
        BLANK_EVERY_ROW,
        "UPDATE results SET result = NULL, summary = x'7a00', used_ns = 9e18",
    )

    ran = seedlint(*command, cwd=corpus.root)

    assert json.loads(ran.stdout)["findings"] == json.loads(reference.stdout)["findings"]
    assert ran.returncode == reference.returncode == 1


def test_names_that_are_not_utf8_are_cached_or_skipped_never_an_error(corpus: Corpus) -> None:
    """A seed and a topic note whose names hold a byte no encoding decodes: MessagePack
    cannot hold such a string, so paths are set on reading, and the rest still caches."""
    seed = corpus.seeds[0]
    raw = os.fsencode(seed.parent) + b"/copy\xff.md"
    with open(raw, "wb") as handle:
        handle.write(seed.read_bytes().replace(b"https://", b"https://copy."))
    note = os.fsencode(corpus.topics[0].parent) + b"/note\xfe.md"
    with open(note, "wb") as handle:
        handle.write(b"---\ntype: Concept\n---\n")
    command = ("check", "--offline", "--format", "json", "contents")
    reference = seedlint(*command, "--no-cache", cwd=corpus.root)
    assert "copy\\udcff.md" in reference.stdout

    cold = seedlint(*command, cwd=corpus.root, env={"SEEDLINT_DEBUG": "1"})
    warm = seedlint(*command, cwd=corpus.root, env={"SEEDLINT_DEBUG": "1"})

    assert_same(cold, reference)
    assert_same(warm, reference)
    assert f"hits={SEEDS}" in stats(warm)
