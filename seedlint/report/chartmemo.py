"""Charts already drawn, kept in the user's own cache folder, so that a report whose
figures did not change draws nothing and never loads matplotlib.

Importing matplotlib (with numpy) and drawing the page's nine charts is most of a warm
report's time (about three quarters of a second of CPU against a warm `check` of a
10,000-seed vault in a third of a second). A chart is a pure function of its arguments
and of the code that draws it, so each one is kept under a digest of exactly those: its
kind, name, title, labels, values, colours and links, this seedlint's version, the size
and modification time of `charts.py`, and matplotlib's version. A chart whose figures
changed gets another digest and is drawn again.

The folder is the user's, outside every repository (``$XDG_CACHE_HOME/seedlint/report-
charts``, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows;
``SEEDLINT_CHART_CACHE`` names another, or ``off``): the SVG is pasted into the page as
markup, so it must never come from `.seedlint_cache/`, which a repository may carry.
Entries are written atomically, read only as regular files under a size bound, and the
folder keeps the most recently used `MAX_ENTRIES`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:  # the BLAKE2 module alone: `hashlib` also loads OpenSSL
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Python builds without it
    from hashlib import blake2b

#: Bumped when what is stored changes meaning.
FORMAT = 1
ENVIRONMENT = "SEEDLINT_CHART_CACHE"
MAX_ENTRIES = 256
#: A chart of the page is 10-40 KB; anything much larger is not one seedlint wrote.
MAX_BYTES = 4 * 1024 * 1024
SUFFIX = ".svg"


def default_folder() -> Path | None:
    """Where the charts are kept: the user's cache folder for seedlint; None for off."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
            base = os.path.expanduser("~/.cache")
    if not base or not os.path.isabs(base):
        return None
    return Path(base) / "seedlint" / "report-charts"


def _stamp(location: str | None) -> str:
    if location is None:
        return "-"
    try:
        status = os.stat(location)
    except OSError:
        return "-"
    return f"{location}:{status.st_size}:{status.st_mtime_ns}"


def _drawing_code() -> str:
    """What identifies the code that draws: seedlint's version, `charts.py` as it is on
    disk, and matplotlib's package as installed (found without importing it)."""
    from seedlint import __version__

    try:
        spec = importlib.util.find_spec("matplotlib")
    except (ImportError, ValueError):
        spec = None
    charts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "charts.py")
    origin = spec.origin if spec is not None else None
    stamps = [_stamp(charts), _stamp(origin), *(_stamp(path) for path in _matplotlibrc())]
    return "\0".join([str(FORMAT), __version__, *stamps])


def _matplotlibrc() -> list[str]:
    """The settings files matplotlib may read (its own search order): what they say
    is an input of every chart it draws, beside the style seedlint sets."""
    candidates = [os.environ.get("MATPLOTLIBRC", ""), os.path.abspath("matplotlibrc")]
    configured = os.environ.get("MPLCONFIGDIR", "")
    if configured:
        candidates.append(os.path.join(configured, "matplotlibrc"))
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME", "") or os.path.expanduser("~/.config")
        candidates.append(os.path.join(xdg, "matplotlib", "matplotlibrc"))
    return [candidate for candidate in candidates if candidate]


class ChartMemo:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.code = _drawing_code() if folder is not None else ""
        self.hits = 0
        self.drawn = 0

    def key(self, kind: str, arguments: Any) -> str:
        text = json.dumps([self.code, kind, arguments], ensure_ascii=True, separators=(",", ":"))
        return blake2b(text.encode("ascii"), digest_size=20).hexdigest()

    def chart(self, kind: str, arguments: Any, draw: Callable[[], str]) -> str:
        """The chart ``draw`` makes, from the folder when it was drawn before."""
        if self.folder is None:
            self.drawn += 1
            return draw()
        name = self.key(kind, arguments) + SUFFIX
        kept = self._read(self.folder / name)
        if kept is not None:
            self.hits += 1
            return kept
        svg = draw()
        self.drawn += 1
        self._write(name, svg)
        return svg

    def _read(self, path: Path) -> str | None:
        try:
            # Looked at before it is opened: opening a FIFO would wait for a writer.
            status = os.lstat(path)
            if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_BYTES:
                return None
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
            descriptor = os.open(path, flags)
            with open(descriptor, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if len(data) > MAX_BYTES or not text.startswith("<svg"):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept when the folder is trimmed
        return text

    def _write(self, name: str, svg: str) -> None:
        assert self.folder is not None
        folder = self.folder
        temporary = folder / f".{name}.{os.getpid()}.tmp"
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with open(temporary, "xb") as handle:
                handle.write(svg.encode("utf-8", "surrogateescape"))
            os.replace(temporary, folder / name)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return
        self._trim()

    def _trim(self) -> None:
        """Keep the `MAX_ENTRIES` most recently used charts."""
        assert self.folder is not None
        try:
            entries = [
                (entry.stat().st_mtime_ns, entry.path)
                for entry in os.scandir(self.folder)
                if entry.name.endswith(SUFFIX) and entry.is_file(follow_symlinks=False)
            ]
        except OSError:
            return
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort()
        for _, path in entries[: len(entries) - MAX_ENTRIES]:
            with contextlib.suppress(OSError):
                os.unlink(path)
