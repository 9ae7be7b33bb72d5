"""Third-party output formats through the `seedlint.formatters` entry point group.

As in test_plugins.py, each plugin is a module plus a `.dist-info` folder (what pip leaves
behind) on the PYTHONPATH of a real seedlint process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from seedlint.findings import Finding, Fix, Severity, TextEdit, fix_applies, fixability
from seedlint.reporters import ReportOptions, RuleInfo, RunSummary
from seedlint.reporters.sarif import rule_descriptor
from seedlint.reporters.text import summary_text
from seedlint.statistics import count_codes
from tests.helpers import FRONT_KEYS, SHORT_BODY, write
from tests.test_plugins import Site, assert_one_line_error, seed

GROUP = "seedlint.formatters"

TSV = '''
from seedlint.findings import fixability


def report_tsv(findings, summary, out, options):
    """One tab-separated line a finding, the rule's metadata from the summary."""
    for finding in findings:
        rule = summary.rules[finding.code]
        fields = (
            finding.path,
            f"{finding.line}:{finding.column}",
            finding.code,
            rule.name,
            rule.severity.value,
            rule.fix,
            fixability(finding),
            str(rule.url),
        )
        out.write("\\t".join(fields) + "\\n")
    out.write(f"{summary.findings} findings, {summary.fixable} fixable\\n")


NOT_A_FUNCTION = 42


def explodes(findings, summary, out, options):
    out.write("half a report")
    raise RuntimeError("disk on fire")
'''


@pytest.fixture
def site(tmp_path: Path) -> Site:
    root = tmp_path / "site"
    root.mkdir()
    return Site(root)


def _seeds(tmp_path: Path) -> None:
    """One seed with an unsafe fix (F104) and a safe one (W001), one clean seed."""
    front = FRONT_KEYS.replace("type: Content", "type: content")
    write(tmp_path / "a.md", seed(SHORT_BODY.replace("Prose.", "Prose. "), front))
    write(tmp_path / "b.md", seed())


CHECK = ("check", "--offline", "--ignore", "C", "a.md", "b.md")


def test_a_formatter_plugin_writes_the_report(site: Site, tmp_path: Path) -> None:
    site.plugin("tsv", "seedlint_tsv", TSV, target="seedlint_tsv:report_tsv", group=GROUP)
    _seeds(tmp_path)
    result = site.run(*CHECK, "--format", "tsv", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "a.md\t7:7\tF104\tinvalid-value\terror\tunsafe\tunsafe\tNone\n"
        "a.md\t14:7\tW001\ttrailing-whitespace\twarning\tsafe\tsafe\tNone\n"
        "2 findings, 2 fixable\n"
    )
    # The same bytes into a file with -o, as for a built-in format.
    written = site.run(*CHECK, "--output-format", "tsv", "-o", "out/r.tsv", cwd=tmp_path)
    assert written.returncode == 1 and written.stdout == ""
    assert (tmp_path / "out" / "r.tsv").read_bytes() == result.stdout.encode()


def test_an_unknown_format_suggests_a_plugin_name(site: Site, tmp_path: Path) -> None:
    site.plugin("tsv", "seedlint_tsv", TSV, target="seedlint_tsv:report_tsv", group=GROUP)
    _seeds(tmp_path)
    result = site.run(*CHECK, "--format", "tvs", cwd=tmp_path)
    assert_one_line_error(result, "unknown format 'tvs' (did you mean 'tsv'? choose from text,")
    assert result.stderr.rstrip().endswith("junit, tsv)")
    assert result.stdout == ""


def test_a_broken_formatter_is_one_line_and_only_when_asked_for(site: Site, tmp_path: Path) -> None:
    site.plugin("broken", "broken_fmt", "import not_installed_anywhere\n", "broken_fmt:x", GROUP)
    _seeds(tmp_path)
    result = site.run(*CHECK, "--format", "broken", cwd=tmp_path)
    assert_one_line_error(
        result,
        "formatter plugin 'broken' (broken_fmt:x) failed to load: ModuleNotFoundError",
    )
    # A run with a built-in format never imports it.
    plain = site.run(*CHECK, "--format", "concise", cwd=tmp_path)
    assert plain.returncode == 1 and plain.stderr == ""
    assert plain.stdout.startswith("a.md:7:7: F104 ")


def test_a_formatter_that_is_not_a_function(site: Site, tmp_path: Path) -> None:
    site.plugin("odd", "seedlint_tsv", TSV, "seedlint_tsv:NOT_A_FUNCTION", GROUP)
    _seeds(tmp_path)
    result = site.run(*CHECK, "--format", "odd", cwd=tmp_path)
    assert_one_line_error(result, "formatter plugin 'odd'", "is not a reporter function")


def test_a_formatter_crashing_half_way_is_one_error(site: Site, tmp_path: Path) -> None:
    site.plugin("boom", "seedlint_tsv", TSV, "seedlint_tsv:explodes", GROUP)
    _seeds(tmp_path)
    result = site.run(*CHECK, "--format", "boom", cwd=tmp_path)
    assert_one_line_error(result, "formatter plugin 'boom' failed: RuntimeError: disk on fire")


def test_a_plugin_cannot_take_a_built_in_name(site: Site, tmp_path: Path) -> None:
    site.plugin("json", "seedlint_tsv", TSV, "seedlint_tsv:report_tsv", GROUP)
    _seeds(tmp_path)
    result = site.run(*CHECK, "--format", "json", cwd=tmp_path)
    assert result.stdout.startswith('{\n  "version": ')


# -- what every reporter is given ---------------------------------------------------------


def _finding(fix: Fix | None, code: str = "T001") -> Finding:
    return Finding("a.md", 3, 1, 3, 5, code, "broken-topic-ref", Severity.ERROR, "m", fix)


def test_one_definition_of_fixable_serves_every_count() -> None:
    """A fix that changes nothing (a plugin may offer one) is not fixable anywhere."""
    edit = (TextEdit(0, 1, "x"),)
    findings = [
        _finding(Fix("safe", "s", edit)),
        _finding(Fix("unsafe", "u", edit)),
        _finding(Fix("safe", "empty", ())),
        _finding(None),
    ]
    assert [fixability(f) for f in findings] == ["safe", "unsafe", "none", "none"]
    assert [fix_applies(f, False) for f in findings] == [True, False, False, False]
    assert [fix_applies(f, True) for f in findings] == [True, True, False, False]
    summary = RunSummary.of(1, findings, rules=[])
    assert summary.fixable == 2
    (row,) = count_codes(findings)
    assert (row.count, row.fixable, row.unsafe_fixable) == (4, 1, 1)
    assert summary_text(summary, findings, ReportOptions()).splitlines()[-1] == (
        "[*] 1 fixable with `seedlint fix` (1 hidden fix can be enabled with the "
        "`--unsafe-fixes` option)."
    )


@dataclass(frozen=True)
class _DocumentedRule:
    code: str = "Z401"
    name: str = "documented"
    summary: str = "Has a page."
    severity: Severity = Severity.WARNING
    fix: str = "-"
    explanation: str = "    Indented docs.\n\n    More."
    url: str = "https://example.invalid/rules/Z401"


def test_rule_metadata_reaches_the_reporters_with_its_url() -> None:
    info = RuleInfo.of(_DocumentedRule())  # type: ignore[arg-type]
    assert (info.code, info.name, info.severity, info.fix) == (
        "Z401",
        "documented",
        Severity.WARNING,
        "-",
    )
    assert info.explanation == "Indented docs.\n\nMore."
    assert info.url == "https://example.invalid/rules/Z401"
    descriptor = rule_descriptor(info)
    assert descriptor["helpUri"] == "https://example.invalid/rules/Z401"
    assert list(descriptor)[-3:] == ["helpUri", "defaultConfiguration", "properties"]
    # Built-in rules name no page: their SARIF descriptors are as before, without helpUri.
    summary = RunSummary.of(0, [])
    assert all(rule.url is None for rule in summary.rules.values())
    assert "helpUri" not in rule_descriptor(summary.rules["T001"])
    assert list(summary.rules) == sorted(summary.rules)
