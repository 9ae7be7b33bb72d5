"""What rules may consult beyond their document: settings, the topic index, today."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from seedlint._yaml import SYNTAX, UNSAFE
from seedlint.config import Configuration, Settings
from seedlint.schema import SchemaError, model_for, validate

if TYPE_CHECKING:
    from pydantic import BaseModel

    from seedlint.document import Document
    from seedlint.topics import TopicIndex


@dataclass
class RunContext:
    configuration: Configuration
    today: dt.date = field(default_factory=dt.date.today)
    # Said once per run on stderr, not as findings (e.g. "no topics root: T001 skipped").
    notes: list[str] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.configuration.settings

    @cached_property
    def topics(self) -> TopicIndex:
        from seedlint.topics import TopicIndex

        return TopicIndex.scan(self.configuration.topics_root)

    def schema_errors(self, doc: Document) -> list[SchemaError]:
        """Validation errors of ``doc``'s front matter, computed once for all rules and
        kept on the document, as `seedlint.document.per_document` keeps its views (a
        document is linted under one run's settings)."""
        memo = doc.__dict__
        try:
            return memo[_SCHEMA_ERRORS]  # type: ignore[no-any-return]
        except KeyError:
            pass
        front = doc.front_matter
        readable = (
            front is not None
            and front.yaml.is_mapping
            and not any(issue.kind in (SYNTAX, UNSAFE) for issue in front.yaml.issues)
        )
        model = front_matter_model(self)
        errors = validate(doc.front_values, self.settings, model) if readable else []
        memo[_SCHEMA_ERRORS] = errors
        return errors


_SCHEMA_ERRORS = "seedlint.context.RunContext.schema_errors"
_T = TypeVar("_T")


def per_run(function: Callable[[RunContext], _T]) -> Callable[[RunContext], _T]:
    """``function(context)`` computed once a run and kept on its RunContext: the per-run
    twin of `seedlint.document.per_document` (state several rules of one run share, such
    as the network rules' one link check). A new context starts afresh."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def once(context: RunContext) -> _T:
        memo = context.__dict__
        try:
            return memo[name]  # type: ignore[no-any-return]
        except KeyError:
            value = memo[name] = function(context)
            return value

    return once


@per_run
def front_matter_model(context: RunContext) -> type[BaseModel]:
    """The run's front matter model: every seed asks for it (twice), so it is looked up
    once a run rather than keyed again from the settings each time."""
    return model_for(context.settings)


@per_run
def known_keys(context: RunContext) -> frozenset[str]:
    """The front matter keys the run's schema knows (F102)."""
    return frozenset(front_matter_model(context).model_fields)
