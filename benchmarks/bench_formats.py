"""Time and memory of every `--format` on one vault, for one or more seedlint source trees.

Two measures:

- whole process (default): `seedlint check --offline --no-cache --exit-zero --format F -o FILE`
  run in the vault, each format `--repeat` times, formats and source trees interleaved so
  that a drifting machine hits them alike. Figures are medians: wall and CPU seconds (user +
  system, worker processes included) and the peak resident memory of the largest single
  process (the parent, which holds the findings). Each row also says how far the format is
  from `text` in the same tree, and whether its output is byte-identical to the first tree's.
- reporter alone (`--split`): one process per tree lints the vault once, keeps the findings
  the `text` reporter was handed, and then runs each reporter on them into a file: the
  memory the findings hold once the run is over, and each reporter's own CPU time (median)
  and own peak of Python allocations (tracemalloc, above what was held before it started).

    python benchmarks/bench_formats.py /tmp/obsidian-hub --source main=/work/main --source .
    python benchmarks/bench_formats.py VAULT --source . --formats json,sarif --split
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("text", "json", "jsonl", "github", "sarif", "junit")


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    digests: set[str] = field(default_factory=set)
    size: int = 0


def _environment(source: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(source))
    env.pop("GITHUB_WORKSPACE", None)  # the github format reads it
    env.pop("FORCE_COLOR", None)
    return env


def run_once(source: Path, vault: Path, form: str, output: Path, runs: Runs) -> None:
    command = [sys.executable, "-m", "seedlint", "check", "--offline", "--no-cache"]
    command += ["--exit-zero", "--format", form, "-o", str(output), "."]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=vault, env=_environment(source), stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{source}: --format {form} exited {process.returncode}")
    runs.wall.append(wall)
    runs.cpu.append(usage.ru_utime + usage.ru_stime)
    runs.peak_mb.append(usage.ru_maxrss / 1024)  # kilobytes on Linux
    data = output.read_bytes()
    runs.digests.add(hashlib.sha256(data).hexdigest())
    runs.size = len(data)


def whole_process(
    vault: Path, sources: dict[str, Path], formats: list[str], repeat: int
) -> dict[tuple[str, str], Runs]:
    results = {(label, form): Runs() for label in sources for form in formats}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(repeat):
            for form in formats:
                for label, source in sources.items():
                    output = Path(scratch, f"{label}.{form}")
                    run_once(source, vault, form, output, results[label, form])
                    runs = results[label, form]
                    print(
                        f"  round {round_ + 1}/{repeat} {label:>8} {form:<7}"
                        f" {runs.wall[-1]:6.2f} s wall {runs.cpu[-1]:6.2f} s cpu"
                        f" {runs.peak_mb[-1]:6.0f} MB",
                        file=sys.stderr,
                    )
    return results


def print_whole(results: dict[tuple[str, str], Runs], sources: dict[str, Path]) -> None:
    first = next(iter(sources))
    print("\nWhole process, median of runs (peak: largest single process)")
    print(
        f"| tree | format | wall s | cpu s | peak MB (min) | wall / text | cpu / text | peak / text"
        f" | output MB | same bytes as {first} |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (label, form), runs in results.items():
        wall, cpu = statistics.median(runs.wall), statistics.median(runs.cpu)
        peak = statistics.median(runs.peak_mb)
        text = results.get((label, "text"))
        if text is None:
            ratios = "| - | - | -"
        else:
            ratios = (
                f"| {wall / statistics.median(text.wall):.2f}"
                f" | {cpu / statistics.median(text.cpu):.2f}"
                f" | {peak / statistics.median(text.peak_mb):.2f}"
            )
        reference = results[first, form].digests
        same = "yes" if runs.digests == reference and len(runs.digests) == 1 else "NO"
        print(
            f"| {label} | {form} | {wall:.2f} | {cpu:.2f} | {peak:.0f} ({min(runs.peak_mb):.0f})"
            f" {ratios}"
            f" | {runs.size / 1e6:.1f} | {same} |"
        )


#: Runs in a child process with the tree's PYTHONPATH, in the vault; prints one JSON line.
_SPLIT_CHILD = textwrap.dedent(
    """
    import gc, json, os, statistics, sys, time, tracemalloc
    from seedlint import cli
    from seedlint.reporters import REPORTERS

    formats, repeat, scratch = sys.argv[1].split(","), int(sys.argv[2]), sys.argv[3]
    reporters, handed = dict(REPORTERS), []
    REPORTERS["text"] = lambda *arguments: handed.append(arguments)

    def lint():
        handed.clear()
        cli.main(["check", "--offline", "--no-cache", "--format", "text", "."])
        gc.collect()
        return handed[0]

    def report(form, arguments):
        findings, summary, _, options = arguments
        with open(os.path.join(scratch, "split." + form), "w", encoding="utf-8",
                  errors="surrogateescape") as out:
            reporters[form](findings, summary, out, options)

    tracemalloc.start()
    arguments = lint()
    figures = {"findings": len(arguments[0])}
    for form in formats:
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        report(form, arguments)
        _, peak = tracemalloc.get_traced_memory()
        figures[form] = {"peak_mb": (peak - before) / 2**20}
    # What the findings (and the summary) hold: what dropping them gives back.
    held, _ = tracemalloc.get_traced_memory()
    arguments = None
    handed.clear()
    gc.collect()
    figures["held_mb"] = (held - tracemalloc.get_traced_memory()[0]) / 2**20
    tracemalloc.stop()
    arguments = lint()  # again, untraced: tracing slows every allocation
    for form in formats:
        times = []
        for _ in range(repeat):
            started = time.process_time()
            report(form, arguments)
            times.append(time.process_time() - started)
        figures[form]["cpu"] = statistics.median(times)
    print(json.dumps(figures))
    """
)


def reporter_alone(
    vault: Path, sources: dict[str, Path], formats: list[str], repeat: int
) -> dict[str, dict[str, object]]:
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        for label, source in sources.items():
            child = [sys.executable, "-c", _SPLIT_CHILD, ",".join(formats), str(repeat), scratch]
            finished = subprocess.run(
                child, cwd=vault, env=_environment(source), capture_output=True, text=True
            )
            if finished.returncode != 0:
                sys.exit(f"{source}: {finished.stderr.strip()}")
            figures[label] = json.loads(finished.stdout.splitlines()[-1])
    return figures


def print_split(figures: dict[str, dict[str, object]], formats: list[str]) -> None:
    print("\nReporter alone, on the findings of one run (cpu: median of runs)")
    print("| tree | findings | held by findings MB | format | reporter cpu s | reporter peak MB |")
    print("|---|---|---|---|---|---|")
    for label, row in figures.items():
        for form in formats:
            own = row[form]
            assert isinstance(own, dict)
            print(
                f"| {label} | {row['findings']} | {row['held_mb']:.0f} | {form}"
                f" | {own['cpu']:.2f} | {own['peak_mb']:.1f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", type=Path, help="folder to lint (e.g. obsidian-hub)")
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="[LABEL=]DIR",
        help="seedlint source tree to run (its folder goes on PYTHONPATH); repeatable",
    )
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--split", action="store_true", help="also time each reporter alone")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-process runs")
    args = parser.parse_args()
    sources: dict[str, Path] = {}
    for entry in args.source or ["."]:
        label, _, folder = entry.rpartition("=")
        path = Path(folder).resolve()
        sources[label or path.name] = path
    formats = args.formats.split(",")
    vault = args.vault.resolve()
    if not args.no_whole:
        print_whole(whole_process(vault, sources, formats, args.repeat), sources)
    if args.split:
        print_split(reporter_alone(vault, sources, formats, args.repeat), formats)


if __name__ == "__main__":
    main()
