"""A write that fails leaves the original file intact, and the run says so.

Failures are real where the system allows (a read-only file or folder; seedlint honours
the permission bits even for root, who could write anyway) and simulated at the
filesystem call otherwise (a full disk: `os.write` raising ENOSPC; a failing rename or
fsync), since no test can fill a disk or yank a device.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedlint.fixer import Snapshot, write_atomic
from tests.fix.conftest import Cli, offline
from tests.helpers import real_seed_text

BROKEN = real_seed_text().replace("## Summary\n", "## Summary   \n", 1)


@pytest.fixture
def seed(vault: Path) -> Iterator[Path]:
    folder = vault / "seeds"
    folder.mkdir()
    path = folder / "seed.md"
    path.write_text(BROKEN, encoding="utf-8")
    yield path
    folder.chmod(0o755)
    path.chmod(0o644)


def _assert_untouched(seed: Path) -> None:
    assert seed.read_text(encoding="utf-8") == BROKEN
    assert sorted(p.name for p in seed.parent.iterdir()) == ["seed.md"]  # no temp file left


def test_read_only_folder(seed: Path, vault: Path, cli: Cli) -> None:
    seed.parent.chmod(0o555)
    ran = cli("fix", *offline(vault), "seeds/seed.md")
    assert ran.code == 1
    _assert_untouched(seed)
    assert (
        "seedlint: error: seeds/seed.md: cannot write: its folder is read-only; "
        "the file is unchanged" in ran.err
    )
    assert "W001 [*] trailing whitespace (cannot write: its folder is read-only)\n" in ran.out


def test_read_only_file(seed: Path, vault: Path, cli: Cli) -> None:
    seed.chmod(0o444)
    ran = cli("fix", *offline(vault), "seeds/seed.md")
    assert ran.code == 1
    _assert_untouched(seed)
    assert "cannot write: the file is read-only" in ran.err
    assert stat.S_IMODE(seed.stat().st_mode) == 0o444


def test_full_disk(seed: Path, vault: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if fd > 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    ran = cli("fix", *offline(vault), "seeds/seed.md")
    monkeypatch.undo()
    assert ran.code == 1
    _assert_untouched(seed)
    assert "cannot write: No space left on device; the file is unchanged" in ran.err


@pytest.mark.parametrize("call", ["replace", "fsync"])
def test_failing_rename_or_sync(
    seed: Path, vault: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    def fail(*args: object, **dir_fds: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, call, fail)
    ran = cli("fix", *offline(vault), "seeds/seed.md")
    monkeypatch.undo()
    assert ran.code == 1
    _assert_untouched(seed)
    assert "Input/output error" in ran.err


def test_one_failure_does_not_stop_the_other_files(
    seed: Path, vault: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = seed.parent / "other.md"
    other.write_text(BROKEN.replace("2024-ai-job", "2025-ai-job"), encoding="utf-8")
    real_replace = os.replace

    def replace(source: str, target: str, **dir_fds: int) -> None:
        if os.path.basename(target) == "seed.md":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(source, target, **dir_fds)

    monkeypatch.setattr(os, "replace", replace)
    ran = cli("fix", *offline(vault), "seeds")
    monkeypatch.undo()
    assert ran.code == 1
    assert seed.read_text(encoding="utf-8") == BROKEN
    assert "## Summary\n" in other.read_text(encoding="utf-8")
    assert sorted(p.name for p in seed.parent.iterdir()) == ["other.md", "seed.md"]


def test_a_file_changed_since_it_was_read_is_not_overwritten(seed: Path) -> None:
    snapshot = Snapshot.of(os.stat(seed))
    seed.write_text(BROKEN + "\nan edit made meanwhile\n", encoding="utf-8")
    with pytest.raises(OSError, match="changed on disk"):
        write_atomic(str(seed), b"fixed", snapshot)
    assert seed.read_text(encoding="utf-8").endswith("an edit made meanwhile\n")


def test_write_keeps_mode_and_follows_symlinks(seed: Path) -> None:
    seed.chmod(0o640)
    link = seed.parent / "link.md"
    link.symlink_to(seed.name)
    write_atomic(str(link), b"new content")
    assert link.is_symlink()
    assert seed.read_bytes() == b"new content"
    assert stat.S_IMODE(seed.stat().st_mode) == 0o640


def test_an_interrupt_as_the_temporary_file_is_created_leaves_nothing(
    seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worst moment: open(2) has created the file, Python has not got the descriptor.
    real_open = os.open

    def open_then_interrupt(path: str, flags: int, mode: int = 0o777, **dir_fd: int) -> int:
        descriptor = real_open(path, flags, mode, **dir_fd)
        if not flags & os.O_CREAT:
            return descriptor  # the folder, the file to replace
        os.close(descriptor)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(str(seed), b"fixed")
    monkeypatch.undo()
    _assert_untouched(seed)


def test_an_interrupt_after_the_rename_keeps_the_new_file(
    seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def replace_then_interrupt(source: str, target: str, **dir_fds: int) -> None:
        real_replace(source, target, **dir_fds)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(str(seed), b"fixed")
    monkeypatch.undo()
    assert seed.read_bytes() == b"fixed"
    assert sorted(p.name for p in seed.parent.iterdir()) == ["seed.md"]
