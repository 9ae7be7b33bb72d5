"""Offsets to lines and columns, and parser bytes to characters, against a plain reference:
every offset of texts built from the characters that make the fast paths go wrong."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.document import LineIndex, _Offsets, parse_text

#: Line breaks (`\r\n`, `\r`, `\n`), characters `splitlines` also breaks at but seedlint
#: does not, and ASCII.
_LINE_CHARS = st.sampled_from(
    ["a", "b", " ", "\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "é"]
)
_WIDE_CHARS = st.sampled_from(
    ["a", " ", "\n", "é", "ß", "\u07ff", "\u0800", "中", "\uffff", "\U00010000", "😀", "\U0010ffff"]
)


def reference_starts(text: str) -> list[int]:
    """Line starts by reading the text one character at a time."""
    starts = [0]
    index = 0
    while index < len(text):
        if text[index] == "\r" and text[index + 1 : index + 2] == "\n":
            index += 2
            starts.append(index)
            continue
        index += 1
        if text[index - 1] in "\r\n":
            starts.append(index)
    return starts  # a final break starts a last, empty line


def check_positions(text: str) -> None:
    index = LineIndex(text)
    starts = reference_starts(text)
    assert index.starts == starts
    assert index.length == len(text)
    for offset in range(len(text) + 1):
        line = max(number for number, start in enumerate(starts) if start <= offset)
        assert index.position(offset) == (line + 1, offset - starts[line] + 1), offset


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE_CHARS, max_size=30).map("".join))
def test_every_offset_maps_to_its_line_and_column(text: str) -> None:
    check_positions(text)


def test_the_corner_texts() -> None:
    corners = ["", "\n", "\r", "\r\n", "a", "a\n", "a\r", "\n\n", "\r\r\n", "x\x85"]
    # splitlines breaks where seedlint does not, alone or beside real breaks.
    corners += ["a\vb\n", "a\vb", "\v\n", "a\r\nb\vc\r\n", "x\x85y\r", "\u2028\r\n\x1c"]
    for text in corners:
        check_positions(text)
    assert LineIndex("a\nb").starts == [0, 2]
    assert LineIndex("a\nb\n").starts == [0, 2, 4]
    assert LineIndex("a\r\nb\rc\u2028d").starts == [0, 3, 5]


def test_a_text_over_a_megabyte_takes_the_regex_path() -> None:
    line = "x" * 99 + "\n"
    text = line * 10_600 + "a\rb\r\nc\u2028tail"  # just over 1 MiB
    index = LineIndex(text)
    assert len(index.starts) == 10_600 + 3
    assert index.starts[:3] == [0, 100, 200]
    assert index.position(len(line) * 10_600 + 2) == (10_602, 1)
    assert index.position(len(text)) == (10_603, 7)
    assert index.line_span(10_603) == (len(text) - 6, len(text))


def test_line_spans_and_line_texts() -> None:
    text = "first\r\nsecond\rthird\n\nlast"
    index = LineIndex(text)
    assert [index.line_span(line) for line in range(1, 6)] == [
        (0, 7),
        (7, 14),
        (14, 20),
        (20, 21),
        (21, 25),
    ]
    doc = parse_text("p.md", text)
    assert [doc.line_text(line) for line in range(1, 6)] == ["first", "second", "third", "", "last"]


@settings(max_examples=200, deadline=None)
@given(st.lists(_WIDE_CHARS, max_size=40).map("".join), st.integers(0, 9))
def test_every_character_boundary_maps_back(body: str, base: int) -> None:
    offsets = _Offsets(body, base)
    byte = 0
    for index, char in enumerate(body):
        assert offsets(byte) == base + index
        assert type(offsets(byte)) is int  # an offset slices text
        byte += len(char.encode("utf-8"))
    assert offsets(byte) == base + len(body)


def test_the_fast_paths_and_the_segments() -> None:
    body = "ab中c😀😀de"
    offsets = _Offsets(body, 100)
    # ASCII up to the first non-ASCII byte (2), then 3 bytes, 1, 4 + 4, and ASCII again.
    assert offsets.first == 2
    assert offsets.last == 14
    assert offsets.last_shift == 106 - 14  # "de": character 106 at byte 14
    assert offsets.byte_starts == [0, 2, 5, 6, 14]
    assert offsets.char_starts == [100, 102, 103, 104, 106]
    assert offsets.widths == [1, 3, 1, 4, 1]
    expected = [100, 101, 102, 103, 104, 105, 106, 107, 108]
    bytes_at = [0, 1, 2, 5, 6, 10, 14, 15, 16]
    assert [offsets(byte) for byte in bytes_at] == expected
    # A body that opens with a wide character has no ASCII stretch before it.
    opening = _Offsets("éa", 0)
    assert (opening.first, opening.byte_starts, opening.widths) == (0, [0, 2], [2, 1])
    assert [opening(0), opening(2), opening(3)] == [0, 1, 2]
    ascii_only = _Offsets("plain", 7)
    assert ascii_only.byte_starts == [0]
    assert [ascii_only(0), ascii_only(5)] == [7, 12]


def test_runs_of_one_width_are_one_segment_and_mixed_runs_split() -> None:
    same = _Offsets("x中文字y", 0)
    assert (same.byte_starts, same.widths) == ([0, 1, 10], [1, 3, 1])
    mixed = _Offsets("x\u07ff\u0800\U0010ffffy", 0)  # 2, 3 and 4 bytes, one run
    assert (mixed.byte_starts, mixed.char_starts, mixed.widths) == (
        [0, 1, 3, 6, 10],
        [0, 1, 2, 3, 4],
        [1, 2, 3, 4, 1],
    )
    assert [mixed(byte) for byte in (0, 1, 3, 6, 10, 11)] == [0, 1, 2, 3, 4, 5]
    # Two neighbours across each UTF-8 width boundary: never taken for one width.
    for pair, widths in (("\u07ff\u0800", [1, 2, 3, 1]), ("\uffff\U00010000", [1, 3, 4, 1])):
        offsets = _Offsets(f"x{pair}y", 0)
        assert offsets.widths == widths, pair
        first, second = (len(char.encode("utf-8")) for char in pair)
        assert [offsets(b) for b in (1, 1 + first, 1 + first + second)] == [1, 2, 3]
