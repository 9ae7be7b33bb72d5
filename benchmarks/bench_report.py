"""Time `seedlint report` against `seedlint check` on the same generated vault.

The target (issue 16): a report of 10,000 seeds in under twice the time of `check` on
the same vault. Every figure is a fresh process, as a user starts it, with `--offline`;
check and report runs are interleaved so that their ratio holds on a busy machine.
"cold": `.seedlint_cache/` and the report's chart memo deleted before the run; "warm": the
cache holds every file's results and facts, and the memo the page's charts (a report ran
before); "one changed": warm, then one seed's relevance edited, so that file is linted
again and the page's relevance chart is drawn again (matplotlib loaded). The page's size
is printed too.

With `--libraries`, the chart libraries weighed for the page are timed instead: a fresh
process importing each and drawing its first bar chart of 20 bars as SVG (CPU time of
the process, all its threads: steadier than wall time on a shared machine), and the
SVG's size (those not installed are skipped).

    python benchmarks/bench_report.py                      # 10k, 3 runs each
    python benchmarks/bench_report.py --sizes 1000,10000 --repeat 5
    python benchmarks/bench_report.py --libraries
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import ENVIRONMENT, Measure, clear_cache, run, seedlint_command, vault

SCENARIOS = ("check", "report html", "report json")

_MATPLOTLIB = """
import io, time
start = time.process_time()
import matplotlib
from matplotlib.figure import Figure
imported = time.process_time()
with matplotlib.rc_context({"svg.fonttype": "none"}):
    figure = Figure(figsize=(6.4, 5), layout="constrained")
    figure.add_subplot().barh([f"R{i:03d}" for i in range(20)], range(20))
    out = io.StringIO()
    figure.savefig(out, format="svg")
print(imported - start, time.process_time() - imported, len(out.getvalue()))
"""
_VL_CONVERT = """
import time
start = time.process_time()
import vl_convert
imported = time.process_time()
spec = {
    "data": {"values": [{"a": f"R{i:03d}", "b": i} for i in range(20)]},
    "mark": "bar",
    "encoding": {
        "y": {"field": "a", "type": "nominal"},
        "x": {"field": "b", "type": "quantitative"},
    },
}
svg = vl_convert.vegalite_to_svg(spec)
print(imported - start, time.process_time() - imported, len(svg))
"""
_PYGAL = """
import time
start = time.process_time()
import pygal
imported = time.process_time()
chart = pygal.HorizontalBar(js=[])
for i in range(20):
    chart.add(f"R{i:03d}", [i])
svg = chart.render(is_unicode=True)
print(imported - start, time.process_time() - imported, len(svg))
"""
LIBRARIES = {"matplotlib (SVG backend)": _MATPLOTLIB, "vl-convert": _VL_CONVERT, "pygal": _PYGAL}


def _commands(root: Path, page: Path) -> dict[str, list[str]]:
    seedlint = seedlint_command()
    return {
        "check": [*seedlint, "check", "--offline", "--format", "json", str(root)],
        "report html": [*seedlint, "report", "--offline", "-o", str(page), str(root)],
        "report json": [*seedlint, "report", "--offline", "--format", "json", str(root)],
    }


def _median(measures: list[Measure]) -> tuple[float, float]:
    return (
        statistics.median(m.wall for m in measures),
        statistics.median(m.cpu for m in measures),
    )


class _Edits:
    """One seed edited before each run of the "one changed" state: its relevance takes a
    value no run gave it before, so the report's relevance chart is one it never drew
    (matplotlib is loaded for it); the other charts stay as they were."""

    def __init__(self, root: Path) -> None:
        folder = root / "contents" / "Blog post"
        self.seed = next(
            path for path in sorted(folder.glob("*.md")) if b"\nrelevance: " in path.read_bytes()
        )
        self.original = self.seed.read_bytes()
        self.count = 0

    def next(self) -> None:
        self.count += 1
        text = self.original.decode("utf-8")
        value = f"relevance: {100 + self.count}"
        self.seed.write_bytes(re.sub(r"(?m)^relevance: .*$", value, text, count=1).encode())

    def restore(self) -> None:
        self.seed.write_bytes(self.original)


STATES = ("cold", "warm", "one changed")


def bench_sizes(work: Path, sizes: list[int], repeat: int, states: Sequence[str] = STATES) -> None:
    """Every state's commands interleaved, run after run. The report keeps its charts in
    a folder of its own here (`SEEDLINT_CHART_CACHE`), emptied with the result cache for
    the cold runs."""
    memo = work / "chart-memo"
    ENVIRONMENT["SEEDLINT_CHART_CACHE"] = str(memo)
    print(
        "| files | cache | command | wall, median (s) | CPU (s) | wall / check's | CPU / check's |"
    )
    print("|---:|---|---|---:|---:|---:|---:|")
    for size in sizes:
        root = vault(work, size)
        page = work / f"report-{size}.html"
        commands = _commands(root, page)
        edits = _Edits(root)
        try:
            for state in states:
                measured: dict[str, list[Measure]] = {name: [] for name in SCENARIOS}
                for _ in range(repeat):
                    for name in SCENARIOS:  # interleaved: the machine's load hits all alike
                        if state == "cold":
                            clear_cache(root)
                            shutil.rmtree(memo, ignore_errors=True)
                        else:
                            # The cache holds every file's results (and a page's charts).
                            run(commands["report html"], root)
                            if state == "one changed":
                                edits.next()
                        measured[name].append(run(commands[name], root))
                check_wall, check_cpu = _median(measured["check"])
                for name in SCENARIOS:
                    wall, cpu = _median(measured[name])
                    print(
                        f"| {size:,} | {state} | {name} | {wall:.2f} | {cpu:.2f} "
                        f"| {wall / check_wall:.2f} | {cpu / check_cpu:.2f} |"
                    )
        finally:
            edits.restore()
        print(f"\npage of {size:,} seeds: {page.stat().st_size / 1e6:.2f} MB\n")


def bench_libraries(repeat: int) -> None:
    print("| library | import, CPU (s) | first chart, CPU (s) | SVG (KB) |")
    print("|---|---:|---:|---:|")
    for name, script in LIBRARIES.items():
        rows = []
        for _ in range(repeat):
            done = subprocess.run(
                [sys.executable, "-c", script], capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                break
            rows.append([float(value) for value in done.stdout.split()])
        if not rows:
            print(f"| {name} | not installed | | |")
            continue
        imported = statistics.median(row[0] for row in rows)
        drawn = statistics.median(row[1] for row in rows)
        print(f"| {name} | {imported:.3f} | {drawn:.3f} | {rows[0][2] / 1000:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated vault sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command")
    parser.add_argument("--work", type=Path, help="folder for the vaults (kept between runs)")
    parser.add_argument("--libraries", action="store_true", help="time the chart libraries")
    parser.add_argument(
        "--states", default=",".join(STATES), help=f"comma-separated, of: {', '.join(STATES)}"
    )
    args = parser.parse_args(argv)
    if args.libraries:
        bench_libraries(args.repeat)
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    states = [state.strip() for state in args.states.split(",")]
    unknown = set(states) - set(STATES)
    if unknown:
        parser.error(f"unknown states: {', '.join(sorted(unknown))}")
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        bench_sizes(args.work, sizes, args.repeat, states)
    else:
        with tempfile.TemporaryDirectory() as work:
            bench_sizes(Path(work), sizes, args.repeat, states)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
