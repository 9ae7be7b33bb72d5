"""The HTML itself: self-contained, and names from the vault are text, never markup."""

from __future__ import annotations

import html.parser
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from seedlint.cli import main
from tests.report.conftest import HandCounted, seed


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))


def _page(root: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> str:
    monkeypatch.chdir(root)
    assert main(["report", "--offline", "-o", "site/report.html", *arguments, "."]) == 0
    return (root / "site" / "report.html").read_text(encoding="utf-8")


def test_the_page_loads_nothing_and_its_ids_are_unique(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page(hand_counted.root, monkeypatch)
    parsed = _Collector()
    parsed.feed(page)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    for tag, attributes in parsed.tags:
        assert "src" not in attributes, tag
        if tag == "a":
            href = attributes.get("href") or attributes.get("xlink:href") or ""
            # In-page anchors, the editor and the file itself: never a host.
            assert href.startswith(("#", "vscode://file/", "../contents/")), href
    assert "@import" not in page and "url(http" not in page
    assert len(parsed.ids) == len(set(parsed.ids))  # several SVGs share one document
    # The relative file links work from where the page was saved (site/).
    assert 'href="../contents/Blog%20post/b.md"' in page
    assert "vscode://file" + str(hand_counted.root).replace(" ", "%20") in page
    assert "/contents/Blog%20post/b.md:19:1" in page


def test_names_from_the_vault_are_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "vault"
    folder = root / "contents" / "<script>alert(1)<" / "$x$"
    folder.mkdir(parents=True)
    (root / "seedlint.toml").write_text("", encoding="utf-8")
    (root / "topics" / "Concept").mkdir(parents=True)
    (root / "topics" / "Concept" / "<b>bold.md").write_text("---\ntype: Concept\n---\n", "utf-8")
    (folder / "s.md").write_text(
        seed("https://x.example/<i>", topics=("Concept/<b>bold", "Concept/$$")) + "  ",
        encoding="utf-8",
    )
    page = _page(root, monkeypatch)
    assert "<script>" not in page and "<b>bold" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;" in page
    assert "Concept/&lt;b&gt;bold" in page


def test_no_findings_and_an_empty_folder_still_make_a_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    page = _page(root, monkeypatch)
    assert "No findings." in page
    assert 'data-card="seeds">0<' in page


def test_html_to_standard_output_when_it_is_not_a_terminal(
    hand_counted: HandCounted, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(hand_counted.root)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["report", "--offline", "."]) == 0
    assert out.getvalue().startswith("<!DOCTYPE html>")
    assert not (hand_counted.root / "seedlint-report.html").exists()
