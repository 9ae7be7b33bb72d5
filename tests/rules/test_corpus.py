"""C001-C003 over real files in tmp_path, through the linter's whole run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seedlint.config import ConfigError, load
from seedlint.findings import Finding
from seedlint.linter import FileResult
from seedlint.rules.corpus import normalise_link, seed_id
from tests.helpers import front_with_link, make_linter, where


def seed_text(link: str, comment: str = "") -> str:
    front = front_with_link(link).replace("source: null\n", f"source: null{comment}\n", 1)
    return f"{front}\n{link}\n## Summary\n\nA post.\n\n## Topics\n"


def run(root: Path, files: dict[str, str], **settings: Any) -> dict[str, list[Finding]]:
    """Write the files, lint them as one run; findings of the C rules by file name."""
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    results: list[FileResult] = make_linter(root=root, **settings).run(paths)
    return {
        Path(result.path).relative_to(root).as_posix(): [
            finding for finding in result.findings if finding.code.startswith("C")
        ]
        for result in results
    }


# -- normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "normal"),
    [
        ("HTTPS://Example.COM:443/post/#intro", "https://example.com/post"),
        ("https://example.com/post", "https://example.com/post"),
        ("http://example.com:80/", "http://example.com"),
        ("http://example.com:8080/a/", "http://example.com:8080/a"),
        ("https://example.com/Post?q=1#x", "https://example.com/Post?q=1"),
        ("http://[::1]:80/x", "http://[::1]/x"),
        ("https://example.com:notaport/", "https://example.com:notaport/"),
    ],
)
def test_normalise_link(link: str, normal: str) -> None:
    assert normalise_link(link) == normal


def test_seed_id() -> None:
    assert seed_id("seeds/000_7277590c367447cf.txt") == "7277590c367447cf"
    assert seed_id("042_7277590C367447CF.md") == "7277590c367447cf"
    assert seed_id("contents/Blog post/Thoughts.md") is None
    assert seed_id("000_7277590c367447c.txt") is None  # 15 hex digits


# -- C001 -------------------------------------------------------------------------------


def test_same_link_after_normalisation_is_reported_on_every_copy(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "a.md": seed_text("https://Example.com/post/"),
            "b.md": seed_text("https://example.com:443/post#part"),
            "c.md": seed_text("https://example.com/other"),
        },
    )
    (on_a,) = found["a.md"]
    (on_b,) = found["b.md"]
    assert found["c.md"] == []
    assert on_a.code == on_b.code == "C001"
    assert where(on_a) == (3, 7, 3, 32)
    assert where(on_b) == (3, 7, 3, 40)
    assert on_a.message == f"duplicate seed: the same link as {tmp_path / 'b.md'}"
    assert on_b.message == f"duplicate seed: the same link as {tmp_path / 'a.md'}"


def test_three_copies_name_the_two_others(tmp_path: Path) -> None:
    link = "https://example.com/post"
    found = run(tmp_path, {name: seed_text(link) for name in ("a.md", "b.md", "c.md")})
    (on_b,) = found["b.md"]
    assert on_b.message.endswith(f"{tmp_path / 'a.md'}, {tmp_path / 'c.md'}")


def test_different_query_or_path_case_is_not_a_duplicate(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "a.md": seed_text("https://example.com/post?id=1"),
            "b.md": seed_text("https://example.com/post?id=2"),
            "c.md": seed_text("https://example.com/Post?id=1"),
        },
    )
    assert found == {"a.md": [], "b.md": [], "c.md": []}


def test_duplicate_seed_respects_suppression_and_per_file_ignores(tmp_path: Path) -> None:
    link = "https://example.com/post"
    found = run(
        tmp_path,
        {
            "a.md": seed_text(link, "  # seedlint: ignore[C001]"),
            "b.md": seed_text(link),
            "sub/c.md": seed_text(link),
        },
        per_file_ignores={"sub/*": ["C001"]},
    )
    assert found["a.md"] == []
    assert found["sub/c.md"] == []
    assert [f.code for f in found["b.md"]] == ["C001"]


# -- C002 -------------------------------------------------------------------------------


def test_same_id_in_two_names(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "001_0123456789abcdef.txt": seed_text("https://example.com/1"),
            "sub/002_0123456789ABCDEF.txt": seed_text("https://example.com/2"),
            "003_fedcba9876543210.txt": seed_text("https://example.com/3"),
        },
    )
    (first,) = found["001_0123456789abcdef.txt"]
    (second,) = found["sub/002_0123456789ABCDEF.txt"]
    assert found["003_fedcba9876543210.txt"] == []
    assert first.code == second.code == "C002"
    assert where(first) == (1, 1, 1, 1)
    assert first.message == (
        f"duplicate seed id 0123456789abcdef: also used by "
        f"{tmp_path / 'sub' / '002_0123456789ABCDEF.txt'}"
    )


def test_names_without_an_id_are_ignored(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "Blog post/Title.md": seed_text("https://example.com/1"),
            "Repository/Title.md": seed_text("https://example.com/2"),
        },
    )
    assert found == {"Blog post/Title.md": [], "Repository/Title.md": []}


# -- C003 -------------------------------------------------------------------------------

EXPORT_PATTERN = r"[0-9]{3}_[0-9a-f]{16}\.txt"


def test_file_name_pattern_is_opt_in(tmp_path: Path) -> None:
    found = run(tmp_path, {"whatever name.md": seed_text("https://example.com/1")})
    assert found == {"whatever name.md": []}


def test_file_name_not_matching_the_pattern(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "000_7277590c367447cf.txt": seed_text("https://example.com/1"),
            "sub/note.txt": seed_text("https://example.com/2"),
            "000_7277590c367447cf.txt.bak.txt": seed_text("https://example.com/3"),
        },
        file_name_pattern=EXPORT_PATTERN,
    )
    assert found["000_7277590c367447cf.txt"] == []
    (finding,) = found["sub/note.txt"]
    assert finding.code == "C003"
    assert where(finding) == (1, 1, 1, 1)
    assert finding.message == (
        f"file name 'note.txt' does not match file-name-pattern {EXPORT_PATTERN!r}"
    )
    # The whole name must match, not a part of it.
    assert [f.code for f in found["000_7277590c367447cf.txt.bak.txt"]] == ["C003"]


def test_invalid_file_name_pattern_is_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "seedlint.toml"
    config.write_text("file-name-pattern = '(['\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="file-name-pattern"):
        load(config)
