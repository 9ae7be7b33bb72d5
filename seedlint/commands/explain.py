"""`seedlint rule CODE`: a rule's documentation, with its options and inputs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO, get_args

from pydantic import BaseModel

from seedlint.config import Configuration
from seedlint.errors import UsageError
from seedlint.rule import Rule
from seedlint.rule_options import (
    InputFile,
    OptionsError,
    RuleOptions,
    file_options,
    inputs_of,
    options_model,
    resolve_options,
)


@dataclass(frozen=True)
class OptionDoc:
    key: str
    type: str
    default: Any
    value: Any
    description: str


def describe_options(model: type[RuleOptions], current: RuleOptions | None) -> list[OptionDoc]:
    """Each option of ``model``: its key, type, default and value in force."""
    docs = []
    for name, info in model.model_fields.items():
        annotation = _type_name(info.annotation)
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        value = getattr(current, name) if current is not None else default
        docs.append(
            OptionDoc(
                info.alias or name.replace("_", "-"),
                annotation,
                _plain(default),
                _plain(value),
                info.description or "",
            )
        )
    return docs


def _plain(value: Any) -> Any:
    if isinstance(value, InputFile):
        return value.path
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _type_name(annotation: Any) -> str:
    """An option's type in TOML's words: `file`, `bool`, `"a" | "b"`, `list[str]`."""
    import json
    import types
    from typing import Literal, Union, get_origin

    origin = get_origin(annotation)
    if annotation is InputFile:
        return "file"
    if origin is Literal:
        return " | ".join(json.dumps(choice) for choice in get_args(annotation))
    if origin in (Union, types.UnionType):
        shown = [_type_name(arg) for arg in get_args(annotation) if arg is not type(None)]
        optional = type(None) in get_args(annotation)
        return " | ".join(shown) + (", optional" if optional else "")
    if origin is not None:
        inner = ", ".join(_type_name(arg) for arg in get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]"
    return str(getattr(annotation, "__name__", annotation))


def options_in_force(
    rules: Mapping[str, Rule], configuration: Configuration
) -> dict[str, RuleOptions]:
    """Every rule's options under ``configuration``; a table that does not validate is
    the usual one-line error (exit 2)."""
    from seedlint.registry import plugin_names

    where = str(configuration.source) if configuration.source is not None else "configuration"
    try:
        return resolve_options(rules, configuration.settings, where, lambda: plugin_names(rules))
    except OptionsError as error:
        raise UsageError(str(error)) from None


def _reads(rule: Rule) -> list[str]:
    reads = inputs_of(rule).words()
    model = options_model(rule)
    if model is not None:
        reads += [f"the file named by `{name.replace('_', '-')}`" for name in file_options(model)]
    return reads


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if value is not None else "unset"


def write_text(rule: Rule, current: RuleOptions | None, source: str | None, out: TextIO) -> None:
    out.write(f"# {rule.name} ({rule.code})\n\n")
    out.write(f"Default severity: {rule.severity.value}. Fix: {rule.fix}.\n\n")
    out.write(f"{rule.summary}\n\n{rule.explanation}\n")
    model = options_model(rule)
    if model is not None:
        out.write(
            f"\nOptions (`[tool.seedlint.rules.{rule.code}]` in pyproject.toml, "
            f"`[rules.{rule.code}]` in seedlint.toml; or by the name `{rule.name}`):\n\n"
        )
        for option in describe_options(model, current):
            line = f"- `{option.key}` ({option.type}), default {_shown(option.default)}"
            if option.value != option.default:
                line += f"; in force: {_shown(option.value)}"
                if source is not None:
                    line += f" (from {source})"
            out.write(f"{line}\n")
            if option.description:
                out.write(f"  {option.description}\n")
    reads = _reads(rule)
    if reads:
        out.write(f"\nReads beyond the file: {', '.join(reads)}.\n")


def as_json(rule: Rule, current: RuleOptions | None) -> dict[str, Any]:
    model = options_model(rule)
    options = [
        {
            "key": option.key,
            "type": option.type,
            "default": option.default,
            "value": option.value,
            "description": option.description,
        }
        for option in (describe_options(model, current) if model is not None else [])
    ]
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity.value,
        "fix": rule.fix,
        "explanation": rule.explanation,
        "options": options,
        "inputs": _reads(rule),
    }
