"""The atomic write when the file moves under it, and X001's fix when one file is not
enough to judge: real files in a temporary folder. A concurrent editor is simulated at
the filesystem call the write makes just before its last check (``os.fsync``), as the
fault tests simulate a full disk: no test can time a real editor into that window."""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seedlint.fixer import Snapshot, StaleFile, UnsafeToWrite, read_with_snapshot, write_atomic
from tests.fix.conftest import Cli, offline
from tests.helpers import FRONT, LINK

OLD = b"old bytes of a seed\n"
NEW = b"the fixed bytes\n"


@pytest.fixture
def seed(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "seeds" / "seed.md"
    path.parent.mkdir()
    path.write_bytes(OLD)
    yield path


def _during_the_write(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Run ``action`` once, as the temporary file is flushed (after the first checks)."""
    real_fsync = os.fsync
    pending = [action]

    def fsync(handle: int) -> None:
        if pending:
            pending.pop()()
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)


def _bytes_snapshot(seed: Path) -> Snapshot:
    """A snapshot with the bytes but without a change time (a caller that had none):
    the checks just before the rename must then tell what changed."""
    status = seed.stat()
    return Snapshot(status.st_size, status.st_mtime_ns, status.st_ino, 0, seed.read_bytes())


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_read_snapshot_lets_the_write_through(seed: Path) -> None:
    data, snapshot = read_with_snapshot(str(seed))
    assert data == OLD
    assert snapshot.data == OLD
    status = seed.stat()
    assert (snapshot.size, snapshot.inode, snapshot.mtime_ns, snapshot.ctime_ns) == (
        status.st_size,
        status.st_ino,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )
    assert write_atomic(str(seed), NEW, snapshot) == str(seed.parent)
    assert seed.read_bytes() == NEW
    assert _names(seed.parent) == ["seed.md"]


def _refused(error: OSError, seed: Path, code: int, why: str) -> None:
    assert (error.errno, error.filename, error.strerror) == (code, str(seed), why)


def test_a_file_edited_after_the_read_is_left_alone(seed: Path) -> None:
    _, snapshot = read_with_snapshot(str(seed))
    seed.write_bytes(b"an edit, same size!\n")
    with pytest.raises(StaleFile) as refused:
        write_atomic(str(seed), NEW, snapshot)
    _refused(refused.value, seed, errno.ESTALE, "the file changed on disk while it was being fixed")
    assert seed.read_bytes() == b"an edit, same size!\n"
    assert _names(seed.parent) == ["seed.md"]


def test_an_edit_that_put_the_mtime_back_is_caught_by_the_bytes(seed: Path) -> None:
    status = seed.stat()
    # Only the bytes tell this edit of the same size, whose mtime was put back.
    snapshot = _bytes_snapshot(seed)
    seed.write_bytes(b"OLD bytes of a seed\n")
    os.utime(seed, ns=(status.st_atime_ns, status.st_mtime_ns))
    with pytest.raises(StaleFile) as refused:
        write_atomic(str(seed), NEW, snapshot)
    assert refused.value.filename == str(seed)
    assert seed.read_bytes() == b"OLD bytes of a seed\n"
    assert _names(seed.parent) == ["seed.md"]


def test_a_file_replaced_during_the_write_is_not_overwritten(
    seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = _bytes_snapshot(seed)
    other = seed.parent / "other"
    other.write_bytes(OLD)  # the same bytes, another file: an editor's save-by-rename

    _during_the_write(monkeypatch, lambda: os.replace(other, seed))
    with pytest.raises(StaleFile) as refused:
        write_atomic(str(seed), NEW, snapshot)
    _refused(refused.value, seed, errno.ESTALE, "the file changed on disk while it was being fixed")
    assert seed.read_bytes() == OLD
    assert _names(seed.parent) == ["seed.md"]


def test_a_file_removed_during_the_write_stays_removed(
    seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = _bytes_snapshot(seed)
    _during_the_write(monkeypatch, seed.unlink)
    with pytest.raises(StaleFile) as refused:
        write_atomic(str(seed), NEW, snapshot)
    _refused(refused.value, seed, errno.ESTALE, "the file was removed while it was being fixed")
    assert _names(seed.parent) == []


def test_a_name_turned_into_a_link_to_the_file_is_not_replaced(
    seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = _bytes_snapshot(seed)
    moved = seed.parent / "moved.md"

    def relink() -> None:
        os.rename(seed, moved)
        seed.symlink_to(moved.name)  # the same file behind a link now

    _during_the_write(monkeypatch, relink)
    with pytest.raises(StaleFile):
        write_atomic(str(seed), NEW, snapshot)
    assert seed.is_symlink()
    assert moved.read_bytes() == OLD


def test_an_edit_in_place_during_the_write_is_caught_by_the_change_time(
    seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = Snapshot.of(seed.stat())  # no bytes to compare: the stat must tell
    status = seed.stat()

    def edit() -> None:
        seed.write_bytes(b"OLD bytes of a seed\n")
        os.utime(seed, ns=(status.st_atime_ns, status.st_mtime_ns))

    _during_the_write(monkeypatch, edit)
    with pytest.raises(StaleFile) as refused:
        write_atomic(str(seed), NEW, snapshot)
    assert refused.value.filename == str(seed)
    assert seed.read_bytes() == b"OLD bytes of a seed\n"


def test_hard_links_are_never_split(seed: Path) -> None:
    os.link(seed, seed.parent / "twin.md")
    with pytest.raises(UnsafeToWrite) as refused:
        write_atomic(str(seed), NEW)
    _refused(refused.value, seed, errno.EPERM, "it has 2 hard links (a new file would split them)")
    assert (seed.parent / "twin.md").read_bytes() == OLD


class _Hung(Exception):
    pass


def test_a_fifo_in_the_file_s_place_is_refused_without_hanging(seed: Path) -> None:
    seed.unlink()
    os.mkfifo(seed)

    def hung(signum: int, frame: object) -> None:
        raise _Hung  # opening a FIFO without O_NONBLOCK waits for a writer forever

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, 5)
    try:
        with pytest.raises(UnsafeToWrite) as refused:
            write_atomic(str(seed), NEW)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    _refused(refused.value, seed, errno.EPERM, "it is no longer a regular file")
    assert _names(seed.parent) == ["seed.md"]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_is_the_users_decision(seed: Path, what: str) -> None:
    bystander = seed.parent / "XXXX"  # a file no failed write may remove
    bystander.write_bytes(b"mine")
    target = seed if what == "file" else seed.parent
    target.chmod(0o555 if what == "folder" else 0o444)
    try:
        with pytest.raises(PermissionError) as refused:
            write_atomic(str(seed), NEW)
    finally:
        target.chmod(0o755 if what == "folder" else 0o644)
    why = "the file is read-only" if what == "file" else "its folder is read-only"
    _refused(refused.value, seed, errno.EACCES, why)
    assert seed.read_bytes() == OLD
    assert bystander.read_bytes() == b"mine"


def test_a_missing_file_is_an_error_and_closes_nothing_else(seed: Path) -> None:
    seed.unlink()
    with pytest.raises(FileNotFoundError):
        write_atomic(str(seed), NEW)
    os.fstat(1)  # standard output is still open
    os.fstat(0)
    assert _names(seed.parent) == []


# -- X001's fix: only what one file can judge ------------------------------------------------


def _seed_with(vault: Path, line: str) -> Path:
    path = vault / "seed.md"
    body = f"\n{LINK}\n## Summary\n\nProse.\n\n{line}\n\n## Topics\n"
    path.write_text(FRONT + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "comment", ["<!-- seedlint-enable -->", "<!-- seedlint-disable-next-line W001 -->"]
)
def test_a_comment_one_file_can_judge_is_removed(vault: Path, cli: Cli, comment: str) -> None:
    path = _seed_with(vault, comment)
    ran = cli("fix", *offline(vault), "seed.md")
    assert ran.code == 0, ran.out + ran.err
    assert comment not in path.read_text(encoding="utf-8")


def test_a_comment_about_a_cross_file_code_is_kept(vault: Path, cli: Cli) -> None:
    comment = "<!-- seedlint-disable-next-line C001 -->"
    path = _seed_with(vault, comment)
    before = path.read_bytes()
    # `check` judges it over the whole run; `fix` writes one file and cannot know
    # whether another file would make C001 fire there.
    ran = cli("fix", *offline(vault), "--format", "concise", "seed.md")
    assert path.read_bytes() == before
    assert ran.out.startswith("seed.md:16:1: X001 ")
