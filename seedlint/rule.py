"""The rule contract: what a built-in or third-party rule provides."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from seedlint.findings import Fix, Position, Problem, Severity

if TYPE_CHECKING:
    from seedlint.context import RunContext
    from seedlint.document import Document

FixKind = Literal["safe", "unsafe", "safe/unsafe", "-"]
#: The optional rule attribute ``structural = True`` says the rule's findings mean "the
#: front matter no longer reads as a valid seed" (missing, unparsable, wrong keys or
#: types): the fixer refuses any fix after which such a rule raises more findings than
#: before. A rule without the attribute is not structural; read it through
#: :func:`seedlint.registry.is_structural`.
STRUCTURAL = "structural"


@dataclass(frozen=True, slots=True)
class LinkOccurrence:
    """A URL as written in a seed: front matter `link`, source line, or `## Links` item.

    Located while the document is alive, because the network rules judge every URL of
    the run at once, in `Linter.finish`, and report at each place a URL occurs.
    """

    url: str
    start: int  # character offsets of the URL's text in the file
    end: int
    begin: Position
    finish: Position
    line_text: str
    # True when text[start:end] is exactly `url`, so that a fix may replace it.
    exact: bool = True
    # The seed's `upload_date` as YYYYMMDD ("" when none): L001 asks the archive for it.
    day: str = ""
    # Found in the body outside the source line and `## Links` (`[links] scope = "all"`).
    body: bool = False

    def placed(self, day: str, body: bool) -> LinkOccurrence:
        return replace(self, day=day, body=body) if day or body else self

    @property
    def marks(self) -> tuple[bool, str, bool]:
        """``exact``, ``day`` and ``body``, as the result cache stores them."""
        return self.exact, self.day, self.body


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """What cross-file rules need of one seed, small enough to keep for a whole vault."""

    path: str
    link: str | None
    link_start: Position
    link_end: Position
    # Source lines for the excerpt of a cross-file finding: the file is gone by then.
    link_line: str = ""
    first_line: str = ""
    links: tuple[LinkOccurrence, ...] = ()


@dataclass(frozen=True, slots=True)
class CorpusProblem:
    path: str
    code: str
    start: Position
    end: Position
    message: str
    source_line: str = ""
    # Character span and fix, for cross-file findings that can be fixed (L002).
    span: tuple[int, int] = (0, 0)
    fix: Fix | None = None
    edit_positions: tuple[tuple[Position, Position], ...] = ()


@runtime_checkable
class Rule(Protocol):
    """Metadata every rule has; read-only so that frozen dataclasses satisfy it."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def fix(self) -> FixKind: ...
    @property
    def explanation(self) -> str: ...


@runtime_checkable
class FileRule(Rule, Protocol):
    def check(self, doc: Document, context: RunContext) -> Iterable[Problem]: ...


@runtime_checkable
class CorpusRule(Rule, Protocol):
    """A rule that sees the whole run (duplicates across the vault, file names)."""

    def check_corpus(
        self, seeds: Sequence[SeedSummary], context: RunContext
    ) -> Iterable[CorpusProblem]: ...


@dataclass(frozen=True)
class FunctionRule:
    """A file rule made of a check function; its docstring is the user documentation."""

    code: str
    name: str
    summary: str
    severity: Severity
    fix: FixKind
    check: Callable[[Document, RunContext], Iterable[Problem]] = field(repr=False)
    #: See :data:`STRUCTURAL`.
    structural: bool = False

    @property
    def explanation(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or self.summary)


@dataclass(frozen=True)
class FunctionCorpusRule:
    code: str
    name: str
    summary: str
    severity: Severity
    fix: FixKind
    check_corpus: Callable[[Sequence[SeedSummary], RunContext], Iterable[CorpusProblem]] = field(
        repr=False
    )
    structural: bool = False

    @property
    def explanation(self) -> str:
        return inspect.cleandoc(self.check_corpus.__doc__ or self.summary)


def rule(
    code: str,
    name: str,
    summary: str,
    severity: Severity = Severity.WARNING,
    fix: FixKind = "-",
    *,
    structural: bool = False,
) -> Callable[[Callable[[Document, RunContext], Iterable[Problem]]], FunctionRule]:
    """Turn a check function into a rule (``structural``: see :data:`STRUCTURAL`)."""

    def wrap(check: Callable[[Document, RunContext], Iterable[Problem]]) -> FunctionRule:
        return FunctionRule(code, name, summary, severity, fix, check, structural=structural)

    return wrap


def corpus_rule(
    code: str,
    name: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    fix: FixKind = "-",
    *,
    structural: bool = False,
) -> Callable[
    [Callable[[Sequence[SeedSummary], RunContext], Iterable[CorpusProblem]]], FunctionCorpusRule
]:
    def wrap(
        check: Callable[[Sequence[SeedSummary], RunContext], Iterable[CorpusProblem]],
    ) -> FunctionCorpusRule:
        return FunctionCorpusRule(code, name, summary, severity, fix, check, structural=structural)

    return wrap
