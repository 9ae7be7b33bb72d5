"""The report's figures on a vault counted by hand (tests/report/conftest.py says what it
holds), through the real command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from seedlint.cli import main
from seedlint.findings import Finding, Fix, Position, Severity, TextEdit
from seedlint.links.cache import LinkCache, Ttls
from seedlint.links.result import LinkResult, Verdict
from seedlint.report.aggregate import aggregate, folder_of
from seedlint.report.facts import SeedFacts
from seedlint.report.linkcache import LinkState
from seedlint.topics import TopicIndex
from tests.report.conftest import HandCounted, seed, write_hand_counted

DAY = 86400.0


def report_json(root: Path, *arguments: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(root)
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["report", "--format", "json", *arguments])
    assert code == 0
    return json.loads(out.getvalue())


def cache_links(root: Path, checked_at: float) -> None:
    """Two answers in the real link cache: one alive, one moved for good."""
    cache = LinkCache.open(root / ".seedlint_cache", create=True)
    assert cache is not None
    results = [
        LinkResult("https://alive.example/ok", Verdict.OK, "returned 200", 200),
        LinkResult(
            "https://moved.example/old",
            Verdict.OK,
            "returned 200",
            200,
            "https://moved.example/new",
            "https://moved.example/new",
            301,
        ),
    ]
    cache.put(results, checked_at, Ttls(ok=7 * DAY))
    cache.close()


def test_cards_of_the_hand_counted_vault(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked_at = time.time() - 2 * DAY
    cache_links(hand_counted.root, checked_at)
    report = report_json(hand_counted.root, "--offline", monkeypatch=monkeypatch)
    assert report["cards"] == {
        "seeds": 3,
        "topic_notes": 3,
        "findings": 2,  # T001 in b.md, W001 in c.md
        "errors": 1,
        "warnings": 1,
        "info": 0,
        "fixable_safe": 1,
        "fixable_unsafe": 1,
        "links": {
            "unique": 4,
            "checked": 2,
            "alive": 1,
            "dead": 0,
            "redirected": 1,
            "unverifiable": 0,
            "unchecked": 2,
            "oldest_cached": dt.datetime.fromtimestamp(checked_at, dt.UTC).date().isoformat(),
        },
    }
    assert [(row["code"], row["findings"], row["fixable"]) for row in report["by_rule"]] == [
        ("T001", 1, 1),
        ("W001", 1, 1),
    ]
    assert report["by_folder"] == [
        {
            "folder": "contents/Blog post",
            "seeds": 2,
            "findings": 1,
            "errors": 1,
            "warnings": 0,
            "info": 0,
        },
        {
            "folder": "contents/Repository",
            "seeds": 1,
            "findings": 1,
            "errors": 0,
            "warnings": 1,
            "info": 0,
        },
    ]
    # No domain has a dead link: the redirected one first, then by name.
    assert report["domains"] == [
        {"domain": "moved.example", "links": 1, "alive": 0, "dead": 0, "redirected": 1,
         "unverifiable": 0, "unchecked": 0},
        {"domain": "alive.example", "links": 2, "alive": 1, "dead": 0, "redirected": 0,
         "unverifiable": 0, "unchecked": 1},
        {"domain": "dead.example", "links": 1, "alive": 0, "dead": 0, "redirected": 0,
         "unverifiable": 0, "unchecked": 1},
    ]  # fmt: skip


def test_topics_of_the_hand_counted_vault(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch
) -> None:
    topics = report_json(hand_counted.root, "--offline", monkeypatch=monkeypatch)["topics"]
    assert topics["root_exists"] is True
    assert topics["notes"] == 3
    assert topics["embedded"] == [
        {"topic": "Concept/Alpha", "seeds": 2},
        {"topic": "Library/Beta", "seeds": 1},
    ]
    assert {bucket["label"]: bucket["count"] for bucket in topics["tail"]} == {
        "1": 1, "2": 1, "3-5": 0, "6-10": 0, "11-50": 0, "51+": 0,
    }  # fmt: skip
    assert topics["orphans"] == ["Model/Orphan"]
    assert topics["seeds_without_topics"] == ["./contents/Repository/c.md"]
    assert topics["broken"] == [
        {
            "name": "Concept/Beta",
            "references": 1,
            "seeds": ["./contents/Blog post/b.md"],
            "suggestions": ["Library/Beta"],
        }
    ]
    assert topics["categories"] == [
        {"category": "Concept", "notes": 1, "references": 2},
        {"category": "Library", "notes": 1, "references": 1},
        {"category": "Model", "notes": 1, "references": 0},
    ]


def test_reading_of_the_hand_counted_vault(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading = report_json(hand_counted.root, "--offline", monkeypatch=monkeypatch)["reading"]
    assert reading["read"] == 1
    assert reading["backlog"] == 2
    assert reading["unknown"] == 0
    assert {b["label"]: b["count"] for b in reading["backlog_by_priority"]} == {
        "0": 0, "1": 0, "2": 2, "3": 0, "4": 0, "5": 0,
    }  # fmt: skip
    assert reading["per_month"] == [
        {"label": "2024-02", "count": 2},
        {"label": "2024-03", "count": 1},
    ]
    assert reading["undated"] == 0
    assert {b["label"]: b["count"] for b in reading["relevance"]} == {
        "0": 1, "1": 0, "2": 0, "3": 1, "4": 0, "5": 1,
    }  # fmt: skip


def test_odd_front_matter_is_counted_as_unknown_not_guessed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_hand_counted(tmp_path / "vault")
    odd = root.contents / "Repository" / "d.md"
    # A string "false" is no boolean, 9 no priority of the backlog chart's 0-5, an
    # unquoted date still a date, and a file that is not UTF-8 no seed at all.
    odd.write_text(
        seed("https://odd.example/", already_read='"false"', priority=9, date="2023-12-31"),
        encoding="utf-8",
    )
    (root.contents / "Repository" / "e.md").write_bytes(b"\xff\xfe\x00 not text")
    report = report_json(root.root, "--offline", "--no-cache", monkeypatch=monkeypatch)
    assert report["cards"]["seeds"] == 5
    reading = report["reading"]
    assert (reading["read"], reading["backlog"], reading["unknown"]) == (1, 2, 1)
    assert reading["per_month"][0] == {"label": "2023-12", "count": 1}
    assert "./contents/Repository/e.md" not in report["topics"]["seeds_without_topics"]
    assert "./contents/Repository/d.md" in report["topics"]["seeds_without_topics"]
    assert any(row["code"] == "E001" for row in report["by_rule"])


def test_a_vault_without_topics_folder_counts_references_without_calling_them_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "flat"
    root.mkdir()
    (root / "s.md").write_text(seed("https://x.example/", topics=("Concept/A",)), "utf-8")
    topics = report_json(root, "--offline", monkeypatch=monkeypatch)["topics"]
    assert topics["root_exists"] is False
    assert topics["embedded"] == [{"topic": "Concept/A", "seeds": 1}]
    assert topics["broken"] == []
    assert topics["orphans"] == []


def _finding(path: str, code: str, severity: Severity, fix: Fix | None = None) -> Finding:
    line = "- [Gone](https://dead.example/gone) : an item."
    edits = tuple((Position(3, 10), Position(3, 35)) for _ in (fix.edits if fix else ()))
    return Finding(path, 3, 10, 3, 35, code, "rule", severity, "message", fix, 0, 0, edits, line)


def test_archived_replacements_come_from_dead_link_fixes(tmp_path: Path) -> None:
    archived = "https://web.archive.org/web/20240222/https://dead.example/gone"
    fix = Fix("unsafe", "use the archived copy", (TextEdit(0, 0, archived),))
    findings = [
        _finding("contents/a.md", "L001", Severity.ERROR, fix),
        _finding("contents/a.md", "L001", Severity.ERROR),  # dead, no copy found
        _finding("b.md", "W001", Severity.WARNING),
    ]
    facts = [
        SeedFacts(
            "contents/a.md", True, False, 1, 0, "2024-02", (), ("https://dead.example/gone",)
        ),
        SeedFacts("b.md", True, True, 1, 0, "2024-02", (), ()),
    ]
    states = {
        "https://dead.example/gone": LinkState("https://dead.example/gone", "dead", "run"),
    }
    result = aggregate(
        findings, ["contents/a.md", "b.md"], facts, TopicIndex.scan(tmp_path), states
    )
    assert [(row.path, row.line, row.url, row.replacement) for row in result.archived] == [
        ("contents/a.md", 3, "https://dead.example/gone", archived)
    ]
    assert result.cards.links.dead == 1
    assert result.cards.links.oldest_cached is None
    assert result.domains[0].domain == "dead.example"
    assert [(row.folder, row.findings) for row in result.by_folder] == [
        ("contents", 2),
        (".", 1),
    ]


def test_folder_of() -> None:
    assert folder_of("./contents/Blog post/a.md") == "contents/Blog post"
    assert folder_of("a.md") == "."
    assert folder_of("/abs/x/a.md") == "/abs/x"
