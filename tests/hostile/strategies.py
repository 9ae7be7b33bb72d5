"""Hypothesis strategies for hostile seeds: random bytes, and the real seed mutated.

Mutations are byte-level (so that they can break UTF-8, line endings and fences) and draw
their insertions from a list of tokens that mean something to YAML, CommonMark, the
suppression comments or the decoder: random bytes alone would almost never reach the
front matter reader or a rule, mutations of a real seed reach all of them.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.helpers import real_seed_text

SEED = real_seed_text().encode("utf-8")

TOKENS: tuple[bytes, ...] = tuple(
    token if isinstance(token, bytes) else token.encode("utf-8")
    for token in (
        # structure
        "---",
        "---\n",
        "\n",
        "\r",
        "\r\n",
        "\t",
        "  ",
        # YAML
        ": ",
        "- ",
        "? ",
        "&a ",
        "*a",
        "<<: *a\n",
        "!!python/object/apply:os.system ['exit 7'] ",
        "!!binary ",
        "!local ",
        "{",
        "}",
        "[",
        "]",
        "'",
        '"',
        "|\n",
        ">-\n",
        "~",
        "0x1F",
        "9" * 40,
        "2024-13-45",
        "already_read: yes\n",
        "tags: [a b, '#c', c]\n",
        # Markdown and the seed's conventions
        "## Summary\n",
        "## Links\n",
        "## Topics\n",
        "# Title\n",
        "### Deep\n",
        "```\n",
        "> ",
        "* ",
        "1. ",
        "![](topics/Concept/Pre%20training)",
        "![](topics/Concept/Nope Here)",
        "[[Concept/LLM Alignment]]",
        "[t](https://example.org) : d\n",
        "- [T](not a url) : d\n",
        "<https://x.y>",
        "<div>",
        "\\",
        "`",
        "|a|b|\n|-|-|\n",
        "[^1]",
        # suppressions
        "# seedlint: ignore[F102,W001]\n",
        "<!-- seedlint-disable W001 -->",
        "<!-- seedlint-disable-line T002 -->",
        "<!-- seedlint-disable-line -->",
        # Unicode
        "é",
        "日本",
        "😀",
        "\u0430",  # Cyrillic a
        "\u200b",
        "\u2028",
        "\x85",
        "\ufeff",
        "\x01",
        # bytes that are not UTF-8 on their own
        b"\xff",
        b"\xc3",
        b"\xe9",
        b"\x00",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
    )
)


@st.composite
def mutated_seed(draw: st.DrawFn, base: bytes = SEED) -> bytes:
    """The real seed with one to eight insertions, deletions, copies and swaps."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 8))):
        operation = draw(st.sampled_from(("insert", "delete", "replace", "copy", "swap", "eol")))
        at = draw(st.integers(0, len(data)))
        if operation == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif operation == "delete":
            data[at : at + draw(st.integers(1, 40))] = b""
        elif operation == "replace":
            data[at : at + draw(st.integers(1, 10))] = draw(st.sampled_from(TOKENS))
        elif operation == "copy":
            size = draw(st.integers(1, 200))
            data[at:at] = data[draw(st.integers(0, len(data))) :][:size]
        elif operation == "swap":
            lines = bytes(data).split(b"\n")
            first = draw(st.integers(0, len(lines) - 1))
            second = draw(st.integers(0, len(lines) - 1))
            lines[first], lines[second] = lines[second], lines[first]
            data = bytearray(b"\n".join(lines))
        else:
            newline = draw(st.sampled_from((b"\r\n", b"\r")))
            count = draw(st.integers(1, 60))
            data = bytearray(bytes(data).replace(b"\n", newline, count))
    return bytes(data)


#: Anything a file might hold: arbitrary bytes, arbitrary text, or a damaged seed.
any_file = st.one_of(
    st.binary(max_size=2048),
    st.text(max_size=2048).map(lambda text: text.encode("utf-8", "surrogatepass")),
    mutated_seed(),
)
