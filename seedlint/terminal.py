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
"""

from __future__ import annotations

import sys
from typing import TextIO

_PICTURES: dict[int, int] = {code: 0x2400 + code for code in range(0x20) if code != 0x09}
_PICTURES[0x7F] = 0x2421  # DEL
_PICTURES.update({code: 0xFFFD for code in range(0x80, 0xA0)})
_PICTURES.update({code: 0xFFFD for code in range(0xDC80, 0xDCA0)})


def visible(text: str) -> str:
    """``text`` with every control character but the tab shown as a visible symbol."""
    return text.translate(_PICTURES)


def visible_on_tty(text: str, stream: TextIO | None = None) -> str:
    """``text`` made visible, but for its newlines, when ``stream`` (default: stdout) is a
    terminal; unchanged otherwise. For output a program reads back byte for byte when
    piped (a diff for `patch`), and a person reads on a terminal. A carriage return shows
    as ``␍``, the line ending of a CRLF file included."""
    target = sys.stdout if stream is None else stream
    try:
        tty = target.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return text
    # Many lines (a diff): each made visible, the line breaks kept.
    return "\n".join(visible(line) for line in text.split("\n"))


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
