"""What rules may consult beyond their document: settings, the topic index, today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from seedlint._yaml import SYNTAX, UNSAFE
from seedlint.config import Configuration, Settings
from seedlint.rule_options import RuleOptions, defaults, read_input_files
from seedlint.schema import SchemaError, validate

if TYPE_CHECKING:
    from seedlint.document import Document
    from seedlint.topics import TopicIndex

Options = TypeVar("Options", bound=RuleOptions)


@dataclass
class RunContext:
    configuration: Configuration
    today: dt.date = field(default_factory=dt.date.today)
    # Said once per run on stderr, not as findings (e.g. "no topics root: T001 skipped").
    notes: list[str] = field(default_factory=list)
    _last_validated: tuple[Document, list[SchemaError]] | None = field(default=None, repr=False)
    #: Code -> the options in force for the rule (set by the `Linter` from its selection).
    rule_options: dict[str, RuleOptions] = field(default_factory=dict, repr=False)

    @property
    def settings(self) -> Settings:
        return self.configuration.settings

    @cached_property
    def topics(self) -> TopicIndex:
        from seedlint.topics import TopicIndex

        return TopicIndex.scan(self.configuration.topics_root)

    def options(self, code: str, model: type[Options]) -> Options:
        """The options of rule ``code`` in force for this run, validated, its input files
        read. A context the linter did not set up (a rule called directly) gets the
        defaults, its fallbacks taken from the settings."""
        found = self.rule_options.get(code)
        if isinstance(found, model):
            return found
        chosen = defaults(model, self.settings)
        chosen = read_input_files({code: chosen}, frozenset({code}), self.configuration)[code]
        self.rule_options[code] = chosen
        return chosen  # type: ignore[return-value]

    def schema_errors(self, doc: Document) -> list[SchemaError]:
        """Validation errors of ``doc``'s front matter, computed once for all rules."""
        # Rules run one document at a time: remembering the last one is enough.
        if self._last_validated is not None and self._last_validated[0] is doc:
            return self._last_validated[1]
        front = doc.front_matter
        readable = (
            front is not None
            and front.yaml.is_mapping
            and not any(issue.kind in (SYNTAX, UNSAFE) for issue in front.yaml.issues)
        )
        errors = validate(doc.front_values, self.settings) if readable else []
        self._last_validated = (doc, errors)
        return errors
