"""What the run keeps of each seed for cross-file rules: enough for them, nothing more."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from seedlint.config import load
from seedlint.context import RunContext
from seedlint.linter import _LINKLESS, Linter, Selection
from seedlint.registry import load_rules
from seedlint.rule import CorpusRule
from tests.scale.conftest import Corpus


def _linter(root: Path, *, offline: bool) -> Linter:
    context = RunContext(load(root / "seedlint.toml"))
    selection = Selection.build(load_rules(), context, offline=offline)
    return Linter(selection, context)


def test_offline_summaries_skip_the_links_no_offline_rule_reads(corpus: Corpus) -> None:
    offline = _linter(corpus.root, offline=True)
    online = _linter(corpus.root, offline=False)
    with_links = [online.lint_path(str(path)).summary for path in corpus.seeds]
    without = [offline.lint_path(str(path)).summary for path in corpus.seeds]

    assert not offline.summary_links and online.summary_links
    assert all(summary is not None and summary.links for summary in with_links)
    assert all(summary is not None and not summary.links for summary in without)
    assert [dataclasses.replace(s, links=()) for s in with_links if s] == without
    for rule in offline.corpus_rules:
        assert isinstance(rule, CorpusRule) and rule.code in _LINKLESS
        seeds = [s for s in with_links if s]
        bare = [s for s in without if s]
        assert list(rule.check_corpus(seeds, offline.context)) == list(
            rule.check_corpus(bare, offline.context)
        ), rule.code
