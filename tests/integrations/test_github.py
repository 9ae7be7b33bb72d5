"""`--format github`: workflow commands, read back the way the Actions runner reads them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from seedlint.findings import Finding, Severity
from seedlint.reporters.github import annotation, escape_data, escape_property
from tests.integrations.conftest import Vault, seedlint


@dataclass(frozen=True)
class Command:
    name: str
    properties: dict[str, str]
    message: str


def _unescape_data(value: str) -> str:
    # The runner's ActionCommand.UnescapeData: %25 last, so an escaped "%0A" stays literal.
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(value: str) -> str:
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ",")):
        value = value.replace(escaped, plain)
    return value.replace("%25", "%")


def parse_command(line: str) -> Command:
    """Parse ``::name k=v,k=v::message`` as actions/runner's ActionCommand.TryParseV2."""
    assert line.startswith("::"), line
    end = line.index("::", 2)
    info, message = line[2:end], line[end + 2 :]
    name, _, rendered = info.partition(" ")
    properties: dict[str, str] = {}
    for pair in rendered.split(","):
        key, separator, value = pair.partition("=")
        assert separator, f"property without '=': {pair!r}"
        properties[key] = _unescape_property(value)
    return Command(name, properties, _unescape_data(message))


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain text", "plain text", "plain text"),
        ("100%", "100%25", "100%25"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("key: value, more", "key: value, more", "key%3A value%2C more"),
        ("%0A literally", "%250A literally", "%250A literally"),
        ("::error::", "::error::", "%3A%3Aerror%3A%3A"),
    ],
)
def test_escaping_matches_the_toolkit(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop
    assert _unescape_data(data) == raw
    assert _unescape_property(prop) == raw


def test_annotations_of_a_real_run_round_trip(vault: Vault) -> None:
    # A name holding every character the escaping is about: % , : CR LF.
    odd = "odd, name: 100%\r\nseed.md"
    vault.write(f"seeds/{odd}", (vault.root / "seeds/broken.md").read_text(encoding="utf-8"))
    target = f"seeds/{odd}"

    github = seedlint("check", "--offline", "--format", "github", target, cwd=vault.root)
    report = seedlint("check", "--offline", "--format", "json", target, cwd=vault.root)

    assert github.returncode == 1, github.stderr
    findings = json.loads(report.stdout)["findings"]
    lines = github.stdout.splitlines()
    assert len(lines) == len(findings) == 4
    for line, finding in zip(lines, findings, strict=True):
        # A raw ':' or ',' in a value would cut it short; a raw line break would end the command.
        head = line[2 : line.index("::", 2)]
        assert ":" not in head
        assert head.count(",") == 5
        command = parse_command(line)
        assert command.name == {"error": "error", "warning": "warning"}[finding["severity"]]
        assert command.properties == {
            "file": target,
            "line": str(finding["line"]),
            "col": str(finding["column"]),
            "endLine": str(finding["end_line"]),
            "endColumn": str(finding["end_column"]),
            "title": finding["code"],
        }
        assert command.message.splitlines()[0] == finding["message"]
        if finding["fix"] is not None:
            assert command.message == f"{finding['message']}\nSafe fix: {finding['fix']['message']}"
    codes = [parse_command(line).properties["title"] for line in lines]
    assert codes == ["F103", "F202", "F201", "W001"]


def test_severity_sets_the_command(vault: Vault) -> None:
    vault.write("seedlint.toml", '[severity]\nW001 = "info"\nF201 = "error"\n')

    result = seedlint("check", "--offline", "--format", "github", "seeds", cwd=vault.root)

    commands = {
        parse_command(line).properties["title"]: parse_command(line).name
        for line in result.stdout.splitlines()
    }
    assert commands == {"F103": "error", "F201": "error", "F202": "warning", "W001": "notice"}


def test_paths_are_relative_to_the_workspace(vault: Vault, tmp_path: Path) -> None:
    # The job runs seedlint inside the vault; the runner resolves paths from the checkout.
    env = {**dict(os.environ), "GITHUB_WORKSPACE": str(tmp_path)}

    result = seedlint(
        "check", "--offline", "--format", "github", "./seeds/broken.md", cwd=vault.root, env=env
    )

    files = {parse_command(line).properties["file"] for line in result.stdout.splitlines()}
    assert files == {"vault/seeds/broken.md"}


def test_without_a_workspace_paths_are_normalised(vault: Vault) -> None:
    env = {key: value for key, value in dict(os.environ).items() if key != "GITHUB_WORKSPACE"}

    result = seedlint(
        "check",
        "--offline",
        "--format",
        "github",
        "./seeds/../seeds/broken.md",
        cwd=vault.root,
        env=env,
    )

    files = {parse_command(line).properties["file"] for line in result.stdout.splitlines()}
    assert files == {"seeds/broken.md"}


def test_a_clean_run_prints_nothing(vault: Vault) -> None:
    result = seedlint("check", "--offline", "--format", "github", "seeds/clean.md", cwd=vault.root)

    assert (result.returncode, result.stdout) == (0, "")


def test_a_range_over_several_lines_has_no_columns() -> None:
    # The toolkit: columns "cannot be sent when startLine and endLine are different".
    finding = Finding("a.md", 3, 5, 6, 1, "S003", "empty-section", Severity.WARNING, "empty")

    command = parse_command(annotation(finding))

    assert command.properties == {"file": "a.md", "line": "3", "endLine": "6", "title": "S003"}
