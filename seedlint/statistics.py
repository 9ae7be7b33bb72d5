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

from seedlint.findings import Finding


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
    if finding.fix is None:
        return "none"
    if finding.fix.applicability == "safe" or unsafe_fixes:
        return "fixable"
    return "unsafe"


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


def _marker(row: CodeCount) -> str:
    # As the text report: [*] fixable by `seedlint fix`, [-] only with --unsafe-fixes.
    if row.fixable:
        return "[*]"
    return "[-]" if row.unsafe_fixable else "   "


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
    count_width = max(len("count"), *(len(str(row.count)) for row in rows))
    fixable_width = max(len("fixable"), *(len(str(row.fixable)) for row in rows))
    code_width = max(len("code"), *(len(row.code) for row in rows))
    out.write(
        f"{'count':>{count_width}}  {'code':<{code_width}}  {'fixable':>{fixable_width}}"
        "      rule\n"
    )
    for row in rows:
        out.write(
            f"{row.count:>{count_width}}  {row.code:<{code_width}}  "
            f"{row.fixable:>{fixable_width}}  {_marker(row)} {row.name}\n"
        )
    total = sum(row.count for row in rows)
    fixable = sum(row.fixable for row in rows)
    unsafe = sum(row.unsafe_fixable for row in rows)
    noun = "finding" if total == 1 else "findings"
    command = "seedlint fix --unsafe-fixes" if unsafe_fixes else "seedlint fix"
    line = f"{total} {noun}, {fixable} fixable with `{command}`"
    if unsafe:
        line += f", {unsafe} more with `--unsafe-fixes`"
    out.write(line + ".\n")
