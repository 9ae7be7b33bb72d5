"""Which files a run lints: explicit files always, directories walked with .gitignore."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pathspec

SEED_SUFFIXES = (".md", ".txt")


@dataclass(frozen=True, slots=True)
class _Ignore:
    folder: str
    spec: pathspec.PathSpec[Any]

    def matches(self, path: str, is_dir: bool) -> bool:
        relative = os.path.relpath(path, self.folder).replace(os.sep, "/")
        return self.spec.match_file(relative + "/" if is_dir else relative)


def _gitignore(folder: str) -> _Ignore | None:
    candidate = os.path.join(folder, ".gitignore")
    try:
        with open(candidate, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    import pathspec  # only where a .gitignore exists: a one-file check never pays for it

    return _Ignore(folder, pathspec.PathSpec.from_lines("gitwildmatch", lines))


def _excluded(path: str, root: Path, patterns: list[str]) -> bool:
    if not patterns:
        return False
    relative = os.path.relpath(path, root).replace(os.sep, "/")
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)


def _repository_ignores(folder: str) -> list[_Ignore]:
    """The .gitignore files above ``folder`` up to its repository root, outermost first."""
    found: list[_Ignore] = []
    current = os.path.abspath(folder)
    while True:
        parent = os.path.dirname(current)
        if os.path.isdir(os.path.join(current, ".git")) or parent == current:
            break
        current = parent
        ignore = _gitignore(current)
        if ignore is not None:
            found.append(ignore)
    return found[::-1]


#: Told about each folder that cannot be listed: its path and the error.
FolderError = Callable[[str, OSError], None]


def _ignore_folder_error(folder: str, error: OSError) -> None:
    return None


def _real_path(path: str, real_folders: dict[str, str], plain: bool = False) -> str:
    """``os.path.realpath(path)``, resolving each folder once rather than once a file
    (a 10,000-seed vault is a few folders): only a symlinked file is resolved whole.
    ``plain``: the walk saw that the file itself is no symlink (no need to ask again)."""
    folder, separator, name = path.rpartition(os.sep)
    if not name or name in (os.curdir, os.pardir) or os.altsep:
        return os.path.realpath(path)
    if not plain and os.path.islink(path):
        return os.path.realpath(path)
    folder = folder or separator  # `/a.md`: the root, not the working folder
    real_folder = real_folders.get(folder)
    if real_folder is None:
        real_folder = real_folders[folder] = os.path.join(os.path.realpath(folder or "."), "")
    return real_folder + name


def discover_files(
    paths: list[str],
    *,
    root: Path,
    skip: list[Path],
    exclude: list[str],
    on_folder_error: FolderError = _ignore_folder_error,
) -> Iterator[str]:
    """Seed files to lint, each once, in a stable order.

    ``skip`` holds folders never walked into (the topics folder); ``exclude`` is globs
    relative to ``root``. A path given twice, or reached twice, is linted once. A folder
    that cannot be listed (permissions) holds no file to report on, so it is passed to
    ``on_folder_error``, for the caller to say that part of the vault was not linted.
    """
    seen: set[str] = set()
    skipped = {os.path.abspath(folder) for folder in skip}
    real_folders: dict[str, str] = {}
    symlinks: set[str] = set()  # walked files that are symlinks themselves
    for given in paths:
        # Explicit files are always linted, whatever their name.
        is_folder = os.path.isdir(given)
        walked = (
            sorted(_walk(given, skipped, root, exclude, on_folder_error, symlinks))
            if is_folder
            else [given]
        )
        for path in walked:
            key = _real_path(path, real_folders, plain=is_folder and path not in symlinks)
            if key not in seen:
                seen.add(key)
                yield path


def _walk(
    top: str,
    skipped: set[str],
    root: Path,
    exclude: list[str],
    on_error: FolderError,
    symlinks: set[str],
) -> Iterator[str]:
    ignores = _repository_ignores(top)
    stack: list[tuple[str, list[_Ignore]]] = [(top, ignores)]
    visited: set[tuple[int, int]] = set()
    while stack:
        folder, inherited = stack.pop()
        try:
            status = os.stat(folder)
        except OSError:
            continue
        if (status.st_dev, status.st_ino) in visited:
            continue  # a symlink loop
        visited.add((status.st_dev, status.st_ino))
        own = _gitignore(folder)
        active = [*inherited, own] if own is not None else inherited
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            on_error(folder, error)
            continue
        for entry in entries:
            path = entry.path
            try:
                is_dir = entry.is_dir()
            except OSError:  # a symlink loop: not a folder, maybe a seed to report
                is_dir = False
            if is_dir:
                if entry.name.startswith(".") or os.path.abspath(path) in skipped:
                    continue
                if any(ignore.matches(path, True) for ignore in active):
                    continue
                if _excluded(path, root, exclude):
                    continue
                stack.append((path, active))
            elif entry.name.endswith(SEED_SUFFIXES) and not entry.name.startswith("."):
                if not _is_seed_candidate(entry):
                    continue
                if any(ignore.matches(path, False) for ignore in active):
                    continue
                if _excluded(path, root, exclude):
                    continue
                if entry.is_symlink():  # known from the listing: no system call
                    symlinks.add(path)
                yield path


def _is_seed_candidate(entry: os.DirEntry[str]) -> bool:
    """A regular file, or a symlink that leads nowhere (dangling, or a loop).

    FIFOs, sockets and devices are skipped: opening a FIFO blocks until a writer comes,
    which would hang a pre-commit hook. Broken symlinks are kept so that the run reports
    them (E001) instead of silently linting fewer notes than the folder shows.
    """
    try:
        if entry.is_file():
            return True
    except OSError:
        return True
    return entry.is_symlink() and not os.path.exists(entry.path)
