"""`seedlint report`: the health of a vault at a glance, as one self-contained HTML page
(`--format json`: the same figures for dashboards).

Importing this package costs nothing: the page's libraries (Jinja2, matplotlib) come with
the optional extra `seedlint[report]` and are imported only when a page is made.
"""

from __future__ import annotations

import argparse

from seedlint.report._options import add_arguments

__all__ = ["add_arguments", "run_report"]


def run_report(args: argparse.Namespace) -> int:
    from seedlint.report._command import run

    return run(args)
