"""Time the body parse (``_parse_body``) and ``LineIndex`` per seed, against the parser alone.

    python benchmarks/generate.py /tmp/pv10k 10000
    python benchmarks/bench_parse.py /tmp/pv10k
    # old against new in one process, so the noise of a shared machine hits both alike:
    git show <commit>:seedlint/document.py > /tmp/doc_old.py
    python benchmarks/bench_parse.py /tmp/pv10k --old /tmp/doc_old.py

Prints microseconds a seed, the best of several rounds over the whole corpus (noise only
ever adds time): "events" is pyromark producing the event stream (the floor ``_parse_body``
cannot go below), then each implementation's ``_parse_body`` and ``LineIndex``. Results
are dropped as they are made, as a lint does, so the garbage collector never walks a heap
of 10,000 trees (keeping them all would add a third to every figure).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pyromark

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seedlint import document  # noqa: E402 - after the path setup


def _load(path: str, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a folder of seeds (*.md under it, at any depth)")
    parser.add_argument("--old", help="another document.py to time alongside this one")
    parser.add_argument("--new", help="a document.py to time instead of seedlint's own")
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()

    seeds: list[tuple[str, int]] = []
    for path in sorted(Path(arguments.corpus).rglob("*.md")):
        text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
        seeds.append((text, document._split_front_matter(text)[2]))
    if not seeds:
        raise SystemExit(f"no *.md under {arguments.corpus}")
    count = len(seeds)
    non_ascii = sum(not text[start:].isascii() for text, start in seeds)
    size = sum(len(text) for text, _ in seeds) // count
    print(f"{count} seeds, {size} characters on average, {non_ascii} bodies not ASCII")

    options = document._PARSER_OPTIONS
    events_with_range = pyromark.events_with_range

    def events() -> None:
        for text, start in seeds:
            for _ in events_with_range(text[start:], options=options):
                pass

    modules = [("new", _load(arguments.new, "_bench_new_document") if arguments.new else document)]
    if arguments.old:
        modules.insert(0, ("old", _load(arguments.old, "_bench_old_document")))
    timed: dict[str, Callable[[], object]] = {"events": events}
    for label, module in modules:
        timed[f"{label} parse"] = _parse_all(module._parse_body, seeds)
        timed[f"{label} lines"] = _index_all(module.LineIndex, seeds)
    # Rounds interleave the implementations, so a busy spell on the machine hits all alike.
    best = dict.fromkeys(timed, float("inf"))
    for _ in range(arguments.rounds):
        for name, function in timed.items():
            best[name] = min(best[name], _timed(function) / count * 1e6)
    print(f"{'':8} {'events':>8} {'_parse_body':>12} {'LineIndex':>10}   (us a seed)")
    for label, _ in modules:
        parse, lines = best[f"{label} parse"], best[f"{label} lines"]
        print(f"{label:8} {best['events']:8.1f} {parse:12.1f} {lines:10.1f}")


def _parse_all(
    parse_body: Callable[[str, int], object], seeds: list[tuple[str, int]]
) -> Callable[[], None]:
    def run() -> None:
        for text, start in seeds:
            parse_body(text, start)

    return run


def _index_all(
    line_index: Callable[[str], object], seeds: list[tuple[str, int]]
) -> Callable[[], None]:
    def run() -> None:
        for text, _ in seeds:
            line_index(text)

    return run


if __name__ == "__main__":
    main()
