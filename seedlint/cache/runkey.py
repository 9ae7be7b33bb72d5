"""The run key: one digest of everything, besides the files themselves, that findings
depend on (configuration, selection, severities, the enabled rules' options with the
bytes of the files they name, the code of seedlint and its plugins). Every row carries
it; another key is another set of rows."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

try:  # the BLAKE2 module alone: `hashlib` also loads OpenSSL, a few ms of start-up
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Python builds without it
    from hashlib import blake2b

from seedlint.rule_options import fingerprint

if TYPE_CHECKING:
    from seedlint.linter import Linter

#: Bumped whenever the row layout or the payload changes meaning.
FORMAT = 7


def _code_fingerprint(linter: Linter) -> str:
    """Sizes and mtimes of every source file of seedlint and of each package a rule lives
    in, imported yet or not: a new version, an edited checkout or a changed plugin gives
    a new key (versions alone would not notice an editable install being edited)."""
    packages = {"seedlint"}
    for rule in linter.selection.rules.values():
        function = getattr(rule, "check", None) or getattr(rule, "check_corpus", None)
        module = getattr(function, "__module__", None) or type(rule).__module__
        packages.add(module.partition(".")[0])
    parts: list[str] = []
    for package in sorted(packages):
        module = sys.modules.get(package)
        location = getattr(module, "__file__", None)
        parts.append(f"{package}={getattr(module, '__version__', '')}")
        if not location:
            continue
        if os.path.basename(location) == "__init__.py":
            parts.extend(_source_stamps(os.path.dirname(location)))
        else:
            parts.extend(_source_stamps(location))
    # By their installed versions, not their modules: pyyaml is not imported by a run
    # that reads no front matter (a warm one), and the key must not depend on that.
    for library in ("pyromark", "PyYAML", "pydantic"):
        parts.append(f"{library}={_installed_version(library)}")
    return "\n".join(parts)


def _installed_version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def _source_stamps(location: str) -> Iterator[str]:
    """``path:size:mtime`` of a module, or of every module under a package folder."""
    if os.path.isfile(location):
        files = [location]
    else:
        files = sorted(
            os.path.join(folder, name)
            for folder, _, names in os.walk(location)
            for name in names
            if name.endswith(".py")
        )
    for path in files:
        try:
            status = os.stat(path)
        except OSError:
            continue
        yield f"{path}:{status.st_size}:{status.st_mtime_ns}"


def _relative(path: Path, root: Path) -> str:
    """``path`` from ``root`` when inside it: a checkout moved elsewhere (CI restoring
    the cache into another folder) keeps its key."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def run_key(linter: Linter) -> str:
    """One digest of everything, besides the files themselves, that findings depend on."""
    from seedlint import __version__

    context = linter.context
    configuration = context.configuration
    selection = linter.selection
    severities = sorted((code, severity.value) for code, severity in selection.severities.items())
    text = "\n".join(
        [
            f"format={FORMAT}",
            f"seedlint={__version__}",
            f"python={sys.version_info[:2]}",
            f"topics-root={_relative(configuration.topics_root, configuration.root)}",
            # The `rules` tables as written are left out: the options they make are below,
            # a file option by its bytes' digest (its path alone says nothing).
            f"settings={configuration.settings.model_dump_json(exclude={'rules'})}",
            f"rule-options={fingerprint(selection.options, selection.enabled)}",
            f"enabled={sorted(selection.enabled)}",
            f"severities={severities}",
            f"rules={sorted(selection.rules)}",
            _code_fingerprint(linter),
        ]
    )
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
