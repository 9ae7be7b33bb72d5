"""The parser reports UTF-8 byte offsets; every one must map to its character."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.document import _Offsets

# One character of each UTF-8 width, and ASCII between them.
_CHARS = st.sampled_from(["a", " ", "é", "ß", "中", "。", "😀", "\U0001d538"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CHARS, max_size=40).map("".join), st.integers(0, 50))
def test_every_byte_offset_of_a_character_maps_to_it(body: str, base: int) -> None:
    offsets = _Offsets(body, base)
    byte = 0
    for index, char in enumerate(body):
        assert offsets(byte) == base + index
        byte += len(char.encode("utf-8"))
    assert offsets(byte) == base + len(body)


def test_a_mixed_run_whose_bytes_average_one_width_is_split_by_width() -> None:
    # 3 + 2 + 2 + 4 + 4 bytes = 5 characters x 3 bytes: not a run of 3-byte characters.
    body = "中éé😀😀"
    offsets = _Offsets(body, 10)
    assert [offsets(byte) for byte in (0, 3, 5, 7, 11, 15)] == [10, 11, 12, 13, 14, 15]
