"""`github`: GitHub Actions workflow commands, which the runner turns into annotations.

Each finding becomes one line such as::

    ::error file=seeds/a.md,line=3,col=7,endLine=3,endColumn=70,title=L001::dead link ...

The escaping is the one of GitHub's own toolkit (``@actions/core``, ``command.ts``): the
message escapes ``%``, ``\\r`` and ``\\n``; property values also escape ``:`` and ``,``,
which would otherwise end the value. Anything else (a path with spaces, non-ASCII letters)
is passed through as the runner expects.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from seedlint.findings import Finding, Severity, fixability

if TYPE_CHECKING:
    from seedlint.reporters import ReportOptions, RunSummary

#: GitHub has three annotation levels; seedlint's `info` is its `notice`.
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message, as ``escapeData`` in ``@actions/core``."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value, as ``escapeProperty`` in ``@actions/core``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation_path(path: str, workspace: str | None) -> str:
    """The file as the runner resolves it: relative to the checkout, not to seedlint's cwd.

    A job may run seedlint in a sub-folder (``working-directory: vault``); annotations
    only attach to the diff when the path is relative to ``GITHUB_WORKSPACE``.
    """
    if path == "-":
        return path
    absolute = os.path.abspath(path)
    if workspace:
        try:
            relative = os.path.relpath(absolute, os.path.abspath(workspace))
        except ValueError:  # another drive, on Windows
            relative = os.pardir
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return relative.replace(os.sep, "/")
    return os.path.normpath(path).replace(os.sep, "/")


def annotation(finding: Finding, workspace: str | None = None) -> str:
    properties = [
        ("file", annotation_path(finding.path, workspace)),
        ("line", str(finding.line)),
    ]
    # The toolkit documents that columns cannot be sent when the annotation spans lines.
    if finding.end_line == finding.line:
        properties.append(("col", str(finding.column)))
        properties.append(("endLine", str(finding.end_line)))
        properties.append(("endColumn", str(finding.end_column)))
    else:
        properties.append(("endLine", str(finding.end_line)))
    properties.append(("title", finding.code))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = finding.message
    if finding.fix is not None and fixability(finding) != "none":
        message += f"\n{finding.fix.applicability.capitalize()} fix: {finding.fix.message}"
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def report_github(
    findings: Sequence[Finding], summary: RunSummary, out: TextIO, options: ReportOptions
) -> None:
    workspace = os.environ.get("GITHUB_WORKSPACE")
    for finding in findings:
        out.write(annotation(finding, workspace) + "\n")
