"""The process pool: the same bytes as a serial run, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from seedlint.parallel import MIN_PARALLEL_FILES, available_cores, workers_for
from tests.scale.conftest import Corpus, check, debug_env, generate, stats_line


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Enough seeds for the pool to start (400), one in five defective."""
    return generate(tmp_path_factory.mktemp("big") / "vault", 400, seed=11, defect_rate=0.2)


@pytest.mark.parametrize("output", ["text", "json", "concise", "jsonl"])
def test_parallel_output_is_byte_identical_to_serial(big: Corpus, output: str) -> None:
    serial = check(big.root, "--no-cache", "--jobs", "1", "--format", output)
    parallel = check(big.root, "--no-cache", "--jobs", "2", "--format", output)

    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout
    assert parallel.stderr == serial.stderr
    assert len(serial.stdout.splitlines()) > 40


def test_more_workers_than_cores_still_agree(big: Corpus) -> None:
    serial = check(big.root, "--no-cache", "--jobs", "1")
    pooled = check(big.root, "--no-cache", "--jobs", "3", env=debug_env())

    assert pooled.stdout == serial.stdout
    assert "seedlint: 3 worker processes (fork) for 400 files" in pooled.stderr


def test_notes_from_workers_are_said_once(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "vault", MIN_PARALLEL_FILES + 50, seed=4, defect_rate=0)
    shutil.rmtree(corpus.root / "topics")

    serial = check(corpus.root, "--no-cache", "--jobs", "1")
    parallel = check(corpus.root, "--no-cache", "--jobs", "2")

    assert parallel.stderr == serial.stderr
    assert parallel.stderr.count("no topics folder") == 1


def test_a_pool_fills_the_cache_that_a_serial_run_reads(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "vault", MIN_PARALLEL_FILES + 50, seed=9, defect_rate=0.3)

    cold = check(corpus.root, "--jobs", "2", env=debug_env())
    warm = check(corpus.root, "--jobs", "1", env=debug_env())

    assert f"linted={MIN_PARALLEL_FILES + 50}" in stats_line(cold)
    assert f"hits={MIN_PARALLEL_FILES + 50}" in stats_line(warm)
    assert warm.stdout == cold.stdout == check(corpus.root, "--no-cache").stdout


def test_workers_for() -> None:
    assert workers_for(1, 10_000) == 1
    assert workers_for(2, 10) == 1  # too few files to pay for a process
    assert workers_for(4, MIN_PARALLEL_FILES) == 2
    assert workers_for(4, 10_000) == 4
    assert workers_for(0, 10_000) == min(available_cores(), 10_000 // (MIN_PARALLEL_FILES // 2))


def test_spawned_workers_agree_too(big: Corpus) -> None:
    """macOS and Windows start workers afresh (no fork): the same bytes again."""
    serial = check(big.root, "--no-cache", "--jobs", "1", "--format", "json")
    spawned = check(
        big.root,
        "--no-cache",
        "--jobs",
        "2",
        "--format",
        "json",
        env={"SEEDLINT_START_METHOD": "spawn", **debug_env()},
    )

    assert spawned.stdout == serial.stdout
    assert "seedlint: 2 worker processes (spawn) for 400 files" in spawned.stderr
    assert "failed" not in spawned.stderr


def _nap(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def test_a_ctrl_c_during_the_pool_shutdown_is_held_not_raised() -> None:
    """Raised from inside the shutdown it would leave workers behind (and a generator
    closing on the way out would print a traceback): it is held and reported instead."""
    import multiprocessing
    import os
    import signal
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from seedlint.parallel import _shutdown

    # As under a terminal, whatever the shell that started the tests left (see
    # tests.helpers.sigint_as_from_a_terminal): Python's own Ctrl-C handler.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        busy = pool.submit(_nap, 0.6)
        timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()

        held = _shutdown(pool)

        timer.join()
        assert held and busy.result() == 0.6
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
