"""The front matter JSON Schema: drift, editor metadata, and agreement with the linter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from seedlint.cli import main
from seedlint.config import Settings
from seedlint.document import parse_text
from seedlint.rules.front_matter import unambiguous_date
from seedlint.schema import json_schema_text, validate
from tests.helpers import SPEC_REQUIRED_KEYS, real_seed_text

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
SEED_SCHEMA = SCHEMAS / "seed.schema.json"
REPORT_SCHEMA = SCHEMAS / "report.schema.json"


def committed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SEED_SCHEMA.read_text(encoding="utf-8"))
    return loaded


def real_front_matter() -> dict[str, Any]:
    text = real_seed_text()
    front = text.split("---\n", 2)[1]
    loaded: dict[str, Any] = yaml.safe_load(front)
    return loaded


def validator(schema: dict[str, Any] | None = None) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema or committed(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_committed_schema_equals_the_export() -> None:
    # Regenerate with: seedlint schema > schemas/seed.schema.json (from a folder without
    # a seedlint configuration).
    assert SEED_SCHEMA.read_text(encoding="utf-8") == json_schema_text(Settings())


def test_schema_command_prints_the_committed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == SEED_SCHEMA.read_text(encoding="utf-8")


def test_schema_command_follows_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seedlint.toml").write_text(
        'unknown-keys = "error"\nallowed-types = ["Note", "Paper"]\n'
        "[bounds]\nrelevance = { min = 1, max = 3 }\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"]["enum"] == ["Note", "Paper"]
    relevance = schema["properties"]["relevance"]
    assert (relevance["minimum"], relevance["maximum"]) == (1, 3)
    assert "maximum" not in schema["properties"]["read_priority"]


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(committed())
    jsonschema.Draft202012Validator.check_schema(json.loads(REPORT_SCHEMA.read_text("utf-8")))


def test_every_key_has_a_title_a_description_and_a_valid_example() -> None:
    schema = committed()
    assert schema["title"] and schema["description"]
    for key, prop in schema["properties"].items():
        assert prop.get("title"), key
        assert len(prop.get("description", "")) > 10, key
        assert prop.get("examples"), key
        for example in prop["examples"]:
            sub = {**prop, "$schema": schema["$schema"]}
            assert validator(sub).is_valid(example), (key, example)


def test_required_keys_and_optional_tags() -> None:
    schema = committed()
    assert "tags" not in schema["required"]
    assert set(schema["required"]) == set(SPEC_REQUIRED_KEYS)
    assert "default" not in schema["properties"]["tags"]


def test_the_real_seed_validates() -> None:
    errors = list(validator().iter_errors(real_front_matter()))
    assert errors == []


BROKEN: list[tuple[str, Any, str]] = [
    ("already_read", "false", "already_read"),
    ("already_read", 0, "already_read"),
    ("read_priority", 7, "read_priority"),
    ("read_priority", "high", "read_priority"),
    ("relevance", -1, "relevance"),
    ("type", "paper", "type"),
    ("tags", [], "tags"),
    ("tags", ["Good", "Good"], "tags"),
    ("tags", ["two words"], "tags"),
    ("tags", ["#hash"], "tags"),
    ("upload_date", "02/03/2024", "upload_date"),
    ("upload_date", "2024-02-30", "upload_date"),
    ("link", "ftp://example.com", "link"),
    ("source", 3, "source"),
]


@pytest.mark.parametrize(("key", "value", "blamed"), BROKEN)
def test_broken_front_matter_does_not_validate(key: str, value: Any, blamed: str) -> None:
    data = {**real_front_matter(), key: value}
    errors = list(validator().iter_errors(data))
    assert errors, (key, value)
    assert {error.path[0] if error.path else None for error in errors} == {blamed}


def test_a_missing_key_does_not_validate() -> None:
    data = real_front_matter()
    del data["relevance"]
    (error,) = validator().iter_errors(data)
    assert error.validator == "required"


def test_unknown_keys_are_allowed_by_default_schema() -> None:
    assert validator().is_valid({**real_front_matter(), "extra": 1})


@pytest.mark.parametrize(("key", "value", "blamed"), BROKEN)
def test_the_linter_agrees_with_the_schema(key: str, value: Any, blamed: str) -> None:
    """Whatever the published schema rejects, seedlint reports (and names the same key)."""
    data = {**real_front_matter(), key: value}
    text = "---\n" + yaml.safe_dump(data, sort_keys=True) + "---\n"
    document = parse_text("seed.md", text)
    errors = validate(document.front_values, Settings())
    if key == "upload_date" and value == "2024-02-30":
        # The pattern accepts it; F201 rejects it as a calendar date (the schema's format).
        assert errors == [] and unambiguous_date(value) is None
        return
    if key == "tags" and value == ["Good", "Good"]:
        assert errors == []  # F203 reports duplicates (uniqueItems in the schema)
        return
    assert {error.key for error in errors} == {blamed}
