"""`-` with `--stdin-filename`: how editors lint the unsaved buffer."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import real_seed_text
from tests.integrations.conftest import Vault, broken_seed, seedlint


def test_the_buffer_is_linted_under_its_name(vault: Vault) -> None:
    result = seedlint(
        "check",
        "--offline",
        "--format",
        "json",
        "--stdin-filename",
        "seeds/new.md",
        "-",
        cwd=vault.root,
        stdin=broken_seed(),
    )

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert {finding["path"] for finding in report["findings"]} == {"seeds/new.md"}
    assert [finding["code"] for finding in report["findings"]] == ["F103", "F202", "F201", "W001"]
    assert report["summary"]["files"] == 1
    # Nothing on disk was read or written: the file does not exist.
    assert not (vault.root / "seeds/new.md").exists()


def test_the_buffer_wins_over_the_file_on_disk(vault: Vault) -> None:
    # The editor holds unsaved changes: seedlint reads stdin, not the saved file.
    result = seedlint(
        "check",
        "--offline",
        "--format",
        "concise",
        "--stdin-filename",
        "seeds/broken.md",
        "-",
        cwd=vault.root,
        stdin=real_seed_text(),
    )

    assert (result.returncode, result.stdout) == (0, "All checks passed (1 file).\n")


def test_configuration_is_found_from_the_stdin_filename(vault: Vault, tmp_path: Path) -> None:
    # The editor runs seedlint from elsewhere; the vault's settings still apply.
    vault.write("seedlint.toml", 'ignore = ["W001"]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = seedlint(
        "check",
        "--offline",
        "--format",
        "concise",
        "--quiet",
        "--stdin-filename",
        str(vault.root / "seeds/new.md"),
        "-",
        cwd=elsewhere,
        stdin=broken_seed(),
    )

    codes = [line.split()[1] for line in result.stdout.splitlines()]
    assert codes == ["F103", "F202", "F201"]
    # The topics root is the vault's: references resolve, no "no topics folder" note.
    assert result.stderr == ""


def test_without_a_name_the_buffer_is_called_dash(vault: Vault) -> None:
    result = seedlint(
        "check",
        "--offline",
        "--format",
        "concise",
        "--quiet",
        "-",
        cwd=vault.root,
        stdin=broken_seed(),
    )

    assert result.returncode == 1
    assert all(line.startswith("-:") for line in result.stdout.splitlines())


def test_an_undecodable_buffer_is_a_finding_not_a_crash(vault: Vault) -> None:
    result = seedlint(
        "check",
        "--offline",
        "--format",
        "concise",
        "--stdin-filename",
        "seeds/bin.md",
        "-",
        cwd=vault.root,
        stdin="\x00\x01binary",
    )

    assert result.returncode == 1
    assert result.stdout.startswith("seeds/bin.md:1:1: E001 cannot read: binary file")
