"""A fix is written only when the fixed text verifies; otherwise the finding says why.

The rules here are deliberately broken plugins (a fix that breaks the YAML, one that does
not remove its finding, two that undo each other, one that makes another rule crash);
seedlint's own rules sit beside them, so the good fixes of the same file still apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seedlint.config import Configuration, Settings
from seedlint.context import RunContext
from seedlint.document import Document
from seedlint.findings import Fix, Problem, Severity, TextEdit
from seedlint.fixer import MAX_PASSES, Fixer
from seedlint.linter import Linter, Selection
from seedlint.registry import load_rules
from seedlint.rule import FunctionRule, rule
from tests.helpers import TODAY, real_seed_text


def _body_word(doc: Document, word: str) -> Iterator[int]:
    start = doc.text.find(word, doc.body_start)
    while start >= 0:
        yield start
        start = doc.text.find(word, start + len(word))


@rule("Z901", "breaks-yaml", "Offers a fix that breaks the front matter.", Severity.WARNING, "safe")
def breaks_yaml(doc: Document, context: RunContext) -> Iterator[Problem]:
    entry = doc.front_matter.entry("relevance") if doc.front_matter else None
    if entry is not None and entry.value == 0:
        span = entry.value_span
        fix = Fix("safe", "write [0", (TextEdit(span.start, span.end, "[0"),))
        yield Problem("Z901", span.start, span.end, "relevance is zero", fix)


@rule("Z902", "stubborn", "Its fix does not remove its finding.", Severity.WARNING, "safe")
def stubborn(doc: Document, context: RunContext) -> Iterator[Problem]:
    for start in _body_word(doc, "TODO"):
        fix = Fix("safe", "lower-case it", (TextEdit(start, start + 4, "todo"),))
        yield Problem("Z902", start, start + 4, "a TODO", fix)
    for start in _body_word(doc, "todo"):
        yield Problem("Z902", start, start + 4, "a todo")  # ...and no fix for this one


@rule("Z903", "ping-pong", "Two fixes that undo each other.", Severity.WARNING, "safe")
def ping_pong(doc: Document, context: RunContext) -> Iterator[Problem]:
    for word, other in (("ping", "pong"), ("pong", "ping")):
        for start in _body_word(doc, word):
            fix = Fix("safe", f"write {other}", (TextEdit(start, start + 4, other),))
            yield Problem("Z903", start, start + 4, word, fix)


@rule(
    "Z904", "adds-bomb", "Its fix writes a word another rule crashes on.", Severity.WARNING, "safe"
)
def adds_bomb(doc: Document, context: RunContext) -> Iterator[Problem]:
    for start in _body_word(doc, "fuse"):
        yield Problem(
            "Z904",
            start,
            start + 4,
            "fuse",
            Fix("safe", "x", (TextEdit(start, start + 4, "BOOM"),)),
        )


@rule("Z905", "crashes", "Crashes on BOOM.", Severity.WARNING)
def crashes(doc: Document, context: RunContext) -> Iterator[Problem]:
    if "BOOM" in doc.text:
        raise RuntimeError("boom")
    return iter(())


def _fixer(*extra: FunctionRule) -> Fixer:
    configuration = Configuration(Settings(), Path.cwd(), None)
    context = RunContext(configuration, today=TODAY)
    rules = {**load_rules(), **{extra_rule.code: extra_rule for extra_rule in extra}}
    selection = Selection.build(rules, context, offline=True, network=frozenset())
    return Fixer(Linter(selection, context))


def _with_trailing_space(text: str) -> str:
    return text.replace("## Summary\n", "## Summary  \n", 1)


def test_a_fix_that_breaks_the_yaml_is_not_written() -> None:
    text = _with_trailing_space(real_seed_text())
    outcome = _fixer(breaks_yaml).fix("seed.md", text.encode())
    # Nothing the broken pass touched is kept: W001 was fixed in the same pass.
    assert not outcome.changed and outcome.text == text
    assert set(outcome.refused) == {"Z901", "W001"}
    z901 = next(f for f in outcome.findings if f.code == "Z901")
    assert z901.fix is None
    assert "fix not applied: the fixed front matter would not parse" in z901.message


def test_a_fix_that_leaves_its_finding_is_refused_and_the_others_still_apply() -> None:
    text = _with_trailing_space(real_seed_text()).replace("The author,", "TODO The author,", 1)
    outcome = _fixer(stubborn).fix("seed.md", text.encode())
    assert outcome.changed
    assert outcome.text == real_seed_text().replace("The author,", "TODO The author,", 1)
    assert set(outcome.fixed) == {"W001"}
    assert list(outcome.refused) == ["Z902"]
    z902 = next(f for f in outcome.findings if f.code == "Z902")
    assert z902.message == "a TODO (fix not applied: the fixed text still raises Z902: a todo)"


def test_fixes_that_never_settle_are_refused_after_the_bound() -> None:
    text = real_seed_text().replace("The author,", "ping The author,", 1)
    outcome = _fixer(ping_pong).fix("seed.md", text.encode())
    assert not outcome.changed
    assert outcome.refused == {"Z903": f"the fixes did not settle after {MAX_PASSES} passes"}


def test_a_fix_after_which_a_rule_crashes_is_refused() -> None:
    text = real_seed_text().replace("The author,", "fuse The author,", 1)
    outcome = _fixer(adds_bomb, crashes).fix("seed.md", text.encode())
    assert not outcome.changed
    assert outcome.refused["Z904"].startswith("a rule failed on the fixed text: rule Z905")


@pytest.mark.parametrize("unsafe", [False, True])
def test_only_the_chosen_applicability_is_applied(unsafe: bool) -> None:
    text = real_seed_text().replace("type: Content", "type: content")
    fixer = _fixer()
    fixer.unsafe = unsafe
    outcome = fixer.fix("seed.md", text.encode())
    assert outcome.changed is unsafe
    assert ("type: Content" in outcome.text) is unsafe


@rule("Z906", "writes-draft", "Replaces DRAFT by WIP.", Severity.WARNING, "safe")
def writes_wip(doc: Document, context: RunContext) -> Iterator[Problem]:
    for start in _body_word(doc, "DRAFT"):
        yield Problem(
            "Z906",
            start,
            start + 5,
            "a DRAFT",
            Fix("safe", "x", (TextEdit(start, start + 5, "WIP"),)),
        )


def _no_wip(structural: bool) -> FunctionRule:
    @rule("Z907", "no-wip", "A WIP marker.", Severity.WARNING, structural=structural)
    def no_wip(doc: Document, context: RunContext) -> Iterator[Problem]:
        for start in _body_word(doc, "WIP"):
            yield Problem("Z907", start, start + 3, "a WIP")

    return no_wip


@pytest.mark.parametrize("structural", [False, True])
def test_a_rule_declared_structural_guards_every_fix(structural: bool) -> None:
    """The fixer's "this no longer reads as a valid seed" codes are what rules declare:
    a plugin rule marked structural refuses a fix that makes it speak, one not marked
    does not."""
    text = real_seed_text().replace("The author,", "DRAFT The author,", 1)
    outcome = _fixer(writes_wip, _no_wip(structural)).fix("seed.md", text.encode())
    assert outcome.changed is not structural
    if structural:
        assert outcome.refused == {"Z906": "the fixed text would raise Z907: a WIP"}
    else:
        assert "WIP The author," in outcome.text


def test_the_builtin_structural_codes_are_the_front_matter_and_unreadable_ones() -> None:
    from seedlint.registry import is_structural

    structural = sorted(code for code, rule in load_rules().items() if is_structural(rule))
    assert structural == [
        "E001",
        "F001",
        "F002",
        "F003",
        "F101",
        "F102",
        "F103",
        "F104",
        "F105",
        "F106",
    ]
