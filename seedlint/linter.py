"""Run the selected rules over documents; apply suppressions, severities and selection."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from seedlint.context import RunContext
from seedlint.document import Document, UnreadableFile, parse
from seedlint.findings import Finding, Position, Problem, Severity
from seedlint.links.extract import find_links
from seedlint.rule import CorpusProblem, CorpusRule, FileRule, Rule, SeedSummary
from seedlint.rule_options import (
    OptionsError,
    RuleOptions,
    network_codes,
    read_input_files,
    resolve_options,
)
from seedlint.suppression import Suppression, find_suppressions, is_suppressed, unused


def _specificity(code: str, patterns: Iterable[str]) -> int:
    """Length of the longest pattern that selects ``code``; -1 when none does."""
    best = -1
    for pattern in patterns:
        if pattern == "ALL":
            best = max(best, 0)
        elif code.startswith(pattern):
            best = max(best, len(pattern))
    return best


def _any_selects(selectors: Iterable[str], code: str) -> bool:
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    # As in ruff: the more specific of a select and an ignore wins; on a tie, ignore
    # (ruff applies each level's selects, then its ignores).
    chosen = _specificity(code, select)
    return chosen >= 0 and chosen > _specificity(code, ignore)


@dataclass(frozen=True)
class Selection:
    rules: dict[str, Rule]
    enabled: frozenset[str]
    severities: dict[str, Severity]
    #: Code -> the rule's validated options (every rule that declares a model; the input
    #: files of the enabled ones read).
    options: Mapping[str, RuleOptions] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        rules: dict[str, Rule],
        context: RunContext,
        *,
        offline: bool,
        network: frozenset[str] | None = None,
    ) -> Selection:
        """The rules a run uses, their severities and options. ``network``: the rules
        `offline` turns off (default: those that declare the network as an input).

        Raises :class:`~seedlint.config.ConfigError` for a rule options table that does
        not validate, or an input file that cannot be read."""
        from seedlint.config import ConfigError
        from seedlint.registry import plugin_names

        settings = context.settings
        configuration = context.configuration
        where = str(configuration.source) if configuration.source is not None else "configuration"
        if network is None:
            network = network_codes(rules)
        try:
            options = resolve_options(rules, settings, where, lambda: plugin_names(rules))
        except OptionsError as error:
            raise ConfigError(str(error)) from None
        select = [*settings.select, *settings.extend_select]
        enabled = set()
        severities: dict[str, Severity] = {}
        for code, rule in rules.items():
            override = settings.severity_for(code)
            if override == "off" or not is_selected(code, select, settings.ignore):
                continue
            if offline and code in network:
                continue
            enabled.add(code)
            default = rule.severity
            chosen = options.get(code)
            if chosen is not None:  # an option may change it (F102's `policy = "error"`)
                default = chosen.default_severity(default)
            severities[code] = default if override is None else Severity(override)
        try:
            options = read_input_files(options, frozenset(enabled), configuration)
        except OptionsError as error:
            raise ConfigError(str(error)) from None
        return cls(rules, frozenset(enabled), severities, options)

    @cached_property
    def volatile(self) -> frozenset[str]:
        """The enabled rules that read the network: never served from the result cache."""
        return network_codes({code: self.rules[code] for code in self.enabled})


@dataclass(frozen=True, slots=True)
class Anchors:
    """Positions of the few offsets `finish` still needs (suppression comments, for X001)
    once the document is gone: a whole run never holds more than one file's text."""

    path: str
    positions: dict[int, Position]
    line_texts: dict[int, str]

    def position(self, offset: int) -> Position:
        return self.positions[offset]

    def line_text(self, line: int) -> str:
        return self.line_texts[line]


@dataclass
class FileResult:
    path: str
    findings: list[Finding]
    summary: SeedSummary | None
    suppressions: list[Suppression] = field(default_factory=list)
    document: Document | None = None
    # One line per rule that crashed on this file; the CLI prints them and exits 2.
    errors: list[str] = field(default_factory=list)
    # Stand-in for `document` in `finish` when the document was released early.
    anchors: Anchors | None = None
    # What `Linter.collect` made of the document (opaque bytes, cached with the findings).
    extra: bytes | None = None


#: Made of each parsed document while it is alive, beside its findings: what a command
#: needs of a file besides them (`seedlint report`'s facts), as bytes the result cache
#: keeps in the file's row. None: nothing to keep for this file.
Collector = Callable[[Document], bytes | None]


def _display(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


class Linter:
    def __init__(self, selection: Selection, context: RunContext) -> None:
        self.selection = selection
        self.context = context
        context.rule_options = dict(selection.options)
        self.file_rules = [
            rule
            for code, rule in selection.rules.items()
            if code in selection.enabled and isinstance(rule, FileRule)
        ]
        self.corpus_rules = [
            rule
            for code, rule in selection.rules.items()
            if code in selection.enabled and isinstance(rule, CorpusRule)
        ]
        # Cross-file rules that crashed; per-file crashes travel in FileResult.errors.
        self.errors: list[str] = []
        # Every URL of a seed, located, is a fifth of a seed's summary work and most of
        # its size: gathered only when a cross-file rule may read them (the network rules,
        # any plugin), not for the built-in offline ones.
        self.summary_links = any(rule.code not in _LINKLESS for rule in self.corpus_rules)
        # Set by a command that needs more of each document than findings (the report):
        # gathered in the same parse, in whichever process lints the file.
        self.collect: Collector | None = None

    # -- one file -------------------------------------------------------------------------

    def read(self, path: str) -> bytes:
        return self.read_with_stat(path)[0]

    def read_with_stat(self, path: str) -> tuple[bytes, os.stat_result]:
        """The file's bytes, and its status taken before they were read (so a cache
        signature made from it is never newer than the bytes).

        Raw ``os.open``/``os.fstat``/``os.read``: a buffered file object and a second
        ``stat`` by name cost more than reading a seed does.
        """
        limit = self.context.settings.max_file_size
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            try:
                status = os.fstat(descriptor)
                if stat.S_ISDIR(status.st_mode):
                    raise UnreadableFile("is a directory")
                size = status.st_size
                if size > limit:
                    raise UnreadableFile(f"file too large ({size} bytes, limit {limit})")
                # size + 1, not limit + 1: a 10 MB buffer for a 2 KB file costs 20 us.
                data = _read_up_to(descriptor, size + 1)
                if len(data) > size:  # it grew since the stat: read on, up to the limit
                    data += _read_up_to(descriptor, limit + 1 - len(data))
            finally:
                os.close(descriptor)
        except IsADirectoryError:
            raise UnreadableFile("is a directory") from None
        except OSError as error:
            raise UnreadableFile(error.strerror or type(error).__name__) from None
        if len(data) > limit:  # it grew while we read it
            raise UnreadableFile(f"file too large (over {limit} bytes)")
        return data, status

    def lint_path(self, path: str, data: bytes | None = None) -> FileResult:
        shown = _display(path)
        try:
            if data is not None and len(data) > self.context.settings.max_file_size:
                # Standard input has no size to look at first: the same limit, once read.
                limit = self.context.settings.max_file_size
                raise UnreadableFile(f"file too large ({len(data)} bytes, limit {limit})")
            document = parse(shown, self.read(path) if data is None else data)
        except UnreadableFile as error:
            return FileResult(shown, self._unreadable(shown, str(error)), None)
        except RecursionError:
            return FileResult(shown, self._unreadable(shown, "structure nested too deeply"), None)
        return self.lint_document(document)

    def _unreadable(self, path: str, reason: str) -> list[Finding]:
        if "E001" not in self.selection.enabled:
            return []
        rule = self.selection.rules["E001"]
        severity = self.selection.severities["E001"]
        return [Finding(path, 1, 1, 1, 1, "E001", rule.name, severity, f"cannot read: {reason}")]

    def lint_document(self, document: Document) -> FileResult:
        problems: list[Problem] = []
        errors: list[str] = []
        for rule in self.file_rules:
            try:
                found = list(rule.check(document, self.context))
            except Exception as error:  # a broken rule must not stop the other files
                errors.append(_crash(rule, document.path, error))
                continue
            if found:  # most rules find nothing in most seeds: no filter to build then
                problems.extend(p for p in found if p.code in self.selection.enabled)
        ignored = self._per_file_ignores(document.path)
        suppressions = find_suppressions(document)
        findings = [
            self._finding(document, problem)
            for problem in problems
            if not _any_selects(ignored, problem.code)
        ]
        kept = [
            finding
            for finding in findings
            if not is_suppressed(suppressions, finding.code, finding.line)
        ]
        anchors = _anchors(document, suppressions) if suppressions else None
        extra = None
        if self.collect is not None:
            try:
                extra = self.collect(document)
            except Exception as error:  # reported as a crash, like a rule's
                errors.append(
                    f"collecting facts crashed on {document.path}: {type(error).__name__}: {error}"
                )
        return FileResult(
            document.path,
            kept,
            _summarise(document, self.summary_links),
            suppressions,
            document,
            errors,
            anchors,
            extra,
        )

    def _finding(self, document: Document | Anchors, problem: Problem) -> Finding:
        locate = document.lines.position if isinstance(document, Document) else document.position
        begin = locate(problem.start)
        finish = locate(problem.end)
        edits: tuple[tuple[Position, Position], ...] = ()
        if problem.fix is not None:
            edits = tuple((locate(edit.start), locate(edit.end)) for edit in problem.fix.edits)
        return Finding(
            document.path,
            begin.line,
            begin.column,
            finish.line,
            finish.column,
            problem.code,
            self.selection.rules[problem.code].name,
            self.selection.severities[problem.code],
            problem.message,
            problem.fix,
            problem.start,
            problem.end,
            edits,
            document.line_text(begin.line),
        )

    def _per_file_ignores(self, path: str) -> list[str]:
        return self.context.configuration.ignored_codes(path)

    # -- the whole run --------------------------------------------------------------------

    def corpus_problems(
        self, rule: CorpusRule, summaries: Sequence[SeedSummary]
    ) -> list[CorpusProblem]:
        try:
            return list(rule.check_corpus(summaries, self.context))
        except Exception as error:  # reported like a crashing file rule
            self.errors.append(_crash(rule, "the run", error))
            return []

    def finish(
        self, results: list[FileResult], corpus: Sequence[CorpusProblem] | None = None
    ) -> None:
        """Add cross-file findings (``corpus``: already computed, e.g. from the cache),
        then report suppressions that suppressed nothing."""
        by_path = {result.path: result for result in results}
        if corpus is None:
            summaries = [result.summary for result in results if result.summary is not None]
            corpus = [
                problem
                for rule in self.corpus_rules
                for problem in self.corpus_problems(rule, summaries)
            ]
        for problem in corpus:
            if problem.code not in self.selection.enabled:
                continue
            result = by_path.get(problem.path)
            if result is None or _any_selects(self._per_file_ignores(problem.path), problem.code):
                continue
            finding = self._corpus_finding(problem)
            if not is_suppressed(result.suppressions, finding.code, finding.line):
                result.findings.append(finding)
        if "X001" in self.selection.enabled:
            for result in results:
                source = result.document or result.anchors
                if source is None or not result.suppressions:
                    continue
                stale = unused(result.suppressions, self.selection.enabled, self.selection.rules)
                for unused_problem in stale:
                    result.findings.append(self._finding(source, unused_problem))
        for result in results:
            result.findings.sort(key=Finding.sort_key)
            result.document = None  # the text is no longer needed: let it go

    def _corpus_finding(self, problem: CorpusProblem) -> Finding:
        return Finding(
            problem.path,
            problem.start.line,
            problem.start.column,
            problem.end.line,
            problem.end.column,
            problem.code,
            self.selection.rules[problem.code].name,
            self.selection.severities[problem.code],
            problem.message,
            problem.fix,
            problem.span[0],
            problem.span[1],
            problem.edit_positions,
            problem.source_line,
        )

    def run(self, paths: Iterable[str]) -> list[FileResult]:
        results = [self.lint_path(path) for path in paths]
        self.finish(results)
        return results


def _read_up_to(descriptor: int, count: int) -> bytes:
    """Up to ``count`` bytes, fewer only at the end of the file (a read may return less)."""
    chunks = []
    while count > 0:
        chunk = os.read(descriptor, count)
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _crash(rule: Rule, path: str, error: Exception) -> str:
    return f"rule {rule.code} ({rule.name}) crashed on {path}: {type(error).__name__}: {error}"


def _anchors(document: Document, suppressions: list[Suppression]) -> Anchors:
    offsets: set[int] = set()
    for suppression in suppressions:
        removal = suppression.removal
        offsets.update((suppression.start, suppression.end, removal.start, removal.end))
    positions = {offset: document.lines.position(offset) for offset in offsets}
    lines = {position.line: document.line_text(position.line) for position in positions.values()}
    return Anchors(document.path, positions, lines)


#: Built-in cross-file rules that never read `SeedSummary.links`.
_LINKLESS = frozenset({"C001", "C002", "C003"})


def _summarise(document: Document, links: bool = True) -> SeedSummary:
    link = None
    begin = end = Position(1, 1)
    front = document.front_matter
    entry = front.entry("link") if front is not None else None
    if entry is not None and isinstance(entry.value, str):
        link = entry.value
        begin = document.lines.position(entry.value_span.start)
        end = document.lines.position(entry.value_span.end)
    return SeedSummary(
        document.path,
        link,
        begin,
        end,
        document.line_text(begin.line),
        document.line_text(1),
        find_links(document) if links else (),
    )


def iter_findings(results: Iterable[FileResult]) -> Iterator[Finding]:
    for result in results:
        yield from result.findings
