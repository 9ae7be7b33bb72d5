"""Network link checking for L001 (dead), L002 (redirected) and L004 (unverifiable).

Importing this package is free: the HTTP client, the event loop and the SQLite cache are
imported only when a run has URLs to check, so `seedlint --offline` and runs without
network rules never pay for them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: Set to 1 (or true/yes/on) to run as if ``--offline`` were given: CI jobs, test suites.
OFFLINE_ENV = "SEEDLINT_OFFLINE"


def offline_requested(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment asks for no network at all."""
    return environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")
