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
import subprocess
import sys
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
