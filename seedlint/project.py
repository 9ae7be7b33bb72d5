"""The project root: the one folder `fix` may write in, and what a repository may name.

A vault someone else controls is untrusted input, its configuration and its symbolic
links included: a committed `ext -> ../outside` or `topics -> /` must not make seedlint
write, walk or print outside the vault. The *project root* draws that line:

1. the folder holding the configuration file, when that file holds the paths linted
   (a configuration found upward from them always does);
2. else the git work tree holding the first path (a folder with a `.git` folder, or a
   `.git` file as in worktrees and submodules);
3. else the current folder.

The command line is trusted: `--topics-root` may name any folder, and a `--config` file
outside the root is the user's own. A path inside the root is judged by where it *really*
is (symbolic links resolved), never by how it is spelt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from seedlint.config import ConfigError, Configuration


def find_root(configuration: Configuration, start: Path | str | None = None) -> Path:
    """The project root (resolved) of one path named on the command line (default: the
    current folder).

    ``start`` is taken both as spelt and as resolved: `ext/a.md` through a committed
    `ext -> ../outside` still belongs to the vault that holds `ext`. A path outside the
    current folder, in no repository and under no configuration, was chosen by the
    command line, which is trusted: it is its own root (its folder, for a file).
    """
    given = Path(os.path.abspath(start if start is not None else os.curdir))
    real = Path(os.path.realpath(given))
    if configuration.source is not None:
        folder = Path(os.path.realpath(configuration.root))
        spelt = Path(os.path.abspath(configuration.source)).parent
        if is_within(real, folder) or is_within(given, spelt):
            return folder
    tree = work_tree(given) or work_tree(real)
    if tree is not None:
        return Path(os.path.realpath(tree))
    here = Path(os.path.abspath(os.curdir))
    if is_within(given, here) or is_within(real, os.path.realpath(here)):
        return Path(os.path.realpath(here))
    return real if real.is_dir() else real.parent


@dataclass(frozen=True)
class Roots:
    """The project roots of a run: one per path named on the command line (most runs
    name one path, or several in one vault: one root)."""

    roots: tuple[Path, ...]

    @classmethod
    def find(cls, configuration: Configuration, paths: list[str]) -> Roots:
        named = [path for path in paths if path != STDIN] or [os.curdir]
        return cls(tuple(dict.fromkeys(find_root(configuration, path) for path in named)))

    def holding(self, path: str) -> Path:
        """The root ``path`` really lies in; else the first root (a write checked
        against it is then refused)."""
        real = os.path.realpath(path)
        return next((root for root in self.roots if is_within(real, root)), self.roots[0])

    def refuse_to_write(self, path: str) -> str | None:
        """Why `fix` must not write ``path``, or None. Judged again at the rename (see
        `seedlint.fixer.write_atomic`): this early word gives the user a note instead of
        an error."""
        real = os.path.realpath(path)
        if not any(is_within(real, root) for root in self.roots):
            spelt = os.path.abspath(path)
            if any(is_within(spelt, root) for root in self.roots):
                return LEAVES_ROOT
            return OUTSIDE_ROOT
        try:
            links = os.stat(path).st_nlink
        except OSError:
            return None  # the read that follows reports it
        if links > 1:
            return HARD_LINKED.format(links=links)
        return None


STDIN = "-"
#: Why `fix` leaves a file alone, said once per file as a note (the file is still linted).
LEAVES_ROOT = "not fixed: reached through a symbolic link that leaves the project root"
OUTSIDE_ROOT = "not fixed: it lies outside the project root"
HARD_LINKED = (
    "not fixed: it has {links} hard links, and a fix writes a new file "
    "(the other links would keep the old text)"
)


def work_tree(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds `.git` (a folder or a file)."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def is_within(path: Path | str, root: Path | str) -> bool:
    """``path`` (already resolved) is ``root`` (already resolved) or lies below it."""
    path, root = os.fspath(path), os.fspath(root)
    return path == root or path.startswith(os.path.join(root, ""))


def check_topics_root(configuration: Configuration, roots: Roots, from_command_line: bool) -> None:
    """Refuse a configuration's `topics-root` that leads outside the project root.

    A repository's configuration is untrusted: with `topics-root = "/"` it would have the
    whole machine walked and names from outside printed in did-you-mean messages. Only the
    command line, or a configuration file outside the project (the user's own), may point
    there. Raises ConfigError (exit 2): a silent fallback would check nothing unnoticed.
    """
    written = configuration.settings.topics_root
    if from_command_line or written is None or configuration.source is None:
        return
    source = os.path.realpath(configuration.source)
    if not any(is_within(source, root) for root in roots.roots):
        return  # the user's own configuration, named on the command line
    topics_root = os.path.realpath(configuration.topics_root)
    if any(is_within(topics_root, root) for root in roots.roots):
        return
    raise ConfigError(
        f"{configuration.source}: topics-root {written!r} leads outside the project root "
        f"({roots.roots[0]}): a repository's configuration may not point there; "
        "pass --topics-root on the command line to use that folder"
    )
