"""docs/ci.md: the workflows it shows parse, use real options, and agree with themselves.

The commands of the GitHub and GitLab jobs are also run (offline: tests use no network)
on a real vault, to show that each report lands where the next step reads it.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from seedlint.cli import build_parser
from seedlint.reporters import REPORTERS
from tests.integrations.conftest import Vault, seedlint

ROOT = Path(__file__).resolve().parents[2]
CI_DOC = ROOT / "docs" / "ci.md"


def _fenced_blocks(language: str) -> list[str]:
    """The bodies of the ```language fences of docs/ci.md, in order."""
    blocks: list[str] = []
    current: list[str] | None = None
    for line in CI_DOC.read_text(encoding="utf-8").splitlines():
        if current is None and line.strip() == f"```{language}":
            current = []
        elif current is not None and line.strip() == "```":
            blocks.append("\n".join(current) + "\n")
            current = None
        elif current is not None:
            current.append(line)
    assert current is None, "unclosed code fence in docs/ci.md"
    return blocks


def _yaml_blocks() -> list[Any]:
    return [yaml.safe_load(block) for block in _fenced_blocks("yaml")]


def _workflow() -> dict[str, Any]:
    [workflow] = [block for block in _yaml_blocks() if "jobs" in block]
    return dict(workflow)


def _gitlab_job() -> dict[str, Any]:
    [job] = [block["seedlint"] for block in _yaml_blocks() if "seedlint" in block]
    return dict(job)


def _steps() -> list[dict[str, Any]]:
    return list(_workflow()["jobs"]["seedlint"]["steps"])


def _seedlint_commands() -> list[str]:
    commands = [step["run"] for step in _steps() if "seedlint " in step.get("run", "")]
    commands += [line for line in _gitlab_job()["script"] if line.startswith("seedlint ")]
    return commands


def _option(command: str, name: str) -> str:
    words = shlex.split(command)
    return words[words.index(name) + 1]


def test_every_yaml_block_parses() -> None:
    blocks = _yaml_blocks()

    assert len(blocks) >= 4
    assert all(block for block in blocks)


def test_every_command_is_a_valid_seedlint_command() -> None:
    commands = _seedlint_commands() + [
        line for line in _fenced_blocks("sh")[0].splitlines() if line.startswith("seedlint ")
    ]

    assert len(commands) == 5
    for command in commands:
        words = shlex.split(command)
        assert words[:2] == ["seedlint", "check"], command
        args = build_parser().parse_args(words[1:])
        assert args.format in REPORTERS, command


def test_the_github_workflow_keeps_the_link_cache_and_uploads_the_sarif() -> None:
    steps = _steps()
    uses = {step.get("uses", "").split("@")[0]: step for step in steps if "uses" in step}

    restore, save = uses["actions/cache/restore"], uses["actions/cache/save"]
    assert restore["with"]["path"] == save["with"]["path"] == ".seedlint_cache"
    assert restore["with"]["key"] == save["with"]["key"]
    assert save["if"] == "${{ !cancelled() }}"  # saved even when findings fail the job
    [sarif_step] = [step for step in steps if "--format sarif" in step.get("run", "")]
    upload = uses["github/codeql-action/upload-sarif"]
    assert upload["with"]["sarif_file"] == _option(sarif_step["run"], "--output-file")
    assert upload["if"] == "${{ !cancelled() }}"
    assert any("--format github" in step.get("run", "") for step in steps)
    permissions = _workflow()["jobs"]["seedlint"]["permissions"]
    assert permissions["security-events"] == "write"


def test_the_gitlab_job_keeps_the_link_cache_and_reports_junit() -> None:
    job = _gitlab_job()

    [links] = [cache for cache in job["cache"] if ".seedlint_cache/" in cache["paths"]]
    assert links["when"] == "always"
    [junit] = [line for line in job["script"] if "--format junit" in line]
    assert job["artifacts"]["reports"]["junit"] == _option(junit, "--output-file")
    assert job["artifacts"]["when"] == "always"


def test_the_pre_commit_snippet_names_real_hooks() -> None:
    [config] = [block for block in _yaml_blocks() if "repos" in block]
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

    ids = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert ids == {hook["id"] for hook in manifest} == {"seedlint", "seedlint-fix"}


@pytest.mark.parametrize("job", ["github", "gitlab"])
def test_the_jobs_commands_leave_their_report_where_the_next_step_reads_it(
    vault: Vault, job: str
) -> None:
    if job == "github":
        commands = [step["run"] for step in _steps() if "seedlint " in step.get("run", "")]
        report = _steps()[-1]["with"]["sarif_file"]
    else:
        commands = [line for line in _gitlab_job()["script"] if line.startswith("seedlint ")]
        report = _gitlab_job()["artifacts"]["reports"]["junit"]

    codes = [
        seedlint(*shlex.split(command)[1:], "--offline", cwd=vault.root).returncode
        for command in commands
    ]

    assert codes == [0, 1]  # the report never fails the job; the last command decides
    assert (vault.root / report).stat().st_size > 0
    assert "seeds/broken.md" in (vault.root / report).read_text(encoding="utf-8")


def _pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_pre_commit_accepts_the_hooks_manifest_and_the_documented_config(
    tmp_path: Path,
) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed")
    [config] = [block for block in _fenced_blocks("yaml") if block.startswith("repos:")]
    config_path = tmp_path / ".pre-commit-config.yaml"
    config_path.write_text(config, encoding="utf-8")

    manifest = _pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"))
    documented = _pre_commit("validate-config", str(config_path))

    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    assert documented.returncode == 0, documented.stdout + documented.stderr
