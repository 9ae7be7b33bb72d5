"""`seedlint report`: one `check` run, the seeds' facts and the link answers, then the page
(or the JSON).

The run is `check`'s own (`seedlint.commands.check.prepare` and `lint`: the same files,
configuration, selection, cache and parallel workers), so the report's findings and counts
are those `seedlint check --format json` prints for the same vault; the JSON carries that
document whole under `check`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from seedlint import __version__
from seedlint.commands.options import LintOptions
from seedlint.errors import EXIT_ERROR, EXIT_OK, UsageError

if TYPE_CHECKING:
    from seedlint.findings import Finding
    from seedlint.report.aggregate import Aggregates

INSTALL_HINT = "pip install 'seedlint[report]'"
DEFAULT_PAGE = Path("seedlint-report.html")
STDIN = "-"


def missing_extra() -> str | None:
    """The name of the first library of the `report` extra that cannot be imported."""
    for name in ("jinja2", "matplotlib"):
        try:
            __import__(name)
        except ImportError:
            return name
    return None


def _check_options(args: argparse.Namespace) -> LintOptions:
    """The options `check`'s run reads, as `check` would have them for this command line."""
    return LintOptions(
        paths=args.paths,
        config=args.config,
        select=args.select,
        extend_select=args.extend_select,
        ignore=args.ignore,
        format="json",
        offline=args.offline,
        no_cache=args.no_cache,
        topics_root=args.topics_root,
        jobs=args.jobs,
        quiet=args.quiet,
        exit_zero=True,
    )


@dataclass(frozen=True)
class Built:
    document: dict[str, Any]  # what --format json prints
    aggregates: Aggregates
    findings: list[Finding]
    crashes: list[str]  # rules that crashed: printed, and the exit code is 2


def build(args: argparse.Namespace) -> Built:
    """One `check` run and everything the report makes of it."""
    from seedlint.cache import cache_dir
    from seedlint.commands.check import lint, prepare
    from seedlint.links import offline_requested
    from seedlint.links.options import parse_duration
    from seedlint.linter import iter_findings
    from seedlint.report.aggregate import aggregate
    from seedlint.report.factcache import FactCache
    from seedlint.report.facts import gather
    from seedlint.report.linkcache import (
        link_states,
        read_cached_answers,
        run_answers,
    )
    from seedlint.reporters import RunSummary
    from seedlint.reporters.structured import report_document

    if STDIN in args.paths:
        raise UsageError("report reads files and folders, not standard input ('-')")
    check_args = _check_options(args)
    run = prepare(check_args)
    results = lint(run, check_args)
    findings = list(iter_findings(results))
    paths = [result.path for result in results]
    summary = RunSummary.of(
        len(results), findings, paths=paths, rules=run.linter.selection.rules.values()
    )
    # Held whole: the report's JSON nests it, and its tests compare it with check's.
    check_document = {
        **report_document(findings, summary),
        "findings": [finding.to_dict() for finding in findings],
    }

    settings = run.configuration.settings
    use_cache = not args.no_cache
    # Beside check's result cache (and where $SEEDLINT_CACHE_DIR moves it).
    folder = cache_dir(run.configuration.root, create=False) if use_cache else None
    facts_cache = FactCache.load(folder) if folder is not None else None
    facts = gather(run.paths, settings.max_file_size, args.jobs, facts_cache)
    if facts_cache is not None:
        facts_cache.save()
    urls = dict.fromkeys(url for seed in facts for url in seed.urls)
    offline = args.offline or offline_requested()
    answers = {} if offline else run_answers(run.context)
    cached = {}
    if settings.links.cache and use_cache:
        ttl = parse_duration(settings.links.cache_ttl)
        cached = read_cached_answers(run.configuration.root, urls, ttl)
    states = link_states(urls, answers, cached)
    aggregates = aggregate(
        findings, paths, facts, run.context.topics, states, notes=run.context.notes
    )
    document = {
        "version": __version__,
        "generated": dt.date.today().isoformat(),
        "check": check_document,
        **aggregates.to_dict(),
    }
    crashes = [*(error for result in results for error in result.errors), *run.linter.errors]
    return Built(document, aggregates, findings, crashes)


def _destination(args: argparse.Namespace) -> Path | None:
    if args.output_file is not None:
        return Path(args.output_file)
    if args.format == "html" and sys.stdout.isatty():
        return DEFAULT_PAGE  # a page of HTML is no use in a terminal
    return None


def _write(text: str, destination: Path | None) -> None:
    if destination is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8", errors="surrogateescape")
        os.replace(temporary, destination)
    except OSError as error:
        raise UsageError(f"cannot write {destination}: {error.strerror or error}") from None


def _title(args: argparse.Namespace) -> str:
    shown = ", ".join(args.paths)
    return f"Vault health: {shown}"


def run(args: argparse.Namespace, err: TextIO | None = None) -> int:
    err = sys.stderr if err is None else err
    if args.format == "html":
        missing = missing_extra()
        if missing is not None:
            print(f"seedlint: error: the HTML report needs {missing}: {INSTALL_HINT}", file=err)
            return EXIT_ERROR
    built = build(args)
    document, aggregates, findings = built.document, built.aggregates, built.findings
    if not args.quiet:
        for note in aggregates.notes:
            print(f"seedlint: note: {note}", file=err)
    destination = _destination(args)
    if args.format == "json":
        from seedlint.reporters.structured import json_text

        text = json_text(document, indent=2) + "\n"
    else:
        from seedlint.report.page import render

        base = (destination.parent if destination is not None else Path.cwd()).resolve()
        text = render(
            aggregates,
            findings,
            title=_title(args),
            generated=document["generated"],
            version=__version__,
            base=base,
        )
    _write(text, destination)
    if destination is not None and not args.quiet:
        print(f"seedlint: report written to {destination}", file=err)
    for crash in built.crashes:
        print(f"seedlint: error: {crash}", file=err)
    return EXIT_ERROR if built.crashes else EXIT_OK
