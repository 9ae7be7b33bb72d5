"""Rules by code: built-ins and third-party plugins, both found through entry points."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from seedlint.rule import CorpusRule, FileRule, Rule

ENTRY_POINT_GROUP = "seedlint.rules"
CODE_PATTERN = re.compile(r"[A-Z][0-9]{3}")
# Used only when seedlint runs from a source tree that was never installed.
_BUILTIN_MODULES = (
    "seedlint.rules.front_matter",
    "seedlint.rules.sections",
    "seedlint.rules.topics",
    "seedlint.rules.links",
    "seedlint.rules.corpus",
    "seedlint.rules.whitespace",
)
#: Rules the linter itself raises, documented like the others.
SYSTEM_CODES = ("E001", "X001")


class PluginError(Exception):
    pass


def _as_rules(loaded: Any, origin: str) -> list[Rule]:
    candidates = [loaded] if isinstance(loaded, Rule) else list(loaded)
    rules: list[Rule] = []
    for candidate in candidates:
        if not isinstance(candidate, FileRule | CorpusRule):
            raise PluginError(f"{origin}: {candidate!r} is not a seedlint rule")
        if not CODE_PATTERN.fullmatch(candidate.code):
            raise PluginError(f"{origin}: invalid rule code {candidate.code!r}")
        rules.append(candidate)
    return rules


def _add(registry: dict[str, Rule], rules: Iterable[Rule], origin: str) -> None:
    for rule in rules:
        if rule.code in registry:
            raise PluginError(f"{origin}: rule code {rule.code} is already taken")
        registry[rule.code] = rule


def load_rules() -> dict[str, Rule]:
    registry: dict[str, Rule] = {}
    from seedlint.rules.system import RULES as SYSTEM_RULES

    _add(registry, SYSTEM_RULES, "seedlint")
    found = entry_points(group=ENTRY_POINT_GROUP)
    names = {entry.value.split(":")[0] for entry in found}
    for module in _BUILTIN_MODULES:
        if module not in names:
            _add(registry, _as_rules(import_module(module).RULES, module), module)
    for entry in sorted(found, key=lambda entry: entry.name):
        try:
            loaded = entry.load()
        except Exception as error:  # a broken plugin must not hide which one it is
            raise PluginError(f"plugin {entry.name!r} failed to load: {error}") from error
        _add(registry, _as_rules(loaded, f"plugin {entry.name!r}"), f"plugin {entry.name!r}")
    return dict(sorted(registry.items()))
