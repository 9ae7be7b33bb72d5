"""Command line: `seedlint check`, `rule`, `schema`; exit codes 0 / 1 / 2."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from seedlint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.split(",") if code.strip()]


def _add_lint_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], help="files or folders ('-': stdin)")
    parser.add_argument("--config", type=Path, help="configuration file to use")
    parser.add_argument("--select", type=_codes, help="codes or prefixes to enable (replaces)")
    parser.add_argument("--extend-select", type=_codes, default=[], help="codes to add")
    parser.add_argument("--ignore", type=_codes, default=[], help="codes or prefixes to skip")
    parser.add_argument("--format", default="text", help="output format (see --help)")
    parser.add_argument("--output-file", "-o", type=Path, help="write the report here")
    parser.add_argument("--offline", action="store_true", help="no network rules")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument("--quiet", "-q", action="store_true", help="findings only")
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not write caches")
    parser.add_argument("--topics-root", help="folder holding the topics/ notes")
    parser.add_argument("--stdin-filename", help="name to report for standard input")
    parser.add_argument("--statistics", action="store_true", help="count findings per code")
    parser.add_argument("--baseline", type=Path, help="report only findings not in this file")
    parser.add_argument("--write-baseline", type=Path, help="record today's findings here")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (0: auto)")
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    parser.add_argument("--diff", action="store_true", help="print fixes as a diff, write nothing")


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
    commands.add_parser("server", help="the language server, over stdio")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "fix" or (args.command == "check" and (args.fix or args.diff)):
            from seedlint.commands.fix import run_fix

            return int(run_fix(args))
        if args.command == "check":
            from seedlint.commands.check import run_check

            return int(run_check(args))
        if args.command == "rule":
            return _run_rule(args, sys.stdout)
        if args.command == "schema":
            return _run_schema(args, sys.stdout)
        if args.command == "server":
            from seedlint.server import main as serve

            return serve()
    except UsageError as error:
        print(f"seedlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("seedlint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:
        print(f"seedlint: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_ERROR
    parser.print_help()
    return EXIT_ERROR


def _load_config(config_path: Path | None, start: Path, overrides: dict[str, Any]) -> Any:
    from seedlint.config import ConfigError, discover, load

    try:
        path = config_path if config_path is not None else discover(start)
        return load(path, overrides)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _run_schema(args: argparse.Namespace, out: TextIO) -> int:
    from seedlint.schema import json_schema_text

    configuration = _load_config(args.config, Path.cwd(), {})
    out.write(json_schema_text(configuration.settings))
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
        rule = rules.get(args.code.upper())
        if rule is None:
            raise UsageError(f"unknown rule code {args.code!r}")
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
