"""The command line of `seedlint report`: the options of `check` that choose what a run
lints, and where the page goes."""

from __future__ import annotations

import argparse
from pathlib import Path

FORMATS = ("html", "json")


def _codes(value: str) -> list[str]:
    """`F1,T001` -> ["F1", "T001"]; repeated flags accumulate, as `check`'s do."""
    return [code.strip() for code in value.split(",") if code.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], help="files or folders")
    parser.add_argument(
        "--output-file", "-o", type=Path, help="write the page here (default: standard output)"
    )
    parser.add_argument("--format", choices=FORMATS, default="html", help="html or json")
    parser.add_argument("--config", type=Path, help="configuration file to use")
    parser.add_argument(
        "--select", type=_codes, action="extend", help="codes or prefixes to enable (replaces)"
    )
    parser.add_argument(
        "--extend-select", type=_codes, action="extend", default=[], help="codes to add"
    )
    parser.add_argument(
        "--ignore", type=_codes, action="extend", default=[], help="codes or prefixes to skip"
    )
    parser.add_argument("--offline", action="store_true", help="no network rules")
    parser.add_argument(
        "--no-cache", action="store_true", help="ignore and do not write caches (links, charts too)"
    )
    parser.add_argument("--topics-root", help="folder holding the topics/ notes")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (0: auto)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no notes on stderr")
