"""The front matter schema: a pydantic model built from the settings, and its JSON Schema.

``schemas/seed.schema.json`` is this model exported with the default settings; a test fails
when the committed file drifts from it. Editors (VS Code's YAML extension, JetBrains) read
it, so every key carries a title, a description and an example.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from seedlint.config import DEFAULT_TAG_PATTERN, Bounds, LinkSettings, Settings

URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Names, not addresses: no host serves these schemas, and an `https://` `$id` invites an
# editor or a validator to fetch it. A URN is still a unique identifier, so both schemas
# can be loaded into one validator (ajv refuses two schemas without distinct ids only
# when they are registered by id) and one can `$ref` the other.
SCHEMA_ID = "urn:seedlint:schema:seed"
CONFIG_SCHEMA_ID = "urn:seedlint:schema:config"
#: `seedlint schema --draft`: draft-07 by default, which every editor's validator reads
#: (ajv's default, as remark-lint-frontmatter-schema and VS Code's YAML extension use it).
DRAFTS = {
    "7": "http://json-schema.org/draft-07/schema#",
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
}
DEFAULT_DRAFT = "7"
SCHEMA_DIALECT = DRAFTS[DEFAULT_DRAFT]


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One validation error, sorted into a kind the rules report under their codes:
    "missing" (F101), "unknown" (F102), "type" (F103), "value" (F104), "date" (F201),
    "tag" (F202), "url" (L003)."""

    kind: str
    key: str
    item: int | None  # index within a list value (a tag), when the error is on an item
    message: str
    # The pydantic error type of a wrong type (`int_type`, `bool_type`, `string_type`):
    # what F103's coercion fix converts to.
    expected: str | None = None


def _bounded(bounds: Bounds | None, **doc: Any) -> Any:
    if bounds is None:
        return Annotated[int, Field(**doc)]
    return Annotated[int, Field(ge=bounds.minimum, le=bounds.maximum, **doc)]


def _doc(title: str, description: str, *examples: Any) -> dict[str, Any]:
    return {"title": title, "description": description, "examples": list(examples)}


def _build_model(settings: Settings) -> type[BaseModel]:
    tag = Annotated[str, Field(pattern=settings.tag_pattern)]
    fields: dict[str, Any] = {
        "already_read": (
            Annotated[
                bool,
                Field(**_doc("Already read", "Whether the item was read: true or false.", False)),
            ],
            ...,
        ),
        "link": (
            Annotated[
                str,
                Field(
                    pattern=URL_PATTERN,
                    json_schema_extra={"format": "uri"},
                    **_doc(
                        "Link",
                        "The item itself: an absolute http(s) URL. The body's first line "
                        "repeats it.",
                        "https://newsletter.ruder.io/p/thoughts-on-the-2024-ai-job-market",
                    ),
                ),
            ],
            ...,
        ),
        "read_priority": (
            _bounded(
                settings.bounds.get("read_priority"),
                **_doc("Read priority", "How soon to read the item (higher: sooner).", 1),
            ),
            ...,
        ),
        "relevance": (
            _bounded(
                settings.bounds.get("relevance"),
                **_doc("Relevance", "How relevant the item is to the knowledge base.", 0),
            ),
            ...,
        ),
        "source": (
            Annotated[
                str | None,
                Field(
                    **_doc(
                        "Source",
                        "Where the item came from (often a newsletter's name, or a URL); "
                        "null when unknown.",
                        None,
                        "NLP News",
                    )
                ),
            ],
            ...,
        ),
        "tags": (
            Annotated[
                list[tag],
                Field(
                    min_length=1,
                    json_schema_extra={"uniqueItems": True},
                    **_doc(
                        "Tags",
                        "Optional, and non-empty when present: words joined by '_' "
                        "(letters and digits), no spaces, no '#', no duplicates.",
                        ["Natural_Language_Processing", "Large_Language_Model"],
                    ),
                ),
            ],
            None,
        ),
        "type": (
            Annotated[
                Literal[tuple(settings.allowed_types)],
                Field(**_doc("Type", "The kind of item.", settings.allowed_types[0])),
            ],
            ...,
        ),
        "upload_date": (
            Annotated[
                str,
                Field(
                    pattern=DATE_PATTERN,
                    json_schema_extra={"format": "date"},
                    **_doc(
                        "Upload date",
                        "When the item was added, as a quoted 'YYYY-MM-DD' string.",
                        "2024-02-22",
                    ),
                ),
            ],
            ...,
        ),
    }
    for key in settings.required_keys:
        if key not in fields:
            # A key the user made required: any value, or a bounded integer if it has bounds.
            bounds = settings.bounds.get(key)
            annotation = Any if bounds is None else _bounded(bounds)
            fields[key] = (annotation, ...)
    for key in fields:
        annotation, _ = fields[key]
        required = key in settings.required_keys
        fields[key] = (annotation, ... if required else None)
    extra: Literal["forbid", "allow"] = "forbid" if settings.unknown_keys == "error" else "allow"
    model: type[BaseModel] = create_model(
        "SeedFrontMatter",
        __config__=ConfigDict(
            strict=True,
            extra=extra,
            # Linear time (the `tag-pattern` comes from an untrusted configuration, checked
            # by RE2 when loaded; Rust's regex reads the same syntax).
            regex_engine="rust-regex",
            title="Seed front matter",
        ),
        __doc__=(
            "YAML front matter of a seed file: a Markdown reading note "
            "(seedlint's default profile)."
        ),
        **fields,
    )
    return model


#: What of the settings shapes the model: allowed types, tag pattern, required keys,
#: bounds and the unknown-keys policy, as a hashable value (see `_schema_key`).
_SchemaKey = tuple[tuple[str, ...], str, tuple[str, ...], tuple[tuple[str, int, int], ...], str]


def _schema_key(settings: Settings) -> _SchemaKey:
    """The settings the model depends on, by value: equal settings share one model, and a
    changed copy (``model_copy``) never meets a model built for the original."""
    return (
        tuple(settings.allowed_types),
        settings.tag_pattern,
        tuple(settings.required_keys),
        tuple((key, b.minimum, b.maximum) for key, b in settings.bounds.items()),
        settings.unknown_keys,
    )


@lru_cache(maxsize=8)
def _model_for_key(key: _SchemaKey) -> type[BaseModel]:
    allowed, tag_pattern, required, bounds, unknown = key
    settings = Settings.model_validate(
        {
            "allowed-types": list(allowed),
            "tag-pattern": tag_pattern,
            "required-keys": list(required),
            "bounds": {name: {"min": low, "max": high} for name, low, high in bounds},
            "unknown-keys": unknown,
        }
    )
    return _build_model(settings)


def model_for(settings: Settings) -> type[BaseModel]:
    """The front matter model for ``settings``, built once for each distinct schema key."""
    return _model_for_key(_schema_key(settings))


def known_keys(settings: Settings) -> frozenset[str]:
    return _keys_of(model_for(settings))


@lru_cache(maxsize=8)
def _keys_of(model: type[BaseModel]) -> frozenset[str]:
    # F102 asks for every seed; the model is the run's one, remembered by model_for.
    return frozenset(model.model_fields)


def json_schema(settings: Settings, draft: str = DEFAULT_DRAFT) -> dict[str, Any]:
    """The front matter schema for ``settings``, in JSON Schema ``draft`` (`7`, `2020-12`)."""
    schema = model_for(settings).model_json_schema()
    schema["additionalProperties"] = settings.unknown_keys != "error"
    for prop in schema.get("properties", {}).values():
        # An optional key has no default value to speak of: it is absent or valid.
        if prop.get("default", ...) is None:
            del prop["default"]
    return _dialect(schema, draft, SCHEMA_ID)


def json_schema_text(settings: Settings, draft: str = DEFAULT_DRAFT) -> str:
    return _text(json_schema(settings, draft))


def config_json_schema(draft: str = DEFAULT_DRAFT) -> dict[str, Any]:
    """seedlint's own configuration: the `[tool.seedlint]` table of pyproject.toml, or the
    whole of seedlint.toml / .seedlint.toml (``schemas/config.schema.json``).

    Generated from the `Settings` model, so the keys, their kebab-case names, types,
    choices and bounds are the ones the loader enforces; the defaults are the values of
    `Settings()`, including those pydantic builds with a factory.
    """
    schema = Settings.model_json_schema(by_alias=True)
    schema["title"] = "seedlint configuration"
    schema["description"] = (
        "Configuration of seedlint, the linter for Markdown seed notes: the [tool.seedlint] "
        "table of pyproject.toml, or a seedlint.toml / .seedlint.toml file."
    )
    defaults = {
        "Settings": Settings().model_dump(by_alias=True, mode="json"),
        "LinkSettings": LinkSettings().model_dump(by_alias=True, mode="json"),
    }
    for name, model in [("Settings", schema), *schema.get("$defs", {}).items()]:
        for key, prop in model.get("properties", {}).items():
            prop.pop("title", None)  # "Max-Per-Host": the key says it better
            value = defaults.get(name, {}).get(key, ...)
            if value is not ... and key != "links":  # `links` is a table of its own
                prop["default"] = value
            elif prop.get("default", ...) is None and name != "Settings":
                del prop["default"]
    return _dialect(schema, draft, CONFIG_SCHEMA_ID)


def config_json_schema_text(draft: str = DEFAULT_DRAFT) -> str:
    return _text(config_json_schema(draft))


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _dialect(schema: dict[str, Any], draft: str, schema_id: str) -> dict[str, Any]:
    if draft not in DRAFTS:
        raise ValueError(f"unknown JSON Schema draft {draft!r} (choose from {', '.join(DRAFTS)})")
    body = schema if draft == "2020-12" else _draft7(schema)
    return {"$schema": DRAFTS[draft], "$id": schema_id, **body}


# Keywords whose value maps names (of properties, of definitions) to schemas: their keys
# are not keywords.
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SUBSCHEMAS = frozenset(
    {
        "items",
        "additionalProperties",
        "additionalItems",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
    }
)
# 2020-12 keywords draft-07 has nothing to say instead of.
_NO_DRAFT7 = frozenset(
    {
        "unevaluatedProperties",
        "unevaluatedItems",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$recursiveRef",
        "$recursiveAnchor",
        "minContains",
        "maxContains",
        "$vocabulary",
    }
)


def _draft7(node: Any) -> Any:
    """A 2020-12 schema (what pydantic writes) said in draft-07's words: `$defs` ->
    `definitions`, `prefixItems` -> an `items` list, `dependentRequired` and
    `dependentSchemas` -> `dependencies`, and a `$ref` with sibling keywords (ignored by a
    draft-07 validator) wrapped in `allOf`. A keyword draft-07 cannot say is an error."""
    if isinstance(node, list):
        return [_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _NO_DRAFT7:
            raise ValueError(f"the JSON Schema keyword {key!r} has no draft-07 equivalent")
        if key in _NAMED_SCHEMAS:
            out["definitions" if key == "$defs" else key] = {
                name: _draft7(sub) for name, sub in value.items()
            }
        elif key in _SCHEMA_LISTS or key in _SUBSCHEMAS:
            out[key] = _draft7(value)
        elif key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/$defs/", "#/definitions/", 1)
        elif key in ("dependentRequired", "dependentSchemas"):
            dependencies = out.setdefault("dependencies", {})
            dependencies.update({name: _draft7(sub) for name, sub in value.items()})
        else:
            out[key] = value
    if "prefixItems" in out:
        rest = out.pop("items", None)
        out["items"] = out.pop("prefixItems")
        if rest is not None:
            out["additionalItems"] = rest
    if "$ref" in out and len(out) > 1:
        out = {**{k: v for k, v in out.items() if k != "$ref"}, "allOf": [{"$ref": out["$ref"]}]}
    return out


# Pydantic error types, sorted into the catalogue's codes.
_MISSING = {"missing"}
_BOUNDS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}
_VALUE = {"literal_error", "too_short", "too_long", *_BOUNDS}


def validate(
    values: dict[str, Any], settings: Settings, model: type[BaseModel] | None = None
) -> list[SchemaError]:
    """The schema errors of ``values``; ``model``: `model_for(settings)`, when the caller
    keeps it (a run does: `seedlint.context.front_matter_model`)."""
    try:
        (model_for(settings) if model is None else model).model_validate(values)
    except ValidationError as error:
        return [_classify(detail, settings) for detail in error.errors(include_url=False)]
    return []


def _classify(detail: Any, settings: Settings) -> SchemaError:
    loc = detail["loc"]
    key = str(loc[0]) if loc else ""
    item = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    kind = detail["type"]
    given = detail.get("input")
    if kind in _MISSING:
        return SchemaError("missing", key, None, f"missing required key '{key}'")
    if kind == "extra_forbidden":
        return SchemaError("unknown", key, None, f"unknown key '{key}'")
    if key == "upload_date":
        return SchemaError("date", key, None, _date_message(given))
    if key == "tags" and item is not None and kind == "string_pattern_mismatch":
        return SchemaError("tag", key, item, f"tag {given!r} {_tag_rule(settings)}")
    if key == "link" and kind == "string_pattern_mismatch":
        return SchemaError("url", key, None, f"link {given!r} is not an absolute http(s) URL")
    if kind in _BOUNDS:
        bounds = settings.bounds.get(key, Bounds())
        return SchemaError(
            "value",
            key,
            item,
            f"{key} {given!r} is out of bounds ({bounds.minimum} to {bounds.maximum})",
        )
    if key == "tags" and kind == "too_short":
        return SchemaError("value", key, None, "tags is an empty list: omit the key instead")
    if kind in _VALUE:
        return SchemaError("value", key, item, f"invalid value for '{key}': {detail['msg']}")
    return SchemaError("type", key, item, _type_message(key, item, detail), kind)


def _tag_rule(settings: Settings) -> str:
    if settings.tag_pattern == DEFAULT_TAG_PATTERN:
        return "is not of the form Word_Word (letters and digits joined by '_')"
    return f"does not match tag-pattern {settings.tag_pattern!r}"


# What a YAML author wrote, named in YAML's words rather than Python's.
_YAML_TYPES = {
    "bool": "a boolean",
    "int": "an integer",
    "float": "a float",
    "str": "a string",
    "list": "a list",
    "dict": "a mapping",
    "NoneType": "null",
    "date": "an unquoted date",
    "datetime": "an unquoted timestamp",
}
_EXPECTED = {
    "bool_type": "true or false",
    "int_type": "an integer",
    "string_type": "a string",
    "list_type": "a list",
}


def _type_message(key: str, item: int | None, detail: Any) -> str:
    given = detail.get("input")
    kind = _YAML_TYPES.get(type(given).__name__, type(given).__name__)
    shown = kind if given is None else f"{kind} ({_yaml_repr(given)})"
    expected = _EXPECTED.get(detail["type"], detail["msg"].lower().removeprefix("input should be "))
    where = f"{key}[{item}]" if item is not None else key
    return f"{where} must be {expected}, not {shown}"


def _yaml_repr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return repr(value)


def _date_message(given: Any) -> str:
    if given is None:
        return "upload_date is null: write a quoted 'YYYY-MM-DD' date"
    if isinstance(given, str):
        return f"upload_date {_yaml_repr(given)} is not a YYYY-MM-DD date"
    if hasattr(given, "isoformat"):
        return f"upload_date {given.isoformat()} should be quoted: '{given.isoformat()}'"
    return f"upload_date {_yaml_repr(given)} should be a quoted 'YYYY-MM-DD' string"
