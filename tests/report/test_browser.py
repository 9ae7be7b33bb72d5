"""The page in a real headless Chromium (Debian's `chromium`, driven over the DevTools
protocol by Playwright; never a browser Playwright downloads).

Asserted: no console message of level error and no uncaught exception, no request at all
but the page's own file (seen by Playwright and by the DevTools protocol's Network domain
directly), every chart laid out with a non-zero size, every in-page link pointing at an
element of the page, the cards' numbers equal to `--format json`'s for the same vault,
and the light, dark and print renderings. Screenshots are kept under the test's tmp
folder as artefacts.
"""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from seedlint.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The charts the examples' page must show (examples/ has findings, links, topics, seeds).
EXAMPLE_CHARTS = {
    "by_rule",
    "by_folder",
    "domains",
    "topics_top",
    "topics_tail",
    "categories",
    "backlog",
    "per_month",
    "relevance",
}


def _seedlint(*arguments: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The real command line, in this process (one interpreter start saved per page)."""
    monkeypatch.chdir(cwd)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(arguments)) == 0
    return out.getvalue()


def _expected_cards(report: dict[str, Any]) -> dict[str, str]:
    cards, links = report["cards"], report["cards"]["links"]
    values: dict[str, Any] = {
        key: cards[key]
        for key in (
            "seeds",
            "topic_notes",
            "findings",
            "errors",
            "warnings",
            "info",
            "fixable_safe",
            "fixable_unsafe",
        )
    }
    values["links_checked"] = links["checked"]
    values["links_dead"] = links["dead"]
    values["oldest_cached"] = links["oldest_cached"] or "none"
    values["backlog"] = report["reading"]["backlog"]
    return {key: str(value) for key, value in values.items()}


def test_the_page_of_the_examples_in_chromium(
    examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "out" / "report.html"
    _seedlint(
        "report", "--offline", "-o", str(page_file), ".", cwd=examples, monkeypatch=monkeypatch
    )
    report = json.loads(
        _seedlint(
            "report", "--format", "json", "--offline", ".", cwd=examples, monkeypatch=monkeypatch
        )
    )
    url = page_file.resolve().as_uri()

    console_errors: list[str] = []
    page_errors: list[str] = []
    requests: list[str] = []
    devtools_requests: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1200, "height": 900},
        )
        try:
            page = context.new_page()
            page.on(
                "console",
                lambda message: (
                    console_errors.append(message.text) if message.type == "error" else None
                ),
            )
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            devtools = context.new_cdp_session(page)
            devtools.send("Network.enable")
            devtools.on(
                "Network.requestWillBeSent",
                lambda event: devtools_requests.append(event["request"]["url"]),
            )
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")

            sizes = page.eval_on_selector_all(
                "figure[data-chart]",
                """figures => figures.map(figure => {
                    const box = figure.querySelector('svg').getBoundingClientRect();
                    return [figure.dataset.chart, box.width, box.height];
                })""",
            )
            cards = page.eval_on_selector_all(
                "[data-card]",
                "nodes => Object.fromEntries(nodes.map(n => [n.dataset.card, n.textContent]))",
            )
            dangling = page.eval_on_selector_all(
                "a[href^='#'], svg a",
                """links => links
                    .map(a => a.getAttribute('href') || a.getAttribute('xlink:href'))
                    .filter(href => href && href.startsWith('#'))
                    .filter(href => !document.getElementById(href.slice(1)))""",
            )
            bar_links = page.eval_on_selector_all(
                "figure[data-chart='by_rule'] svg a",
                "links => links.map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))",
            )
            page.screenshot(path=str(tmp_path / "report-light.png"), full_page=True)

            light = page.evaluate("getComputedStyle(document.body).backgroundColor")
            page.emulate_media(color_scheme="dark")
            dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
            dark_text = page.evaluate(
                "getComputedStyle(document.querySelector('svg.chart text')).fill"
            )
            page.screenshot(path=str(tmp_path / "report-dark.png"), full_page=True)
            page.emulate_media(media="print", color_scheme="dark")
            printed = page.evaluate("getComputedStyle(document.body).backgroundColor")
            nav_shown = page.evaluate("getComputedStyle(document.querySelector('nav')).display")
        finally:
            context.close()

    assert console_errors == []
    assert page_errors == []
    assert requests == [url]
    assert devtools_requests == [url]
    assert {name for name, _, _ in sizes} == EXAMPLE_CHARTS
    for name, width, height in sizes:
        assert width > 100 and height > 50, (name, width, height)
    assert cards == _expected_cards(report)
    assert dangling == []
    # A bar a rule and a severity series (zero-length in the others): each rule's link.
    assert set(bar_links) == {f"#rule-{row['code']}" for row in report["by_rule"]}
    assert light == "rgb(255, 255, 255)"
    assert dark == "rgb(21, 24, 27)"
    assert dark_text == "rgb(227, 230, 234)"  # the charts' text follows the page's colour
    assert printed == "rgb(255, 255, 255)"  # printed light, whatever the screen's scheme
    assert nav_shown == "none"
    assert (tmp_path / "report-light.png").stat().st_size > 10_000
