"""The command line: commands, exit codes, standard input, and the text/concise output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from seedlint import __version__
from seedlint.cli import main
from tests.helpers import (
    FRONT_KEYS,
    LINK,
    REAL_SEED,
    SHORT_BODY,
    real_seed_text,
    run,
    write,
)

CLEAN = f"---\n{FRONT_KEYS}---\n{SHORT_BODY}"
# F201 (warning, safe fix) on line 8 and F104 (error, unsafe fix) on line 7.
NOISY = CLEAN.replace("'2024-02-22'", "2024-02-22").replace("type: Content", "type: paper")


def process(
    *args: str | Path, cwd: Path, stdin: bytes = b"", **env: str
) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=environment,
        check=False,
    )


# -- commands and exit codes ----------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"seedlint {__version__}\n"


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 2
    assert "usage: seedlint" in out


def test_the_real_seed_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--offline", REAL_SEED)
    assert code == 0
    assert out == "All checks passed (1 file).\n"


def test_exit_1_with_findings_and_0_with_exit_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "seed.md", NOISY)
    assert run(capsys, "check", "--offline", path)[0] == 1
    assert run(capsys, "check", "--offline", "--exit-zero", path)[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--format", "nope", "."], "unknown format 'nope' (choose from text, concise"),
        (["rule", "Q999"], "unknown rule code 'Q999'"),
        (["rule"], "give a rule code, or --all"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("seedlint: error: ") and message in err


def test_unknown_option_is_an_argparse_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--no-such-option"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_directory_walk_defaults_to_the_working_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a" / "one.md", CLEAN)
    write(tmp_path / "b" / "two.txt", CLEAN.replace(LINK, LINK + "/2"))
    write(tmp_path / "notes.rst", "not a seed")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--offline")
    assert (code, out) == (0, "All checks passed (2 files).\n")


def test_binary_file_is_a_finding_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "blob.md"
    path.write_bytes(b"---\x00\xff")
    code, out, err = run(capsys, "check", "--offline", "--format", "concise", path)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{path}:1:1: E001 cannot read: binary file")
    assert "Traceback" not in err


def test_a_real_process_exit_codes_and_streams(tmp_path: Path) -> None:
    write(tmp_path / "seed.md", NOISY)
    result = process("check", "--offline", "seed.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.decode().startswith("seed.md:7:7: F104 ")
    assert b"Traceback" not in result.stderr
    clean = process("check", "--offline", REAL_SEED, cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, b"All checks passed (1 file).\n")
    version = process("--version", cwd=tmp_path)
    assert version.stdout.decode() == f"seedlint {__version__}\n"


# -- rule and schema ------------------------------------------------------------------------


def test_rule_explains_one_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "f201")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# date-format (F201)"
    assert "Default severity: warning. Fix: safe." in out
    assert "Example:" in out and "02/03/2024" in out


CATALOGUE = [
    "E001",
    "F001",
    "F002",
    "F003",
    "F101",
    "F102",
    "F103",
    "F104",
    "F105",
    "F106",
    "F201",
    "F202",
    "F203",
    "F204",
    "F205",
    "X001",
]


def test_rule_all_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "--all")
    assert code == 0
    headings = [line for line in out.splitlines() if line.startswith("# ")]
    listed = [heading.rsplit("(", 1)[1].rstrip(")") for heading in headings]
    assert listed == sorted(listed)
    assert set(CATALOGUE) <= set(listed)


def test_rule_all_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "--all", "--format", "json")
    assert code == 0
    rules = {rule["code"]: rule for rule in json.loads(out)}
    assert rules["F104"]["fix"] == "unsafe"
    assert rules["F104"]["name"] == "invalid-value"
    assert rules["F001"]["severity"] == "error"
    for code_ in CATALOGUE:
        assert rules[code_]["explanation"].strip(), code_


@pytest.mark.parametrize("code", [c for c in CATALOGUE if c.startswith("F")])
def test_front_matter_rule_docs_say_what_and_how(
    code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "rule", code)
    assert "Example" in out
    assert "Fix" in out


# -- standard input -------------------------------------------------------------------------


def feed(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))


def test_stdin_with_a_filename(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, NOISY)
    code, out, _ = run(
        capsys, "check", "--offline", "--format", "concise", "--stdin-filename", "x/new.md", "-"
    )
    assert code == 1
    assert out.splitlines()[:2] == [
        "x/new.md:7:7: F104 type 'paper' is not allowed (did you mean 'Paper'?)",
        "x/new.md:8:14: F201 [*] upload_date 2024-02-22 should be quoted: '2024-02-22'",
    ]


def test_stdin_without_a_filename(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, CLEAN.replace("type: Content", "type: paper"))
    code, out, _ = run(capsys, "check", "--offline", "--format", "concise", "-")
    assert code == 1
    assert out.startswith("-:7:7: F104 ")


def test_stdin_in_a_real_process(tmp_path: Path) -> None:
    result = process(
        "check",
        "--offline",
        "--stdin-filename",
        "draft.md",
        "-",
        cwd=tmp_path,
        stdin=CLEAN.encode(),
    )
    assert (result.returncode, result.stdout) == (0, b"All checks passed (1 file).\n")


# -- text output ----------------------------------------------------------------------------


def test_text_output_excerpt_caret_fix_hint_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "seed.md", NOISY)
    code, out, _ = run(capsys, "check", "--offline", "seed.md")
    assert code == 1
    assert out == (
        "seed.md:7:7: F104 type 'paper' is not allowed (did you mean 'Paper'?)\n"
        "  |\n"
        "7 | type: paper\n"
        "  |       ^^^^^\n"
        "  = help: Unsafe fix: replace with 'Paper'\n"
        "\n"
        "seed.md:8:14: F201 upload_date 2024-02-22 should be quoted: '2024-02-22' [*]\n"
        "  |\n"
        "8 | upload_date: 2024-02-22\n"
        "  |              ^^^^^^^^^^\n"
        "  = help: Safe fix: write '2024-02-22'\n"
        "\n"
        "Found 2 findings in 1 file.\n"
        "[*] 1 fixable with `seedlint fix` (1 hidden fix can be enabled with the "
        "`--unsafe-fixes` option).\n"
    )


def test_unsafe_fixes_flag_counts_them_as_fixable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "seed.md", NOISY)
    _, out, _ = run(capsys, "check", "--offline", "--unsafe-fixes", path)
    assert out.endswith("Found 2 findings in 1 file.\n[*] 2 fixable with `seedlint fix`.\n")
    assert "(did you mean 'Paper'?) [*]\n" in out


def test_only_unsafe_fixes_left(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "seed.md", CLEAN.replace("type: Content", "type: paper"))
    _, out, _ = run(capsys, "check", "--offline", path)
    assert out.endswith(
        "Found 1 finding in 1 file.\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )


def test_no_colour_when_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "seed.md", NOISY)
    _, out, _ = run(capsys, "check", "--offline", path)
    assert "\x1b[" not in out


def test_force_color_and_no_color(tmp_path: Path) -> None:
    write(tmp_path / "seed.md", NOISY)
    forced = process("check", "--offline", "seed.md", cwd=tmp_path, FORCE_COLOR="1", NO_COLOR="")
    assert b"\x1b[1m\x1b[31mF104\x1b[0m" in forced.stdout
    both = process("check", "--offline", "seed.md", cwd=tmp_path, FORCE_COLOR="1", NO_COLOR="1")
    assert b"\x1b[" not in both.stdout


def test_tabs_keep_the_caret_under_the_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CLEAN.replace("type: Content", "type:\tpaper")
    path = write(tmp_path / "seed.md", text)
    _, out, _ = run(capsys, "check", "--offline", "--select", "F104", path)
    lines = out.splitlines()
    assert lines[2] == "7 | type:   paper"
    assert lines[3] == "  |         ^^^^^"


def test_concise_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "seed.md", NOISY)
    _, out, _ = run(capsys, "check", "--offline", "--format", "concise", "seed.md")
    assert out == (
        "seed.md:7:7: F104 type 'paper' is not allowed (did you mean 'Paper'?)\n"
        "seed.md:8:14: F201 [*] upload_date 2024-02-22 should be quoted: '2024-02-22'\n"
        "Found 2 findings in 1 file.\n"
        "[*] 1 fixable with `seedlint fix` (1 hidden fix can be enabled with the "
        "`--unsafe-fixes` option).\n"
    )


def test_quiet_prints_findings_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "seed.md", NOISY)
    _, out, _ = run(capsys, "check", "--offline", "--quiet", "seed.md")
    assert out == (
        "seed.md:7:7: F104 type 'paper' is not allowed (did you mean 'Paper'?)\n"
        "seed.md:8:14: F201 upload_date 2024-02-22 should be quoted: '2024-02-22'\n"
    )
    write(tmp_path / "seed.md", CLEAN)
    assert run(capsys, "check", "--offline", "--quiet", "seed.md")[1] == ""


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "seed.md", real_seed_text())
    report = tmp_path / "out" / "report.txt"
    code, out, _ = run(capsys, "check", "--offline", "--output-file", report, path)
    assert (code, out) == (0, "")
    assert report.read_text(encoding="utf-8") == "All checks passed (1 file).\n"


# -- option spellings -------------------------------------------------------------------------


def test_output_format_is_an_alias_of_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "seed.md", NOISY)
    _, by_alias, _ = run(capsys, "check", "--offline", "--output-format", "json", path)
    _, by_name, _ = run(capsys, "check", "--offline", "--format", "json", path)
    assert json.loads(by_alias)["findings"] == json.loads(by_name)["findings"]
    assert json.loads(by_alias)["findings"]


def test_help_lists_the_formats(capsys: pytest.CaptureFixture[str]) -> None:
    from seedlint.reporters import REPORTERS

    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--output-format {" + ",".join(REPORTERS) + "}, --format" in out


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "must be 0 (one a core) or more, not -1"), ("many", "not a number of processes")],
)
def test_jobs_is_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--offline", "--jobs", value, str(tmp_path)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --jobs/-j: {message}" in err
