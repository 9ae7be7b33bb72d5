"""Bar charts as inline SVG, drawn by matplotlib's SVG backend (no pyplot, no GUI).

Why matplotlib: it draws offline from a wheel (no JavaScript engine, no fonts or scripts
fetched, nothing to start beyond Python), it is among the best kept plotting libraries,
its SVG is plain elements a browser lays out at once, and an artist's ``url`` becomes an
``<a>`` in the SVG, so a bar links to its table without any script. docs/report.md gives
the figures (start-up, size) against the other candidates: vl-convert draws a page's
charts about 0.3 s faster, at the price of an embedded JavaScript engine.

The SVG is made to live inside an HTML page: text stays text (``svg.fonttype = none``)
in the page's font; every id is prefixed with the chart's name (several charts share one
document); axes and labels are drawn in a sentinel colour replaced by ``currentColor``,
so that they follow the page's light or dark text colour.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Drawn in this colour, written as ``currentColor``: no data colour is this one.
_INK = "#010203"
_GRID = "#8a8a8a"
MAX_BARS = 25
#: Ids of the page's own tables, which bars link to: left as they are.
LINK_PREFIXES = ("rule-", "folder-")
MAX_LABEL = 38
WIDTH = 6.4  # inches
#: Inches a character of a 10-point label takes, on average, in DejaVu Sans.
CHAR_WIDTH = 0.078

PALETTE = {
    "error": "#d6404e",
    "warning": "#e8912d",
    "info": "#4c78a8",
    "dead": "#d6404e",
    "unverifiable": "#e0b324",
    "redirected": "#4c78a8",
    "alive": "#54a24b",
    "unchecked": "#9d9d9d",
    "bar": "#4c78a8",
}


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int]
    colour: str


def _plain(text: str) -> str:
    """A label as written: ``$`` would start mathtext, and long names crowd the chart."""
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "\u2026"
    return text.replace("\\", "\\\\").replace("$", r"\$")


def _style(name: str) -> Any:  # matplotlib types the keys as a Literal of every name
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": name,  # ids that are stable between runs, and differ between charts
        "font.family": "sans-serif",
        "font.size": 10,
        "text.color": _INK,
        "axes.labelcolor": _INK,
        "axes.edgecolor": _INK,
        "xtick.color": _INK,
        "ytick.color": _INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "grid.color": _GRID,
        "grid.alpha": 0.35,
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.transparent": True,
    }


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_IDS = re.compile(r'\bid="([^"]+)"')
_REFERENCES = re.compile(r'(url\(#|href="#)([^")]+)')
# Text takes the page's font (the stylesheet names it), rather than a long list on each label.
_FONT = re.compile(r" font-family: [^;\"]*;?")
_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="([^"]*)"\s+height="[^"]*"')


def _for_inlining(svg: str, name: str, title: str) -> str:
    """matplotlib's stand-alone SVG as an element of the page (see the module docstring)."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg)
    svg = _FONT.sub("", svg)
    svg = _IDS.sub(lambda match: f'id="{name}-{match.group(1)}"', svg)
    svg = _REFERENCES.sub(
        lambda match: (
            match.group(0)
            if match.group(2).startswith(LINK_PREFIXES)  # a bar's link to a table of the page
            else f"{match.group(1)}{name}-{match.group(2)}"
        ),
        svg,
    )
    svg = _SIZE.sub(
        # Never wider than drawn: a chart alone in its row keeps the size of its labels.
        lambda match: (
            f'<svg{match.group(1)} class="chart" role="img" style="max-width: {match.group(2)}"'
            f' aria-label="{_attribute(title)}"'
        ),
        svg,
        count=1,
    )
    return svg.replace(_INK, "currentColor")


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _render(figure: object, name: str, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    return _for_inlining(buffer.getvalue(), name, title)


def _margins(figure: Any, *, left: float, bottom: float, top: float, right: float = 0.2) -> None:
    """Margins in inches. Worked out from the labels' length rather than by matplotlib's
    constrained layout, which draws every chart twice: half of a chart's cost."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=min(left, width * 0.6) / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
    )


def horizontal_bars(
    name: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    links: Sequence[str | None] | None = None,
) -> str:
    """Stacked horizontal bars, the first label at the top; ``links`` per label."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    labels = list(labels)[:MAX_BARS]
    with matplotlib.rc_context(_style(name)):
        top = 0.4 if len(series) > 1 else 0.15  # room for the legend
        height = top + 0.4 + 0.26 * max(len(labels), 1)
        figure = Figure(figsize=(WIDTH, height))
        longest = max((len(_plain(label)) for label in labels), default=1)
        _margins(figure, left=0.2 + CHAR_WIDTH * longest, bottom=0.4, top=top)
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        left = [0] * len(labels)
        for part in series:
            values = list(part.values)[: len(labels)]
            bars = axes.barh(
                positions, values, left=left, color=part.colour, label=part.label, height=0.7
            )
            if links is not None:
                for bar, link in zip(bars, links, strict=False):
                    if link is not None:
                        bar.set_url(link)
            left = [start + value for start, value in zip(left, values, strict=True)]
        axes.set_yticks(positions, [_plain(label) for label in labels])
        axes.invert_yaxis()
        axes.xaxis.grid(True)
        axes.set_axisbelow(True)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        if len(series) > 1:
            axes.legend(
                loc="lower right", frameon=False, ncols=len(series), bbox_to_anchor=(1, 1.0)
            )
        return _render(figure, name, title)


def vertical_bars(
    name: str, title: str, labels: Sequence[str], values: Sequence[int], colour: str = ""
) -> str:
    """One bar a label, left to right (months, priorities, relevance)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(_style(name)):
        step = max(1, len(labels) // 24)  # at most about two dozen tick labels
        turned = step > 1 or any(len(label) > 4 for label in labels)
        longest = max((len(_plain(label)) for label in labels), default=1)
        bottom = 0.4 + (CHAR_WIDTH * 0.72 * longest if turned else 0)
        figure = Figure(figsize=(WIDTH, 2.2 + bottom))
        _margins(figure, left=0.5, bottom=bottom, top=0.15)
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        axes.bar(positions, list(values), color=colour or PALETTE["bar"], width=0.75)
        axes.set_xticks(positions[::step], [_plain(label) for label in labels][::step], rotation=0)
        if turned:
            for tick in axes.get_xticklabels():
                tick.set_rotation(45)
                tick.set_horizontalalignment("right")
        axes.yaxis.grid(True)
        axes.set_axisbelow(True)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        return _render(figure, name, title)
