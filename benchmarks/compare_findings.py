"""Prove a speed change changed no finding: `check --format json` byte for byte.

Runs `seedlint check --offline --format json` on three corpora (the generated 10k vault,
examples/, and a vault of tests/hostile's cases) in five ways each (`--no-cache`; a cold
cache, written by the run; the warm cache that run left; warm with one seed's body edited;
warm with one seed given another's link), once with this checkout and once with another
revision (or outputs saved earlier), and compares the bytes. Edited seeds are restored.

    python benchmarks/compare_findings.py --revision main       # this checkout vs main
    python benchmarks/compare_findings.py --save /tmp/before    # keep this checkout's outputs
    python benchmarks/compare_findings.py --against /tmp/before # compare with them

The other revision is exported with `git archive` into a temporary folder and imported
through PYTHONPATH; nothing of this checkout's git state changes. Exit 0: identical.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_check import vault  # noqa: E402 - after the path setup

CACHE_FOLDER = ".seedlint_cache"
#: (name, extra arguments): the same corpus read four ways, in this order.
MODES = (
    ("no-cache", ["--no-cache"]),
    ("cache-cold", []),  # the cache folder is deleted first: this run writes it
    ("cache-warm", []),  # reads what cache-cold wrote
    ("cache-one-edited", []),  # warm, one seed's body edited (its summary stays)
    ("cache-link-edited", []),  # warm, one seed given another's link (C001 moves)
)


def hostile_vault(work: Path) -> Path:
    """tests/hostile's cases in one folder, with the real seed beside them."""
    from tests.hostile.conftest import GOOD_NAME, seed_bytes
    from tests.hostile.test_corpus import CASES

    folder = work / "hostile"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / GOOD_NAME).write_bytes(seed_bytes("https://newsletter.ruder.io/p/x"))
    for index, case in enumerate(CASES):
        (folder / f"{index:02d}_{case.file_name}").write_bytes(case.content())
    return folder


def corpora(work: Path, size: int) -> dict[str, tuple[Path, str]]:
    """name -> (folder to run in, path to check)."""
    examples = work / "examples"
    shutil.rmtree(examples, ignore_errors=True)
    shutil.copytree(ROOT / "examples", examples, ignore=shutil.ignore_patterns(CACHE_FOLDER))
    return {
        f"vault-{size}": (vault(work, size), "contents"),
        "examples": (examples, "."),
        "hostile": (hostile_vault(work), "."),
    }


def _seeds(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and "link:" in _text(path))


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _edit(folder: Path, mode: str) -> dict[Path, bytes]:
    """Change the corpus for ``mode``; what to write back afterwards."""
    seeds = [path for path in _seeds(folder) if CACHE_FOLDER not in path.parts]
    if mode == "cache-one-edited" and seeds:
        first = seeds[0]
        kept = {first: first.read_bytes()}
        first.write_bytes(kept[first] + b"\nOne more line.\n")
        return kept
    if mode == "cache-link-edited" and len(seeds) >= 2:
        source, target = seeds[0], seeds[1]
        link = next(line for line in _text(source).splitlines() if line.startswith("link:"))
        kept = {target: target.read_bytes()}
        lines = _text(target).splitlines(keepends=True)
        target.write_text(
            "".join(link + "\n" if line.startswith("link:") else line for line in lines),
            encoding="utf-8",
        )
        return kept
    return {}


def outputs(code: Path, work: Path, size: int, out: Path) -> None:
    """Write each corpus's JSON, mode by mode, as seen by the seedlint under ``code``."""
    environment = {**os.environ, "PYTHONPATH": str(code)}
    out.mkdir(parents=True, exist_ok=True)
    for name, (folder, target) in corpora(work, size).items():
        for mode, extra in MODES:
            if mode == "cache-cold":
                shutil.rmtree(folder / CACHE_FOLDER, ignore_errors=True)
            command = [sys.executable, "-m", "seedlint", "check", "--offline"]
            command += ["--format", "json", *extra, target]
            kept = _edit(folder, mode)
            try:
                ran = subprocess.run(command, cwd=folder, env=environment, capture_output=True)
            finally:
                for path, data in kept.items():
                    path.write_bytes(data)
            if kept:  # the next mode starts from the warm cache of the unedited corpus
                subprocess.run(command, cwd=folder, env=environment, capture_output=True)
            if ran.returncode not in (0, 1):
                raise SystemExit(f"{name} {mode}: exit {ran.returncode}: {ran.stderr[-500:]!r}")
            (out / f"{name}.{mode}.json").write_bytes(ran.stdout)
            (out / f"{name}.{mode}.exit").write_text(f"{ran.returncode}\n")
        shutil.rmtree(folder / CACHE_FOLDER, ignore_errors=True)


def export(revision: str, into: Path) -> Path:
    """The tree of ``revision`` as plain files (no worktree, no checkout)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def compare(before: Path, after: Path) -> int:
    names = sorted({path.name for folder in (before, after) for path in folder.iterdir()})
    differing = 0
    for name in names:
        old, new = before / name, after / name
        same = old.exists() and new.exists() and old.read_bytes() == new.read_bytes()
        size = new.stat().st_size if new.exists() else 0
        print(f"{'same' if same else 'DIFFERENT':<9} {name} ({size:,} bytes)")
        differing += not same
    print(f"{len(names) - differing} of {len(names)} outputs byte-identical")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--revision", help="git revision to compare this checkout with")
    which.add_argument("--against", type=Path, help="outputs saved earlier with --save")
    which.add_argument("--save", type=Path, help="only write this checkout's outputs here")
    parser.add_argument("--size", type=int, default=10_000, help="generated vault size")
    parser.add_argument("--work", type=Path, default=Path("/tmp/seedlint-bench"))
    args = parser.parse_args(argv)
    if args.save is not None:
        outputs(ROOT, args.work, args.size, args.save)
        return 0
    with tempfile.TemporaryDirectory(prefix="seedlint-compare-") as scratch:
        after = Path(scratch) / "after"
        outputs(ROOT, args.work, args.size, after)
        if args.against is not None:
            return compare(args.against, after)
        before = Path(scratch) / "before"
        code = export(args.revision, Path(scratch) / "code")
        outputs(code, args.work, args.size, before)
        return compare(before, after)


if __name__ == "__main__":
    raise SystemExit(main())
