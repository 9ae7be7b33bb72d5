"""Errors the commands raise and the exit codes they end with: a leaf module, so that the
CLI, the commands, the baseline and the library can all use them without importing
each other (as pre-commit's ``errors.py``)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
#: As a shell reports a process ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A bad command line or configuration: printed as one line, exit code 2."""
