"""`--show-files` and `--show-settings`: what a run would lint, and with which settings,
as ruff shows them; nothing is linted."""

from __future__ import annotations

import json
import os
from typing import Any, TextIO

from pydantic import BaseModel

from seedlint.commands.check import Run
from seedlint.commands.options import LintOptions
from seedlint.config import DEFAULT_ORIGIN, Configuration, Settings
from seedlint.errors import EXIT_OK


def show(run: Run, options: LintOptions, out: TextIO) -> int:
    if options.show_files:
        for path in sorted(run.paths):
            out.write(f"{path}\n")
        return EXIT_OK
    target = _target(run, options)
    if options.format in ("json", "jsonl"):
        json.dump(_settings_payload(run.configuration, target), out, indent=2)
        out.write("\n")
        return EXIT_OK
    _write_settings(run.configuration, target, out)
    return EXIT_OK


def _target(run: Run, options: LintOptions) -> str:
    """The file the settings are shown for: the first file the run would lint, else the
    first path given (a folder, standard input's name)."""
    if options.reads_stdin:
        return options.stdin_filename or "-"
    if run.paths:
        return run.paths[0]
    return options.paths[0] if options.paths else "."


def _entries(configuration: Configuration) -> list[tuple[str, Any, str]]:
    """(key, value, origin) for every setting, `links.*` keys one by one."""
    settings = configuration.settings
    rows: list[tuple[str, Any, str]] = []
    for name, info in Settings.model_fields.items():
        key = info.alias or name.replace("_", "-")
        value = getattr(settings, name)
        if isinstance(value, BaseModel):
            table_origin = configuration.origin(name)
            for sub_name, sub_info in type(value).model_fields.items():
                sub_key = sub_info.alias or sub_name.replace("_", "-")
                origin = configuration.origins.get(f"{name}.{sub_name}", DEFAULT_ORIGIN)
                if origin == DEFAULT_ORIGIN and table_origin != DEFAULT_ORIGIN:
                    origin = "default (the table is set in " + table_origin + ")"
                rows.append((f"{key}.{sub_key}", _plain(getattr(value, sub_name)), origin))
            continue
        rows.append((key, _plain(value), configuration.origin(name)))
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _facts(configuration: Configuration, target: str) -> list[tuple[str, str]]:
    source = configuration.source
    facts = [
        ("file", target),
        ("configuration", str(source) if source is not None else "none (defaults)"),
        ("project root", str(configuration.root)),
        ("topics root", f"{configuration.topics_root}"),
        ("topics root from", configuration.topics_root_origin),
    ]
    if target not in ("-", "") and not os.path.isdir(target):
        ignored = configuration.ignored_codes(target)
        facts.append(("per-file-ignores for this file", ", ".join(ignored) or "none"))
    return facts


def _settings_payload(configuration: Configuration, target: str) -> dict[str, Any]:
    return {
        **{key.replace(" ", "_"): value for key, value in _facts(configuration, target)},
        "settings": {
            key: {"value": value, "origin": origin}
            for key, value, origin in _entries(configuration)
        },
    }


def _write_settings(configuration: Configuration, target: str, out: TextIO) -> None:
    for label, value in _facts(configuration, target):
        out.write(f"{label}: {value}\n")
    out.write("\n")
    rows = [(f"{key} = {_toml(value)}", origin) for key, value, origin in _entries(configuration)]
    width = min(max(len(text) for text, _ in rows), 60)
    for text, origin in rows:
        out.write(f"{text.ljust(width)}  # {origin}\n")


def _toml(value: Any) -> str:
    """``value`` written as TOML would write it (inline tables for mappings)."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ", ".join(
            f"{json.dumps(str(k), ensure_ascii=False)} = {_toml(v)}" for k, v in value.items()
        )
        return "{ " + items + " }"
    return json.dumps(str(value))
