"""Benchmark the link checker against loopback servers that answer after D ms.

N seed files hold M unique URLs spread over H loopback hosts (127.0.0.2 ...). Every
answer is delayed by D ms, so the best any checker can do with a global limit G and a
per-host limit P is the ideal bound M x D / min(G, H x P). The servers run in their own
process (so that they do not share the checker's interpreter) and report the peak number
of requests they had in flight. Each URL has a known truth (alive, dead, moved, walled),
and the verdicts are compared with it.

    python benchmarks/bench_links.py                       # M=3000, D=50 ms, H=20
    python benchmarks/bench_links.py --seeds 1000 --urls 3072 --hosts 1
    python benchmarks/bench_links.py --json
    python benchmarks/bench_links.py --one-seed 200000 --refused 0.98 --delay 0  # issue 11

Each run is the real command line (`seedlint check --select L --format json`), cold (empty
cache) then warm (the same command again).
"""

from __future__ import annotations

import argparse
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


def _cases(ports: dict[str, int], urls: int, delay: int, rng: random.Random) -> list[Case]:
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
        for name, share in MIX.items():
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


def _write_vault(folder: Path, cases: list[Case], seeds: int, settings: dict[str, int]) -> None:
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
    wall, cpu, _, result = _seedlint(folder, *extra)
    verdicts: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        url = finding["message"].split(" ", 1)[0]
        verdicts.setdefault(url, set()).add(finding["code"])
    return wall, cpu, verdicts, result.stderr.strip()


def _seedlint(
    folder: Path, *extra: str, select: str = "L001,L002,L004"
) -> tuple[float, float, int, subprocess.CompletedProcess[str]]:
    """Wall time, CPU time and peak memory (KiB) of one `seedlint check` process."""
    env = {key: value for key, value in os.environ.items() if key != "SEEDLINT_OFFLINE"}
    code = (
        "import resource, subprocess, sys;"
        "r = subprocess.run(sys.argv[1:]);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
        "sys.exit(r.returncode)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [
            *(sys.executable, "-c", code),
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
    *notes, peak = result.stderr.strip().splitlines()
    result.stderr = "\n".join(notes)
    return wall, cpu, int(peak), result


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=1000, help="N seed files")
    parser.add_argument("--urls", type=int, default=3000, help="M unique URLs")
    parser.add_argument("--hosts", type=int, default=20, help="H loopback hosts")
    parser.add_argument("--delay", type=int, default=50, help="D: each answer's delay, ms")
    parser.add_argument("--max-concurrency", type=int, default=64, help="global limit")
    parser.add_argument("--max-per-host", type=int, default=4, help="per-host limit")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the truth mix")
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
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(hosts, theirs), daemon=True)
    server.start()
    ports = ours.recv()
    figures: dict[str, object] = {
        "seeds": args.seeds,
        "urls": args.urls,
        "hosts": args.hosts,
        "delay_ms": args.delay,
        "max_concurrency": args.max_concurrency,
        "max_per_host": args.max_per_host,
        "load_average": round(os.getloadavg()[0], 1),
    }
    try:
        cases = _cases(ports, args.urls, args.delay, random.Random(args.seed))
        slots = min(args.max_concurrency, args.hosts * args.max_per_host)
        # Redirects cost more answers, 500s their retries: the bound counts every request.
        extra = {"moved": 1, "chain": 3, "loop": 1, "error": 2, "limited": 1}
        needed = len(cases) + sum(extra.get(case.truth, 0) for case in cases)
        bound = needed * args.delay / 1000 / slots
        figures["requests_needed"] = needed
        figures["ideal_bound_s"] = round(bound, 2)
        with tempfile.TemporaryDirectory(prefix="bench-links-") as temporary:
            folder = Path(temporary)
            settings = {
                "max-concurrency": args.max_concurrency,
                "max-per-host": args.max_per_host,
            }
            _write_vault(folder, cases, args.seeds, settings)
            for phase in ("cold", "warm"):
                ours.send("reset")
                ours.recv()
                wall, cpu, verdicts, note = _run(folder)
                ours.send("stats")
                stats = ours.recv()
                right, wrong = _score(cases, verdicts)
                figures[phase] = {
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "ratio_to_bound": round(wall / bound, 2) if phase == "cold" else None,
                    "server_requests": stats["requests"],
                    "peak_in_flight": stats["peak"],
                    "peak_per_host": stats["peak_per_host"],
                    "verdicts_right": right,
                    "verdicts_wrong": len(wrong),
                    "first_wrong": wrong[:5],
                    "summary": note,
                }
            if args.keep is not None:
                # The warm vault (its cache holds every answer): time warm runs with any
                # tool, no server needed, since a warm run makes no request.
                shutil.copytree(folder, args.keep, dirs_exist_ok=True)
    finally:
        ours.send("stop")
        server.join(timeout=10)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"{args.seeds} seeds, {args.urls} unique URLs over {args.hosts} host(s),"
        f" {args.delay} ms an answer; limits: {args.max_concurrency} global,"
        f" {args.max_per_host} per host"
    )
    print(
        f"ideal bound: {needed} requests x {args.delay} ms / {slots} slots = {bound:.2f} s"
        f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    for phase in ("cold", "warm"):
        row = figures[phase]
        assert isinstance(row, dict)
        ratio = f" ({row['ratio_to_bound']}x the bound)" if row["ratio_to_bound"] else ""
        print(
            f"{phase}: {row['wall_s']:.2f} s{ratio}, {row['cpu_s']:.2f} s CPU;"
            f" server saw {row['server_requests']}"
            f" requests, peak {row['peak_in_flight']} in flight"
            f" ({row['peak_per_host']} on one host); verdicts right"
            f" {row['verdicts_right']}/{len(cases)}"
        )
        for line in row["first_wrong"]:
            print(f"    wrong: {line}")
        print(f"    {row['summary']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
