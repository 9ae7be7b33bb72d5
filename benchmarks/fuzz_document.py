"""Fuzz one seed file's whole journey: decode, parse, every rule, every report, the fixer.

Coverage-guided with atheris (libFuzzer) when it is installed; otherwise a time-boxed
hypothesis run over the same inputs, without coverage guidance. Either way a crash is any
exception escaping, a report that is not well formed, or a fix that is not idempotent.

    # short run, as CI does (about 20 s of fuzzing):
    python benchmarks/fuzz_document.py -max_total_time=20
    # long run, keeping the corpus it grows (see docs/robustness.md):
    python benchmarks/fuzz_document.py -max_total_time=3600 -jobs=2 fuzz-corpus/
    # without atheris, or to force the fallback:
    python benchmarks/fuzz_document.py --hypothesis -max_total_time=20

Seed inputs are the real example seed and the hostile corpus of tests/hostile; libFuzzer
flags (``-max_len``, ``-dict``, ``-runs``...) pass through. A crash input is saved as
``crash-<sha1>`` in the working folder; replay it with ``python benchmarks/fuzz_document.py
crash-<sha1>``.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    import atheris
except ImportError:  # the fallback below needs only hypothesis
    atheris = None

if atheris is not None and "--hypothesis" not in sys.argv:
    with atheris.instrument_imports(include=["seedlint", "yaml"]):
        from seedlint.document import UnreadableFile
        from seedlint.fixer import Fixer
        from seedlint.reporters import REPORTERS, ReportOptions, RunSummary
else:
    from seedlint.document import UnreadableFile
    from seedlint.fixer import Fixer
    from seedlint.reporters import REPORTERS, ReportOptions, RunSummary

from tests.helpers import make_linter  # noqa: E402 - after the instrumented imports

LINTER = make_linter()
FIXER = Fixer(make_linter(), unsafe=True)


def one_input(data: bytes) -> None:
    result = LINTER.lint_path("fuzz.md", data)
    LINTER.finish([result])
    summary = RunSummary.of(1, result.findings)
    for name, reporter in REPORTERS.items():
        out = io.StringIO()
        reporter(result.findings, summary, out, ReportOptions(show_fixes=True))
        if name in ("json", "sarif"):
            json.loads(out.getvalue())
        elif name == "jsonl":
            for line in out.getvalue().splitlines():
                json.loads(line)
    try:
        outcome = FIXER.fix("fuzz.md", data)
    except UnreadableFile:
        return
    if outcome.changed:
        again = FIXER.fix("fuzz.md", outcome.data)
        if again.changed:
            raise AssertionError("fix is not idempotent")


def seed_corpus() -> Path:
    """A folder with the real seed and the hostile corpus's small cases."""
    from tests.hostile.test_corpus import CASES

    folder = Path(tempfile.mkdtemp(prefix="seedlint-fuzz-seeds-"))
    (folder / "real-seed").write_bytes(
        (ROOT / "examples" / "000_7277590c367447cf.txt").read_bytes()
    )
    for index, case in enumerate(CASES):
        data = case.content()
        if len(data) <= 64 * 1024:
            (folder / f"case-{index:02d}").write_bytes(data)
    return folder


def token_dictionary() -> Path:
    """The hostile tokens of the test strategies, as a libFuzzer dictionary."""
    from tests.hostile.strategies import TOKENS

    lines = ['"' + "".join(f"\\x{byte:02x}" for byte in token) + '"' for token in TOKENS]
    handle, name = tempfile.mkstemp(prefix="seedlint-fuzz-", suffix=".dict")
    os.write(handle, ("\n".join(lines) + "\n").encode())
    os.close(handle)
    return Path(name)


def _seconds(argv: list[str], default: float) -> float:
    for argument in argv:
        if argument.startswith("-max_total_time="):
            return float(argument.split("=", 1)[1])
    return default


def run_atheris(argv: list[str]) -> None:
    assert atheris is not None
    # libFuzzer grows the first folder it is given and only reads the others: the seeds
    # go last, so that a long run's own corpus (first) is kept and reused.
    replaying = any(Path(a).is_file() for a in argv[1:] if not a.startswith("-"))
    if not replaying:
        argv = [*argv, str(seed_corpus())]
    if not any(a.startswith("-max_len=") for a in argv):
        argv = [*argv, "-max_len=8192"]
    if not any(a.startswith("-dict=") for a in argv):
        argv = [*argv, f"-dict={token_dictionary()}"]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def run_hypothesis(argv: list[str]) -> None:
    """Not coverage-guided: the hostile strategies of the test suite, for a time budget."""
    from hypothesis import HealthCheck, given, settings

    from tests.hostile.strategies import any_file

    replay = [Path(a) for a in argv[1:] if not a.startswith("-") and Path(a).is_file()]
    for path in replay:
        one_input(path.read_bytes())
    if replay:
        print(f"replayed {len(replay)} input(s): no crash")
        return
    budget = _seconds(argv, 20.0)
    examples = 0

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=any_file)
    def fuzz(data: bytes) -> None:
        nonlocal examples
        examples += 1
        try:
            one_input(data)
        except Exception:
            crash = Path(f"crash-hypothesis-{os.getpid()}-{examples}")
            crash.write_bytes(data)
            print(f"crash input saved to {crash}", file=sys.stderr)
            raise

    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        fuzz()
    print(f"hypothesis fallback: {examples} inputs in {budget:.0f} s, no crash")


if __name__ == "__main__":
    if atheris is None or "--hypothesis" in sys.argv:
        run_hypothesis([a for a in sys.argv if a != "--hypothesis"])
    else:
        run_atheris(sys.argv)
