"""Where one seed's cold lint goes: CPU microseconds a seed, part by part.

    python benchmarks/generate.py /tmp/v10k 10000
    python benchmarks/profile_seed.py /tmp/v10k            # 3,000 seeds, best of 3 rounds

Each part is timed on its own over the same seeds with ``time.process_time`` (the best
of several rounds: noise on a shared machine only ever adds time), in the order a lint
runs them: reading the file, the front matter, the Markdown tree, the line index, every
rule (grouped by family, each family timed after the shared per-document work it needs
has been done once, so a family is not charged for another's memo), the bookkeeping of
``lint_document`` and the cache entry. A whole ``lint_path`` is timed first, and costs
more than the sum of its parts (about 1.2x here): each part timed in a loop of its own
keeps its code and data in the processor's caches, which a real lint, going through
the parsers and thirty rules for every seed, does not.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyromark

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from seedlint import _yaml_reader, document  # noqa: E402 - after the path setup
from seedlint.cache import Entry, Recorder  # noqa: E402
from seedlint.commands.check import prepare  # noqa: E402
from seedlint.commands.options import LintOptions  # noqa: E402


def best(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path, help="a vault written by generate.py")
    parser.add_argument("--seeds", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    os.chdir(args.vault)
    run = prepare(LintOptions(paths=["."], offline=True, no_cache=True))
    linter = run.linter
    paths = sorted(run.paths)[: args.seeds]
    count = len(paths)
    figures: dict[str, float] = {}

    def timed(label: str, work: Callable[[], object]) -> None:
        figures[label] = best(args.rounds, work) / count * 1e6

    def lint_paths() -> None:
        for path in paths:
            linter.lint_path(path)  # each result dropped, as the pool workers drop theirs

    # First, while the heap is small: the parts below keep thousands of texts and trees
    # alive, and a lint_path timed beside them pays for the collector walking them.
    timed("whole lint_path (timed first)", lint_paths)
    texts = [document.decode(linter.read(path))[0] for path in paths]
    splits = [document._split_front_matter(text) for text in texts]
    timed("read the file (open, fstat, read)", lambda: [linter.read(path) for path in paths])
    timed("decode UTF-8", lambda: [document.decode(linter.read(path)) for path in paths])
    figures["decode UTF-8"] -= figures["read the file (open, fstat, read)"]

    def front_matter() -> None:
        for text in texts:
            document._split_front_matter(text)

    def libyaml_only() -> None:
        for text, (front, _, _) in zip(texts, splits, strict=True):
            if front is not None:
                with contextlib.suppress(yaml.YAMLError):  # the defective seeds: F002
                    _yaml_reader._compose(text[front.content_start : front.content_end])

    timed("front matter: fences and YAML read", front_matter)
    timed("  of which libyaml composing the nodes", libyaml_only)

    def events_only() -> None:
        for text, (_, _, body_start) in zip(texts, splits, strict=True):
            for _ in pyromark.events_with_range(
                text[body_start:], options=pyromark.Options.ENABLE_WIKILINKS
            ):
                pass

    def tree() -> None:
        for text, (_, _, body_start) in zip(texts, splits, strict=True):
            document._parse_body(text, body_start)

    timed("Markdown tree", tree)
    timed("  of which pyromark's events", events_only)
    timed("line index", lambda: [document.LineIndex(text) for text in texts])

    documents = [document.parse(path, linter.read(path)) for path in paths]
    context = linter.context
    families: dict[str, list[Any]] = defaultdict(list)
    for rule in linter.file_rules:
        families[rule.code[0]].append(rule)
    # The per-document memos (sections, schema validation, topic references) are built
    # once here, so that no family is charged for another's.
    for doc in documents:
        for rule in linter.file_rules:
            list(rule.check(doc, context))
    names = {"F": "F rules", "S": "S rules", "L": "L rules", "T": "T rules", "W": "W rules"}
    for letter, rules in sorted(families.items()):

        def family(rules: list[Any] = rules) -> None:
            for doc in documents:
                for rule in rules:
                    list(rule.check(doc, context))

        timed(f"rules: {names.get(letter, letter)} ({len(rules)})", family)
    shared = {
        "  shared: doc.sections": lambda doc: document._sections(doc.blocks),
        "  shared: front matter validation (pydantic)": lambda doc: context.schema_errors(doc),
    }
    for label, work in shared.items():
        # schema_errors remembers the last document: alternate two to defeat the memo.
        timed(label, lambda work=work: [(work(doc), work(documents[0])) for doc in documents])
        figures[label] /= 2
    timed(
        "lint_document (all rules and bookkeeping)",
        lambda: [linter.lint_document(doc) for doc in documents],
    )
    rules_total = sum(value for key, value in figures.items() if key.startswith("rules:"))
    figures["  bookkeeping: findings, suppressions, summary"] = (
        figures["lint_document (all rules and bookkeeping)"] - rules_total
    )
    recorder = Recorder(context)
    results = []
    for path in paths:
        with recorder.file() as dependencies:
            result = linter.lint_path(path)
        result.document = None
        results.append((result, dependencies))
    timed("cache entry (encoding a result)", lambda: [Entry.of(r, d) for r, d in results])
    documents.clear()

    width = max(len(label) for label in figures)
    print(f"{count} seeds from {args.vault}, CPU microseconds a seed, best of {args.rounds}")
    for label, value in figures.items():
        print(f"{label:<{width}}  {value:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
