"""T001's did-you-mean at scale: 10,000 broken topic references against 3,000 topic notes.

    python benchmarks/bench_suggestions.py                 # 3,000 notes, 10,000 refs
    python benchmarks/bench_suggestions.py --notes 3000 --refs 10000 --seeds 1000

Builds a vault in a temporary folder: topic notes `topics/<Category>/<Name>.md` named from
a vocabulary, and seeds whose `## Topics` hold broken references, every one distinct (no
look-up is answered from the per-key memo): a third the right name in another category, a
third one typo away from a note, a third names close to nothing (each of those scans every
note name). Prints the look-ups alone (`TopicIndex.lookup`, in this process: wall and CPU seconds,
CPU being what a shared machine does not inflate), and the whole
`seedlint check --select T001` in a child process, wall time.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seedlint.topics import TopicIndex  # noqa: E402 - after the path setup

CATEGORIES = ("Concept", "Library", "Tool", "Model", "Paper", "Person")
FRONT = """---
already_read: false
link: https://example.org/{index}
read_priority: 1
relevance: 0
source: null
type: Content
upload_date: '2024-02-22'
---

https://example.org/{index}
## Summary

A seed.

## Topics

"""


def _word(rng: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(rng.choice(letters) for _ in range(rng.randint(4, 11))).capitalize()


def _typo(rng: random.Random, name: str) -> str:
    position = rng.randrange(1, len(name))
    return name[:position] + name[position + 1 :]  # one letter dropped


def build(folder: Path, notes: int, refs: int, seeds: int, seed: int = 7) -> list[str]:
    """The vault; returns the broken keys, in the order the seeds hold them."""
    rng = random.Random(seed)
    vocabulary = [_word(rng) for _ in range(max(200, notes // 2))]
    names: set[str] = set()
    while len(names) < notes:
        names.add(" ".join(rng.sample(vocabulary, rng.randint(1, 3))))
    keys = sorted(f"{rng.choice(CATEGORIES)}/{name}" for name in names)
    for key in keys:
        path = folder / "topics" / f"{key}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("A topic.\n", encoding="utf-8")
    existing = set(keys)
    broken: list[str] = []
    seen: set[str] = set()
    while len(broken) < refs:
        kind = len(broken) % 3
        category, _, name = rng.choice(keys).partition("/")
        if kind == 0:
            key = f"{rng.choice([c for c in CATEGORIES if c != category])}/{name}"
        elif kind == 1:
            key = f"{category}/{_typo(rng, name)}"
        else:
            key = f"{rng.choice(CATEGORIES)}/{_word(rng)} {_word(rng)} {_word(rng)}"
        if key not in existing and key not in seen:
            seen.add(key)
            broken.append(key)
    contents = folder / "contents"
    contents.mkdir()
    per_seed = -(-refs // seeds)
    for index in range(seeds):
        chunk = broken[index * per_seed : (index + 1) * per_seed]
        body = "".join(f"![[topics/{key}]]\n\n" for key in chunk)
        (contents / f"seed_{index:05d}.md").write_text(
            FRONT.format(index=index) + body, encoding="utf-8"
        )
    return broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--refs", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, default=1000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        broken = build(folder, options.notes, options.refs, options.seeds)
        started = time.perf_counter()
        index = TopicIndex.scan(folder)
        scanned = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        found = [index.lookup(key) for key in broken]
        looked, looked_cpu = time.perf_counter() - started, time.process_time() - cpu
        renames = sum(1 for suggestions in found if len(suggestions.renames) == 1)
        near = sum(1 for suggestions in found if suggestions.near)
        print(f"{len(index.notes)} notes, {len(broken)} distinct broken references")
        print(f"index scan: {scanned:.2f} s; look-ups: {looked:.2f} s ({looked_cpu:.2f} s CPU)")
        print(f"  {renames} with one rename (a fix), {near} with near names only")
        for jobs in ("1", "0"):
            command = [sys.executable, "-m", "seedlint", "check", "--offline", "--no-cache"]
            command += ["--select", "T001", "--topics-root", str(folder), "--format", "concise"]
            command += ["--jobs", jobs, str(folder / "contents")]
            environment = {**os.environ, "PYTHONPATH": str(ROOT)}
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=environment)
            wall = time.perf_counter() - started
            reported = sum(1 for line in done.stdout.splitlines() if " T001 " in line)
            label = "one job" if jobs == "1" else "default jobs"
            print(f"seedlint check --select T001 ({label}): {wall:.2f} s, {reported} T001")


if __name__ == "__main__":
    main()
