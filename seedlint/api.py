"""seedlint as a library: load a configuration, check and fix texts and files.

The functions at the bottom are the one-call forms::

    import seedlint.api as seedlint
    config = seedlint.load_config("path/to/vault")
    findings = seedlint.check_text(text, path="contents/x.md", config=config)
    result = seedlint.fix_text(text, path="contents/x.md", config=config)  # .text .fixed .remaining
    report = seedlint.check_paths(["contents/"], config=config)

A :class:`Workspace` is what a long-running caller (the language server, an editor
plugin, a program writing many seeds) keeps: the rules are loaded once, and it holds a
summary of every seed of the vault, so that the cross-file rules (C001, C002) judge a
text against the other seeds, read from disk by :meth:`Workspace.scan` and replaced by
the caller's unsaved texts where it has them.

Paths are used as given (relative paths against the working folder, as on the command
line); a workspace compares them after :func:`os.path.normpath`. Lines and columns are
1-based and count characters (code points) of the text without its byte order mark.

Network rules (L001, L002, L004) are off unless ``network=True``: a library call or an
editor keystroke never sends a request the caller did not ask for. A workspace checks
the network rules on the links of the text being checked only, never the whole vault's.
"""

from __future__ import annotations

import fnmatch
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from seedlint.commands.check import NETWORK_CODES
from seedlint.config import CONFIG_FILES, ConfigError, Configuration, discover, load
from seedlint.context import RunContext
from seedlint.document import parse_text
from seedlint.findings import Finding, NewFile, Severity
from seedlint.fixer import Conventions, Fixer
from seedlint.links.extract import find_links
from seedlint.linter import FileResult, Linter, Selection
from seedlint.registry import PluginError, load_rules
from seedlint.rule import CorpusProblem, LinkOccurrence, Rule, SeedSummary
from seedlint.rules.corpus import _link_key, seed_id
from seedlint.rules.topics import topic_refs
from seedlint.topics import NOTE_SUFFIX, TOPICS_FOLDER, TopicIndex
from seedlint.walk import SEED_SUFFIXES, discover_files

if TYPE_CHECKING:
    import frontmatter

__all__ = [
    "CONFIG_FILES",
    "ConfigError",
    "Configuration",
    "Edit",
    "Finding",
    "FixResult",
    "LinkSpan",
    "PluginError",
    "Report",
    "Severity",
    "TextReport",
    "TopicNotes",
    "TopicReference",
    "Workspace",
    "check_paths",
    "check_post",
    "check_text",
    "default_config",
    "fix_text",
    "load_config",
    "load_rules",
]


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextReport:
    """What checking one text found."""

    findings: list[Finding]
    #: One line per rule that crashed on this text (its findings are missing, the others'
    #: are all there); the command line prints these and exits 2.
    crashes: list[str] = field(default_factory=list)
    #: Things said once rather than as findings ("no topics folder: T001 skipped").
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FixResult:
    """A text with every applicable fix applied, and what is left to fix by hand."""

    text: str
    fixed: Counter[str]  # code -> how many of its findings were fixed
    remaining: list[Finding]
    #: Files the applied fixes create (T001's missing topic note, with ``unsafe``), not
    #: written: paths relative to the topics root; `seedlint fix` creates them with
    #: `seedlint.fixer.create_new_file`. Their findings stay in ``remaining`` until then.
    creates: tuple[NewFile, ...] = ()

    @property
    def fixed_total(self) -> int:
        return sum(self.fixed.values())


@dataclass(frozen=True)
class Report:
    """A run over files, as `seedlint check` makes it."""

    findings: list[Finding]
    files: int
    crashes: list[str]
    notes: list[str]

    @property
    def by_code(self) -> Counter[str]:
        return Counter(finding.code for finding in self.findings)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace lines/columns ``line:column`` up to ``end_line:end_column`` with
    ``content`` (1-based, characters of the text)."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True, slots=True)
class TopicReference:
    """A reference of a seed's `## Topics` section to a topic note."""

    line: int
    column: int
    end_line: int
    end_column: int
    style: Literal["markdown", "wikilink"]
    key: str  # `Category/Name`, decoded
    note: Path | None  # the note's file, None when it does not exist


@dataclass(frozen=True, slots=True)
class LinkSpan:
    """A URL of a seed (front matter `link`, source line, `## Links` item)."""

    url: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class TopicNotes:
    """The topic notes of a vault: `Category/Name` keys under ``folder``."""

    folder: Path
    exists: bool
    notes: frozenset[str]

    def path_of(self, key: str) -> Path:
        return self.folder / f"{key}{NOTE_SUFFIX}"


# -- configuration ---------------------------------------------------------------------------


def load_config(path: str | os.PathLike[str] | None = None) -> Configuration:
    """The configuration the command line would use for ``path``.

    ``path`` is a configuration file itself (`seedlint.toml`, `.seedlint.toml`,
    `pyproject.toml`), or a file or folder to look for one from (walking up, as the CLI
    does), or None for the working folder. No file found means the defaults, rooted at
    that folder. Raises :class:`ConfigError` with a one-line message.
    """
    start = Path(path) if path is not None else Path.cwd()
    if start.name in CONFIG_FILES and start.is_file():
        return load(start)
    found = discover(start)
    if found is None:
        return default_config(start if start.is_dir() else start.parent)
    return load(found)


def default_config(root: str | os.PathLike[str]) -> Configuration:
    """The default settings, rooted at ``root`` (no configuration file)."""
    from seedlint.config import Settings

    return Configuration(Settings(), Path(root).resolve(), None)


def builtin_rules() -> dict[str, Rule]:
    """The rules seedlint ships, without any plugin: for a caller that must go on when
    a plugin fails to load."""
    from importlib import import_module

    from seedlint.registry import _BUILTIN_MODULES, _add, _as_rules
    from seedlint.rules.system import RULES as SYSTEM_RULES

    registry: dict[str, Rule] = {}
    _add(registry, SYSTEM_RULES, "seedlint")
    for module in _BUILTIN_MODULES:
        _add(registry, _as_rules(import_module(module).RULES, module), module)
    return dict(sorted(registry.items()))


# -- the workspace ---------------------------------------------------------------------------

Progress = Callable[[int, int], None]


def _key(path: str) -> str:
    return os.path.normpath(path)


def _newline_of(text: str) -> str:
    return Conventions.of(text, False).newline


#: Built-in cross-file rules whose verdict on a seed depends only on the seeds sharing its
#: normalised link (C001) or its file-name id (C002), or on none (C003): a workspace hands
#: them just those seeds, not the vault, so a keystroke costs the same in a vault of
#: 10 or 100,000 seeds. Any other cross-file rule is given every seed.
_GROUPING_RULES = frozenset({"C001", "C002", "C003"})


def _summary_key(summary: SeedSummary) -> str:
    return _key(summary.path)


class _Seeds:
    """Every seed's summary, from disk or from the caller's text where it has one,
    indexed by normalised link and by file-name id (what `_GROUPING_RULES` group on)."""

    def __init__(self) -> None:
        self.disk: dict[str, SeedSummary] = {}
        # A caller's text replaces the file; None: it has no summary (unreadable).
        self.buffers: dict[str, SeedSummary | None] = {}
        self.version = 0  # grows whenever the summary in force for a path changes
        self.by_link: dict[str, set[str]] = {}
        self.by_id: dict[str, set[str]] = {}

    def current(self, key: str) -> SeedSummary | None:
        return self.buffers[key] if key in self.buffers else self.disk.get(key)

    def _group_keys(
        self, key: str, summary: SeedSummary | None
    ) -> list[tuple[dict[str, set[str]], str]]:
        if summary is None:
            return []
        found = []
        link = _link_key(summary)
        if link is not None:
            found.append((self.by_link, link))
        identifier = seed_id(summary.path)
        if identifier is not None:
            found.append((self.by_id, identifier))
        return found

    def _moved(self, key: str, before: SeedSummary | None) -> bool:
        after = self.current(key)
        if before == after:
            return False
        for groups, value in self._group_keys(key, before):
            members = groups.get(value)
            if members is not None:
                members.discard(key)
                if not members:
                    del groups[value]
        for groups, value in self._group_keys(key, after):
            groups.setdefault(value, set()).add(key)
        self.version += 1
        return True

    def set_disk(self, key: str, summary: SeedSummary | None) -> bool:
        before = self.current(key)
        if summary is None:
            self.disk.pop(key, None)
        else:
            self.disk[key] = summary
        return self._moved(key, before)

    def replace_disk(self, found: dict[str, SeedSummary]) -> None:
        self.disk = found
        self.by_link, self.by_id = {}, {}
        for key in {*self.disk, *self.buffers}:
            for groups, value in self._group_keys(key, self.current(key)):
                groups.setdefault(value, set()).add(key)
        self.version += 1

    def set_buffer(self, key: str, summary: SeedSummary | None) -> bool:
        before = self.current(key)
        self.buffers[key] = summary
        return self._moved(key, before)

    def drop_buffer(self, key: str) -> bool:
        if key not in self.buffers:
            return False
        before = self.current(key)
        del self.buffers[key]
        return self._moved(key, before)

    def all(self) -> list[SeedSummary]:
        keys = sorted({*self.disk, *self.buffers})
        return [summary for key in keys if (summary := self.current(key)) is not None]

    def related(self, key: str, summary: SeedSummary | None) -> list[SeedSummary]:
        """``summary`` (the text of ``key``) and the seeds sharing a group with it, in
        the order of :meth:`all`."""
        if summary is None:
            return []
        keys = {key}
        for groups, value in self._group_keys(key, summary):
            keys.update(groups.get(value, ()))
        seeds = [summary if other == key else self.current(other) for other in sorted(keys)]
        return [seed for seed in seeds if seed is not None]


class Workspace:
    """A vault as an editor sees it: its configuration, its rules, and a summary of each
    seed, from disk or from the caller's unsaved text of it.

    Thread-safe: each method holds the workspace's lock, except the slow part of
    :meth:`scan`, which works on its own linter and takes the lock only to store what it
    found.
    """

    def __init__(
        self,
        config: Configuration | None = None,
        *,
        network: bool = False,
        rules: dict[str, Rule] | None = None,
    ) -> None:
        self.config = config if config is not None else load_config()
        self.network = network
        self.rules = rules if rules is not None else load_rules()
        self._lock = threading.RLock()
        self._linter = self._new_linter()
        self._seeds = _Seeds()
        self._corpus: tuple[int, dict[str, list[CorpusProblem]]] | None = None
        self._network: dict[str, tuple[tuple[LinkOccurrence, ...], list[CorpusProblem]]] = {}
        self._notes: list[str] = []

    def _new_linter(self, *, offline: bool | None = None) -> Linter:
        context = RunContext(self.config)
        offline = not self.network if offline is None else offline
        selection = Selection.build(self.rules, context, offline=offline, network=NETWORK_CODES)
        return Linter(selection, context)

    @property
    def version(self) -> int:
        """Grows whenever a seed's summary changes (what the cross-file rules read)."""
        return self._seeds.version

    @property
    def enabled(self) -> frozenset[str]:
        return self._linter.selection.enabled

    # -- which files are seeds ---------------------------------------------------------------

    @property
    def topics_folder(self) -> Path:
        return self.config.topics_root / TOPICS_FOLDER

    def seed_paths(self) -> list[str]:
        """The seeds of the vault on disk: what `seedlint check` walks from the
        configuration's folder (topics folder, hidden folders, `exclude` and
        `.gitignore` left out)."""
        return list(
            discover_files(
                [str(self.config.root)],
                root=self.config.root,
                skip=[self.topics_folder],
                exclude=self.config.settings.exclude,
            )
        )

    def is_seed(self, path: str) -> bool:
        """Whether a file at ``path`` would be one of :meth:`seed_paths` (the quick test
        for a file event: suffix, folder, hidden parts and `exclude`; not `.gitignore`)."""
        absolute = Path(os.path.abspath(path))
        if absolute.suffix not in SEED_SUFFIXES:
            return False
        try:
            relative = absolute.relative_to(self.config.root)
        except ValueError:
            return False
        if absolute.is_relative_to(self.topics_folder):
            return False
        if any(part.startswith(".") for part in relative.parts):
            return False
        text = relative.as_posix()
        return not any(
            fnmatch.fnmatch(text, glob) or fnmatch.fnmatch(absolute.name, glob)
            for glob in self.config.settings.exclude
        )

    def is_topic_note(self, path: str) -> bool:
        absolute = Path(os.path.abspath(path))
        return absolute.suffix == NOTE_SUFFIX and absolute.is_relative_to(self.topics_folder)

    # -- the seeds on disk -------------------------------------------------------------------

    def scan(
        self,
        paths: Sequence[str] | None = None,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        cache: bool = True,
        jobs: int = 0,
        chunk: int = 2500,
    ) -> int:
        """Read a summary of every seed (:meth:`seed_paths`, or ``paths``) from disk, for
        the cross-file rules; returns how many were read.

        The work is `seedlint check`'s (result cache in `.seedlint_cache/`, worker
        processes), done ``chunk`` files at a time so that ``progress(done, total)`` can
        be told and ``cancelled()`` asked in between. A cancelled scan stores nothing.
        """
        from seedlint.parallel import cache_for, check_files

        chosen = self.seed_paths() if paths is None else list(paths)
        # Its own context, as check_text may run meanwhile; offline, as the index needs
        # the summaries only and the network rules look at the text being checked.
        linter = self._new_linter(offline=True)
        found: dict[str, SeedSummary] = {}
        total = len(chosen)
        if progress is not None:
            progress(0, total)
        for start in range(0, total, chunk):
            if cancelled is not None and cancelled():
                return 0
            part = chosen[start : start + chunk]
            results_cache = cache_for(linter, self.config.root) if cache else None
            results = check_files(
                linter, part, jobs=jobs, cache=results_cache, volatile=NETWORK_CODES
            )
            for result in results:
                if result.summary is not None:
                    found[_key(result.path)] = result.summary
            if progress is not None:
                progress(min(start + chunk, total), total)
        with self._lock:
            self._seeds.replace_disk(found)
            self._notes.extend(note for note in linter.context.notes if note not in self._notes)
        return len(found)

    def file_changed(self, path: str) -> bool:
        """Read ``path`` from disk again (created or changed); whether the cross-file
        rules may answer differently now."""
        key = _key(path)
        with self._lock:
            return self._seeds.set_disk(key, self._linter.lint_path(key).summary)

    def file_removed(self, path: str) -> bool:
        with self._lock:
            return self._seeds.set_disk(_key(path), None)

    def close(self, path: str) -> bool:
        """The caller dropped its text of ``path``: the file on disk counts again."""
        with self._lock:
            return self._seeds.drop_buffer(_key(path))

    def topics_changed(self) -> None:
        """Topic notes were added, renamed or removed: scan the topics folder again."""
        with self._lock:
            self._linter.context.__dict__.pop("topics", None)

    def topic_notes(self) -> TopicNotes:
        with self._lock:
            index: TopicIndex = self._linter.context.topics
            return TopicNotes(index.folder, index.exists, index.notes)

    @property
    def seed_count(self) -> int:
        with self._lock:
            return len(self._seeds.all())

    # -- checking ------------------------------------------------------------------------------

    def check_text(self, text: str, path: str, *, network: bool | None = None) -> TextReport:
        """Check ``text`` as the content of ``path``, against the other seeds of the
        workspace; the text stands in for the file on disk from now on (until
        :meth:`close`). ``network`` False skips the network rules for this call (an
        editor runs them on open and save, not on every keystroke)."""
        with self._lock:
            return self._check(text, _key(path), remember=True, network=network)

    def _check(self, text: str, key: str, *, remember: bool, network: bool | None) -> TextReport:
        linter = self._linter
        context = linter.context
        said = len(context.notes)
        crashed = len(linter.errors)
        result = linter.lint_path(key, text.encode("utf-8", "surrogatepass"))
        if remember:
            self._seeds.set_buffer(key, result.summary)
        corpus = self._corpus_problems(key, result.summary, remember)
        use_network = self.network if network is None else network and self.network
        if self.network and result.summary is not None:
            corpus.extend(self._network_problems(key, result.summary, fresh=use_network))
        linter.finish([result], corpus)
        crashes = [*result.errors, *linter.errors[crashed:]]
        del linter.errors[crashed:]
        notes = [*self._notes, *context.notes[said:]]
        del context.notes[said:]  # said per call: an editor shows each text's own notes
        return TextReport(result.findings, crashes, list(dict.fromkeys(notes)))

    def _corpus_problems(
        self, key: str, summary: SeedSummary | None, remembered: bool
    ) -> list[CorpusProblem]:
        """The cross-file problems of ``key`` (``summary``: its text's summary)."""
        linter = self._linter
        rules = [rule for rule in linter.corpus_rules if rule.code not in NETWORK_CODES]
        if not rules:
            return []
        if all(rule.code in _GROUPING_RULES for rule in rules):
            seeds = self._seeds.related(key, summary)
        elif not remembered:  # a text not stored (a fix's result): judged with the others
            others = [seed for seed in self._seeds.all() if _key(seed.path) != key]
            seeds = sorted([*others, *([summary] if summary else [])], key=_summary_key)
        else:
            # Any other cross-file rule (a plugin's) sees the whole vault; its answer is
            # kept until a summary changes (typing in a seed's body changes none).
            if self._corpus is None or self._corpus[0] != self._seeds.version:
                by_path: dict[str, list[CorpusProblem]] = {}
                everything = self._seeds.all()
                for rule in rules:
                    for problem in linter.corpus_problems(rule, everything):
                        by_path.setdefault(_key(problem.path), []).append(problem)
                self._corpus = (self._seeds.version, by_path)
            return list(self._corpus[1].get(key, ()))
        return [
            problem
            for rule in rules
            for problem in linter.corpus_problems(rule, seeds)
            if _key(problem.path) == key
        ]

    def _network_problems(
        self, key: str, summary: SeedSummary, *, fresh: bool
    ) -> list[CorpusProblem]:
        """The network rules' answer for the links of ``summary``: checked now when
        ``fresh``, else the last answer, as long as the links are the ones it was for."""
        linter = self._linter
        last = self._network.get(key)
        if not fresh:
            return list(last[1]) if last is not None and last[0] == summary.links else []
        found = [
            problem
            for rule in linter.corpus_rules
            if rule.code in NETWORK_CODES
            for problem in linter.corpus_problems(rule, [summary])
        ]
        self._network[key] = (summary.links, found)
        return list(found)

    def fix_text(self, text: str, path: str, *, unsafe: bool = False) -> FixResult:
        """``text`` with its safe fixes (and unsafe ones with ``unsafe``) applied, as
        `seedlint fix` applies them; nothing is written and nothing remembered."""
        key = _key(path)
        with self._lock:
            fixer = Fixer(self._linter, unsafe=unsafe)
            outcome = fixer.fix(key, text.encode("utf-8", "surrogatepass"))
            fixed = outcome.text
            remaining = self._check(fixed, key, remember=False, network=False).findings
            creates = tuple(dict.fromkeys(new for _, new in outcome.creations))
            return FixResult(fixed, Counter(outcome.fixed), remaining, creates)

    # -- what an editor asks about a text ----------------------------------------------------

    def references(self, text: str, path: str) -> list[TopicReference]:
        """The topic references of ``text`` and the notes they name."""
        document = parse_text(_key(path), text)
        with self._lock:
            notes = self.topic_notes()
        found = []
        for ref in topic_refs(document):
            if ref.key is None or not ref.parsed:
                continue
            begin = document.lines.position(ref.start)
            end = document.lines.position(ref.end)
            note = notes.path_of(ref.key) if ref.key in notes.notes else None
            found.append(TopicReference(*begin, *end, ref.style, ref.key, note))
        return found

    def links(self, text: str, path: str) -> list[LinkSpan]:
        """The URLs of ``text`` the link rules read."""
        document = parse_text(_key(path), text)
        return [
            LinkSpan(link.url, *link.begin, *link.finish)
            for link in find_links(document)
            if link.exact
        ]

    def fix_edits(self, finding: Finding, text: str) -> list[Edit]:
        """The edits of ``finding``'s fix, in ``text``'s own line ending."""
        if finding.fix is None:
            return []
        conventions = Conventions.of(text, False)
        return [
            Edit(*begin, *end, conventions.adapt(edit.content))
            for edit, (begin, end) in zip(finding.fix.edits, finding.edit_positions, strict=True)
        ]

    def suppression_edit(self, text: str, path: str, code: str, line: int) -> Edit:
        """The edit that silences ``code`` on ``line``: `<!-- seedlint-disable-line CODE -->`
        at the end of a body line (added to one already there), or, for a line of the front
        matter (where HTML comments mean nothing), `# seedlint: ignore[CODE]` for the file."""
        document = parse_text(_key(path), text)
        front = document.front_matter
        newline = _newline_of(text)
        if front is not None and document.lines.position(front.end).line > line:
            first = document.lines.position(front.content_start).line
            return Edit(first, 1, first, 1, f"# seedlint: ignore[{code}]{newline}")
        last = len(document.lines.starts)
        line = min(max(line, 1), last)
        start, end = document.lines.line_span(line)
        body = text[start:end].rstrip("\r\n")
        marker = "<!-- seedlint-disable-line"
        existing = body.rfind(marker)
        if existing >= 0 and body.rstrip().endswith("-->"):
            inside = body[existing + len(marker) : body.rstrip().rfind("-->")]
            codes = [*inside.replace(",", " ").split(), code]
            comment = f"{marker} {' '.join(dict.fromkeys(codes))} -->"
            column = existing + 1
            return Edit(line, column, line, len(body.rstrip()) + 1, comment)
        # Before any trailing blanks: a comment after them would end W001 by hiding it.
        column = len(body.rstrip()) + 1
        return Edit(line, column, line, column, f" {marker} {code} -->")


# -- one call --------------------------------------------------------------------------------


def _config_for(path: str, config: Configuration | None) -> Configuration:
    if config is not None:
        return config
    return load_config(Path(path).parent if path != "-" else None)


def check_text(
    text: str, path: str = "-", config: Configuration | None = None, *, network: bool = False
) -> list[Finding]:
    """The findings of ``text`` as the file ``path`` (cross-file rules see this text
    alone). ``config``: as :func:`load_config` finds it for ``path``."""
    workspace = Workspace(_config_for(path, config), network=network)
    return workspace.check_text(text, path).findings


def render_post(post: frontmatter.Post) -> str:
    """The text ``frontmatter.dump(post, file)`` writes: python-frontmatter's own YAML
    handler (keys sorted, block style), so positions point into that very file."""
    import frontmatter

    return str(frontmatter.dumps(post))


def check_post(
    post: frontmatter.Post,
    path: str = "-",
    config: Configuration | None = None,
    *,
    network: bool = False,
) -> list[Finding]:
    """The findings of a python-frontmatter ``Post`` as the file ``path`` it is about to be
    written to: :func:`check_text` of :func:`render_post`."""
    return check_text(render_post(post), path, config, network=network)


def fix_text(
    text: str, path: str = "-", config: Configuration | None = None, *, unsafe: bool = False
) -> FixResult:
    """``text`` with its safe fixes (and unsafe ones with ``unsafe``) applied."""
    return Workspace(_config_for(path, config)).fix_text(text, path, unsafe=unsafe)


def check_paths(
    paths: Iterable[str | os.PathLike[str]],
    config: Configuration | None = None,
    *,
    network: bool = False,
    cache: bool = True,
    jobs: int = 0,
) -> Report:
    """`seedlint check PATHS`: folders walked, the result cache used, every file judged
    against the others."""
    from seedlint.parallel import cache_for, check_files

    given = [str(path) for path in paths]
    configuration = config if config is not None else load_config(given[0] if given else None)
    workspace = Workspace(configuration, network=network)
    files = list(
        discover_files(
            given,
            root=configuration.root,
            skip=[workspace.topics_folder],
            exclude=configuration.settings.exclude,
        )
    )
    linter = workspace._new_linter()
    results_cache = cache_for(linter, configuration.root) if cache else None
    results: list[FileResult] = check_files(
        linter, files, jobs=jobs, cache=results_cache, volatile=NETWORK_CODES
    )
    findings = [finding for result in results for finding in result.findings]
    crashes = [*(error for result in results for error in result.errors), *linter.errors]
    return Report(findings, len(results), crashes, list(dict.fromkeys(linter.context.notes)))
