"""A small vault whose figures were counted by hand, for the report's tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest


def seed(
    link: str,
    *,
    already_read: str = "false",
    priority: int = 1,
    relevance: int = 0,
    date: str = "'2024-02-22'",
    links: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    summary: str = "A summary.",
) -> str:
    """A valid seed (as the real writer emits them) with these values."""
    items = "".join(f"- [Item {n}]({url}) : an item.\n" for n, url in enumerate(links, 1))
    section = f"## Links\n\n{items}\n" if links else ""
    refs = "".join(f"![](topics/{topic.replace(' ', '%20')})\n\n" for topic in topics)
    return (
        "---\n"
        f"already_read: {already_read}\n"
        f"link: {link}\n"
        f"read_priority: {priority}\n"
        f"relevance: {relevance}\n"
        "source: null\n"
        "type: Content\n"
        f"upload_date: {date}\n"
        "---\n"
        "\n"
        f"{link}\n"
        "## Summary\n"
        "\n"
        f"{summary}\n"
        f"{section}"
        "## Topics\n"
        "\n"
        f"{refs}"
    ).rstrip("\n")


def topic_note(category: str) -> str:
    return f"---\ntype: {category}\n---\n\nA topic note.\n"


@dataclass(frozen=True)
class HandCounted:
    root: Path

    @property
    def contents(self) -> Path:
        return self.root / "contents"


def write_hand_counted(root: Path) -> HandCounted:
    """Three seeds in two folders, three topic notes (one orphan), one broken reference
    (a note filed under Library referenced under Concept), one line with trailing
    whitespace. The tests state every figure this vault must give."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "seedlint.toml").write_text("", encoding="utf-8")
    blog = root / "contents" / "Blog post"
    repository = root / "contents" / "Repository"
    blog.mkdir(parents=True)
    repository.mkdir(parents=True)
    (blog / "a.md").write_text(
        seed(
            "https://alive.example/ok",
            priority=2,
            relevance=3,
            links=("https://dead.example/gone",),
            topics=("Concept/Alpha", "Library/Beta"),
        ),
        encoding="utf-8",
    )
    (blog / "b.md").write_text(
        seed(
            "https://moved.example/old",
            already_read="true",
            priority=1,
            relevance=5,
            date="'2024-03-01'",
            topics=("Concept/Alpha", "Concept/Beta"),
        ),
        encoding="utf-8",
    )
    (repository / "c.md").write_text(
        seed(
            "https://alive.example/two",
            priority=2,
            relevance=0,
            date="'2024-02-05'",
            summary="A summary with trailing spaces.   ",
        ),
        encoding="utf-8",
    )
    for category, name in (("Concept", "Alpha"), ("Library", "Beta"), ("Model", "Orphan")):
        folder = root / "topics" / category
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.md").write_text(topic_note(category), encoding="utf-8")
    return HandCounted(root)


@pytest.fixture(autouse=True)
def _own_chart_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Charts a test draws are kept in its own folder, never in the user's cache (and
    every test draws its charts: its memo starts empty)."""
    folder = tmp_path / "chart-memo"
    monkeypatch.setenv("SEEDLINT_CHART_CACHE", str(folder))
    return folder


@pytest.fixture
def hand_counted(tmp_path: Path) -> HandCounted:
    return write_hand_counted(tmp_path / "vault")


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A copy of examples/ (a run may write its cache folder there)."""
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    return copy
