"""`seedlint check`: discover files, lint them, report, choose the exit code."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from seedlint import baseline
from seedlint.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError, _load_config
from seedlint.config import ConfigError, Configuration
from seedlint.context import RunContext
from seedlint.findings import Finding, Severity
from seedlint.links import offline_requested
from seedlint.linter import FileResult, Linter, Selection, iter_findings
from seedlint.registry import PluginError, load_rules
from seedlint.reporters import REPORTERS, ReportOptions, RunSummary
from seedlint.reporters.text import colour_wanted
from seedlint.walk import discover_files

#: Rules that need the network; `--offline` turns them off.
NETWORK_CODES = frozenset({"L001", "L002", "L004", "L007"})
STDIN = "-"


@dataclass
class Run:
    configuration: Configuration
    context: RunContext
    linter: Linter
    paths: list[str]


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if args.topics_root is not None:
        overrides["topics-root"] = str(Path(args.topics_root).resolve())
    return overrides


def prepare(args: argparse.Namespace) -> Run:
    if args.format not in REPORTERS:
        choices = ", ".join(REPORTERS)
        raise UsageError(f"unknown format {args.format!r} (choose from {choices})")
    first = Path(args.paths[0]) if args.paths and args.paths[0] != STDIN else Path.cwd()
    if args.stdin_filename and args.paths == [STDIN]:
        first = Path(args.stdin_filename)
    configuration = _load_config(args.config, first, _overrides(args))
    settings = configuration.settings
    updates: dict[str, Any] = {}
    if args.select is not None:
        updates["select"] = args.select
    if args.extend_select:
        updates["extend_select"] = [*settings.extend_select, *args.extend_select]
    if args.ignore:
        updates["ignore"] = [*settings.ignore, *args.ignore]
    if getattr(args, "no_cache", False):
        updates["links"] = {**settings.links.model_dump(), "cache": False}
    links = updates.get("links", settings.links.model_dump())
    if getattr(args, "refresh", False):
        updates["links"] = links = {**links, "refresh": True}
    fixing = args.command == "fix" or getattr(args, "fix", False) or args.diff
    if getattr(args, "unsafe_fixes", False) and fixing:
        # The redirect or archived copy a fix writes is checked in this run, not cached.
        updates["links"] = {**links, "fresh_fix_targets": True}
    try:
        configuration = configuration.with_overrides(updates, "command line")
    except ConfigError as error:
        raise UsageError(str(error)) from None
    try:
        rules = load_rules()
    except PluginError as error:
        raise UsageError(str(error)) from None
    context = RunContext(configuration)
    offline = args.offline or offline_requested()
    selection = Selection.build(rules, context, offline=offline, network=NETWORK_CODES)
    linter = Linter(selection, context)
    paths: list[str] = []
    if args.paths != [STDIN]:
        skip = [configuration.topics_root / "topics"]
        paths = list(
            discover_files(
                args.paths,
                root=configuration.root,
                skip=skip,
                exclude=settings.exclude,
                on_folder_error=lambda folder, error: context.notes.append(
                    f"{folder}: cannot list folder ({error.strerror}): its files were not linted"
                ),
            )
        )
    return Run(configuration, context, linter, paths)


def lint(run: Run, args: argparse.Namespace) -> list[FileResult]:
    if args.paths == [STDIN]:
        name = args.stdin_filename or "-"
        results = [run.linter.lint_path(name, sys.stdin.buffer.read())]
        run.linter.finish(results)
        return results
    from seedlint.parallel import cache_for, check_files

    no_cache = getattr(args, "no_cache", False)
    cache = None if no_cache else cache_for(run.linter, run.configuration.root)
    jobs = getattr(args, "jobs", 0)
    return check_files(run.linter, run.paths, jobs=jobs, cache=cache, volatile=NETWORK_CODES)


def exit_code(findings: list[Finding], args: argparse.Namespace) -> int:
    if getattr(args, "exit_zero", False):
        return EXIT_OK
    failing = any(finding.severity.rank >= Severity.WARNING.rank for finding in findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def report(
    findings: list[Finding], summary: RunSummary, args: argparse.Namespace, options: ReportOptions
) -> None:
    with ExitStack() as stack:
        out: TextIO = sys.stdout
        if args.output_file is not None:
            out = stack.enter_context(_open_output(args.output_file))
        colour = options.colour and out is sys.stdout and colour_wanted(sys.stdout)
        options = ReportOptions(colour, options.show_fixes, options.unsafe_fixes, options.quiet)
        if getattr(args, "statistics", False):
            from seedlint.statistics import report_statistics

            report_statistics(findings, out, args.format, getattr(args, "unsafe_fixes", False))
            return
        REPORTERS[args.format](findings, summary, out, options)


def _open_output(path: Path) -> TextIO:
    # As ruff: a report path in a folder not made yet (`reports/seedlint.sarif`) is fine.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # As on stdout: a file name that is not UTF-8 is written as its own bytes.
        return path.open("w", encoding="utf-8", errors="surrogateescape")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def run_check(args: argparse.Namespace) -> int:
    run = prepare(args)
    results = lint(run, args)
    for note in run.context.notes:
        if not args.quiet:
            print(f"seedlint: note: {note}", file=sys.stderr)
    findings = list(iter_findings(results))
    if args.write_baseline is not None:
        return baseline.record(args.write_baseline, findings, args.quiet)
    if args.baseline is not None:
        findings = baseline.apply(args.baseline, findings, args.quiet)
    summary = RunSummary.of(len(results), findings, paths=[result.path for result in results])
    options = ReportOptions(
        colour=True, show_fixes=args.show_fixes, unsafe_fixes=args.unsafe_fixes, quiet=args.quiet
    )
    report(findings, summary, args, options)
    crashes = [*(error for result in results for error in result.errors), *run.linter.errors]
    for crash in crashes:
        print(f"seedlint: error: {crash}", file=sys.stderr)
    return EXIT_ERROR if crashes else exit_code(findings, args)
