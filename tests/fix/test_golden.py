"""A golden case per fixable rule: before, after, and the `--diff` output.

Each folder of `golden/` holds `before.md` (the real example seed with one defect, or a
few for the front matter case), `case.json` (the codes it fixes, extra options such as
`--unsafe-fixes`, the exit code of `seedlint fix`), `after.md` and `diff.txt`. Regenerate
the last two with `SEEDLINT_REGEN_GOLDEN=1 pytest tests/fix/test_golden.py`, then read
the diff of the regenerated files before committing them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fix.conftest import Cli, offline

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(folder for folder in GOLDEN.iterdir() if (folder / "case.json").is_file())
REGENERATE = bool(os.environ.get("SEEDLINT_REGEN_GOLDEN"))


def _findings(cli: Cli, vault: Path) -> list[dict[str, object]]:
    ran = cli("check", "--format", "json", *offline(vault), "seed.md")
    assert ran.code in (0, 1), ran.err
    findings: list[dict[str, object]] = json.loads(ran.out)["findings"]
    return findings


@pytest.mark.parametrize("case", CASES, ids=lambda folder: folder.name)
def test_golden_fix(case: Path, vault: Path, cli: Cli) -> None:
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    codes: list[str] = spec["codes"]
    before = (case / "before.md").read_bytes()
    seed = vault / "seed.md"
    seed.write_bytes(before)

    # The defect is there, and `check` offers its fix.
    found = _findings(cli, vault)
    for code in codes:
        assert any(f["code"] == code and f["fix"] for f in found), (code, found)

    # --diff prints the change and writes nothing.
    diff = cli("fix", "--diff", *offline(vault), *spec["args"], "seed.md")
    assert seed.read_bytes() == before
    if REGENERATE:
        (case / "diff.txt").write_bytes(diff.out.encode("utf-8"))
    assert diff.out == (case / "diff.txt").read_bytes().decode("utf-8")
    assert diff.code == (1 if codes else 0), diff.err

    # fix writes exactly the golden result.
    fixed = cli("fix", *offline(vault), *spec["args"], "seed.md")
    assert fixed.code == spec["exit"], fixed.out + fixed.err
    if REGENERATE:
        (case / "after.md").write_bytes(seed.read_bytes())
    after = (case / "after.md").read_bytes()
    assert seed.read_bytes() == after
    assert (after != before) == bool(codes)

    # No finding of a fixed code is left, and fixing again changes nothing.
    left = _findings(cli, vault)
    assert not [f for f in left if f["code"] in codes], left
    again = cli("fix", *offline(vault), *spec["args"], "seed.md")
    assert again.code == spec["exit"]
    assert seed.read_bytes() == after
    assert cli("fix", "--diff", *offline(vault), *spec["args"], "seed.md").out == ""


@pytest.mark.parametrize(
    "case",
    [
        case
        for case in CASES
        if "--unsafe-fixes" in json.loads((case / "case.json").read_text())["args"]
    ],
    ids=lambda folder: folder.name,
)
def test_unsafe_fixes_wait_for_the_option(case: Path, vault: Path, cli: Cli) -> None:
    before = (case / "before.md").read_bytes()
    seed = vault / "seed.md"
    seed.write_bytes(before)
    ran = cli("fix", *offline(vault), "seed.md")
    assert seed.read_bytes() == before
    assert ran.code == 1  # the unsafe finding is still there
    assert "--unsafe-fixes" in ran.out  # the report says how to apply it
