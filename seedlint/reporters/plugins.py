"""Output formats by name: the built-in reporters, and third-party ones from entry points.

A formatter plugin is a distribution declaring, in its pyproject.toml::

    [project.entry-points."seedlint.formatters"]
    checkstyle = "my_package.report:report_checkstyle"

where the object named is a reporter: a function ``(findings, summary, out, options)``
writing one report to the text stream ``out`` (see :mod:`seedlint.reporters`). The entry
point's name is what `--format` takes. Built-in names are reserved: a plugin declaring
one is never used. A plugin is imported only when its format is asked for, so a broken
formatter cannot stop a run that does not use it; when it is asked for, a failure to load
is one error naming it (:class:`seedlint.registry.PluginError`), never a traceback.
"""

from __future__ import annotations

import difflib
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

from seedlint.registry import PluginError
from seedlint.reporters import REPORTERS, Reporter

ENTRY_POINT_GROUP = "seedlint.formatters"

__all__ = ["ENTRY_POINT_GROUP", "UnknownFormat", "format_names", "reporter_for"]


class UnknownFormat(ValueError):
    """A `--format` naming no reporter; the message lists the choices and the nearest."""

    def __init__(self, name: str, choices: list[str]) -> None:
        near = difflib.get_close_matches(name.lower(), choices, n=1, cutoff=0.6)
        hint = f"did you mean {near[0]!r}? " if near else ""
        listed = ", ".join(choices)
        super().__init__(f"unknown format {name!r} ({hint}choose from {listed})")
        self.name = name


def _plugin_entries() -> dict[str, list[EntryPoint]]:
    """Declared formatters by name (not imported), built-in names left out."""
    found: dict[str, list[EntryPoint]] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name not in REPORTERS:
            found.setdefault(entry.name, []).append(entry)
    return found


def format_names() -> list[str]:
    """Every name `--format` accepts: the built-in ones, then the plugins' sorted."""
    return [*REPORTERS, *sorted(_plugin_entries())]


def reporter_for(name: str) -> Reporter:
    """The reporter `--format name` means.

    Raises :class:`UnknownFormat` for a name nothing declares, and
    :class:`~seedlint.registry.PluginError` for a plugin that cannot be used.
    """
    builtin = REPORTERS.get(name)
    if builtin is not None:
        return builtin  # no plugin is looked at, let alone imported
    entries = _plugin_entries()
    declared = entries.get(name)
    if not declared:
        raise UnknownFormat(name, [*REPORTERS, *sorted(entries)])
    values = sorted({entry.value for entry in declared})
    if len(values) > 1:
        raise PluginError(f"format {name!r} is declared by several plugins: {', '.join(values)}")
    return _load(declared[0])


def _load(entry: EntryPoint) -> Reporter:
    origin = f"formatter plugin {entry.name!r} ({entry.value})"
    try:
        loaded = entry.load()
    except (Exception, SystemExit) as error:  # a broken plugin must say which one it is
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        raise PluginError(f"{origin} failed to load: {detail}") from None
    if isinstance(loaded, ModuleType | type) or not callable(loaded):
        raise PluginError(
            f"{origin}: {_describe(loaded)} is not a reporter function "
            "(findings, summary, out, options)"
        )
    reporter: Reporter = loaded
    return reporter


def _describe(value: object) -> str:
    name = getattr(value, "__name__", None)
    kind = type(value).__name__
    return f"{kind} {name!r}" if isinstance(name, str) else f"a {kind}"
