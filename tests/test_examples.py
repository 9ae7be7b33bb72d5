"""The bundled examples through the real command line, as a user would run them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tests.helpers import EXAMPLES, REAL_SEED, concise

REPOSITORY = EXAMPLES.parent
VAULT = EXAMPLES / "vault"
VAULT_SEED = VAULT / "contents" / "Blog post" / "Thoughts on the 2024 AI job market.md"

#: What each broken example shows, code by code (a code listed twice is found twice).
EXPECTED = {
    "broken/front_matter.md": ["F103", "F104", "F104", "F201", "F202", "F202", "F203"],
    "broken/sections.md": ["S002", "S005", "S006"],
    "broken/topics.md": ["T001", "T002", "T003"],
    "broken/links.md": ["L003", "L005", "L006"],
    "broken/001_5eed5eed5eed5eed.txt": ["C001", "C002"],
    "broken/002_5eed5eed5eed5eed.txt": ["C001", "C002"],
    "broken/whitespace.md": ["W001", "W002"],
}


def seedlint(*args: str, cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def report(process: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(process.stdout)
    return data


def codes_by_file(data: dict[str, Any], base: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in data["findings"]:
        relative = finding["path"].removeprefix(base)
        found.setdefault(relative, []).append(finding["code"])
    return {path: sorted(codes) for path, codes in found.items()}


def test_vault_copy_is_the_real_seed_byte_for_byte() -> None:
    assert VAULT_SEED.read_bytes() == REAL_SEED.read_bytes()
    notes = sorted(path.name for path in (VAULT / "topics" / "Concept").iterdir())
    assert len(notes) == 6
    for name in notes:
        assert (
            (VAULT / "topics" / "Concept" / name)
            .read_text(encoding="utf-8")
            .startswith("---\ntype: Concept\ndate: ")
        )


def test_vault_is_clean() -> None:
    process = seedlint("check", "examples/vault", "--offline", "--format", "json")
    assert process.returncode == 0, process.stdout + process.stderr
    data = report(process)
    assert data["findings"] == []
    # One seed: the topic notes under vault/topics/ are not linted as seeds.
    assert data["summary"]["files"] == 1
    assert data["summary"]["findings"] == 0
    assert "no topics folder" not in process.stderr


def test_vault_is_clean_from_inside_it() -> None:
    process = seedlint("check", "--offline", cwd=VAULT)
    assert process.returncode == 0, process.stdout + process.stderr
    assert "All checks passed (1 file)" in process.stdout


def test_examples_report_each_broken_file_and_nothing_else() -> None:
    process = seedlint("check", "examples", "--offline", "--format", "json")
    assert process.returncode == 1, process.stderr
    data = report(process)
    found = codes_by_file(data, "examples/")
    assert found == EXPECTED
    # Broken seeds, the exported real seed and the vault's copy; never a topic note.
    assert data["summary"]["files"] == len(EXPECTED) + 2
    assert data["summary"]["by_code"] == dict(
        sorted(Counter(code for codes in EXPECTED.values() for code in codes).items())
    )
    assert "no topics folder" not in process.stderr


def test_examples_text_report_names_the_suggestion() -> None:
    process = seedlint("check", "examples/broken/topics.md", "--offline")
    assert process.returncode == 1
    findings = concise(process.stdout)
    assert (
        "examples/broken/topics.md:18:1: T001 topic note 'topics/Library/LLM Security.md' "
        "does not exist (did you mean 'topics/Concept/LLM Security'?)"
    ) in findings
    assert "examples/broken/topics.md:20:1: T002" in findings
    assert "examples/broken/topics.md:24:1: T003" in findings


def test_duplicates_name_each_other() -> None:
    process = seedlint("check", "examples/broken", "--offline", "--select", "C", "--format", "json")
    assert process.returncode == 1
    messages = {
        (finding["path"], finding["code"]): (finding["line"], finding["column"], finding["message"])
        for finding in report(process)["findings"]
    }
    first = "examples/broken/001_5eed5eed5eed5eed.txt"
    second = "examples/broken/002_5eed5eed5eed5eed.txt"
    assert messages[(first, "C001")] == (3, 7, f"duplicate seed: the same link as {second}")
    assert messages[(second, "C002")] == (
        1,
        1,
        f"duplicate seed id 5eed5eed5eed5eed: also used by {first}",
    )


def test_real_seed_is_clean_without_a_topics_root(tmp_path: Path) -> None:
    shutil.copyfile(REAL_SEED, tmp_path / REAL_SEED.name)
    process = seedlint("check", REAL_SEED.name, "--offline", cwd=tmp_path)
    assert process.returncode == 0, process.stdout
    assert "All checks passed (1 file)" in process.stdout
    # Said once, on stderr, and the six references are not flagged.
    assert process.stderr.count("no topics folder at") == 1


def test_fix_repairs_the_topic_examples_in_a_copy(tmp_path: Path) -> None:
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    target = copy / "broken" / "topics.md"
    safe = seedlint("fix", "broken/topics.md", "--offline", cwd=copy)
    assert safe.returncode == 1  # T001's fix is unsafe: it changes which note is meant
    text = target.read_text(encoding="utf-8")
    assert text.endswith(
        "## Topics\n\n"
        "![](topics/Library/LLM%20Security)\n\n"
        "![](topics/Concept/Pre%20training)\n\n"
        "![](topics/Concept/Instruction%20Tuning)\n"
    )
    unsafe = seedlint("fix", "broken/topics.md", "--offline", "--unsafe-fixes", cwd=copy)
    assert unsafe.returncode == 0, unsafe.stdout + unsafe.stderr
    assert "![](topics/Concept/LLM%20Security)\n" in target.read_text(encoding="utf-8")
