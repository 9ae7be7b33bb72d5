"""Typed settings, and their discovery in pyproject.toml / seedlint.toml / .seedlint.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from seedlint.findings import Severity

DEFAULT_TYPES = (
    "Content",
    "Paper",
    "Repository",
    "Tool",
    "Dataset",
    "Model",
    "Video",
    "Podcast",
    "Book",
    "Course",
)
DEFAULT_REQUIRED_KEYS = (
    "already_read",
    "link",
    "read_priority",
    "relevance",
    "source",
    "type",
    "upload_date",
)
DEFAULT_TAG_PATTERN = r"^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$"
CONFIG_FILES = ("seedlint.toml", ".seedlint.toml", "pyproject.toml")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Settings(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True
    )


class HostSettings(_Settings):
    headers: dict[str, str] = Field(default_factory=dict)
    max_concurrency: int | None = Field(default=None, ge=1)


class LinkSettings(_Settings):
    timeout: float = Field(default=20.0, gt=0)
    connect_timeout: float = Field(default=10.0, gt=0)
    retries: int = Field(default=2, ge=0, le=10)
    max_concurrency: int = Field(default=64, ge=1)
    max_per_host: int = Field(default=4, ge=1)
    accept: list[str | int] = Field(default_factory=lambda: list[str | int](["200..=299"]))
    exclude: list[str] = Field(default_factory=list)
    cache_ttl: int | str = "7d"
    user_agent: str | None = None
    allow_private: bool = False
    hosts: dict[str, HostSettings] = Field(default_factory=dict)


class Bounds(_Settings):
    minimum: int = Field(default=0, alias="min")
    maximum: int = Field(default=5, alias="max")


class Settings(_Settings):
    select: list[str] = Field(default_factory=lambda: ["ALL"])
    ignore: list[str] = Field(default_factory=list)
    extend_select: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)
    exclude: list[str] = Field(default_factory=list)
    severity: dict[str, Severity | Literal["off"]] = Field(default_factory=dict)
    topics_root: str | None = None
    required_sections: list[str] = Field(default_factory=lambda: ["Summary", "Topics"])
    extra_sections: list[str] = Field(default_factory=list)
    section_order: list[str] = Field(default_factory=lambda: ["Summary", "Links", "Topics"])
    non_empty_sections: list[str] = Field(default_factory=lambda: ["Summary"])
    file_name_pattern: str | None = None
    allowed_types: list[str] = Field(default_factory=lambda: list(DEFAULT_TYPES))
    tag_pattern: str = DEFAULT_TAG_PATTERN
    required_keys: list[str] = Field(default_factory=lambda: list(DEFAULT_REQUIRED_KEYS))
    key_order: list[str] | Literal["alphabetical"] = "alphabetical"
    unknown_keys: Literal["allow", "warn", "error"] = "warn"
    bounds: dict[str, Bounds] = Field(
        default_factory=lambda: {"read_priority": Bounds(), "relevance": Bounds()}
    )
    topic_ref_style: Literal["markdown", "wikilink", "any"] = "any"
    max_file_size: int = Field(default=10_000_000, ge=1)
    links: LinkSettings = Field(default_factory=LinkSettings)

    @field_validator("select", "ignore", "extend_select")
    @classmethod
    def _codes_upper(cls, codes: list[str]) -> list[str]:
        return [code.strip().upper() for code in codes]


class ConfigError(Exception):
    """Bad configuration: the CLI prints the message and exits 2."""


@dataclass(frozen=True)
class Configuration:
    settings: Settings
    root: Path  # folder holding the configuration file, else the working folder
    source: Path | None

    @property
    def topics_root(self) -> Path:
        if self.settings.topics_root is None:
            return self.root
        return (self.root / self.settings.topics_root).resolve()


def _table(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("seedlint") if isinstance(tool, dict) else None
        return table if isinstance(table, dict) else None
    return data


def discover(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate_folder in (folder, *folder.parents):
        for name in CONFIG_FILES:
            candidate = candidate_folder / name
            if candidate.is_file() and _table(candidate) is not None:
                return candidate
    return None


def load(path: Path | None, overrides: dict[str, Any] | None = None) -> Configuration:
    table: dict[str, Any] = {}
    if path is not None:
        found = _table(path)
        if found is None:
            raise ConfigError(f"{path}: no [tool.seedlint] table")
        table = found
    if overrides:
        table = {**table, **overrides}
    try:
        settings = Settings.model_validate(table)
    except ValidationError as error:
        raise ConfigError(_describe(error, path)) from None
    root = path.parent.resolve() if path is not None else Path.cwd()
    return Configuration(settings, root, path)


def _describe(error: ValidationError, path: Path | None) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    where = f"{path}: " if path is not None else ""
    return f"{where}invalid configuration key '{key}': {first['msg']}"
