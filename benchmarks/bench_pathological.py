"""Peak memory and wall time of `seedlint check` on one seed of pathological Markdown.

    python benchmarks/bench_pathological.py            # every shape, 9.9 MB each
    python benchmarks/bench_pathological.py quote dash --size 6000000

Each shape is the real example seed with its `## Summary` body replaced by the shape,
written to a temporary folder and checked by the real CLI in a child process
(`--offline --no-cache --format json`). The figure that matters is the memory the file
costs: the child's peak RSS minus the peak RSS of the same run on the plain example seed,
divided by the file's size (docs/robustness.md promises under 50 bytes a byte, or E001
"too complex"). Also printed: wall time and the codes reported for the file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "000_7277590c367447cf.txt"

#: name -> how to fill ``size`` bytes with it.
SHAPES: dict[str, Callable[[int], str]] = {
    "quote": lambda size: ">" * size + "\n",  # nested block quotes, one a byte
    "dash": lambda size: "- " * (size // 2) + "x\n",  # nested lists, one a two bytes
    "quote-lines": lambda size: ("> " * 50 + "x\n\n") * (size // 103),
    "items": lambda size: "- x\n" * (size // 4),  # a flat list of a million items
    "ordered": lambda size: "1. " * (size // 3) + "x\n",
    "brackets": lambda size: "[" * size + "\n",
    "angles": lambda size: "<" * size + "\n",
    "emphasis": lambda size: "*a " * (size // 3) + "\n",
    "links": lambda size: "[a](b) " * (size // 7) + "\n",
    # Just under the markup density bound: what a body may cost and still be parsed.
    "sparse-items": lambda size: "- abcd\n" * (size // 7),
    "sparse-links": lambda size: "[a](bcdefghijklmn)x" * (size // 19) + "\n",
    "sparse-emphasis": lambda size: "*abcdefghij*x" * (size // 13) + "\n",
    "prose": lambda size: ("Plain words of prose, nothing nested. " * 20 + "\n\n") * (size // 762),
}


def seed_with(body: str) -> bytes:
    text = EXAMPLE.read_text(encoding="utf-8")
    head, _, _ = text.partition("## Summary\n")
    return (head + "## Summary\n\n" + body + "\n## Topics\n").encode("utf-8")


def run(path: Path) -> tuple[float, float, list[str]]:
    """Wall seconds, peak RSS (MB) and the file's codes of one `check` in a child.

    Call it in a process that started no other child (see `_isolated`): the peak is
    RUSAGE_CHILDREN's, the largest of all children so far.
    """
    import resource

    command = [sys.executable, "-m", "seedlint", "check", "--offline", "--no-cache"]
    command += ["--format", "json", str(path)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=environment, check=False, text=True)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    codes = sorted({finding["code"] for finding in json.loads(done.stdout)["findings"]})
    return wall, peak, codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shapes", nargs="*", help=f"some of: {', '.join(SHAPES)}")
    parser.add_argument("--size", type=int, default=9_900_000, help="bytes of the shape")
    options = parser.parse_args()
    unknown = set(options.shapes) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shape(s): {', '.join(sorted(unknown))}")
    options.shapes = options.shapes or list(SHAPES)
    with tempfile.TemporaryDirectory() as folder:
        base_path = Path(folder) / "plain.md"
        base_path.write_bytes(seed_with("Prose."))
        _, base, _ = _isolated(base_path)
        print(f"baseline (the example seed): peak {base:.0f} MB")
        print(f"{'shape':12} {'size':>10} {'wall s':>7} {'peak MB':>8} {'B/B':>6}  codes")
        for name in options.shapes:
            path = Path(folder) / f"{name}.md"
            data = seed_with(SHAPES[name](options.size))
            path.write_bytes(data)
            wall, peak, codes = _isolated(path)
            per_byte = max(0.0, peak - base) * 2**20 / len(data)
            print(
                f"{name:12} {len(data):>10} {wall:>7.1f} {peak:>8.0f} {per_byte:>6.1f}  "
                + ",".join(codes),
                flush=True,
            )
            path.unlink()


def _isolated(path: Path) -> tuple[float, float, list[str]]:
    """`run` in a fresh grandchild, so that RUSAGE_CHILDREN is that run's alone."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from benchmarks.bench_pathological import run;"
        "print(json.dumps(run(__import__('pathlib').Path(sys.argv[2]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    wall, peak, codes = json.loads(out)
    return float(wall), float(peak), list(codes)


if __name__ == "__main__":
    main()
