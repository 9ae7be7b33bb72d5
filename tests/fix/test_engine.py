"""The edit engine alone: one sweep, overlaps refused, conventions kept."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from seedlint.findings import TextEdit
from seedlint.fixer import Candidate, Conventions, apply_fixes, majority_newline, splice


def _candidate(code: str, *edits: tuple[int, int, str]) -> Candidate:
    return Candidate(code, "fix", tuple(TextEdit(*edit) for edit in edits))


def test_edits_are_spliced_into_the_original_offsets() -> None:
    text = "abcdef"
    fixed, applied = apply_fixes(
        text,
        [_candidate("A", (4, 6, "XY!")), _candidate("B", (0, 1, "")), _candidate("C", (2, 2, "-"))],
    )
    assert fixed == "b-cdXY!"
    assert [c.code for c in applied] == ["B", "C", "A"]


def test_overlapping_fix_waits_for_the_next_pass() -> None:
    first = _candidate("A", (0, 4, "1234"))
    later = _candidate("B", (2, 6, "zz"))
    fixed, applied = apply_fixes("abcdefgh", [later, first])
    assert fixed == "1234efgh"
    assert applied == [first]


def test_two_insertions_at_one_point_are_not_applied_together() -> None:
    fixed, applied = apply_fixes("ab", [_candidate("A", (1, 1, "x")), _candidate("B", (1, 1, "y"))])
    assert fixed == "axb" and [c.code for c in applied] == ["A"]


def test_an_insertion_at_the_start_of_a_replacement_waits() -> None:
    fixed, applied = apply_fixes(
        "abcd", [_candidate("A", (1, 3, "Z")), _candidate("B", (1, 1, "i"))]
    )
    assert len(applied) == 1 and fixed in ("aZd", "aibcd")


def test_an_insertion_at_the_end_of_a_replacement_is_fine() -> None:
    fixed, applied = apply_fixes(
        "abcd", [_candidate("A", (1, 3, "Z")), _candidate("B", (3, 3, "i"))]
    )
    assert fixed == "aZid" and len(applied) == 2


def test_the_same_edit_offered_twice_is_applied_once() -> None:
    one = _candidate("X001", (0, 2, ""))
    fixed, applied = apply_fixes("abcd", [one, _candidate("X001", (0, 2, ""))])
    assert fixed == "cd" and len(applied) == 2  # both findings are fixed


def test_a_fix_is_applied_whole_or_not_at_all() -> None:
    blocker = _candidate("A", (0, 1, "!"))
    multi = _candidate("B", (0, 1, "X"), (5, 6, "?"))
    fixed, applied = apply_fixes("abcdefg", [multi, blocker])
    assert fixed == "!bcdefg" and applied == [blocker]


def test_edits_outside_the_text_or_overlapping_each_other_are_dropped() -> None:
    fixed, applied = apply_fixes(
        "abc", [_candidate("A", (2, 9, "")), _candidate("B", (0, 2, "x"), (1, 3, "y"))]
    )
    assert fixed == "abc" and applied == []


@st.composite
def _text_and_edits(draw: st.DrawFn) -> tuple[str, list[Candidate]]:
    text = draw(st.text(alphabet="ab\r\n", max_size=30))
    candidates = []
    for index in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        candidates.append(_candidate(f"C{index}", (start, end, draw(st.text("XY\n", max_size=3)))))
    return text, candidates


@given(_text_and_edits())
def test_applied_edits_never_overlap_and_keep_everything_else(
    drawn: tuple[str, list[Candidate]],
) -> None:
    text, candidates = drawn
    fixed, applied = apply_fixes(text, candidates)
    edits = sorted({e for c in applied for e in c.edits}, key=lambda e: (e.start, e.end))
    for a, b in itertools.pairwise(edits):
        assert a.end <= b.start and (a.start, a.end) != (b.start, b.end)
    # Reverse-order splicing, pre-commit's way, gives the same text.
    expected = text
    for edit in reversed(edits):
        expected = expected[: edit.start] + edit.content + expected[edit.end :]
    assert fixed == expected == splice(text, edits)


def test_conventions_of_a_crlf_file_without_final_newline() -> None:
    conventions = Conventions.of("a\r\nb\r\nc", has_bom=True)
    assert conventions == Conventions(True, "\r\n", False)
    assert conventions.adapt("## Topics\n\n") == "## Topics\r\n\r\n"
    assert conventions.adapt("\r\n") == "\r\n"  # chosen on purpose (W002)
    assert conventions.restore("a\r\nb\r\nc\r\n") == "a\r\nb\r\nc"
    assert conventions.encode("x") == b"\xef\xbb\xbfx"


def test_a_final_newline_stays() -> None:
    conventions = Conventions.of("a\nb\n", has_bom=False)
    assert conventions.restore("a\nb") == "a\nb\n"
    assert conventions.adapt("x\n") == "x\n"


def test_majority_newline_ties_go_to_lf() -> None:
    assert majority_newline("a\r\nb\nc") == "\n"
    assert majority_newline("a\r\nb\r\nc\n") == "\r\n"
    assert majority_newline("a\rb\rc\n") == "\r"
    assert majority_newline("") == "\n"
