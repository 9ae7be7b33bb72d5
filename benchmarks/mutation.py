"""Mutation testing of the modules where a silent bug costs most, module by module.

Runs mutmut (the ``mutation`` extra) on one module at a time, against only the test files
that exercise it, within a time budget, and prints the kill rate per module with every
surviving mutant as ``file:line`` and the change it made. docs/testing.md explains the
figures and classifies the survivors.

Nothing here touches the checkout: each module is tested in a copy of the tracked (and
new, unignored) files under ``--workdir``, where mutmut writes its ``mutants/`` tree. The
mutated code never exists outside that copy, so an interrupted run leaves no mutant
behind in the repository.

    python benchmarks/mutation.py                  # every module, default budgets
    python benchmarks/mutation.py guard baseline   # some modules
    python benchmarks/mutation.py --budget 120 selection --json out.json
    python benchmarks/mutation.py cache --mutants 'seedlint.cache.store.*'   # some mutants

The machine is shared: mutmut runs under ``nice -n 19`` with one worker unless told.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """A module under mutation: its files, the functions in scope, the tests that bite."""

    files: tuple[str, ...]
    tests: tuple[str, ...]
    #: fnmatch patterns over mutmut's mutant names; empty: every function of the files.
    scope: tuple[str, ...] = ()
    #: default budget in seconds for the mutant runs (generation and stats come on top).
    budget: int = 240
    #: node id prefixes of the test files above left out (tests that run the program:
    #: mutmut cannot follow them, and they cost the most time).
    deselect: tuple[str, ...] = ()


# Which tests exercise which module: a mutant runs only the tests of its module (and, of
# those, mutmut runs only the ones whose run entered the mutated function).
TARGETS: dict[str, Target] = {
    "guard": Target(
        files=("seedlint/links/guard.py",),
        tests=("tests/links/test_guard.py", "tests/mutation/test_guard_mutants.py"),
        budget=300,
    ),
    "fixer": Target(
        files=("seedlint/fixer.py", "seedlint/project.py"),
        tests=(
            "tests/fix/test_engine.py",
            "tests/fix/test_verify.py",
            "tests/fix/test_faults.py",
            "tests/fix/test_project_root.py",
            "tests/fix/test_cli.py",
            "tests/fix/test_yaml_fixes.py",
            "tests/fix/test_create_topic_note.py",
            "tests/fix/test_golden.py",
            # Not tests/hostile/test_fix_faults.py: it interrupts 1,000-file runs of the
            # program at chosen calls, minutes a mutant, and its patches of seedlint.fixer
            # do not hold through mutmut's trampolines.
            "tests/mutation/test_fixer_mutants.py",
            "tests/mutation/test_fixer_engine_mutants.py",
        ),
        budget=600,
    ),
    "cache": Target(
        files=(
            "seedlint/cache/encoding.py",
            "seedlint/cache/folder.py",
            "seedlint/cache/recording.py",
            "seedlint/cache/runkey.py",
            "seedlint/cache/store.py",
            "seedlint/cache/validity.py",
        ),
        tests=(
            "tests/mutation/test_cache_mutants.py",
            "tests/mutation/test_cache_payload_mutants.py",
            # Its tests that run in this process; those that run the program are left out.
            "tests/scale/test_cache.py",
            # Not tests/hostile/test_cache_attacks.py: it runs the program on planted
            # caches (mutmut cannot follow a program's calls), 160 s unmutated, and with
            # it mutmut's first pass alone outlasted 600 s. The in-process tests above
            # plant the same files.
        ),
        deselect=tuple(
            f"tests/scale/test_cache.py::{name}"
            for name in (
                "test_a_corrupt_database_is_rebuilt",
                "test_an_unusable_cache_folder_only_costs_time",
                "test_cold_warm_and_uncached_runs_print_the_same_bytes",
                "test_concurrent_processes_share_the_cache",
                "test_no_cache_neither_reads_nor_writes",
                "test_paths_follow_the_invocation_not_the_cache",
            )
        ),
        budget=1800,
    ),
    "link-cache": Target(
        files=("seedlint/links/cache.py",),
        tests=(
            "tests/links/test_cache.py",
            "tests/links/test_hostile_cache.py",
            "tests/mutation/test_link_cache_mutants.py",
        ),
        budget=600,
    ),
    "suppression": Target(
        files=("seedlint/suppression.py",),
        tests=(
            "tests/test_suppression.py",
            "tests/test_config.py",
            "tests/mutation/test_suppression_mutants.py",
        ),
        budget=300,
    ),
    "selection": Target(
        files=("seedlint/linter.py", "seedlint/registry.py"),
        tests=(
            "tests/test_selectors.py",
            "tests/test_config.py",
            "tests/mutation/test_selection_mutants.py",
        ),
        scope=(
            "seedlint.linter.x__specificity__mutmut_*",
            "seedlint.linter.x__any_selects__mutmut_*",
            "seedlint.linter.x_is_selected__mutmut_*",
            "seedlint.linter.xǁSelectionǁ*",
            "seedlint.linter.xǁLinterǁ_per_file_ignores__mutmut_*",
            "seedlint.registry.x_resolve_selector__mutmut_*",
            "seedlint.registry.x_is_known_selector__mutmut_*",
            "seedlint.registry.x__did_you_mean__mutmut_*",
            "seedlint.registry.xǁUnknownSelectorǁ*",
        ),
        budget=300,
    ),
    "baseline": Target(
        files=("seedlint/baseline.py",),
        tests=("tests/integrations/test_baseline.py", "tests/mutation/test_baseline_mutants.py"),
        budget=300,
    ),
    "positions": Target(
        files=("seedlint/document.py",),
        tests=(
            "tests/test_offsets.py",
            "tests/rules/test_whitespace.py",  # columns of real findings, CRLF and CJK
            "tests/mutation/test_positions_mutants.py",
        ),
        scope=(
            "seedlint.document.xǁLineIndexǁ*",
            "seedlint.document.xǁ_Offsetsǁ*",
            "seedlint.document.x__uniform_runs__mutmut_*",
            "seedlint.document.x__utf8_width__mutmut_*",
        ),
        budget=300,
    ),
}

#: mutmut's exit codes of a mutant's test run, as its own status table names them.
KILLED = {1, 3}
SURVIVED = {0}
NO_TESTS = {5, 33}
TIMEOUT = {36, -24, 24, 152, 255}


@dataclass
class Outcome:
    module: str
    total: int = 0
    killed: int = 0
    timeout: int = 0
    unchecked: int = 0
    survivors: list[dict[str, object]] = field(default_factory=list)
    seconds: float = 0.0
    stopped_by_budget: bool = False
    error: str = ""

    @property
    def checked(self) -> int:
        return self.total - self.unchecked

    @property
    def rate(self) -> float:
        # A mutant that made its tests time out is caught: the run did not pass.
        return (self.killed + self.timeout) / self.checked if self.checked else 0.0


def _copy_checkout(destination: Path) -> list[str]:
    """The tracked and new (unignored) files of the checkout; the top-level entries
    besides the package, for mutmut to copy beside the mutants (tests read examples/,
    docs/, schemas/ by their path from the tests folder)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    tops: set[str] = set()
    for raw in listed:
        name = raw.decode()
        source = ROOT / name
        if not name or not source.is_file() or source.is_symlink():
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        top = name.split("/", 1)[0]
        tops.add(top + "/" if "/" in name else top)
    return sorted(tops - {"seedlint/", "tests/", "pyproject.toml"})


def _configure(
    workdir: Path, target: Target, also_copy: list[str], excluded: Sequence[str]
) -> None:
    """mutmut's section in the copy's pyproject.toml: what to mutate, which tests run."""
    tests = [
        test
        for test in target.tests
        if (workdir / test.partition("::")[0]).exists() and not test.startswith(tuple(excluded))
    ]
    options = ["-p", "no:cacheprovider"]
    for prefix in target.deselect:
        options += ["--deselect", prefix]
    # timeout_multiplier: a mutant whose tests take 5 times as long as unmutated is a
    # hang (mutmut's default, 15, let one mutant of `_tag` that scans range(2**64) hold
    # the only worker for minutes); it counts as killed, as before.
    section = textwrap.dedent(
        f"""
        [tool.mutmut]
        source_paths = ["seedlint/"]
        only_mutate = {json.dumps(list(target.files))}
        pytest_add_cli_args_test_selection = {json.dumps(tests)}
        pytest_add_cli_args = {json.dumps(options)}
        use_git_change_detection = false
        timeout_multiplier = 5.0
        also_copy = {json.dumps(also_copy)}
        """
    )
    pyproject = workdir / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + section, encoding="utf-8")
    # mutmut copies tests/ into mutants/ after the interpreter has listed that folder;
    # a listing cached from before the copy hides the `tests` package from the run.
    shutil.copytree(workdir / "tests", workdir / "mutants" / "tests")
    # A test that runs seedlint as a program starts a Python that imports the mutants.
    # In mutmut's first pass ("stats") their trampolines would look for mutmut's settings
    # in the test's folder and crash: there, the program runs the original code instead.
    # With a mutant active, the program runs the mutant, as the test process does.
    (workdir / "mutants" / "sitecustomize.py").write_text(
        "import os\n"
        "if os.environ.get('MUTANT_UNDER_TEST') == 'stats':\n"
        "    os.environ['MUTANT_UNDER_TEST'] = ''\n",
        encoding="utf-8",
    )


def _in_scope(name: str, target: Target) -> bool:
    return not target.scope or any(fnmatch.fnmatchcase(name, p) for p in target.scope)


def _diffs(workdir: Path, names: list[str]) -> dict[str, str]:
    """mutmut's diff of each mutant against its original function."""
    if not names:
        return {}
    script = (
        "import json, sys\n"
        "from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant\n"
        "out = {}\n"
        "for name in json.load(sys.stdin):\n"
        "    out[name] = get_diff_for_mutant(name, path=find_mutant(name).path)\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=workdir,
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {name: "(no diff: " + done.stderr.strip().splitlines()[-1] + ")" for name in names}
    diffs: dict[str, str] = json.loads(done.stdout)
    return diffs


_HUNK = re.compile(r"^@@ -(\d+)")


def _function_lines(path: Path) -> dict[str, int]:
    """The first line of every function, keyed as mutmut names them (``xǁClassǁname``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines[f"x_{node.name}"] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines[f"xǁ{node.name}ǁ{item.name}"] = item.lineno
    return lines


def _where(name: str, diff: str, lines: dict[str, int]) -> tuple[int, str]:
    """The file line of a mutant's change and the change as ``old -> new``."""
    function = name.rsplit(".", 1)[-1].rsplit("__mutmut_", 1)[0]
    start = lines.get(function, 0)
    offset, old, new = 0, "", ""
    line = 0
    for text in diff.splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            line = int(hunk.group(1)) - 1
            continue
        if text.startswith(("---", "+++")):
            continue
        if text.startswith("-") and not old:
            old, offset = text[1:].strip(), line
        elif text.startswith("+") and not new:
            new = text[1:].strip()
            if not old:
                offset = line
        if not text.startswith("+"):
            line += 1
    return start + offset, f"{old} -> {new}"


def run_module(module: str, target: Target, args: argparse.Namespace) -> Outcome:
    outcome = Outcome(module)
    workdir = Path(args.workdir) / module
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    _configure(workdir, target, _copy_checkout(workdir), args.exclude)
    environment = dict(os.environ)
    # Subprocess tests (the CLI run as a program) must import the mutated copy too.
    environment["PYTHONPATH"] = str(workdir / "mutants")
    # --mutants: only those (a re-run of the survivors of a full run, after new tests).
    patterns = list(args.mutants or target.scope)
    command = ["nice", "-n", str(args.nice), sys.executable, "-m", "mutmut", "run"]
    command += ["--max-children", str(args.workers), *patterns]
    budget = args.budget or target.budget
    started = time.monotonic()
    log = (workdir / "mutmut.log").open("wb")
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        process.wait(timeout=budget)
    except subprocess.TimeoutExpired:
        outcome.stopped_by_budget = True
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finally:
        log.close()
    outcome.seconds = time.monotonic() - started
    log_text = (workdir / "mutmut.log").read_bytes().decode(errors="replace")
    # mutmut stops when no test entered any mutated function (tests that only run
    # seedlint as a program, which it cannot follow): every mutant is then untested.
    untested = "could not find any test case for any mutant" in log_text
    if process.returncode not in (0, None) and not outcome.stopped_by_budget and not untested:
        outcome.error = f"mutmut exited {process.returncode}: {log_text.strip().splitlines()[-1:]}"
    pending: list[tuple[str, str, int | None]] = []
    for file in target.files:
        meta = workdir / "mutants" / (file + ".meta")
        if not meta.exists():
            outcome.error = outcome.error or f"no results for {file} (see {workdir}/mutmut.log)"
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for name, code in sorted(codes.items()):
            if not _in_scope(name, target) or (
                args.mutants and not any(fnmatch.fnmatchcase(name, p) for p in args.mutants)
            ):
                continue
            outcome.total += 1
            if code is None and untested:
                code = 33
            if code is None:
                outcome.unchecked += 1
            elif code in KILLED:
                outcome.killed += 1
            elif code in TIMEOUT:
                outcome.timeout += 1
            else:
                pending.append((file, name, code))
    diffs = _diffs(workdir, [name for _, name, _ in pending])
    # Lines of the copy that was mutated: the checkout may have moved on meanwhile.
    lines_by_file = {file: _function_lines(workdir / file) for file in target.files}
    for file, name, code in pending:
        line, change = _where(name, diffs.get(name, ""), lines_by_file[file])
        status = "no tests" if code in NO_TESTS else "survived" if code in SURVIVED else str(code)
        outcome.survivors.append(
            {"mutant": name, "where": f"{file}:{line}", "status": status, "change": change}
        )
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(TARGETS)}; default: all")
    parser.add_argument("--budget", type=int, default=0, help="seconds per module")
    parser.add_argument("--workers", type=int, default=1, help="mutmut worker processes")
    parser.add_argument("--nice", type=int, default=19)
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "seedlint-mut"))
    parser.add_argument("--keep", action="store_true", help="keep each module's copy")
    parser.add_argument("--json", help="also write the outcomes to this file")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PREFIX",
        help="leave out the test files under PREFIX (tests/mutation/: the figures before them)",
    )
    parser.add_argument(
        "--mutants",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only the mutants whose names match (fnmatch; repeatable): re-run survivors",
    )
    args = parser.parse_args()
    modules = args.modules or list(TARGETS)
    unknown = [module for module in modules if module not in TARGETS]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}: choose from {', '.join(TARGETS)}")
    outcomes: list[Outcome] = []
    started = time.monotonic()
    for module in modules:
        outcome = run_module(module, TARGETS[module], args)
        outcomes.append(outcome)
        note = " (budget reached)" if outcome.stopped_by_budget else ""
        print(
            f"{module:12} {outcome.killed + outcome.timeout:4d}/{outcome.checked:<4d} killed "
            f"{outcome.rate:6.1%}  timeouts {outcome.timeout}, unchecked {outcome.unchecked}, "
            f"{outcome.seconds:.0f} s{note}",
            flush=True,
        )
        if outcome.error:
            print(f"    error: {outcome.error}", flush=True)
        for survivor in outcome.survivors:
            print(f"    {survivor['where']}: {survivor['status']}: {survivor['change']}")
            print(f"        {survivor['mutant']}", flush=True)
    print(f"total {time.monotonic() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(
            json.dumps([outcome.__dict__ for outcome in outcomes], indent=1), encoding="utf-8"
        )
    return 1 if any(outcome.error for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
