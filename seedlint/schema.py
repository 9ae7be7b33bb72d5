"""The front matter schema: a pydantic model built from the settings, and its JSON Schema.

``schemas/seed.schema.json`` is this model exported with the default settings; a test fails
when the committed file drifts from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from seedlint.config import Settings

URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SCHEMA_ID = "https://seedlint.dev/schemas/seed.schema.json"


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One validation error, already sorted into a rule code."""

    code: str
    key: str
    item: int | None  # index within a list value (a tag), when the error is on an item
    message: str


def _bounded(settings: Settings, key: str) -> Any:
    bounds = settings.bounds.get(key)
    if bounds is None:
        return int
    return Annotated[int, Field(ge=bounds.minimum, le=bounds.maximum)]


@lru_cache(maxsize=8)
def _model_for(settings_json: str) -> type[BaseModel]:
    settings = Settings.model_validate_json(settings_json)
    tag = Annotated[str, Field(pattern=settings.tag_pattern)]
    fields: dict[str, Any] = {
        "already_read": (bool, ...),
        "link": (Annotated[str, Field(pattern=URL_PATTERN)], ...),
        "read_priority": (_bounded(settings, "read_priority"), ...),
        "relevance": (_bounded(settings, "relevance"), ...),
        "source": (str | None, ...),
        "tags": (
            Annotated[list[tag], Field(min_length=1, json_schema_extra={"uniqueItems": True})],
            None,
        ),
        "type": (Literal[tuple(settings.allowed_types)], ...),
        "upload_date": (
            Annotated[str, Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"})],
            ...,
        ),
    }
    for key in fields:
        annotation, default = fields[key]
        required = key in settings.required_keys
        fields[key] = (annotation, ... if required else default)
    extra: Literal["forbid", "allow"] = "forbid" if settings.unknown_keys == "error" else "allow"
    model: type[BaseModel] = create_model(
        "SeedFrontMatter",
        __config__=ConfigDict(strict=True, extra=extra),
        __doc__="Front matter of a seed file (seedlint's default profile).",
        **fields,
    )
    return model


def model_for(settings: Settings) -> type[BaseModel]:
    relevant = settings.model_dump_json(
        include={"allowed_types", "tag_pattern", "required_keys", "bounds", "unknown_keys"},
        by_alias=True,
    )
    return _model_for(relevant)


def known_keys(settings: Settings) -> frozenset[str]:
    return frozenset(model_for(settings).model_fields)


def json_schema(settings: Settings) -> dict[str, Any]:
    schema = model_for(settings).model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
    schema["additionalProperties"] = settings.unknown_keys != "error"
    # A required key that the writer sometimes nulls is still required: keep pydantic's view.
    return schema


def json_schema_text(settings: Settings) -> str:
    return json.dumps(json_schema(settings), indent=2, ensure_ascii=False) + "\n"


# Pydantic error types, sorted into the catalogue's codes.
_MISSING = {"missing"}
_VALUE = {
    "literal_error",
    "greater_than_equal",
    "less_than_equal",
    "greater_than",
    "less_than",
    "too_short",
    "too_long",
}


def validate(values: dict[str, Any], settings: Settings) -> list[SchemaError]:
    try:
        model_for(settings).model_validate(values)
    except ValidationError as error:
        return [_classify(detail) for detail in error.errors(include_url=False)]
    return []


def _classify(detail: Any) -> SchemaError:
    loc = detail["loc"]
    key = str(loc[0]) if loc else ""
    item = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    kind = detail["type"]
    given = detail.get("input")
    if kind in _MISSING:
        return SchemaError("F101", key, None, f"missing required key '{key}'")
    if kind == "extra_forbidden":
        return SchemaError("F102", key, None, f"unknown key '{key}'")
    if key == "upload_date":
        return SchemaError("F201", key, None, _date_message(given))
    if key == "tags" and item is not None and kind == "string_pattern_mismatch":
        return SchemaError("F202", key, item, f"tag {given!r} does not match the tag pattern")
    if key == "link" and kind == "string_pattern_mismatch":
        return SchemaError("L003", key, None, f"link {given!r} is not an absolute http(s) URL")
    if kind in _VALUE:
        return SchemaError("F104", key, item, f"invalid value for '{key}': {detail['msg']}")
    return SchemaError("F103", key, item, f"wrong type for '{key}': {_type_message(detail)}")


def _type_message(detail: Any) -> str:
    given = detail.get("input")
    return f"{detail['msg'].lower()}, got {type(given).__name__} {given!r}"


def _date_message(given: Any) -> str:
    if isinstance(given, str):
        return f"upload_date {given!r} is not a YYYY-MM-DD date"
    return f"upload_date {given!r} should be a quoted 'YYYY-MM-DD' string"
