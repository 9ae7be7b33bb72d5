"""Selection corners the selector tests let pass: `ALL` against a prefix, F102's level
under `unknown-keys = "error"`, a did-you-mean two digits off, a caller's own rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seedlint.config import ConfigError, load
from seedlint.context import RunContext
from seedlint.findings import Severity
from seedlint.linter import Selection, is_selected
from seedlint.registry import UnknownSelector, is_known_selector, load_rules, resolve_selector
from tests.helpers import FRONT, SHORT_BODY, lint_text, run, write

PLUGIN = Path(__file__).resolve().parents[2] / "examples" / "plugins" / "seedlint-vocab"

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


# -- rule options as a selection resolves them (Selection.build) -----------------------------


def _selection(folder: Path) -> Selection:
    configuration = load(folder / "seedlint.toml")
    return Selection.build(load_rules(), RunContext(configuration), offline=True)


def test_rule_options_reach_the_selection(tmp_path: Path) -> None:
    write(tmp_path / "seedlint.toml", '[rules.F102]\npolicy = "error"\n')
    selection = _selection(tmp_path)
    assert selection.options["F102"].policy == "error"  # type: ignore[attr-defined]
    assert selection.severities["F102"] is Severity.ERROR


def test_a_bad_rule_table_names_the_configuration_file(tmp_path: Path) -> None:
    config = write(tmp_path / "seedlint.toml", '[rules.T001]\nstyle = "x"\n')
    with pytest.raises(ConfigError) as raised:
        _selection(tmp_path)
    assert str(raised.value) == (
        f"{config}: rule T001 (broken-topic-ref) has no options, yet 'rules.T001' sets some"
    )


def test_a_bad_rule_table_without_a_file_names_the_configuration() -> None:
    configuration = load(None, {"rules": {"T001": {"style": "x"}}})
    with pytest.raises(ConfigError) as raised:
        Selection.build(load_rules(), RunContext(configuration), offline=True)
    assert str(raised.value) == (
        "configuration: rule T001 (broken-topic-ref) has no options, yet 'rules.T001' sets some"
    )


@pytest.fixture
def vocab_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example vocabulary plugin on this process's path, as pip installs it."""
    root = tmp_path / "site"
    shutil.copytree(PLUGIN / "seedlint_vocab", root / "seedlint_vocab")
    info = root / "seedlint_vocab-0.1.0.dist-info"
    write(info / "METADATA", "Metadata-Version: 2.1\nName: seedlint-vocab\nVersion: 0.1.0\n")
    write(info / "entry_points.txt", "[seedlint.rules]\nvocab = seedlint_vocab:RULES\n")
    monkeypatch.syspath_prepend(str(root))
    return root


def test_a_table_named_after_the_plugin_configures_its_rules(
    vocab_site: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "vault"
    write(folder / "seedlint.toml", '[rules.vocab]\nfile = "vocabulary.txt"\n')
    write(folder / "vocabulary.txt", "NLP\n")
    options = _selection(folder).options["Z201"]
    assert options.file.data == b"NLP\n"  # type: ignore[attr-defined]


def test_an_input_file_that_cannot_be_read_names_the_configuration_file(
    vocab_site: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "vault"
    config = write(folder / "seedlint.toml", '[rules.vocab]\nfile = "missing.txt"\n')
    with pytest.raises(ConfigError) as raised:
        _selection(folder)
    assert str(raised.value).startswith(f"{config}: 'rules.Z201.file' (missing.txt): ")
