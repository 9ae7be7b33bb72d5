"""`seedlint check`: discover files, lint them, report, choose the exit code."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from seedlint import baseline, project
from seedlint.commands.options import STDIN, LintOptions
from seedlint.config import (
    COMMAND_LINE,
    ConfigError,
    Configuration,
    discover,
    find_vault,
    load,
)
from seedlint.context import RunContext
from seedlint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError
from seedlint.findings import Finding, Severity
from seedlint.links import offline_requested
from seedlint.linter import FileResult, Linter, Selection, iter_findings
from seedlint.registry import PluginError, UnknownSelector, load_rules, resolve_selector
from seedlint.reporters import REPORTERS, Reporter, ReportOptions, RunSummary
from seedlint.reporters.plugins import UnknownFormat, reporter_for
from seedlint.reporters.text import colour_wanted
from seedlint.rule import Rule
from seedlint.topics import TOPICS_FOLDER
from seedlint.walk import FileFilter, discover_files

__all__ = ["NETWORK_CODES", "STDIN", "LintOptions", "Run", "prepare", "run_check"]
from seedlint.terminal import visible

#: Rules that need the network; `--offline` turns them off.
NETWORK_CODES = frozenset({"L001", "L002", "L004", "L007"})


@dataclass
class Run:
    configuration: Configuration
    context: RunContext
    linter: Linter
    paths: list[str]
    #: Standard input named as a file the run would not lint (a topic note, or excluded
    #: with force-exclude): nothing is reported, and `fix` gives the text back unchanged.
    stdin_skipped: bool = False


def load_configuration(
    config_path: Path | None, start: Path, overrides: dict[str, Any] | None = None
) -> Configuration:
    """The configuration a run uses: ``config_path``, else the nearest one above ``start``."""
    try:
        path = config_path if config_path is not None else discover(start)
        return load(path, overrides)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _first_path(options: LintOptions) -> Path:
    if options.reads_stdin:
        return Path(options.stdin_filename) if options.stdin_filename else Path.cwd()
    return Path(options.paths[0]) if options.paths else Path.cwd()


def _command_line_selectors(
    options: LintOptions, configuration: Configuration, rules: dict[str, Rule]
) -> dict[str, Any]:
    """The settings the selection flags change, each selector checked against ``rules``."""

    def resolved(flag: str, codes: list[str]) -> list[str]:
        try:
            return [resolve_selector(code, rules) for code in codes]
        except UnknownSelector as error:
            raise UsageError(
                f"{COMMAND_LINE}: unknown rule selector {error.selector!r} in {flag}{error.hint}"
            ) from None

    settings = configuration.settings
    updates: dict[str, Any] = {}
    if options.select is not None:
        updates["select"] = resolved("--select", options.select)
    if options.extend_select:
        extra = resolved("--extend-select", options.extend_select)
        updates["extend_select"] = [*settings.extend_select, *extra]
    if options.ignore:
        updates["ignore"] = [*settings.ignore, *resolved("--ignore", options.ignore)]
    return updates


def _with_found_vault(
    configuration: Configuration, options: LintOptions
) -> tuple[Configuration, str | None]:
    """Without configuration or `--topics-root`, the topics root is the vault found above
    the paths (a folder holding `topics/` or `.obsidian/`); paths in two vaults use the
    first one's, and the note returned says so."""
    if configuration.source is not None or configuration.settings.topics_root is not None:
        return configuration, None
    starts = [_first_path(options)] if options.reads_stdin else [Path(p) for p in options.paths]
    found: list[Path] = []
    asked: set[Path] = set()  # pre-commit names many files of few folders
    for start in starts or [Path.cwd()]:
        folder = start if start.is_dir() else start.parent
        if folder in asked:
            continue
        asked.add(folder)
        vault = find_vault(folder)
        if vault is not None and vault not in found:
            found.append(vault)
    if not found:
        return configuration, None
    note = None
    if len(found) > 1:
        others = ", ".join(str(vault) for vault in found[1:])
        note = (
            f"the paths lie in {len(found)} vaults: topics are looked up in {found[0]} only "
            f"(not {others}); lint each vault on its own, or set topics-root"
        )
    return replace(configuration, found_vault=found[0]), note


def prepare(options: LintOptions) -> Run:
    formatter(options.format)  # an unknown or broken format stops the run before it starts
    if options.jobs < 0:
        raise UsageError(f"--jobs must be 0 (one a core) or more, not {options.jobs}")
    overrides: dict[str, Any] = {}
    if options.topics_root is not None:
        overrides["topics-root"] = str(Path(options.topics_root).resolve())
    configuration = load_configuration(options.config, _first_path(options), overrides)
    try:
        rules = load_rules()
    except PluginError as error:
        raise UsageError(str(error)) from None
    try:
        configuration = configuration.resolve_selectors(rules)
        updates = _command_line_selectors(options, configuration, rules)
        links = links_before = configuration.settings.links.model_dump()
        if options.no_cache:
            updates["links"] = links = {**links, "cache": False}
        if options.refresh:
            updates["links"] = links = {**links, "refresh": True}
        if options.unsafe_fixes and options.fixing:
            # The redirect or archived copy a fix writes is checked in this run, not cached.
            updates["links"] = {**links, "fresh_fix_targets": True}
        if options.force_exclude is not None:
            updates["force_exclude"] = options.force_exclude
        links_origin = configuration.origins.get("links")
        configuration = configuration.with_overrides(updates, COMMAND_LINE)
        # A repository's configuration may not send the topics index outside it.
        roots = project.Roots.find(configuration, options.paths)
        project.check_topics_root(configuration, roots, options.topics_root is not None)
        if "links" in updates:  # only the `links` keys set above came from the command line
            changed = [key for key, value in updates["links"].items() if links_before[key] != value]
            origins = {**configuration.origins}
            origins.update({f"links.{key}": COMMAND_LINE for key in changed})
            origins.pop("links")
            if links_origin is not None:
                origins["links"] = links_origin
            configuration = replace(configuration, origins=origins)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    configuration, vault_note = _with_found_vault(configuration, options)
    context = RunContext(configuration)
    if vault_note is not None:
        context.notes.append(vault_note)
    offline = options.offline or offline_requested()
    selection = Selection.build(rules, context, offline=offline, network=NETWORK_CODES)
    linter = Linter(selection, context)
    paths: list[str] = []
    stdin_skipped = False
    if not options.reads_stdin:
        paths = _files_to_lint(options, configuration, context)
    elif options.stdin_filename:
        stdin_skipped = not file_filter(configuration).named(options.stdin_filename, is_dir=False)
    return Run(configuration, context, linter, paths, stdin_skipped)


def file_filter(configuration: Configuration) -> FileFilter:
    settings = configuration.settings
    return FileFilter.of(
        [configuration.topics_root / TOPICS_FOLDER],
        configuration.exclude_globs(),
        configuration.include_globs(),
        settings.force_exclude,
    )


def _files_to_lint(
    options: LintOptions, configuration: Configuration, context: RunContext
) -> list[str]:
    files = file_filter(configuration)
    topic_notes: list[str] = []

    def skipped(path: str) -> None:
        if files.in_skipped_folder(path):
            topic_notes.append(path)

    paths = list(
        discover_files(
            options.paths,
            root=configuration.root,
            files=files,
            on_folder_error=lambda folder, error: context.notes.append(
                f"{folder}: cannot list folder ({error.strerror}): its files were not linted"
            ),
            on_skipped=skipped,
        )
    )
    if topic_notes:
        count = len(topic_notes)
        what = (
            f"{topic_notes[0]} is a topic note" if count == 1 else f"{count} paths are topic notes"
        )
        folder = configuration.topics_root / TOPICS_FOLDER
        context.notes.append(f"{what} (inside {folder}), not a seed: not linted")
    return paths


def lint(run: Run, options: LintOptions) -> list[FileResult]:
    if options.reads_stdin:
        name = options.stdin_filename or "-"
        data = sys.stdin.buffer.read()
        if run.stdin_skipped:
            return []
        results = [run.linter.lint_path(name, data)]
        run.linter.finish(results)
        return results
    from seedlint.parallel import cache_for, check_files

    cache = None if options.no_cache else cache_for(run.linter, run.configuration.root)
    return check_files(
        run.linter, run.paths, jobs=options.jobs, cache=cache, volatile=NETWORK_CODES
    )


def exit_code(findings: list[Finding], options: LintOptions) -> int:
    if options.exit_zero:
        return EXIT_OK
    failing = any(finding.severity.rank >= Severity.WARNING.rank for finding in findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def report(
    findings: list[Finding], summary: RunSummary, run_options: LintOptions, options: ReportOptions
) -> None:
    with ExitStack() as stack:
        out: TextIO = sys.stdout
        if run_options.output_file is not None:
            out = stack.enter_context(_open_output(run_options.output_file))
        colour = options.colour and out is sys.stdout and colour_wanted(sys.stdout)
        options = ReportOptions(colour, options.show_fixes, options.unsafe_fixes, options.quiet)
        if run_options.statistics:
            from seedlint.statistics import report_statistics

            report_statistics(findings, out, run_options.format, run_options.unsafe_fixes)
            return
        write_report(run_options.format, findings, summary, out, options)


def formatter(name: str) -> Reporter:
    """The reporter `--format name` means, or the one-line error saying why there is none."""
    try:
        return reporter_for(name)
    except (UnknownFormat, PluginError) as error:
        raise UsageError(str(error)) from None


def write_report(
    name: str, findings: list[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    """Write the report in format ``name``; a plugin failing half way is one error."""
    reporter = formatter(name)
    if name in REPORTERS:
        reporter(findings, summary, out, options)
        return
    try:
        reporter(findings, summary, out, options)
    except (Exception, SystemExit) as error:
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        raise UsageError(f"formatter plugin {name!r} failed: {detail}") from None


def _open_output(path: Path) -> TextIO:
    # As ruff: a report path in a folder not made yet (`reports/seedlint.sarif`) is fine.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # As on stdout: a file name that is not UTF-8 is written as its own bytes.
        return path.open("w", encoding="utf-8", errors="surrogateescape")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def report_options(options: LintOptions) -> ReportOptions:
    """What the report shows, from the run's options; colour is decided where it prints."""
    return ReportOptions(
        colour=True,
        show_fixes=options.show_fixes,
        unsafe_fixes=options.unsafe_fixes,
        quiet=options.quiet,
    )


def run_check(options: LintOptions) -> int:
    run = prepare(options)
    if options.show_files or options.show_settings:
        from seedlint.commands.show import show

        return show(run, options, sys.stdout)
    results = lint(run, options)
    for note in run.context.notes:
        if not options.quiet:
            print(visible(f"seedlint: note: {note}"), file=sys.stderr)
    findings = list(iter_findings(results))
    if options.write_baseline is not None:
        return baseline.record(options.write_baseline, findings, options.quiet)
    if options.baseline is not None:
        findings = baseline.apply(options.baseline, findings, options.quiet)
    summary = RunSummary.of(
        len(results),
        findings,
        paths=[result.path for result in results],
        rules=run.linter.selection.rules.values(),
    )
    report(findings, summary, options, report_options(options))
    crashes = [*(error for result in results for error in result.errors), *run.linter.errors]
    for crash in crashes:
        print(visible(f"seedlint: error: {crash}"), file=sys.stderr)
    return EXIT_ERROR if crashes else exit_code(findings, options)
