"""`--statistics`: how many findings of each code, and how many of them are fixable.

As with ruff's ``--statistics``, this replaces the list of findings: it is what one reads
before adopting a rule on a large vault ("400 F204, all fixable: run `seedlint fix`").
``--format json`` gives the same table as a JSON list; other formats give the text table.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TextIO

from seedlint.findings import Finding, fix_applies, fixability
from seedlint.reporters.text import fix_summary


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    name: str
    count: int
    #: Fixed by `seedlint fix` as run (safe fixes; unsafe ones too with --unsafe-fixes).
    fixable: int
    #: Fixable only with --unsafe-fixes, which this run did not give.
    unsafe_fixable: int


def _fix_kind(finding: Finding, unsafe_fixes: bool) -> str:
    if fix_applies(finding, unsafe_fixes):
        return "fixable"
    return "unsafe" if fixability(finding) == "unsafe" else "none"


def count_codes(findings: Sequence[Finding], unsafe_fixes: bool = False) -> list[CodeCount]:
    """One row a code, the most frequent first (ties by code, so the order is stable)."""
    names: dict[str, str] = {}
    counts: dict[str, Counter[str]] = {}
    for finding in findings:
        names[finding.code] = finding.rule
        counts.setdefault(finding.code, Counter())[_fix_kind(finding, unsafe_fixes)] += 1
    rows = [
        CodeCount(code, names[code], kinds.total(), kinds["fixable"], kinds["unsafe"])
        for code, kinds in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row.count, row.code))


def report_statistics(
    findings: Sequence[Finding], out: TextIO, output_format: str, unsafe_fixes: bool = False
) -> None:
    rows = count_codes(findings, unsafe_fixes)
    if output_format in ("json", "jsonl"):
        json.dump([asdict(row) for row in rows], out, indent=2)
        out.write("\n")
        return
    if not rows:
        out.write("No findings.\n")
        return
    out.writelines(line + "\n" for line in statistics_lines(rows))


def statistics_lines(rows: Sequence[CodeCount]) -> list[str]:
    """ruff's table: ``COUNT<TAB>CODE<TAB>[*] name``, then its two closing lines.

    Columns are tab-separated (``cut -f2`` gives the codes), the count right-aligned and
    the code padded to the widest. ``[*]`` marks a code some of whose findings `seedlint
    fix` fixes as run, ``[ ]`` the others, and neither appears when nothing is fixable.
    """
    count_width = max(len(str(row.count)) for row in rows)
    code_width = max(len(row.code) for row in rows)
    any_fixable = any(row.fixable for row in rows)
    lines = []
    for row in rows:
        marker = ("[*] " if row.fixable else "[ ] ") if any_fixable else ""
        lines.append(f"{row.count:>{count_width}}\t{row.code:<{code_width}}\t{marker}{row.name}")
    total = sum(row.count for row in rows)
    noun = "finding" if total == 1 else "findings"
    lines.append(f"Found {total} {noun}.")
    fixable = sum(row.fixable for row in rows)
    lines.extend(fix_summary(fixable, sum(row.unsafe_fixable for row in rows)))
    return lines
