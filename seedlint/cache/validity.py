"""Whether a stored result still holds: the file's bytes (by stat, else by hashing them),
and the answers its lint recorded (topic index, today's date).

A file's ``stat`` (size, mtime, ctime, inode) stands in for reading it only when it was
recorded at least `RACY_NS` after the file last changed, as git's index does ("racily
clean" entries are re-hashed): a change made later moves ctime past what was recorded,
and tools cannot set ctime back; a moved checkout is re-hashed once.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from seedlint.cache.recording import ask_again, replay_date, topics_fingerprint

if TYPE_CHECKING:
    from seedlint.cache.recording import Dependencies, Recorder

try:  # the BLAKE2 module alone: `hashlib` also loads OpenSSL, a few ms of start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Python builds without it
    from hashlib import blake2b

#: A file changed less than this before it was read is hashed again next time.
RACY_NS = 2_000_000_000


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


def hasher() -> Any:
    """An incremental 16-byte BLAKE2 digest (`update`, `digest`)."""
    return blake2b(digest_size=16)


def stat_signature(status: os.stat_result) -> str:
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"


def stat_trusted(recorded: str, checked_ns: int, signature: str, ctime_ns: int) -> bool:
    """Whether a file whose stat is ``signature`` (its ctime ``ctime_ns``) still has the
    bytes read at ``checked_ns``, when its stat was ``recorded`` then: the same stat, and
    the file had last changed well before it was read. A change within the timestamps'
    granularity of that read could leave the stat as it was: such a row is hashed again."""
    return signature == recorded and ctime_ns < checked_ns - RACY_NS


class Validator:
    """Whether recorded answers still hold: scans the topic notes lazily (only when a
    row needs it) and replays recorded questions only for rows stamped against other
    notes or another day."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self._topics: str | None = None
        self.today = recorder.today.isoformat()

    @property
    def topics(self) -> str:
        if self._topics is None:
            self._topics = topics_fingerprint(self.recorder.topics.index)
        return self._topics

    def needs_replay(self, topics: str, today: str) -> bool:
        return (topics != "" and topics != self.topics) or today != self.today

    def holds(self, dependencies: Dependencies) -> bool:
        index = self.recorder.topics.index if dependencies.topics else None
        today = self.recorder.today
        try:
            for question, argument, answer in dependencies.topics:
                if ask_again(index, question, argument) != answer:  # type: ignore[arg-type]
                    return False
            for operation, other, result in dependencies.dates:
                if replay_date(today, operation, other) != result:
                    return False
        except Exception:  # an operand of another type: the answer does not hold
            return False
        return True

    def stamps(self, dependencies: Dependencies) -> tuple[str, str]:
        """The topics and date stamps a row recorded now carries."""
        return (self.topics if dependencies.topics else ""), self.today
