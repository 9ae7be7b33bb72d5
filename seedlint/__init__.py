"""seedlint: validate and lint seed files (Markdown reading notes with YAML front matter)."""

from __future__ import annotations

__version__ = "0.1.0"
