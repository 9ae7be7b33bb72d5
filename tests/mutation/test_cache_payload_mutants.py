"""The result cache's payloads and recorded answers, in this process (mutation testing
cannot follow the program runs of the attack tests): a real lint's findings stored and
read back, summaries compressed and bombs refused, the date and topic questions a lint
asked, replayed against another day or other notes, and the run key."""

from __future__ import annotations

import datetime as dt
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from seedlint.cache.encoding import (
    MAX_INFLATED,
    CacheMiss,
    Entry,
    decode_corpus,
    dependencies_of,
    encode_corpus,
    encode_dependencies,
    inflate,
    relocate,
    result_of,
    stored_size,
    summary_of,
)
from seedlint.cache.recording import (
    Dependencies,
    Recorder,
    RecordingDate,
    ask_again,
    replay_date,
    topics_fingerprint,
)
from seedlint.cache.validity import Validator
from seedlint.config import load
from seedlint.context import RunContext
from seedlint.linter import FileResult, Linter, Selection
from seedlint.registry import load_rules
from seedlint.rule import CorpusProblem, Position
from seedlint.topics import TopicIndex

TODAY = dt.date(2026, 11, 26)

SEED = """\
---
link: https://example.com/a-post{slug}
read_priority: 3
tags:
- Python
type: Blog post
upload_date: '2026-11-20'
---
https://example.com/a-post{slug}

## Summary <!-- seedlint-disable-line W001 -->

A note. {filler}

## Links

- https://example.com/other

## Topics

- ![](topics/Concept/Pre%20training)
- ![](topics/Concept/Missing%20note)
"""


def _vault(root: Path, *, filler: str = "", slug: str = "") -> Path:
    (root / "topics" / "Concept").mkdir(parents=True)
    (root / "topics" / "Concept" / "Pre training.md").write_text("# Pre training\n")
    (root / "seedlint.toml").write_text('topics-root = "."\n', encoding="utf-8")
    seed = root / "contents" / "a.md"
    seed.parent.mkdir()
    seed.write_text(SEED.format(filler=filler, slug=slug), encoding="utf-8")
    return seed


def _linter(root: Path, today: dt.date = TODAY) -> Linter:
    context = RunContext(load(root / "seedlint.toml"), today=today)
    return Linter(Selection.build(load_rules(), context, offline=True), context)


def _lint(root: Path, seed: Path) -> tuple[FileResult, Dependencies, Recorder]:
    linter = _linter(root)
    recorder = Recorder(linter.context)
    with recorder.file() as dependencies:
        result = linter.lint_path(str(seed))
    return result, dependencies, recorder


# -- findings --------------------------------------------------------------------------


def test_a_files_findings_come_back_under_the_path_of_this_run(tmp_path: Path) -> None:
    seed = _vault(tmp_path)
    result, dependencies, _ = _lint(tmp_path, seed)
    assert {finding.code for finding in result.findings} >= {"T001"}
    assert result.suppressions and result.anchors is not None

    entry = Entry.of(result, dependencies)
    back, notes = result_of("./contents/a.md", entry.result)

    assert notes == dependencies.notes
    assert [finding.path for finding in back.findings] == ["./contents/a.md"] * len(result.findings)
    assert [(f.code, f.line, f.column, f.message) for f in back.findings] == [
        (f.code, f.line, f.column, f.message) for f in result.findings
    ]
    assert back.suppressions == result.suppressions
    assert back.anchors is not None and back.anchors.path == "./contents/a.md"
    assert back.anchors.positions == result.anchors.positions
    summary = summary_of("contents/a.md", entry.summary)
    assert result.summary is not None
    assert summary.link == result.summary.link == "https://example.com/a-post"
    assert summary.path == "contents/a.md"


def test_a_file_with_nothing_to_say_stores_nothing(tmp_path: Path) -> None:
    empty = FileResult("a.md", [], None)
    entry = Entry.of(empty, Dependencies())
    assert (entry.result, entry.summary, entry.dependencies, entry.extra) == (None,) * 4
    back, notes = result_of("b.md", None)
    assert (back.path, back.findings, back.summary, notes) == ("b.md", [], None, [])
    only_notes = Entry.of(empty, Dependencies(notes=["no topics folder"]))
    assert only_notes.result is not None
    assert result_of("a.md", only_notes.result)[1] == ["no topics folder"]


def test_relocate_keeps_a_finding_already_under_that_path(tmp_path: Path) -> None:
    seed = _vault(tmp_path)
    result, _, _ = _lint(tmp_path, seed)
    first = result.findings[0]
    moved = relocate(result, str(seed))
    assert moved.findings[0] is first  # the same path: not copied
    moved = relocate(result, "elsewhere.md")
    assert {finding.path for finding in moved.findings} == {"elsewhere.md"}
    assert moved.anchors is not None and moved.anchors.path == "elsewhere.md"


@pytest.mark.parametrize("blob", [b"", b"\xc1", b"\x94\x01\x02\x03\x04", "text"])
def test_findings_that_do_not_decode_are_a_miss(blob: Any) -> None:
    with pytest.raises(CacheMiss, match=r"^result: "):
        result_of("a.md", blob)


def test_a_name_that_is_not_utf8_is_stored_without_its_path(tmp_path: Path) -> None:
    seed = _vault(tmp_path)
    result, dependencies, _ = _lint(tmp_path, seed)
    name = "contents/caf\udce9.md"
    result = relocate(result, name)
    assert result.summary is not None
    from dataclasses import replace

    result.summary = replace(result.summary, path=name)
    entry = Entry.of(result, dependencies)
    back, _ = result_of(name, entry.result)
    assert {finding.path for finding in back.findings} == {name}
    assert back.anchors is not None and back.anchors.path == name
    assert summary_of(name, entry.summary).path == name


# -- summaries ---------------------------------------------------------------------------


def test_a_long_summary_is_stored_compressed_and_read_back(tmp_path: Path) -> None:
    seed = _vault(tmp_path, slug="/long" * 200)
    result, dependencies, _ = _lint(tmp_path, seed)
    entry = Entry.of(result, dependencies)
    assert entry.summary is not None and entry.summary[:1] == b"z"
    (stated,) = struct.unpack_from("<I", entry.summary, 1)
    assert stored_size(entry.summary) == len(entry.summary) + stated
    assert len(inflate(entry.summary)) == stated
    summary = summary_of("contents/a.md", entry.summary)
    assert result.summary is not None
    assert summary.link == result.summary.link and len(summary.link or "") > 1000


def test_a_short_summary_is_stored_plain(tmp_path: Path) -> None:
    seed = _vault(tmp_path)
    result, dependencies, _ = _lint(tmp_path, seed)
    entry = Entry.of(result, dependencies)
    assert entry.summary is not None and entry.summary[:1] == b"p"
    assert stored_size(entry.summary) == len(entry.summary)
    assert inflate(entry.summary) == entry.summary[1:]


def _z(data: bytes, stated: int | None = None) -> bytes:
    return b"z" + struct.pack("<I", len(data) if stated is None else stated) + zlib.compress(data)


def test_a_compressed_summary_inflates_to_exactly_its_stated_length() -> None:
    data = b"x" * 5000
    assert inflate(_z(data)) == data
    assert stored_size(_z(data)) == len(_z(data)) + 5000
    assert stored_size(b"z\x00\x01") == 3  # too short to state a length
    with pytest.raises(CacheMiss, match="does not inflate to the 4999 bytes"):
        inflate(_z(data, 4999))  # more than stated: never produced
    with pytest.raises(CacheMiss, match="does not inflate to the 5001 bytes"):
        inflate(_z(data, 5001))
    with pytest.raises(CacheMiss, match="does not inflate to the 5000 bytes"):
        inflate(_z(data)[:-3])  # a truncated stream
    with pytest.raises(CacheMiss, match=r"^summary: "):
        inflate(b"z" + struct.pack("<I", 10) + b"not a zlib stream")


def test_a_bomb_is_refused_before_anything_is_inflated() -> None:
    bomb = zlib.compress(b"\0" * (2 * 1024 * 1024), 9)
    ratio = (2 * 1024 * 1024) // len(bomb)
    assert ratio < 1100
    stream = b"z" + struct.pack("<I", 1100 * len(bomb) + 65) + bomb
    with pytest.raises(CacheMiss, match=f"said to inflate to {1100 * len(bomb) + 65} bytes"):
        inflate(stream)
    at_bound = b"z" + struct.pack("<I", 1100 * len(bomb) + 64) + bomb
    with pytest.raises(CacheMiss, match="does not inflate"):
        inflate(at_bound)  # allowed to start, then found short
    huge = b"z" + struct.pack("<I", MAX_INFLATED + 1) + b"\0" * 70_000
    with pytest.raises(CacheMiss, match="said to inflate to"):
        inflate(huge)


@pytest.mark.parametrize("blob", [b"", b"q", b"zabc"])
def test_an_unknown_summary_encoding_is_a_miss(blob: bytes) -> None:
    with pytest.raises(CacheMiss, match="unknown summary encoding"):
        inflate(blob)


def test_a_summary_that_is_not_bytes_or_not_a_summary_is_a_miss() -> None:
    with pytest.raises(CacheMiss, match="summary: not bytes"):
        summary_of("a.md", "p text")
    with pytest.raises(CacheMiss, match=r"^summary: "):
        summary_of("a.md", b"p\x93\x01\x02\x03")


# -- recorded questions ------------------------------------------------------------------


def test_the_questions_a_lint_asked_are_replayed_against_other_notes(tmp_path: Path) -> None:
    seed = _vault(tmp_path)
    _, dependencies, recorder = _lint(tmp_path, seed)
    questions = {question for question, _, _ in dependencies.topics}
    assert "contains" in questions
    stored = encode_dependencies(dependencies)
    back = dependencies_of(stored)
    assert back.topics == [tuple(entry) for entry in dependencies.topics]
    validator = Validator(recorder)
    assert validator.holds(back)

    (tmp_path / "topics" / "Concept" / "Missing note.md").write_text("# Missing note\n")
    linter = _linter(tmp_path)
    assert not Validator(Recorder(linter.context)).holds(back)


def test_each_topic_question_is_asked_again_as_recorded(tmp_path: Path) -> None:
    _vault(tmp_path)
    index = TopicIndex.scan(tmp_path)
    assert ask_again(index, "contains", "Concept/Pre training") is True
    assert ask_again(index, "contains", "Concept/Nothing") is False
    assert ask_again(index, "with_name", "Pre training") == ("Concept/Pre training",)
    assert ask_again(index, "has_category", "Concept") is True
    assert ask_again(index, "has_category", "Dataset") is False
    assert ask_again(index, "exists", None) is True
    assert ask_again(index, "suggestions", "Concept/Pre-training") == tuple(
        index.suggestions("Concept/Pre-training")
    )
    assert "Concept/Pre training" in ask_again(index, "suggestions", "Concept/Pre-training")
    assert ask_again(index, "whole", "notes") == topics_fingerprint(index)
    never = ask_again(index, "a question never recorded", None)
    assert never != never
    assert not (never == None)  # noqa: E711, SIM201


def test_the_topic_fingerprint_moves_with_the_notes(tmp_path: Path) -> None:
    _vault(tmp_path)
    before = topics_fingerprint(TopicIndex.scan(tmp_path))
    assert before == topics_fingerprint(TopicIndex.scan(tmp_path))
    (tmp_path / "topics" / "Concept" / "Other.md").write_text("")
    after = topics_fingerprint(TopicIndex.scan(tmp_path))
    assert after != before and len(after) == 32
    (tmp_path / "moved").mkdir()
    (tmp_path / "topics").rename(tmp_path / "moved" / "topics")
    elsewhere = topics_fingerprint(TopicIndex.scan(tmp_path / "moved"))
    assert elsewhere != after  # the same notes under another root


def test_a_lint_records_each_topic_question_with_its_answer(tmp_path: Path) -> None:
    _vault(tmp_path)
    linter = _linter(tmp_path)
    recorder = Recorder(linter.context)
    topics = recorder.topics
    assert "Concept/Pre training" in topics  # before any file: answered, not recorded
    with recorder.file() as found:
        assert "Concept/Pre training" in topics
        assert topics.with_name("Pre training") == ("Concept/Pre training",)
        assert topics.has_category("Model") is False
        assert topics.exists is True
        suggested = topics.suggestions("Concept/Pre-training")
        assert topics.root == tmp_path and topics.folder == tmp_path / "topics"
        notes = topics.notes  # anything else: the whole index
    assert found.topics == [
        ("contains", "Concept/Pre training", True),
        ("with_name", "Pre training", ("Concept/Pre training",)),
        ("has_category", "Model", False),
        ("exists", None, True),
        ("suggestions", "Concept/Pre-training", suggested),
        ("whole", "notes", topics_fingerprint(topics.index)),
    ]
    assert "Concept/Pre training" in notes
    assert "Concept/Pre training" in topics  # outside a file: not recorded
    assert len(found.topics) == 6


def test_a_lint_records_each_use_of_today(tmp_path: Path) -> None:
    _vault(tmp_path)
    linter = _linter(tmp_path)
    context = linter.context
    recorder = Recorder(context)
    week = dt.timedelta(days=7)
    with recorder.file() as found:
        today = context.today
        assert isinstance(today, RecordingDate)
        answers = [
            today < TODAY,
            today <= TODAY,
            today > dt.date(2026, 1, 1),
            today >= TODAY,
            today == TODAY,
            today != TODAY,
            today - week,
            dt.date(2026, 12, 3) - today,
            today + week,
        ]
        assert answers == [
            *(False, True, True, True, True, False),
            *(dt.date(2026, 11, 19), week, dt.date(2026, 12, 3)),
        ]
        assert today.year == 2026 and str(today) == "2026-11-26"
        assert f"{today:%d.%m}" == "26.11"
        assert hash(today) == hash(TODAY)
    assert context.today is TODAY  # put back after the file
    recorded = len(found.dates)
    assert today < dt.date(2026, 12, 1)  # a stand-in kept past its file: not recorded
    assert len(found.dates) == recorded
    operations = [operation for operation, _, _ in found.dates]
    assert operations[:9] == ["lt", "le", "gt", "ge", "eq", "ne", "sub", "rsub", "add"]
    assert "exact" in operations[9:]
    stored = dependencies_of(encode_dependencies(found))
    assert stored.dates[:9] == found.dates[:9]
    assert Validator(recorder).holds(stored)
    tomorrow = Validator(Recorder(_linter(tmp_path, TODAY + dt.timedelta(days=1)).context))
    assert tomorrow.holds(stored) is False
    assert tomorrow.holds(Dependencies(dates=[stored.dates[2]]))  # after 1 January still
    assert not tomorrow.holds(Dependencies(dates=[stored.dates[4]]))  # no longer today


def test_date_answers_hold_on_another_day_only_when_they_come_out_the_same() -> None:
    dates = [
        ("gt", dt.date(2026, 1, 1), True),
        ("sub", dt.timedelta(days=1), TODAY - dt.timedelta(1)),
    ]
    assert replay_date(TODAY, "exact", None) == TODAY
    assert replay_date(TODAY, "ge", TODAY) is True
    assert replay_date(TODAY, "rsub", dt.date(2026, 11, 30)) == dt.timedelta(days=4)
    assert replay_date(TODAY, "add", dt.timedelta(days=1)) == dt.date(2026, 11, 27)
    with pytest.raises(ValueError, match="unknown date operation 'mul'"):
        replay_date(TODAY, "mul", 2)
    blob = encode_dependencies(Dependencies(dates=[dates[0]]))
    assert dependencies_of(blob).dates == [dates[0]]
    blob = encode_dependencies(Dependencies(dates=dates))
    assert dependencies_of(blob).dates == dates


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2026, 11, 26),
        dt.date.min,
        dt.timedelta(days=-3, seconds=5, microseconds=7),
        True,
        False,
        0,
        -(2**63),
        2**63 - 1,
        None,
    ],
)
def test_a_date_operand_round_trips_with_its_type(value: object) -> None:
    blob = encode_dependencies(Dependencies(dates=[("eq", value, value)]))
    ((_, other, result),) = dependencies_of(blob).dates
    assert other == value and type(other) is type(value)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize(
    "value", [2**63, -(2**63) - 1, dt.datetime(2026, 11, 26, 12), 1.5, "2026-11-26"]
)
def test_an_operand_that_cannot_be_stored_never_holds(value: object) -> None:
    blob = encode_dependencies(Dependencies(dates=[("eq", value, False)]))
    ((_, other, _),) = dependencies_of(blob).dates
    assert other != value
    recorder_free = Validator.__new__(Validator)
    recorder_free.today = TODAY.isoformat()
    with pytest.raises(TypeError):
        other + 1


def test_a_date_operand_out_of_range_is_a_miss() -> None:
    import msgspec

    forged = msgspec.msgpack.encode(([], [("eq", ("d", 10**18), ("b", 1))]))
    with pytest.raises(CacheMiss, match="out of range"):
        dependencies_of(forged)


def test_no_questions_store_nothing() -> None:
    assert encode_dependencies(Dependencies(notes=["said"])) is None
    assert dependencies_of(None) == Dependencies()


@pytest.mark.parametrize(
    ("entry", "kept"),
    [
        (("contains", "Concept/A", True), True),
        (("suggestions", "Concept/A", ("Concept/B", "Concept/C")), True),
        (("exists", None, False), True),
        (("whole", "notes", "f" * 32), True),
        (("contains", 3, True), False),  # an argument that is not text
        (("suggestions", "Concept/A", ("Concept/B", 3)), False),
        (("contains", "Concept/A", 1.5), False),
        (("contains", "Concept/A", ["list"]), False),
    ],
)
def test_only_plain_topic_questions_are_stored(entry: tuple[str, Any, Any], kept: bool) -> None:
    stored = dependencies_of(encode_dependencies(Dependencies(topics=[entry])))
    assert stored.topics == [entry if kept else ("?", None, None)]


def test_a_topic_name_that_is_not_utf8_never_holds() -> None:
    dates = [("lt", TODAY, False)]
    blob = encode_dependencies(Dependencies([("contains", "Concept/caf\udce9", True)], dates))
    stored = dependencies_of(blob)
    assert stored.topics == [("?", None, None)] and stored.dates == dates


def test_the_validator_replays_only_rows_of_other_notes_or_another_day(tmp_path: Path) -> None:
    _vault(tmp_path)
    linter = _linter(tmp_path)
    validator = Validator(Recorder(linter.context))
    notes = validator.topics
    assert validator.today == "2026-11-26"
    assert not validator.needs_replay(notes, "2026-11-26")
    assert not validator.needs_replay("", "2026-11-26")  # asked no topic question
    assert validator.needs_replay("other", "2026-11-26")
    assert validator.needs_replay(notes, "2026-11-25")
    assert validator.stamps(Dependencies()) == ("", "2026-11-26")
    asked = Dependencies(topics=[("exists", None, True)])
    assert validator.stamps(asked) == (notes, "2026-11-26")
    assert validator.holds(asked)
    assert not validator.holds(Dependencies(topics=[("exists", None, False)]))
    assert not validator.holds(Dependencies(dates=[("lt", TODAY, True)]))
    assert not validator.holds(Dependencies(dates=[("sub", "text", 1)]))  # raises: no hold
    assert validator.holds(Dependencies(dates=[("le", TODAY, True)]))


# -- cross-file results ------------------------------------------------------------------


def test_cross_file_problems_round_trip() -> None:
    problem = CorpusProblem("a.md", "C001", Position(2, 7), Position(2, 20), "twice", "link: x")
    blob = encode_corpus({"C001": [problem]}, ["a note"])
    assert decode_corpus(blob) == ({"C001": [problem]}, ["a note"])
    odd = CorpusProblem("caf\udce9.md", "C001", Position(1, 1), Position(1, 2), "twice")
    assert encode_corpus({"C001": [odd]}, []) == b""
    with pytest.raises(CacheMiss, match=r"^corpus: "):
        decode_corpus(b"")
    with pytest.raises(CacheMiss, match="corpus: stored as str, not bytes"):
        decode_corpus("text")


# -- the run key -------------------------------------------------------------------------

PLUGIN = """\
from seedlint.findings import Severity
from seedlint.rule import rule


@rule("Z901", "always-quiet", "A plugin rule that finds nothing.", Severity.WARNING)
def always_quiet(doc, context):
    return iter(())


RULES = [always_quiet]
"""
CORPUS_PLUGIN = """\
from seedlint.findings import Severity
from seedlint.rule import corpus_rule


@corpus_rule("Z901", "never-twice", "A cross-file plugin rule that finds nothing.")
def never_twice(seeds, context):
    return iter(())


RULES = [never_twice]
"""


def _key_with_rules(root: Path, *plugins: Any, **overrides: Any) -> str:
    from seedlint.cache.runkey import run_key

    rules = dict(load_rules())
    for number, plugin in enumerate(plugins):
        rule = _renamed(plugin, f"Z9{number + 10}") if number else plugin
        rules[rule.code] = rule
    context = RunContext(load(root / "seedlint.toml", overrides or None), today=TODAY)
    return run_key(Linter(Selection.build(rules, context, offline=True), context))


def _renamed(rule: Any, code: str) -> Any:
    from dataclasses import replace

    return replace(rule, code=code, name=f"plugin-{code.lower()}")


def _plugin_rule(module: str) -> Any:
    import importlib

    importlib.invalidate_caches()
    plugin = importlib.import_module(module)
    importlib.reload(plugin)
    return plugin.RULES[0]


def _key_with_plugin(root: Path, module: str, **overrides: Any) -> str:
    return _key_with_rules(root, _plugin_rule(module), **overrides)


# layout: where the rules are (a package's __init__, a module, a module of a package, a
# cross-file rule) and the file whose edit must give another key.
LAYOUTS = {
    "package": ("{name}/__init__.py", PLUGIN, "{name}/helpers.py", "{name}"),
    "module": ("{name}.py", PLUGIN, "{name}.py", "{name}"),
    "submodule": ("{name}/rules.py", PLUGIN, "{name}/helpers.py", "{name}.rules"),
    "corpus": ("{name}.py", CORPUS_PLUGIN, "{name}.py", "{name}"),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_edited_plugin_gives_another_run_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    import sys

    _vault(tmp_path)
    plugins = tmp_path / "plugins"
    name = f"quiet_{layout}_plugin"
    where, text, edited, module = (part.format(name=name) for part in LAYOUTS[layout])
    source = plugins / where
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(text, encoding="utf-8")
    if layout == "submodule":
        (source.parent / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(plugins))
    for loaded in (name, module):
        monkeypatch.delitem(sys.modules, loaded, raising=False)

    first = _key_with_plugin(tmp_path, module)
    assert first == _key_with_plugin(tmp_path, module)  # nothing moved: the same key
    assert len(first) == 32
    (plugins / edited).write_text(
        (plugins / edited).read_text() + "\n# edited\n" if (plugins / edited).exists() else ""
    )
    second = _key_with_plugin(tmp_path, module)
    assert second != first
    assert _key_with_plugin(tmp_path, module, ignore=["Z901"]) != second  # another selection
    stamp = os.stat(source)
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000))
    assert _key_with_plugin(tmp_path, module) != second  # only its mtime moved


def test_a_plugins_version_is_part_of_the_run_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    _vault(tmp_path)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "versioned_plugin.py").write_text(PLUGIN + '__version__ = "1.0"\n')
    monkeypatch.syspath_prepend(str(tmp_path / "plugins"))
    monkeypatch.delitem(sys.modules, "versioned_plugin", raising=False)
    rule = _plugin_rule("versioned_plugin")
    first = _key_with_rules(tmp_path, rule)
    monkeypatch.setattr(sys.modules["versioned_plugin"], "__version__", "2.0")
    assert _key_with_rules(tmp_path, rule) != first


@pytest.mark.parametrize("library", ["pyromark", "PyYAML", "pydantic"])
def test_a_parsing_librarys_version_is_part_of_the_run_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: str
) -> None:
    """The installed distribution's version (another release installed under the same
    import name), whether or not the run imported the library."""
    import importlib.metadata

    from seedlint.cache.runkey import run_key

    _vault(tmp_path)
    before = run_key(_linter(tmp_path))
    installed = importlib.metadata.version

    def another_release(distribution: str) -> str:
        return "0.0-another" if distribution == library else installed(distribution)

    monkeypatch.setattr(importlib.metadata, "version", another_release)
    assert run_key(_linter(tmp_path)) != before


def test_a_plugin_without_a_file_leaves_the_others_stamped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A namespace package (no ``__init__.py``: no ``__file__``) sorted before the other
    packages, and a rule from a module Python never registered."""
    import sys
    import types

    _vault(tmp_path)
    plugins = tmp_path / "plugins"
    (plugins / "aaa_namespace_plugin").mkdir(parents=True)
    (plugins / "aaa_namespace_plugin" / "rules.py").write_text(PLUGIN)
    (plugins / "zzz_module_plugin.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(plugins))
    for name in ("aaa_namespace_plugin", "aaa_namespace_plugin.rules", "zzz_module_plugin"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    ghost = types.ModuleType("ghost_plugin")  # not in sys.modules
    exec(PLUGIN, ghost.__dict__)
    rules = (
        _plugin_rule("aaa_namespace_plugin.rules"),
        _plugin_rule("zzz_module_plugin"),
        ghost.RULES[0],
    )
    first = _key_with_rules(tmp_path, *rules)
    (plugins / "zzz_module_plugin.py").write_text(PLUGIN + "\n# edited\n")
    rules = (rules[0], _plugin_rule("zzz_module_plugin"), rules[2])
    assert _key_with_rules(tmp_path, *rules) != first


def test_the_run_key_ignores_where_the_checkout_is(tmp_path: Path) -> None:
    import shutil

    from seedlint.cache.runkey import run_key

    _vault(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    keys = [run_key(_linter(tmp_path / name)) for name in ("a", "b")]
    assert keys[0] == keys[1]
    (tmp_path / "b" / "seedlint.toml").write_text('topics-root = "contents"\n')
    assert run_key(_linter(tmp_path / "b")) != keys[0]  # another topics root
    outside = tmp_path / "c"
    outside.mkdir()
    (outside / "seedlint.toml").write_text(f'topics-root = "{tmp_path / "a"}"\n')
    assert run_key(_linter(outside)) != keys[0]  # outside the root: by its absolute path


def test_the_source_stamps_of_a_module_and_of_a_package(tmp_path: Path) -> None:
    from seedlint.cache.runkey import _source_stamps

    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "b.py").write_text("")
    (package / "notes.txt").write_text("not code")
    stamps = list(_source_stamps(str(package)))
    status = os.stat(package / "a.py")
    assert stamps[0] == f"{package / 'a.py'}:6:{status.st_mtime_ns}"
    assert [stamp.split(":")[0] for stamp in stamps] == [
        str(package / "a.py"),
        str(package / "sub" / "b.py"),
    ]
    assert list(_source_stamps(str(package / "a.py"))) == stamps[:1]
    assert list(_source_stamps(str(tmp_path / "gone.py"))) == []


def test_a_bare_compressed_header_states_its_length() -> None:
    header = b"z" + struct.pack("<I", 60)  # five bytes: a length, no stream
    assert stored_size(header) == 65  # budgeted as what it says it inflates to
    with pytest.raises(CacheMiss, match="does not inflate to the 60 bytes"):
        inflate(header)


def test_a_summary_of_exactly_the_largest_size_inflates(monkeypatch: pytest.MonkeyPatch) -> None:
    import seedlint.cache.encoding as encoding

    monkeypatch.setattr(encoding, "MAX_INFLATED", 4096)
    assert inflate(_z(b"a" * 4096)) == b"a" * 4096
    with pytest.raises(CacheMiss, match="said to inflate to 4097 bytes"):
        inflate(_z(b"a" * 4097))


def test_a_stream_longer_than_it_states_costs_only_what_it_states() -> None:
    import tracemalloc

    stream = zlib.compress(b"\0" * (16 * 1024 * 1024), 9)  # 16 MB of zeros in 16 KB
    blob = b"z" + struct.pack("<I", 1000) + stream
    tracemalloc.start()
    try:
        with pytest.raises(CacheMiss, match="does not inflate to the 1000 bytes"):
            inflate(blob)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024  # never the 16 MB it would inflate to


def test_a_cached_result_is_a_whole_file_result(tmp_path: Path) -> None:
    seed = _vault(tmp_path)
    result, dependencies, _ = _lint(tmp_path, seed)
    back, _ = result_of(result.path, Entry.of(result, dependencies).result)
    assert back.errors == [] and back.summary is None and back.document is None
    back.errors.append("a later stage may add to it")


def test_todays_stand_in_pickles_as_a_plain_date(tmp_path: Path) -> None:
    import pickle

    _vault(tmp_path)
    recorder = Recorder(_linter(tmp_path).context)
    with recorder.file():
        today = recorder.context.today
        copied = pickle.loads(pickle.dumps(today))
    assert type(copied) is dt.date and copied == TODAY


def test_each_decoder_is_built_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a fresh process (the test process has built them already)."""
    import seedlint.cache.encoding as encoding

    seed = _vault(tmp_path)
    result, dependencies, _ = _lint(tmp_path, seed)
    entry = Entry.of(result, dependencies)
    problem = CorpusProblem("a.md", "C001", Position(2, 7), Position(2, 20), "twice")
    corpus = encode_corpus({"C001": [problem]}, [])
    monkeypatch.setattr(encoding, "_decoders", {})
    assert len(result_of("a.md", entry.result)[0].findings) == len(result.findings)
    assert summary_of("a.md", entry.summary).link == "https://example.com/a-post"
    assert dependencies_of(entry.dependencies).topics == dependencies.topics
    assert decode_corpus(corpus) == ({"C001": [problem]}, [])
    assert sorted(encoding._decoders) == ["corpus", "questions", "result", "summary"]
    again = encoding._decoders["result"]
    result_of("a.md", entry.result)
    assert encoding._decoders["result"] is again  # built once


def test_a_topic_note_whose_name_is_not_utf8_is_fingerprinted(tmp_path: Path) -> None:
    _vault(tmp_path)
    before = topics_fingerprint(TopicIndex.scan(tmp_path))
    folder = os.fsencode(tmp_path / "topics" / "Concept")
    with open(os.path.join(folder, b"caf\xe9.md"), "wb") as note:
        note.write(b"# Cafe\n")
    after = topics_fingerprint(TopicIndex.scan(tmp_path))
    assert after != before
    assert topics_fingerprint(TopicIndex.scan(tmp_path)) == after


def test_what_a_collecting_run_made_of_a_file_is_stored_with_it(tmp_path: Path) -> None:
    seed = _vault(tmp_path)
    result, dependencies, _ = _lint(tmp_path, seed)
    result.extra = b"the report's facts"
    assert Entry.of(result, dependencies).extra == b"the report's facts"
