"""`--format sarif`: real output validated against the official OASIS SARIF 2.1.0 schema."""

from __future__ import annotations

import inspect
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import pytest
from jsonschema import Draft4Validator
from jsonschema.validators import validator_for

from seedlint.findings import Finding, Severity
from seedlint.registry import load_rules
from seedlint.reporters import ReportOptions, RunSummary
from seedlint.reporters.sarif import report_sarif
from tests.helpers import real_seed_text
from tests.integrations.conftest import Vault, fixable_seed, seedlint

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "sarif-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    # The validator the schema itself declares ("$schema": draft-04), not one we pick.
    assert cls is Draft4Validator
    cls.check_schema(schema)
    return cls(schema)


def _sarif(vault: Vault, *paths: str) -> dict[str, Any]:
    result = seedlint("check", "--offline", "--format", "sarif", *paths, cwd=vault.root)
    assert result.returncode in (0, 1), result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    return log


def _errors(validator: Draft4Validator, log: dict[str, Any]) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)]


def test_real_output_is_valid_sarif(vault: Vault, validator: Draft4Validator) -> None:
    # Non-ASCII letters, spaces and a character outside the BMP, as real vaults have.
    vault.write("contents/Blog post/Régulation de l'IA 🚀.md", fixable_seed())

    log = _sarif(vault, "seeds", "contents")

    assert _errors(validator, log) == []
    results = log["runs"][0]["results"]
    # C001: the new seed and seeds/broken.md are about the same post.
    assert {result["ruleId"] for result in results} == {"C001", "F103", "F201", "F202", "W001"}


def test_a_fix_that_only_creates_a_file_stays_valid_sarif(
    vault: Vault, validator: Draft4Validator
) -> None:
    """T001's create-note fix has no replacement in the seed (SARIF wants at least one):
    the result carries no `fixes`, and the log stays valid."""
    vault.write("seeds/clean.md", real_seed_text() + "\n\n![](topics/Concept/Quantum%20Widgets)")
    log = _sarif(vault, "seeds/clean.md")
    assert _errors(validator, log) == []
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "T001" and "fixes" not in result


def test_an_empty_run_is_valid_sarif(vault: Vault, validator: Draft4Validator) -> None:
    log = _sarif(vault, "seeds/clean.md")

    assert _errors(validator, log) == []
    assert log["runs"][0]["results"] == []


def test_the_schema_catches_a_wrong_log(vault: Vault, validator: Draft4Validator) -> None:
    # The validation above means something: seedlint's "info" is not a SARIF level.
    log = _sarif(vault, "seeds")
    log["runs"][0]["results"][0]["level"] = "info"
    del log["runs"][0]["tool"]["driver"]["name"]

    errors = _errors(validator, log)

    assert any("'info' is not one of" in error for error in errors)
    assert any("'name' is a required property" in error for error in errors)


def test_rules_carry_their_documentation(vault: Vault) -> None:
    driver = _sarif(vault, "seeds")["runs"][0]["tool"]["driver"]
    registry = load_rules()

    assert driver["name"] == "seedlint"
    assert [rule["id"] for rule in driver["rules"]] == sorted(registry)
    for descriptor in driver["rules"]:
        rule = registry[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["help"]["text"] == inspect.cleandoc(rule.explanation)
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"].startswith(
            descriptor["fullDescription"]["text"].split(" ")[0]
        )
        level = {"error": "error", "warning": "warning", "info": "note"}[rule.severity.value]
        assert descriptor["defaultConfiguration"]["level"] == level


def test_results_point_at_their_rule_and_at_the_file(vault: Vault) -> None:
    log = _sarif(vault, "seeds")
    run = log["runs"][0]
    report = seedlint("check", "--offline", "--format", "json", "seeds", cwd=vault.root)
    findings = json.loads(report.stdout)["findings"]

    assert len(run["results"]) == len(findings) == 4
    rules = run["tool"]["driver"]["rules"]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    for result, finding in zip(run["results"], findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["code"]
        assert result["level"] == finding["severity"]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert _resolve(base, location["artifactLocation"]) == vault.root / finding["path"]
        assert location["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
            "endLine": finding["end_line"],
            "endColumn": finding["end_column"],
        }


def test_uris_are_encoded_and_resolve_to_the_file(vault: Vault) -> None:
    relative = "contents/Blog post/Über: 50% #1?.md"
    path = vault.write(relative, fixable_seed())

    run = _sarif(vault, relative)["runs"][0]

    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uri"] == "contents/Blog%20post/%C3%9Cber%3A%2050%25%20%231%3F.md"
        assert _resolve(base, location) == path


def test_columns_count_code_points(vault: Vault) -> None:
    # W001 after an emoji: code point 14, though UTF-16 would count 15.
    text = fixable_seed().replace("## Summary   \n", "## Summary 🚀  \n")
    vault.write("seeds/emoji.md", text)

    run = _sarif(vault, "seeds/emoji.md")["runs"][0]

    assert run["columnKind"] == "unicodeCodePoints"
    [w001] = [result for result in run["results"] if result["ruleId"] == "W001"]
    region = w001["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (13, 15)


def test_fixes_rebuild_the_clean_file(vault: Vault) -> None:
    # The three safe fixes of the fixable seed, applied as any SARIF consumer would apply
    # them, give back the real (clean) seed.
    path = vault.write("seeds/fixable.md", fixable_seed())

    run = _sarif(vault, "seeds/fixable.md")["runs"][0]

    replacements = []
    for result in run["results"]:
        [fix] = result["fixes"]
        assert fix["description"]["text"].endswith("(safe fix)")
        [change] = fix["artifactChanges"]
        assert (
            _resolve(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], change["artifactLocation"])
            == path
        )
        replacements.extend(change["replacements"])
    fixed = _apply(path.read_text(encoding="utf-8"), replacements)
    expected = real_seed_text().replace("thoughts-on-the-2024-ai-job-market", "another-post")
    assert fixed == expected


def _resolve(base: str, location: dict[str, str]) -> Path:
    uri = urljoin(base, location["uri"]) if "uriBaseId" in location else location["uri"]
    return Path(url2pathname(urlsplit(uri).path))


def _apply(text: str, replacements: list[dict[str, Any]]) -> str:
    """Apply SARIF replacements (1-based lines, code point columns, end exclusive)."""
    starts = [0]
    for index, character in enumerate(text):
        if character == "\n":
            starts.append(index + 1)

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    spans = []
    for replacement in replacements:
        region = replacement["deletedRegion"]
        begin = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        spans.append((begin, end, replacement["insertedContent"]["text"]))
    for begin, end, content in sorted(spans, reverse=True):
        text = text[:begin] + content + text[end:]
    return text


def test_the_log_is_the_text_of_one_json_dump(vault: Vault) -> None:
    # Results of several files (locations change from one file to the next), fixes, and
    # letters outside ASCII, written as one `json.dump(log, indent=2)` would write them.
    vault.write("contents/Blog post/Régulation 🚀.md", fixable_seed())
    for paths in (("seeds", "contents"), ("seeds/clean.md",)):
        result = seedlint("check", "--offline", "--format", "sarif", *paths, cwd=vault.root)
        assert result.returncode in (0, 1), result.stderr
        log = json.loads(result.stdout)
        assert result.stdout == json.dumps(log, indent=2, ensure_ascii=False) + "\n"


class _Watched(list[Finding]):
    """Findings that note how much of the report was written when each was taken."""

    def __init__(self, findings: list[Finding], out: io.StringIO) -> None:
        super().__init__(findings)
        self.out = out
        self.written: list[int] = []

    def __iter__(self) -> Iterator[Finding]:
        for finding in super().__iter__():
            self.written.append(len(self.out.getvalue()))
            yield finding


def test_results_are_written_as_the_findings_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    findings = [
        Finding(path, line, 1, line, 2, "F104", "invalid-value", Severity.ERROR, "bad type")
        for path, line in (("a.md", 1), ("a.md", 2), ("b c.md", 3))
    ]
    out = io.StringIO()
    watched = _Watched(findings, out)

    report_sarif(watched, RunSummary.of(2, findings), out, ReportOptions())

    # The head of the log (the rules) is out before the first result is made, and each
    # result before the next one.
    assert watched.written[0] > 0
    assert watched.written == sorted(set(watched.written))
    [run] = json.loads(out.getvalue())["runs"]
    places = [
        (location["artifactLocation"]["uri"], location["region"]["startLine"])
        for location in (result["locations"][0]["physicalLocation"] for result in run["results"])
    ]
    assert places == [("a.md", 1), ("a.md", 2), ("b%20c.md", 3)]
