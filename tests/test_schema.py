"""The front matter JSON Schema: drift, editor metadata, and agreement with the linter."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from seedlint.cli import main
from seedlint.config import Settings
from seedlint.document import parse_text
from seedlint.rules.front_matter import unambiguous_date
from seedlint.schema import _draft7, config_json_schema_text, json_schema_text, validate
from tests.helpers import SPEC_REQUIRED_KEYS, real_seed_text

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
SEED_SCHEMA = SCHEMAS / "seed.schema.json"
REPORT_SCHEMA = SCHEMAS / "report.schema.json"
CONFIG_SCHEMA = SCHEMAS / "config.schema.json"


def committed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SEED_SCHEMA.read_text(encoding="utf-8"))
    return loaded


def real_front_matter() -> dict[str, Any]:
    text = real_seed_text()
    front = text.split("---\n", 2)[1]
    loaded: dict[str, Any] = yaml.safe_load(front)
    return loaded


def validator(schema: dict[str, Any] | None = None) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(
        schema or committed(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def test_committed_schema_equals_the_export() -> None:
    # Regenerate with: seedlint schema > schemas/seed.schema.json (from a folder without
    # a seedlint configuration).
    assert SEED_SCHEMA.read_text(encoding="utf-8") == json_schema_text(Settings())


def test_committed_config_schema_equals_the_export() -> None:
    # Regenerate with: seedlint schema config > schemas/config.schema.json
    assert CONFIG_SCHEMA.read_text(encoding="utf-8") == config_json_schema_text()


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


def _keywords(schema: Any) -> set[str]:
    """Every keyword a schema uses, at every depth (property and definition names aside)."""
    if isinstance(schema, list):
        return set().union(*(_keywords(item) for item in schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for key, value in schema.items():
        if key in ("properties", "patternProperties", "definitions", "$defs", "dependencies"):
            found |= set().union(*(_keywords(sub) for sub in value.values())) if value else set()
        elif key not in ("enum", "const", "examples", "default", "required"):
            found |= _keywords(value)
    return found


DRAFT7_KEYWORDS = set(jsonschema.Draft7Validator.META_SCHEMA["properties"])


@pytest.mark.parametrize("path", [SEED_SCHEMA, CONFIG_SCHEMA], ids=lambda path: path.name)
def test_published_schemas_are_draft_07(path: Path) -> None:
    """What ajv's draft-07 default (remark-lint-frontmatter-schema, VS Code) accepts: the
    draft-07 meta-schema, and no keyword that only later drafts know (check_schema alone
    lets an unknown keyword such as `prefixItems` or `$defs` through)."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert _keywords(schema) <= DRAFT7_KEYWORDS, _keywords(schema) - DRAFT7_KEYWORDS
    assert "$defs" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [SEED_SCHEMA, CONFIG_SCHEMA], ids=lambda path: path.name)
def test_schema_ids_name_no_host(path: Path) -> None:
    # No host serves them: an https:// id would send editors to fetch a page that is not there.
    schema_id = json.loads(path.read_text(encoding="utf-8"))["$id"]
    assert schema_id.startswith("urn:seedlint:schema:")


def test_the_report_schema_stays_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(REPORT_SCHEMA.read_text("utf-8")))


def test_schema_draft_2020_12_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "--draft", "2020-12"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    # The same constraints in either draft: the real seed passes, a broken one does not.
    strict = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert strict.is_valid(real_front_matter())
    assert not strict.is_valid({**real_front_matter(), "read_priority": 9})
    assert main(["schema", "config", "--draft", "2020-12"]) == 0
    config = json.loads(capsys.readouterr().out)
    assert "$defs" in config and "definitions" not in config
    jsonschema.Draft202012Validator.check_schema(config)


def test_schema_command_refuses_an_unknown_draft(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["schema", "--draft", "4"])
    assert exited.value.code == 2
    assert "invalid choice: '4'" in capsys.readouterr().err


def test_draft7_conversion_of_later_keywords() -> None:
    later = {
        "$defs": {
            "Pair": {"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False}
        },
        "properties": {
            "pair": {"$ref": "#/$defs/Pair", "description": "two things"},
            "$ref": {"type": "string"},  # a property named like a keyword stays a name
        },
        "dependentRequired": {"a": ["b"]},
    }
    assert _draft7(later) == {
        "definitions": {
            "Pair": {"items": [{"type": "string"}, {"type": "integer"}], "additionalItems": False}
        },
        "properties": {
            "pair": {"description": "two things", "allOf": [{"$ref": "#/definitions/Pair"}]},
            "$ref": {"type": "string"},
        },
        "dependencies": {"a": ["b"]},
    }
    with pytest.raises(ValueError, match="unevaluatedProperties"):
        _draft7({"unevaluatedProperties": False})


# -- the configuration schema ----------------------------------------------------------------


def config_validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(CONFIG_SCHEMA.read_text(encoding="utf-8")))


def test_config_schema_accepts_what_seedlint_loads(tmp_path: Path) -> None:
    """A full seedlint.toml and a pyproject.toml [tool.seedlint] table, read by the real
    loader and validated by the published schema: both agree they are fine."""
    import tomllib

    from seedlint.config import load

    toml = (
        'select = ["F", "T001"]\nignore = ["F204"]\nexclude = ["drafts/**"]\n'
        'severity = { W = "info", C001 = "off" }\nunknown-keys = "error"\n'
        'key-order = ["link", "type"]\ntopics-root = "vault"\n'
        '[per-file-ignores]\n"old/*.md" = ["S"]\n'
        "[bounds]\nrelevance = { min = 1, max = 3 }\n"
        '[links]\ntimeout = 5\naccept = ["200..=299", 403]\ncache-ttl = "12h"\n'
        '[links.hosts."example.com"]\nmax-concurrency = 1\nheaders = { Accept = "text/html" }\n'
    )
    standalone = tmp_path / "seedlint.toml"
    standalone.write_text(toml, encoding="utf-8")
    load(standalone, {})  # the loader takes it
    assert list(config_validator().iter_errors(tomllib.loads(toml))) == []
    pyproject = tmp_path / "pyproject.toml"
    headed = re.sub(r"^\[(?=[a-z])", "[tool.seedlint.", toml, flags=re.MULTILINE)
    pyproject.write_text("[tool.seedlint]\n" + headed, encoding="utf-8")
    load(pyproject, {})
    table = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["seedlint"]
    assert table == tomllib.loads(toml)
    assert list(config_validator().iter_errors(table)) == []


@pytest.mark.parametrize(
    ("toml", "blamed"),
    [
        ('ignor = ["F204"]', "ignor"),  # a typo: no such key
        ('unknown-keys = "loud"', "unknown-keys"),
        ("max-file-size = 0", "max-file-size"),
        ('severity = { W = "fatal" }', "severity"),
        ("[links]\nretries = 11", "links"),
        ('[links]\nmethod = "post"', "links"),
        ("[bounds]\nrelevance = { min = 1, top = 3 }", "bounds"),
        ("allowed-types = []", "allowed-types"),
    ],
)
def test_config_schema_rejects_what_seedlint_refuses(
    tmp_path: Path, toml: str, blamed: str
) -> None:
    import tomllib

    from seedlint.config import ConfigError, load

    path = tmp_path / "seedlint.toml"
    path.write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load(path, {})
    errors = list(config_validator().iter_errors(tomllib.loads(toml)))
    assert errors
    assert {error.path[0] if error.path else blamed for error in errors} == {blamed}


def test_config_schema_documents_every_key_with_its_default() -> None:
    schema = json.loads(CONFIG_SCHEMA.read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {
        field.alias or name for name, field in Settings.model_fields.items()
    }
    defaults = Settings().model_dump(by_alias=True, mode="json")
    for key, prop in schema["properties"].items():
        assert len(prop.get("description", "")) > 10, key
        if key != "links":
            assert prop["default"] == defaults[key], key
            assert config_validator().is_valid({key: prop["default"]}), key


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
