"""`--write-baseline` / `--baseline`: adopt seedlint on a vault that already has problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integrations.conftest import Vault, seedlint

BROKEN = "seeds/broken.md"


def _write_baseline(vault: Vault, *paths: str) -> None:
    result = seedlint(
        "check", "--offline", "--write-baseline", "baseline.json", *paths, cwd=vault.root
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "seedlint: wrote baseline baseline.json: 4 findings in 4 entries\n"


def _edit(vault: Vault, old: str, new: str, relative: str = BROKEN) -> None:
    path = vault.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check(vault: Vault, *args: str, cwd: Path | None = None) -> tuple[int, list[str], str]:
    result = seedlint(
        "check", "--offline", "--format", "concise", "--quiet", *args, cwd=cwd or vault.root
    )
    return result.returncode, result.stdout.splitlines(), result.stderr


def test_the_baseline_file_records_path_code_line_and_count(vault: Vault) -> None:
    _write_baseline(vault, "seeds")

    data = json.loads((vault.root / "baseline.json").read_text(encoding="utf-8"))

    assert data["format"] == "seedlint-baseline"
    assert data["version"] == 1
    assert data["entries"] == [
        {"path": BROKEN, "code": "F103", "line": "read_priority: high", "count": 1},
        {"path": BROKEN, "code": "F201", "line": "upload_date: 2024-02-22", "count": 1},
        {"path": BROKEN, "code": "F202", "line": "- Large Language Model", "count": 1},
        {"path": BROKEN, "code": "W001", "line": "## Summary", "count": 1},
    ]


def test_known_findings_are_hidden_and_the_run_passes(vault: Vault) -> None:
    _write_baseline(vault, "seeds")

    result = seedlint("check", "--offline", "--baseline", "baseline.json", "seeds", cwd=vault.root)

    assert result.returncode == 0
    assert "All checks passed (2 files)." in result.stdout
    assert result.stderr == "seedlint: baseline baseline.json: 4 known findings hidden\n"


def test_edits_elsewhere_in_the_file_keep_the_match(vault: Vault) -> None:
    _write_baseline(vault, "seeds")
    # New lines above every old problem: all of them move down.
    _edit(vault, "already_read: false\n", "already_read: false\n# reviewed in March\n")
    _edit(vault, "## Links\n", "## Links\n\n- [Extra](https://example.org/extra) : more\n")

    assert _check(vault, "--baseline", "baseline.json", "seeds")[:2] == (0, [])


def test_only_new_findings_are_reported(vault: Vault) -> None:
    _write_baseline(vault, "seeds")
    _edit(vault, "relevance: 0", "relevance: 9")  # a new problem in an old file
    _edit(vault, "upload_date: '2024-02-22'", "upload_date: 2024-02-22", "seeds/clean.md")

    code, lines, _ = _check(vault, "--baseline", "baseline.json", "seeds")

    assert code == 1
    assert [line.split(": ", 1)[0] for line in lines] == [
        "seeds/broken.md:5:12",
        "seeds/clean.md:11:14",
    ]
    assert [line.split()[1] for line in lines] == ["F104", "F201"]


def test_a_changed_line_is_a_new_finding_and_the_old_entry_is_gone(vault: Vault) -> None:
    _write_baseline(vault, "seeds")
    _edit(vault, "read_priority: high", "read_priority: urgent")

    result = seedlint(
        "check",
        "--offline",
        "--format",
        "concise",
        "--baseline",
        "baseline.json",
        "seeds",
        cwd=vault.root,
    )

    assert result.returncode == 1
    assert "seeds/broken.md:4:16: F103" in result.stdout
    assert result.stderr == (
        "seedlint: baseline baseline.json: 3 known findings hidden; 1 recorded findings are gone"
        " (fixed, or their line changed): refresh it with --write-baseline\n"
    )


def test_fixed_findings_are_counted_as_gone(vault: Vault) -> None:
    _write_baseline(vault, "seeds")
    _edit(vault, "upload_date: 2024-02-22", "upload_date: '2024-02-22'")
    _edit(vault, "## Summary   \n", "## Summary\n")

    code, lines, stderr = _check(vault, "--baseline", "baseline.json", "seeds")
    result = seedlint("check", "--offline", "--baseline", "baseline.json", "seeds", cwd=vault.root)

    assert (code, lines, stderr) == (0, [], "")  # --quiet: findings only
    assert "2 known findings hidden; 2 recorded findings are gone" in result.stderr


def test_a_repeated_problem_is_matched_by_count(vault: Vault) -> None:
    # Two identical bad tag lines: F202 twice on the same text (and F203 for the repeat).
    _edit(vault, "- Large Language Model\n", "- Large Language Model\n- Large Language Model\n")
    seedlint("check", "--offline", "--write-baseline", "baseline.json", "seeds", cwd=vault.root)
    entries = json.loads((vault.root / "baseline.json").read_text(encoding="utf-8"))["entries"]
    assert {"path": BROKEN, "code": "F202", "line": "- Large Language Model", "count": 2} in entries
    # A third copy: exactly one F202 (and one F203) more than recorded.
    _edit(vault, "- Large Language Model\n", "- Large Language Model\n- Large Language Model\n")

    code, lines, _ = _check(vault, "--baseline", "baseline.json", "seeds")

    assert code == 1
    assert [line.split()[1] for line in lines] == ["F202", "F203"]


def test_the_match_does_not_depend_on_where_seedlint_runs(vault: Vault) -> None:
    _write_baseline(vault, "seeds")

    from_inside = _check(vault, "--baseline", "../baseline.json", ".", cwd=vault.root / "seeds")
    dotted = _check(vault, "--baseline", "baseline.json", "./seeds/broken.md")
    absolute = _check(
        vault,
        "--baseline",
        str(vault.root / "baseline.json"),
        str(vault.root / BROKEN),
        cwd=vault.root.parent,
    )

    assert from_inside[:2] == dotted[:2] == absolute[:2] == (0, [])


def test_stdin_is_matched_by_its_stdin_filename(vault: Vault) -> None:
    _write_baseline(vault, "seeds")
    text = (vault.root / BROKEN).read_text(encoding="utf-8")

    result = seedlint(
        "check",
        "--offline",
        "--baseline",
        "baseline.json",
        "--stdin-filename",
        BROKEN,
        "-",
        cwd=vault.root,
        stdin=text,
    )

    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline baseline.json not found (create it with --write-baseline)"),
        ("{not json", "baseline baseline.json is not valid JSON"),
        ('{"entries": []}', "baseline baseline.json is not a seedlint baseline"),
        ('{"format": "seedlint-baseline", "version": 7, "entries": []}', "has version 7"),
        (
            '{"format": "seedlint-baseline", "version": 1, "entries": [{"path": 1}]}',
            "baseline baseline.json: entry 1 needs string 'path', 'code' and 'line'",
        ),
        (
            '{"format": "seedlint-baseline", "version": 1, "entries": '
            '[{"path": "a", "code": "F201", "line": "", "count": 0}]}',
            "entry 1: 'count' must be a positive integer",
        ),
    ],
)
def test_a_bad_baseline_is_a_one_line_error(
    vault: Vault, content: str | None, message: str
) -> None:
    if content is not None:
        vault.write("baseline.json", content)

    result = seedlint("check", "--offline", "--baseline", "baseline.json", "seeds", cwd=vault.root)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("seedlint: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_writing_a_baseline_where_it_cannot_be_written(vault: Vault) -> None:
    result = seedlint(
        "check", "--offline", "--write-baseline", "missing/folder/b.json", "seeds", cwd=vault.root
    )

    assert result.returncode == 2
    assert result.stderr.startswith("seedlint: error: cannot write baseline missing/folder/b.json")


def test_a_failed_write_leaves_no_partial_file(vault: Vault) -> None:
    (vault.root / "baseline.json").mkdir()  # the rename onto it fails

    result = seedlint(
        "check", "--offline", "--write-baseline", "baseline.json", "seeds", cwd=vault.root
    )

    assert result.returncode == 2
    assert result.stderr.startswith("seedlint: error: cannot write baseline baseline.json")
    left = sorted(path.name for path in vault.root.iterdir() if path.name != ".seedlint_cache")
    assert left == [
        "baseline.json",
        "seedlint.toml",
        "seeds",
        "topics",
    ]


def test_a_new_code_on_a_recorded_line_is_new(vault: Vault) -> None:
    """An entry matches its code too: the recorded W001 on `## Summary` goes away, and an
    S004 appears on a line with the same text; the S004 is reported, not hidden as known."""
    _write_baseline(vault, "seeds")
    _edit(vault, "## Summary   \n", "## Summary\n")
    _edit(vault, "## Topics", "## Summary\n\nAgain.\n\n## Topics")

    code, lines, _ = _check(vault, "--baseline", "baseline.json", "seeds")

    assert code == 1
    assert lines == [f"{BROKEN}:37:1: S004 duplicate section '## Summary' (first at line 15)"]
    result = seedlint("check", "--offline", "--baseline", "baseline.json", "seeds", cwd=vault.root)
    assert "1 recorded findings are gone" in result.stderr  # the W001
