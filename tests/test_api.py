"""seedlint.api: the library seam the language server is built on, on real files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from seedlint import api
from tests.helpers import FRONT, LINK, REAL_SEED, REAL_SEED_TOPICS, SHORT_BODY, write


def seed(link: str = LINK, body: str = SHORT_BODY) -> str:
    return FRONT.replace(f"link: {LINK}\n", f"link: {link}\n") + body.replace(LINK, link)


def vault(root: Path, *seeds: tuple[str, str]) -> Path:
    write(root / "seedlint.toml", 'topics-root = "."\n')
    for name in REAL_SEED_TOPICS:
        write(root / "topics" / "Concept" / f"{name}.md", "---\ntype: Concept\n---\n")
    for name, text in seeds:
        write(root / "contents" / name, text)
    return root


def test_load_config_finds_the_file_or_roots_the_defaults(tmp_path: Path) -> None:
    write(tmp_path / "v" / "seedlint.toml", 'ignore = ["W001"]\n')
    write(tmp_path / "v" / "contents" / "a.md", seed())
    found = api.load_config(tmp_path / "v" / "contents" / "a.md")
    assert found.source == tmp_path / "v" / "seedlint.toml"
    assert found.settings.ignore == ["W001"]
    assert api.load_config(tmp_path / "v" / "seedlint.toml").settings.ignore == ["W001"]
    bare = api.load_config(tmp_path)
    assert bare.source is None and bare.root == tmp_path.resolve()
    write(tmp_path / "bad" / "seedlint.toml", "select = [\n")
    with pytest.raises(api.ConfigError, match="invalid TOML"):
        api.load_config(tmp_path / "bad")


def test_check_text_and_fix_text(tmp_path: Path) -> None:
    config = api.load_config(vault(tmp_path))
    real = REAL_SEED.read_text(encoding="utf-8")
    assert api.check_text(real, "contents/real.txt", config=config) == []
    messy = real.replace("## Summary", "## Summary  ", 1)
    findings = api.check_text(messy, "contents/real.txt", config=config)
    assert [(f.code, f.line) for f in findings] == [
        ("W001", real[: real.index("## Summary")].count("\n") + 1)
    ]
    result = api.fix_text(messy, "contents/real.txt", config=config)
    assert result.text == real
    assert result.fixed == {"W001": 1} and result.remaining == []


def test_check_paths_is_a_whole_run(tmp_path: Path) -> None:
    root = vault(tmp_path, ("a.md", seed()), ("b.md", seed()), ("c.md", seed("https://c.org/")))
    report = api.check_paths([root / "contents"], cache=False)
    assert report.files == 3
    assert report.by_code == {"C001": 2}
    assert {Path(f.path).name for f in report.findings} == {"a.md", "b.md"}


def test_a_workspace_judges_a_text_against_disk_and_other_texts(tmp_path: Path) -> None:
    root = vault(tmp_path, ("a.md", seed()), ("b.md", seed("https://b.org/")))
    workspace = api.Workspace(api.load_config(root))
    assert workspace.scan() == 2
    a, b, c = (str(root / "contents" / name) for name in ("a.md", "b.md", "c.md"))
    # b's unsaved text takes a's link: both b (checked) and a (on disk) are duplicates.
    report = workspace.check_text(seed(), b)
    assert [f.code for f in report.findings] == ["C001"]
    assert a in report.findings[0].message
    version = workspace.version
    assert [f.code for f in workspace.check_text(Path(a).read_text(), a).findings] == ["C001"]
    # Typing in the body changes no summary: the vault's answer is not recomputed.
    workspace.check_text(seed().replace("Prose.", "More prose."), b)
    assert workspace.version == version
    assert workspace.close(b)  # b's file on disk counts again
    assert workspace.check_text(Path(a).read_text(), a).findings == []
    write(Path(c), seed())
    assert workspace.file_changed(c)
    assert [f.code for f in workspace.check_text(Path(a).read_text(), a).findings] == ["C001"]
    Path(c).unlink()
    assert workspace.file_removed(c)
    assert workspace.check_text(Path(a).read_text(), a).findings == []


def test_the_grouping_shortcut_answers_as_the_whole_vault_does(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    generate(tmp_path / "v", 300)
    workspace = api.Workspace(api.load_config(tmp_path / "v"))
    workspace.scan(cache=False)
    paths = workspace.seed_paths()
    whole = api.check_paths(paths, workspace.config, cache=False)
    expected = {f.path: f for f in whole.findings if f.code in ("C001", "C002", "C003")}
    assert expected, "the generated vault has duplicates"
    for path in {f.path for f in expected.values()}:
        text = Path(path).read_text(encoding="utf-8")
        found = [f for f in workspace.check_text(text, path).findings if f.code.startswith("C")]
        assert found == [f for f in whole.findings if f.path == path and f.code.startswith("C")]


def test_topics_references_links_and_edits(tmp_path: Path) -> None:
    root = vault(tmp_path)
    workspace = api.Workspace(api.load_config(root))
    text = seed(
        body=SHORT_BODY + "\n![](topics/Concept/Pre%20training)\n\n![[topics/Concept/Nope]]\n"
    )
    path = str(root / "contents" / "a.md")
    refs = workspace.references(text, path)
    note = root / "topics" / "Concept" / "Pre training.md"
    assert [(r.key, r.style, r.note) for r in refs] == [
        ("Concept/Pre training", "markdown", note),
        ("Concept/Nope", "wikilink", None),
    ]
    assert refs[0].line == text.split("\n").index("![](topics/Concept/Pre%20training)") + 1
    assert [link.url for link in workspace.links(text, path)] == [LINK, LINK]
    notes = workspace.topic_notes()
    assert notes.exists and "Concept/LLM Security" in notes.notes
    line = text.split("\n").index("Prose.") + 1
    edit = workspace.suppression_edit(text, path, "W001", line)
    assert edit == api.Edit(line, 7, line, 7, " <!-- seedlint-disable-line W001 -->")
    blanks = text.replace("Prose.", "Prose.  ")
    assert workspace.suppression_edit(blanks, path, "W001", line).column == 7
    merged = text.replace("Prose.", "Prose. <!-- seedlint-disable-line T001 -->")
    edit = workspace.suppression_edit(merged, path, "W001", line)
    assert edit.content == "<!-- seedlint-disable-line T001 W001 -->" and edit.column == 8
    front = workspace.suppression_edit(text, path, "F102", 3)
    assert front == api.Edit(2, 1, 2, 1, "# seedlint: ignore[F102]\n")


def test_fix_edits_keep_the_files_line_ending(tmp_path: Path) -> None:
    root = vault(tmp_path)
    workspace = api.Workspace(api.load_config(root))
    text = seed(body=SHORT_BODY.replace("## Summary\n\nProse.\n\n", "")).replace("\n", "\r\n")
    path = str(root / "contents" / "a.md")
    missing = next(f for f in workspace.check_text(text, path).findings if f.code == "S001")
    edits = workspace.fix_edits(missing, text)
    assert edits and all("\n" not in e.content.replace("\r\n", "") for e in edits)
    assert any("\r\n" in e.content for e in edits)
