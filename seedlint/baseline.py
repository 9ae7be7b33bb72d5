"""A baseline: adopt seedlint on a large vault without fixing everything first.

``seedlint check --write-baseline FILE`` records today's findings; ``--baseline FILE``
reports only the findings that are not in it. A finding is recognised by its file, its code
and the text of the line it is on, never by its line number: adding a paragraph above an old
problem moves it down but does not make it new. When one line holds the same problem more
than once, the baseline keeps the count and only the extra ones are reported.

Paths are stored relative to the baseline file's folder, so the baseline matches whether
seedlint is run from the vault's root or from elsewhere, with ``./seeds`` or ``seeds``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedlint.errors import EXIT_OK, UsageError
from seedlint.findings import Finding

FORMAT = "seedlint-baseline"
FORMAT_VERSION = 1

Key = tuple[str, str, str]


class BaselineError(Exception):
    pass


@dataclass(frozen=True)
class Filtered:
    new: list[Finding]
    matched: int
    gone: int


def _relative(path: str, base: Path) -> str:
    if path == "-":  # standard input without --stdin-filename
        return path
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return absolute.as_posix()


def _line(finding: Finding) -> str:
    # Indentation and trailing blanks are not what makes a line the same line.
    return finding.source_line.strip()


def _keys(findings: Iterable[Finding], base: Path) -> Iterable[Key]:
    for finding in findings:
        yield (_relative(finding.path, base), finding.code, _line(finding))


def _base(file: Path) -> Path:
    return Path(os.path.abspath(file)).parent


def write(file: Path, findings: Sequence[Finding]) -> int:
    """Record ``findings`` in ``file`` (atomically); return how many entries it holds."""
    counts = Counter(_keys(findings, _base(file)))
    entries = [
        {"path": path, "code": code, "line": line, "count": count}
        for (path, code, line), count in sorted(counts.items())
    ]
    payload = {"format": FORMAT, "version": FORMAT_VERSION, "entries": entries}
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    # A path that is not UTF-8 (PEP 383 surrogates) is kept as a JSON escape (\udcff).
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    # Written beside the target and renamed over it: an interrupted run leaves the old
    # baseline whole, never half a file that would make every finding "new".
    temporary: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=_base(file), prefix=f".{file.name}.", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(text)
        os.replace(temporary, file)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise BaselineError(f"cannot write baseline {file}: {error.strerror or error}") from None
    return len(entries)


def _entry_key(entry: Any, file: Path, index: int) -> tuple[Key, int]:
    where = f"baseline {file}: entry {index + 1}"
    if not isinstance(entry, dict):
        raise BaselineError(f"{where} is not an object")
    path, code, line = entry.get("path"), entry.get("code"), entry.get("line")
    count = entry.get("count", 1)
    if not (isinstance(path, str) and isinstance(code, str) and isinstance(line, str)):
        raise BaselineError(f"{where} needs string 'path', 'code' and 'line'")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"{where}: 'count' must be a positive integer")
    return (path, code, line), count


def read(file: Path) -> Counter[Key]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {file} not found (create it with --write-baseline)"
        ) from None
    except OSError as error:
        raise BaselineError(f"cannot read baseline {file}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"baseline {file} is not valid JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"baseline {file} is not a seedlint baseline")
    if data.get("version") != FORMAT_VERSION:
        raise BaselineError(
            f"baseline {file} has version {data.get('version')!r}; this seedlint reads "
            f"version {FORMAT_VERSION}"
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise BaselineError(f"baseline {file}: 'entries' must be a list")
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(entries):
        key, count = _entry_key(entry, file, index)
        counts[key] += count
    return counts


def filter_new(file: Path, findings: Sequence[Finding]) -> Filtered:
    """The findings not recorded in ``file``, and how many recorded ones no longer occur."""
    remaining = read(file)
    recorded = sum(remaining.values())
    new: list[Finding] = []
    for finding, key in zip(findings, _keys(findings, _base(file)), strict=True):
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(finding)
    gone = sum(remaining.values())
    return Filtered(new, recorded - gone, gone)


def record(file: Path, findings: Sequence[Finding], quiet: bool) -> int:
    """`--write-baseline`: write the file, say so on stderr; the run then succeeds."""
    try:
        entries = write(file, findings)
    except BaselineError as error:
        raise UsageError(str(error)) from None
    if not quiet:
        noun = "finding" if len(findings) == 1 else "findings"
        print(
            f"seedlint: wrote baseline {file}: {len(findings)} {noun} in {entries} entries",
            file=sys.stderr,
        )
    return EXIT_OK


def apply(file: Path, findings: Sequence[Finding], quiet: bool) -> list[Finding]:
    """`--baseline`: keep the new findings; say how many recorded ones are gone."""
    try:
        filtered = filter_new(file, findings)
    except BaselineError as error:
        raise UsageError(str(error)) from None
    if not quiet:
        message = f"seedlint: baseline {file}: {filtered.matched} known findings hidden"
        if filtered.gone:
            message += (
                f"; {filtered.gone} recorded findings are gone (fixed, or their line changed):"
                " refresh it with --write-baseline"
            )
        print(message, file=sys.stderr)
    return filtered.new
