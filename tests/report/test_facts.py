"""The seeds' facts: gathered in check's own parse of each file, kept in its row of the
result cache (`.seedlint_cache/results.sqlite3`, column `extra`), read back on a warm
report, and never believed when they are damaged."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing, redirect_stdout
from pathlib import Path
from typing import Any

import msgspec
import pytest

from seedlint.cache import CACHE_FOLDER, DATABASE
from seedlint.cli import main
from tests.report.conftest import HandCounted, seed

SEED_A = "contents/Blog post/a.md"


def _report(root: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> Any:
    monkeypatch.chdir(root)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["report", "--format", "json", "--offline", *arguments, "."]) == 0
    return json.loads(out.getvalue())


def _check(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    with redirect_stdout(io.StringIO()):
        main(["check", "--offline", "--exit-zero", "."])


def _extras(root: Path) -> dict[str, bytes | None]:
    with closing(sqlite3.connect(root / CACHE_FOLDER / DATABASE)) as db:
        return dict(db.execute("SELECT path, extra FROM results"))


def _set_extra(root: Path, path: str, value: bytes | None) -> None:
    with closing(sqlite3.connect(root / CACHE_FOLDER / DATABASE)) as db:
        db.execute("UPDATE results SET extra = ? WHERE path = ?", (value, path))
        db.commit()


def _relevance(report: Any) -> dict[str, int]:
    return {bucket["label"]: bucket["count"] for bucket in report["reading"]["relevance"]}


def _facts_figures(report: Any) -> tuple[Any, Any, Any]:
    return report["reading"], report["topics"], report["cards"]["links"]


def test_the_facts_are_kept_in_the_files_rows_and_a_warm_report_reads_them_from_there(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hand_counted.root
    first = _report(root, monkeypatch)
    stored = _extras(root)
    assert set(stored) == {SEED_A, "contents/Blog post/b.md", "contents/Repository/c.md"}
    assert all(stored.values())
    # A row that says relevance 4: only a report taking its facts from the row shows it.
    already_read, priority, relevance, month, topics, urls = msgspec.msgpack.decode(stored[SEED_A])
    assert (already_read, priority, relevance, month) == (False, 2, 3, "2024-02")
    assert topics == ["Concept/Alpha", "Library/Beta"]
    assert urls == ["https://alive.example/ok", "https://dead.example/gone"]
    forged = msgspec.msgpack.encode([already_read, priority, 4, month, topics, urls])
    _set_extra(root, SEED_A, forged)
    warm = _report(root, monkeypatch)
    assert (_relevance(first)["3"], _relevance(first)["4"]) == (1, 0)
    assert (_relevance(warm)["3"], _relevance(warm)["4"]) == (0, 1)
    assert warm["topics"] == first["topics"]
    # The file changes: its row no longer holds, the file is linted again, facts and all.
    path = root / SEED_A
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = _report(root, monkeypatch)
    assert (_relevance(again)["3"], _relevance(again)["4"]) == (1, 0)


def test_a_report_after_check_lints_the_files_whose_rows_have_no_facts(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = hand_counted.root
    expected = _report(root, monkeypatch, "--no-cache")
    _check(root, monkeypatch)
    assert set(_extras(root).values()) == {None}  # check collects nothing
    monkeypatch.setenv("SEEDLINT_DEBUG", "1")
    capsys.readouterr()
    report = _report(root, monkeypatch)
    assert "hits=0, linted=3" in capsys.readouterr().err
    assert _facts_figures(report) == _facts_figures(expected)
    assert all(_extras(root).values())
    _check(root, monkeypatch)  # a warm check keeps the rows, facts and all
    assert "hits=3, linted=0" in capsys.readouterr().err
    assert all(_extras(root).values())
    _report(root, monkeypatch)
    assert "hits=3, linted=0" in capsys.readouterr().err


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xc1\xff", id="not-msgpack"),
        pytest.param(msgspec.msgpack.encode(["yes", 2, 3, "2024-02", [], []]), id="wrong-type"),
        pytest.param(msgspec.msgpack.encode([False, 2, 3, "2024-02-22", [], []]), id="month"),
        pytest.param(msgspec.msgpack.encode([False, 2, 3, "2024-02", [1], []]), id="topic"),
        pytest.param(msgspec.msgpack.encode([False, 2, 3]), id="short"),
        pytest.param(msgspec.msgpack.encode({"relevance": 4}), id="map"),
    ],
)
def test_damaged_facts_in_a_row_are_read_from_the_file_instead(
    damage: bytes, hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hand_counted.root
    expected = _report(root, monkeypatch, "--no-cache")
    _report(root, monkeypatch)
    _set_extra(root, SEED_A, damage)
    report = _report(root, monkeypatch)
    assert _facts_figures(report) == _facts_figures(expected)


def test_a_value_the_cache_cannot_hold_is_still_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integer past 64 bits has no MessagePack form: that seed's facts are read from
    the file on each report, and counted as written."""
    root = tmp_path / "v"
    root.mkdir()
    text = seed("https://x.example/").replace("relevance: 0", "relevance: 100000000000000000000")
    (root / "s.md").write_text(text, encoding="utf-8")
    for _ in range(2):  # cold, then warm
        report = _report(root, monkeypatch)
        assert _relevance(report)["100000000000000000000"] == 1
    assert list(_extras(root).values()) == [b""]


def test_no_cache_writes_no_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "v"
    root.mkdir()
    (root / "s.md").write_text(seed("https://x.example/"), encoding="utf-8")
    report = _report(root, monkeypatch, "--no-cache")
    assert report["reading"]["backlog"] == 1
    assert not (root / CACHE_FOLDER).exists()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_facts_gathered_in_worker_processes_are_those_of_one_process(
    method: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "v"
    folder = root / "contents" / "Blog post"
    folder.mkdir(parents=True)
    (root / "seedlint.toml").write_text("", encoding="utf-8")
    for number in range(240):  # enough files for worker processes
        text = seed(
            f"https://site{number % 7}.example/{number}",
            relevance=number % 6,
            priority=number % 4,
            already_read="true" if number % 3 == 0 else "false",
            date=f"'2024-{number % 12 + 1:02d}-01'",
            topics=(f"Concept/T{number % 5}",),
        )
        (folder / f"s{number:03d}.md").write_text(text, encoding="utf-8")
    one = _report(root, monkeypatch, "--no-cache", "--jobs", "1")
    monkeypatch.setenv("SEEDLINT_START_METHOD", method)
    monkeypatch.setenv("SEEDLINT_DEBUG", "1")
    workers = _report(root, monkeypatch, "--jobs", "2")
    assert _facts_figures(workers) == _facts_figures(one)
    assert sum(1 for value in _extras(root).values() if value) == 240
    assert workers["reading"]["read"] == 80
    assert {bucket["label"]: bucket["count"] for bucket in workers["reading"]["per_month"]} == {
        f"2024-{month:02d}": 20 for month in range(1, 13)
    }


def test_a_collector_that_crashes_is_reported_and_the_figures_still_hold(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import seedlint.report.facts

    root = hand_counted.root
    expected = _report(root, monkeypatch, "--no-cache")

    def broken(document: object) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(seedlint.report.facts, "collect", broken)
    monkeypatch.chdir(root)
    capsys.readouterr()
    with redirect_stdout(io.StringIO()) as out:
        assert main(["report", "--format", "json", "--offline", "."]) == 2
    errors = capsys.readouterr().err
    assert "seedlint: error: collecting facts crashed on " in errors
    assert "RuntimeError: boom" in errors
    assert _facts_figures(json.loads(out.getvalue())) == _facts_figures(expected)
    assert not _extras(root)  # a file whose lint crashed is not cached


SOURCE_AND_BODY = (
    "---\nlink: https://a.example/x\n---\n\n<https://a.example/x>\n## Summary\n\n"
    'See <https://a.example/x>, [t](https://b.example/ "t") and [r][1].\n\n'
    "[1]: https://c.example/\n\n```\nhttps://code.example/\n```\n"
    "## Links\n\n- [A](https://a.example/x) : a.\n- <https://d.example/>\n"
)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(SOURCE_AND_BODY, id="source-line-also-in-body"),
        pytest.param("---\n---\n\nhttps://e.example/ [y](https://e.example/)\n", id="not-bare"),
        pytest.param("---\n---\n\n[https://f.example/](https://f.example/)\n", id="link"),
        pytest.param("no front matter <https://g.example/>\n", id="autolink-only"),
    ],
)
def test_the_urls_counted_are_those_the_network_rules_find(text: str) -> None:
    from seedlint.document import parse
    from seedlint.links.extract import find_links, link_urls

    document = parse("s.md", text.encode())
    assert link_urls(document) == [link.url for link in find_links(document)]


def test_the_urls_counted_are_those_the_network_rules_find_in_the_examples() -> None:
    from seedlint.document import parse
    from seedlint.links.extract import find_links, link_urls
    from tests.report.conftest import EXAMPLES

    seeds = sorted(EXAMPLES.rglob("*.md"))
    assert len(seeds) > 5
    for path in seeds:
        document = parse(str(path), path.read_bytes())
        assert link_urls(document) == [link.url for link in find_links(document)], path
