"""A hostile `seedlint.toml`: patterns that make a backtracking engine run forever, globs
that used to cost seconds a file, and Ctrl-C that must end every run, whatever is running.

Each run is a real process, killed with its process group if it outlives ``HANG`` (the
test then fails instead of hanging). Wall times are measured by
`benchmarks/bench_hostile_config.py`, not asserted here, except where promptness *is*
the behaviour (Ctrl-C), with a bound far above what is expected and far below what the
fault would cost.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import real_seed_text, sigint_as_from_a_terminal, write

HANG = 120
#: Ctrl-C must end a run in about a second; a stuck worker would hold it forever.
PROMPT = 5.0


def _seed(number: int) -> str:
    return real_seed_text().replace("thoughts-on-the-2024-ai-job-market", f"post-{number}")


def _start(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its Ctrl-C never reaches pytest
        preexec_fn=sigint_as_from_a_terminal,
        env={**os.environ, **(env or {})},
    )


def _finish(process: subprocess.Popen[str], timeout: float = HANG) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"seedlint ran over {timeout} s and was killed; stderr: {err[-2000:]}")
    return process.returncode, out, err


def _check(cwd: Path, *args: str) -> tuple[int, str, str]:
    return _finish(_start(cwd, "check", "--offline", "--no-cache", *args))


def _codes(out: str) -> list[tuple[str, str]]:
    return [(Path(f["path"]).name, f["code"]) for f in json.loads(out)["findings"]]


# -- patterns run on RE2 ------------------------------------------------------------------


def test_a_catastrophic_tag_pattern_ends_and_is_applied(tmp_path: Path) -> None:
    write(tmp_path / "seedlint.toml", "tag-pattern = '^(a|a)+$'\n")
    hostile = _seed(1).replace("- Large_Language_Model", "- " + "a" * 40 + "!")
    write(tmp_path / "seeds/hostile.md", hostile)
    write(tmp_path / "seeds/good.md", _seed(2).replace("- Large_Language_Model", "- aaaa"))

    code, out, err = _check(tmp_path, "--select", "F202", "--format", "json", "seeds")

    assert code == 1, err
    found = _codes(out)
    assert ("hostile.md", "F202") in found
    assert ("good.md", "F202") in found  # its other tags do not match `^(a|a)+$`
    assert all(name in ("hostile.md", "good.md") for name, _ in found)


def test_a_catastrophic_file_name_pattern_ends_and_is_applied(tmp_path: Path) -> None:
    write(tmp_path / "seedlint.toml", "file-name-pattern = '(x+x+)+y'\n")
    write(tmp_path / "seeds" / ("x" * 40 + ".md"), _seed(1))
    write(tmp_path / "seeds/xxy", _seed(2))  # named: linted whatever its suffix

    code, out, err = _check(tmp_path, "--select", "C003", "--format", "json", "seeds", "seeds/xxy")

    assert code == 1, err
    assert _codes(out) == [("x" * 40 + ".md", "C003")]


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (r"tag-pattern = '^(\w)\1$'", "tag-pattern"),
        ("file-name-pattern = '(?=x).*'", "file-name-pattern"),
        ("[links]\nexclude = ['^https://(?!example)']", "links.exclude"),
    ],
)
def test_a_pattern_that_needs_backtracking_is_exit_2_naming_the_key(
    tmp_path: Path, content: str, key: str
) -> None:
    config = write(tmp_path / "seedlint.toml", content + "\n")
    write(tmp_path / "seed.md", _seed(1))

    code, out, err = _check(tmp_path, "seed.md")

    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"seedlint: error: {config}: invalid value for '{key}': ")
    assert "no backreferences or lookaround" in err


def test_a_glob_of_3000_double_stars_is_compiled_once(tmp_path: Path) -> None:
    """Once 32 s for 300 files: each file re-matched every suffix of the key."""
    key = "**/" * 3000
    write(tmp_path / "seedlint.toml", f"[per-file-ignores]\n'{key}' = ['W001']\n")
    for number in range(300):
        write(
            tmp_path / f"seeds/{number:03}.md", _seed(number).replace("## Summary", "## Summary ")
        )
    write(tmp_path / "top.md", _seed(999).replace("## Summary", "## Summary "))

    code, out, err = _check(tmp_path, "--select", "W001", "--format", "json", ".")

    assert code == 1, err
    # `**/` names every folder: the seeds below one are ignored, the one at the top is not.
    assert _codes(out) == [("top.md", "W001")]


# -- Ctrl-C ------------------------------------------------------------------------------


def _stuck_on_the_fifo(group: int) -> bool:
    """Whether a process of ``group`` waits in the kernel for the FIFO's writer."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and (stat.parent / "wchan").read_text() == (
                "wait_for_partner"
            ):
                return True
        except (OSError, IndexError, ValueError):
            continue
    return False


def _interrupt(process: subprocess.Popen[str]) -> tuple[int, float, str]:
    """Ctrl-C to the run's process group; the exit code, how long the run took to end
    after it, and stderr."""
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C: the whole group
    code, _, err = _finish(process, timeout=30)
    return code, time.monotonic() - sent, err


@pytest.mark.skipif(
    not hasattr(os, "mkfifo") or not Path("/proc/self/wchan").exists(),
    reason="needs FIFOs and /proc",
)
@pytest.mark.parametrize("jobs", ["2", "1"])
def test_ctrl_c_ends_a_run_whose_worker_is_stuck(tmp_path: Path, jobs: str) -> None:
    """Named among 400 seeds, a FIFO nobody writes to: the process that opens it waits
    forever, as one stuck in any long call would. Before, the pool waited for it."""
    for number in range(400):
        write(tmp_path / f"seeds/{number:03}.md", _seed(number))
    os.mkfifo(tmp_path / "seeds/200-fifo.md")
    names = sorted(str(path) for path in (tmp_path / "seeds").iterdir())
    process = _start(tmp_path, "check", "--offline", "--no-cache", "--jobs", jobs, *names)
    deadline = time.monotonic() + HANG
    while not _stuck_on_the_fifo(process.pid):
        if process.poll() is not None or time.monotonic() > deadline:
            code, _, err = _finish(process)
            pytest.fail(f"the run never reached the FIFO ({code}): {err[-2000:]}")
        time.sleep(0.05)

    code, took, err = _interrupt(process)

    assert code == 130, err
    assert took < PROMPT, f"{took:.1f} s after Ctrl-C"
    assert "Traceback" not in err
    assert err.rstrip().endswith("seedlint: interrupted")


def test_ctrl_c_ends_a_run_waiting_on_the_network(tmp_path: Path) -> None:
    from tests.links.loopback import LoopbackServers

    servers = LoopbackServers(["127.0.0.1"]).start()
    try:
        slow = servers.url("127.0.0.1", "/slow", delay=60_000)
        write(
            tmp_path / "seedlint.toml",
            # Every host by name stays unchecked: only the loopback server is asked.
            "[links]\nallow-private = true\ntimeout = 90\nexclude = ['^https?://[a-z]']\n",
        )
        text = re.sub(r"\(https://www\.mckinsey\.com[^)]*\)", f"({slow})", _seed(1))
        assert slow in text
        write(tmp_path / "seed.md", text)
        process = _start(
            tmp_path,
            "check",
            "--no-cache",
            "--select",
            "L001",
            "seed.md",
            env={"SEEDLINT_OFFLINE": ""},
        )
        deadline = time.monotonic() + HANG
        while servers.stats.count(path="/slow") == 0:
            if process.poll() is not None or time.monotonic() > deadline:
                code, out, err = _finish(process)
                pytest.fail(f"the request never came ({code}): {out}{err}")
            time.sleep(0.05)
        code, took, err = _interrupt(process)
    finally:
        servers.stop()

    assert code == 130, err
    assert took < PROMPT, f"{took:.1f} s after Ctrl-C"
    assert "Traceback" not in err
