"""Text that is safe to print to a terminal, and its width in terminal columns.

File names, folder names, messages that quote a seed, notes and error messages all carry
text from the repository, which is untrusted: an ``ESC ] 0 ; ... BEL`` in a folder name
would retitle the reader's terminal, ``ESC [ 2 J`` clear it, a carriage return overwrite
the line before. As ruff does with the source lines it quotes, every control character is
shown as its visible stand-in from Unicode's "Control Pictures" block (U+2400..U+2421:
ESC is ``␛``, BEL ``␇``, a newline ``␊``), one column wide, so each finding stays one line
and carets stay aligned. The C1 controls (U+0080..U+009F) have no pictures: they become
U+FFFD, as does a byte of a non-UTF-8 file name that would be read as a C1 control (Python
carries such a byte as a lone surrogate, U+DC80..U+DC9F, and writes it back raw).

Only the tab is kept: it moves the cursor and nothing else, and the excerpt of a source
line expands it to spaces before measuring.

Invisible format characters (Unicode category Cf) do not drive the terminal, but they
change what the reader sees: the bidirectional embeddings, overrides and isolates
(U+202A..U+202E, U+2066..U+2069) and the marks U+200E, U+200F and U+061C reorder the text
around them ("Trojan Source": a name that reads `seed.md` but is another one), and zero
width spaces, word joiners, soft hyphens, the BOM and the tag characters hide text. Each
is shown by its code point, ``<U+202E>``, as are the line and paragraph separators
U+2028 and U+2029 (some terminals and viewers break the line there). Two joiners are kept
where writing needs them: the zero width joiner U+200D and non-joiner U+200C between two
non-ASCII letters, marks or symbols (an emoji sequence such as a family or ``❤️‍🔥``,
Persian and Indic words); anywhere else (alone, next to ASCII, at either end) they are
shown too. Tag characters (U+E0020..U+E007F) are kept only in the one place emoji use
them: after U+1F3F4 (a black flag), ending with U+E007F, as the flags of England,
Scotland and Wales are written. Which characters are Cf comes from the running Python's
Unicode database, so a character added by a later Unicode version is covered when Python
knows it.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import TextIO

_PICTURES: dict[int, int] = {code: 0x2400 + code for code in range(0x20) if code != 0x09}
_PICTURES[0x7F] = 0x2421  # DEL
_PICTURES.update({code: 0xFFFD for code in range(0x80, 0xA0)})
_PICTURES.update({code: 0xFFFD for code in range(0xDC80, 0xDCA0)})


#: Runs of non-ASCII characters: the only place an invisible format character can be.
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_JOINERS = frozenset("\u200c\u200d")
#: What may stand on both sides of a kept joiner: letters, marks, and the symbols emoji are.
_JOINABLE = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "So", "Sk"})
_BLACK_FLAG = "\U0001f3f4"
_CANCEL_TAG = "\U000e007f"
_TAGS = range(0xE0020, 0xE0080)


def visible(text: str) -> str:
    """``text`` with every control character but the tab shown as a visible symbol, and
    every invisible format character (bidi controls, zero width characters...) by its
    code point, ``<U+202E>``; joiners inside emoji and words are kept (module docstring)."""
    if text.isascii() and text.isprintable():
        return text  # nothing to show: a report's every path and line goes through here
    text = text.translate(_PICTURES)
    if text.isascii():  # nearly every path, message and line: no scan at all
        return text
    return _NON_ASCII.sub(_shown_run, text)


def _hidden(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or char in "\u2028\u2029"


def _shown_run(match: re.Match[str]) -> str:
    run = match.group()
    if not any(map(_hidden, run)):
        return run
    shown: list[str] = []
    flag_tags = _flag_tags(run)
    for index, char in enumerate(run):
        if not _hidden(char) or index in flag_tags or _joins(run, index):
            shown.append(char)
        else:
            shown.append(f"<U+{ord(char):04X}>")
    return "".join(shown)


def _joins(run: str, index: int) -> bool:
    """A joiner between two characters that writing joins (inside the same run)."""
    if run[index] not in _JOINERS or index == 0 or index == len(run) - 1:
        return False
    before, after = run[index - 1], run[index + 1]
    return unicodedata.category(before) in _JOINABLE and unicodedata.category(after) in _JOINABLE


def _flag_tags(run: str) -> set[int]:
    """Indexes of the tag characters that spell a subdivision flag (black flag, tags,
    cancel tag); any other tag character is shown."""
    kept: set[int] = set()
    start = run.find(_BLACK_FLAG)
    while start >= 0:
        end = start + 1
        while end < len(run) and ord(run[end]) in _TAGS and run[end] != _CANCEL_TAG:
            end += 1
        if end > start + 1 and end < len(run) and run[end] == _CANCEL_TAG:
            kept.update(range(start + 1, end + 1))
        start = run.find(_BLACK_FLAG, end)
    return kept


def visible_on_tty(text: str, stream: TextIO | None = None) -> str:
    """``text`` made visible, but for its newlines, when ``stream`` (default: stdout) is a
    terminal; unchanged otherwise. For output a program reads back byte for byte when
    piped (a diff for `patch`), and a person reads on a terminal. A carriage return shows
    as ``␍``, the line ending of a CRLF file included."""
    if not is_terminal(sys.stdout if stream is None else stream):
        return text
    # Many lines (a diff): each made visible, the line breaks kept.
    return "\n".join(visible(line) for line in text.split("\n"))


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a closed or odd stream is not)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for CJK and most emoji, none for a
    combining accent; a character wcwidth cannot size (a control) counts as one, which is
    what `visible` turns it into."""
    if text.isascii():
        return len(text)  # the usual case, without the 30 ms wcwidth takes to import
    from wcwidth import wcswidth, wcwidth

    width: int = wcswidth(text)
    if width >= 0:
        return width
    return sum(1 if columns < 0 else columns for columns in map(wcwidth, text))
