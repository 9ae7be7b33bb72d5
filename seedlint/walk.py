"""Which files a run lints: folders walked with `.gitignore` and `include`/`exclude`;
named files linted unless they are topic notes, or excluded with `force-exclude`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seedlint.patterns import GlobSet, compile_globs

if TYPE_CHECKING:
    import pathspec

SEED_SUFFIXES = (".md", ".txt")


@dataclass(frozen=True, slots=True)
class _Ignore:
    """One source of gitignore patterns, and the folder its patterns are relative to."""

    folder: str
    spec: pathspec.PathSpec[Any]

    def verdict(self, path: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included by a `!` pattern, None: no pattern says."""
        relative = os.path.relpath(path, self.folder).replace(os.sep, "/")
        if relative.startswith("../"):
            return None
        result = self.spec.check_file(relative + "/" if is_dir else relative)
        return result.include


def _ignored(ignores: Sequence[_Ignore], path: str, is_dir: bool) -> bool:
    """git's precedence: the last source with a pattern for ``path`` decides
    (`core.excludesFile`, then `.git/info/exclude`, then each `.gitignore` outermost first)."""
    for ignore in reversed(ignores):
        verdict = ignore.verdict(path, is_dir)
        if verdict is not None:
            return verdict
    return False


def _patterns_file(path: str, folder: str) -> _Ignore | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return _Ignore(folder, compile_globs(lines))


def _gitignore(folder: str) -> _Ignore | None:
    return _patterns_file(os.path.join(folder, ".gitignore"), folder)


def _git_dir(root: str) -> str | None:
    """The repository's git folder: `.git` itself, or where a `.git` file points
    (`gitdir: ...`, as in linked worktrees and submodules)."""
    marker = os.path.join(root, ".git")
    if os.path.isdir(marker):
        return marker
    try:
        with open(marker, encoding="utf-8", errors="replace") as handle:
            first = handle.readline().strip()
    except OSError:
        return None
    if not first.startswith("gitdir:"):
        return None
    return os.path.normpath(os.path.join(root, first.removeprefix("gitdir:").strip()))


def _common_dir(git_dir: str) -> str:
    """Where a linked worktree's shared files live (`info/exclude` among them)."""
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            common = handle.read().strip()
    except OSError:
        return git_dir
    return os.path.normpath(os.path.join(git_dir, common))


@lru_cache(maxsize=1)
def _global_excludes_file() -> str | None:
    """The user's `core.excludesFile` (git's default: `$XDG_CONFIG_HOME/git/ignore`).

    Asked of git itself with ``--global``, so that the user's own settings count and a
    repository's `.git/config` (which may come with an untrusted checkout) does not.
    """
    configured = None
    try:
        found = subprocess.run(
            ["git", "config", "--global", "--path", "--get", "core.excludesFile"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if found.returncode == 0 and found.stdout.strip():
            configured = found.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    if configured is not None:
        return os.path.expanduser(configured)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "git", "ignore")


def _repository_excludes(root: str) -> list[_Ignore]:
    """The patterns git applies to the whole repository at ``root``, weakest first."""
    found: list[_Ignore] = []
    global_file = _global_excludes_file()
    if global_file is not None:
        ignore = _patterns_file(global_file, root)
        if ignore is not None:
            found.append(ignore)
    git_dir = _git_dir(root)
    if git_dir is not None:
        ignore = _patterns_file(os.path.join(_common_dir(git_dir), "info", "exclude"), root)
        if ignore is not None:
            found.append(ignore)
    return found


def _repository_ignores(folder: str) -> list[_Ignore]:
    """The ignore patterns above ``folder`` up to its repository root, weakest first:
    `core.excludesFile` and `.git/info/exclude`, then the `.gitignore` files, outermost
    first. A `.git` folder or file (worktrees, submodules) marks the root."""
    found: list[_Ignore] = []
    current = os.path.abspath(folder)
    while True:
        parent = os.path.dirname(current)
        if os.path.lexists(os.path.join(current, ".git")):
            return [*_repository_excludes(current), *found[::-1]]
        if parent == current:
            return found[::-1]  # not in a repository: only the .gitignore files count
        current = parent
        ignore = _gitignore(current)
        if ignore is not None:
            found.append(ignore)


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


@dataclass(frozen=True)
class FileFilter:
    """What decides whether a path is linted: the folders never linted (the topics folder:
    its notes are topic notes, never seeds, named or not), `exclude`, `include`, and
    whether `exclude` also applies to named files (`force-exclude`)."""

    skip: tuple[str, ...]
    exclude: GlobSet
    include: GlobSet
    force_exclude: bool
    #: ``include`` when it is only `*.ext` globs (the default): a name test, no matching.
    suffixes: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        skip: Sequence[str | os.PathLike[str]],
        exclude: GlobSet,
        include: GlobSet,
        force_exclude: bool = False,
    ) -> FileFilter:
        folders = tuple(os.path.join(os.path.abspath(folder), "") for folder in skip)
        suffixes = tuple(pattern.removeprefix("*") for pattern in include.patterns)
        simple = all(_plain_suffix(suffix) for suffix in suffixes)
        return cls(folders, exclude, include, force_exclude, suffixes if simple else None)

    def in_skipped_folder(self, path: str) -> bool:
        absolute = os.path.join(os.path.abspath(path), "")
        return any(absolute.startswith(folder) for folder in self.skip)

    def named(self, path: str, *, is_dir: bool) -> bool:
        """Whether a path given on the command line is linted (or walked)."""
        if self.in_skipped_folder(path):
            return False
        return not (self.force_exclude and self.exclude.matches(path, is_dir=is_dir))

    def walked_file(self, path: str, name: str) -> bool:
        if self.suffixes is not None:
            if not name.endswith(self.suffixes):
                return False
        elif not self.include.matches(path):
            return False
        return not self.exclude.matches(path)


def _plain_suffix(suffix: str) -> bool:
    """`.md` from `*.md`: a glob whose only special character is its leading `*`."""
    return suffix.startswith(".") and not any(char in suffix for char in "*?[]!/\\")


def discover_files(
    paths: list[str],
    *,
    root: Path,
    skip: Sequence[str | os.PathLike[str]] = (),
    exclude: Sequence[str] = (),
    files: FileFilter | None = None,
    on_folder_error: FolderError = _ignore_folder_error,
    on_skipped: Callable[[str], None] | None = None,
) -> Iterator[str]:
    """Seed files to lint, each once, in a stable order.

    ``files`` decides which paths count (or else ``skip``, folders never linted, and
    ``exclude``, globs relative to ``root``). A path given twice, or reached twice, is
    linted once. A named path that ``files`` refuses is passed to ``on_skipped``. A folder
    that cannot be listed (permissions) holds no file to report on, so it is passed to
    ``on_folder_error``, for the caller to say that part of the vault was not linted.
    """
    if files is None:
        include = GlobSet.of([f"*{suffix}" for suffix in SEED_SUFFIXES], root)
        files = FileFilter.of(skip, GlobSet.of(exclude, root), include)
    seen: set[str] = set()
    real_folders: dict[str, str] = {}
    symlinks: set[str] = set()  # walked files that are symlinks themselves
    for given in paths:
        is_folder = os.path.isdir(given)
        if not files.named(given, is_dir=is_folder):
            if on_skipped is not None:
                on_skipped(given)
            continue
        walked = sorted(_walk(given, files, on_folder_error, symlinks)) if is_folder else [given]
        for path in walked:
            key = _real_path(path, real_folders, plain=is_folder and path not in symlinks)
            if key not in seen:
                seen.add(key)
                yield path


def _walk(top: str, files: FileFilter, on_error: FolderError, symlinks: set[str]) -> Iterator[str]:
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
                if entry.name.startswith(".") or files.in_skipped_folder(path):
                    continue
                if _ignored(active, path, True) or files.exclude.matches(path, is_dir=True):
                    continue
                stack.append((path, active))
            elif not entry.name.startswith("."):
                if not files.walked_file(path, entry.name) or not _is_seed_candidate(entry):
                    continue
                if _ignored(active, path, False):
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
