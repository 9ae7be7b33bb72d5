"""Per-file results kept between runs in ``.seedlint_cache/``, so a warm run re-parses only
what changed.

What a file's results depend on, and how each dependency is checked:

- its bytes: a row (found by the file's path from the project root) holds a BLAKE2
  digest of them; the file's ``stat`` stands in for reading it unless the row is "racily
  clean" (`validity`);
- the effective configuration, the selected rules and their severities, and the code of
  seedlint and of every rule plugin: one run key, a column of every row (`runkey`);
- the topic notes and today's date: the questions a lint asked and their answers are
  recorded, and asked again when the notes or the day moved (`recording`, `validity`);
- the notes a run prints (``no topics folder``) are stored and said again.

A run that collects something of each document besides its findings (`Linter.collect`:
the report's facts) stores it in the row's ``extra`` column, opaque here, checked by its
reader; rows of runs that collect nothing leave it empty, and a collecting run lints
those files again.

Cross-file rules (C001-C003) are rebuilt from the small per-file summaries the cache
keeps; when no file changed at all, their last answer for exactly this set of files is
reused without reading a summary. The network rules are always run again (their own
cache, `seedlint.links`, decides what to re-check).

The cache is untrusted input, like everything in a repository: it is plain data
(`encoding`: MessagePack checked against seedlint's types, nothing that can import or
run code), one SQLite file whose schema is checked before use (`store`), in a folder
never reached through a symlink (`folder`). Whatever is wrong with it costs time, never
a finding: findings with the cache are always those of ``--no-cache``.

The modules, along the seams of the job:

- `folder`: where the cache folder is (``SEEDLINT_CACHE_DIR``) and opening it safely;
- `recording`: what one lint depended on;
- `runkey`: the digest of the run's configuration and code;
- `encoding`: rows' payloads to bytes and back;
- `store`: the SQLite database;
- `validity`: whether a stored result still holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seedlint.cache.encoding import (
    CacheMiss,
    Entry,
    decode_corpus,
    dependencies_of,
    encode_corpus,
    encode_dependencies,
    relocate,
    result_of,
    summary_of,
)
from seedlint.cache.folder import CACHE_FOLDER, cache_dir, cache_location, safe_file
from seedlint.cache.recording import Dependencies, Recorder, RecordingDate, RecordingTopics
from seedlint.cache.runkey import FORMAT, run_key
from seedlint.cache.store import DATABASE, CacheStats, CorpusRow, ResultCache, Row, open_in
from seedlint.cache.validity import RACY_NS, Validator, digest, hasher, stat_signature

if TYPE_CHECKING:
    from pathlib import Path

    from seedlint.linter import Linter

__all__ = [
    "CACHE_FOLDER",
    "DATABASE",
    "FORMAT",
    "RACY_NS",
    "CacheMiss",
    "CacheStats",
    "CorpusRow",
    "Dependencies",
    "Entry",
    "Recorder",
    "RecordingDate",
    "RecordingTopics",
    "ResultCache",
    "Row",
    "Validator",
    "cache_dir",
    "cache_location",
    "decode_corpus",
    "dependencies_of",
    "digest",
    "encode_corpus",
    "encode_dependencies",
    "hasher",
    "open_for",
    "relocate",
    "result_of",
    "run_key",
    "safe_file",
    "stat_signature",
    "summary_of",
]


def open_for(linter: Linter, root: Path) -> ResultCache:
    """The results cache of ``linter``'s run, for the project at ``root``."""
    return open_in(root, run_key(linter))
