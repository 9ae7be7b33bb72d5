"""Rules by code: built-ins and third-party plugins, both found through entry points.

A plugin is a distribution declaring, in its pyproject.toml::

    [project.entry-points."seedlint.rules"]
    my-rules = "my_package.rules:RULES"

where ``RULES`` is a rule or an iterable of rules (objects satisfying
:class:`seedlint.rule.FileRule` or :class:`seedlint.rule.CorpusRule`, such as those the
``@rule`` decorator makes); the entry point may also name a module holding ``RULES``.
Everything a plugin hands over is checked here, when the CLI starts, so that a broken
plugin is one clear error naming it (exit 2) and never a traceback in the middle of a run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any, get_args

from seedlint.findings import Severity
from seedlint.rule import CorpusRule, FileRule, FixKind, Rule

ENTRY_POINT_GROUP = "seedlint.rules"
CODE_PATTERN = re.compile(r"[A-Z][0-9]{3}")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
# Used only when seedlint runs from a source tree that was never installed.
_BUILTIN_MODULES = (
    "seedlint.rules.front_matter",
    "seedlint.rules.sections",
    "seedlint.rules.topics",
    "seedlint.rules.links",
    "seedlint.rules.network",
    "seedlint.rules.corpus",
    "seedlint.rules.whitespace",
)
#: Rules the linter itself raises, documented like the others.
SYSTEM_CODES = ("E001", "X001")
_FIX_KINDS = frozenset(get_args(FixKind))


class PluginError(Exception):
    """A rule module that cannot be used; the message names the plugin."""


def _as_rules(loaded: Any, origin: str) -> list[Rule]:
    if isinstance(loaded, ModuleType):
        loaded = getattr(loaded, "RULES", None)
        if loaded is None:
            raise PluginError(f"{origin}: the module has no RULES")
    if isinstance(loaded, Rule):
        candidates = [loaded]
    else:
        try:
            candidates = list(loaded)
        except TypeError:
            raise PluginError(
                f"{origin}: {loaded!r} is neither a rule nor a list of rules"
            ) from None
    rules: list[Rule] = []
    for candidate in candidates:
        if not isinstance(candidate, FileRule | CorpusRule):
            raise PluginError(f"{origin}: {candidate!r} is not a seedlint rule")
        problem = _metadata_problem(candidate)
        if problem:
            raise PluginError(f"{origin}: {problem}")
        rules.append(candidate)
    return rules


def _metadata_problem(rule: Rule) -> str:
    """What is wrong with a rule's metadata, or an empty string."""
    code = rule.code
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        return f"invalid rule code {code!r} (a capital letter and three digits, such as Z101)"
    if not isinstance(rule.name, str) or not NAME_PATTERN.fullmatch(rule.name):
        return f"rule {code}: invalid name {rule.name!r} (kebab-case, such as 'no-foo')"
    if not isinstance(rule.severity, Severity):
        return f"rule {code}: severity {rule.severity!r} is not a seedlint.findings.Severity"
    if rule.fix not in _FIX_KINDS:
        choices = ", ".join(sorted(_FIX_KINDS))
        return f"rule {code}: fix {rule.fix!r} is not one of {choices}"
    if not isinstance(rule.summary, str) or not rule.summary.strip():
        return f"rule {code}: empty summary"
    return ""


def _add(registry: dict[str, Rule], rules: Iterable[Rule], origin: str) -> None:
    for rule in rules:
        taken = registry.get(rule.code)
        if taken is not None:
            raise PluginError(f"{origin}: rule code {rule.code} is already taken by {taken.name}")
        registry[rule.code] = rule


def _load(entry: EntryPoint) -> Any:
    try:
        return entry.load()
    except (Exception, SystemExit) as error:  # a broken plugin must say which one it is
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        raise PluginError(
            f"plugin {entry.name!r} ({entry.value}) failed to load: {detail}"
        ) from None


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
        origin = f"plugin {entry.name!r}"
        _add(registry, _as_rules(_load(entry), origin), origin)
    return dict(sorted(registry.items()))
