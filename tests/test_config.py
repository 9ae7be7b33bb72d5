"""Configuration through the CLI: discovery, selection, per-file ignores, severities,
suppression comments, X001, and one-line errors for bad configuration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from seedlint.config import ConfigError, Settings, discover, glob_matches, load
from tests.helpers import FRONT_KEYS, LINK, SHORT_BODY, Run, run, write

# Findings: F102 on line 3 (`colour`), F201 on line 9 (unquoted date, safe fix).
NOISY_FRONT = f"""already_read: false
colour: blue
link: {LINK}
read_priority: 1
relevance: 0
source: null
type: Content
upload_date: 2024-02-22
"""


def seed(front: str = NOISY_FRONT, body: str = SHORT_BODY) -> str:
    return f"---\n{front}---\n{body}"


def check_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[Any]]:
    code, out, err = run(capsys, "check", "--offline", "--format", "json", *args)
    assert code in (0, 1), err
    findings: list[Any] = json.loads(out)["findings"]
    return code, findings


def found_codes(capsys: pytest.CaptureFixture[str], *args: str | Path) -> list[str]:
    return [finding["code"] for finding in check_json(capsys, *args)[1]]


def one_line_error(result: Run) -> str:
    code, out, err = result
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("seedlint: error: ")
    return lines[0]


# -- discovery ------------------------------------------------------------------------------


def test_no_configuration_reports_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "seed.md", seed())
    assert found_codes(capsys, path) == ["F102", "F201"]


def test_pyproject_table_found_walking_up_from_the_first_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "vault" / "pyproject.toml", '[tool.seedlint]\nignore = ["F102"]\n')
    path = write(tmp_path / "vault" / "contents" / "Blog post" / "Seed.md", seed())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # discovery starts at the path, not the working folder
    assert found_codes(capsys, path) == ["F201"]


def test_pyproject_without_the_table_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "seedlint.toml", 'ignore = ["F201"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    path = write(tmp_path / "sub" / "seed.md", seed())
    assert found_codes(capsys, path) == ["F102"]


@pytest.mark.parametrize("name", ["seedlint.toml", ".seedlint.toml"])
def test_top_level_toml_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    write(tmp_path / name, 'ignore = ["F102"]\n')
    assert found_codes(capsys, write(tmp_path / "seed.md", seed())) == ["F201"]


def test_seedlint_toml_wins_over_pyproject_in_the_same_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "pyproject.toml", '[tool.seedlint]\nignore = ["F201"]\n')
    write(tmp_path / "seedlint.toml", 'ignore = ["F102"]\n')
    assert found_codes(capsys, write(tmp_path / "seed.md", seed())) == ["F201"]
    assert discover(tmp_path / "seed.md") == tmp_path / "seedlint.toml"


def test_the_nearest_configuration_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "seedlint.toml", 'ignore = ["F102"]\n')
    write(tmp_path / "inner" / "seedlint.toml", 'ignore = ["F201"]\n')
    assert found_codes(capsys, write(tmp_path / "inner" / "seed.md", seed())) == ["F102"]


def test_config_option_overrides_discovery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "seedlint.toml", 'ignore = ["F102"]\n')
    other = write(tmp_path / "ci" / "strict.toml", 'ignore = ["F201"]\n')
    path = write(tmp_path / "seed.md", seed())
    assert found_codes(capsys, "--config", other, path) == ["F102"]


def test_config_option_accepts_a_pyproject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "conf" / "pyproject.toml", '[tool.seedlint]\nignore = ["F2"]\n')
    assert found_codes(capsys, "--config", config, write(tmp_path / "s.md", seed())) == ["F102"]


def test_stdin_filename_drives_discovery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    write(tmp_path / "vault" / "seedlint.toml", 'ignore = ["F102"]\n')
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(seed().encode())))
    name = tmp_path / "vault" / "new.md"
    assert found_codes(capsys, "--stdin-filename", name, "-") == ["F201"]


# -- selection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "flags", "expected"),
    [
        ('select = ["F1"]', [], ["F102"]),
        ('select = ["F2"]', [], ["F201"]),
        ('select = ["F102", "F201"]', [], ["F102", "F201"]),
        ('ignore = ["F"]', [], []),
        ('ignore = ["F1"]', [], ["F201"]),
        # The more specific of select and ignore wins, as in ruff.
        ('select = ["F"]\nignore = ["F1"]\nextend-select = ["F102"]', [], ["F102", "F201"]),
        ('select = ["F"]\nignore = ["F10"]', [], ["F201"]),
        ('select = ["S"]\nextend-select = ["F2"]', [], ["F201"]),
        ("", ["--select", "F1"], ["F102"]),
        ("", ["--select", "f2"], ["F201"]),
        ("", ["--ignore", "F201,F102"], []),
        ('select = ["S"]', ["--extend-select", "F1"], ["F102"]),
        ('ignore = ["F102"]', ["--ignore", "F201"], []),
        ('select = ["F1"]', ["--select", "F2"], ["F201"]),  # the flag replaces
    ],
)
def test_select_ignore_extend_select(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    config: str,
    flags: list[str],
    expected: list[str],
) -> None:
    write(tmp_path / "seedlint.toml", config + "\n")
    path = write(tmp_path / "seed.md", seed())
    assert found_codes(capsys, *flags, path) == expected


def test_per_file_ignores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path / "seedlint.toml",
        '[per-file-ignores]\n"drafts/*.md" = ["F1"]\n"**/old/*.md" = ["F2"]\n"keep.md" = ["F"]\n',
    )
    draft = write(tmp_path / "drafts" / "a.md", seed())
    old_top = write(tmp_path / "old" / "b.md", seed())
    old_deep = write(tmp_path / "x" / "old" / "c.md", seed())
    kept = write(tmp_path / "deep" / "keep.md", seed())
    plain = write(tmp_path / "d.md", seed())
    _, findings = check_json(capsys, "--ignore", "C", draft, old_top, old_deep, kept, plain)
    by_file: dict[str, list[str]] = {}
    for finding in findings:
        by_file.setdefault(Path(finding["path"]).name, []).append(finding["code"])
    assert by_file == {
        "a.md": ["F201"],
        "b.md": ["F102"],
        "c.md": ["F102"],
        "d.md": ["F102", "F201"],
    }


def test_glob_matching() -> None:
    assert glob_matches("a/b/old/x.md", "x.md", "**/old/*.md")
    assert glob_matches("old/x.md", "x.md", "**/old/*.md")
    assert glob_matches("deep/x.md", "x.md", "x.md")
    assert not glob_matches("new/x.md", "x.md", "old/*.md")


# -- severity -------------------------------------------------------------------------------


def test_severity_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "seedlint.toml", '[severity]\nF102 = "error"\nF2 = "info"\n')
    path = write(tmp_path / "seed.md", seed())
    code, findings = check_json(capsys, path)
    assert {f["code"]: f["severity"] for f in findings} == {"F102": "error", "F201": "info"}
    assert code == 1


def test_info_findings_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "seedlint.toml", '[severity]\nF = "info"\n')
    path = write(tmp_path / "seed.md", seed())
    code, findings = check_json(capsys, path)
    assert [f["severity"] for f in findings] == ["info", "info"]
    assert code == 0


def test_severity_off_disables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "seedlint.toml", '[severity]\nF102 = "off"\n')
    assert found_codes(capsys, write(tmp_path / "seed.md", seed())) == ["F201"]


def test_the_longest_severity_prefix_wins() -> None:
    settings = Settings.model_validate({"severity": {"F": "info", "F10": "off", "F102": "error"}})
    assert settings.severity_for("F102") == "error"
    assert settings.severity_for("F101") == "off"
    assert settings.severity_for("F201") == "info"
    assert settings.severity_for("S001") is None


# -- suppression comments -------------------------------------------------------------------


def test_yaml_comment_suppresses_for_the_whole_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = NOISY_FRONT.replace("colour: blue\n", "colour: blue  # seedlint: ignore[F102]\n")
    assert found_codes(capsys, write(tmp_path / "seed.md", seed(front))) == ["F201"]


def test_yaml_comment_with_several_codes_and_prefixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = "# seedlint: ignore[F1, F20]\n" + NOISY_FRONT
    assert found_codes(capsys, write(tmp_path / "seed.md", seed(front))) == []


def test_a_hash_inside_a_quoted_value_is_not_a_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = NOISY_FRONT.replace("source: null", "source: 'a # seedlint: ignore[F102]'")
    assert found_codes(capsys, write(tmp_path / "seed.md", seed(front))) == ["F102", "F201"]


def test_html_disable_for_the_whole_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = SHORT_BODY + "\n<!-- seedlint-disable F102,F201 -->\n"
    assert found_codes(capsys, write(tmp_path / "seed.md", seed(body=body))) == []


def test_html_disable_line_and_next_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        f"\n{LINK}\n## Summary\n\n"
        "Prose with a trailing blank. <!-- seedlint-disable-line W001 -->   \n"
        "<!-- seedlint-disable-next-line W001 -->\n"
        "More prose.   \n"
        "Last prose.   \n"
        "\n## Topics\n"
    )
    path = write(tmp_path / "seed.md", seed(FRONT_KEYS, body))
    _, findings = check_json(capsys, path)
    # Lines 14 and 16 are suppressed; line 17 is not.
    assert [(f["code"], f["line"]) for f in findings] == [("W001", 17)]


def test_x001_unused_suppression_and_its_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = FRONT_KEYS.replace("relevance: 0\n", "relevance: 0  # seedlint: ignore[F102]\n")
    path = write(tmp_path / "seed.md", seed(front))
    code, findings = check_json(capsys, path)
    assert code == 1
    (finding,) = findings
    assert finding["code"] == "X001"
    assert finding["rule"] == "unused-suppression"
    assert (finding["line"], finding["column"]) == (5, 15)
    assert finding["message"] == "unused suppression of F102"
    assert finding["fix"]["applicability"] == "safe"
    code, _, err = run(capsys, "fix", "--offline", path)
    assert code == 0, err
    assert path.read_text(encoding="utf-8") == seed(FRONT_KEYS)


def test_x001_only_the_unused_codes_are_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = SHORT_BODY + "\n<!-- seedlint-disable F102 S004 -->\n"
    path = write(tmp_path / "seed.md", seed(NOISY_FRONT, body))
    _, findings = check_json(capsys, path)
    assert [(f["code"], f["message"]) for f in findings] == [
        ("F201", "upload_date 2024-02-22 should be quoted: '2024-02-22'"),
        ("X001", "unused suppression of S004"),
    ]
    run(capsys, "fix", "--offline", path)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n<!-- seedlint-disable F102 -->\n")
    assert "upload_date: '2024-02-22'" in text


def test_x001_unknown_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = SHORT_BODY + "\n<!-- seedlint-disable Q999 -->\n"
    _, findings = check_json(capsys, write(tmp_path / "s.md", seed(FRONT_KEYS, body)))
    assert [f["message"] for f in findings] == ["unused suppression of Q999 (unknown code)"]


def test_x001_silent_for_codes_the_run_does_not_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # F102 is ignored by the run: whether the comment still serves cannot be known.
    front = FRONT_KEYS.replace("relevance: 0\n", "relevance: 0  # seedlint: ignore[F102]\n")
    path = write(tmp_path / "seed.md", seed(front))
    assert found_codes(capsys, "--ignore", "F102", path) == []


def test_x001_can_be_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    front = FRONT_KEYS.replace("relevance: 0\n", "relevance: 0  # seedlint: ignore[F102]\n")
    assert found_codes(capsys, "--ignore", "X001", write(tmp_path / "s.md", seed(front))) == []


# -- other settings reach the rules ---------------------------------------------------------


def test_rule_settings_from_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[tool.seedlint]\n"
        'allowed-types = ["Blogpost"]\n'
        'required-keys = ["link", "author"]\n'
        'unknown-keys = "allow"\n'
        'key-order = ["link", "type"]\n'
        'tag-pattern = "^[a-z]+(-[a-z]+)*$"\n'
        "[tool.seedlint.bounds]\n"
        "relevance = { min = 1, max = 2 }\n",
    )
    front = (
        f"link: {LINK}\ntype: Blogpost\nalready_read: false\nread_priority: 1\nrelevance: 0\n"
        "source: null\ntags:\n- machine-learning\n- Bad_Tag\nupload_date: '2024-02-22'\n"
    )
    _, findings = check_json(capsys, write(tmp_path / "seed.md", seed(front)))
    assert [(f["code"], f["message"]) for f in findings] == [
        ("F101", "missing required key 'author'"),
        ("F104", "relevance 0 is out of bounds (1 to 2)"),
        ("F202", "tag 'Bad_Tag' does not match tag-pattern '^[a-z]+(-[a-z]+)*$'"),
    ]


# -- bad configuration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("selekt = ['F']\n", "unknown configuration key 'selekt'"),
        ("[links]\ntimeoutt = 3\n", "unknown configuration key 'links.timeoutt'"),
        ("select = 'F'\n", "invalid value for 'select'"),
        ("select = ['F', 'nope!']\n", "'nope!' is not a rule code, prefix or name"),
        ("max-file-size = 'big'\n", "invalid value for 'max-file-size'"),
        ("max-file-size = 0\n", "invalid value for 'max-file-size'"),
        ("[severity]\nF102 = 'loud'\n", "invalid value for 'severity.F102'"),
        ("[links]\ntimeout = 'soon'\n", "invalid value for 'links.timeout'"),
        ("unknown-keys = 'maybe'\n", "invalid value for 'unknown-keys'"),
        ("tag-pattern = '(unclosed'\n", "invalid regular expression '(unclosed'"),
        ("[bounds]\nrelevance = { min = 5, max = 1 }\n", "min (5) is larger than max (1)"),
        ("[per-file-ignores]\n'a.md' = 'F1'\n", "invalid value for 'per-file-ignores.a.md'"),
        ("allowed-types = []\n", "invalid value for 'allowed-types'"),
        ("select = [\n", "invalid TOML"),
        ("select = ['\udcff']\n", "invalid TOML: not UTF-8"),
    ],
)
def test_bad_configuration_is_one_line_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, named: str
) -> None:
    config = tmp_path / "seedlint.toml"
    config.write_bytes(content.encode("utf-8", "surrogateescape"))
    path = write(tmp_path / "seed.md", seed())
    line = one_line_error(run(capsys, "check", "--offline", path))
    assert named in line
    assert str(config) in line


def test_a_byte_order_mark_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "seedlint.toml").write_bytes(b'\xef\xbb\xbfignore = ["F102"]\n')
    assert found_codes(capsys, write(tmp_path / "seed.md", seed())) == ["F201"]


def test_bad_pyproject_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "pyproject.toml", "[tool.seedlint]\nexclude = 3\n")
    line = one_line_error(run(capsys, "check", "--offline", write(tmp_path / "s.md", seed())))
    assert "invalid value for 'exclude'" in line


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(run(capsys, "check", "--config", tmp_path / "none.toml", tmp_path))
    assert "none.toml: cannot read" in line


def test_config_option_pointing_at_a_pyproject_without_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    line = one_line_error(run(capsys, "check", "--config", config, tmp_path))
    assert "no [tool.seedlint] table" in line


def test_bad_selector_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "seed.md", seed())
    line = one_line_error(run(capsys, "check", "--offline", "--select", "F1,bogus", path))
    assert line == "seedlint: error: command line: unknown rule selector 'bogus' in --select"


def test_load_and_settings_defaults(tmp_path: Path) -> None:
    configuration = load(None)
    assert configuration.source is None
    assert configuration.settings == Settings()
    config = write(tmp_path / "seedlint.toml", 'topics-root = "notes"\n')
    loaded = load(config)
    assert loaded.root == tmp_path.resolve()
    assert loaded.topics_root == (tmp_path / "notes").resolve()
    with pytest.raises(ConfigError, match="unknown configuration key 'nope'"):
        load(write(tmp_path / "bad.toml", "nope = 1\n"))


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name
