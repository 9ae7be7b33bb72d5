"""`junit`: JUnit XML, which GitLab, Jenkins, Azure Pipelines and others show as test results.

A seed file is a test case; each finding that fails the run (warning or error) is one
``<failure>`` inside it, so a clean file is a passing test and a file with three problems is
one failing test with three failures. Findings demoted to ``info`` do not fail the run, so
they are listed in the test case's ``<system-out>`` instead of failing it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from seedlint.findings import Finding, Severity, fixability

if TYPE_CHECKING:
    from seedlint.reporters import ReportOptions, RunSummary

SUITE = "seedlint"
# Characters XML 1.0 cannot hold at all, even escaped; a message may quote them from a file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", value)


def _describe(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    line = f"{where}: {finding.code} {finding.message} ({finding.rule}, {finding.severity.value})"
    if finding.fix is not None and fixability(finding) != "none":
        line += f"\n{finding.fix.applicability.capitalize()} fix: {finding.fix.message}"
    return line


def _ordered_paths(findings: Sequence[Finding], summary: RunSummary) -> list[str]:
    paths = dict.fromkeys(summary.paths)
    paths.update(dict.fromkeys(finding.path for finding in findings))
    return list(paths)


def _test_case(path: str, findings: Sequence[Finding]) -> ET.Element:
    case = ET.Element("testcase", classname=SUITE, name=_xml_text(path), file=_xml_text(path))
    notes: list[str] = []
    for finding in findings:
        if finding.severity is Severity.INFO:
            notes.append(_describe(finding))
            continue
        failure = ET.SubElement(
            case,
            "failure",
            type=finding.code,
            message=_xml_text(f"{finding.code} {finding.message}"),
        )
        failure.text = _xml_text(_describe(finding))
    if notes:
        ET.SubElement(case, "system-out").text = _xml_text("\n".join(notes))
    return case


def _fails(finding: Finding) -> bool:
    return finding.severity is not Severity.INFO


def report_junit(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    """Write the report a test case at a time: only one file's elements exist at once.

    The text is the one ``ET.indent`` and ``ET.tostring`` give for the whole tree (the
    suite's head and tail are written here, each case by ElementTree at its own depth).
    """
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    paths = _ordered_paths(findings, summary)
    failed = sum(1 for path in paths if any(map(_fails, by_path.get(path, ()))))
    counts = {"tests": str(len(paths)), "failures": str(failed), "errors": "0", "skipped": "0"}
    # The outer elements, empty: their opening tags are their serialisation up to `>`.
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.Element("testsuite", {"name": SUITE, **counts})
    findings_count = ET.Element("property", name="findings", value=str(len(findings)))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(_opening_tag(root) + "\n  " + _opening_tag(suite) + "\n    <properties>\n      ")
    out.write(ET.tostring(findings_count, encoding="unicode") + "\n    </properties>")
    for path in paths:
        case = _test_case(path, by_path.get(path, ()))
        ET.indent(case, level=_CASE_LEVEL)
        out.write("\n    " + ET.tostring(case, encoding="unicode"))
    out.write("\n  </testsuite>\n</testsuites>\n")


#: testsuites > testsuite > testcase: the depth ``ET.indent`` gives a case in the whole tree.
_CASE_LEVEL = 2


def _opening_tag(element: ET.Element) -> str:
    empty = ET.tostring(element, encoding="unicode")
    return empty.removesuffix(" />") + ">"
