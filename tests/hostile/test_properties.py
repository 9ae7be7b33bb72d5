"""Properties over random bytes and damaged seeds: `check` never raises, every report
format is well formed (JSON parses), positions stay inside the file; `fix` never raises,
is idempotent, changes nothing outside its edits, and leaves what it cannot read as it was.

The linter runs in-process for speed; a few examples go through the real CLI.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedlint.document import LineIndex, UnreadableFile, decode
from seedlint.fixer import Fixer, splice
from seedlint.linter import Linter
from seedlint.reporters import REPORTERS, ReportOptions, RunSummary
from tests.helpers import make_linter
from tests.hostile.conftest import (
    GOOD_NAME,
    assert_good_seed_linted,
    run_process,
    seed_text,
)
from tests.hostile.strategies import SEED, any_file, mutated_seed

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
THROUGH_CLI = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def linter() -> Linter:
    return make_linter()


def _reports(linter: Linter, data: bytes) -> dict[str, str]:
    """Lint one file's bytes as a run of one, and render it in every format."""
    result = linter.lint_path("seeds/hostile seed.md", data)
    linter.finish([result])
    summary = RunSummary.of(1, result.findings)
    rendered = {}
    for name, reporter in REPORTERS.items():
        out = io.StringIO()
        reporter(result.findings, summary, out, ReportOptions(show_fixes=True))
        rendered[name] = out.getvalue()
    _check_positions(data, result.findings)
    return rendered


def _check_positions(data: bytes, findings: list[Any]) -> None:
    try:
        text, _ = decode(data)
    except UnreadableFile:
        assert [finding.code for finding in findings] == ["E001"]
        return
    lines = LineIndex(text)
    last_line = len(lines.starts)
    for finding in findings:
        assert 1 <= finding.line <= finding.end_line <= last_line, finding
        assert finding.column >= 1 and finding.end_column >= 1, finding
        assert 0 <= finding.start <= finding.end <= len(text), finding


def _check_well_formed(rendered: dict[str, str]) -> None:
    document = json.loads(rendered["json"])
    assert document["summary"]["findings"] == len(document["findings"])
    for line in rendered["jsonl"].splitlines():
        json.loads(line)
    if "sarif" in rendered:
        json.loads(rendered["sarif"])
    if "junit" in rendered:
        ET.fromstring(rendered["junit"])
    if "github" in rendered:
        # The runner splits on \n only (\r and \n are escaped in messages); U+2028 is text.
        lines = rendered["github"].split("\n")
        assert all(line.startswith("::") for line in lines[:-1]) and lines[-1] == ""


@PROPERTY
@given(data=st.binary(max_size=4096))
def test_check_on_random_bytes(linter: Linter, data: bytes) -> None:
    _check_well_formed(_reports(linter, data))


@PROPERTY
@given(data=st.text(max_size=4096))
def test_check_on_random_text(linter: Linter, data: str) -> None:
    _check_well_formed(_reports(linter, data.encode("utf-8")))


@PROPERTY
@given(data=mutated_seed())
def test_check_on_damaged_seeds(linter: Linter, data: bytes) -> None:
    _check_well_formed(_reports(linter, data))


@PROPERTY
@given(data=mutated_seed(b"---\n" + SEED.split(b"---\n")[1] + b"---\n"))
def test_check_on_damaged_front_matter(linter: Linter, data: bytes) -> None:
    _check_well_formed(_reports(linter, data))


@THROUGH_CLI
@given(data=any_file)
def test_check_through_the_cli(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    vault = tmp_path_factory.mktemp("cli")
    (vault / GOOD_NAME).write_text(seed_text("https://newsletter.ruder.io/p/x"), encoding="utf-8")
    (vault / "hostile.md").write_bytes(data)
    ran = run_process(["check", "--offline", "--format", "json", vault])
    assert ran.code in (0, 1), ran.err
    assert_good_seed_linted(ran, files=2)


# -- fix ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixer() -> Fixer:
    return Fixer(make_linter(), unsafe=True)


def _check_fix(fixer: Fixer, data: bytes) -> None:
    try:
        outcome = fixer.fix("hostile.md", data)
    except UnreadableFile:
        return  # the CLI reports E001 and never writes: see test_fix_leaves_unreadable_alone
    if not outcome.changed:
        assert outcome.data == data
        return
    again = fixer.fix("hostile.md", outcome.data)
    assert not again.changed, "fix is not idempotent"
    # Each pass is exactly its edits applied: no character outside them moved or changed.
    for fix_pass in outcome.passes:
        assert fix_pass.after == outcome.conventions.restore(
            splice(fix_pass.before, fix_pass.edits)
        )


@PROPERTY
@given(data=mutated_seed())
def test_fix_on_damaged_seeds(fixer: Fixer, data: bytes) -> None:
    _check_fix(fixer, data)


@PROPERTY
@given(data=any_file)
def test_fix_on_anything(fixer: Fixer, data: bytes) -> None:
    _check_fix(fixer, data)


@THROUGH_CLI
@given(data=any_file)
def test_fix_through_the_cli(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    """`seedlint fix` on disk: a file it cannot fix fully valid is still either untouched
    or exactly what the in-process fixer produced; the good seed is never touched."""
    vault = tmp_path_factory.mktemp("fix")
    good = seed_text("https://newsletter.ruder.io/p/x").encode()
    (vault / GOOD_NAME).write_bytes(good)
    (vault / "hostile.md").write_bytes(data)
    ran = run_process(["fix", "--offline", "--unsafe-fixes", vault])
    assert ran.code in (0, 1), ran.err
    assert "Traceback" not in ran.err
    assert (vault / GOOD_NAME).read_bytes() == good
    after = (vault / "hostile.md").read_bytes()
    try:
        expected = Fixer(make_linter(root=Path(vault)), unsafe=True).fix("hostile.md", data).data
    except UnreadableFile:
        expected = data
    assert after in (data, expected)


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_a_quoted_line_separator_keeps_one_jsonl_record_a_line(
    linter: Linter, separator: str
) -> None:
    """Found by the fuzzer: S005 quotes the source line, which held a NEL; JSON leaves it
    raw, and `str.splitlines` (like JavaScript) breaks the record there."""
    text = seed_text().replace("\n\nhttps://example.org/hostile\n", f"\n\nhttps://x{separator}y\n")
    rendered = _reports(linter, text.encode())
    records = [json.loads(line) for line in rendered["jsonl"].splitlines()]
    assert any(separator in record["message"] for record in records)


#: Found by the long fuzz run (reduced by line-wise delta debugging): the first `fix`
#: refused T003 (its fixed text still raised T003 until T002's escapes were in), the
#: second, starting from T002's output, applied it. Fixed in the fixer (964f05c).
FUZZ_NOT_IDEMPOTENT = (
    b"## Topics\n![](topics/Concept/LLM%20Security)\n![](topics/Conc# Titept/LLM%20Alignment)\n"
    b"\n![](topics/Concept/LLM%20Security)\n\n![](topics/Conc# Titept/LLM%20Alignmen)\n[\n"
    b"!t](topics/Concept/TransflTiormtleer%\x08-e\x0820Alternatives-)"
)


def test_fix_is_idempotent_on_the_fuzzer_finding(fixer: Fixer) -> None:
    _check_fix(fixer, FUZZ_NOT_IDEMPOTENT)
