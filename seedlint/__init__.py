"""seedlint: validate and lint seed files (Markdown reading notes with YAML front matter).

The library (``import seedlint``): :func:`load_config`, :func:`check_text`,
:func:`check_paths`, :func:`fix_text` and :func:`check_post` (a python-frontmatter
``Post``), documented in ``docs/api.md``. They are loaded on first use, so that
``seedlint --version`` and the CLI's start-up do not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from seedlint.api import (
        Configuration,
        Finding,
        FixResult,
        Report,
        check_paths,
        check_post,
        check_text,
        fix_text,
        load_config,
    )

__all__ = [
    "Configuration",
    "Finding",
    "FixResult",
    "Report",
    "__version__",
    "check_paths",
    "check_post",
    "check_text",
    "fix_text",
    "load_config",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from seedlint import api

        return getattr(api, name)
    raise AttributeError(f"module 'seedlint' has no attribute {name!r}")
