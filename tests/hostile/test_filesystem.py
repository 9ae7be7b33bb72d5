"""Hostile file systems: odd entries, races, permissions and file names.

Each test runs the real CLI over a folder holding the odd entry and the good seed, and
asserts both what happens to the odd entry and that the good seed was linted.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedlint.walk import discover_files
from tests.helpers import make_linter
from tests.hostile.conftest import (
    GOOD_NAME,
    Ran,
    assert_good_seed_linted,
    run_in_process,
    run_process,
    seed_text,
)

CHECK = ["check", "--offline", "--format", "json"]
#: A seed with one finding (F104 at 10:7), so that its path shows up in every report.
FLAWED = seed_text("https://example.org/flawed").replace("type: Content", "type: Contnet")


def test_a_folder_named_like_a_seed_is_walked(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = vault / "x.md"
    folder.mkdir()
    (folder / "inner.md").write_text(FLAWED, encoding="utf-8")
    ran = run_in_process([*CHECK, str(vault)], capsys)
    assert_good_seed_linted(ran, files=2)
    assert [f["code"] for f in ran.findings_of("x.md/inner.md")] == ["F104"]
    assert not [f for f in ran.json()["findings"] if f["code"] == "E001"]
    # Named on the command line, it is a folder to walk all the same.
    ran = run_in_process([*CHECK, str(folder), str(vault / GOOD_NAME)], capsys)
    assert_good_seed_linted(ran, files=2)


def test_symlink_loops(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (vault / "loop.md").symlink_to("loop.md")
    (vault / "a.md").symlink_to("b.md")
    (vault / "b.md").symlink_to("a.md")
    sub = vault / "sub"
    sub.mkdir()
    (sub / "up").symlink_to("..", target_is_directory=True)  # a folder loop
    ran = run_in_process([*CHECK, str(vault)], capsys)
    assert_good_seed_linted(ran, files=4)  # the good seed once, through the loop or not
    for name in ("loop.md", "a.md", "b.md"):
        (finding,) = ran.findings_of(f"/{name}")
        assert finding["code"] == "E001"
        assert finding["message"] == "cannot read: Too many levels of symbolic links"


def test_dangling_symlink(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (vault / "gone.md").symlink_to("never-there.md")
    ran = run_in_process([*CHECK, str(vault)], capsys)
    assert_good_seed_linted(ran, files=2)
    (finding,) = ran.findings_of("gone.md")
    assert (finding["code"], finding["message"]) == (
        "E001",
        "cannot read: No such file or directory",
    )


def test_fifo_socket_and_symlink_to_fifo_are_skipped(vault: Path) -> None:
    """Opening a FIFO blocks until a writer comes: a walk must not hang on one."""
    os.mkfifo(vault / "pipe.md")
    (vault / "to-pipe.md").symlink_to("pipe.md")
    ran = run_process([*CHECK, vault], timeout=60)
    assert_good_seed_linted(ran, files=1)


#: Root reads through permission bits by its CAP_DAC_* capabilities; without them in the
#: bounding set, a root process obeys the bits like anyone (setpriv is util-linux).
SETPRIV = shutil.which("setpriv")
NO_DAC = ["--bounding-set=-dac_override,-dac_read_search", "--"]


def _run_unprivileged(args: list[str], capsys: pytest.CaptureFixture[str]) -> Ran:
    """The CLI where permission bits apply: in-process, or as root without CAP_DAC_*."""
    if os.geteuid() != 0:
        return run_in_process(args, capsys)
    if SETPRIV is None:
        pytest.skip("running as root, which ignores permissions, and setpriv is not installed")
    done = subprocess.run(
        [SETPRIV, *NO_DAC, sys.executable, "-m", "seedlint", *args],
        capture_output=True,
        timeout=120,
        check=False,
    )
    if b"setpriv:" in done.stderr:
        pytest.skip(f"running as root, and setpriv cannot drop capabilities: {done.stderr!r}")
    return Ran(done.returncode, done.stdout.decode(), done.stderr.decode())


def test_unreadable_file(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = vault / "locked.md"
    locked.write_text(FLAWED, encoding="utf-8")
    locked.chmod(0)
    ran = _run_unprivileged([*CHECK, str(vault)], capsys)
    assert_good_seed_linted(ran, files=2)
    (finding,) = ran.findings_of("locked.md")
    assert (finding["code"], finding["message"]) == ("E001", "cannot read: Permission denied")


def test_unreadable_folder_is_named(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder that cannot be listed has no file to report on: a note on stderr says so."""
    locked = vault / "locked"
    locked.mkdir()
    (locked / "inside.md").write_text(FLAWED, encoding="utf-8")
    locked.chmod(0)
    try:
        ran = _run_unprivileged([*CHECK, str(vault)], capsys)
    finally:
        locked.chmod(0o755)
    assert_good_seed_linted(ran, files=1)
    assert f"seedlint: note: {locked}: cannot list folder (Permission denied)" in ran.err


def test_file_deleted_between_discovery_and_reading(vault: Path) -> None:
    for name in ("a.md", "b.md", "c.md"):
        (vault / name).write_text(seed_text(f"https://example.org/{name}"), encoding="utf-8")
    paths = list(discover_files([str(vault)], root=vault, skip=[], exclude=[]))
    assert len(paths) == 4
    (vault / "b.md").unlink()
    (vault / "c.md").unlink()
    (vault / "c.md").mkdir()  # and one replaced by a folder
    results = make_linter(root=vault).run(paths)
    by_name = {Path(result.path).name: result.findings for result in results}
    assert by_name[GOOD_NAME] == []
    assert by_name["a.md"] == []
    assert [(f.code, f.message) for f in by_name["b.md"]] == [
        ("E001", "cannot read: No such file or directory")
    ]
    assert [(f.code, f.message) for f in by_name["c.md"]] == [
        ("E001", "cannot read: is a directory")
    ]


def test_missing_path_on_the_command_line(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ran = run_in_process([*CHECK, str(vault / "nope.md"), str(vault)], capsys)
    assert_good_seed_linted(ran, files=2)
    assert [f["code"] for f in ran.findings_of("nope.md")] == ["E001"]


def test_a_seed_given_twice_is_linted_once(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flawed = vault / "flawed.md"
    flawed.write_text(FLAWED, encoding="utf-8")
    (vault / "alias.md").symlink_to("flawed.md")
    given = [str(flawed), str(flawed), f"{vault}/./flawed.md", str(vault / "alias.md"), str(vault)]
    ran = run_in_process([*CHECK, *given], capsys)
    assert_good_seed_linted(ran, files=2)
    assert [f["code"] for f in ran.json()["findings"]] == ["F104"]


# -- file names ---------------------------------------------------------------------------

NAMES = {
    "spaces": "my seed  file.md",
    "non-ASCII": "séed-日本語-😀.md",
    "newline": "new\nline.md",
    "colon and comma": "a:b,c%0A.md",
}


@pytest.fixture
def named_vault(vault: Path) -> Iterator[Path]:
    for name in NAMES.values():
        (vault / name).write_text(FLAWED.replace("flawed", name.encode().hex()), encoding="utf-8")
    yield vault


def test_odd_names_in_json_round_trip(named_vault: Path) -> None:
    ran = run_process([*CHECK, named_vault])
    assert_good_seed_linted(ran, files=1 + len(NAMES))
    paths = {finding["path"] for finding in ran.json()["findings"]}
    assert paths == {str(named_vault / name) for name in NAMES.values()}
    jsonl = run_process(["check", "--offline", "--format", "jsonl", named_vault])
    assert {json.loads(line)["path"] for line in jsonl.out.splitlines()} == paths


def test_odd_names_in_text_and_github(named_vault: Path) -> None:
    text = run_process(["check", "--offline", "--format", "concise", named_vault]).out
    for name in NAMES.values():
        # A newline in a name is shown as a visible character (U+240A), so that each
        # finding stays one `path:line:col:` line for the tools that parse it.
        shown = str(named_vault / name).replace("\n", "\u240a")
        assert f"{shown}:10:7: F104" in text
    assert len([line for line in text.splitlines() if ": F104 " in line]) == len(NAMES)
    github = run_process(["check", "--offline", "--format", "github", named_vault]).out
    lines = github.splitlines()
    assert len(lines) == len(NAMES)  # one command a finding, whatever the name holds
    assert any("/new%0Aline.md,line=10,col=7," in line for line in lines)
    assert any("a%3Ab%2Cc%250A.md" in line for line in lines)


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse such names")
def test_name_that_is_not_utf8(vault: Path, tmp_path: Path) -> None:
    """A byte name that no encoding decodes: every format still writes, JSON stays JSON.

    JSON shows the byte as the escape Python uses for it (``\\udcff``), so a Python
    consumer gets the real name back with ``os.fsencode``.
    """
    raw = os.fsencode(vault) + b"/bad\xff.md"
    with open(raw, "wb") as handle:
        handle.write(FLAWED.encode())
    ran = run_process([*CHECK, vault])
    assert_good_seed_linted(ran, files=2)
    (finding,) = ran.json()["findings"]
    assert os.fsencode(finding["path"]) == raw
    for fmt in ("text", "concise", "jsonl", "github"):
        shown = run_process(["check", "--offline", "--format", fmt, vault])
        assert shown.code == 1, shown.err
        assert "F104" in shown.out
    report = tmp_path / "report.json"
    written = run_process([*CHECK, "-o", report, vault])
    assert written.code == 1, written.err
    assert os.fsencode(json.loads(report.read_bytes())["findings"][0]["path"]) == raw
    # From inside the vault, so that SARIF writes a relative URI: the byte as %FF.
    sarif = tmp_path / "report.sarif"
    written = run_process(["check", "--offline", "--format", "sarif", "-o", sarif, "."], cwd=vault)
    assert written.code == 1, written.err
    assert "bad%FF.md" in sarif.read_text(encoding="utf-8")
    # A baseline records the name, and the next run matches it.
    baseline = tmp_path / "baseline.json"
    recorded = run_process(["check", "--offline", "--write-baseline", baseline, vault])
    assert recorded.code == 0, recorded.err
    again = run_process(["check", "--offline", "--baseline", baseline, vault])
    assert again.code == 0, again.err


def test_permission_bits_of_the_vault_are_untouched(vault: Path) -> None:
    before = {p.name: stat.S_IMODE(p.stat().st_mode) for p in vault.iterdir()}
    run_process([*CHECK, vault])
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in vault.iterdir()} == before


def test_escape_sequences_never_reach_the_terminal(vault: Path) -> None:
    """A note (or its name) holding ESC sequences must not drive the reader's terminal:
    text and concise reports should show control characters, not send them."""
    hostile = seed_text("https://example.org/esc").replace(
        "## Summary\n", "## Summary \x1b]0;pwned\x07\x1b[2J  \n", 1
    )
    (vault / "e\x1b[1mbold.md").write_text(hostile, encoding="utf-8")
    for fmt in ("text", "concise"):
        shown = run_process(["check", "--offline", "--format", fmt, vault])
        assert shown.code == 1, shown.err
        assert "\x1b" not in shown.out and "\x07" not in shown.out
        assert "e\u241b[1mbold.md" in shown.out  # the name is shown, made harmless
