"""Issue 15: archived copies for dead links, fragments (L007), every link of the note,
and proxies, against real loopback servers (an HTML site, a fake availability API, a
forward proxy that records what it is asked)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from seedlint.links.urls import normalise
from tests.helpers import front_with_link
from tests.links.conftest import Vault, seed_text
from tests.links.loopback import ARCHIVE_PATH, ForwardProxy, LoopbackServers
from tests.links.test_cli import seedlint

H1, H2, H3 = "127.0.0.1", "127.0.0.2", "127.0.0.3"


# -- archived copies (L001's unsafe fix) --------------------------------------------------


@pytest.fixture
def archived(tmp_path: Path, web: LoopbackServers) -> tuple[Path, str, str, str]:
    """A vault whose seed's link is dead everywhere it is written, with a snapshot in the
    fake archive; a second seed's dead link has none."""
    gone = web.url(H1, "/gone", status=404)
    lost = web.url(H1, "/lost", status=410)
    snapshot = web.url(H3, "/web/20240220083000/gone-copy")
    web.archive[normalise(gone) or ""] = ("20240220083000", snapshot)
    (tmp_path / "seedlint.toml").write_text(
        "[links]\nallow-private = true\nretry-wait = 0.01\n"
        f"archive-url = '{web.url(H2, ARCHIVE_PATH)}'\n",
        encoding="utf-8",
    )
    (tmp_path / "topics").mkdir()
    (tmp_path / "a.md").write_text(seed_text(gone, [gone]), encoding="utf-8")
    (tmp_path / "b.md").write_text(seed_text(web.url(H1, "/b"), [lost]), encoding="utf-8")
    return tmp_path, gone, lost, snapshot


def _archive_queries(web: LoopbackServers) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(r.target).query) for r in web.stats.matching(H2, ARCHIVE_PATH)]


def test_a_dead_link_names_its_archived_copy(
    archived: tuple[Path, str, str, str], web: LoopbackServers
) -> None:
    folder, gone, lost, snapshot = archived
    result = seedlint(folder, "check", "--format", "json", "a.md", "b.md")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    l001 = [(f["path"], f["line"], f["message"], f["fix"] is not None) for f in findings]
    copy = f"{gone} returned 404 Not Found; archived copy of 2024-02-20: {snapshot}"
    assert l001 == [
        ("a.md", 3, copy, True),
        ("a.md", 11, copy, True),
        ("a.md", 17, copy, True),
        ("b.md", 17, f"{lost} returned 410 Gone; the archive holds no copy of it", False),
    ]
    # Asked once per dead URL, for the day the seed was written (its upload_date).
    assert sorted((q["url"][0], q["timestamp"][0]) for q in _archive_queries(web)) == [
        (normalise(gone), "20240222"),
        (normalise(lost), "20240222"),
    ]
    web.reset()
    again = seedlint(folder, "check", "--format", "json", "a.md", "b.md")
    assert json.loads(again.stdout)["findings"] == findings
    assert web.stats.requests == []  # link and archive answers both cached


def test_fix_unsafe_fixes_writes_the_archived_copy_everywhere(
    archived: tuple[Path, str, str, str], web: LoopbackServers
) -> None:
    folder, gone, lost, snapshot = archived
    b_before = (folder / "b.md").read_bytes()
    seedlint(folder, "check", "a.md", "b.md")  # a warm cache: the fix still asks again
    web.reset()
    web.archive[normalise(gone) or ""] = ("20240220083000", snapshot)
    result = seedlint(folder, "fix", "--unsafe-fixes", "--select", "L001", "a.md", "b.md")
    assert result.returncode == 1, result.stdout + result.stderr  # b.md's L001 is left
    assert (folder / "a.md").read_text(encoding="utf-8") == seed_text(snapshot, [snapshot])
    assert (folder / "b.md").read_bytes() == b_before
    assert [q["url"][0] for q in _archive_queries(web)] == sorted(
        [normalise(gone), normalise(lost)]
    )


def test_without_the_fix_option_nothing_is_written(
    archived: tuple[Path, str, str, str],
) -> None:
    folder, *_ = archived
    before = (folder / "a.md").read_bytes()
    result = seedlint(folder, "fix", "--select", "L001", "a.md")
    assert result.returncode == 1
    assert (folder / "a.md").read_bytes() == before


def test_archive_off_asks_nothing(
    archived: tuple[Path, str, str, str], web: LoopbackServers
) -> None:
    folder, gone, *_ = archived
    config = folder / "seedlint.toml"
    config.write_text(config.read_text() + "archive = false\n", encoding="utf-8")
    result = seedlint(folder, "check", "--format", "concise", "a.md")
    assert f"{gone} returned 404 Not Found\n" in result.stdout
    assert _archive_queries(web) == []


# -- fragments (L007) ---------------------------------------------------------------------

PAGE = b"""<!doctype html><html><body>
<h2 id="intro">Intro</h2><p><a name="old-anchor"></a>
<div id="user-content-readme">rendered README</div><p id=caf%C3%A9>x
"""


def test_missing_fragments_are_l007(web: LoopbackServers, vault: Vault) -> None:
    web.pages["/doc"] = ("text/html; charset=utf-8", PAGE)
    web.pages["/app"] = ("text/html", b"<html><body><div>built by scripts</div></body></html>")
    web.pages["/paper.pdf"] = ("application/pdf", b"%PDF-1.7 not html")
    doc = web.url(H1, "/doc")
    fine = [f"{doc}#intro", f"{doc}#old-anchor", f"{doc}#readme", f"{doc}#L10-L20", f"{doc}#top"]
    unverifiable = [web.url(H1, "/app") + "#settings", web.url(H1, "/paper.pdf") + "#page=3"]
    seed = vault.seed("a.md", web.url(H1, "/ok"), [*fine, f"{doc}#gone", *unverifiable])
    run = vault.lint()
    assert [(f.code, f.line, f.message) for f in run.findings] == [
        ("L007", 22, f"{doc}#gone: the page has no id or <a name> 'gone'"),
    ]
    assert run.findings[0].path == str(seed)
    assert web.stats.count(H1, "/doc") == 1  # one request for the page and its fragments
    assert "L007: 2 fragments could not be verified" in run.notes[-1]
    web.reset()
    warm = vault.lint()
    assert [f.message for f in warm.findings] == [f.message for f in run.findings]
    assert web.stats.requests == []  # the anchors are cached with the answer


def test_fragments_are_not_read_when_l007_is_off(web: LoopbackServers, vault: Vault) -> None:
    web.pages["/doc"] = ("text/html", PAGE)
    vault.seed("a.md", web.url(H1, "/doc") + "#gone")
    run = vault.lint(codes=("L001", "L002", "L004"))
    assert run.findings == []
    [request] = web.stats.requests
    assert request.method == "GET"


# -- every link of the note ---------------------------------------------------------------


def _body_seed(link: str, dead: list[str]) -> str:
    inline, auto, span, fenced = dead
    return (
        f"{front_with_link(link)}\n{link}\n## Summary\n\n"
        f"See [the post]({inline}) and <{auto}>, not `{span}`.\n\n"
        f"```\ncurl {fenced}\n```\n\n## Topics\n"
    )


@pytest.mark.parametrize("scope", ["all", "links-section"])
def test_links_in_the_body_are_checked_unless_the_scope_says_not(
    web: LoopbackServers, vault: Vault, scope: str
) -> None:
    dead = [web.url(H1, f"/dead-{n}", status=404) for n in range(4)]
    path = vault.root / "a.md"
    path.write_text(_body_seed(web.url(H1, "/ok"), dead), encoding="utf-8")
    vault.paths.append(path)
    run = vault.lint(scope=scope)
    if scope == "all":
        assert [(f.code, f.line, f.column) for f in run.findings] == [
            ("L001", 14, 16),
            ("L001", 14, 63),
        ]
        assert sorted(r.path for r in web.stats.requests) == ["/dead-0", "/dead-1", "/ok"]
    else:
        assert run.findings == []
        assert [r.path for r in web.stats.requests] == ["/ok"]


# -- proxies ------------------------------------------------------------------------------


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    started = ForwardProxy("127.0.0.9").start()
    yield started
    started.stop()


def test_the_proxy_from_the_environment_is_used(
    web: LoopbackServers, vault: Vault, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", f"localhost,{H2}")
    through, direct = web.url(H1, "/via", status=404), web.url(H2, "/direct")
    vault.seed("a.md", through, [direct])
    run = vault.lint()
    assert run.codes() == ["L001", "L001"]  # `link:` and the source line
    assert proxy.asked == [f"GET {through}"]
    assert [r.host for r in web.stats.matching(path="/via")] == [H1]  # relayed by it
    assert web.stats.count(H2, "/direct") == 1  # NO_PROXY: straight to the server
    assert "(1 of them through a proxy, HTTP(S)_PROXY)" in run.notes[0]


def test_the_guard_judges_the_target_before_the_proxy_is_asked(
    web: LoopbackServers, vault: Vault, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", proxy.url)
    vault.seed("a.md", web.url(H1, "/inside"))
    run = vault.lint(**{"allow-private": False})
    assert run.findings == []
    assert proxy.asked == []
    assert web.stats.requests == []
    assert "1 skipped (1 private address)" in run.notes[0]
