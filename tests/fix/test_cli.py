"""`seedlint fix`, `check --fix`, `--diff`, `--show-fixes` and stdin, through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fix.conftest import Cli, offline
from tests.helpers import concise, real_seed_text

REAL = real_seed_text()
SAFE = REAL.replace("## Summary\n", "## Summary  \n", 1).replace(
    "upload_date: '2024-02-22'", "upload_date: 2024/02/22"
)
UNSAFE_ONLY = REAL.replace("type: Content", "type: content").replace(
    "2024-ai-job-market", "2023-ai-job-market"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _vault_files(vault: Path) -> tuple[Path, Path, Path]:
    clean = _write(vault, "seeds/clean.md", REAL.replace("2024-ai-job", "2022-ai-job"))
    safe = _write(vault, "seeds/safe.md", SAFE)
    unsafe = _write(vault, "seeds/unsafe.md", UNSAFE_ONLY)
    return clean, safe, unsafe


def test_fix_writes_only_files_with_a_safe_fix(vault: Path, cli: Cli) -> None:
    clean, safe, unsafe = _vault_files(vault)
    untouched = {path: os.stat(path) for path in (clean, unsafe)}
    ran = cli("fix", *offline(vault), "seeds")
    assert ran.code == 1  # the unsafe finding is left
    assert safe.read_text(encoding="utf-8") == REAL
    for path, before in untouched.items():
        after = os.stat(path)
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "seeds/unsafe.md:10:7: F104" in concise(ran.out)
    assert "Fixed 2 findings. Found 1 finding in 3 files." in ran.out
    assert (
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)"
        in ran.out
    )


def test_unsafe_fixes_and_exit_zero_when_everything_is_fixed(vault: Path, cli: Cli) -> None:
    _, _, unsafe = _vault_files(vault)
    ran = cli("fix", "--unsafe-fixes", *offline(vault), "seeds")
    assert ran.code == 0, ran.out
    assert unsafe.read_text(encoding="utf-8") == REAL.replace("2024-ai-job", "2023-ai-job")
    assert "Fixed 3 findings. All checks passed (3 files)." in ran.out


def test_check_fix_is_fix(vault: Path, cli: Cli) -> None:
    _vault_files(vault)
    ran = cli("check", "--fix", *offline(vault), "seeds")
    assert ran.code == 1
    assert (vault / "seeds/safe.md").read_text(encoding="utf-8") == REAL
    assert "Fixed 2 findings. Found 1 finding in 3 files." in ran.out


def test_diff_writes_nothing_and_fails_when_something_would_change(vault: Path, cli: Cli) -> None:
    _vault_files(vault)
    ran = cli("fix", "--diff", *offline(vault), "seeds")
    assert ran.code == 1
    assert ran.out.startswith("--- seeds/safe.md\n+++ seeds/safe.md\n")
    assert "-upload_date: 2024/02/22\n+upload_date: '2024-02-22'\n" in ran.out
    assert "unsafe.md" not in ran.out
    assert ran.err.endswith("Would fix 2 findings in 1 file.\n")
    assert (vault / "seeds/safe.md").read_text(encoding="utf-8") == SAFE
    assert cli("check", "--diff", *offline(vault), "seeds").out == ran.out


def test_diff_with_nothing_to_fix_exits_zero(vault: Path, cli: Cli) -> None:
    _write(vault, "seeds/clean.md", REAL)
    ran = cli("fix", "--diff", *offline(vault), "seeds")
    assert (ran.code, ran.out) == (0, "")
    assert "No fixes to apply." in ran.err


def test_check_show_fixes_lists_each_fix(vault: Path, cli: Cli) -> None:
    _write(vault, "seeds/safe.md", SAFE)
    ran = cli("check", "--show-fixes", *offline(vault), "seeds")
    assert ran.code == 1
    # As ruff shows a fix: the lines around it, numbered as the fixed file will be.
    assert (
        "help: write '2024-02-22'\n"
        "   |\n"
        "10 | type: Content\n"
        "   - upload_date: 2024/02/22\n"
        "11 + upload_date: '2024-02-22'\n"
        "12 | ---\n"
        "   |\n"
    ) in ran.out
    assert "   - ## Summary  \n15 + ## Summary\n16 |\n" in ran.out


def test_check_fix_show_fixes_lists_what_was_fixed(vault: Path, cli: Cli) -> None:
    _vault_files(vault)
    ran = cli("check", "--fix", "--show-fixes", *offline(vault), "seeds")
    assert ran.out.startswith(
        "Fixed 2 findings:\n"
        "- seeds/safe.md:\n"
        "    1 \u00d7 F201 (date-format)\n"
        "    1 \u00d7 W001 (trailing-whitespace)\n"
    )


def test_json_report_after_fix(vault: Path, cli: Cli) -> None:
    _vault_files(vault)
    ran = cli("fix", "--format", "json", *offline(vault), "seeds")
    report = json.loads(ran.out)
    assert [f["code"] for f in report["findings"]] == ["F104"]
    assert report["findings"][0]["fix"]["applicability"] == "unsafe"


def test_select_limits_the_fixes(vault: Path, cli: Cli) -> None:
    safe = _write(vault, "seeds/safe.md", SAFE)
    ran = cli("fix", "--select", "W001", *offline(vault), "seeds")
    assert ran.code == 0
    assert safe.read_text(encoding="utf-8") == SAFE.replace("## Summary  \n", "## Summary\n")


def test_bom_crlf_and_missing_final_newline_survive(vault: Path, cli: Cli) -> None:
    # The source line is missing: its insertion must come out in CRLF, the BOM must stay,
    # and the file must still end without a line break.
    text = REAL.replace(
        "https://newsletter.ruder.io/p/thoughts-on-the-2024-ai-job-market\n## Summary", "## Summary"
    )
    assert not text.endswith("\n")
    path = vault / "seed.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    ran = cli("fix", *offline(vault), "seed.md")
    assert ran.code == 0, ran.out
    assert path.read_bytes() == b"\xef\xbb\xbf" + REAL.replace("\n", "\r\n").encode("utf-8")


def test_non_ascii_text_keeps_its_encoding(vault: Path, cli: Cli) -> None:
    text = SAFE.replace("The author, Sebastian Ruder", "L'auteur, Sébastien Ruder — naïf 😀")
    path = _write(vault, "seed.md", text)
    cli("fix", *offline(vault), "seed.md")
    assert path.read_bytes() == REAL.replace(
        "The author, Sebastian Ruder", "L'auteur, Sébastien Ruder — naïf 😀"
    ).encode("utf-8")


def test_a_suppression_only_the_whole_run_can_judge_is_kept(vault: Path, cli: Cli) -> None:
    # C001 fires between the two files, so the comment is used; the fixer sees one file at
    # a time and must not take it for unused while it fixes the trailing blanks.
    twin = _write(vault, "seeds/twin.md", REAL)
    # `-disable-file`: C001 is on the `link:` line, above a disable in the middle of the body.
    noted = SAFE.replace("## Links\n", "## Links\n\n<!-- seedlint-disable-file C001 -->\n", 1)
    path = _write(vault, "seeds/noted.md", noted)
    ran = cli("fix", *offline(vault), "seeds")
    assert "<!-- seedlint-disable-file C001 -->" in path.read_text(encoding="utf-8")
    assert "X001" not in ran.out
    assert "seeds/twin.md:3:7: C001" in concise(ran.out)
    assert twin.read_text(encoding="utf-8") == REAL


def test_cross_file_findings_of_a_fixed_file_are_reported(vault: Path, cli: Cli) -> None:
    _write(vault, "seeds/a.md", SAFE)
    _write(vault, "seeds/b.md", REAL)
    ran = cli("fix", "--format", "json", *offline(vault), "seeds")
    findings = json.loads(ran.out)["findings"]
    assert sorted((f["path"], f["code"]) for f in findings) == [
        ("seeds/a.md", "C001"),
        ("seeds/b.md", "C001"),
    ]


def _seedlint(
    *args: str, cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_stdin_fixed_text_on_stdout_report_on_stderr(vault: Path) -> None:
    ran = _seedlint(
        "fix", *offline(vault), "--stdin-filename", "seed.md", "-", cwd=vault, stdin=SAFE.encode()
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == REAL.encode()
    assert b"Fixed 2 findings. All checks passed (1 file)." in ran.stderr


def test_stdin_diff(vault: Path) -> None:
    ran = _seedlint(
        "fix",
        "--diff",
        *offline(vault),
        "--stdin-filename",
        "seed.md",
        "-",
        cwd=vault,
        stdin=SAFE.encode(),
    )
    assert ran.returncode == 1
    assert ran.stdout.startswith(b"--- seed.md\n+++ seed.md\n")


def test_real_process_exit_codes(vault: Path) -> None:
    path = _write(vault, "seed.md", SAFE)
    assert _seedlint("fix", "--diff", *offline(vault), "seed.md", cwd=vault).returncode == 1
    assert path.read_text(encoding="utf-8") == SAFE
    assert _seedlint("fix", *offline(vault), "seed.md", cwd=vault).returncode == 0
    assert path.read_text(encoding="utf-8") == REAL
    assert _seedlint("fix", "--diff", *offline(vault), "seed.md", cwd=vault).returncode == 0


def test_unreadable_and_binary_files_are_reported_not_touched(vault: Path, cli: Cli) -> None:
    binary = vault / "seeds/binary.md"
    binary.parent.mkdir()
    binary.write_bytes(b"---\x00\xff")
    latin = vault / "seeds/latin.md"
    latin.write_bytes(SAFE.replace("Ruder", "R\xfcder").encode("latin-1"))
    ran = cli("fix", *offline(vault), "seeds")
    assert ran.code == 1
    assert binary.read_bytes() == b"---\x00\xff"
    assert latin.read_bytes() == SAFE.replace("Ruder", "R\xfcder").encode("latin-1")
    assert ran.out.count("E001") == 2


def test_fix_show_fixes(vault: Path, cli: Cli) -> None:
    _vault_files(vault)
    ran = cli("fix", "--show-fixes", *offline(vault), "seeds")
    assert ran.out.startswith("Fixed 2 findings:\n- seeds/safe.md:\n")
