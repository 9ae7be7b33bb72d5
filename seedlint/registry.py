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
from collections.abc import Iterable, Mapping
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any, get_args

from seedlint.findings import Severity
from seedlint.rule import STRUCTURAL, CorpusRule, FileRule, FixKind, Rule

ENTRY_POINT_GROUP = "seedlint.rules"
CODE_PATTERN = re.compile(r"[A-Z][0-9]{3}")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
#: A code prefix: a family letter and up to three digits (`F`, `F1`, `F102`).
SELECTOR_PATTERN = re.compile(r"[A-Z][0-9]{0,3}")
#: What a user typing a code types, right or wrong (`F1023`, `T9`): for did-you-mean.
CODE_LIKE = re.compile(r"[A-Z]+[0-9]*")
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
    if not isinstance(getattr(rule, STRUCTURAL, False), bool):
        return f"rule {code}: {STRUCTURAL} must be True or False"
    return ""


def is_structural(rule: Rule) -> bool:
    """Whether ``rule`` declares its findings structural (:data:`seedlint.rule.STRUCTURAL`)."""
    return getattr(rule, STRUCTURAL, False) is True


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


# -- selectors ------------------------------------------------------------------------------


class UnknownSelector(ValueError):
    """A selector naming no rule: the message says which, and what was probably meant."""

    def __init__(self, selector: str, hint: str) -> None:
        super().__init__(f"unknown rule selector {selector!r}{hint}")
        self.selector = selector
        self.hint = hint  # " (did you mean 'T'?)", or ""


def resolve_selector(text: str, rules: Mapping[str, Rule]) -> str:
    """The code prefix ``text`` stands for: `ALL`, a code or a prefix of one (`F`, `F1`,
    `F102`, any case), or a rule's name (`broken-topic-ref` -> `T001`).

    Raises :class:`UnknownSelector` when it selects no rule of ``rules``, as ruff refuses
    an unknown rule selector: a typo in CI must not silently check nothing.
    """
    cleaned = text.strip()
    upper = cleaned.upper()
    if upper == "ALL":
        return "ALL"
    if SELECTOR_PATTERN.fullmatch(upper) and any(code.startswith(upper) for code in rules):
        return upper
    lower = cleaned.lower()
    for code, rule in rules.items():
        if rule.name == lower:
            return code
    raise UnknownSelector(cleaned, _did_you_mean(cleaned, rules))


def is_known_selector(text: str, rules: Mapping[str, Rule] | None = None) -> bool:
    """Whether ``text`` selects at least one rule (of ``rules``, default: every installed
    rule). For callers that report an unknown code rather than stop, such as suppression
    comments."""
    try:
        resolve_selector(text, load_rules() if rules is None else rules)
    except UnknownSelector:
        return False
    return True


def _did_you_mean(text: str, rules: Mapping[str, Rule]) -> str:
    """`` (did you mean 'X'?)`` with the nearest selector, or nothing when none is near."""
    import difflib

    upper = text.upper()
    if SELECTOR_PATTERN.fullmatch(upper) or CODE_LIKE.fullmatch(upper):
        # A code: a near code, else the longest prefix that still selects something
        # (`T9` -> `T`, `F19` -> `F1`), which is what the user was reaching for.
        longer = [code for code in rules if upper.startswith(code)]  # a digit too many
        near = longer or difflib.get_close_matches(upper, list(rules), n=1, cutoff=0.75)
        if near:
            return f" (did you mean {near[0]!r}?)"
        # A family letter for a whole code (`X999` -> `X`) would be a guess, not a help.
        for length in range(len(upper) - 1 if len(upper) < 4 else 0, 0, -1):
            if any(code.startswith(upper[:length]) for code in rules):
                return f" (did you mean {upper[:length]!r}?)"
        return ""
    names = [rule.name for rule in rules.values()]
    near = difflib.get_close_matches(text.lower(), names, n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""
