"""Command line: `seedlint check`, `fix`, `rule`, `schema`; exit codes 0 / 1 / 2 / 130.

A thin layer: it turns arguments into :class:`~seedlint.commands.options.LintOptions` and
hands them to the commands, which never import this module.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from seedlint import __version__
from seedlint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, UsageError
from seedlint.terminal import visible

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "UsageError", "build_parser", "main"]


def _codes(value: str) -> list[str]:
    """`F1,T001` -> ["F1", "T001"]; with ``action="extend"`` repeated flags accumulate."""
    return [code.strip() for code in value.split(",") if code.strip()]


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: {value!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (one a core) or more, not {jobs}")
    return jobs


def _format_choices() -> list[str]:
    from seedlint.reporters import REPORTERS

    return list(REPORTERS)


def _add_lint_options(parser: argparse.ArgumentParser) -> None:
    selectors = "codes, prefixes or rule names, comma-separated; repeatable"
    parser.add_argument("paths", nargs="*", default=["."], help="files or folders ('-': stdin)")
    parser.add_argument("--config", type=Path, help="configuration file to use")
    parser.add_argument(
        "--select",
        type=_codes,
        action="extend",
        help=f"rules to enable, replacing the configured ones ({selectors})",
    )
    parser.add_argument(
        "--extend-select",
        type=_codes,
        action="extend",
        default=[],
        help=f"rules to enable on top ({selectors})",
    )
    parser.add_argument(
        "--ignore", type=_codes, action="extend", default=[], help=f"rules to skip ({selectors})"
    )
    choices = _format_choices()
    parser.add_argument(
        "--output-format",
        "--format",
        dest="format",
        default="text",
        # Listed, not argparse `choices`: an unknown one is then our one-line error, which
        # also names them.
        metavar="{" + ",".join(choices) + "}",
        help="output format (default: text), or an installed formatter plugin's name",
    )
    parser.add_argument("--output-file", "-o", type=Path, help="write the report here")
    parser.add_argument("--offline", action="store_true", help="no network rules")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument("--quiet", "-q", action="store_true", help="findings only")
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not write caches")
    parser.add_argument("--refresh", action="store_true", help="ask cached link failures again")
    parser.add_argument("--topics-root", help="folder holding the topics/ notes")
    parser.add_argument("--stdin-filename", help="name to report for standard input")
    parser.add_argument("--statistics", action="store_true", help="count findings per code")
    parser.add_argument("--baseline", type=Path, help="report only findings not in this file")
    parser.add_argument("--write-baseline", type=Path, help="record today's findings here")
    parser.add_argument(
        "--jobs", "-j", type=_jobs, default=0, metavar="N", help="worker processes (0: one a core)"
    )
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    parser.add_argument("--diff", action="store_true", help="print fixes as a diff, write nothing")
    parser.add_argument(
        "--force-exclude",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="apply `exclude` to named files too (default: the `force-exclude` setting)",
    )
    parser.add_argument(
        "--show-files", action="store_true", help="list the files a run would lint, then exit"
    )
    parser.add_argument(
        "--show-settings",
        action="store_true",
        help="print the resolved settings for the first path and where each came from, then exit",
    )


def _add_fix_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fix", action="store_true", help="apply fixes, report what is left")
    parser.add_argument("--show-fixes", action="store_true", help="list each finding's fix")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seedlint", description="Validate and lint seed files (Markdown + YAML front matter)."
    )
    parser.add_argument("--version", action="version", version=f"seedlint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check", help="lint seed files")
    _add_lint_options(check)
    _add_fix_options(check)
    fix = commands.add_parser("fix", help="apply safe fixes in place")
    _add_lint_options(fix)
    fix.add_argument("--show-fixes", action="store_true", help="list what was fixed, per file")
    explain = commands.add_parser("rule", help="explain a rule, or list them all")
    explain.add_argument("code", nargs="?", help="a rule code such as T001")
    explain.add_argument("--all", action="store_true", help="the whole catalogue")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    schema = commands.add_parser("schema", help="print the front matter JSON Schema")
    schema.add_argument("--config", type=Path, help="configuration file to use")
    schema.add_argument("--draft", choices=("7", "2020-12"), default="7", help="JSON Schema draft")
    schema.add_argument("which", nargs="?", choices=("seed", "config"), default="seed")
    from seedlint.report import add_arguments as add_report_arguments

    add_report_arguments(commands.add_parser("report", help="the vault's health as one page"))
    commands.add_parser("server", help="the language server, over stdio")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in ("check", "fix"):
            from seedlint.commands.options import LintOptions

            options = LintOptions.from_values(vars(args))
            if args.command == "fix" or options.fix or options.diff:
                from seedlint.commands.fix import run_fix

                return int(run_fix(options))
            from seedlint.commands.check import run_check

            return int(run_check(options))
        if args.command == "rule":
            return _run_rule(args, sys.stdout)
        if args.command == "schema":
            return _run_schema(args, sys.stdout)
        if args.command == "report":
            from seedlint.report import run_report

            return run_report(args)
        if args.command == "server":
            from seedlint.server import main as serve

            return serve()
    except UsageError as error:
        print(visible(f"seedlint: error: {error}"), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("seedlint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:
        print(
            visible(f"seedlint: internal error: {type(error).__name__}: {error}"), file=sys.stderr
        )
        return EXIT_ERROR
    parser.print_help()
    return EXIT_ERROR


def _load_config(config_path: Path | None, start: Path, overrides: dict[str, Any]) -> Any:
    from seedlint.commands.check import load_configuration

    return load_configuration(config_path, start, overrides)


def _run_schema(args: argparse.Namespace, out: TextIO) -> int:
    from seedlint.schema import config_json_schema_text, json_schema_text

    if args.which == "config":  # seedlint's own settings: the same whatever is configured
        out.write(config_json_schema_text(args.draft))
        return EXIT_OK
    configuration = _load_config(args.config, Path.cwd(), {})
    out.write(json_schema_text(configuration.settings, args.draft))
    return EXIT_OK


def _run_rule(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from seedlint.registry import PluginError, load_rules

    try:
        rules = load_rules()
    except PluginError as error:
        raise UsageError(str(error)) from None
    if args.all:
        chosen = list(rules.values())
    elif args.code:
        rule = rules.get(args.code.strip().upper()) or next(
            (rule for rule in rules.values() if rule.name == args.code.strip().lower()), None
        )
        if rule is None:
            from seedlint.registry import UnknownSelector, resolve_selector

            hint = ""
            try:
                resolve_selector(args.code, rules)  # a prefix: not one rule
            except UnknownSelector as error:
                hint = error.hint
            raise UsageError(f"unknown rule code {args.code!r}{hint}")
        chosen = [rule]
    else:
        raise UsageError("give a rule code, or --all")
    if args.format == "json":
        payload = [
            {
                "code": rule.code,
                "name": rule.name,
                "summary": rule.summary,
                "severity": rule.severity.value,
                "fix": rule.fix,
                "explanation": rule.explanation,
            }
            for rule in chosen
        ]
        json.dump(payload if args.all else payload[0], out, indent=2)
        out.write("\n")
        return EXIT_OK
    for index, rule in enumerate(chosen):
        if index:
            out.write("\n")
        out.write(f"# {rule.name} ({rule.code})\n\n")
        out.write(f"Default severity: {rule.severity.value}. Fix: {rule.fix}.\n\n")
        out.write(f"{rule.summary}\n\n{rule.explanation}\n")
    return EXIT_OK
