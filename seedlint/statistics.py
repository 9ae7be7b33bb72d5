"""`--statistics`: how many findings of each code, and how many of them are fixable.

As with ruff's ``--statistics``, this replaces the list of findings: it is what one reads
before adopting a rule on a large vault ("400 F204, all fixable: run `seedlint fix`").
``--format json`` gives the same table as a JSON list; other formats give the text table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TextIO

from seedlint.findings import Finding


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    name: str
    count: int
    fixable: int


def count_codes(findings: Sequence[Finding]) -> list[CodeCount]:
    """One row a code, the most frequent first (ties by code, so the order is stable)."""
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    fixable: dict[str, int] = {}
    for finding in findings:
        names[finding.code] = finding.rule
        counts[finding.code] = counts.get(finding.code, 0) + 1
        fixable[finding.code] = fixable.get(finding.code, 0) + (finding.fix is not None)
    rows = [CodeCount(code, names[code], counts[code], fixable[code]) for code in counts]
    return sorted(rows, key=lambda row: (-row.count, row.code))


def report_statistics(findings: Sequence[Finding], out: TextIO, output_format: str) -> None:
    rows = count_codes(findings)
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
        marker = "[*]" if row.fixable else "   "
        out.write(
            f"{row.count:>{count_width}}  {row.code:<{code_width}}  "
            f"{row.fixable:>{fixable_width}}  {marker} {row.name}\n"
        )
    total = sum(row.count for row in rows)
    total_fixable = sum(row.fixable for row in rows)
    noun = "finding" if total == 1 else "findings"
    out.write(f"{total} {noun}, {total_fixable} fixable with `seedlint fix`.\n")
