"""What `check` and `fix` are asked to do: typed options, built by the CLI from its
arguments (or by any other caller), so that the commands never read an argparse
namespace."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

STDIN = "-"


@dataclass(frozen=True)
class LintOptions:
    paths: list[str] = field(default_factory=lambda: ["."])
    config: Path | None = None
    select: list[str] | None = None  # None: as configured
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    format: str = "text"
    output_file: Path | None = None
    offline: bool = False
    exit_zero: bool = False
    quiet: bool = False
    no_cache: bool = False
    topics_root: str | None = None
    stdin_filename: str | None = None
    statistics: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    jobs: int = 0  # 0: one worker a core
    unsafe_fixes: bool = False
    diff: bool = False
    fix: bool = False
    show_fixes: bool = False
    show_files: bool = False
    show_settings: bool = False
    force_exclude: bool | None = None  # None: as configured
    refresh: bool = False  # ask cached link failures again
    command: str = "check"  # "check" or "fix"

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> LintOptions:
        """The options among ``values`` (others, such as the command's name, are left)."""
        names = {option.name for option in fields(cls)}
        return cls(**{name: value for name, value in values.items() if name in names})

    @property
    def fixing(self) -> bool:
        """Fixes are written or diffed (`fix`, `check --fix`, `--diff`)."""
        return self.command == "fix" or self.fix or self.diff

    @property
    def reads_stdin(self) -> bool:
        return self.paths == [STDIN]
