"""Selection corners the selector tests let pass: `ALL` against a prefix, F102's level
under `unknown-keys = "error"`, a did-you-mean two digits off, a caller's own rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seedlint.findings import Severity
from seedlint.linter import is_selected
from seedlint.registry import UnknownSelector, is_known_selector, load_rules, resolve_selector
from tests.helpers import FRONT, SHORT_BODY, lint_text, run, write

#: A seed with one unknown key (F102) and trailing blanks (W001).
SEED = FRONT.replace("\n---\n", "\nzebra: 1\n---\n") + SHORT_BODY.replace("Prose.", "Prose.  ")


def test_any_prefix_is_more_specific_than_all() -> None:
    # `ALL` counts as the shortest selector of all: a prefix on the other side beats it.
    assert is_selected("T001", ["T"], ["ALL"]) is True
    assert is_selected("T001", ["ALL"], ["T"]) is False
    assert is_selected("T001", ["ALL"], ["ALL"]) is False  # a tie: ignore wins


def test_prefix_against_all_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = write(tmp_path / "seed.md", SEED)
    args = ("check", "--offline", "--no-cache", "--format", "json", seed)
    code, out, _ = run(capsys, *args, "--select", "W", "--ignore", "ALL")
    assert (code, [f["code"] for f in json.loads(out)["findings"]]) == (1, ["W001"])


@pytest.mark.parametrize(
    ("unknown_keys", "levels"),
    [
        ("warn", {"F102": "warning", "W001": "warning"}),
        ("error", {"F102": "error", "W001": "warning"}),
    ],
)
def test_unknown_keys_error_raises_only_f102(unknown_keys: str, levels: dict[str, str]) -> None:
    findings = lint_text(SEED, **{"unknown-keys": unknown_keys})
    assert {finding.code: finding.severity.value for finding in findings} == levels


def test_a_severity_override_beats_unknown_keys_error() -> None:
    findings = lint_text(SEED, **{"unknown-keys": "error", "severity": {"F102": "info"}})
    assert {f.code: f.severity for f in findings}["F102"] is Severity.INFO


def test_a_code_two_digits_off_is_offered_its_family() -> None:
    with pytest.raises(UnknownSelector) as unknown:
        resolve_selector("T99", load_rules())
    assert str(unknown.value) == "unknown rule selector 'T99' (did you mean 'T'?)"


def test_known_selectors_are_those_of_the_rules_given() -> None:
    rules = load_rules()
    only_w = {code: rule for code, rule in rules.items() if code.startswith("W")}
    assert is_known_selector("T001") is True
    assert is_known_selector("T001", only_w) is False
    assert is_known_selector("W", only_w) is True
