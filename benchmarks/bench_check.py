"""Time `seedlint check --offline` on generated vaults, and rumdl on the same files.

Every figure is a fresh process, as a user or pre-commit starts it: wall time, CPU time
(user + system, workers included: steadier than wall time on a busy machine) and peak
memory, both for the whole process tree (proportional set size sampled every 20 ms, so
that pages forked workers share are counted once) and for the largest single process
(GNU time's maximum RSS). Page cache is warm in every scenario (each corpus is read
once before timing); "cold" and "warm" are about seedlint's own result cache:

- cold: `.seedlint_cache/` deleted before the run (the run writes it);
- cold, no cache: `--no-cache` (reads nothing, writes nothing);
- warm: the cache holds every file's results;
- one changed: warm, then one seed edited;
- rumdl cold: `rumdl check --no-cache` (its own cache neither read nor written).

seedlint and rumdl runs are interleaved, so that the ratio between them holds on a noisy
machine. Vaults are generated once under --work and reused.

    python benchmarks/bench_check.py                # 10k, 5 interleaved rounds
    python benchmarks/bench_check.py --large        # and 100k (3 rounds)
    python benchmarks/bench_check.py --sizes 1000,10000 --no-cache-too --startup
    git archive main seedlint | tar -x -C /tmp/before      # and main's seedlint beside:
    python benchmarks/bench_check.py --before /tmp/before

Each round of a vault runs, in turn: seedlint cold, rumdl cold, seedlint warm, seedlint
warm with one seed changed (and, with --before, the other seedlint's cold, warm and one
changed). The ratio seedlint/rumdl is taken round by round (the two
ran seconds apart) and its median printed.

Before timing, the bytecode of each seedlint tree timed is compiled (`compileall`), as
`pip install` does for an installed seedlint: an editable install or a `git archive` tree
has none, and where Python may not write it (``PYTHONDONTWRITEBYTECODE=1``) every run
would compile seedlint's modules from source again (about 0.1-0.2 s of CPU a run on the
2-core VM), which no installed copy does. ``--source-only`` leaves the trees as they are.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

#: Bumped when the generator changes, so that stale vaults are rewritten.
CORPUS_VERSION = "1"
CACHE_FOLDER = ".seedlint_cache"


@dataclass
class Measure:
    wall: float
    cpu: float  # user + system seconds of the process and its workers
    tree_rss_mb: float
    process_rss_mb: float
    returncode: int


@dataclass
class Row:
    scenario: str
    files: int
    measures: list[Measure] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(m.wall for m in self.measures)

    @property
    def best(self) -> float:
        return min(m.wall for m in self.measures)

    @property
    def cpu(self) -> float:
        return statistics.median(m.cpu for m in self.measures)

    @property
    def rss(self) -> float:
        return max(m.tree_rss_mb for m in self.measures)

    @property
    def process_rss(self) -> float:
        return max(m.process_rss_mb for m in self.measures)


def _memory_kb(pid: int) -> int:
    """Proportional set size (shared pages split between their users: forked workers
    share most of their memory with the main process), else plain RSS."""
    for source, label in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{source}", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith(label):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def _tree_memory_kb(root: int) -> int:
    """Memory of ``root`` and its descendants, in kB (0 when it is gone)."""
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        total += _memory_kb(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


#: As an installed package runs: pip compiles the modules to bytecode when it installs,
#: so a run never compiles seedlint's sources (an editable checkout with
#: PYTHONDONTWRITEBYTECODE=1 would, every time: some 40 modules, ~0.1 s).
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
TIME = Path("/usr/bin/time")


def run(command: Sequence[str], cwd: Path) -> Measure:
    """Run ``command`` once: wall time, CPU time, peak memory.

    The largest process's peak RSS comes from /usr/bin/time (GNU time's %M): wait4's own
    figure would count the pages of this script that the child held between fork and
    exec. The whole tree's peak (the linter and its workers together) is sampled every
    20 ms as proportional set size, so that pages forked workers share with the main
    process are counted once.
    """
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "time"
        errors_file = Path(scratch) / "stderr"
        timed = [str(TIME), "-f", "%M", "-o", str(report), *command] if TIME.exists() else command
        started = time.perf_counter()
        with errors_file.open("wb") as errors_out:
            process = subprocess.Popen(
                timed, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors_out, env=ENVIRONMENT
            )
            peak = 0
            done = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, _tree_memory_kb(process.pid))
                    done.wait(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            done.set()
            sampler.join()
        returncode = os.waitstatus_to_exitcode(status)
        if returncode not in (0, 1):
            errors = errors_file.read_text(errors="replace")
            raise RuntimeError(f"{' '.join(command)} exited {returncode}: {errors[-2000:]}")
        process_rss = usage.ru_maxrss / 1024
        if report.exists():
            process_rss = int(report.read_text().split()[-1]) / 1024
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(wall, cpu, peak / 1024 or process_rss, process_rss, returncode)


def seedlint_command() -> list[str]:
    script = Path(sys.executable).parent / "seedlint"
    if script.exists():
        return [str(script)]
    found = shutil.which("seedlint")
    return [found] if found else [sys.executable, "-m", "seedlint"]


def rumdl_command() -> list[str] | None:
    script = Path(sys.executable).parent / "rumdl"
    if script.exists():
        return [str(script)]
    found = shutil.which("rumdl")
    return [found] if found else None


def vault(work: Path, n: int) -> Path:
    root = work / f"vault-{n}"
    marker = root / ".corpus-version"
    if not marker.exists() or marker.read_text() != CORPUS_VERSION:
        shutil.rmtree(root, ignore_errors=True)
        generate(root, n)
        marker.write_text(CORPUS_VERSION)
    for path in (root / "contents").rglob("*.md"):  # warm the page cache
        path.read_bytes()
    return root


def compile_bytecode(package: Path) -> None:
    """Write the bytecode of ``package`` (a seedlint folder), as an install does."""
    if not compileall.compile_dir(str(package), quiet=1):
        raise SystemExit(f"cannot compile {package}")


def seedlint_package() -> Path:
    """The seedlint folder the timed command imports (this interpreter's)."""
    spec = importlib.util.find_spec("seedlint")
    if spec is None or spec.origin is None:
        raise SystemExit("seedlint is not importable by this interpreter")
    return Path(spec.origin).parent


def clear_cache(root: Path) -> None:
    shutil.rmtree(root / CACHE_FOLDER, ignore_errors=True)


def one_seed(root: Path) -> Path:
    return min((root / "contents" / "Blog post").glob("*.md"))


#: (name, files, folder, command, untimed step before each run)
Scenario = tuple[str, int, Path, list[str], Callable[[], None] | None]


class Bench:
    def __init__(self, repeat: int, jobs: int | None, before: Path | None = None) -> None:
        self.repeat = repeat
        self.jobs = jobs
        self.rows: list[Row] = []
        self.seedlint = seedlint_command()
        self.rumdl = rumdl_command()
        self.before = before  # another seedlint's source tree, run beside this one

    def check(self, *extra: str, before: bool = False) -> list[str]:
        jobs = ["--jobs", str(self.jobs)] if self.jobs is not None else []
        command = [*self.seedlint, "check", "--offline", *jobs, *extra]
        if before:
            assert self.before is not None
            # `env` execs the command: the timed process is still seedlint itself.
            return ["env", f"PYTHONPATH={self.before}", *command]
        return command

    def measure(
        self,
        scenarios: list[Scenario],
    ) -> None:
        """Run each scenario ``repeat`` times, interleaved; ``before`` runs untimed first."""
        rows = [Row(name, files) for name, files, _, _, _ in scenarios]
        for _ in range(self.repeat):
            for row, (_, _, cwd, command, before) in zip(rows, scenarios, strict=True):
                if before is not None:
                    before()
                row.measures.append(run(command, cwd))
                print(
                    f"  {row.scenario:<34} {row.measures[-1].wall:7.3f} s "
                    f"{row.measures[-1].tree_rss_mb:7.1f} MB (exit {row.measures[-1].returncode})",
                    file=sys.stderr,
                    flush=True,
                )
        self.rows.extend(rows)

    def size(self, root: Path, n: int, *, rumdl: bool, warm: bool, no_cache: bool) -> None:
        """All of one vault's scenarios in one interleaved loop: each round runs seedlint
        cold, rumdl cold, seedlint warm and seedlint warm with one file changed, in turn,
        so that a drift of the machine's speed moves all of them alike."""
        label = f"{n // 1000}k" if n >= 1000 else str(n)
        seed = one_seed(root)
        original = seed.read_bytes()
        edits = [0]

        def edit() -> None:
            # The warm run before this one left the cache whole: one seed now changes.
            edits[0] += 1
            seed.write_bytes(original + f"\n\nEdited {edits[0]}.\n".encode())

        scenarios: list[Scenario] = [
            (f"seedlint cold {label}", n, root, self.check("contents"), lambda: clear_cache(root)),
        ]
        if no_cache:
            scenarios.append(
                (
                    f"seedlint cold {label} --no-cache",
                    n,
                    root,
                    self.check("--no-cache", "contents"),
                    None,
                )
            )
        if rumdl and self.rumdl is not None:
            rumdl_cold = [*self.rumdl, "check", "--no-cache", "contents"]
            scenarios.append((f"rumdl cold {label} --no-cache", n, root, rumdl_cold, None))
        if warm:  # right after the cold run, which wrote the cache
            scenarios.append((f"seedlint warm {label}", n, root, self.check("contents"), None))
            changed = f"seedlint warm {label}, one file changed"
            scenarios.append((changed, n, root, self.check("contents"), edit))
        if self.before is not None:
            # Its own block: the two versions' cache rows differ (the run key names the
            # code), and each cold run starts from an empty cache.
            name = "seedlint (before)"
            command = self.check("contents", before=True)
            scenarios.append((f"{name} cold {label}", n, root, command, lambda: clear_cache(root)))
            if warm:
                scenarios.append((f"{name} warm {label}", n, root, command, None))
                changed = f"{name} warm {label}, one file changed"
                scenarios.append((changed, n, root, command, edit))
        try:
            self.measure(scenarios)
        finally:
            seed.write_bytes(original)
            clear_cache(root)

    def startup(self, root: Path) -> None:
        seed = one_seed(root)
        relative = str(seed.relative_to(root))
        self.measure(
            [
                ("seedlint --version", 0, root, [*self.seedlint, "--version"], None),
                ("seedlint check one file", 1, root, self.check("--no-cache", relative), None),
            ]
        )


def ratios(rows: list[Row]) -> list[str]:
    """seedlint cold / rumdl cold, round by round (the two ran next to each other), and
    the median of those paired ratios."""
    lines = []
    by_name = {row.scenario: row for row in rows}
    for row in rows:
        cold = row.scenario.startswith(("seedlint cold", "seedlint (before) cold"))
        if not cold or "--no-cache" in row.scenario:
            continue
        label = row.scenario.split()[-1]
        rumdl = by_name.get(f"rumdl cold {label} --no-cache")
        if rumdl is None:
            continue
        pairs = [
            (ours.wall / theirs.wall, ours.cpu / theirs.cpu)
            for ours, theirs in zip(row.measures, rumdl.measures, strict=True)
        ]
        wall = statistics.median(pair[0] for pair in pairs)
        cpu = statistics.median(pair[1] for pair in pairs)
        name = row.scenario.removesuffix(f" cold {label}")
        lines.append(
            f"{name}/rumdl cold {label}: wall {wall:.2f} (paired, median of {len(pairs)}), "
            f"CPU {cpu:.2f}; per round: " + ", ".join(f"{pair[0]:.2f}" for pair in pairs)
        )
    return lines


def table(rows: list[Row]) -> str:
    lines = [
        "| scenario | files | wall, median (s) | wall, best (s) | CPU (s) "
        "| peak memory, all processes (PSS, MB) | peak RSS, largest process (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.scenario} | {row.files:,} | {row.median:.3f} | {row.best:.3f} "
            f"| {row.cpu:.2f} | {row.rss:.0f} | {row.process_rss:.0f} |"
        )
    return "\n".join(lines)


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated vault sizes")
    parser.add_argument("--large", action="store_true", help="add the 100k vault to --sizes")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per vault")
    parser.add_argument("--work", type=Path, default=Path("/tmp/seedlint-bench"))
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs N to seedlint")
    parser.add_argument("--no-rumdl", action="store_true", help="skip the rumdl runs")
    parser.add_argument("--no-cache-too", action="store_true", help="add a --no-cache cold run")
    parser.add_argument("--only-cold", action="store_true", help="cold runs only")
    parser.add_argument("--startup", action="store_true", help="also time start-up alone")
    parser.add_argument(
        "--before",
        type=Path,
        help="another seedlint source tree (e.g. `git archive` of a revision) to time beside",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--source-only",
        action="store_true",
        help="do not compile the timed trees' bytecode first (see the module docstring)",
    )
    args = parser.parse_args(argv)
    if not args.source_only:
        compile_bytecode(seedlint_package())
        if args.before is not None:
            compile_bytecode(args.before / "seedlint")
    sizes = [int(size) for size in args.sizes.split(",") if size]
    if args.large and 100_000 not in sizes:
        sizes.append(100_000)
    bench = Bench(args.repeat, args.jobs, args.before)
    warm_up = vault(args.work, min(sizes))
    run(bench.check("--no-cache", str(one_seed(warm_up).relative_to(warm_up))), warm_up)
    loads = [load_average()]
    for n in sizes:
        print(f"vault of {n} seeds", file=sys.stderr, flush=True)
        root = vault(args.work, n)
        # The big vault once a round is enough to say where it stands (each run ~25 s).
        bench.repeat = args.repeat if n < 100_000 else min(args.repeat, 3)
        bench.size(
            root,
            n,
            rumdl=not args.no_rumdl,
            warm=not args.only_cold,
            no_cache=args.no_cache_too,
        )
    if args.startup:
        bench.startup(vault(args.work, min(sizes)))
    loads.append(load_average())
    print(f"load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]}")
    print(table(bench.rows))
    for line in ratios(bench.rows):
        print(line)
    if args.json is not None:
        payload = [
            {
                "scenario": row.scenario,
                "files": row.files,
                "wall_median": row.median,
                "wall_best": row.best,
                "cpu_median": row.cpu,
                "peak_rss_mb": row.rss,
                "peak_process_rss_mb": row.process_rss,
            }
            for row in bench.rows
        ]
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
