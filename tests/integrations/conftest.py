"""A small real vault and a way to run the real `seedlint` command on it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import REAL_SEED_TOPICS, real_seed_text


def fixable_seed() -> str:
    """The real seed, about another post, with problems that all have safe fixes.

    F201 (unquoted date), F202 (tag with spaces) and W001 (trailing blanks).
    """
    # Another link: two seeds of one post would be a duplicate seed (C001).
    text = real_seed_text().replace("thoughts-on-the-2024-ai-job-market", "another-post")
    text = text.replace("upload_date: '2024-02-22'", "upload_date: 2024-02-22")
    text = text.replace("- Large_Language_Model", "- Large Language Model")
    return text.replace("## Summary\n", "## Summary   \n")


def broken_seed() -> str:
    """Fixable problems plus one no fix can mend: ``read_priority: high`` (F103)."""
    return fixable_seed().replace("read_priority: 1", "read_priority: high")


@dataclass(frozen=True)
class Vault:
    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path


def make_vault(root: Path) -> Vault:
    """A vault folder: configuration, topic notes, a clean seed and a broken one."""
    root.mkdir(parents=True, exist_ok=True)
    vault = Vault(root)
    vault.write("seedlint.toml", "# seedlint settings: the defaults\n")
    for name in REAL_SEED_TOPICS:
        vault.write(f"topics/Concept/{name}.md", "---\ntype: Concept\n---\n")
    vault.write("seeds/clean.md", real_seed_text())
    vault.write("seeds/broken.md", broken_seed())
    return vault


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return make_vault(tmp_path / "vault")


def seedlint(
    *args: str,
    cwd: Path,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process, as a CI job or an editor does."""
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
        timeout=300,
    )
