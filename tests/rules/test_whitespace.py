"""Whitespace rules W001 and W002: exact spans of the bytes at line ends, and fix results."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.document import parse_text
from seedlint.findings import Problem
from seedlint.rules.whitespace import mixed_line_endings, trailing_whitespace
from tests.helpers import (
    FRONT,
    LINK,
    apply,
    codes,
    found,
    lint_text,
    make_linter,
    real_seed_text,
    where,
)

BODY = f"""
{LINK}
## Summary

Prose.

## Topics
"""


def seed(body: str = BODY) -> str:
    return FRONT + body


def test_real_seed_is_clean() -> None:
    assert not {"W001", "W002"} & set(codes(lint_text(real_seed_text())))


def test_clean_seed_is_clean() -> None:
    assert not {"W001", "W002"} & set(codes(lint_text(seed())))


# -- W001 trailing-whitespace -------------------------------------------------------------


def test_w001_trailing_spaces_in_prose() -> None:
    text = seed(BODY.replace("Prose.", "Prose. "))
    (finding,) = found(text, "W001")
    assert finding.message == "trailing whitespace"
    assert where(finding) == (14, 7, 14, 8)
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert apply(text, finding.fix) == seed()


def test_w001_front_matter_lines_count_even_with_two_spaces() -> None:
    text = seed().replace("type: Content", "type: Content  ")
    (finding,) = found(text, "W001")
    assert where(finding) == (7, 14, 7, 16)
    assert apply(text, finding.fix) == seed()


def test_w001_tab_and_heading() -> None:
    text = seed(BODY.replace("## Summary", "## Summary\t \t"))
    (finding,) = found(text, "W001")
    assert where(finding) == (12, 11, 12, 14)
    assert apply(text, finding.fix) == seed()


def test_w001_whitespace_only_line() -> None:
    text = seed(BODY.replace("Prose.\n\n", "Prose.\n  \n"))
    (finding,) = found(text, "W001")
    assert where(finding) == (15, 1, 15, 3)
    assert apply(text, finding.fix) == seed()


def test_w001_two_spaces_making_a_hard_break_are_allowed() -> None:
    text = seed(BODY.replace("Prose.", "First line  \nsecond line"))
    assert found(text, "W001") == []


def test_w001_hard_break_with_more_spaces_keeps_two() -> None:
    text = seed(BODY.replace("Prose.", "First line    \nsecond line"))
    (finding,) = found(text, "W001")
    assert finding.message == "4 trailing whitespace characters; a hard line break needs two spaces"
    assert where(finding) == (14, 11, 14, 15)
    assert apply(text, finding.fix) == seed(BODY.replace("Prose.", "First line  \nsecond line"))


def test_w001_two_spaces_that_break_nothing_are_reported() -> None:
    # The last line of a paragraph: CommonMark renders no break there (MD009 strict).
    text = seed(BODY.replace("Prose.", "First line\nlast line  "))
    (finding,) = found(text, "W001")
    assert where(finding) == (15, 10, 15, 12)
    assert apply(text, finding.fix) == seed(BODY.replace("Prose.", "First line\nlast line"))


def test_w001_hard_break_inside_a_list_item() -> None:
    text = seed(BODY.replace("Prose.", "- item first  \n  item second"))
    assert found(text, "W001") == []


def test_w001_code_blocks_are_left_alone() -> None:
    fenced = "```python\nx = 1   \n\ty\t\n```"
    indented = "    code   \n    more\t"
    for block in (fenced, indented, "- item\n\n  ```\n  nested  \n  ```"):
        text = seed(BODY.replace("Prose.", f"Prose.\n\n{block}\n"))
        assert found(text, "W001") == [], block


def test_w001_crlf_lines_point_before_the_carriage_return() -> None:
    text = seed(BODY.replace("Prose.", "Prose. ")).replace("\n", "\r\n")
    (finding,) = found(text, "W001")
    assert where(finding) == (14, 7, 14, 8)
    assert apply(text, finding.fix) == seed().replace("\n", "\r\n")


def test_w001_last_line_without_final_newline() -> None:
    text = seed(BODY.rstrip("\n") + "   ")
    (finding,) = found(text, "W001")
    assert where(finding) == (16, 10, 16, 13)
    assert apply(text, finding.fix) == seed(BODY.rstrip("\n"))


# -- W002 mixed-line-endings --------------------------------------------------------------


def test_w002_a_few_crlf_among_lf() -> None:
    text = seed().replace("relevance: 0\n", "relevance: 0\r\n").replace("Prose.\n", "Prose.\r\n")
    (finding,) = found(text, "W002")
    assert finding.message == "mixed line endings (14 LF, 2 CRLF); expected LF"
    # The first CRLF, after `relevance: 0` on line 5.
    assert where(finding) == (5, 13, 6, 1)
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert len(finding.fix.edits) == 2
    assert apply(text, finding.fix) == seed()


def test_w002_majority_crlf_wins() -> None:
    text = seed().replace("\n", "\r\n").replace("Prose.\r\n", "Prose.\n")
    (finding,) = found(text, "W002")
    assert finding.message == "mixed line endings (1 LF, 15 CRLF); expected CRLF"
    assert where(finding) == (14, 7, 15, 1)
    assert apply(text, finding.fix) == seed().replace("\n", "\r\n")


def test_w002_tie_goes_to_lf_and_lone_cr_counts() -> None:
    text = "a\r\nb\nc\rd\n"
    (finding,) = found(text, "W002")
    assert finding.message == "mixed line endings (2 LF, 1 CRLF, 1 CR); expected LF"
    assert where(finding) == (1, 2, 2, 1)
    assert apply(text, finding.fix) == "a\nb\nc\nd\n"


def test_w002_one_kind_is_fine() -> None:
    assert found(seed(), "W002") == []
    assert found(seed().replace("\n", "\r\n"), "W002") == []


# -- properties ---------------------------------------------------------------------------

_CONTEXT = make_linter().context
_LINES = re.compile(r"\r\n|\r|\n")
_PIECES = st.sampled_from(
    ["a", "b c", " ", "  ", "\t", "\n", "\r\n", "\r", "```", "    ", "- ", "# ", "---", "> "]
)


def _apply_all(text: str, problems: list[Problem]) -> str:
    edits = sorted(
        (edit for problem in problems if problem.fix for edit in problem.fix.edits),
        key=lambda edit: edit.start,
        reverse=True,
    )
    for edit in edits:
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_w002_fix_leaves_one_kind_of_line_ending(text: str) -> None:
    problems = list(mixed_line_endings.check(parse_text("p.md", text), _CONTEXT))
    fixed = _apply_all(text, problems)
    assert list(mixed_line_endings.check(parse_text("p.md", fixed), _CONTEXT)) == []
    assert fixed.replace("\r\n", "\n").replace("\r", "\n") == text.replace("\r\n", "\n").replace(
        "\r", "\n"
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_w001_spans_are_trailing_blanks_and_fixes_only_touch_them(text: str) -> None:
    doc = parse_text("p.md", text)
    problems = list(trailing_whitespace.check(doc, _CONTEXT))
    for problem in problems:
        assert problem.end > problem.start
        assert set(text[problem.start : problem.end]) <= {" ", "\t"}
        assert text[problem.end : problem.end + 1] in ("", "\n", "\r")
    fixed = _apply_all(text, problems)
    # Only blanks at line ends went away; every other character is where it was.
    assert [line.rstrip(" \t") for line in _LINES.split(fixed)] == [
        line.rstrip(" \t") for line in _LINES.split(text)
    ]
