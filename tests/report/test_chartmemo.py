"""Charts kept in the user's cache folder: a page whose figures did not change draws
nothing and loads no matplotlib; a changed figure is drawn again; nothing but a regular
SVG file seedlint wrote is ever pasted into a page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from seedlint.cli import build_parser
from seedlint.report import chartmemo
from seedlint.report._command import build
from seedlint.report.chartmemo import ChartMemo
from seedlint.report.page import render
from tests.report.conftest import HandCounted

WORKTREE = Path(__file__).resolve().parents[2]
#: A report in a fresh process, then whether it loaded matplotlib.
REPORT = (
    "import sys\n"
    "from seedlint.cli import main\n"
    "code = main(['report', '--offline', '-o', 'page.html', '.'])\n"
    "print(code, 'matplotlib' in sys.modules)\n"
)


def _fresh_report(root: Path) -> str:
    environment = {**os.environ, "PYTHONPATH": str(WORKTREE)}
    done = subprocess.run(
        [sys.executable, "-c", REPORT],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def _page(root: Path, memo: ChartMemo, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(root)
    built = build(build_parser().parse_args(["report", "--offline", "."]))
    return render(
        built.aggregates,
        built.findings,
        title="t",
        generated="2024-01-01",
        version="v",
        base=root,
        memo=memo,
    )


def _kept(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{chartmemo.SUFFIX}"))


def test_a_page_whose_figures_did_not_change_draws_nothing_and_loads_no_matplotlib(
    hand_counted: HandCounted, _own_chart_memo: Path
) -> None:
    root = hand_counted.root
    assert _fresh_report(root) == "0 True"
    first = (root / "page.html").read_bytes()
    kept = _kept(_own_chart_memo)
    assert len(kept) == first.count(b"<figure data-chart=") > 0
    assert _fresh_report(root) == "0 False"
    assert (root / "page.html").read_bytes() == first


def test_a_changed_figure_is_drawn_again_and_only_its_chart(
    hand_counted: HandCounted, _own_chart_memo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hand_counted.root
    memo = ChartMemo(_own_chart_memo)
    first = _page(root, memo, monkeypatch)
    charts = memo.drawn
    assert (memo.hits, charts) == (0, first.count("<figure data-chart="))
    again = ChartMemo(_own_chart_memo)
    assert _page(root, again, monkeypatch) == first
    assert (again.hits, again.drawn) == (charts, 0)
    seed = root / "contents" / "Repository" / "c.md"
    seed.write_text(seed.read_text().replace("relevance: 0", "relevance: 1"), encoding="utf-8")
    changed = ChartMemo(_own_chart_memo)
    page = _page(root, changed, monkeypatch)
    assert (changed.hits, changed.drawn) == (charts - 1, 1)  # the relevance chart
    assert page != first
    assert page == _page(root, ChartMemo(None), monkeypatch)  # as drawn without a memo


@pytest.mark.parametrize("planted", ["script", "symlink", "fifo", "large", "not-utf8"])
def test_only_a_regular_svg_file_is_taken_from_the_memo(
    planted: str,
    hand_counted: HandCounted,
    _own_chart_memo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = hand_counted.root
    expected = _page(root, ChartMemo(_own_chart_memo), monkeypatch)
    for path in _kept(_own_chart_memo):
        path.unlink()
        if planted == "script":
            path.write_text("<script>alert(1)</script>", encoding="utf-8")
        elif planted == "symlink":
            target = tmp_path / f"{path.name}.target"
            target.write_text("<svg><script>alert(1)</script></svg>", encoding="utf-8")
            path.symlink_to(target)
        elif planted == "fifo":
            os.mkfifo(path)  # opening it would wait for a writer forever
        elif planted == "large":
            path.write_text("<svg>" + " " * chartmemo.MAX_BYTES, encoding="utf-8")
        else:
            path.write_bytes(b"<svg>\xff</svg>")
    memo = ChartMemo(_own_chart_memo)
    page = _page(root, memo, monkeypatch)
    assert page == expected
    assert "alert(1)" not in page
    assert memo.hits == 0
    assert all(path.read_text().startswith("<svg") for path in _kept(_own_chart_memo))


def test_the_memo_keeps_the_most_recently_used_charts(
    hand_counted: HandCounted, _own_chart_memo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chartmemo, "MAX_ENTRIES", 3)
    memo = ChartMemo(_own_chart_memo)
    _page(hand_counted.root, memo, monkeypatch)
    assert memo.drawn > 3
    assert len(_kept(_own_chart_memo)) == 3


def test_no_cache_neither_reads_nor_writes_the_memo(
    hand_counted: HandCounted, _own_chart_memo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedlint.cli import main

    monkeypatch.chdir(hand_counted.root)
    assert main(["report", "--offline", "--no-cache", "-o", "page.html", "."]) == 0
    assert not _own_chart_memo.exists()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG folder is Linux's")
def test_the_memo_lives_in_the_users_cache_folder_not_the_repository(
    hand_counted: HandCounted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(chartmemo.ENVIRONMENT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    from seedlint.cli import main

    monkeypatch.chdir(hand_counted.root)
    assert main(["report", "--offline", "-o", "page.html", "."]) == 0
    assert _kept(tmp_path / "home-cache" / "seedlint" / "report-charts")
    assert not list(hand_counted.root.rglob(f"*{chartmemo.SUFFIX}"))
    monkeypatch.setenv(chartmemo.ENVIRONMENT, "off")
    assert chartmemo.default_folder() is None
