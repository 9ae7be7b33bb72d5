"""Time `seedlint fix --offline` on a 10,000-seed vault where 20% of the seeds need a fix.

The vault comes from generate.py (clean seeds, its own defects off); then one seed in five
gets one defect from a menu of safe-fixable slips (trailing blanks, an unquoted or
slashed date, a tag with spaces, a repeated tag, keys out of order, a CRLF among LF, a
topic reference with a literal space, a repeated topic reference or link, a missing
source line, an unused suppression comment). Every run is a fresh process on a fresh
copy of the vault, page cache warm, default worker count:

- check: `seedlint check --offline --no-cache` (the reference figure);
- diff: `seedlint fix --diff --offline --no-cache` (fixes in memory, writes nothing);
- fix: `seedlint fix --offline --no-cache` (lints, fixes, verifies, writes 20% of files);
- fix again: the same command on the fixed copy (nothing left to fix);
- fix, warm cache: `seedlint fix --offline` after a `seedlint fix --diff` filled the
  result cache (only the files to fix are linted again). A `check` would do, but while
  the cache's code fingerprint counts the modules a command happened to import, `check`
  and `fix` do not share entries.

After the first fix the script checks its work: every defective seed changed, no clean
seed did, and a `check` of the fixed copy reports none of the injected codes.

    python benchmarks/bench_fix.py                 # 10,000 seeds, 3 runs each
    python benchmarks/bench_fix.py --n 1000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

Defect = Callable[[str, random.Random], str | None]

_DATE = re.compile(r"^upload_date: '(\d{4})-(\d{2})-(\d{2})'$", re.MULTILINE)
_ENCODED_REF = re.compile(r"^!\[\]\(topics/[^)\n]*%20[^)\n]*\)$", re.MULTILINE)
_REF = re.compile(r"^!\[\]\(topics/[^)\n]*\)$|^!\[\[topics/[^\]\n]*\]\]$", re.MULTILINE)
_LINK_ITEM = re.compile(r"^- \[[^\n]*$", re.MULTILINE)


def _trailing_blanks(text: str, rng: random.Random) -> str | None:
    return text.replace("## Summary\n", "## Summary  \n", 1)


def _unquoted_date(text: str, rng: random.Random) -> str | None:
    return _DATE.sub(r"upload_date: \1-\2-\3", text, count=1)


def _slashed_date(text: str, rng: random.Random) -> str | None:
    return _DATE.sub(r"upload_date: \1/\2/\3", text, count=1)


def _tag_with_spaces(text: str, rng: random.Random) -> str | None:
    return (
        text.replace("\ntags:\n", "\ntags:\n- '#Machine Learning'\n", 1)
        if "\ntags:\n" in text
        else None
    )


def _repeated_tag(text: str, rng: random.Random) -> str | None:
    if "\ntags:\n" not in text:
        return None
    head, _, rest = text.partition("\ntags:\n")
    first = rest.split("\n", 1)[0]
    return f"{head}\ntags:\n{first}\n{rest}"


def _keys_out_of_order(text: str, rng: random.Random) -> str | None:
    match = _DATE.search(text)
    if match is None:
        return None
    line = match.group(0)
    return text.replace(line + "\n", "", 1).replace("---\n", f"---\n{line}\n", 1)


def _crlf_among_lf(text: str, rng: random.Random) -> str | None:
    first, _, rest = text.partition("\n")
    return first + "\r\n" + rest


def _literal_space(text: str, rng: random.Random) -> str | None:
    match = _ENCODED_REF.search(text)
    if match is None:
        return None
    return text[: match.start()] + match.group(0).replace("%20", " ") + text[match.end() :]


def _repeated_ref(text: str, rng: random.Random) -> str | None:
    match = _REF.search(text)
    if match is None:
        return None
    return text[: match.end()] + "\n\n" + match.group(0) + text[match.end() :]


def _repeated_link(text: str, rng: random.Random) -> str | None:
    match = _LINK_ITEM.search(text)
    if match is None:
        return None
    return text[: match.end()] + "\n" + match.group(0) + text[match.end() :]


def _missing_source_line(text: str, rng: random.Random) -> str | None:
    head, fence, body = text.partition("\n---\n\n")
    source, _, rest = body.partition("\n")
    return head + fence + rest if source.startswith("http") else None


def _unused_suppression(text: str, rng: random.Random) -> str | None:
    return text.replace("## Summary\n", "## Summary <!-- seedlint-disable-line T001 -->\n", 1)


DEFECTS: dict[str, tuple[Defect, str]] = {
    "trailing-blanks": (_trailing_blanks, "W001"),
    "unquoted-date": (_unquoted_date, "F201"),
    "slashed-date": (_slashed_date, "F201"),
    "tag-with-spaces": (_tag_with_spaces, "F202"),
    "repeated-tag": (_repeated_tag, "F203"),
    "keys-out-of-order": (_keys_out_of_order, "F204"),
    "crlf-among-lf": (_crlf_among_lf, "W002"),
    "literal-space": (_literal_space, "T002"),
    "repeated-ref": (_repeated_ref, "T003"),
    "repeated-link": (_repeated_link, "L006"),
    "missing-source-line": (_missing_source_line, "S005"),
    "unused-suppression": (_unused_suppression, "X001"),
}


def build(out: Path, n: int, share: float, seed: int) -> dict[Path, str]:
    """Write the vault; return each defective seed with the code its defect raises."""
    corpus = generate(out, n, seed=seed, defect_rate=0.0)
    rng = random.Random(seed)
    chosen = rng.sample(corpus.seeds, round(n * share))
    defective: dict[Path, str] = {}
    names = list(DEFECTS)
    for path in chosen:
        text = path.read_bytes().decode("utf-8")
        for name in rng.sample(names, len(names)):  # the first defect this seed can take
            defect, code = DEFECTS[name]
            changed = defect(text, rng)
            if changed is not None and changed != text:
                path.write_bytes(changed.encode("utf-8"))
                defective[path.relative_to(out)] = code
                break
    return defective


def _warm_page_cache(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            path.read_bytes()


def timed(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start, done


def seedlint(*args: str) -> list[str]:
    return [sys.executable, "-m", "seedlint", *args]


def snapshot(root: Path) -> dict[Path, bytes]:
    return {path.relative_to(root): path.read_bytes() for path in root.rglob("*.md")}


def verify(original: Path, fixed: Path, defective: dict[Path, str]) -> str:
    before, after = snapshot(original), snapshot(fixed)
    changed = {path for path in before if before[path] != after[path]}
    missed = set(defective) - changed
    extra = changed - set(defective)
    done = subprocess.run(
        seedlint("check", "--offline", "--format", "json", "."),
        cwd=fixed,
        capture_output=True,
        check=False,
    )
    report = json.loads(done.stdout)
    injected = set(defective.values())
    left = [f for f in report["findings"] if f["code"] in injected]
    problems = []
    if missed:
        problems.append(f"{len(missed)} defective seeds unchanged, e.g. {sorted(missed)[0]}")
    if extra:
        problems.append(f"{len(extra)} clean files changed, e.g. {sorted(extra)[0]}")
    if left:
        problems.append(f"{len(left)} findings of injected codes left, e.g. {left[0]}")
    return "; ".join(problems) or f"ok: {len(changed)} seeds fixed, no other file changed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="seeds in the vault")
    parser.add_argument("--share", type=float, default=0.2, help="share of seeds to break")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="seedlint-bench-fix-") as work:
        base = Path(work) / "vault"
        defective = build(base, args.n, args.share, args.seed)
        by_code: dict[str, int] = {}
        for code in defective.values():
            by_code[code] = by_code.get(code, 0) + 1
        print(
            f"{args.n} seeds, {len(defective)} with a fixable defect: "
            + ", ".join(f"{code} {count}" for code, count in sorted(by_code.items()))
        )
        names = ("check", "diff", "fix", "fix again", "fix, warm cache")
        figures: dict[str, list[float]] = {name: [] for name in names}
        verdict = ""
        cold = ("--offline", "--quiet", "--no-cache", ".")
        for run in range(args.repeat):
            copy = Path(work) / f"copy{run}"
            shutil.copytree(base, copy)
            _warm_page_cache(copy)
            seconds, done = timed(seedlint("check", *cold), copy)
            figures["check"].append(seconds)
            seconds, done = timed(seedlint("fix", "--diff", *cold), copy)
            figures["diff"].append(seconds)
            assert done.returncode == 1, done.stderr[-2000:]
            seconds, done = timed(seedlint("fix", *cold), copy)
            figures["fix"].append(seconds)
            if done.returncode not in (0, 1):
                print(done.stderr.decode()[-2000:], file=sys.stderr)
                return 1
            if run == 0:
                verdict = verify(base, copy, defective)
            seconds, _ = timed(seedlint("fix", *cold), copy)
            figures["fix again"].append(seconds)
            shutil.rmtree(copy)
            shutil.copytree(base, copy)
            _warm_page_cache(copy)
            filler = seedlint("fix", "--diff", "--offline", "--quiet", ".")
            subprocess.run(filler, cwd=copy, capture_output=True, check=False)
            seconds, _ = timed(seedlint("fix", "--offline", "--quiet", "."), copy)
            figures["fix, warm cache"].append(seconds)
            shutil.rmtree(copy)
        print(f"check of the fixed vault: {verdict}")
        for name, values in figures.items():
            median = statistics.median(values)
            rate = args.n / median
            print(f"{name:>15}: {median:6.2f} s median of {len(values)} ({rate:,.0f} files/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
