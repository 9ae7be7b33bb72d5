"""The cache folder, ``.seedlint_cache/``: one place decides where it is and opens it safely.

Every cache seedlint keeps (the result cache, the link cache, the report's facts) goes
through here: :func:`cache_location` says where (``$SEEDLINT_CACHE_DIR`` honoured alike
by all), :func:`cache_dir` opens or creates the folder of a project with its markers,
:func:`ready_folder` does the same for a folder named directly, and :func:`safe_file`
vets each file before it is opened.

The folder usually sits in a repository someone else controls, so a committed
``.seedlint_cache -> /somewhere`` (or a symlinked parent, or a symlinked database inside)
must never lead a write out of it. Every folder from the project root down to the cache
folder is opened with ``O_NOFOLLOW``; files in it are accepted only when ``lstat`` shows a
regular file with one link (a hard link would let a write reach the other name).
``SEEDLINT_CACHE_DIR`` comes from the environment, which is trusted: when it points
outside the project root it is used as given, symlinks and all; inside the root it is
checked like the default folder.
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path

CACHE_FOLDER = ".seedlint_cache"
#: The environment variable that moves every cache (CI restores it between jobs).
CACHE_DIR_ENV = "SEEDLINT_CACHE_DIR"
#: Written once into a folder seedlint creates: git and backup tools leave it alone.
MARKERS = (
    (".gitignore", "*\n"),
    (
        "CACHEDIR.TAG",
        "Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by seedlint.\n",
    ),
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def cache_location(root: Path) -> Path:
    """Where the cache folder of the project at ``root`` is, without touching it:
    ``$SEEDLINT_CACHE_DIR`` when set (CI caches it), else ``<root>/.seedlint_cache``."""
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override) if override else Path(root) / CACHE_FOLDER


def cache_dir(root: Path, *, create: bool = True) -> Path | None:
    """The cache folder, opened safely (and created with its markers if ``create``), or
    None when it cannot be used: a part of it inside ``root`` is a symlink or not a
    folder, it is missing and ``create`` is false, or the file system refuses.

    Every cache (results, links) asks this before it opens a file in the folder, and then
    `safe_file` for each file it will open."""
    folder = cache_location(root)
    absolute = Path(os.path.abspath(folder))
    base = Path(os.path.abspath(root))
    try:
        inside = absolute.relative_to(base).parts
    except ValueError:
        inside = None
    descriptor: int | None
    try:
        if inside is None:  # the user's own choice, outside the repository
            if create:
                absolute.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(absolute, os.O_RDONLY | _DIRECTORY)
        else:
            descriptor = _open_below(base, inside, create=create)
    except OSError:
        return None
    if descriptor is None:
        return None
    try:
        if create:
            _write_markers(descriptor)
    finally:
        os.close(descriptor)
    return absolute


def _open_below(base: Path, parts: tuple[str, ...], *, create: bool) -> int | None:
    """A descriptor of ``base/parts...``, each part opened without following a symlink
    (``ELOOP``/``ENOTDIR``: None) and made when missing if ``create``."""
    descriptor = os.open(base, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts:
            try:
                child = _open_folder(part, descriptor)
            except FileNotFoundError:
                if not create:
                    return None
                with suppress(FileExistsError):  # a concurrent run made it
                    os.mkdir(part, 0o777, dir_fd=descriptor)
                child = _open_folder(part, descriptor)
            if child is None:
                return None
            os.close(descriptor)
            descriptor = child
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _open_folder(name: str, parent: int) -> int | None:
    try:
        return os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=parent)
    except FileNotFoundError:
        raise
    except OSError:  # a symlink (ELOOP), a file (ENOTDIR), no permission
        return None


def _write_markers(folder: int) -> None:
    for name, content in MARKERS:
        try:
            # O_EXCL: an existing name (a file, a symlink) is left as it is, never followed.
            descriptor = os.open(
                name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666, dir_fd=folder
            )
        except OSError:  # already there, or a read-only folder: both fine
            continue
        with suppress(OSError):
            os.write(descriptor, content.encode())
        os.close(descriptor)


def ready_folder(folder: Path, *, create: bool, trusted: bool = False) -> bool:
    """Whether ``folder``, named directly rather than found from a project root, can hold
    a cache; made (with its markers) when missing and ``create`` is set.

    Untrusted (a folder that came with a repository): the folder itself must not be a
    symlink, and is made without parents. ``trusted`` (named by the user, or vetted by
    :func:`cache_dir`): symlinks followed, parents made.
    """
    folder = Path(folder)
    try:
        if trusted:
            if create:
                folder.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(folder, os.O_RDONLY | _DIRECTORY)
        else:
            parent = os.path.abspath(folder.parent)
            opened = _open_below(Path(parent), (folder.name,), create=create)
            if opened is None:
                return False
            descriptor = opened
    except OSError:
        return False
    try:
        if create:
            _write_markers(descriptor)
    finally:
        os.close(descriptor)
    return True


def own_regular_file(status: os.stat_result) -> bool:
    """An ``lstat`` result a cache may open: a regular file with a single link."""
    return stat.S_ISREG(status.st_mode) and status.st_nlink == 1


def safe_file(path: Path | str) -> bool:
    """Whether ``path`` may be opened by a cache: absent, or a regular file with a single
    link. A symlink, a hard link, a FIFO or a folder in its place is never opened."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return own_regular_file(status)
