"""The seeds' facts remembered between reports (`.seedlint_cache/report-facts.json`)."""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

import seedlint.report.facts
from seedlint.cli import main
from seedlint.report.factcache import FILE_NAME
from tests.report.conftest import HandCounted, seed


def _report(root: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> Any:
    monkeypatch.chdir(root)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["report", "--format", "json", "--offline", *arguments, "."]) == 0
    return json.loads(out.getvalue())


def _relevance(report: Any) -> dict[str, int]:
    return {bucket["label"]: bucket["count"] for bucket in report["reading"]["relevance"]}


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled (no two-second wait)."""
    monkeypatch.setattr(seedlint.report.facts, "RACY_NS", -(10**12))


def test_a_warm_report_takes_the_facts_from_the_cache_while_the_file_is_the_same(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    root = hand_counted.root
    first = _report(root, monkeypatch)
    stored = root / ".seedlint_cache" / FILE_NAME
    document = json.loads(stored.read_text(encoding="utf-8"))
    seed_a = str(root / "contents" / "Blog post" / "a.md")
    assert set(document["entries"]) == {
        str(root / "contents" / "Blog post" / "a.md"),
        str(root / "contents" / "Blog post" / "b.md"),
        str(root / "contents" / "Repository" / "c.md"),
    }
    # An entry that says relevance 4: only a report reading the cache can show it.
    document["entries"][seed_a][5] = 4
    stored.write_text(json.dumps(document), encoding="utf-8")
    warm = _report(root, monkeypatch)
    assert _relevance(first)["3"] == 1
    assert (_relevance(warm)["3"], _relevance(warm)["4"]) == (0, 1)
    assert warm["topics"] == first["topics"]
    # The file changes: its entry no longer holds, and it is read again.
    path = Path(seed_a)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = _report(root, monkeypatch)
    assert (_relevance(again)["3"], _relevance(again)["4"]) == (1, 0)


def test_files_changed_just_before_the_run_are_not_remembered(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch
) -> None:
    _report(hand_counted.root, monkeypatch)
    stored = hand_counted.root / ".seedlint_cache" / FILE_NAME
    assert (hand_counted.root / ".seedlint_cache").is_dir()  # check's run made it
    assert not stored.exists()  # nothing settled to remember


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not json",
        b"[]",
        b'{"version": 1, "entries": []}',
        b'{"version": 2, "entries": {}}',
        b"[" * 100_000,
        json.dumps(
            {"version": 1, "entries": {"x": ["s", "p", "yes", None, 1, 1, "2024-01", [], []]}}
        ).encode(),
    ],
)
def test_a_damaged_cache_is_no_cache(
    content: bytes, hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    expected = _report(hand_counted.root, monkeypatch, "--no-cache")
    folder = hand_counted.root / ".seedlint_cache"
    folder.mkdir(exist_ok=True)
    (folder / FILE_NAME).write_bytes(content)
    report = _report(hand_counted.root, monkeypatch)
    assert report["reading"] == expected["reading"]
    assert report["topics"] == expected["topics"]
    assert len(json.loads((folder / FILE_NAME).read_bytes())["entries"]) == 3  # rewritten


def test_a_symlinked_cache_is_neither_read_nor_written_through(
    hand_counted: HandCounted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    root = hand_counted.root
    _report(root, monkeypatch)
    stored = root / ".seedlint_cache" / FILE_NAME
    outside = tmp_path / "outside.json"
    document = json.loads(stored.read_text(encoding="utf-8"))
    for entry in document["entries"].values():
        entry[5] = 4  # every seed of relevance 4, if it were believed
    outside.write_text(json.dumps(document), encoding="utf-8")
    before = outside.read_bytes()
    stored.unlink()
    os.symlink(outside, stored)
    report = _report(root, monkeypatch)
    assert _relevance(report)["4"] == 0
    assert outside.read_bytes() == before
    assert not stored.is_symlink()  # replaced by a file of its own


def test_no_cache_writes_no_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    root = tmp_path / "v"
    root.mkdir()
    (root / "s.md").write_text(seed("https://x.example/"), encoding="utf-8")
    _report(root, monkeypatch, "--no-cache")
    assert not (root / ".seedlint_cache").exists()
