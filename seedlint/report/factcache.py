"""The seeds' facts kept between reports, so that a warm report reads no seed again.

`check`'s result cache spares a warm run every parse; the report's own pass would undo
that. So each seed's facts are kept in `.seedlint_cache/report-facts.json`, under the file's
absolute path with its stat signature (modification and change times in nanoseconds, size,
inode: `facts.signature`). An entry is used only while the file's signature is the same,
and stored only for files whose last change is older than the moment they were read by two
seconds (a file written within the same timestamp tick could change without a new one).

The file is untrusted like every cache in the repository: it is read only when it is a
regular file under a size bound, every entry is checked field by field, anything odd is
ignored (an entry, or the whole file), and it is written atomically, only when the cache
folder exists (the `check` run makes it), and never through a symlink.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from seedlint.report.facts import SeedFacts, signature

FILE_NAME = "report-facts.json"
VERSION = 1
MAX_BYTES = 256 * 1024 * 1024


def _strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _optional_int(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _entry(value: Any) -> tuple[str, SeedFacts] | None:
    """A stored entry as (signature, facts), or None if anything in it is off."""
    if not isinstance(value, list) or len(value) != 9:
        return None
    sign, path, readable, already_read, priority, relevance, month, topics, urls = value
    if not (isinstance(sign, str) and isinstance(path, str) and isinstance(readable, bool)):
        return None
    if not (already_read is None or isinstance(already_read, bool)):
        return None
    if not (_optional_int(priority) and _optional_int(relevance)):
        return None
    if not (month is None or (isinstance(month, str) and len(month) == 7)):
        return None
    topic_keys, link_urls = _strings(topics), _strings(urls)
    if topic_keys is None or link_urls is None:
        return None
    facts = SeedFacts(
        path, readable, already_read, priority, relevance, month, topic_keys, link_urls
    )
    return sign, facts


class FactCache:
    def __init__(self, folder: Path, entries: dict[str, tuple[str, SeedFacts]]) -> None:
        self.folder = folder
        self.entries = entries
        self.fresh: dict[str, tuple[str, SeedFacts]] = {}  # this run's, to be kept
        self.changed = False

    @classmethod
    def load(cls, folder: Path) -> FactCache:
        path = folder / FILE_NAME
        entries: dict[str, tuple[str, SeedFacts]] = {}
        try:
            status = os.lstat(path)
            if stat.S_ISREG(status.st_mode) and status.st_size <= MAX_BYTES:
                with open(path, "rb") as handle:
                    document = json.loads(handle.read(MAX_BYTES + 1))
                stored = document.get("entries") if isinstance(document, dict) else None
                if document.get("version") == VERSION and isinstance(stored, dict):
                    for key, value in stored.items():
                        entry = _entry(value)
                        if isinstance(key, str) and entry is not None:
                            entries[key] = entry
        except (OSError, ValueError, RecursionError, AttributeError):
            entries = {}
        return cls(folder, entries)

    def get(self, path: str, display: str) -> SeedFacts | None:
        """The facts of ``path`` if they still hold (named ``display`` in this run)."""
        key = os.path.abspath(path)
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            current = signature(os.stat(path))
        except OSError:
            return None
        if current != entry[0]:
            return None
        self.fresh[key] = entry
        return entry[1]._replace(path=display)

    def put(self, path: str, sign: str, facts: SeedFacts) -> None:
        self.fresh[os.path.abspath(path)] = (sign, facts)
        self.changed = True

    def save(self) -> None:
        """Keep this run's entries (and only them: the file stays the size of the vault)."""
        if not self.changed and self.fresh.keys() == self.entries.keys():
            return  # a warm run over the same files: the file holds all of it already
        if not self.folder.is_dir() or self.folder.is_symlink():
            return
        payload = {
            "version": VERSION,
            "entries": {key: [sign, *facts] for key, (sign, facts) in self.fresh.items()},
        }
        _write_atomic(self.folder / FILE_NAME, _compact(payload))


def _compact(payload: dict[str, Any]) -> bytes:
    # ASCII: a file name that is not UTF-8 (lone surrogates) survives as an escape.
    return json.dumps(payload, separators=(",", ":")).encode("ascii")


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, path)  # replaces a symlink itself, never writes through it
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
