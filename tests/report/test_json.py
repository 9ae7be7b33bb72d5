"""`seedlint report --format json`: valid against its schema, and the same run as `check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from tests.report.conftest import HandCounted

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _schema(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def validate(document: Any) -> None:
    check = _schema("report.schema.json")
    registry = Registry().with_resource(check["$id"], Resource.from_contents(check))
    schema = _schema("vault-report.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.FormatChecker()
    )
    validator.validate(document)


def seedlint(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("where", ["examples", "hand_counted"])
def test_the_json_is_valid_and_holds_check_s_document_for_the_same_vault(
    where: str, request: pytest.FixtureRequest
) -> None:
    fixture = request.getfixturevalue(where)
    root = fixture.root if isinstance(fixture, HandCounted) else fixture
    report = seedlint("report", "--format", "json", "--offline", ".", cwd=root)
    assert report.returncode == 0, report.stderr
    document = json.loads(report.stdout)
    validate(document)
    check = seedlint("check", "--format", "json", "--offline", ".", cwd=root)
    assert check.returncode == 1, check.stderr  # both vaults have findings
    assert document["check"] == json.loads(check.stdout)
    # The cards count what check counted.
    summary = document["check"]["summary"]
    cards = document["cards"]
    assert cards["seeds"] == summary["files"]
    assert cards["findings"] == summary["findings"]
    assert cards["fixable_safe"] + cards["fixable_unsafe"] == summary["fixable"]
    assert {row["code"]: row["findings"] for row in document["by_rule"]} == summary["by_code"]
    assert sum(row["findings"] for row in document["by_folder"]) == summary["findings"]


def test_selection_and_configuration_reach_the_report_as_they_reach_check(
    hand_counted: HandCounted,
) -> None:
    root = hand_counted.root
    options = ("--offline", "--ignore", "W", ".")
    report = json.loads(seedlint("report", "--format", "json", *options, cwd=root).stdout)
    check = json.loads(seedlint("check", "--format", "json", *options, cwd=root).stdout)
    assert report["check"] == check
    assert [row["code"] for row in report["by_rule"]] == ["T001"]


def test_json_to_a_file_and_standard_input_refused(hand_counted: HandCounted) -> None:
    root = hand_counted.root
    written = seedlint("report", "--format", "json", "--offline", "-o", "out/r.json", ".", cwd=root)
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert "report written to out/r.json" in written.stderr
    validate(json.loads((root / "out" / "r.json").read_text(encoding="utf-8")))
    stdin = seedlint("report", "--format", "json", "-", cwd=root)
    assert stdin.returncode == 2
    assert stdin.stderr.strip() == (
        "seedlint: error: report reads files and folders, not standard input ('-')"
    )
