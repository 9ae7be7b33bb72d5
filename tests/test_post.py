"""`seedlint.check_post`: Posts built the way the vault's generator builds them
(python-frontmatter), checked as the file `frontmatter.dump` would write."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import frontmatter
import pytest

import seedlint

TOPICS = (("Concept", "Pre training"), ("Library", "LangChain"))


def _vault(root: Path) -> seedlint.Configuration:
    for category, name in TOPICS:
        note = root / "topics" / category / f"{name}.md"
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(f"---\ntype: {category}\n---\n", encoding="utf-8")
    (root / "seedlint.toml").write_text("", encoding="utf-8")
    return seedlint.load_config(root)


def generated(
    link: str = "https://example.com/post",
    kind: str = "Content",
    tags: tuple[str, ...] = ("Large Language Model", "NLP"),
    topics: tuple[tuple[str, str], ...] = TOPICS,
    **overrides: object,
) -> frontmatter.Post:
    """A Post as the generator makes one: metadata from a dict, tags with spaces replaced
    by `_`, the source URL, Summary, Links and Topics with `![](topics/...)` embeds."""
    metadata: dict[str, object] = {
        "already_read": False,
        "link": link,
        "read_priority": 1,
        "relevance": 0,
        "source": None,
        "type": kind,
        "upload_date": "2024-02-22",
    }
    if tags:
        metadata["tags"] = [tag.replace(" ", "_") for tag in tags]
    metadata.update(overrides)
    embeds = "\n\n".join(f"![](topics/{category}/{quote(name)})" for category, name in topics)
    content = (
        f"{link}\n## Summary\n\nWhat the post says.\n\n## Links\n\n"
        f"- [Related](https://example.com/related) : another post\n\n## Topics\n\n{embeds}"
    )
    return frontmatter.Post(content, **metadata)


def test_a_generated_post_is_clean(tmp_path: Path) -> None:
    config = _vault(tmp_path)
    assert seedlint.check_post(generated(), "contents/a.md", config) == []


@pytest.mark.parametrize(
    ("post", "code", "line"),
    [
        (generated(kind="Blogpost"), "F104", 10),
        (generated(read_priority="high"), "F103", 4),
        (generated(upload_date="22/02/2024"), "F201", 11),
        (generated(topics=(("Concept", "Pre-training"),)), "T001", 25),
        (generated(tags=("C++",)), "F202", 8),
    ],
)
def test_each_broken_post_gets_its_code_at_the_line_written(
    tmp_path: Path, post: frontmatter.Post, code: str, line: int
) -> None:
    config = _vault(tmp_path)
    findings = seedlint.check_post(post, "contents/a.md", config)
    assert [finding.code for finding in findings] == [code]
    assert findings[0].line == line
    # The position is in the text frontmatter.dump writes, line for line.
    written = frontmatter.dumps(post).splitlines()
    assert written[line - 1] == findings[0].source_line


def test_check_post_is_check_text_of_what_dump_writes(tmp_path: Path) -> None:
    config = _vault(tmp_path)
    post = generated(kind="paper")
    path = tmp_path / "written.md"
    frontmatter.dump(post, path)
    assert seedlint.check_post(post, "contents/a.md", config) == seedlint.check_text(
        path.read_text(encoding="utf-8"), "contents/a.md", config
    )
