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
from seedlint.report.chartmemo import ChartMemo
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


def _urls(path: str, base: Path, folders: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """The editor's URL of ``path`` (without line and column) and its URL relative to
    ``base``; ``folders`` keeps each folder's part, worked out once (a vault has
    thousands of files in a few folders)."""
    folder, name = os.path.split(path)
    parts = folders.get(folder)
    if parts is None:
        absolute = os.path.abspath(folder or os.curdir)
        try:
            relative = os.path.relpath(absolute, base)
        except ValueError:  # another drive (Windows): the absolute path is all there is
            relative = absolute
        relative = "" if relative == os.curdir else relative
        parts = folders[folder] = (
            urllib.parse.quote(Path(absolute).as_posix(), safe="/:"),
            urllib.parse.quote(Path(relative).as_posix(), safe="/") if relative else "",
        )
    editor_folder, relative_folder = parts
    editor = f"vscode://file{editor_folder.rstrip('/')}/{urllib.parse.quote(name, safe=':')}"
    quoted = urllib.parse.quote(name, safe="")
    return editor, f"{relative_folder}/{quoted}" if relative_folder else quoted


def _row(finding: Finding, base: Path, folders: dict[str, tuple[str, str]]) -> Row:
    editor, file_url = _urls(finding.path, base, folders)
    editor += f":{finding.line}:{finding.column}"
    return Row(finding, f"{finding.path}:{finding.line}:{finding.column}", editor, file_url)


def _plain(value: Any) -> Any:
    """A chart's argument as JSON data, for its key in the memo."""
    if isinstance(value, Series):
        return [value.label, list(value.values), value.colour]
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class _Drawing:
    """The page's charts, each from the memo when it was drawn before."""

    def __init__(self, memo: ChartMemo) -> None:
        self.memo = memo

    def horizontal_bars(self, *arguments: Any) -> str:
        return self.memo.chart(
            "horizontal_bars", _plain(arguments), lambda: charts.horizontal_bars(*arguments)
        )

    def vertical_bars(self, *arguments: Any) -> str:
        return self.memo.chart(
            "vertical_bars", _plain(arguments), lambda: charts.vertical_bars(*arguments)
        )


def _charts(
    aggregates: Aggregates, folder_ids: dict[str, str], memo: ChartMemo | None = None
) -> dict[str, str]:
    """Every chart of the page, by name; a chart with nothing to show is left out."""
    drawn: dict[str, str] = {}
    draw = _Drawing(memo if memo is not None else ChartMemo(None))
    rules = aggregates.by_rule
    if rules:
        drawn["by_rule"] = draw.horizontal_bars(
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
        drawn["by_folder"] = draw.horizontal_bars(
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
        drawn["domains"] = draw.horizontal_bars(
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
        drawn["topics_top"] = draw.horizontal_bars(
            "topics-top",
            "Topic notes most embedded",
            [use.topic for use in top],
            [Series("seeds", [use.seeds for use in top], PALETTE["bar"])],
        )
        drawn["topics_tail"] = draw.vertical_bars(
            "topics-tail",
            "Topic notes by how many seeds embed them",
            [bucket.label for bucket in topics.tail],
            [bucket.count for bucket in topics.tail],
        )
    if topics.categories:
        drawn["categories"] = draw.horizontal_bars(
            "categories",
            "Topic categories by size",
            [row.category for row in topics.categories],
            [Series("notes", [row.notes for row in topics.categories], PALETTE["bar"])],
        )
    reading = aggregates.reading
    if reading.backlog:
        drawn["backlog"] = draw.vertical_bars(
            "backlog",
            "Reading backlog by read_priority",
            [bucket.label for bucket in reading.backlog_by_priority],
            [bucket.count for bucket in reading.backlog_by_priority],
            PALETTE["warning"],
        )
    if reading.per_month:
        drawn["per_month"] = draw.vertical_bars(
            "per-month",
            "Seeds added per month",
            [bucket.label for bucket in reading.per_month],
            [bucket.count for bucket in reading.per_month],
        )
    if any(bucket.count for bucket in reading.relevance):
        drawn["relevance"] = draw.vertical_bars(
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
    memo: ChartMemo | None = None,
) -> str:
    """The page. ``base`` is the folder the page is written to: file links are relative
    to it, so they open from the saved page. Charts drawn before come from ``memo``."""
    import jinja2
    from markupsafe import Markup

    folder_ids = {row.folder: f"folder-{index}" for index, row in enumerate(aggregates.by_folder)}
    folders: dict[str, tuple[str, str]] = {}
    rows = [_row(finding, base, folders) for finding in findings]
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
        "charts": {
            name: Markup(svg) for name, svg in _charts(aggregates, folder_ids, memo).items()
        },
        "style": Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        "by_rule": by_rule,
        "by_folder": by_folder,
        "folder_ids": folder_ids,
    }
    return environment.get_template("report.html.j2").render(context)
