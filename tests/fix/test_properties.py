"""Property tests: over generated seeds and damaged ones, `fix` is idempotent, leaves a
file with nothing to fix byte for byte, changes no byte outside its edits, and leaves no
finding of a code it fixed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from seedlint.document import decode
from seedlint.findings import TextEdit
from seedlint.fixer import Conventions, Fixer, FixOutcome, majority_newline
from tests.fix.conftest import make_vault
from tests.fix.seeds import Drawn, mutated, seeds
from tests.helpers import make_linter, real_seed_text

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Make = Callable[[bool], Fixer]


@pytest.fixture(scope="module")
def make_fixer(tmp_path_factory: pytest.TempPathFactory) -> Make:
    root = make_vault(tmp_path_factory.mktemp("properties"))
    fixers = {
        unsafe: Fixer(make_linter(root=root, topics_root=str(root)), unsafe=unsafe)
        for unsafe in (False, True)
    }
    return fixers.__getitem__


def _fix(fixer: Fixer, data: bytes) -> FixOutcome:
    return fixer.fix("seed.md", data)


def _check_outcome(fixer: Fixer, drawn: Drawn) -> None:
    outcome = _fix(fixer, drawn.data)
    text, has_bom = decode(drawn.data)

    # Nothing to fix (or every fix refused): the very same bytes.
    first = fixer.lint("seed.md", text, has_bom)
    if not any(fixer.applicable(finding) for finding in first.findings):
        assert not outcome.changed
    if not outcome.changed:
        assert outcome.data == drawn.data
        return

    # Idempotent: fixing the fixed file changes nothing.
    again = _fix(fixer, outcome.data)
    assert again.data == outcome.data

    # The file's conventions survive.
    assert outcome.data.startswith(b"\xef\xbb\xbf") == has_bom
    assert outcome.text.endswith(("\n", "\r")) == text.endswith(("\n", "\r"))
    if any(mark in text for mark in "\r\n"):
        assert majority_newline(outcome.text) == majority_newline(text)

    # Only the edits changed the text, and the first pass applied only the fixes offered.
    conventions = Conventions.of(text, has_bom)
    offered = {
        TextEdit(edit.start, edit.end, conventions.adapt(edit.content))
        for finding in first.findings
        if fixer.applicable(finding) and finding.fix is not None
        for edit in finding.fix.edits
    }
    assert set(outcome.passes[0].edits) <= offered
    for fix_pass in outcome.passes:
        _check_outside_edits(fix_pass.before, fix_pass.after, fix_pass.edits, conventions)

    # No finding of a fixed code is left that a fix could remove: those that remain (an
    # ambiguous date next to a fixed one, a tag no rewrite can make valid) never had one.
    left = fixer.lint("seed.md", outcome.text, has_bom).findings
    assert not [f for f in left if f.code in outcome.fixed and fixer.applicable(f)]
    assert not outcome.refused or all(code not in outcome.fixed for code in outcome.refused)


def _check_outside_edits(
    before: str, after: str, edits: tuple[TextEdit, ...], conventions: Conventions
) -> None:
    """Every character between the edits is in ``after``, where the edits put it."""
    shift = 0
    position = 0
    rebuilt = []
    for edit in edits:
        gap = before[position : edit.start]
        assert after[position + shift : position + shift + len(gap)] == gap
        rebuilt += [gap, edit.content]
        shift += len(edit.content) - (edit.end - edit.start)
        position = edit.end
    rebuilt.append(before[position:])
    assert after == conventions.restore("".join(rebuilt))
    tail = before[position:]
    # restore() may only touch the last line break.
    kept = tail.rstrip("\r\n") if after != "".join(rebuilt) else tail
    assert after[position + shift : position + shift + len(kept)] == kept


@PROPERTY
@given(drawn=seeds())
def test_safe_fixes_on_generated_seeds(make_fixer: Make, drawn: Drawn) -> None:
    _check_outcome(make_fixer(False), drawn)


@PROPERTY
@given(drawn=seeds())
def test_unsafe_fixes_on_generated_seeds(make_fixer: Make, drawn: Drawn) -> None:
    _check_outcome(make_fixer(True), drawn)


@PROPERTY
@given(drawn=mutated(real_seed_text()))
def test_fixes_on_damaged_real_seed(make_fixer: Make, drawn: Drawn) -> None:
    _check_outcome(make_fixer(True), drawn)


def test_real_seed_is_left_byte_for_byte(make_fixer: Make) -> None:
    data = Path(__file__).parents[2].joinpath("examples", "000_7277590c367447cf.txt").read_bytes()
    outcome = _fix(make_fixer(True), data)
    assert not outcome.changed and outcome.data == data and outcome.findings == []


#: From the hostile-input fuzz run: T002's rewrite in pass one turned two references into
#: duplicates of `topics/Conc` (a `#` part), next to T003's own deletion. Blaming T003 for
#: them refused its fix, and a second run then applied it: fix was not idempotent.
FUZZ_T003 = (
    b"## Topics\n![](topics/Concept/LLM%20Security)\n![](topics/Conc# Titept/LLM%20Alignment)\n"
    b"\n![](topics/Concept/LLM%20Security)\n\n![](topics/Conc# Titept/LLM%20Alignmen)\n[\n"
    b"!t](topics/Concept/TransflTiormtleer%\x08-e\x0820Alternatives-)"
)


def test_a_neighbouring_fix_is_not_blamed_on_another_code(make_fixer: Make) -> None:
    outcome = _fix(make_fixer(True), FUZZ_T003)
    assert outcome.refused == {}
    assert outcome.fixed["T003"] == 1
    _check_outcome(make_fixer(True), Drawn(FUZZ_T003.decode(), FUZZ_T003))
