"""What a rule owns beyond its code: its options, and what it reads besides the file.

A rule (built-in or a plugin's) declares

- its **options** as a small frozen pydantic model, a subclass of :class:`RuleOptions`;
  users set them under ``[tool.seedlint.rules.<code, rule name or plugin name>]`` in
  pyproject.toml (``[rules.<...>]`` in seedlint.toml), each table validated against the
  rule's model (an unknown key or a bad value is a one-line error, exit 2);
- its **inputs** beyond the file, as :class:`Inputs`: the topic index, today's date, the
  network; a file it reads is an option typed :class:`InputFile`.

The result cache fingerprints exactly what is declared: the options' values (a file
option by the digest of the file's bytes, not by its path) are part of the run key, and
a rule reading the network is never served from the cache. The topic index and the date
are recorded as the rules use them (`seedlint.cache.recording`), whatever they declare.

Validation needs the rules, so it runs once they are loaded: :func:`resolve_options`
(every table, every rule) and :func:`read_input_files` (the files of the enabled rules).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, get_args

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import core_schema

from seedlint.findings import Severity

# Declared with the rule contract, which must not load pydantic (`seedlint --version`).
from seedlint.rule import NO_INPUTS, Inputs

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler

    from seedlint.config import Configuration, Settings
    from seedlint.rule import Rule

__all__ = [
    "NO_INPUTS",
    "InputFile",
    "Inputs",
    "OptionsError",
    "RuleOptions",
    "inputs_of",
    "options_model",
]

try:  # the BLAKE2 module alone: `hashlib` also loads OpenSSL, a few ms of start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Python builds without it
    from hashlib import blake2b


class OptionsError(ValueError):
    """A rule's options table that cannot be used; the message names the file and key."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class RuleOptions(BaseModel):
    """Base of a rule's options: frozen, unknown keys refused, kebab-case keys in TOML.

    ``settings_fallbacks`` maps an option to the top-level setting (python field name)
    that stands in for it when no table sets it: a setting that moved into a rule keeps
    working under its old name.
    """

    # defer_build: a model's validator is built when a table first needs it, not when
    # the rule is imported (most runs configure no rule: see `_untouched`).
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=_kebab,
        populate_by_name=True,
        defer_build=True,
    )
    settings_fallbacks: ClassVar[Mapping[str, str]] = {}

    def default_severity(self, declared: Severity) -> Severity:
        """The rule's severity under these options, before the `severity` table applies
        (``declared``: the rule's own default). Override it where an option changes it."""
        return declared


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file a rule reads, named by one of its options (a path relative to the folder of
    the configuration file). Its bytes are read once per run, bounded by
    `max-file-size`, and the cache is keyed by their digest: editing the file changes the
    results, touching it or renaming it (and the option) does not."""

    path: str
    data: bytes | None = None  # None until the run reads it (`read_input_files`)
    digest: str = ""

    def text(self) -> str:
        """The file as text (UTF-8, a byte order mark dropped, undecodable bytes replaced)."""
        return (self.data or b"").decode("utf-8-sig", "replace")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_text = core_schema.no_info_after_validator_function(
            lambda text: cls(text), core_schema.str_schema(min_length=1)
        )
        return core_schema.json_or_python_schema(
            json_schema=from_text,
            python_schema=core_schema.union_schema(
                [core_schema.is_instance_schema(cls), from_text]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: value.path
            ),
        )


def options_model(rule: Rule) -> type[RuleOptions] | None:
    """The options model ``rule`` declares (rules made before options existed have none)."""
    model = getattr(rule, "options", None)
    return model if isinstance(model, type) and issubclass(model, RuleOptions) else None


def inputs_of(rule: Rule) -> Inputs:
    inputs = getattr(rule, "inputs", NO_INPUTS)
    return inputs if isinstance(inputs, Inputs) else NO_INPUTS


def file_options(model: type[RuleOptions]) -> list[str]:
    """The options of ``model`` that name a file the rule reads."""
    return [
        name
        for name, info in model.model_fields.items()
        if info.annotation is InputFile or InputFile in get_args(info.annotation)
    ]


def network_codes(rules: Mapping[str, Rule]) -> frozenset[str]:
    """The rules that declare they read the network."""
    return frozenset(code for code, rule in rules.items() if inputs_of(rule).network)


# -- validation -----------------------------------------------------------------------------


def _tables_for(code: str, rule: Rule, plugin: str | None, tables: Mapping[str, Any]) -> list[str]:
    """The tables that configure ``rule``, weakest first: its plugin's, its name's, its
    code's (a key of a later table wins)."""
    names = [name for name in (plugin, rule.name, code) if name is not None]
    return [name for name in dict.fromkeys(names) if name in tables]


def resolve_options(
    rules: Mapping[str, Rule],
    settings: Settings,
    where: str,
    plugins: Callable[[], Mapping[str, str]] | None = None,
) -> dict[str, RuleOptions]:
    """Code -> validated options, for every rule of ``rules`` that declares a model.

    ``settings.rules`` tables are addressed by a rule's code, its name, or the name of the
    plugin (entry point) it comes from (``plugins()``: code -> plugin name, asked only
    when a table names neither a code nor a rule). A table naming no rule, a code or name
    table for a rule without options, and a key the model refuses are each an
    :class:`OptionsError`. ``where``: the configuration file, for the messages.
    """
    tables = settings.rules
    direct = {*rules, *(rule.name for rule in rules.values())}
    by_plugin: Mapping[str, str] = {}
    if plugins is not None and any(name not in direct for name in tables):
        by_plugin = plugins()
    unknown = [name for name in tables if name not in direct and name not in by_plugin.values()]
    if unknown:
        hint = _near_rule(unknown[0], rules, by_plugin)
        raise OptionsError(f"{where}: unknown rule 'rules.{unknown[0]}'{hint}")
    found: dict[str, RuleOptions] = {}
    for code, rule in rules.items():
        model = options_model(rule)
        names = _tables_for(code, rule, by_plugin.get(code), tables)
        if model is None:
            named = [name for name in names if name in (code, rule.name)]
            if named:
                raise OptionsError(
                    f"{where}: rule {code} ({rule.name}) has no options, yet 'rules.{named[0]}'"
                    " sets some"
                )
            continue
        data: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for option, setting in model.settings_fallbacks.items():
            data[option] = getattr(settings, setting)
        if not names and _untouched(model, data):
            found[code] = model.model_construct()
            continue
        for name in names:
            for key, value in tables[name].items():
                option = key.replace("-", "_")
                for written in [k for k in data if k.replace("-", "_") == option]:
                    del data[written]
                data[key] = value
                origin[option] = name
        try:
            found[code] = model.model_validate(data)
        except ValidationError as error:
            raise OptionsError(_describe(error, model, origin, names, code, where)) from None
    return found


def _describe(
    error: ValidationError,
    model: type[RuleOptions],
    origin: Mapping[str, str],
    names: list[str],
    code: str,
    where: str,
) -> str:
    import difflib  # only for a message: not loaded by a run whose options are fine

    first = error.errors(include_url=False)[0]
    loc = [str(part) for part in first["loc"]]
    option = loc[0].replace("-", "_") if loc else ""
    table = origin.get(option, names[-1] if names else code)
    key = ".".join([f"rules.{table}", *(part.replace("_", "-") for part in loc)])
    if first["type"] == "extra_forbidden":
        keys = [info.alias or _kebab(name) for name, info in model.model_fields.items()]
        near = difflib.get_close_matches(loc[-1].replace("_", "-"), keys, n=1, cutoff=0.6)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        known = f"; rule {code} knows {', '.join(keys)}" if not near and keys else ""
        return f"{where}: unknown configuration key '{key}'{hint}{known}"
    message = str(first["msg"]).removeprefix("Value error, ")
    given = first.get("input")
    shown = "" if first["type"] == "value_error" or isinstance(given, dict) else f" (got {given!r})"
    return f"{where}: invalid value for '{key}': {message}{shown}"


def _near_rule(name: str, rules: Mapping[str, Rule], plugins: Mapping[str, str]) -> str:
    import difflib

    candidates = [*rules, *(rule.name for rule in rules.values()), *set(plugins.values())]
    near = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not near:
        near = difflib.get_close_matches(name.upper(), list(rules), n=1, cutoff=0.75)
    return f" (did you mean '{near[0]}'?)" if near else " (a rule code, rule name or plugin name)"


def read_input_files(
    options: Mapping[str, RuleOptions], codes: frozenset[str], configuration: Configuration
) -> dict[str, RuleOptions]:
    """``options`` with the files that the rules ``codes`` name read in (the other rules'
    left unread: a disabled rule's vocabulary need not exist).

    A path is relative to the configuration file's folder and must stay inside it (a
    repository's configuration is untrusted: it may not have seedlint read, and quote in
    findings, files elsewhere); symbolic links are followed, then judged.
    """
    root = configuration.root
    where = str(configuration.source) if configuration.source is not None else "configuration"
    limit = configuration.settings.max_file_size
    result = dict(options)
    for code in sorted(codes & options.keys()):
        chosen = options[code]
        updates: dict[str, InputFile] = {}
        for name in file_options(type(chosen)):
            given = getattr(chosen, name)
            if not isinstance(given, InputFile) or given.data is not None:
                continue
            key = f"rules.{code}.{_kebab(name)}"
            updates[name] = _read(given, root, limit, f"{where}: '{key}' ({given.path})")
        if updates:
            result[code] = chosen.model_copy(update=updates)
    return result


def _read(given: InputFile, root: Path, limit: int, what: str) -> InputFile:
    path = root / given.path
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    if real != top and not real.startswith(os.path.join(top, "")):
        raise OptionsError(f"{what} leads outside the configuration's folder ({top})")
    try:
        with open(real, "rb") as handle:
            if not os.path.isfile(real):
                raise OptionsError(f"{what} is not a file")
            data = handle.read(limit + 1)
    except OSError as error:
        raise OptionsError(f"{what}: cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        raise OptionsError(f"{what}: file too large (limit {limit} bytes)")
    return InputFile(given.path, data, blake2b(data, digest_size=16).hexdigest())


def input_paths(options: Mapping[str, RuleOptions], root: Path) -> set[str]:
    """The real paths of the files the rules read (read in already): inputs, not seeds."""
    found = set()
    for chosen in options.values():
        for name in file_options(type(chosen)):
            given = getattr(chosen, name)
            if isinstance(given, InputFile) and given.data is not None:
                found.add(os.path.realpath(root / given.path))
    return found


def fingerprint(options: Mapping[str, RuleOptions], codes: frozenset[str]) -> str:
    """The options of the rules ``codes`` as the run key sees them: a file by the digest
    of its bytes, never by its path."""
    parts = []
    for code in sorted(codes & options.keys()):
        chosen = options[code]
        values = chosen.model_dump(mode="json")
        for name in file_options(type(chosen)):
            given = getattr(chosen, name)
            if isinstance(given, InputFile):
                values[name] = f"bytes:{given.digest or 'unread'}"
        parts.append(f"{code}={sorted(values.items())!r}")
    return ";".join(parts)


def _untouched(model: type[RuleOptions], data: Mapping[str, Any]) -> bool:
    """Whether ``data`` (the settings' fallbacks) leaves every option at its default: the
    options are then the defaults, which pydantic never validates either."""
    fields = model.model_fields
    return all(name in fields and fields[name].default == value for name, value in data.items())


def defaults(model: type[RuleOptions], settings: Settings) -> RuleOptions:
    """``model``'s options with no table set (its fallbacks taken from ``settings``)."""
    data = {
        option: getattr(settings, setting) for option, setting in model.settings_fallbacks.items()
    }
    return model.model_construct() if _untouched(model, data) else model.model_validate(data)


# -- documentation --------------------------------------------------------------------------


def rules_table_schema(rules: Mapping[str, Rule]) -> dict[str, Any]:
    """JSON Schema of the `rules` table for ``rules``: each one's options under its code
    and its name; any other table (a plugin's) is an object."""
    properties: dict[str, Any] = {}
    for code, rule in rules.items():
        model = options_model(rule)
        if model is None:
            continue
        schema = model.model_json_schema(by_alias=True)
        schema.pop("title", None)
        schema["description"] = f"Options of {code} ({rule.name})."
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        properties[code] = schema
        properties[rule.name] = {"$ref": f"#/properties/rules/properties/{code}"}
    return {
        "type": "object",
        "description": (
            "Rule options: a table per rule, named by its code, its name or its plugin's name."
        ),
        "default": {},
        "properties": properties,
        "additionalProperties": {"type": "object"},
    }
