"""Each rule's documentation as a local page, for a diagnostic's `codeDescription`.

seedlint has no documentation web site, and a link to a host that does not exist is
worse than none. So the server writes each rule's explanation (what `seedlint rule CODE`
prints: built-in rules and plugins alike) to a Markdown file under the user's cache
folder and links to it with a `file://` URL; an editor opens it as a document. Where
that folder cannot be written, diagnostics carry no link and the hover still explains.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from seedlint import __version__
from seedlint.rule import Rule


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "seedlint" / f"rules-{__version__}"


def page(rule: Rule) -> str:
    """What `seedlint rule CODE` prints, its options at their defaults."""
    import io

    from seedlint.commands.explain import write_text

    out = io.StringIO()
    write_text(rule, None, None, out)
    return out.getvalue()


def write_pages(rules: dict[str, Rule], folder: Path | None = None) -> dict[str, str]:
    """Code -> `file://` URL of its page, written where missing or out of date."""
    folder = folder or cache_folder()
    links: dict[str, str] = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return links
    for code, rule in rules.items():
        target = folder / f"{code}.md"
        text = page(rule)
        try:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                temporary = target.with_suffix(f".{hashlib.sha1(text.encode()).hexdigest()[:8]}")
                temporary.write_text(text, encoding="utf-8")
                os.replace(temporary, target)
        except OSError:
            continue
        links[code] = target.as_uri()
    return links
