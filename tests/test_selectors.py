"""Selectors as ruff users expect them: every one names a real rule (or exit 2 with a
did-you-mean), rule names work, repeated flags accumulate, and a select/ignore tie goes
to ignore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seedlint.registry import (
    UnknownSelector,
    is_known_selector,
    load_rules,
    resolve_selector,
)
from tests.helpers import FRONT, SHORT_BODY, run, write

#: W001 on line 10 (trailing blanks), F201 on line 8 (unquoted date), T001 nowhere.
SEED = (FRONT + SHORT_BODY).replace("'2024-02-22'", "2024-02-22").replace("Prose.\n", "Prose.   \n")


def _codes(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str]]:
    code, out, err = run(capsys, "check", "--offline", "--no-cache", "--format", "json", *args)
    assert code in (0, 1), err
    return code, sorted({finding["code"] for finding in json.loads(out)["findings"]})


def _error(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code, out, err = run(capsys, "check", "--offline", "--no-cache", *args)
    assert code == 2, out + err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return write(tmp_path / "seed.md", SEED)


def test_the_seed_has_the_two_findings(capsys: pytest.CaptureFixture[str], seed: Path) -> None:
    assert _codes(capsys, seed) == (1, ["F201", "W001"])


# -- unknown selectors: exit 2, naming it ---------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--select", "X999", "unknown rule selector 'X999' in --select"),
        ("--select", "T9", "unknown rule selector 'T9' in --select (did you mean 'T'?)"),
        ("--select", "F1023", "unknown rule selector 'F1023' in --select (did you mean 'F102'?)"),
        ("--ignore", "W01", "unknown rule selector 'W01' in --ignore (did you mean 'W001'?)"),
        (
            "--extend-select",
            "broken-topic-refs",
            "unknown rule selector 'broken-topic-refs' in --extend-select "
            "(did you mean 'broken-topic-ref'?)",
        ),
    ],
)
def test_an_unknown_selector_on_the_command_line_is_exit_2(
    capsys: pytest.CaptureFixture[str], seed: Path, flag: str, value: str, message: str
) -> None:
    assert _error(capsys, flag, f"F201,{value}", seed) == (
        f"seedlint: error: command line: {message}"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('select = ["T9"]\n', "unknown rule selector 'T9' in 'select' (did you mean 'T'?)"),
        ('ignore = ["Q1"]\n', "unknown rule selector 'Q1' in 'ignore'"),
        (
            'extend-select = ["W009"]\n',
            "unknown rule selector 'W009' in 'extend-select' (did you mean 'W002'?)",
        ),
        (
            '[per-file-ignores]\n"*.md" = ["W1"]\n',
            "unknown rule selector 'W1' in 'per-file-ignores.*.md' (did you mean 'W'?)",
        ),
        (
            '[severity]\nshiny-rule = "info"\n',
            "unknown rule selector 'shiny-rule' in 'severity.shiny-rule'",
        ),
    ],
)
def test_an_unknown_selector_in_the_configuration_is_exit_2(
    capsys: pytest.CaptureFixture[str], seed: Path, content: str, message: str
) -> None:
    config = write(seed.parent / "seedlint.toml", content)
    line = _error(capsys, seed)
    assert line.startswith(f"seedlint: error: {config}: ")
    assert line.endswith(message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ignor = ['W001']\n", "unknown configuration key 'ignor' (did you mean 'ignore'?)"),
        ("selct = ['W']\n", "unknown configuration key 'selct' (did you mean 'select'?)"),
        ("per-file-ignore = {}\n", "(did you mean 'per-file-ignores'?)"),
        ("[links]\ntimout = 3\n", "unknown configuration key 'links.timout' (did you mean "),
        ("zzzz = 1\n", "unknown configuration key 'zzzz'"),
    ],
)
def test_an_unknown_configuration_key_gets_a_did_you_mean(
    capsys: pytest.CaptureFixture[str], seed: Path, content: str, message: str
) -> None:
    write(seed.parent / "seedlint.toml", content)
    line = _error(capsys, seed)
    assert message in line
    if "zzzz" in content:
        assert "did you mean" not in line


def test_all_and_case_are_accepted(capsys: pytest.CaptureFixture[str], seed: Path) -> None:
    assert _codes(capsys, "--select", "all", "--ignore", "f", seed) == (1, ["W001"])
    assert _codes(capsys, "--select", "w001", seed) == (1, ["W001"])


# -- rule names ------------------------------------------------------------------------------


def test_rule_names_select_like_their_codes(capsys: pytest.CaptureFixture[str], seed: Path) -> None:
    rules = load_rules()
    w001 = rules["W001"].name
    f201 = rules["F201"].name
    assert _codes(capsys, "--select", w001, seed) == (1, ["W001"])
    assert _codes(capsys, "--ignore", f201, seed) == (1, ["W001"])
    write(seed.parent / "seedlint.toml", f'select = ["{f201}"]\n[severity]\n"{f201}" = "info"\n')
    code, out, _ = run(capsys, "check", "--offline", "--no-cache", "--format", "json", seed)
    findings = json.loads(out)["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("F201", "info")]
    assert code == 0  # info does not fail the run


def test_a_rule_name_in_per_file_ignores(capsys: pytest.CaptureFixture[str], seed: Path) -> None:
    name = load_rules()["W001"].name
    write(seed.parent / "seedlint.toml", f'[per-file-ignores]\n"seed.md" = ["{name}"]\n')
    assert _codes(capsys, seed) == (1, ["F201"])


def test_the_library_functions() -> None:
    rules = load_rules()
    assert resolve_selector("broken-topic-ref", rules) == "T001"
    assert resolve_selector(" t0 ", rules) == "T0"
    assert resolve_selector("All", rules) == "ALL"
    assert is_known_selector("T001") and is_known_selector("F1", rules)
    assert not is_known_selector("Q999") and not is_known_selector("T0011")
    with pytest.raises(UnknownSelector, match="did you mean 'T'"):
        resolve_selector("T7", rules)


# -- repeated flags accumulate (ruff) --------------------------------------------------------


def test_repeated_select_accumulates(capsys: pytest.CaptureFixture[str], seed: Path) -> None:
    assert _codes(capsys, "--select", "F201", "--select", "W001", seed) == (1, ["F201", "W001"])
    assert _codes(capsys, "--select", "F201", "--select", "W", seed) == (1, ["F201", "W001"])


def test_repeated_ignore_and_extend_select_accumulate(
    capsys: pytest.CaptureFixture[str], seed: Path
) -> None:
    assert _codes(capsys, "--ignore", "F201", "--ignore", "W001", seed) == (0, [])
    assert _codes(
        capsys, "--select", "S", "--extend-select", "F201", "--extend-select", "W001", seed
    ) == (1, ["F201", "W001"])
    assert _codes(capsys, "--ignore", "F201,W001", seed) == (0, [])


def test_flags_add_to_the_configured_ignore(capsys: pytest.CaptureFixture[str], seed: Path) -> None:
    write(seed.parent / "seedlint.toml", 'ignore = ["F201"]\n')
    assert _codes(capsys, seed) == (1, ["W001"])
    assert _codes(capsys, "--ignore", "W001", seed) == (0, [])


# -- ties: ignore wins, as in ruff -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "W001", "--ignore", "W001"], []),
        (["--select", "W", "--ignore", "W"], []),
        (["--select", "W0,F2", "--ignore", "W0"], ["F201"]),
        (["--select", "F201,W001", "--ignore", "F201"], ["W001"]),
        # Not a tie: the more specific selector still wins, either way.
        (["--select", "W001", "--ignore", "W"], ["W001"]),
        (["--select", "W", "--ignore", "W001", "--extend-select", "F"], ["F201"]),
    ],
)
def test_a_select_ignore_tie_goes_to_ignore(
    capsys: pytest.CaptureFixture[str], seed: Path, args: list[str], expected: list[str]
) -> None:
    assert _codes(capsys, *args, seed)[1] == expected


def test_a_tie_in_the_configuration_goes_to_ignore(
    capsys: pytest.CaptureFixture[str], seed: Path
) -> None:
    write(seed.parent / "seedlint.toml", 'select = ["W001", "F201"]\nignore = ["W001"]\n')
    assert _codes(capsys, seed) == (1, ["F201"])
    write(seed.parent / "seedlint.toml", 'extend-select = ["W0"]\nignore = ["W0"]\n')
    assert _codes(capsys, seed) == (1, ["F201"])


def test_rule_explains_a_rule_by_name_and_suggests_near_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "rule", "broken-topic-ref")
    assert code == 0
    assert out.startswith("# broken-topic-ref (T001)\n")
    code, _, err = run(capsys, "rule", "broken-topik-ref")
    assert code == 2
    assert err == (
        "seedlint: error: unknown rule code 'broken-topik-ref' (did you mean 'broken-topic-ref'?)\n"
    )


def test_all_in_per_file_ignores_turns_every_rule_off(
    capsys: pytest.CaptureFixture[str], seed: Path
) -> None:
    write(seed.parent / "seedlint.toml", '[per-file-ignores]\n"seed.md" = ["ALL"]\n')
    assert _codes(capsys, seed) == (0, [])
