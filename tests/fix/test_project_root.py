"""`seedlint fix` in a vault someone else controls: it writes inside the project root only.

Every test builds the attack on real files (symbolic links, hard links, extended
attributes, a concurrent edit) and runs the real CLI from the vault folder, then asserts
the bytes on disk: outside the root unchanged, links still links, the edit kept.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from seedlint.fixer import Snapshot, StaleFile, write_atomic
from seedlint.project import Roots, find_root
from tests.fix.conftest import Cli, offline
from tests.helpers import make_linter, real_seed_text

BROKEN = real_seed_text().replace("## Summary\n", "## Summary   \n", 1)
FIXED = real_seed_text()
#: The same seed about another post, so that C001 (duplicate seeds) stays quiet.
OTHER = BROKEN.replace("2024-ai-job", "2023-ai-job")
LEAVES = "not fixed: reached through a symbolic link that leaves the project root"


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_link_leading_out_is_linted_and_never_written(
    vault: Path, tmp_path: Path, cli: Cli
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "seed.md").write_text(OTHER, encoding="utf-8")
    (outside / "crlf.md").write_bytes(
        BROKEN.replace("2024-ai-job", "2022-ai-job").replace("\n", "\r\n").encode()
    )
    (vault / "ext").symlink_to("../outside", target_is_directory=True)
    (vault / "home.md").symlink_to(outside / "seed.md")  # a file link out, too
    seeds = vault / "seeds"
    seeds.mkdir()
    (seeds / "inside.md").write_text(BROKEN, encoding="utf-8")
    before = {name: (outside / name).read_bytes() for name in _files(outside)}

    ran = cli("fix", *offline(vault), ".")

    assert ran.code == 1  # what was not fixed is still reported
    assert {name: (outside / name).read_bytes() for name in _files(outside)} == before
    assert _files(outside) == ["crlf.md", "seed.md"]  # no temporary file left there
    assert (vault / "ext").is_symlink() and (vault / "home.md").is_symlink()
    assert (seeds / "inside.md").read_text(encoding="utf-8") == FIXED  # the vault is fixed
    notes = [line for line in ran.err.splitlines() if LEAVES in line]
    # One note a file (home.md and ext/seed.md are one file: linted once).
    assert sorted(notes) == [
        f"seedlint: note: ./ext/crlf.md: {LEAVES}",
        f"seedlint: note: ./ext/seed.md: {LEAVES}",
    ] or sorted(notes) == [
        f"seedlint: note: ./ext/crlf.md: {LEAVES}",
        f"seedlint: note: ./home.md: {LEAVES}",
    ]
    assert f"W001 trailing whitespace ({LEAVES})" in ran.out
    assert "seedlint: error" not in ran.err


def test_a_symlinked_seed_inside_the_root_is_fixed_through_its_link(vault: Path, cli: Cli) -> None:
    real = vault / "real"
    real.mkdir()
    (real / "target.md").write_text(BROKEN, encoding="utf-8")
    (vault / "alias.md").symlink_to("real/target.md")
    ran = cli("fix", *offline(vault), "alias.md")
    assert ran.code == 0, ran.err
    assert (vault / "alias.md").is_symlink()  # never replaced by a regular file
    assert os.readlink(vault / "alias.md") == "real/target.md"
    assert (real / "target.md").read_text(encoding="utf-8") == FIXED


def test_a_path_named_outside_the_current_folder_is_its_own_root(
    vault: Path, tmp_path: Path, cli: Cli
) -> None:
    # The command line is trusted: `seedlint fix ~/elsewhere` from another folder works,
    # and a link inside it that leads further out is still refused.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "seed.md").write_text(BROKEN, encoding="utf-8")
    (elsewhere / "out.md").symlink_to(vault / "victim.md")
    (vault / "victim.md").write_text(OTHER, encoding="utf-8")
    ran = cli("fix", *offline(vault), str(elsewhere))
    assert (elsewhere / "seed.md").read_text(encoding="utf-8") == FIXED
    assert (vault / "victim.md").read_text(encoding="utf-8") == OTHER
    assert f"out.md: {LEAVES}" in ran.err


def test_the_root_is_the_configuration_folder_then_the_work_tree(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "contents").mkdir(parents=True)
    (vault / ".git").write_text("gitdir: /somewhere/else\n", encoding="utf-8")  # a worktree
    configuration = make_linter(vault).context.configuration  # no configuration file
    assert find_root(configuration, vault / "contents") == vault.resolve()
    (vault / "contents" / "seedlint.toml").write_text("", encoding="utf-8")
    from seedlint.config import load

    configured = load(vault / "contents" / "seedlint.toml")
    assert find_root(configured, vault / "contents") == (vault / "contents").resolve()
    roots = Roots.find(configured, [str(vault / "contents")])
    assert (
        roots.refuse_to_write(str(vault / "x.md")) == "not fixed: it lies outside the project root"
    )


def test_a_hard_linked_seed_is_refused_with_a_note(vault: Path, cli: Cli) -> None:
    seeds = vault / "seeds"
    seeds.mkdir()
    (seeds / "seed.md").write_text(BROKEN, encoding="utf-8")
    os.link(seeds / "seed.md", vault / "twin.md")
    ran = cli("fix", *offline(vault), "seeds/seed.md")
    assert ran.code == 1
    assert (seeds / "seed.md").read_text(encoding="utf-8") == BROKEN
    assert (vault / "twin.md").read_text(encoding="utf-8") == BROKEN
    assert os.stat(seeds / "seed.md").st_nlink == 2  # the two names still share one file
    assert (
        "seedlint: note: seeds/seed.md: not fixed: it has 2 hard links, and a fix writes a "
        "new file (the other links would keep the old text)"
    ) in ran.err
    assert "seedlint: error" not in ran.err


def test_a_hard_link_made_after_the_read_is_refused_at_the_write(vault: Path) -> None:
    seed = vault / "seed.md"
    seed.write_text(BROKEN, encoding="utf-8")
    os.link(seed, vault / "late.md")
    with pytest.raises(OSError, match="2 hard links"):
        write_atomic(str(seed), FIXED.encode(), root=vault)
    assert seed.read_text(encoding="utf-8") == BROKEN


def _supports_xattrs(path: Path) -> bool:
    try:
        os.setxattr(path, "user.seedlint-probe", b"1")
    except (OSError, AttributeError):
        return False
    os.removexattr(path, "user.seedlint-probe")
    return True


def test_extended_attributes_are_kept(vault: Path, cli: Cli) -> None:
    seed = vault / "seed.md"
    seed.write_text(BROKEN, encoding="utf-8")
    if not _supports_xattrs(seed):
        pytest.skip("this file system has no user extended attributes")
    os.setxattr(seed, "user.xdg.tags", b"reading,ai")
    os.setxattr(seed, "user.empty", b"")
    ran = cli("fix", *offline(vault), "seed.md")
    assert ran.code == 0, ran.err
    assert seed.read_text(encoding="utf-8") == FIXED
    assert os.getxattr(seed, "user.xdg.tags") == b"reading,ai"
    assert os.getxattr(seed, "user.empty") == b""


def test_an_attribute_that_cannot_be_copied_leaves_the_file_alone(
    vault: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = vault / "seed.md"
    seed.write_text(BROKEN, encoding="utf-8")
    if not _supports_xattrs(seed):
        pytest.skip("this file system has no user extended attributes")
    os.setxattr(seed, "user.origin", b"https://example.org")

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "setxattr", refuse)
    ran = cli("fix", *offline(vault), "seed.md")
    monkeypatch.undo()
    assert ran.code == 1
    assert seed.read_text(encoding="utf-8") == BROKEN
    assert os.getxattr(seed, "user.origin") == b"https://example.org"
    assert "cannot keep its extended attribute 'user.origin'" in ran.err
    assert _files(vault) == ["seed.md", "topics"]


def _edit_behind_the_fixers_back(seed: Path) -> None:
    """An edit of the same size, with the mtime put back (`touch -r` style)."""
    status = seed.stat()
    text = seed.read_text(encoding="utf-8")
    edited = text.replace("Summary", "SUMMARY", 1)
    assert len(edited) == len(text) and edited != text
    with open(seed, "r+", encoding="utf-8") as handle:  # same inode, same size
        handle.write(edited)
    os.utime(seed, ns=(status.st_atime_ns, status.st_mtime_ns))
    after = seed.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        status.st_size,
        status.st_mtime_ns,
        status.st_ino,
    )


def test_a_concurrent_edit_of_the_same_size_is_never_overwritten(
    vault: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = vault / "seed.md"
    seed.write_text(BROKEN, encoding="utf-8")
    real_fsync = os.fsync
    edited: list[str] = []

    def fsync_then_edit(handle: int) -> None:
        # The fault lands when the temporary file is flushed: just before the rename.
        real_fsync(handle)
        name = os.readlink(f"/proc/self/fd/{handle}")
        if name.endswith(".seedlint-tmp") and not edited:
            _edit_behind_the_fixers_back(seed)
            edited.append(name)

    monkeypatch.setattr(os, "fsync", fsync_then_edit)
    ran = cli("fix", *offline(vault), "seed.md")
    monkeypatch.undo()
    assert edited, "the fault was never injected"
    assert ran.code == 1
    assert "seed.md: cannot write: the file changed on disk while it was being fixed" in ran.err
    assert seed.read_text(encoding="utf-8") == BROKEN.replace("Summary", "SUMMARY", 1)
    assert _files(vault) == ["seed.md", "topics"]


def test_the_bytes_alone_catch_the_edit(vault: Path) -> None:
    # Without the change time (a system that cannot tell it), the bytes read again
    # before the rename still see the edit.
    seed = vault / "seed.md"
    seed.write_text(BROKEN, encoding="utf-8")
    data = seed.read_bytes()
    status = seed.stat()
    snapshot = Snapshot(status.st_size, status.st_mtime_ns, status.st_ino, 0, data)
    _edit_behind_the_fixers_back(seed)
    with pytest.raises(StaleFile):
        write_atomic(str(seed), FIXED.encode(), snapshot, root=vault)
    assert seed.read_text(encoding="utf-8") == BROKEN.replace("Summary", "SUMMARY", 1)


def test_a_link_leading_out_is_refused_by_the_write_itself(vault: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "seed.md").write_text(OTHER, encoding="utf-8")
    (vault / "seeds").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OSError, match="leaves the project root"):
        write_atomic(str(vault / "seeds" / "seed.md"), b"x", root=vault)
    assert (outside / "seed.md").read_text(encoding="utf-8") == OTHER


def test_a_folder_swapped_for_a_link_after_the_check_is_not_followed(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race a check on the resolved path alone would lose: `seeds` was a folder when
    # the path was resolved (simulated: resolving sees no link), a link when it is opened.
    # Each folder is opened without following links, so the write goes nowhere.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "seed.md").write_text(OTHER, encoding="utf-8")
    (vault / "seeds").symlink_to(outside, target_is_directory=True)
    monkeypatch.setattr(os.path, "realpath", os.path.abspath)
    with pytest.raises(OSError, match="a folder on its way became a symbolic link"):
        write_atomic(str(vault / "seeds" / "seed.md"), b"x", root=vault)
    monkeypatch.undo()
    assert (outside / "seed.md").read_text(encoding="utf-8") == OTHER
    assert _files(outside) == ["seed.md"]
