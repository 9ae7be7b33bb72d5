"""Wall time of `seedlint check` under a hostile `seedlint.toml`, and of Ctrl-C.

Each figure is the median of ``--repeat`` fresh processes (`--offline --no-cache`):

- tag-pattern `^(a|a)+$` with a tag of 40 `a` and `!` (never ended on Python's `re`);
- file-name-pattern `(x+x+)+y` with a seed named 40 `x`;
- a `per-file-ignores` key of `**/` x 3000 over 300 small seeds (was 32 s);
- the same 300 seeds without configuration (the baseline those runs compare with);
- Ctrl-C: time from SIGINT to exit while a worker (`--jobs 2`) is stuck opening a FIFO
  nobody writes to, and while the run lints in one process (`--jobs 1`).

    python benchmarks/bench_hostile_config.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "examples" / "000_7277590c367447cf.txt").read_text(encoding="utf-8")


def _seed(number: int) -> str:
    return SEED.replace("thoughts-on-the-2024-ai-job-market", f"post-{number}")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _vault(folder: Path, config: str, files: dict[str, str]) -> Path:
    _write(folder / "seedlint.toml", config)
    for name, text in files.items():
        _write(folder / name, text)
    return folder


def _timed(cwd: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "seedlint", "check", "--offline", "--no-cache", "-q", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=600,
    )
    return time.perf_counter() - start


def _stuck_on_fifo(group: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            wchan = (stat.parent / "wchan").read_text()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and wchan == "wait_for_partner":
            return True
    return False


def _interrupt_latency(cwd: Path, jobs: str) -> float:
    names = sorted(str(path) for path in (cwd / "seeds").iterdir())
    command = [sys.executable, "-m", "seedlint", "check", "--offline", "--no-cache"]
    process = subprocess.Popen(
        [*command, "--jobs", jobs, *names],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    while not _stuck_on_fifo(process.pid):
        if process.poll() is not None:
            raise SystemExit("the run ended before reaching the FIFO")
        time.sleep(0.02)
    sent = time.perf_counter()
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return float("inf")
    return time.perf_counter() - sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    seeds = {f"seeds/{n:03}.md": _seed(n) for n in range(300)}
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        tag = "- " + "a" * 40 + "!"
        scenarios = {
            "tag-pattern '^(a|a)+$', 40 a + '!'": _vault(
                base / "tag",
                "tag-pattern = '^(a|a)+$'\n",
                {"seeds/h.md": _seed(1).replace("- Large_Language_Model", tag)},
            ),
            "file-name-pattern '(x+x+)+y', 40 x": _vault(
                base / "name", "file-name-pattern = '(x+x+)+y'\n", {"seeds/" + "x" * 40: _seed(1)}
            ),
            "per-file-ignores '**/' x 3000, 300 seeds": _vault(
                base / "glob", f"[per-file-ignores]\n'{'**/' * 3000}' = ['W001']\n", seeds
            ),
            "300 seeds, no configuration (reference)": _vault(base / "plain", "", seeds),
        }
        for label, folder in scenarios.items():
            times = [_timed(folder, "seeds") for _ in range(options.repeat)]
            print(f"{label:45} {statistics.median(times):7.3f} s  (median of {len(times)})")
        if hasattr(os, "mkfifo") and Path("/proc/self/wchan").exists():
            stuck = _vault(base / "stuck", "", {f"seeds/{n:03}.md": _seed(n) for n in range(400)})
            os.mkfifo(stuck / "seeds" / "200-fifo.md")
            for jobs in ("2", "1"):
                times = [_interrupt_latency(stuck, jobs) for _ in range(options.repeat)]
                label = f"Ctrl-C to exit, worker stuck, --jobs {jobs}"
                print(f"{label:45} {statistics.median(times):7.3f} s  (median of {len(times)})")


if __name__ == "__main__":
    main()
