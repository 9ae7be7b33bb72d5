"""The real pre-commit runs this repository's `.pre-commit-hooks.yaml` on a user's repository.

pre-commit clones the hook repository at a commit and builds the hook's own virtualenv
from it (pip, from the package index): this takes a minute the first time, so the clone
and the environment are shared by the tests of this module.

What it clones is a snapshot of this checkout as it is on disk (tracked files and new ones
git does not ignore), committed in a scratch repository: the test then checks the code
under test, not the last commit. In CI, on a clean clone, the two are the same.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import REAL_SEED_TOPICS, real_seed_text
from tests.integrations.conftest import Vault, fixable_seed, make_vault

#: This checkout, found from this file (tests run from a clean clone in CI, from any cwd).
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        shutil.which("git") is None, reason="git is not installed: pre-commit needs it"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("pre_commit") is None,
        reason="pre-commit is not installed (pip install -e '.[test]')",
    ),
]


def _git_environment(home: Path) -> dict[str, str]:
    """Git as on a fresh machine: no user or system configuration, a fixed identity."""
    config = home / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "seedlint tests",
        "GIT_AUTHOR_EMAIL": "tests@seedlint.invalid",
        "GIT_COMMITTER_NAME": "seedlint tests",
        "GIT_COMMITTER_EMAIL": "tests@seedlint.invalid",
    }


def _git(env: dict[str, str], cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def _snapshot(env: dict[str, str], target: Path) -> str:
    """Commit the checkout's files, as they are on disk, in a new repository at ``target``."""
    if not (ROOT / ".git").exists():
        pytest.fail(f"{ROOT} is not a git checkout: the pre-commit test needs one")
    listed = _git(env, ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    target.mkdir()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file():  # deleted in the working tree, or a submodule
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    assert (target / ".pre-commit-hooks.yaml").is_file()
    _git(env, target, "init", "--quiet")
    _git(env, target, "add", "--all")
    _git(env, target, "commit", "--quiet", "--no-verify", "-m", "snapshot for pre-commit tests")
    return _git(env, target, "rev-parse", "HEAD").strip()


@dataclass(frozen=True)
class HookSource:
    repository: Path
    rev: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HookSource]:
    home = tmp_path_factory.mktemp("pre-commit")
    env = _git_environment(home)
    # pre-commit's clones and hook environments go here, not in the user's ~/.cache.
    env["PRE_COMMIT_HOME"] = str(home / "cache")
    env["PRE_COMMIT_COLOR"] = "never"
    env.pop("PRE_COMMIT", None)
    env.pop("VIRTUAL_ENV", None)
    rev = _snapshot(env, home / "seedlint")
    yield HookSource(home / "seedlint", rev, env)


@dataclass(frozen=True)
class UserRepository:
    vault: Vault
    source: HookSource

    def git(self, *args: str) -> str:
        return _git(self.source.env, self.vault.root, *args)

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=self.vault.root,
            env=self.source.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )


@pytest.fixture
def repository(tmp_path: Path, hook_source: HookSource) -> UserRepository:
    """A user's vault under git, with a `.pre-commit-config.yaml` naming our hooks."""
    vault = make_vault(tmp_path / "notes")
    (vault.root / "seeds/clean.md").unlink()
    (vault.root / "seeds/broken.md").unlink()
    vault.write(
        ".pre-commit-config.yaml",
        "repos:\n"
        f"  - repo: {hook_source.repository.as_uri()}\n"
        f"    rev: {hook_source.rev}\n"
        "    hooks:\n"
        "      - id: seedlint-fix\n"
        "      - id: seedlint\n",
    )
    user = UserRepository(vault, hook_source)
    user.git("init", "--quiet")
    user.git("add", "--all")
    user.git("commit", "--quiet", "--no-verify", "-m", "vault settings and topics")
    return user


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def test_a_clean_seed_passes(repository: UserRepository) -> None:
    repository.vault.write("seeds/clean.md", real_seed_text())
    repository.git("add", "seeds/clean.md")

    result = repository.pre_commit("run", "seedlint")

    assert result.returncode == 0, _output(result)
    assert "seedlint" in result.stdout
    assert "Passed" in result.stdout


def test_a_broken_seed_fails_with_the_finding(repository: UserRepository) -> None:
    broken = fixable_seed().replace("read_priority: 1", "read_priority: high")
    repository.vault.write("seeds/broken.md", broken)
    repository.git("add", "seeds/broken.md")

    result = repository.pre_commit("run", "seedlint")

    assert result.returncode == 1, _output(result)
    assert "Failed" in result.stdout
    assert "seeds/broken.md:4:16: F103 read_priority must be an integer" in result.stdout
    assert "seeds/broken.md:11:14: F201" in result.stdout


def test_only_seed_files_are_passed(repository: UserRepository) -> None:
    repository.vault.write("script.py", "print('not a seed')\n")
    repository.vault.write("data.json", "{}\n")
    repository.git("add", "script.py", "data.json")

    result = repository.pre_commit("run", "seedlint")

    assert result.returncode == 0, _output(result)
    assert "(no files to check)Skipped" in result.stdout


def test_the_fix_hook_rewrites_the_file_fails_once_then_passes(
    repository: UserRepository,
) -> None:
    path = repository.vault.write("seeds/fixable.md", fixable_seed())
    repository.git("add", "seeds/fixable.md")

    first = repository.pre_commit("run", "seedlint-fix")

    assert first.returncode == 1, _output(first)
    assert "files were modified by this hook" in first.stdout
    expected = real_seed_text().replace("thoughts-on-the-2024-ai-job-market", "another-post")
    assert path.read_bytes() == expected.encode("utf-8")

    # The user stages the fixed file, as pre-commit asks, and commits again.
    repository.git("add", "seeds/fixable.md")
    second = repository.pre_commit("run", "seedlint-fix")
    both = repository.pre_commit("run")

    assert second.returncode == 0, _output(second)
    assert both.returncode == 0, _output(both)
    assert both.stdout.count("Passed") == 2
    assert path.read_bytes() == expected.encode("utf-8")


def test_the_hooks_run_on_a_real_commit(repository: UserRepository) -> None:
    # `pre-commit install` then `git commit`: the hook blocks the broken seed.
    repository.pre_commit("install")
    broken = fixable_seed().replace("read_priority: 1", "read_priority: high")
    repository.vault.write("seeds/broken.md", broken)
    repository.git("add", "seeds/broken.md")

    commit = subprocess.run(
        ["git", "commit", "-m", "add a seed"],
        cwd=repository.vault.root,
        env=repository.source.env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert commit.returncode == 1
    assert "F103" in commit.stdout + commit.stderr
    assert repository.git("log", "--format=%s") == "vault settings and topics\n"


# -- the hooks on a real vault: seeds and topic notes -----------------------------------------


def _local_hooks() -> str:
    """This repository's `.pre-commit-hooks.yaml` entries as `repo: local` hooks run by this
    Python (`language: system`): the same ids, `files:`, `types:` and arguments, with no
    hook environment to build (no package index needed)."""
    import shlex

    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        command = shlex.split(hook["entry"])
        assert command[0] == "seedlint"
        hook["entry"] = shlex.join([sys.executable, "-m", "seedlint", *command[1:]])
        hook["language"] = "system"
        hook.pop("minimum_pre_commit_version", None)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


@pytest.fixture
def real_vault(tmp_path: Path) -> UserRepository:
    """A vault as the real one is laid out: seeds under `contents/`, topic notes under
    `topics/<Category>/` (many more of them than seeds), drafts the configuration
    excludes; all committed, with the hooks configured."""
    home = tmp_path / "home"
    home.mkdir()
    env = _git_environment(home)
    env["PRE_COMMIT_HOME"] = str(home / "cache")
    env["PRE_COMMIT_COLOR"] = "never"
    env.pop("PRE_COMMIT", None)
    vault = Vault(tmp_path / "vault")
    vault.write("seedlint.toml", 'exclude = ["drafts/"]\n')
    categories = ("Concept", "Library", "Person")
    for number in range(60):
        category = categories[number % 3]
        vault.write(f"topics/{category}/Note {number}.md", f"---\ntype: {category}\n---\n")
    for name in REAL_SEED_TOPICS:
        vault.write(f"topics/Concept/{name}.md", "---\ntype: Concept\n---\n")
    for number in range(20):
        text = real_seed_text().replace("thoughts-on-the-2024-ai-job-market", f"post-{number}")
        vault.write(f"contents/{number:03}.md", text)
    vault.write("drafts/half-written.md", "---\nlink: nowhere\n---\n")
    vault.write(".pre-commit-config.yaml", _local_hooks())
    user = UserRepository(vault, HookSource(tmp_path, "", env))
    user.git("init", "--quiet")
    user.git("add", "--all")
    user.git("commit", "--quiet", "--no-verify", "-m", "a vault")
    return user


def test_all_files_lints_the_seeds_and_never_the_topic_notes(real_vault: UserRepository) -> None:
    result = real_vault.pre_commit("run", "seedlint", "--all-files")

    assert result.returncode == 0, _output(result)
    assert "Passed" in result.stdout


def test_all_files_reports_only_the_broken_seed(real_vault: UserRepository) -> None:
    broken = fixable_seed().replace("read_priority: 1", "read_priority: high")
    real_vault.vault.write("contents/broken.md", broken)
    real_vault.git("add", "--all")

    result = real_vault.pre_commit("run", "seedlint", "--all-files")

    assert result.returncode == 1, _output(result)
    reported = [line for line in result.stdout.splitlines() if ": F" in line or ": W" in line]
    assert reported, result.stdout
    assert all(line.startswith("contents/broken.md:") for line in reported), result.stdout
    assert "topics/" not in result.stdout and "drafts/" not in result.stdout
    assert "contents/broken.md:4:16: F103 read_priority must be an integer" in result.stdout


def test_a_staged_topic_note_or_draft_is_not_linted(real_vault: UserRepository) -> None:
    real_vault.vault.write("topics/Concept/New idea.md", "no front matter at all\n")
    real_vault.vault.write("drafts/another.md", "no front matter either\n")
    real_vault.git("add", "--all")

    result = real_vault.pre_commit("run", "seedlint")
    fixing = real_vault.pre_commit("run", "seedlint-fix")

    assert result.returncode == 0, _output(result)
    assert fixing.returncode == 0, _output(fixing)
    assert "Passed" in result.stdout
    assert real_vault.vault.root.joinpath("drafts/another.md").read_text() == (
        "no front matter either\n"
    )
