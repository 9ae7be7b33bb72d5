"""Typed settings, and their discovery in pyproject.toml / seedlint.toml / .seedlint.toml.

The settings are one frozen pydantic model: a configuration file, the command line and the
tests all go through :meth:`Settings.model_validate`, so a bad value is caught in one place
and reported as one line naming the key (``ConfigError``, exit code 2).
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

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
#: Looked for in each folder, in this order, walking up from the first linted path.
CONFIG_FILES = ("seedlint.toml", ".seedlint.toml", "pyproject.toml")
#: A rule selector: `ALL`, a family letter, or a code prefix such as `F1` or `F102`.
SELECTOR = re.compile(r"ALL|[A-Z][0-9]{0,3}")

#: A configured level; "off" disables the rule as `ignore` does.
SeverityLevel = Literal["error", "warning", "info", "off"]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _selectors(codes: list[str]) -> list[str]:
    cleaned = [code.strip().upper() for code in codes]
    for code in cleaned:
        if not SELECTOR.fullmatch(code):
            raise ValueError(f"{code!r} is not a rule code or prefix (such as F, F1, F102, ALL)")
    return cleaned


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"invalid regular expression {pattern!r}: {error}") from None
    return pattern


class _Settings(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True
    )


class HostSettings(_Settings):
    """Per-host overrides for link checking (`[tool.seedlint.links.hosts."example.com"]`)."""

    headers: dict[str, str] = Field(
        default_factory=dict, description="Extra request headers sent to this host."
    )
    max_concurrency: int | None = Field(
        default=None, ge=1, description="Concurrent requests to this host (default: max-per-host)."
    )


class LinkSettings(_Settings):
    """The `[tool.seedlint.links]` table: how L001/L002/L004 check URLs over the network."""

    timeout: float = Field(default=20.0, gt=0, description="Seconds to wait for a response.")
    connect_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a connection."
    )
    retries: int = Field(
        default=2, ge=0, le=10, description="Retries after a timeout or a transient status."
    )
    retry_wait: float = Field(
        default=1.0, ge=0, description="Seconds before the first retry; doubles, with jitter."
    )
    max_retry_wait: float = Field(
        default=60.0,
        ge=0,
        description="Longest Retry-After / X-RateLimit-Reset honoured; longer is unverifiable.",
    )
    max_concurrency: int = Field(default=64, ge=1, description="Concurrent requests in all.")
    max_per_host: int = Field(default=4, ge=1, description="Concurrent requests to one host.")
    method: Literal["get", "head"] = Field(
        default="get",
        description='"get" (streamed, closed after the headers) or "head" (GET on an error).',
    )
    accept: list[str | int] = Field(
        default_factory=lambda: list[str | int](["200..=299"]),
        description="Status codes or ranges (`200..=299`) that count as alive.",
    )
    exclude: list[str] = Field(
        default_factory=list, description="Regular expressions of URLs never checked."
    )
    cache: bool = Field(
        default=True, description="Keep successes in `.seedlint_cache/` (`--no-cache`: off)."
    )
    cache_ttl: int | str = Field(
        default="7d", description="How long a result is cached: seconds or `30m`, `12h`, `7d`."
    )
    user_agent: str | None = Field(
        default=None, description="User-Agent header (default: seedlint/<version>)."
    )
    allow_private: bool = Field(
        default=False, description="Allow requests to private, loopback and link-local addresses."
    )
    hosts: dict[str, HostSettings] = Field(
        default_factory=dict, description="Per-host settings, by host name."
    )

    @field_validator("exclude")
    @classmethod
    def _compiled(cls, patterns: list[str]) -> list[str]:
        return [_regex(pattern) for pattern in patterns]

    @field_validator("accept")
    @classmethod
    def _status_ranges(cls, values: list[str | int]) -> list[str | int]:
        from seedlint.links.options import parse_accept

        parse_accept(values)
        return values

    @field_validator("cache_ttl")
    @classmethod
    def _duration(cls, value: int | str) -> int | str:
        from seedlint.links.options import parse_duration

        parse_duration(value)
        return value


class Bounds(_Settings):
    """Inclusive bounds of an integer key (`{ min = 0, max = 5 }`)."""

    minimum: int = Field(default=0, alias="min", description="Smallest allowed value.")
    maximum: int = Field(default=5, alias="max", description="Largest allowed value.")

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.minimum > self.maximum:
            raise ValueError(f"min ({self.minimum}) is larger than max ({self.maximum})")
        return self


class Settings(_Settings):
    """Every configuration key; the descriptions feed `seedlint`'s configuration reference."""

    select: list[str] = Field(
        default_factory=lambda: ["ALL"],
        description="Codes or prefixes to enable; replaces the default (`ALL`).",
    )
    ignore: list[str] = Field(
        default_factory=list, description="Codes or prefixes to disable (the more specific wins)."
    )
    extend_select: list[str] = Field(
        default_factory=list, description="Codes or prefixes enabled on top of `select`."
    )
    per_file_ignores: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Glob (relative to the configuration folder, or a file name) -> codes.",
    )
    exclude: list[str] = Field(
        default_factory=list, description="Globs of files and folders never walked into."
    )
    severity: dict[str, SeverityLevel] = Field(
        default_factory=dict,
        description='Code or prefix -> "error", "warning", "info" or "off".',
    )
    topics_root: str | None = Field(
        default=None,
        description="Folder holding `topics/` (relative to the configuration folder).",
    )
    required_sections: list[str] = Field(
        default_factory=lambda: ["Summary", "Topics"],
        description="`##` sections every seed must have (S001).",
    )
    extra_sections: list[str] = Field(
        default_factory=list, description="Other `##` sections allowed (S006)."
    )
    section_order: list[str] = Field(
        default_factory=lambda: ["Summary", "Links", "Topics"],
        description="Order of the `##` sections (S002).",
    )
    non_empty_sections: list[str] = Field(
        default_factory=lambda: ["Summary"], description="Sections that must hold content (S003)."
    )
    file_name_pattern: str | None = Field(
        default=None,
        description="Regular expression file names must match (C003; off while unset).",
    )
    allowed_types: list[str] = Field(
        default_factory=lambda: list(DEFAULT_TYPES),
        min_length=1,
        description="Values allowed for the `type` key (F104).",
    )
    tag_pattern: str = Field(
        default=DEFAULT_TAG_PATTERN, description="Regular expression every tag matches (F202)."
    )
    required_keys: list[str] = Field(
        default_factory=lambda: list(DEFAULT_REQUIRED_KEYS),
        description="Front matter keys that must be present (F101); may name new keys.",
    )
    key_order: list[str] | Literal["alphabetical"] = Field(
        default="alphabetical",
        description='Front matter key order (F204): "alphabetical" or a list of keys.',
    )
    unknown_keys: Literal["allow", "warn", "error"] = Field(
        default="warn",
        description='Keys outside the schema (F102): "allow", "warn" or "error".',
    )
    bounds: dict[str, Bounds] = Field(
        default_factory=lambda: {"read_priority": Bounds(), "relevance": Bounds()},
        description="Inclusive `{ min, max }` of integer keys (F104).",
    )
    topic_ref_style: Literal["markdown", "wikilink", "any"] = Field(
        default="any", description='Topic reference style (T002): "markdown", "wikilink", "any".'
    )
    defaults: dict[str, bool | int | float | str | list[str]] = Field(
        default_factory=dict,
        description=(
            "Key -> value that F101's fix writes for a missing key (a safe fix only where "
            'one is given); TOML has no null, so the string "null" writes YAML `null`.'
        ),
    )
    max_file_size: int = Field(
        default=10_000_000, ge=1, description="Larger files are not read (E001), in bytes."
    )
    links: LinkSettings = Field(
        default_factory=LinkSettings, description="The `[links]` table: network link checking."
    )

    @field_validator("select", "ignore", "extend_select")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        return _selectors(codes)

    @field_validator("per_file_ignores")
    @classmethod
    def _ignored_codes(cls, patterns: dict[str, list[str]]) -> dict[str, list[str]]:
        return {glob: _selectors(codes) for glob, codes in patterns.items()}

    @field_validator("severity")
    @classmethod
    def _severity_codes(cls, levels: dict[str, SeverityLevel]) -> dict[str, SeverityLevel]:
        return dict(zip(_selectors(list(levels)), levels.values(), strict=True))

    @field_validator("tag_pattern", "file_name_pattern")
    @classmethod
    def _pattern(cls, pattern: str | None) -> str | None:
        return None if pattern is None else _regex(pattern)

    def severity_for(self, code: str) -> SeverityLevel | None:
        """The configured level of ``code``: the longest matching prefix wins, as in select."""
        best: tuple[int, SeverityLevel] | None = None
        for selector, level in self.severity.items():
            length = 0 if selector == "ALL" else len(selector)
            if (selector == "ALL" or code.startswith(selector)) and (
                best is None or length > best[0]
            ):
                best = (length, level)
        return None if best is None else best[1]


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

    def ignored_codes(self, path: str) -> list[str]:
        """Codes `per-file-ignores` turns off for ``path``."""
        patterns = self.settings.per_file_ignores
        if not patterns:
            return []
        absolute = Path(path).resolve()
        try:
            relative = absolute.relative_to(self.root).as_posix()
        except ValueError:
            relative = PurePosixPath(path).as_posix()
        codes: list[str] = []
        for pattern, ignored in patterns.items():
            if glob_matches(relative, absolute.name, pattern):
                codes.extend(ignored)
        return codes

    def with_overrides(self, updates: dict[str, Any], origin: str) -> Configuration:
        """These settings with ``updates`` (python field names) applied and validated."""
        if not updates:
            return self
        data = {**self.settings.model_dump(), **updates}
        try:
            settings = Settings.model_validate(data)
        except ValidationError as error:
            raise ConfigError(_describe(error, data, origin)) from None
        return Configuration(settings, self.root, self.source)


def glob_matches(relative: str, name: str, pattern: str) -> bool:
    """``pattern`` against a slash-separated path; a leading `**/` also matches no folder."""
    candidates = [pattern]
    while candidates[-1].startswith("**/"):
        candidates.append(candidates[-1][3:])
    return any(
        fnmatch.fnmatchcase(relative, glob) or fnmatch.fnmatchcase(name, glob)
        for glob in candidates
    )


def _table(path: Path) -> dict[str, Any] | None:
    try:
        # utf-8-sig: Windows editors save a BOM that TOML parsers otherwise refuse.
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 (byte {error.start})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("seedlint") if isinstance(tool, dict) else None
        return table if isinstance(table, dict) else None
    return data


def discover(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``.

    A pyproject.toml without a `[tool.seedlint]` table does not count, as in ruff: the
    search goes on to the folders above.
    """
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
        where = str(path) if path is not None else "configuration"
        raise ConfigError(_describe(error, table, where)) from None
    root = path.parent.resolve() if path is not None else Path.cwd()
    return Configuration(settings, root, path)


def _key_path(loc: tuple[int | str, ...], data: Any) -> str:
    """The dotted key a pydantic error points at, without its internal union labels."""
    parts: list[str] = []
    for part in loc:
        if isinstance(data, dict) and part in data:
            parts.append(str(part))
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            parts[-1:] = [f"{parts[-1]}[{part}]"] if parts else [f"[{part}]"]
            data = data[part]
        elif isinstance(part, str) and not parts:
            parts.append(part)  # a missing or misspelt top-level key
    return ".".join(parts) or "?"


def _describe(error: ValidationError, data: dict[str, Any], where: str) -> str:
    first = error.errors(include_url=False)[0]
    key = _key_path(tuple(first["loc"]), data)
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown configuration key '{key}'"
    message = str(first["msg"])
    message = message.removeprefix("Value error, ")
    given = first.get("input")
    shown = "" if first["type"] == "value_error" or isinstance(given, dict) else f" (got {given!r})"
    return f"{where}: invalid value for '{key}': {message}{shown}"
