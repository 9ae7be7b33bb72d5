"""Typed settings, and their discovery in pyproject.toml / seedlint.toml / .seedlint.toml.

The settings are one frozen pydantic model: a configuration file, the command line and the
tests all go through :meth:`Settings.model_validate`, so a bad value is caught in one place
and reported as one line naming the key (``ConfigError``, exit code 2).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from seedlint.patterns import GlobSet, PatternError, compile_pattern

if TYPE_CHECKING:
    from seedlint.rule import Rule

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
#: A rule name, the other way to select it (`broken-topic-ref`).
RULE_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
#: The files a folder walk takes, by default (explicit files are linted whatever their name).
DEFAULT_INCLUDE = ("*.md", "*.txt")

#: A configured level; "off" disables the rule as `ignore` does.
SeverityLevel = Literal["error", "warning", "info", "off"]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _selectors(codes: list[str]) -> list[str]:
    """Selectors in their canonical case; whether each names a rule is checked once the
    rules are loaded (:meth:`Configuration.resolve_selectors`)."""
    cleaned = []
    for code in (text.strip() for text in codes):
        if SELECTOR.fullmatch(code.upper()):
            cleaned.append(code.upper())
        elif RULE_NAME.fullmatch(code.lower()):
            cleaned.append(code.lower())
        else:
            raise ValueError(
                f"{code!r} is not a rule code, prefix or name (such as F, F1, F102, ALL, "
                "broken-topic-ref)"
            )
    return cleaned


def _regex(pattern: str) -> str:
    if pattern == DEFAULT_TAG_PATTERN:
        return pattern  # known good: most runs then never load RE2
    try:
        compile_pattern(pattern)
    except PatternError as error:
        raise ValueError(str(error)) from None
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
    failure_ttl: int | str = Field(
        default="1d",
        description="How long a definitive failure (404, 410, a loop, an unknown host) is cached.",
    )
    transient_ttl: int | str = Field(
        default="1h",
        description="How long a transient failure (5xx, 429, a timeout, a reset) is cached.",
    )
    refresh: bool = Field(
        default=False, description="Ask again every URL whose cached answer is a failure."
    )
    fresh_fix_targets: bool = Field(
        default=False,
        description="Check again the redirects and archived copies a fix would write"
        " (on in `fix --unsafe-fixes`).",
    )
    archive: bool = Field(
        default=True, description="Look dead links up in the archive (L001's unsafe fix)."
    )
    archive_url: str = Field(
        default="https://archive.org/wayback/available",
        description="The Wayback Machine's availability API (or one that answers like it).",
    )
    scope: Literal["all", "links-section"] = Field(
        default="all",
        description='"all": every link of the note; "links-section": `link:`, the source'
        " line and `## Links` only.",
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

    @field_validator("archive_url")
    @classmethod
    def _archive_endpoint(cls, value: str) -> str:
        from seedlint.links.urls import normalise

        if normalise(value) is None:
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("cache_ttl", "failure_ttl", "transient_ttl")
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
        default_factory=list,
        description="Globs (`.gitignore` rules) of files and folders never walked into.",
    )
    extend_exclude: list[str] = Field(
        default_factory=list, description="Globs excluded on top of `exclude`."
    )
    force_exclude: bool = Field(
        default=False,
        description="Apply `exclude` to files named on the command line too (pre-commit).",
    )
    include: list[str] = Field(
        default_factory=lambda: list(DEFAULT_INCLUDE),
        min_length=1,
        description="Globs of the files a folder walk lints (named files are always linted).",
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
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description=(
            "Rule options: a table per rule (`[rules.F102]`), named by its code, its name or"
            " its plugin's name; each rule validates its own (`seedlint rule CODE` lists them)."
        ),
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


#: Where a value came from, for `--show-settings`: "default", a file path, "command line".
DEFAULT_ORIGIN = "default"
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Configuration:
    settings: Settings
    root: Path  # folder holding the configuration file, else the working folder
    source: Path | None
    #: Setting (python field name) -> where its value came from; absent: the default.
    origins: Mapping[str, str] = field(default_factory=dict)
    #: Without configuration: the vault found above the linted paths (`topics/` or
    #: `.obsidian/` in it), used as the topics root.
    found_vault: Path | None = None

    @property
    def topics_root(self) -> Path:
        if self.settings.topics_root is not None:
            return (self.root / self.settings.topics_root).resolve()
        if self.found_vault is not None:
            return self.found_vault
        return self.root

    @property
    def topics_root_origin(self) -> str:
        """How the topics root was chosen, in words, for `--show-settings`."""
        if self.settings.topics_root is not None:
            return f"topics-root, from {self.origin('topics_root')}"
        if self.found_vault is not None:
            return "found above the linted path (the nearest folder holding topics/ or .obsidian/)"
        if self.source is not None:
            return f"the folder of {self.source}"
        return "the working folder (no configuration, no vault found above the paths)"

    def origin(self, name: str) -> str:
        return self.origins.get(name, DEFAULT_ORIGIN)

    def exclude_globs(self) -> GlobSet:
        settings = self.settings
        return _globs((*settings.exclude, *settings.extend_exclude), str(self.root))

    def include_globs(self) -> GlobSet:
        return _globs(tuple(self.settings.include), str(self.root))

    def ignored_codes(self, path: str) -> list[str]:
        """Codes `per-file-ignores` turns off for ``path``."""
        patterns = self.settings.per_file_ignores
        if not patterns:
            return []
        codes: list[str] = []
        for pattern, ignored in patterns.items():
            if _globs((pattern,), str(self.root)).matches(path):
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
        origins = {**self.origins, **dict.fromkeys(updates, origin)}
        return replace(self, settings=settings, origins=origins)

    def resolve_selectors(self, rules: Mapping[str, Rule]) -> Configuration:
        """Every selector (`select`, `ignore`, `extend-select`, `per-file-ignores`,
        `severity`) checked against ``rules`` and written as a code prefix: rule names
        become their code. An unknown one is a :class:`ConfigError` naming it and its key,
        with the nearest real selector."""
        from seedlint.registry import UnknownSelector, resolve_selector

        settings = self.settings

        def resolved(key: str, name: str, text: str) -> str:
            try:
                return resolve_selector(text, rules)
            except UnknownSelector as error:
                where = self.origin(name)
                if where == DEFAULT_ORIGIN:
                    where = str(self.source) if self.source is not None else "configuration"
                raise ConfigError(
                    f"{where}: unknown rule selector {error.selector!r} in '{key}'{error.hint}"
                ) from None

        updates = {
            name: [resolved(_kebab(name), name, code) for code in getattr(settings, name)]
            for name in ("select", "ignore", "extend_select")
        }
        ignores = {
            glob: [resolved(f"per-file-ignores.{glob}", "per_file_ignores", code) for code in codes]
            for glob, codes in settings.per_file_ignores.items()
        }
        levels = {
            resolved(f"severity.{code}", "severity", code): level
            for code, level in settings.severity.items()
        }
        resolved_settings = settings.model_copy(
            update={**updates, "per_file_ignores": ignores, "severity": levels}
        )
        return replace(self, settings=resolved_settings)


@lru_cache(maxsize=1024)
def _globs(patterns: tuple[str, ...], root: str) -> GlobSet:
    return GlobSet.of(patterns, root)


def glob_matches(relative: str, name: str, pattern: str) -> bool:
    """``pattern`` (`.gitignore` rules, as every glob of the configuration) against a
    slash-separated path relative to the configuration folder, or against ``name``."""
    spec = _globs((pattern,), "/").spec
    assert spec is not None
    return spec.match_file(relative) or spec.match_file(name)


#: Markers of a vault's top folder, looked for when no configuration says where it is.
VAULT_MARKERS = ("topics", ".obsidian")


def find_vault(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding `topics/` or `.obsidian/`, not above
    the repository ``start`` is in (a folder with `.git`): a vault cloned inside another
    never borrows the outer one's topics."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).is_dir() for marker in VAULT_MARKERS):
            return candidate
        if os.path.lexists(candidate / ".git"):
            return None
    return None


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
    """The configuration in ``path`` (None: the defaults), with ``overrides`` from the
    command line on top; each value remembers where it came from."""
    table: dict[str, Any] = {}
    if path is not None:
        found = _table(path)
        if found is None:
            raise ConfigError(f"{path}: no [tool.seedlint] table")
        table = found
    origins = {_field_name(key): str(path) for key in table}
    for table_name in ("links",):  # a table's keys, one by one
        inner = table.get(table_name)
        if isinstance(inner, dict):
            origins.update({f"{table_name}.{_field_name(key)}": str(path) for key in inner})
    if overrides:
        table = {**table, **overrides}
        origins.update(dict.fromkeys(map(_field_name, overrides), COMMAND_LINE))
    try:
        settings = Settings.model_validate(table)
    except ValidationError as error:
        where = str(path) if path is not None else "configuration"
        raise ConfigError(_describe(error, table, where)) from None
    root = path.parent.resolve() if path is not None else Path.cwd()
    return Configuration(settings, root, path, origins)


def _field_name(key: str) -> str:
    return key.replace("-", "_")


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
        return f"{where}: unknown configuration key '{key}'{_nearest_key(tuple(first['loc']))}"
    message = str(first["msg"])
    message = message.removeprefix("Value error, ")
    given = first.get("input")
    shown = "" if first["type"] == "value_error" or isinstance(given, dict) else f" (got {given!r})"
    return f"{where}: invalid value for '{key}': {message}{shown}"


def _nearest_key(loc: tuple[int | str, ...]) -> str:
    """`` (did you mean 'ignore'?)`` for a misspelt key, from the keys of its own table."""
    import difflib

    model: type[BaseModel] = Settings
    if loc[:1] == ("links",):
        model = HostSettings if len(loc) == 4 and loc[1] == "hosts" else LinkSettings
    elif loc[:1] == ("bounds",) and len(loc) == 3:
        model = Bounds
    keys = [info.alias or _kebab(name) for name, info in model.model_fields.items()]
    near = difflib.get_close_matches(str(loc[-1]).replace("_", "-"), keys, n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""
