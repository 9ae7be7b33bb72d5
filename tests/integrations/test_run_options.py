"""`--output-file`, `--statistics` and `--exit-zero`, through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integrations.conftest import Vault, seedlint


def test_output_file_holds_the_report_and_stdout_stays_empty(vault: Vault) -> None:
    result = seedlint(
        "check",
        "--offline",
        "--format",
        "json",
        "--output-file",
        "reports/ci/seedlint.json",
        "seeds",
        cwd=vault.root,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    report = json.loads((vault.root / "reports/ci/seedlint.json").read_text(encoding="utf-8"))
    assert report["summary"] == {
        "files": 2,
        "findings": 4,
        "fixable": 3,
        "by_code": {"F103": 1, "F201": 1, "F202": 1, "W001": 1},
    }


def test_output_file_is_replaced_not_appended(vault: Vault) -> None:
    target = vault.write("out.txt", "old report\n" * 100)

    seedlint(
        "check",
        "--offline",
        "--format",
        "concise",
        "-o",
        "out.txt",
        "seeds/clean.md",
        cwd=vault.root,
    )

    assert target.read_text(encoding="utf-8") == "All checks passed (1 file).\n"


def test_an_unwritable_output_file_is_a_one_line_error(vault: Vault) -> None:
    vault.write("taken", "a file, not a folder\n")

    result = seedlint("check", "--offline", "-o", "taken/report.txt", "seeds", cwd=vault.root)

    assert result.returncode == 2
    assert result.stderr.startswith("seedlint: error: cannot write taken/report.txt")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_exit_zero_keeps_the_report_and_succeeds(vault: Vault) -> None:
    failing = seedlint("check", "--offline", "--format", "concise", "seeds", cwd=vault.root)
    zero = seedlint(
        "check", "--offline", "--format", "concise", "--exit-zero", "seeds", cwd=vault.root
    )

    assert failing.returncode == 1
    assert zero.returncode == 0
    assert zero.stdout == failing.stdout
    assert "seeds/broken.md:4:16: F103" in zero.stdout


def test_exit_zero_does_not_hide_usage_errors(vault: Vault) -> None:
    result = seedlint("check", "--exit-zero", "--format", "nope", "seeds", cwd=vault.root)

    assert result.returncode == 2
    assert "unknown format 'nope'" in result.stderr


def _statistics_vault(vault: Vault) -> None:
    # Three broken seeds in all: each code three times; F103 has no fix, the others have.
    broken = (vault.root / "seeds/broken.md").read_text(encoding="utf-8")
    for number in (2, 3):
        vault.write(f"seeds/broken {number}.md", broken.replace("another-post", f"post-{number}"))


def test_statistics_count_codes_with_names_and_fixable_counts(vault: Vault) -> None:
    _statistics_vault(vault)
    # One more trailing-whitespace line: the most frequent code comes first.
    third = vault.root / "seeds/broken 3.md"
    third.write_text(third.read_text().replace("## Links\n", "## Links \n"))

    result = seedlint("check", "--offline", "--statistics", "seeds", cwd=vault.root)

    assert result.returncode == 1
    # ruff's layout: tab-separated count, code and `[*] name`, then ruff's closing lines.
    assert result.stdout.splitlines() == [
        "4\tW001\t[*] trailing-whitespace",
        "3\tF103\t[ ] wrong-type",
        "3\tF201\t[*] date-format",
        "3\tF202\t[*] tag-format",
        "Found 13 findings.",
        "[*] 10 fixable with `seedlint fix`.",
    ]
    codes = [line.split("\t")[1] for line in result.stdout.splitlines() if "\t" in line]
    assert codes == ["W001", "F103", "F201", "F202"]  # as `cut -f2` gives them


def test_statistics_as_json(vault: Vault) -> None:
    _statistics_vault(vault)

    result = seedlint(
        "check", "--offline", "--statistics", "--format", "json", "seeds", cwd=vault.root
    )

    rows = json.loads(result.stdout)
    assert rows[0] == {
        "code": "F103",
        "name": "wrong-type",
        "count": 3,
        "fixable": 0,
        "unsafe_fixable": 0,
    }
    assert {row["code"]: (row["count"], row["fixable"]) for row in rows} == {
        "F103": (3, 0),
        "F201": (3, 3),
        "F202": (3, 3),
        "W001": (3, 3),
    }


def test_statistics_tell_unsafe_fixes_apart(vault: Vault) -> None:
    # No `## Topics`: S001, whose fix (an empty section) is unsafe.
    text = (vault.root / "seeds/clean.md").read_text(encoding="utf-8")
    vault.write("seeds/clean.md", text[: text.index("## Topics")])

    plain = seedlint("check", "--offline", "--statistics", "seeds/clean.md", cwd=vault.root)
    unsafe = seedlint(
        "check", "--offline", "--statistics", "--unsafe-fixes", "seeds/clean.md", cwd=vault.root
    )

    # Nothing fixable as run: no marker column at all, as ruff prints it.
    assert plain.stdout.splitlines() == [
        "1\tS001\tmissing-section",
        "Found 1 finding.",
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).",
    ]
    assert unsafe.stdout.splitlines() == [
        "1\tS001\t[*] missing-section",
        "Found 1 finding.",
        "[*] 1 fixable with `seedlint fix`.",
    ]


def test_statistics_of_a_clean_run(vault: Vault, tmp_path: Path) -> None:
    result = seedlint(
        "check",
        "--offline",
        "--statistics",
        "-o",
        str(tmp_path / "stats.txt"),
        "seeds/clean.md",
        cwd=vault.root,
    )

    assert result.returncode == 0
    assert (tmp_path / "stats.txt").read_text(encoding="utf-8") == "No findings.\n"
