"""Time the front matter reader per seed: the current one against an older version.

    python benchmarks/bench_front_matter.py CORPUS [--against REV] [--repeats N]

CORPUS is a folder of seeds (``python benchmarks/generate.py /tmp/corpus 10000`` makes
one); every ``*.md`` under it is read once, then both readers run over all of them in the
same process, alternately, several times. The figures are per-seed microseconds: the best
round (the machine is shared, the best is the least disturbed) and the median.

``--against REV`` loads the reader as it was at that git revision (default: ``HEAD``;
``seedlint/_yaml_reader.py``, or ``seedlint/_yaml.py`` before the reader moved there) and
times ``load_front_matter`` of both versions, and
``document._split_front_matter`` (the fences plus the reader) with each reader plugged in.
This prints figures; it is not a test, and asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from seedlint import _yaml_reader, document

REPOSITORY = Path(__file__).resolve().parent.parent
# document.py calls the reader through its module global: the benchmark swaps that.
GLOBALS = vars(document)


def load_revision(revision: str) -> ModuleType:
    for name in ("_yaml_reader.py", "_yaml.py"):  # the reader moved out of _yaml.py
        shown = subprocess.run(
            ["git", "show", f"{revision}:seedlint/{name}"],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
        )
        if shown.returncode == 0:
            break
    shown.check_returncode()
    source = shown.stdout
    folder = Path(tempfile.mkdtemp(prefix="seedlint-bench-"))
    path = folder / "yaml_at_revision.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("yaml_at_revision", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


def front_matters(texts: list[str]) -> list[tuple[str, int]]:
    """The (YAML text, offset) pairs the reader is given for these seeds."""
    found: list[tuple[str, int]] = []
    saved = GLOBALS["load_front_matter"]

    def record(text: str, offset: int) -> Any:
        found.append((text, offset))
        return saved(text, offset)

    GLOBALS["load_front_matter"] = record
    try:
        for text in texts:
            document._split_front_matter(text)
    finally:
        GLOBALS["load_front_matter"] = saved
    return found


def split_with(module: ModuleType, texts: list[str]) -> Callable[[], None]:
    def run() -> None:
        saved = GLOBALS["load_front_matter"]
        GLOBALS["load_front_matter"] = module.load_front_matter
        try:
            split = document._split_front_matter
            for text in texts:
                split(text)
        finally:
            GLOBALS["load_front_matter"] = saved

    return run


def load_with(module: ModuleType, pairs: list[tuple[str, int]]) -> Callable[[], None]:
    def run() -> None:
        load = module.load_front_matter
        for text, offset in pairs:
            load(text, offset)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--against", default="HEAD", help="git revision of the old reader")
    parser.add_argument("--repeats", type=int, default=7)
    options = parser.parse_args()
    texts = [path.read_text(encoding="utf-8") for path in sorted(options.corpus.rglob("*.md"))]
    if not texts:
        sys.exit(f"no *.md under {options.corpus}")
    pairs = front_matters(texts)
    old = load_revision(options.against)
    cases = {
        f"load_front_matter ({options.against})": load_with(old, pairs),
        "load_front_matter (now)": load_with(_yaml_reader, pairs),
        f"split + load ({options.against})": split_with(old, texts),
        "split + load (now)": split_with(_yaml_reader, texts),
    }
    rounds: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(options.repeats):
        for name, case in cases.items():  # alternately: a noisy moment hits both
            start = time.perf_counter()
            case()
            rounds[name].append((time.perf_counter() - start) / len(texts) * 1e6)
    print(f"{len(texts)} seeds, {len(pairs)} front matters, {options.repeats} rounds")
    print(f"{'':34} {'best us/seed':>13} {'median':>8}")
    for name, times in rounds.items():
        print(f"{name:34} {min(times):13.1f} {statistics.median(times):8.1f}")


if __name__ == "__main__":
    main()
