"""T001-T003 on real documents, with topic notes as real files under tmp_path."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from seedlint.document import parse
from seedlint.findings import Finding, TextEdit
from seedlint.topics import TopicIndex
from tests.helpers import (
    FRONT,
    LINK,
    REAL_SEED_TOPICS,
    lint_text,
    make_linter,
    real_seed_text,
    where,
)

HEAD = f"{FRONT}\n{LINK}\n## Summary\n\nA post.\n\n## Topics\n\n"
TOPICS_LINE = HEAD.count("\n") + 1  # the first line after "## Topics" and its blank line
NOTES = (
    "Concept/Pre training",
    "Concept/Instruction Tuning",
    "Concept/Régulation de l IA",
    "Library/Pandas",
)


def make_vault(root: Path, notes: tuple[str, ...] = NOTES) -> Path:
    for note in notes:
        path = root / "topics" / f"{note}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\ntype: Concept\n---\n\nA topic.\n", encoding="utf-8")
    return root


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path)


def seed(topics: str) -> str:
    return HEAD + topics


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [finding for finding in findings if finding.code == code]


def lint(text: str, vault: Path, **settings: Any) -> list[Finding]:
    return lint_text(text, topics_root=str(vault), **settings)


def apply(text: str, edits: tuple[TextEdit, ...]) -> str:
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text


# -- the real seed ----------------------------------------------------------------------


def test_real_seed_is_clean_with_its_topic_notes(tmp_path: Path) -> None:
    make_vault(tmp_path, tuple(f"Concept/{name}" for name in REAL_SEED_TOPICS))
    findings = lint_text(real_seed_text(), topics_root=str(tmp_path))
    assert only(findings, "T001") + only(findings, "T002") + only(findings, "T003") == []


def test_real_seed_without_topics_root_reports_nothing_and_notes_once(tmp_path: Path) -> None:
    linter = make_linter(root=tmp_path, topics_root=str(tmp_path))
    results = [
        linter.lint_document(parse(name, real_seed_text().encode("utf-8")))
        for name in ("a.txt", "b.txt")
    ]
    linter.finish(results)
    assert [f.code for result in results for f in result.findings if f.code[0] == "T"] == []
    assert len(linter.context.notes) == 1
    assert "no topics folder at" in linter.context.notes[0]
    assert str(tmp_path / "topics") in linter.context.notes[0]


def test_notes_without_any_reference_do_not_mention_topics(tmp_path: Path) -> None:
    linter = make_linter(root=tmp_path, topics_root=str(tmp_path))
    result = linter.lint_document(parse("a.md", seed("").encode("utf-8")))
    linter.finish([result])
    assert linter.context.notes == []


# -- T001 -------------------------------------------------------------------------------


def test_existing_notes_in_both_styles_are_not_broken(vault: Path) -> None:
    text = seed(
        "![](topics/Concept/Pre%20training)\n\n"
        "![[topics/Concept/Instruction Tuning]]\n\n"
        "![](topics/Concept/R%C3%A9gulation%20de%20l%20IA)\n\n"
        "![](topics/Library/Pandas.md)\n"
    )
    assert lint(text, vault) == []


def test_note_filed_under_another_category(vault: Path) -> None:
    text = seed("![](topics/Concept/Pre%20training)\n\n![](topics/Concept/Pandas)\n")
    (finding,) = only(lint(text, vault), "T001")
    line = TOPICS_LINE + 2
    assert where(finding) == (line, 1, line, 27)
    assert finding.message == (
        "topic note 'topics/Concept/Pandas.md' does not exist "
        "(did you mean 'topics/Library/Pandas'?)"
    )
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    fixed = apply(text, finding.fix.edits)
    assert fixed == seed("![](topics/Concept/Pre%20training)\n\n![](topics/Library/Pandas)\n")
    assert lint(fixed, vault) == []


def test_close_spelling_in_wikilink_style_is_fixed_in_that_style(vault: Path) -> None:
    text = seed("![[topics/Concept/Pre-training]]\n")
    (finding,) = only(lint(text, vault), "T001")
    assert where(finding) == (TOPICS_LINE, 1, TOPICS_LINE, 33)
    assert "did you mean 'topics/Concept/Pre training'?" in finding.message
    assert finding.fix is not None
    assert apply(text, finding.fix.edits) == seed("![[topics/Concept/Pre training]]\n")


def test_letter_case_slip_is_suggested(vault: Path) -> None:
    text = seed("![](topics/concept/pre%20training)")
    (finding,) = only(lint(text, vault), "T001")
    assert finding.fix is not None
    assert apply(text, finding.fix.edits) == seed("![](topics/Concept/Pre%20training)")


def test_two_candidates_give_no_fix(vault: Path) -> None:
    make_vault(vault, ("Tool/Pandas",))
    text = seed("![](topics/Concept/Pandas)\n")
    (finding,) = only(lint(text, vault), "T001")
    assert "'topics/Library/Pandas' or 'topics/Tool/Pandas'" in finding.message
    assert finding.fix is None


def test_nothing_close_gives_a_plain_message(vault: Path) -> None:
    text = seed("![](topics/Model/Zebra%20Crossing)\n")
    (finding,) = only(lint(text, vault), "T001")
    assert finding.message == "topic note 'topics/Model/Zebra Crossing.md' does not exist"
    assert finding.fix is None


def test_non_ascii_reference_finds_a_decomposed_file_name(tmp_path: Path) -> None:
    # macOS stores names decomposed (NFD); the reference is typed composed (NFC).
    make_vault(tmp_path, (unicodedata.normalize("NFD", "Concept/Café"),))
    for ref in ("![](topics/Concept/Caf%C3%A9)", "![[topics/Concept/Café]]"):
        assert only(lint(seed(ref), tmp_path), "T001") == []


def test_code_is_never_a_reference(vault: Path) -> None:
    text = seed(
        "`![](topics/Concept/Nope)`\n\n```\n![](topics/Concept/Nope)\n![](topics/a b)\n```\n"
    )
    assert [f for f in lint(text, vault) if f.code.startswith("T")] == []


def test_references_outside_topics_are_not_checked(vault: Path) -> None:
    text = HEAD.replace("A post.", "A post. ![](topics/Concept/Nope)")
    assert [f for f in lint(text, vault) if f.code.startswith("T")] == []


def test_topics_root_pointing_at_the_topics_folder_says_so(vault: Path) -> None:
    linter = make_linter(root=vault, topics_root=str(vault / "topics"))
    result = linter.lint_document(parse("a.md", seed("![](topics/Concept/X)").encode("utf-8")))
    linter.finish([result])
    assert [f.code for f in result.findings if f.code == "T001"] == []
    assert "not topics/ itself" in linter.context.notes[0]


def test_index_scan(vault: Path) -> None:
    (vault / "topics" / ".hidden").mkdir()
    (vault / "topics" / ".hidden" / "X.md").write_text("", encoding="utf-8")
    (vault / "topics" / "Concept" / "notes.txt").write_text("", encoding="utf-8")
    index = TopicIndex.scan(vault)
    assert index.exists
    assert index.notes == frozenset(NOTES)
    assert index.suggestions("Tool/pandas") == ("Library/Pandas",)
    assert not TopicIndex.scan(vault / "nowhere").exists


# -- T002 -------------------------------------------------------------------------------


def test_well_formed_references_are_not_malformed(vault: Path) -> None:
    text = seed("![](topics/Concept/Pre%20training)\n\n![[topics/Library/Pandas]]")
    assert only(lint(text, vault), "T002") == []


def test_unencoded_space_is_found_in_the_paragraph_text(vault: Path) -> None:
    text = seed("![](topics/Concept/Pre training)\n")
    (finding,) = only(lint(text, vault), "T002")
    assert where(finding) == (TOPICS_LINE, 1, TOPICS_LINE, 33)
    assert "unencoded space" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    fixed = apply(text, finding.fix.edits)
    assert fixed == seed("![](topics/Concept/Pre%20training)\n")
    assert lint(fixed, vault) == []


def test_unencoded_space_keeps_the_authors_other_encoding(vault: Path) -> None:
    text = seed("![](topics/Concept/R%C3%A9gulation de l IA)")
    (finding,) = only(lint(text, vault), "T002")
    assert finding.fix is not None
    fixed = apply(text, finding.fix.edits)
    assert fixed == seed("![](topics/Concept/R%C3%A9gulation%20de%20l%20IA)")


def test_angle_bracket_destination_with_spaces(vault: Path) -> None:
    text = seed("![](<topics/Concept/Pre training>)")
    (finding,) = only(lint(text, vault), "T002")
    assert finding.fix is not None
    assert apply(text, finding.fix.edits) == seed("![](topics/Concept/Pre%20training)")


def test_link_instead_of_embed(vault: Path) -> None:
    text = seed("[Pandas](topics/Library/Pandas)\n\n[[topics/Concept/Pre training]]\n")
    first, second = only(lint(text, vault), "T002")
    assert where(first) == (TOPICS_LINE, 1, TOPICS_LINE, 32)
    assert "missing '!'" in first.message
    assert first.fix is not None and second.fix is not None
    assert first.fix.edits == (TextEdit(len(HEAD), len(HEAD), "!"),)
    fixed = apply(apply(text, second.fix.edits), first.fix.edits)
    assert fixed == seed("![Pandas](topics/Library/Pandas)\n\n![[topics/Concept/Pre training]]\n")
    assert lint(fixed, vault) == []


@pytest.mark.parametrize(
    ("written", "repaired"),
    [
        ("![](/topics/Library/Pandas)", "![](topics/Library/Pandas)"),
        ("![](../../topics/Library/Pandas)", "![](topics/Library/Pandas)"),
        ("![](Library/Pandas)", "![](topics/Library/Pandas)"),
        ("![[Pandas]]", "![[topics/Library/Pandas]]"),
    ],
)
def test_wrong_prefix_repaired_when_one_note_is_meant(
    vault: Path, written: str, repaired: str
) -> None:
    text = seed(written)
    (finding,) = only(lint(text, vault), "T002")
    assert "is not under 'topics/'" in finding.message
    assert where(finding) == (TOPICS_LINE, 1, TOPICS_LINE, len(written) + 1)
    assert finding.fix is not None
    assert apply(text, finding.fix.edits) == seed(repaired)


def test_wrong_prefix_without_a_meaning_has_no_fix(vault: Path) -> None:
    text = seed("![](https://example.com/pic.png)\n\n![](Concept/Nothing)")
    findings = only(lint(text, vault), "T002")
    assert [f.line for f in findings] == [TOPICS_LINE, TOPICS_LINE + 2]
    assert all(f.fix is None for f in findings)


def test_two_references_on_one_line_are_split(vault: Path) -> None:
    text = seed("![](topics/Library/Pandas) ![[topics/Concept/Pre training]]\n")
    (finding,) = only(lint(text, vault), "T002")
    assert where(finding) == (TOPICS_LINE, 28, TOPICS_LINE, 60)
    assert "shares its paragraph" in finding.message
    assert finding.fix is not None
    fixed = apply(text, finding.fix.edits)
    assert fixed == seed("![](topics/Library/Pandas)\n\n![[topics/Concept/Pre training]]\n")
    assert lint(fixed, vault) == []


def test_references_on_consecutive_lines_get_a_blank_line_crlf(vault: Path) -> None:
    text = seed("![](topics/Library/Pandas)\n![](topics/Concept/Pre%20training)").replace(
        "\n", "\r\n"
    )
    (finding,) = only(lint(text, vault), "T002")
    assert finding.line == TOPICS_LINE + 1
    assert finding.fix is not None
    fixed = apply(text, finding.fix.edits)
    assert fixed.endswith("![](topics/Library/Pandas)\r\n\r\n![](topics/Concept/Pre%20training)")


def test_reference_inside_text_or_list_has_no_fix(vault: Path) -> None:
    text = seed("See ![](topics/Library/Pandas) too.\n\n- ![](topics/Concept/Pre%20training)\n")
    first, second = only(lint(text, vault), "T002")
    assert (first.line, first.column) == (TOPICS_LINE, 5)
    assert "not alone on its line" in first.message and first.fix is None
    assert (second.line, second.column) == (TOPICS_LINE + 2, 3)
    assert "inside a list" in second.message and second.fix is None


def test_suppression_comment_does_not_crowd_a_reference(vault: Path) -> None:
    text = seed("![](topics/Concept/Nope) <!-- seedlint-disable-line T001 -->\n")
    assert lint(text, vault) == []


def test_pinned_markdown_style_converts_wikilinks(vault: Path) -> None:
    text = seed("![[topics/Concept/Régulation de l IA]]\n\n![](topics/Library/Pandas)")
    (finding,) = only(lint(text, vault, topic_ref_style="markdown"), "T002")
    assert where(finding) == (TOPICS_LINE, 1, TOPICS_LINE, 39)
    assert "topic-ref-style is 'markdown'" in finding.message
    assert finding.fix is not None
    fixed = apply(text, finding.fix.edits)
    assert fixed == seed(
        "![](topics/Concept/R%C3%A9gulation%20de%20l%20IA)\n\n![](topics/Library/Pandas)"
    )
    assert lint(fixed, vault, topic_ref_style="markdown") == []


def test_pinned_wikilink_style_converts_markdown_embeds(vault: Path) -> None:
    text = seed("![](topics/Concept/R%C3%A9gulation%20de%20l%20IA)\n\n![[topics/Library/Pandas]]")
    (finding,) = only(lint(text, vault, topic_ref_style="wikilink"), "T002")
    assert finding.line == TOPICS_LINE
    assert finding.fix is not None
    fixed = apply(text, finding.fix.edits)
    assert fixed == seed("![[topics/Concept/Régulation de l IA]]\n\n![[topics/Library/Pandas]]")
    assert lint(fixed, vault, topic_ref_style="wikilink") == []


def test_wikilink_conversion_refused_when_the_path_cannot_be_a_wikilink(vault: Path) -> None:
    text = seed("![](topics/Concept/C%23%20tips)")
    (finding,) = only(lint(text, vault, topic_ref_style="wikilink"), "T002")
    assert finding.fix is None


def test_invalid_percent_encoding(vault: Path) -> None:
    text = seed("![](topics/Concept/%FF)")
    (finding,) = only(lint(text, vault), "T002")
    assert "not percent-encoded UTF-8" in finding.message
    assert finding.fix is None


# -- T003 -------------------------------------------------------------------------------


def test_distinct_topics_are_not_duplicates(vault: Path) -> None:
    text = seed("![](topics/Library/Pandas)\n\n![](topics/Concept/Pre%20training)\n")
    assert only(lint(text, vault), "T003") == []


def test_same_note_in_both_styles_is_a_duplicate(vault: Path) -> None:
    text = seed(
        "![](topics/Concept/Pre%20training)\n\n"
        "![[topics/Concept/Pre training]]\n\n"
        "![](topics/Library/Pandas)\n"
    )
    (finding,) = only(lint(text, vault), "T003")
    assert where(finding) == (TOPICS_LINE + 2, 1, TOPICS_LINE + 2, 33)
    assert finding.message == (
        f"topic 'topics/Concept/Pre training' is already referenced on line {TOPICS_LINE}"
    )
    assert finding.fix is not None and finding.fix.applicability == "safe"
    fixed = apply(text, finding.fix.edits)
    assert fixed == seed("![](topics/Concept/Pre%20training)\n\n![](topics/Library/Pandas)\n")
    assert lint(fixed, vault) == []


@pytest.mark.parametrize("ending", ["", "\n"])
def test_duplicate_at_the_end_keeps_the_final_newline_state(vault: Path, ending: str) -> None:
    text = seed("![](topics/Library/Pandas)\n\n![](topics/Library/Pandas)" + ending)
    (finding,) = only(lint(text, vault), "T003")
    assert finding.line == TOPICS_LINE + 2
    assert finding.fix is not None
    assert apply(text, finding.fix.edits) == seed("![](topics/Library/Pandas)" + ending)


def test_duplicate_sharing_a_paragraph_is_reported_without_deleting_lines(vault: Path) -> None:
    text = seed("![](topics/Library/Pandas) ![](topics/Library/Pandas)\n")
    (finding,) = only(lint(text, vault), "T003")
    assert (finding.line, finding.column) == (TOPICS_LINE, 28)
    assert finding.fix is None


def test_heading_part_is_not_part_of_the_note_name(vault: Path) -> None:
    text = seed("![[topics/Concept/Pre training#Data mix|pre]]\n\n![](topics/Library/Pandas#io)")
    assert lint(text, vault) == []
    (finding,) = only(lint(text, vault, topic_ref_style="markdown"), "T002")
    assert finding.fix is not None
    fixed = apply(text, finding.fix.edits)
    assert fixed == seed(
        "![pre](topics/Concept/Pre%20training#Data%20mix)\n\n![](topics/Library/Pandas#io)"
    )
    assert lint(fixed, vault, topic_ref_style="markdown") == []


def test_folder_instead_of_a_note(vault: Path) -> None:
    text = seed("![](topics/Concept/)")
    findings = lint(text, vault)
    assert [f.code for f in findings] == ["T002"]
    assert "names a folder, not a note" in findings[0].message
    assert findings[0].fix is None


# -- which renames T001 offers as a fix (through the real CLI, on real files) -----------

RENAME_NOTES = (
    "Concept/Agentic RAG",
    "Library/LangChain",
    "Concept/Transformer Architecture",
    "Concept/Model Merging",
    "Concept/Régularisation",
    "Concept/Pre-training",
)


def _fix_unsafe(vault: Path, references: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """`seedlint fix --unsafe-fixes` on a seed holding ``references``; the seed after it."""
    from seedlint.cli import main

    make_vault(vault, RENAME_NOTES)
    path = vault / "seed.md"
    path.write_text(seed("\n\n".join(references) + "\n"), encoding="utf-8")
    capsys.readouterr()
    options = ["--unsafe-fixes", "--offline", "--no-cache", "--topics-root", str(vault)]
    main(["fix", *options, "--select", "T", str(path)])
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Concept/LangChain", "Library/LangChain"),  # category folder
        ("Library/langchain", "Library/LangChain"),  # letter case
        ("Library/Lang Chain", "Library/LangChain"),  # spacing
        ("Concept/Pre training", "Concept/Pre-training"),  # punctuation
        ("Concept/Regularisation", "Concept/Régularisation"),  # accents
        ("Concept/Transformer Architecure", "Concept/Transformer Architecture"),  # typo
        ("Concept/Transfromer Architecture", "Concept/Transformer Architecture"),  # swap
    ],
)
def test_a_name_written_differently_is_renamed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, meant: str
) -> None:
    encoded = written.replace(" ", "%20")
    fixed = _fix_unsafe(tmp_path, [f"![](topics/{encoded})"], capsys)
    assert fixed == seed(f"![](topics/{quote(meant)})\n")  # percent-encoded, as T002 wants


@pytest.mark.parametrize(
    ("written", "near"),
    [
        ("Concept/Agentic AI", "Concept/Agentic RAG"),  # another topic: issue 12, point 8
        ("Concept/Modal Merging", "Concept/Model Merging"),  # a typo in a short word
        ("Concept/Transformer Archi", "Concept/Transformer Architecture"),  # a cut word
    ],
)
def test_a_merely_similar_name_is_suggested_never_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, near: str
) -> None:
    reference = f"![](topics/{written.replace(' ', '%20')})"
    fixed = _fix_unsafe(tmp_path, [reference], capsys)
    assert fixed == seed(reference + "\n")  # the bytes on disk are untouched
    out = capsys.readouterr().out
    assert f"T001 topic note 'topics/{written}.md' does not exist" in out
    assert f"(did you mean 'topics/{near}'?)" in out


def test_two_safe_renames_are_no_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_vault(tmp_path, ("Tool/LangChain",))
    reference = "![](topics/Concept/LangChain)"
    assert _fix_unsafe(tmp_path, [reference], capsys) == seed(reference + "\n")
    assert "'topics/Library/LangChain' or 'topics/Tool/LangChain'" in capsys.readouterr().out
