"""The vault's health in numbers: every figure the page shows and `--format json` prints.

A pure function of one `check` run (its findings and summary), the seeds' facts, the
topic index and the links' states, so that it can be tested on hand-counted vaults and the
page and the JSON can never disagree.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from seedlint.findings import Finding, fixability
from seedlint.links.urls import host_of
from seedlint.report.facts import SeedFacts
from seedlint.report.linkcache import STATES, LinkState
from seedlint.topics import TopicIndex

#: Missing topic names that get did-you-mean suggestions, the most referenced first:
#: each costs a pass over the vault's note names, and a vault can hold thousands.
MAX_SUGGESTED = 200
#: How the long tail of topic notes is cut: notes embedded by this many seeds.
TAIL_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-5", 3, 5),
    ("6-10", 6, 10),
    ("11-50", 11, 50),
    ("51+", 51, None),
)
DEAD_CODE = "L001"


@dataclass(frozen=True)
class LinkCards:
    unique: int
    checked: int
    alive: int
    dead: int
    redirected: int
    unverifiable: int
    unchecked: int
    oldest_cached: str | None  # ISO date of the oldest cached answer used


@dataclass(frozen=True)
class Cards:
    seeds: int
    topic_notes: int
    findings: int
    errors: int
    warnings: int
    info: int
    fixable_safe: int
    fixable_unsafe: int
    links: LinkCards


@dataclass(frozen=True)
class RuleCount:
    code: str
    rule: str
    severity: str
    findings: int
    fixable: int


@dataclass(frozen=True)
class FolderCount:
    folder: str
    seeds: int
    findings: int
    errors: int
    warnings: int
    info: int


@dataclass(frozen=True)
class DomainHealth:
    domain: str
    links: int
    alive: int
    dead: int
    redirected: int
    unverifiable: int
    unchecked: int


@dataclass(frozen=True)
class Archived:
    path: str
    line: int
    url: str
    replacement: str


@dataclass(frozen=True)
class TopicUse:
    topic: str
    seeds: int


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int


@dataclass(frozen=True)
class BrokenTopic:
    name: str
    references: int
    seeds: list[str]
    suggestions: list[str]


@dataclass(frozen=True)
class Category:
    category: str
    notes: int
    references: int


@dataclass(frozen=True)
class Topics:
    root_exists: bool
    notes: int
    embedded: list[TopicUse]  # every note at least one seed embeds, most embedded first
    tail: list[Bucket]  # notes by how many seeds embed them
    orphans: list[str]  # notes no seed embeds
    seeds_without_topics: list[str]
    broken: list[BrokenTopic]  # missing notes, the most referenced first
    categories: list[Category]  # by notes, largest first


@dataclass(frozen=True)
class Reading:
    read: int
    backlog: int
    unknown: int  # `already_read` absent or not a boolean
    backlog_by_priority: list[Bucket]
    per_month: list[Bucket]
    undated: int
    relevance: list[Bucket]


@dataclass(frozen=True)
class Aggregates:
    cards: Cards
    by_rule: list[RuleCount]
    by_folder: list[FolderCount]
    domains: list[DomainHealth]
    archived: list[Archived]
    topics: Topics
    reading: Reading
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def folder_of(path: str) -> str:
    """The folder a seed or finding belongs to (`contents/Blog post`), `.` at the top."""
    return posixpath.normpath(posixpath.dirname(path) or ".")


def _cards(
    findings: Sequence[Finding],
    files: int,
    topics: TopicIndex,
    states: Mapping[str, LinkState],
) -> Cards:
    severity = Counter(finding.severity.value for finding in findings)
    fixes = Counter(fixability(finding) for finding in findings)
    counted = Counter(state.state for state in states.values())
    dates = [state.checked_at for state in states.values() if state.checked_at is not None]
    oldest = dt.datetime.fromtimestamp(min(dates), dt.UTC).date().isoformat() if dates else None
    links = LinkCards(
        unique=len(states),
        checked=len(states) - counted["unchecked"],
        alive=counted["alive"],
        dead=counted["dead"],
        redirected=counted["redirected"],
        unverifiable=counted["unverifiable"],
        unchecked=counted["unchecked"],
        oldest_cached=oldest,
    )
    return Cards(
        seeds=files,
        topic_notes=len(topics.notes),
        findings=len(findings),
        errors=severity["error"],
        warnings=severity["warning"],
        info=severity["info"],
        fixable_safe=fixes["safe"],
        fixable_unsafe=fixes["unsafe"],
        links=links,
    )


def _by_rule(findings: Sequence[Finding]) -> list[RuleCount]:
    counts: dict[str, list[Finding]] = {}
    for finding in findings:
        counts.setdefault(finding.code, []).append(finding)
    rows = [
        RuleCount(
            code,
            found[0].rule,
            found[0].severity.value,
            len(found),
            sum(1 for finding in found if fixability(finding) != "none"),
        )
        for code, found in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row.findings, row.code))


def _by_folder(findings: Sequence[Finding], paths: Sequence[str]) -> list[FolderCount]:
    seeds = Counter(folder_of(path) for path in paths)
    found: dict[str, Counter[str]] = {}
    for finding in findings:
        found.setdefault(folder_of(finding.path), Counter())[finding.severity.value] += 1
    rows = []
    for folder in sorted(set(seeds) | set(found)):
        counted = found.get(folder, Counter())
        rows.append(
            FolderCount(
                folder,
                seeds[folder],
                sum(counted.values()),
                counted["error"],
                counted["warning"],
                counted["info"],
            )
        )
    return sorted(rows, key=lambda row: (-row.findings, row.folder))


def _domains(states: Mapping[str, LinkState]) -> list[DomainHealth]:
    per_domain: dict[str, Counter[str]] = {}
    for url, state in states.items():
        per_domain.setdefault(host_of(url), Counter())[state.state] += 1
    rows = [
        DomainHealth(domain, sum(counts.values()), *(counts[name] for name in STATES))
        for domain, counts in per_domain.items()
    ]
    # The worst first: dead links, then the ones nobody could vouch for, then moved ones.
    return sorted(rows, key=lambda row: (-row.dead, -row.unverifiable, -row.redirected, row.domain))


def _archived(findings: Sequence[Finding]) -> list[Archived]:
    """Dead links for which the link-rot work found a replacement (an archived copy):
    an L001 finding whose fix rewrites the URL."""
    found = []
    for finding in findings:
        if finding.code != DEAD_CODE or finding.fix is None or not finding.fix.edits:
            continue
        url = finding.source_line[finding.column - 1 : finding.end_column - 1]
        if finding.end_line != finding.line:
            url = finding.source_line[finding.column - 1 :]
        found.append(Archived(finding.path, finding.line, url, finding.fix.edits[0].content))
    return found


def _bucketed(values: Counter[int], labels: Sequence[int]) -> list[Bucket]:
    return [Bucket(str(label), values[label]) for label in labels]


def _topics(facts: Sequence[SeedFacts], index: TopicIndex) -> Topics:
    embedding: Counter[str] = Counter()
    missing: dict[str, list[str]] = {}
    for seed in facts:
        for key in seed.topics:
            if not index.exists or key in index:  # no topics folder: nothing is broken
                embedding[key] += 1
            else:
                missing.setdefault(key, []).append(seed.path)
    embedded = [TopicUse(key, count) for key, count in embedding.items()]
    embedded.sort(key=lambda use: (-use.seeds, use.topic))
    tail = []
    for label, low, high in TAIL_BUCKETS:
        count = sum(
            1 for use in embedded if use.seeds >= low and (high is None or use.seeds <= high)
        )
        tail.append(Bucket(label, count))
    used = {use.topic for use in embedded}
    orphans = sorted(note for note in index.notes if note not in used)
    broken = []
    ranked = sorted(missing.items(), key=lambda item: (-len(item[1]), item[0]))
    for rank, (name, seeds) in enumerate(ranked):
        suggestions = list(index.suggestions(name)) if rank < MAX_SUGGESTED else []
        broken.append(BrokenTopic(name, len(seeds), sorted(set(seeds)), suggestions))
    notes_per_category = Counter(_category(note) for note in index.notes)
    references: Counter[str] = Counter()
    for use in embedded:
        references[_category(use.topic)] += use.seeds
    categories = [
        Category(name, notes_per_category[name], references[name])
        for name in set(notes_per_category) | set(references)
    ]
    categories.sort(key=lambda row: (-row.notes, -row.references, row.category))
    return Topics(
        root_exists=index.exists,
        notes=len(index.notes),
        embedded=embedded,
        tail=tail,
        orphans=orphans,
        seeds_without_topics=[seed.path for seed in facts if seed.readable and not seed.topics],
        broken=broken,
        categories=categories,
    )


def _category(key: str) -> str:
    return key.partition("/")[0] if "/" in key else "(none)"


def _reading(facts: Sequence[SeedFacts]) -> Reading:
    seeds = [seed for seed in facts if seed.readable]
    backlog = [seed for seed in seeds if seed.already_read is False]
    priorities = Counter(seed.read_priority for seed in backlog if seed.read_priority is not None)
    relevance = Counter(seed.relevance for seed in seeds if seed.relevance is not None)
    months = Counter(seed.upload_month for seed in seeds if seed.upload_month is not None)
    priority_labels = sorted(set(range(6)) | set(priorities))
    relevance_labels = sorted(set(range(6)) | set(relevance))
    no_priority = sum(1 for seed in backlog if seed.read_priority is None)
    by_priority = _bucketed(priorities, priority_labels)
    if no_priority:
        by_priority.append(Bucket("none", no_priority))
    return Reading(
        read=sum(1 for seed in seeds if seed.already_read is True),
        backlog=len(backlog),
        unknown=sum(1 for seed in seeds if seed.already_read is None),
        backlog_by_priority=by_priority,
        per_month=[Bucket(month, count) for month, count in sorted(months.items())],
        undated=sum(1 for seed in seeds if seed.upload_month is None),
        relevance=_bucketed(relevance, relevance_labels),
    )


def aggregate(
    findings: Sequence[Finding],
    paths: Sequence[str],
    facts: Sequence[SeedFacts],
    topics: TopicIndex,
    states: Mapping[str, LinkState],
    notes: Sequence[str] = (),
) -> Aggregates:
    """Every figure of the report. ``paths`` are the files the run linted (as reported),
    ``facts`` one per path, ``states`` one per unique URL of the seeds."""
    return Aggregates(
        cards=_cards(findings, len(paths), topics, states),
        by_rule=_by_rule(findings),
        by_folder=_by_folder(findings, paths),
        domains=_domains(states),
        archived=_archived(findings),
        topics=_topics(facts, topics),
        reading=_reading(facts),
        notes=list(notes),
    )
