"""How a file's results are stored: MessagePack through msgspec, decoded against the exact
types seedlint writes.

A cache found in a repository is untrusted input, so the format is plain data: decoding
cannot import a module or call anything (pickle's ``find_class`` can, even behind an
allow-list), and every value is checked against its declared type on the way in (a
string where a line number belongs is a ``ValidationError``, never an ``AttributeError``
later). Anything that does not decode is a `CacheMiss`: the file is linted again, so a
damaged or forged payload can cost time but never change a finding.

Summaries can be large (every URL of a seed, with its line), so they are compressed,
with their length in front: a reader budgets what it reads before anything is
decompressed (`stored_size`), and a stream is never inflated past the length it states.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import msgspec

from seedlint.findings import Finding
from seedlint.linter import Anchors, FileResult
from seedlint.rule import CorpusProblem, SeedSummary
from seedlint.suppression import Suppression

if TYPE_CHECKING:
    from seedlint.cache.recording import Dependencies


class CacheMiss(Exception):
    """A stored value cannot be used: the caller lints the file instead."""


#: A summary inflated past this is not one seedlint wrote (a 10 MB seed's summary is a
#: fraction of it): the file is linted again rather than the memory spent.
MAX_INFLATED = 64 * 1024 * 1024
#: Summaries longer than this are compressed; the usual offline ones are a path and a
#: link, not worth inflating.
_COMPRESS_FROM = 512

_ResultParts = tuple[list[Finding], list[Suppression], Anchors | None, list[str]]
_Value = tuple[str, int]  # a recorded date operand or result, tagged (see `_tag`)
_Questions = tuple[
    list[tuple[str, str | None, bool | str | tuple[str, ...] | None]],
    list[tuple[str, _Value, _Value]],
]
_CorpusParts = tuple[dict[str, list[CorpusProblem]], list[str]]

_encoder = msgspec.msgpack.Encoder()
_decoders: dict[str, Any] = {}


def _decoder(name: str) -> Any:
    """One decoder per payload kind, built on first use (a warm run with no findings
    decodes nothing)."""
    found = _decoders.get(name)
    if found is None:
        kinds: dict[str, Any] = {
            "result": _ResultParts,
            "summary": SeedSummary,
            "questions": _Questions,
            "corpus": _CorpusParts,
        }
        found = _decoders[name] = msgspec.msgpack.Decoder(kinds[name])
    return found


def _decode(name: str, blob: Any) -> Any:
    if not isinstance(blob, bytes):
        raise CacheMiss(f"{name}: stored as {type(blob).__name__}, not bytes")
    try:
        return _decoder(name).decode(blob)
    except (msgspec.DecodeError, ValueError, TypeError) as error:  # ValidationError included
        raise CacheMiss(f"{name}: {error}") from None


# -- a file's findings --------------------------------------------------------------------


@dataclass
class Entry:
    """One file's lint as stored, in three parts read separately: a warm run decodes a
    file's findings only if it has any, its summary only if a cross-file rule must run
    again, and its dependencies only if the topic notes or the date moved."""

    result: bytes | None  # findings, suppressions, anchors, notes; None when all empty
    summary: bytes | None  # SeedSummary, compressed when long
    dependencies: bytes | None  # topic questions and date comparisons; None when none
    # `FileResult.extra` as the run's collector made it (the report's facts); None when
    # the run collected nothing. Opaque here: its reader checks it.
    extra: bytes | None = None

    @classmethod
    def of(cls, result: FileResult, dependencies: Dependencies) -> Entry:
        parts = (result.findings, result.suppressions, result.anchors, dependencies.notes)
        packed = None
        if any(parts):
            try:
                packed = _encoder.encode(parts)
            except _UNENCODABLE:  # a file name that is not UTF-8: paths are set on reading
                findings = [replace(finding, path="") for finding in result.findings]
                anchors = result.anchors and replace(result.anchors, path="")
                packed = _encoder.encode((findings, result.suppressions, anchors, parts[3]))
        summary = None
        if result.summary is not None:
            try:
                summary = _squeeze(_encoder.encode(result.summary))
            except _UNENCODABLE:
                summary = _squeeze(_encoder.encode(replace(result.summary, path="")))
        return cls(packed, summary, encode_dependencies(dependencies), result.extra)


#: What encoding a string that is not UTF-8 (a file name's undecodable byte, kept by
#: Python as a lone surrogate) raises.
_UNENCODABLE = (UnicodeEncodeError, msgspec.EncodeError)


def result_of(display: str, blob: bytes | None) -> tuple[FileResult, list[str]]:
    """A file's cached findings under ``display``, and the notes its lint said."""
    if blob is None:
        return FileResult(display, [], None), []
    findings, suppressions, anchors, notes = _decode("result", blob)
    result = FileResult(display, findings, None, suppressions, None, [], anchors)
    return relocate(result, display), notes


def relocate(result: FileResult, display: str) -> FileResult:
    """Findings read from the cache, shown under the path this run was given: the same
    file is `./a.md` in one run and `a.md` in another."""
    result.findings = [
        finding if finding.path == display else replace(finding, path=display)
        for finding in result.findings
    ]
    if result.anchors is not None and result.anchors.path != display:
        result.anchors = replace(result.anchors, path=display)
    return result


# -- summaries ----------------------------------------------------------------------------


def _squeeze(data: bytes) -> bytes:
    """``p`` and the bytes, or ``z``, their length (4 bytes) and their zlib stream."""
    if len(data) < _COMPRESS_FROM or len(data) > MAX_INFLATED:
        return b"p" + data
    return b"z" + _LENGTH.pack(len(data)) + zlib.compress(data, 1)


_LENGTH = struct.Struct("<I")
#: zlib's best ratio is about 1,032 to 1: a stream said to inflate further is forged.
_ZLIB_RATIO = 1_100


def stored_size(blob: bytes) -> int:
    """What reading ``blob`` will cost in memory: its length, and for a compressed one
    the length it says it inflates to (checked by `inflate`), decided before anything is
    decompressed, so that a reader can budget a whole run's reads."""
    if blob[:1] == b"z" and len(blob) >= 5:
        stated: int = _LENGTH.unpack_from(blob, 1)[0]
        return len(blob) + stated
    return len(blob)


def inflate(blob: bytes) -> bytes:
    """``blob`` as `_squeeze` stored it. A compressed one inflates to exactly the length
    it states, at most `MAX_INFLATED`, and never a byte more is produced: a zlib bomb
    costs at most that length in memory and time, then is a miss."""
    if blob[:1] == b"p":
        return blob[1:]
    if blob[:1] != b"z" or len(blob) < 5:
        raise CacheMiss("unknown summary encoding")
    (length,) = _LENGTH.unpack_from(blob, 1)
    if length > MAX_INFLATED or length > _ZLIB_RATIO * (len(blob) - 5) + 64:
        raise CacheMiss(f"summary: said to inflate to {length} bytes")
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(memoryview(blob)[5:], length)
    except zlib.error as error:
        raise CacheMiss(f"summary: {error}") from None
    if len(data) != length or inflater.unconsumed_tail or not inflater.eof:
        raise CacheMiss(f"summary: does not inflate to the {length} bytes it states")
    return data


def summary_of(display: str, blob: Any) -> SeedSummary:
    if not isinstance(blob, bytes):
        raise CacheMiss("summary: not bytes")
    summary: SeedSummary = _decode("summary", inflate(blob))
    return summary if summary.path == display else replace(summary, path=display)


# -- what a lint depended on ---------------------------------------------------------------

_INT64 = range(-(2**63), 2**63)
#: An operand or answer seedlint cannot store: replaying it never holds.
_UNKNOWN: _Value = ("?", 0)


def _tag(value: Any) -> _Value:
    """A date operand or result as (kind, integer): dates by ordinal, durations in
    microseconds. Datetimes and anything else are `_UNKNOWN`."""
    kind = type(value)
    if kind is dt.date:
        return ("d", dt.date.toordinal(value))
    if kind is dt.timedelta:
        micro = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
        return ("t", micro)
    if kind is bool:
        return ("b", int(value))
    if kind is int and value in _INT64:
        return ("i", value)
    if value is None:
        return ("n", 0)
    return _UNKNOWN


class _Unknown:
    """Stands for a value that could not be stored: any operation on it fails."""


def _untag(value: _Value) -> Any:
    kind, number = value
    try:
        if kind == "d":
            return dt.date.fromordinal(number)
        if kind == "t":
            return dt.timedelta(microseconds=number)
    except (ValueError, OverflowError):
        raise CacheMiss(f"date operand {value!r} out of range") from None
    if kind == "b":
        return bool(number)
    if kind == "i":
        return number
    if kind == "n":
        return None
    return _Unknown()


def _plain_question(entry: tuple[str, Any, Any]) -> tuple[str, Any, Any]:
    question, argument, answer = entry
    if not (argument is None or type(argument) is str):
        return ("?", None, None)
    if type(answer) is tuple and all(type(item) is str for item in answer):
        return (question, argument, answer)
    if answer is None or type(answer) in (bool, str):
        return (question, argument, answer)
    return ("?", None, None)  # never holds when replayed


def encode_dependencies(dependencies: Dependencies) -> bytes | None:
    """The topic questions and date operations of one lint; None when there are none."""
    if not (dependencies.topics or dependencies.dates):
        return None
    topics = [_plain_question(entry) for entry in dependencies.topics]
    dates = [
        (operation, _tag(other), _tag(result)) for operation, other, result in dependencies.dates
    ]
    try:
        return _encoder.encode((topics, dates))
    except _UNENCODABLE:  # a topic note's name that is not UTF-8: replaying never holds
        return _encoder.encode(([("?", None, None)], dates))


def dependencies_of(blob: bytes | None) -> Dependencies:
    from seedlint.cache.recording import Dependencies

    if blob is None:
        return Dependencies()
    topics, dates = _decode("questions", blob)
    return Dependencies(
        [tuple(entry) for entry in topics],
        [(operation, _untag(other), _untag(result)) for operation, other, result in dates],
    )


# -- cross-file results ----------------------------------------------------------------


def encode_corpus(found: dict[str, list[CorpusProblem]], notes: list[str]) -> bytes:
    """The cross-file problems; for a file name that is not UTF-8, bytes that never
    decode (those problems are computed again next time)."""
    try:
        return _encoder.encode((found, notes))
    except _UNENCODABLE:
        return b""


def decode_corpus(blob: Any) -> tuple[dict[str, list[CorpusProblem]], list[str]]:
    found, notes = _decode("corpus", blob)
    return found, notes
