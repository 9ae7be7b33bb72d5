"""Suppression comments as markdownlint users expect them: `disable` from its line on,
`enable` ending it, `disable-file`, rule names, and X001 for comments that serve nothing.

Every test runs the real command line on a real file and reads its JSON report (or the
bytes `seedlint fix` leaves on disk).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FRONT_KEYS, LINK, run, write

# The front matter takes lines 1-9; the body starts on line 10 (blank), 11 is the source.
NOISY_FRONT = FRONT_KEYS.replace("link:", "colour: blue\nlink:", 1)  # F102 on line 3


def seed(*body_lines: str, front: str = FRONT_KEYS) -> str:
    """A seed whose body (from line 10 with the default front matter) is these lines."""
    return f"---\n{front}---\n" + "\n".join(["", LINK, "## Summary", "", *body_lines]) + "\n"


def report(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = run(
        capsys, "check", "--offline", "--no-cache", "--format", "json", *args, path
    )
    assert code in (0, 1), err
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def spots(findings: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(finding["code"], finding["line"]) for finding in findings]


def messages(findings: list[dict[str, Any]], code: str = "X001") -> list[str]:
    return [finding["message"] for finding in findings if finding["code"] == code]


def test_disable_applies_from_its_line_and_enable_ends_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "seed.md",
        seed(
            "One.   ",  # 14: before the disable, reported
            "<!-- seedlint-disable W001 -->",  # 15
            "Two.   ",  # 16
            "",
            "Three.   ",  # 18
            "<!-- seedlint-enable W001 -->",  # 19
            "Four.   ",  # 20: after the enable, reported
            "",
            "## Topics",
        ),
    )
    assert spots(report(capsys, path)) == [("W001", 14), ("W001", 20)]


def test_a_disable_without_enable_runs_to_the_end_of_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ("One.   ", "<!-- seedlint-disable W001 -->", "Two.   ", "", "## Topics  ")
    assert spots(report(capsys, write(tmp_path / "s.md", seed(*lines)))) == [("W001", 14)]


def test_a_disable_in_the_middle_does_not_reach_the_front_matter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The F102 on line 3 comes before the comment: reported, and the comment is unused.
    text = seed("Prose.", "<!-- seedlint-disable F102 -->", "", "## Topics", front=NOISY_FRONT)
    findings = report(capsys, write(tmp_path / "s.md", text))
    assert spots(findings) == [("F102", 3), ("X001", 16)]
    assert messages(findings) == ["unused suppression of F102"]


def test_a_disable_heading_the_body_covers_the_whole_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before any content of the body (blank lines and comments only above it), a disable
    # is the whole-file form it has always been: the front matter's F102 is covered.
    text = f"---\n{NOISY_FRONT}---\n\n<!-- a note -->\n<!-- seedlint-disable F102 -->\n\n{LINK}\n"
    text += "## Summary\n\nProse.\n\n## Topics\n"
    assert report(capsys, write(tmp_path / "s.md", text)) == []


def test_disable_file_anywhere_and_enable_does_not_end_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed(
        "One.   ",
        "<!-- seedlint-enable W001 -->",  # 15: nothing to end (-disable-file is not ended)
        "Two.   ",
        "",
        "## Topics",
        "",
        "<!-- seedlint-disable-file W001 F102 -->",
        front=NOISY_FRONT,
    )
    findings = report(capsys, write(tmp_path / "s.md", text))
    assert spots(findings) == [("X001", 16)]
    assert messages(findings) == ["seedlint-enable of W001 without a disable before it"]


def test_an_enable_without_a_disable_is_x001_and_fix_removes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = seed("Prose.", "", "## Topics")
    path = write(tmp_path / "s.md", clean.replace("Prose.\n", "Prose.\n<!-- seedlint-enable -->\n"))
    findings = report(capsys, path)
    assert spots(findings) == [("X001", 15)]
    assert messages(findings) == ["seedlint-enable without a seedlint-disable before it"]
    assert findings[0]["fix"]["applicability"] == "safe"
    code, _, err = run(capsys, "fix", "--offline", "--no-cache", path)
    assert code == 0, err
    assert path.read_text(encoding="utf-8") == clean


def test_an_enable_naming_more_than_was_disabled_keeps_what_it_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed(
        "<!-- seedlint-disable W001 -->",
        "Two.   ",
        "<!-- seedlint-enable W001, S004 -->",  # 16
        "",
        "## Topics",
    )
    path = write(tmp_path / "s.md", text)
    findings = report(capsys, path)
    assert spots(findings) == [("X001", 16)]
    assert messages(findings) == ["seedlint-enable of S004 without a disable before it"]
    run(capsys, "fix", "--offline", "--no-cache", path)
    fixed = path.read_text(encoding="utf-8")
    assert "<!-- seedlint-enable W001 -->\n" in fixed
    assert "Two.   \n" in fixed  # the suppressed finding's line is left as it was


def test_enable_of_one_code_after_a_blanket_disable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed(
        "<!-- seedlint-disable -->",
        "One.   ",
        "<!-- seedlint-enable W001 -->",
        "Two.   ",  # 17: W001 is back
        "",
        "## Links",
        "",
        "- [Careers](/careers) : Jobs.",  # 21: L003 still disabled
        "",
        "## Topics",
    )
    assert spots(report(capsys, write(tmp_path / "s.md", text))) == [("W001", 17)]
    # Without the comments, both are there: the test sees what it thinks it sees.
    bare = "\n".join(line for line in text.splitlines() if "seedlint-" not in line) + "\n"
    assert {code for code, _ in spots(report(capsys, write(tmp_path / "s.md", bare)))} == {
        "W001",
        "L003",
    }


def test_a_prefix_disable_and_a_code_enable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed(
        "<!-- seedlint-disable W -->",
        "One.   ",
        "<!-- seedlint-enable W001 -->",
        "Two.   ",  # 17
        "",
        "## Topics",
    )
    assert spots(report(capsys, write(tmp_path / "s.md", text))) == [("W001", 17)]


def test_rule_names_work_like_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = seed(
        "<!-- seedlint-disable trailing-whitespace -->",
        "One.   ",
        "<!-- seedlint-enable trailing-whitespace -->",
        "<!-- seedlint-disable-next-line trailing-whitespace -->",
        "Two.   ",
        "",
        "## Topics",
    )
    assert report(capsys, write(tmp_path / "s.md", text)) == []


def test_unknown_codes_and_names_are_x001(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed(
        "<!-- seedlint-disable W001 Q999 trailing-whitespaces -->",
        "One.   ",
        "",
        "## Topics",
    )
    path = write(tmp_path / "s.md", text)
    findings = report(capsys, path)
    assert spots(findings) == [("X001", 14)]
    assert messages(findings) == [
        "unused suppression of Q999 (unknown code), trailing-whitespaces (unknown code)"
    ]
    run(capsys, "fix", "--offline", "--no-cache", path)
    assert "<!-- seedlint-disable W001 -->\nOne.   \n" in path.read_text(encoding="utf-8")


def test_the_cache_keeps_the_extent_of_each_disable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "s.md",
        seed(
            "One.   ",
            "<!-- seedlint-disable W001 -->",
            "Two.   ",
            "<!-- seedlint-enable -->",
            "Three.   ",
            "",
            "## Topics",
        ),
    )
    runs = []
    for _ in range(2):  # the second run reads the first one's cache
        code, out, err = run(capsys, "check", "--offline", "--format", "json", "s.md")
        assert code == 1, err
        runs.append(spots(json.loads(out)["findings"]))
    assert (tmp_path / ".seedlint_cache").is_dir()
    assert runs == [[("W001", 14), ("W001", 18)]] * 2


def test_fix_removes_an_enable_of_a_cross_file_code_that_ends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Whether a disable of C001 was used needs the whole run; whether an enable ends a
    # disable is in the file alone, so `seedlint fix` may remove it.
    clean = seed("Prose.", "", "## Topics")
    path = write(
        tmp_path / "s.md", clean.replace("Prose.\n", "Prose.\n<!-- seedlint-enable C001 -->\n")
    )
    assert messages(report(capsys, path)) == ["seedlint-enable of C001 without a disable before it"]
    code, _, err = run(capsys, "fix", "--offline", "--no-cache", path)
    assert code == 0, err
    assert path.read_text(encoding="utf-8") == clean
