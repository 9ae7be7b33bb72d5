"""Fixes that edit YAML structure (F101 defaults, F103 coercion, F204 on flow mappings),
their values rendered by ruamel.yaml, each checked as bytes on disk after `seedlint fix`."""

from __future__ import annotations

from pathlib import Path

import pytest

from seedlint import yaml_edit
from tests.fix.conftest import Cli, offline
from tests.helpers import real_seed_text

REAL = real_seed_text()
DEFAULTS = '[tool.seedlint]\ndefaults = { already_read = false, relevance = 0, source = "null" }\n'


def _seed(vault: Path, text: str, config: str = DEFAULTS) -> Path:
    (vault / "pyproject.toml").write_text(config, encoding="utf-8")
    path = vault / "seeds" / "a.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_f101_inserts_the_default_at_its_place_keeping_the_other_bytes(
    vault: Path, cli: Cli
) -> None:
    text = REAL.replace("relevance: 0\n", "").replace(
        "read_priority: 1\n", "read_priority: 1  # soon\n"
    )
    path = _seed(vault, text)
    ran = cli("fix", *offline(vault), "seeds")
    assert ran.code == 0, ran.out + ran.err
    expected = REAL.replace("read_priority: 1\n", "read_priority: 1  # soon\n")
    assert path.read_bytes() == expected.encode("utf-8")


def test_f101_writes_null_for_the_string_null_and_keeps_crlf(vault: Path, cli: Cli) -> None:
    text = REAL.replace("source: null\n", "").replace("\n", "\r\n")
    path = _seed(vault, text)
    ran = cli("fix", *offline(vault), "seeds")
    assert ran.code == 0, ran.out + ran.err
    assert path.read_bytes() == REAL.replace("\n", "\r\n").encode("utf-8")


def test_f101_without_a_default_has_no_fix(vault: Path, cli: Cli) -> None:
    text = REAL.replace("type: Content\n", "")
    path = _seed(vault, text)
    ran = cli("check", *offline(vault), "--show-fixes", "seeds")
    assert ran.code == 1
    assert "F101 missing required key 'type'" in ran.out
    assert "insert" not in ran.out
    assert path.read_bytes() == text.encode("utf-8")


def test_f101_default_invalid_for_the_key_gives_no_fix(vault: Path, cli: Cli) -> None:
    text = REAL.replace("relevance: 0\n", "")
    path = _seed(vault, text, '[tool.seedlint]\ndefaults = { relevance = "high" }\n')
    cli("fix", *offline(vault), "seeds")
    assert path.read_bytes() == text.encode("utf-8")


def test_f101_in_a_flow_mapping_keeps_its_comment(vault: Path, cli: Cli) -> None:
    body = REAL.split("---\n", 2)[2]
    text = (
        "---\n# written by hand\n{already_read: false, link: "
        "'https://newsletter.ruder.io/p/thoughts-on-the-2024-ai-job-market', "
        "read_priority: 1, source: null, tags: [Natural_Language_Processing, "
        "Large_Language_Model], type: Content, upload_date: '2024-02-22'}\n---\n" + body
    )
    path = _seed(vault, text)
    ran = cli("fix", *offline(vault), "seeds")
    assert ran.code == 0, ran.out + ran.err
    assert path.read_text(encoding="utf-8") == text.replace(
        "read_priority: 1, source", "read_priority: 1, relevance: 0, source"
    )


def test_f204_reorders_a_flow_mapping_keeping_quotes(vault: Path, cli: Cli) -> None:
    body = REAL.split("---\n", 2)[2]
    link = "'https://newsletter.ruder.io/p/thoughts-on-the-2024-ai-job-market'"
    text = (
        f"---\n{{type: Content, link: {link}, already_read: false, read_priority: 1, "
        f'relevance: 0, source: null, upload_date: "2024-02-22"}}\n---\n' + body
    )
    path = _seed(vault, text, "")
    ran = cli("fix", *offline(vault), "seeds")
    assert ran.code == 0, ran.out + ran.err
    assert path.read_text(encoding="utf-8") == (
        f"---\n{{already_read: false, link: {link}, read_priority: 1, relevance: 0, "
        f'source: null, type: Content, upload_date: "2024-02-22"}}\n---\n' + body
    )


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        ('already_read: "false"', "already_read: false"),
        ("already_read: 'no'", "already_read: false"),
        ('read_priority: "1"', "read_priority: 1"),
        ("read_priority: 1.0", "read_priority: 1"),
    ],
)
def test_f103_unsafe_fix_coerces_clear_values(
    vault: Path, cli: Cli, written: str, fixed: str
) -> None:
    key = written.split(":")[0]
    original = next(line for line in REAL.splitlines() if line.startswith(f"{key}:"))
    text = REAL.replace(original, written)
    path = _seed(vault, text, "")
    assert cli("fix", *offline(vault), "seeds").code == 1  # unsafe: not without the flag
    assert path.read_bytes() == text.encode("utf-8")
    ran = cli("fix", *offline(vault), "--unsafe-fixes", "seeds")
    assert ran.code == 0, ran.out + ran.err
    assert path.read_text(encoding="utf-8") == REAL.replace(original, fixed)


def test_f103_has_no_fix_for_a_word_that_means_no_type(vault: Path, cli: Cli) -> None:
    text = REAL.replace("read_priority: 1", "read_priority: high")
    path = _seed(vault, text, "")
    ran = cli("fix", *offline(vault), "--unsafe-fixes", "seeds")
    assert ran.code == 1
    assert "F103 read_priority must be an integer" in ran.out
    assert path.read_bytes() == text.encode("utf-8")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Paper", "Paper"),
        ("yes", "'yes'"),  # a boolean to YAML 1.1 readers (pyyaml, python-frontmatter)
        ("2024-02-22", "'2024-02-22'"),
        ("a: b", "'a: b'"),
        ("it's", "it's"),
        ("#x", "'#x'"),
        (None, "null"),
        (3, "3"),
        (False, "false"),
    ],
)
def test_scalars_are_rendered_by_ruamel_and_read_back(value: object, written: str) -> None:
    assert yaml_edit.scalar(value) == written  # type: ignore[arg-type]
    assert yaml_edit.values_of(f"k: {written}\n") == {"k": value}


def test_comments_skip_hashes_inside_values() -> None:
    content = "a: 1 # one\nb: '# not'\n# alone\nc: [x, y] #two\n"
    assert yaml_edit.comments(content) == ["# one", "# alone", "#two"]


def test_touches_only_notices_another_key_changing() -> None:
    assert yaml_edit.touches_only("a: 1\nb: 2\n", "a: 1\nb: 2\nc: 3\n", ["c"])
    assert not yaml_edit.touches_only("a: 1\nb: 2\n", "a: 5\nb: 2\nc: 3\n", ["c"])
    assert not yaml_edit.touches_only("a: 1\n", "a: [\n", ["a"])
