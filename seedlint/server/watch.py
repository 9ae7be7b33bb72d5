"""A polling watcher, for clients that send no `workspace/didChangeWatchedFiles`.

Every ``interval`` seconds it takes the size and modification time of the files that
matter (seed candidates, topic notes, configuration files) under the root, hidden
folders skipped, and reports what was created, changed or deleted since the last look.
A vault of 10,000 seeds costs a few tens of milliseconds a look, in this thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types

from seedlint.api import CONFIG_FILES

Snapshot = dict[str, tuple[int, int]]
Report = Callable[[list[tuple[str, types.FileChangeType]]], None]
_SUFFIXES = (".md", ".txt")


def snapshot(root: Path) -> Snapshot:
    found: Snapshot = {}
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if not (name.endswith(_SUFFIXES) or name in CONFIG_FILES):
                continue
            path = os.path.join(folder, name)
            try:
                status = os.stat(path)
            except OSError:
                continue
            found[path] = (status.st_size, status.st_mtime_ns)
    return found


def differences(before: Snapshot, after: Snapshot) -> list[tuple[str, types.FileChangeType]]:
    changes: list[tuple[str, types.FileChangeType]] = []
    for path, stamp in after.items():
        previous = before.get(path)
        if previous is None:
            changes.append((path, types.FileChangeType.Created))
        elif previous != stamp:
            changes.append((path, types.FileChangeType.Changed))
    changes.extend((path, types.FileChangeType.Deleted) for path in before if path not in after)
    return changes


class PollingWatcher(threading.Thread):
    def __init__(self, root: Path, interval: float, report: Report) -> None:
        super().__init__(name="seedlint-watcher", daemon=True)
        self.root = root
        self.interval = interval
        self.report = report
        self.stopped = threading.Event()

    def run(self) -> None:
        last = snapshot(self.root)
        while not self.stopped.wait(self.interval):
            try:
                current = snapshot(self.root)
            except OSError:
                continue
            changes = differences(last, current)
            last = current
            if changes:
                self.report(changes)

    def stop(self) -> None:
        self.stopped.set()
