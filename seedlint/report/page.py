"""The report as one self-contained HTML page: Jinja2 templates, charts inlined as SVG.

Nothing on the page asks for anything when it is opened: no script, no web font, no
external style sheet or image. The style sheet is inlined from `templates/report.css`.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seedlint.findings import Finding
from seedlint.report import charts
from seedlint.report.aggregate import Aggregates, folder_of
from seedlint.report.charts import PALETTE, Series

TEMPLATES = Path(__file__).with_name("templates")
TOP_TOPICS = 20
TOP_DOMAINS = 20
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Row:
    """One finding as a table row: where (a link for the editor, one for the browser)."""

    finding: Finding
    location: str
    editor_url: str
    file_url: str


def _row(finding: Finding, base: Path) -> Row:
    absolute = os.path.abspath(finding.path)
    editor = "vscode://file" + urllib.parse.quote(Path(absolute).as_posix(), safe="/:")
    editor += f":{finding.line}:{finding.column}"
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive (Windows): the absolute path is all there is
        relative = absolute
    file_url = urllib.parse.quote(Path(relative).as_posix(), safe="/")
    return Row(finding, f"{finding.path}:{finding.line}:{finding.column}", editor, file_url)


def _charts(aggregates: Aggregates, folder_ids: dict[str, str]) -> dict[str, str]:
    """Every chart of the page, by name; a chart with nothing to show is left out."""
    drawn: dict[str, str] = {}
    rules = aggregates.by_rule
    if rules:
        drawn["by_rule"] = charts.horizontal_bars(
            "by-rule",
            "Findings by rule",
            [f"{row.code} {row.rule}" for row in rules],
            [
                Series(
                    level,
                    [row.findings if row.severity == level else 0 for row in rules],
                    PALETTE[level],
                )
                for level in SEVERITIES
                if any(row.severity == level for row in rules)
            ],
            [f"#rule-{row.code}" for row in rules],
        )
    folders = [row for row in aggregates.by_folder if row.findings]
    if folders:
        drawn["by_folder"] = charts.horizontal_bars(
            "by-folder",
            "Findings by folder",
            [row.folder for row in folders],
            [
                Series("error", [row.errors for row in folders], PALETTE["error"]),
                Series("warning", [row.warnings for row in folders], PALETTE["warning"]),
                Series("info", [row.info for row in folders], PALETTE["info"]),
            ],
            [f"#{folder_ids[row.folder]}" for row in folders],
        )
    domains = aggregates.domains[:TOP_DOMAINS]
    if domains:
        drawn["domains"] = charts.horizontal_bars(
            "domains",
            "Link health by domain",
            [row.domain for row in domains],
            [
                Series(state, [getattr(row, state) for row in domains], PALETTE[state])
                for state in ("dead", "unverifiable", "redirected", "alive", "unchecked")
            ],
        )
    topics = aggregates.topics
    if topics.embedded:
        top = topics.embedded[:TOP_TOPICS]
        drawn["topics_top"] = charts.horizontal_bars(
            "topics-top",
            "Topic notes most embedded",
            [use.topic for use in top],
            [Series("seeds", [use.seeds for use in top], PALETTE["bar"])],
        )
        drawn["topics_tail"] = charts.vertical_bars(
            "topics-tail",
            "Topic notes by how many seeds embed them",
            [bucket.label for bucket in topics.tail],
            [bucket.count for bucket in topics.tail],
        )
    if topics.categories:
        drawn["categories"] = charts.horizontal_bars(
            "categories",
            "Topic categories by size",
            [row.category for row in topics.categories],
            [Series("notes", [row.notes for row in topics.categories], PALETTE["bar"])],
        )
    reading = aggregates.reading
    if reading.backlog:
        drawn["backlog"] = charts.vertical_bars(
            "backlog",
            "Reading backlog by read_priority",
            [bucket.label for bucket in reading.backlog_by_priority],
            [bucket.count for bucket in reading.backlog_by_priority],
            PALETTE["warning"],
        )
    if reading.per_month:
        drawn["per_month"] = charts.vertical_bars(
            "per-month",
            "Seeds added per month",
            [bucket.label for bucket in reading.per_month],
            [bucket.count for bucket in reading.per_month],
        )
    if any(bucket.count for bucket in reading.relevance):
        drawn["relevance"] = charts.vertical_bars(
            "relevance",
            "Seeds by relevance",
            [bucket.label for bucket in reading.relevance],
            [bucket.count for bucket in reading.relevance],
            PALETTE["alive"],
        )
    return drawn


def render(
    aggregates: Aggregates,
    findings: Sequence[Finding],
    *,
    title: str,
    generated: str,
    version: str,
    base: Path,
) -> str:
    """The page. ``base`` is the folder the page is written to: file links are relative
    to it, so they open from the saved page."""
    import jinja2
    from markupsafe import Markup

    folder_ids = {row.folder: f"folder-{index}" for index, row in enumerate(aggregates.by_folder)}
    rows = [_row(finding, base) for finding in findings]
    by_rule: dict[str, list[Row]] = {}
    by_folder: dict[str, list[Row]] = {}
    for row in rows:
        by_rule.setdefault(row.finding.code, []).append(row)
        by_folder.setdefault(folder_of(row.finding.path), []).append(row)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    context: dict[str, Any] = {
        "a": aggregates,
        "title": title,
        "generated": generated,
        "version": version,
        "charts": {name: Markup(svg) for name, svg in _charts(aggregates, folder_ids).items()},
        "style": Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        "by_rule": by_rule,
        "by_folder": by_folder,
        "folder_ids": folder_ids,
    }
    return environment.get_template("report.html.j2").render(context)
