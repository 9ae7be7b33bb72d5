"""Wall time and peak memory of `seedlint check` on a vault whose result cache was planted.

Scenarios (each a fresh process; the figures are its own wall time and maximum RSS):

- warm: the cache a real run left, as a baseline;
- zlib bomb: every row's summary replaced by a zlib stream of --bomb-mib MiB of zeros
  (the cross-file row deleted, so every summary is read): issue 11 measured 7.9 GB and
  23 s for an 8 GiB one before inflating was bounded;
- oversized value: one row's findings replaced by an 80 MB blob;
- trigger: a trigger that blanks every inserted row (the file is set aside and rebuilt).

Every scenario's report is compared with `--no-cache`'s: a line says whether they match.

    python benchmarks/bench_cache_attacks.py --seeds 200 --bomb-mib 8192
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from seedlint.cache.encoding import MAX_INFLATED

CACHE = Path(".seedlint_cache") / "results.sqlite3"
COMMAND = [sys.executable, "-m", "seedlint", "check", "--offline", "--format", "json"]


def zlib_bomb(mebibytes: int) -> bytes:
    """A valid zlib stream of ``mebibytes`` MiB of zeros: one-MiB blocks, full-flushed so
    that they repeat byte for byte, and the right checksum."""
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    check = 1
    for _ in range(mebibytes):
        check = zlib.adler32(chunk, check)
    return first + again * (mebibytes - 1) + tail[:-4] + struct.pack(">I", check)


def run(vault: Path) -> tuple[float, float, str, int]:
    """Wall seconds, peak RSS (MB) of this one child (``wait4``), its stdout, exit code."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(
            [*COMMAND, "contents"], cwd=vault, stdout=out, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read().decode()
    return wall, usage.ru_maxrss / 1024, stdout, child.returncode


def plant(vault: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    connection = sqlite3.connect(vault / CACHE, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for statement, parameters in statements:
            connection.execute(statement, parameters)
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--bomb-mib", type=int, default=8192, help="inflated size of the bomb")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="seedlint-cache-attacks-"))
    try:
        template = generate(work / "template", args.seeds, seed=34, defect_rate=0.5).root
        no_cache = subprocess.run(
            [*COMMAND, "--no-cache", "contents"],
            cwd=template,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        started = time.perf_counter()
        stream = zlib_bomb(args.bomb_mib)
        bomb = b"z" + struct.pack("<I", min(args.bomb_mib << 20, 2**32 - 1)) + stream
        allowed = b"z" + struct.pack("<I", MAX_INFLATED) + stream
        print(
            f"bomb: {len(bomb):,} bytes inflating to {args.bomb_mib:,} MiB "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        scenarios: list[tuple[str, list[tuple[str, tuple[object, ...]]]]] = [
            ("warm (untouched cache)", []),
            (
                "trigger blanking every insert",
                [
                    (
                        "CREATE TRIGGER blank AFTER INSERT ON results BEGIN UPDATE results "
                        "SET result = NULL WHERE rowid = new.rowid; END",
                        (),
                    )
                ],
            ),
            (
                "zlib bomb in every summary, stating its size",
                [("UPDATE results SET summary = ?", (bomb,)), ("DELETE FROM corpus", ())],
            ),
            (
                "zlib bomb in every summary, stating 64 MiB",
                [("UPDATE results SET summary = ?", (allowed,)), ("DELETE FROM corpus", ())],
            ),
            (
                "80 MB value in one row",
                [("UPDATE results SET result = zeroblob(80000000) WHERE rowid = 1", ())],
            ),
        ]
        print(f"| scenario ({args.seeds} seeds) | wall (s) | peak RSS (MB) | same as --no-cache |")
        print("|---|---:|---:|---|")
        for name, statements in scenarios:
            vault = work / "vault"
            shutil.rmtree(vault, ignore_errors=True)
            shutil.copytree(template, vault, symlinks=True)
            run(vault)  # the cache a real run leaves
            plant(vault, *statements)
            wall, peak, stdout, code = run(vault)
            print(f"| {name} | {wall:.2f} | {peak:.0f} | {stdout == no_cache} (exit {code}) |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
