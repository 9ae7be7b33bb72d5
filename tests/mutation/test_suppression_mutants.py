"""Suppression comments, each form and corner on a real file: what they silence (the
findings of `seedlint check`), X001's messages, and the bytes `seedlint fix` leaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from seedlint.document import parse_text
from seedlint.registry import load_rules
from seedlint.suppression import find_suppressions, is_suppressed, unused
from tests.helpers import FRONT, LINK, run, write

#: The body of a valid seed, with a `{}` where each test puts its lines.
BODY = f"\n{LINK}\n## Summary\n\n{{}}\n\n## Topics\n"
#: The line of the first body line a test puts in (FRONT is 9 lines, then blank, link,
#: heading, blank).
FIRST = 14


def seed(lines: str, front: str = FRONT) -> str:
    return front + BODY.replace("{}", lines)


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> list[dict[str, Any]]:
    path = write(tmp_path / "seed.md", text)
    code, out, err = run(capsys, "check", "--no-cache", "--format", "json", path)
    assert code in (0, 1), err
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def found(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> list[tuple[Any, ...]]:
    return [(f["code"], f["line"], f["message"]) for f in check(tmp_path, capsys, text)]


def fixed(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> str:
    path = write(tmp_path / "seed.md", text)
    code, _, err = run(capsys, "fix", "--no-cache", "--quiet", path)
    assert code in (0, 1), err
    return path.read_text(encoding="utf-8")


# -- the body's comments -----------------------------------------------------------------


def test_a_lower_case_code_is_a_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = seed("Prose. <!-- seedlint-disable-line w001 -->  ")
    assert found(tmp_path, capsys, text) == []


def test_an_unused_rule_name_is_reported_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed("Prose <!-- seedlint-disable broken-topic-ref --> more.")
    [finding] = check(tmp_path, capsys, text)
    assert (finding["code"], finding["line"], finding["column"]) == ("X001", FIRST, 7)
    assert finding["message"] == "unused suppression of broken-topic-ref"
    assert finding["fix"]["message"] == "remove the unused suppression comment"
    # Inside a paragraph, only the comment goes; the text around it stays.
    assert fixed(tmp_path, capsys, text) == seed("Prose  more.")


def test_an_unused_code_is_cut_from_a_comment_that_serves_keeping_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed("Prose. <!-- seedlint-disable-line trailing-whitespace T001 -->  ")
    [finding] = check(tmp_path, capsys, text)
    assert finding["message"] == "unused suppression of T001"
    assert finding["fix"]["message"] == "remove the unused codes from the comment"
    assert fixed(tmp_path, capsys, text) == seed(
        "Prose. <!-- seedlint-disable-line trailing-whitespace -->  "
    )


def test_an_unused_line_comment_goes_with_the_blanks_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed("Prose. \t <!-- seedlint-disable-line T001 -->")
    assert found(tmp_path, capsys, text) == [("X001", FIRST, "unused suppression of T001")]
    assert fixed(tmp_path, capsys, text) == seed("Prose.")


def test_a_directive_after_another_comment_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One HTML block, the directive 14 characters into it: the next line is covered.
    text = seed("<!-- note --> <!-- seedlint-disable-next-line W001 -->\nProse.  ")
    assert found(tmp_path, capsys, text) == []
    text = seed("<!-- note --> <!-- seedlint-disable-next-line W001 -->\nProse.")
    [finding] = check(tmp_path, capsys, text)
    assert (finding["line"], finding["column"], finding["end_column"]) == (FIRST, 15, 55)


def test_a_disable_covers_its_own_line_and_an_enable_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed(
        "A <!-- seedlint-disable W001 -->  \n\nB  \n\nC <!-- seedlint-enable W001 -->  \n\nD  "
    )
    assert [(code, line) for code, line, _ in found(tmp_path, capsys, text)] == [
        ("W001", FIRST + 4),
        ("W001", FIRST + 6),
    ]


def test_an_enable_of_a_code_already_ended_ends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed(
        "<!-- seedlint-disable W -->\n\n<!-- seedlint-enable W -->\n\n"
        "<!-- seedlint-enable W001 -->\n\nA  "
    )
    assert found(tmp_path, capsys, text) == [
        ("X001", FIRST, "unused suppression of W"),
        ("X001", FIRST + 4, "seedlint-enable of W001 without a disable before it"),
        ("W001", FIRST + 6, "trailing whitespace"),
    ]


def test_a_second_enable_of_every_code_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed(
        "<!-- seedlint-disable -->\nA  \n\n<!-- seedlint-enable -->\nB  \n\n"
        "<!-- seedlint-enable -->\nC  "
    )
    assert found(tmp_path, capsys, text) == [
        ("W001", FIRST + 4, "trailing whitespace"),
        ("X001", FIRST + 6, "seedlint-enable without a seedlint-disable before it"),
        ("W001", FIRST + 7, "trailing whitespace"),
    ]


def test_an_enable_naming_an_unknown_code_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seed("A.\n\n<!-- seedlint-enable Q999 W001 -->")
    [finding] = check(tmp_path, capsys, text)
    assert finding["message"] == (
        "seedlint-enable of Q999 (unknown code), W001 without a disable before it"
    )
    assert finding["fix"]["message"] == "remove the unused suppression comment"


# -- comments that head the body cover the front matter -------------------------------------

UNQUOTED = FRONT.replace("'2024-02-22'", "2024-02-22")  # F201 on line 8


def test_a_later_disable_does_not_reach_above_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The heading comment covers the front matter; the second, below prose, does not.
    text = UNQUOTED + (
        f"<!-- seedlint-disable F201 -->\n\n{LINK}\n## Summary\n\nA  \n\n"
        "<!-- seedlint-disable W001 -->\n\nB  \n\n## Topics\n"
    )
    assert [(code, line) for code, line, _ in found(tmp_path, capsys, text)] == [("W001", 15)]


def test_a_comment_after_other_html_does_not_head_the_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = UNQUOTED + (
        f"<div>x</div>\n\n<!-- seedlint-disable F201 -->\n\n{LINK}\n## Summary\n\nA.\n\n## Topics\n"
    )
    codes = [code for code, _, _ in found(tmp_path, capsys, text)]
    assert "F201" in codes


def test_a_heading_comment_covers_line_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "   \n<!-- seedlint-disable W001 -->\n" + f"{LINK}\n## Summary\n\nA.\n\n## Topics\n"
    assert "W001" not in [code for code, _, _ in found(tmp_path, capsys, text)]


# -- the front matter's comments ---------------------------------------------------------------


def test_a_hash_in_a_value_is_text_and_a_comment_after_it_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = FRONT.replace(
        "---\n", '---\nnote: "# seedlint: ignore[W001]"\n# seedlint: ignore[F102]\n', 1
    ).replace("\nlink:", "\nlink:", 1)
    codes = [code for code, _, _ in found(tmp_path, capsys, seed("A  ", front=front))]
    assert "F102" not in codes  # `note` is unknown, and the comment silences it
    assert "W001" in codes  # the `#` inside the quoted value is not a comment


def test_an_unused_yaml_comment_is_removed_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = FRONT.replace("---\n", "---\n# seedlint: ignore[T001]\n", 1)
    text = seed("A.", front=front)
    [finding] = check(tmp_path, capsys, text)
    assert (finding["line"], finding["message"]) == (2, "unused suppression of T001")
    assert fixed(tmp_path, capsys, text) == seed("A.")


def test_an_unused_code_is_cut_from_a_yaml_comment_keeping_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = FRONT.replace("---\n", "---\n# seedlint: ignore[trailing-whitespace, T001]\n", 1)
    text = seed("A  ", front=front)
    assert fixed(tmp_path, capsys, text) == seed(
        "A  ", front=FRONT.replace("---\n", "---\n# seedlint: ignore[trailing-whitespace]\n", 1)
    )


def test_a_yaml_like_comment_in_the_body_is_not_a_yaml_suppression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = FRONT.replace("---\n", "---\n# seedlint: ignore[F102]\n", 1)
    text = seed("```yaml\n# seedlint: ignore[W001]\n```\n\nA  ", front=front)
    codes = [code for code, _, _ in found(tmp_path, capsys, text)]
    assert "W001" in codes


def test_a_file_without_front_matter_is_linted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{LINK}\n## Summary\n\nA  <!-- seedlint-disable-line T001 -->\n\n## Topics\n"
    codes = [code for code, _, _ in found(tmp_path, capsys, text)]
    assert codes[0] == "F001"
    assert "X001" in codes


# -- the library's calls: unused() without the run's codes, and with them -------------------


def test_unused_without_the_run_judges_every_comment() -> None:
    doc = parse_text(
        "p.md",
        seed(
            "<!-- seedlint-enable -->\n\n<!-- seedlint-disable-next-line -->\nA  \n\n"
            "<!-- seedlint-disable-next-line -->\nB\n\n<!-- seedlint-disable-line W002 -->"
        ),
    )
    suppressions = find_suppressions(doc)
    assert is_suppressed(suppressions, "W001", FIRST + 3)
    problems = list(unused(suppressions))
    removal = "remove the unused suppression comment"
    assert [(p.message, p.fix.message if p.fix else "") for p in problems] == [
        ("seedlint-enable without a seedlint-disable before it", removal),
        ("unused suppression of all codes", removal),
        ("unused suppression of W002", removal),
    ]
    assert [doc.lines.position(p.start).line for p in problems] == [FIRST, FIRST + 5, FIRST + 8]
    assert problems[1].fix is not None
    assert [(e.start, e.end, e.content) for e in problems[1].fix.edits] == [
        (
            doc.lines.line_span(FIRST + 5)[0],
            doc.lines.line_span(FIRST + 5)[1],
            "",
        )
    ]
    rules = load_rules()
    # Every rule ran: the same verdicts. One rule did not: no verdict on "every code".
    assert len(list(unused(suppressions, set(rules), rules))) == 3
    some = set(rules) - {"L001"}
    assert [p.message for p in unused(suppressions, some, rules)] == [
        "seedlint-enable without a seedlint-disable before it",
        "unused suppression of W002",
    ]


def test_two_codes_kept_are_written_back_separated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # F102 in the front matter and W001 in the body serve; T001 does not.
    front = FRONT.replace("\n---\n", "\nzebra: 1\n---\n").replace(
        "---\n", "---\n# seedlint: ignore[W001, F102, T001]\n", 1
    )
    assert fixed(tmp_path, capsys, seed("A  ", front=front)) == seed(
        "A  ", front=front.replace("W001, F102, T001", "W001, F102")
    )
    body = seed("A  ", front=FRONT.replace("\n---\n", "\nzebra: 1\n---\n"))
    head = body.replace("\n\n" + LINK, "\n<!-- seedlint-disable W001 F102 T001 -->\n\n" + LINK, 1)
    assert fixed(tmp_path, capsys, head) == head.replace("W001 F102 T001", "W001 F102")


def test_an_unused_line_comment_s_edit_starts_after_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [finding] = check(tmp_path, capsys, seed("Prose. \t <!-- seedlint-disable-line T001 -->"))
    [edit] = finding["fix"]["edits"]
    assert (edit["line"], edit["column"], edit["end_column"], edit["content"]) == (
        FIRST,
        7,
        45,
        "",
    )


def test_unused_with_the_enabled_codes_only_judges_every_code() -> None:
    doc = parse_text("p.md", seed("<!-- seedlint-disable-line W002 -->"))
    problems = list(unused(find_suppressions(doc), set(load_rules())))
    assert [p.message for p in problems] == ["unused suppression of W002"]
