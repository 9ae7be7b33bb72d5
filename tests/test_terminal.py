"""Text from the repository never drives the reader's terminal (issue 11).

A folder named ``ESC ] 0 ; title BEL`` (an OSC sequence that retitles the terminal) is
made for real in a temporary folder, and the real CLI runs on it in a child process: its
reports, notes and errors on stdout and stderr show ``␛`` and ``␇`` instead, and carry no
control character at all. `fix --diff` stays byte-exact in a pipe (`patch` reads it) and
turns visible on a terminal (a real pseudo-terminal here).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from seedlint.terminal import display_width, visible, visible_on_tty
from tests.helpers import real_seed_text

TITLE = "\x1b]0;pwned\x07"  # OSC 0: set the window title to "pwned"
SHOWN = "\u241b]0;pwned\u2407"  # as seedlint prints it
#: The real seed with one finding (F104 at 10:7, an unsafe fix) and one safe fix (W001).
FLAWED = (
    real_seed_text()
    .replace("type: Content", "type: paper")
    .replace("## Summary\n", "## Summary   \n", 1)
)


def seedlint(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1"}  # no escape sequence of seedlint's own either
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def assert_no_controls(data: bytes) -> None:
    text = data.decode("utf-8", errors="surrogateescape")
    controls = sorted({char for char in text if ord(char) < 0x20 and char not in "\n\t"})
    assert controls == [], controls
    assert "\x7f" not in text and not any(0x80 <= ord(char) < 0xA0 for char in text)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / TITLE
    folder.mkdir()
    (folder / "seed.md").write_text(FLAWED, encoding="utf-8")
    return folder


@pytest.mark.parametrize("output_format", ["text", "concise"])
def test_reports_show_the_folder_name_with_visible_symbols(
    hostile: Path, output_format: str
) -> None:
    ran = seedlint("check", "--offline", "--format", output_format, TITLE, cwd=hostile.parent)
    assert ran.returncode == 1, ran.stderr
    assert_no_controls(ran.stdout)
    assert_no_controls(ran.stderr)
    out = ran.stdout.decode()
    if output_format == "text":
        assert f"  --> {SHOWN}/seed.md:10:7\n" in out
    else:
        assert f"{SHOWN}/seed.md:10:7: F104 type 'paper' is not allowed" in out
    assert f"{SHOWN}/seed.md:" in out


def test_notes_on_stderr_show_visible_symbols(hostile: Path) -> None:
    # No topics folder in the configuration folder (the current one): a note names it.
    ran = seedlint("check", "--offline", ".", cwd=hostile)
    assert ran.returncode == 1
    err = ran.stderr.decode()
    assert f"seedlint: note: no topics folder at {hostile.parent}/{SHOWN}/topics" in err
    assert_no_controls(ran.stderr)


def test_errors_on_stderr_show_visible_symbols(hostile: Path) -> None:
    (hostile / "seedlint.toml").write_text('ignor = ["F204"]\n', encoding="utf-8")
    ran = seedlint("check", "--offline", TITLE, cwd=hostile.parent)
    assert ran.returncode == 2
    assert ran.stdout == b""
    assert ran.stderr.decode().startswith(
        f"seedlint: error: {hostile.parent}/{SHOWN}/seedlint.toml"
    )
    assert_no_controls(ran.stderr)


def test_fix_lists_fixed_files_with_visible_symbols(hostile: Path) -> None:
    ran = seedlint("fix", "--offline", "--show-fixes", TITLE, cwd=hostile.parent)
    assert ran.returncode == 1  # the unsafe F104 is left
    assert f"- {SHOWN}/seed.md:\n    1 \u00d7 W001 (trailing-whitespace)\n" in ran.stdout.decode()
    assert_no_controls(ran.stdout)
    assert_no_controls(ran.stderr)
    assert "## Summary\n" in (hostile / "seed.md").read_text(encoding="utf-8")


def test_a_diff_is_exact_in_a_pipe_and_visible_on_a_terminal(hostile: Path) -> None:
    piped = seedlint("check", "--offline", "--diff", TITLE, cwd=hostile.parent)
    assert piped.returncode == 1
    assert f"--- {TITLE}/seed.md\n".encode() in piped.stdout  # what `patch` must read
    primary, replica = os.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "seedlint", "check", "--offline", "--diff", TITLE],
            cwd=hostile.parent,
            env={**os.environ, "NO_COLOR": "1"},
            stdout=replica,
            stderr=subprocess.DEVNULL,
        )
        os.close(replica)
        chunks = []
        while True:
            ready, _, _ = select.select([primary], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait(timeout=60) == 1
    finally:
        os.close(primary)
    shown = b"".join(chunks).replace(b"\r\n", b"\n")  # the terminal's own line ends
    assert f"--- {SHOWN}/seed.md\n".encode() in shown
    assert_no_controls(shown)


def test_visible_maps_every_control_to_one_visible_column() -> None:
    assert (
        visible("a\x1b[2Jb\x07\r\n\x00\x7f\x9b\tc")
        == "a\u241b[2Jb\u2407\u240d\u240a\u2400\u2421\ufffd\tc"
    )
    # A byte of a non-UTF-8 name that is a C1 control (CSI, 0x9b) arrives as a surrogate.
    name = b"x\x9by.md".decode("utf-8", errors="surrogateescape")
    assert visible(name) == "x\ufffdy.md"
    assert visible("caf\xe9 \u4e2d\u6587 \U0001f600") == "caf\xe9 \u4e2d\u6587 \U0001f600"
    for control in map(chr, [*range(0x20), 0x7F, *range(0x80, 0xA0)]):
        if control != "\t":
            assert display_width(visible(control)) == 1, hex(ord(control))


def test_visible_keeps_plain_ascii_and_shows_each_ascii_control() -> None:
    # Plain ASCII comes back as it was (the report's every path and line is such text);
    # one control anywhere in it, and only that character changes.
    plain = "seeds/2024/a-b_c.md:10:7 F104 type 'paper' ~!@#$%^&*()[]{}<>?=+|\\`\""
    assert visible(plain) == plain
    for code in range(0x80):
        char = chr(code)
        if code < 0x20 and char != "\t":
            shown = chr(0x2400 + code)
        elif code == 0x7F:
            shown = "\u2421"
        else:
            shown = char
        assert visible(f"{plain}{char}{plain}") == f"{plain}{shown}{plain}", hex(code)


def test_visible_on_tty_only_changes_terminal_output() -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    class Pipe:
        def isatty(self) -> bool:
            return False

    assert visible_on_tty(TITLE, Terminal()) == SHOWN  # type: ignore[arg-type]
    assert visible_on_tty("a\r\nb\n", Terminal()) == "a\u240d\nb\n"  # type: ignore[arg-type]
    assert visible_on_tty(TITLE, Pipe()) == TITLE  # type: ignore[arg-type]


# -- invisible format characters: bidi controls, zero width characters (issue 11) ----------

#: "Trojan Source": a folder name whose right-to-left override makes it read otherwise,
#: isolates, the marks, a zero width space and a BOM. Each must reach the reader shown.
BIDI_FOLDER = "notes\u202etxt.\u2066x\u2069\u200e\u200f\u061c\u200b\ufeff"
BIDI_SHOWN = "notes<U+202E>txt.<U+2066>x<U+2069><U+200E><U+200F><U+061C><U+200B><U+FEFF>"
#: A seed name with an embedding and its pop; a type value with an override, quoted in F104.
BIDI_NAME = "se\u202aed\u202c.md"
BIDI_NAME_SHOWN = "se<U+202A>ed<U+202C>.md"
BIDI_TYPE = "pa\u202erep"
#: A topic reference with an override: T001 quotes it as written.
BIDI_TOPIC = "Pre\u202eTraining"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # an emoji sequence: joiners kept


def assert_no_format_controls(data: bytes) -> None:
    text = data.decode("utf-8", errors="surrogateescape")
    hidden = sorted(
        {f"U+{ord(char):04X}" for char in text if unicodedata.category(char) == "Cf"}
        - {"U+200D"}  # kept inside the emoji sequence only (checked where it is written)
    )
    assert hidden == [], hidden


@pytest.fixture
def bidi(tmp_path: Path) -> Path:
    folder = tmp_path / BIDI_FOLDER
    folder.mkdir()
    text = (
        FLAWED.replace("type: paper", f"type: {BIDI_TYPE}")
        .replace("## Summary   \n", f"## Summary   \n\nA family: {FAMILY}.\n", 1)
        .replace("## Topics\n", f"## Topics\n\n![](topics/Concept/{BIDI_TOPIC})\n", 1)
    )
    (folder / BIDI_NAME).write_text(text, encoding="utf-8")
    (folder / "topics" / "Concept").mkdir(parents=True)
    (folder / "topics" / "Concept" / "Pre training.md").write_text("# Pre training\n")
    return folder


@pytest.mark.parametrize("output_format", ["text", "concise"])
def test_reports_show_bidi_controls_in_names_and_messages(bidi: Path, output_format: str) -> None:
    ran = seedlint("check", "--offline", "--format", output_format, BIDI_FOLDER, cwd=bidi.parent)
    assert ran.returncode == 1, ran.stderr
    out = ran.stdout.decode()
    assert f"{BIDI_SHOWN}/{BIDI_NAME_SHOWN}:" in out
    # Messages quote what the seed holds: T001 as written, F104 as Python's repr does.
    assert "T001 topic note 'topics/Concept/Pre<U+202E>Training.md' does not exist" in out
    assert "type 'pa\\u202erep' is not allowed" in out
    assert_no_format_controls(ran.stdout)
    assert_no_format_controls(ran.stderr)
    assert_no_controls(ran.stdout)
    if output_format == "text":  # the quoted line: the override shown, carets under it
        line = next(row for row in out.splitlines() if "type: pa" in row)
        caret = next(row for row in out.splitlines() if set(row.split("|")[-1].strip()) == {"^"})
        assert line.endswith("type: pa<U+202E>rep")
        column = line.split("|", 1)[1].index("pa<U+202E>rep")
        assert caret.split("|", 1)[1].index("^") == column
        assert caret.count("^") == len("pa<U+202E>rep")


def test_an_emoji_sequence_keeps_its_joiners(bidi: Path) -> None:
    # W001 quotes no text of the line, so the family is seen through the excerpt of a
    # finding on its own line: a trailing space there.
    seed = bidi / BIDI_NAME
    seed.write_text(
        seed.read_text(encoding="utf-8").replace(f"{FAMILY}.\n", f"{FAMILY}. \n"),
        encoding="utf-8",
    )
    ran = seedlint("check", "--offline", "--select", "W001", BIDI_FOLDER, cwd=bidi.parent)
    assert ran.returncode == 1, ran.stderr
    assert f"A family: {FAMILY}. " in ran.stdout.decode()


def test_notes_and_errors_on_stderr_show_bidi_controls(bidi: Path) -> None:
    # No topics folder in the configuration folder (the current one): a note names it.
    shutil.rmtree(bidi / "topics")
    (bidi / "seedlint.toml").write_text("", encoding="utf-8")
    ran = seedlint("check", "--offline", ".", cwd=bidi)
    assert ran.returncode == 1
    err = ran.stderr.decode()
    assert f"seedlint: note: no topics folder at {bidi.parent}/{BIDI_SHOWN}/topics" in err
    assert_no_format_controls(ran.stderr)
    (bidi / "seedlint.toml").write_text('ignor = ["F204"]\n', encoding="utf-8")
    ran = seedlint("check", "--offline", BIDI_FOLDER, cwd=bidi.parent)
    assert ran.returncode == 2
    assert ran.stderr.decode().startswith(
        f"seedlint: error: {bidi.parent}/{BIDI_SHOWN}/seedlint.toml"
    )
    assert_no_format_controls(ran.stderr)


def _on_a_terminal(*args: str, cwd: Path) -> bytes:
    """What the real CLI prints on stdout when stdout is a (pseudo-)terminal."""
    primary, replica = os.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "seedlint", *args],
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1"},
            stdout=replica,
            stderr=subprocess.DEVNULL,
        )
        os.close(replica)
        chunks = []
        while True:
            ready, _, _ = select.select([primary], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        child.wait(timeout=60)
    finally:
        os.close(primary)
    return b"".join(chunks).replace(b"\r\n", b"\n")  # the terminal's own line ends


@pytest.mark.parametrize("output_format", ["json", "github"])
def test_machine_formats_are_exact_in_a_pipe_and_visible_on_a_terminal(
    bidi: Path, output_format: str
) -> None:
    piped = seedlint("check", "--offline", "--format", output_format, BIDI_FOLDER, cwd=bidi.parent)
    assert piped.returncode == 1, piped.stderr
    assert BIDI_TOPIC in piped.stdout.decode()  # what a program reads: the text as it is
    shown = _on_a_terminal(
        "check", "--offline", "--format", output_format, BIDI_FOLDER, cwd=bidi.parent
    )
    assert "Pre<U+202E>Training" in shown.decode()
    assert_no_format_controls(shown)


def test_visible_shows_every_format_character_but_joiners_in_emoji_and_words() -> None:
    assert visible("seed\u202egnp.md") == "seed<U+202E>gnp.md"
    assert visible("a\u2028b\u2029c") == "a<U+2028>b<U+2029>c"
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            assert visible(char) == f"<U+{code:04X}>", hex(code)
            assert visible(f"x{char}y") == f"x<U+{code:04X}>y", hex(code)
    # Joiners between letters, marks or symbols are how emoji and scripts are written.
    assert visible(FAMILY) == FAMILY
    assert visible("\u2764\ufe0f\u200d\U0001f525") == "\u2764\ufe0f\u200d\U0001f525"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert visible(persian) == persian
    assert visible("\U0001f468\u200d") == "\U0001f468<U+200D>"  # at the end: shown
    assert visible("a\u200db") == "a<U+200D>b"  # between ASCII letters: shown
    # The flag of England: black flag, tags "gbeng", cancel tag. Other tags are shown.
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert visible(england) == england
    assert visible("x\U000e0041y") == "x<U+E0041>y"
    assert visible("\U0001f3f4\U000e0067") == "\U0001f3f4<U+E0067>"  # no cancel tag
    assert visible("caf\xe9 \u4e2d\u6587") == "caf\xe9 \u4e2d\u6587"
