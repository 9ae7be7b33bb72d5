"""`--format junit`: real output parsed back with xml.etree, as CI servers read it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from tests.helpers import real_seed_text
from tests.integrations.conftest import Vault, seedlint


def _junit(vault: Vault, *args: str) -> ET.Element:
    result = seedlint("check", "--offline", "--format", "junit", *args, cwd=vault.root)
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(result.stdout.encode("utf-8"))


def test_one_testcase_per_file_and_a_failure_per_finding(vault: Vault) -> None:
    other_post = real_seed_text().replace("thoughts-on-the-2024-ai-job-market", "third-post")
    vault.write("seeds/also clean.md", other_post)

    root = _junit(vault, "seeds")
    findings = json.loads(
        seedlint("check", "--offline", "--format", "json", "seeds", cwd=vault.root).stdout
    )["findings"]

    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    for element in (root, suite):
        assert element.get("tests") == "3"
        assert element.get("failures") == "1"
        assert element.get("errors") == "0"
    cases = {case.get("name", ""): case for case in suite.findall("testcase")}
    assert sorted(cases) == ["seeds/also clean.md", "seeds/broken.md", "seeds/clean.md"]
    assert cases["seeds/clean.md"].findall("failure") == []
    assert cases["seeds/also clean.md"].findall("failure") == []
    failures = cases["seeds/broken.md"].findall("failure")
    assert len(failures) == len(findings) == 4
    for failure, finding in zip(failures, findings, strict=True):
        assert failure.get("type") == finding["code"]
        assert failure.get("message") == f"{finding['code']} {finding['message']}"
        assert (failure.text or "").startswith(
            f"seeds/broken.md:{finding['line']}:{finding['column']}: {finding['code']} "
        )
    assert cases["seeds/broken.md"].get("file") == "seeds/broken.md"
    [count] = suite.findall("properties/property[@name='findings']")
    assert count.get("value") == "4"


def test_fix_hints_are_in_the_failure_text(vault: Vault) -> None:
    root = _junit(vault, "seeds/broken.md")

    texts = {f.get("type"): f.text or "" for f in root.iter("failure")}

    assert texts["F201"].endswith("Safe fix: write '2024-02-22'")
    assert "Safe fix" not in texts["F103"]


def test_info_findings_do_not_fail_the_testcase(vault: Vault) -> None:
    # Demoted findings do not fail the run, so they do not fail the test either.
    vault.write("seedlint.toml", '[severity]\nW001 = "info"\n')
    vault.write("seeds/spaces.md", (vault.root / "seeds/clean.md").read_text() + "  ")

    root = _junit(vault, "seeds/spaces.md")

    [case] = root.iter("testcase")
    assert case.findall("failure") == []
    assert "W001 trailing whitespace" in (case.findtext("system-out") or "")
    assert root.get("failures") == "0"


def test_a_clean_run_is_one_passing_testcase_per_file(vault: Vault) -> None:
    root = _junit(vault, "seeds/clean.md")

    assert [case.get("name") for case in root.iter("testcase")] == ["seeds/clean.md"]
    assert root.get("tests") == "1"
    assert root.get("failures") == "0"


def test_characters_xml_cannot_hold_still_give_a_readable_report(vault: Vault) -> None:
    # A file name with an escape character: legal on disk, illegal in XML 1.0.
    vault.write("seeds/bell\x07.md", (vault.root / "seeds/broken.md").read_text())

    root = _junit(vault, "seeds/bell\x07.md")

    [case] = root.iter("testcase")
    assert case.get("name") == "seeds/bell\\x07.md"
    assert len(case.findall("failure")) == 4


def _as_elementtree_writes_it(report: str) -> str:
    """The report as ElementTree serialises its whole tree, indented."""
    root = ET.fromstring(report.encode("utf-8"))
    ET.indent(root)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, encoding="unicode")}\n'


def test_the_report_is_the_text_of_the_whole_indented_tree(vault: Vault) -> None:
    # Written a test case at a time, the report is still the text ElementTree gives for the
    # whole tree: failures with fix hints over two lines, info findings beside failures in
    # one file, clean files, names XML must escape or cannot hold.
    vault.write("seedlint.toml", '[severity]\nW001 = "info"\n')
    vault.write("seeds/spaces.md", (vault.root / "seeds/clean.md").read_text() + "  ")
    broken = (vault.root / "seeds/broken.md").read_text()
    vault.write("seeds/a & <b> \"c\" 'd'.md", broken)
    vault.write("seeds/bell\x07.md", broken)
    for paths in (("seeds",), ("seeds/clean.md",), ("seeds/spaces.md", "seeds/broken.md")):
        result = seedlint("check", "--offline", "--format", "junit", *paths, cwd=vault.root)
        assert result.returncode in (0, 1), result.stderr
        assert result.stdout == _as_elementtree_writes_it(result.stdout)
    root = ET.fromstring(result.stdout.encode("utf-8"))
    [spaces, broken_case] = root.iter("testcase")
    assert "W001" in (spaces.findtext("system-out") or "")
    assert broken_case.findall("failure") and broken_case.findtext("system-out")
