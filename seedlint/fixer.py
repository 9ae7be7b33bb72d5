"""Apply fixes without losing a byte that should stay.

The model is ruff's and sqlfluff's: every fix is data (:class:`~seedlint.findings.TextEdit`
ranges on the text the linter saw). One *pass* splices the chosen edits into that text in
a single sweep; a fix whose edits overlap an edit already chosen waits for the next pass,
which re-lints the new text. Passes repeat until nothing is left to fix, at most
:data:`MAX_PASSES` times.

Nothing is trusted blindly: the fixed text must parse again (same front matter, same
keys, no new YAML or schema error) and must raise none of the codes that were fixed.
When it does not, the codes to blame are left unfixed and the run starts again from the
original text, so a broken fix costs its own code and never the file. The file's own
conventions (BOM, majority line ending, a missing final newline) survive every pass, and
writing is atomic: a temporary file in the same folder, fsync, ``os.replace``, same mode,
owner and extended attributes. A write never leaves the project root (see
`seedlint.project`), never replaces a symlink or splits hard links, and never lands on a
file whose bytes changed since they were read.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import errno
import itertools
import os
import secrets
import stat
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field

from seedlint._yaml import UNREADABLE
from seedlint.document import Document, LineIndex, decode, parse_text
from seedlint.findings import Finding, Fix, NewFile, TextEdit, fix_applies
from seedlint.linter import FileResult, Linter
from seedlint.registry import is_structural
from seedlint.suppression import Suppression

#: ruff and sqlfluff stop after a bounded number of passes; a seed settles in two or three.
MAX_PASSES = 10
_LINE_BREAKS = ("\r\n", "\n", "\r")


# -- the file's conventions ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conventions:
    """What a fix must keep of the file's form: BOM, line ending, final newline."""

    has_bom: bool
    newline: str
    final_newline: bool

    @classmethod
    def of(cls, text: str, has_bom: bool) -> Conventions:
        return cls(has_bom, majority_newline(text), text.endswith(("\n", "\r")))

    def adapt(self, content: str) -> str:
        """New text in the file's line ending: a rule writes ``\\n``, a CRLF file gets CRLF.

        Content that already holds a ``\\r`` chose its line breaks on purpose (W002 does).
        """
        if self.newline == "\n" or "\n" not in content or "\r" in content:
            return content
        return content.replace("\n", self.newline)

    def restore(self, text: str) -> str:
        """Keep a missing final newline missing, and a present one present."""
        if not text:
            return text
        ends_with_break = text.endswith(("\n", "\r"))
        if ends_with_break and not self.final_newline:
            for newline in _LINE_BREAKS:
                if text.endswith(newline):
                    return text[: -len(newline)]
        if not ends_with_break and self.final_newline:
            return text + self.newline
        return text

    def encode(self, text: str) -> bytes:
        data = text.encode("utf-8")
        return b"\xef\xbb\xbf" + data if self.has_bom else data


def majority_newline(text: str) -> str:
    """The most common line break; a tie goes to LF, then CRLF (as W002 decides)."""
    crlf = text.count("\r\n")
    counts = {"\n": text.count("\n") - crlf, "\r\n": crlf, "\r": text.count("\r") - crlf}
    # min() keeps the first of equals: the order below is the tie-break.
    return min(("\n", "\r\n", "\r"), key=lambda kind: -counts[kind])


# -- one pass ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A finding's fix, ready to apply: its edits sorted and in the file's line ending."""

    code: str
    message: str
    edits: tuple[TextEdit, ...]


@dataclass(frozen=True, slots=True)
class FixPass:
    """One pass: the text it started from and the edits it spliced into it."""

    before: str
    after: str
    edits: tuple[TextEdit, ...]
    codes: tuple[str, ...]  # one code per applied fix


def _conflict(a: TextEdit, b: TextEdit) -> bool:
    """True when applying both edits is not well defined.

    Two replacements conflict when they share a character. An insertion conflicts with an
    edit that starts at its point or covers it, and with another insertion at the same
    point: which text would come first is a guess, so the later one waits for a pass.
    """
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start <= a.start < b.end
    if b.start == b.end:
        return a.start <= b.start < a.end
    return a.start < b.end and b.start < a.end


def _valid(edits: Sequence[TextEdit], length: int) -> bool:
    """Edits inside the text that do not overlap one another."""
    if any(not 0 <= edit.start <= edit.end <= length for edit in edits):
        return False
    return not any(_conflict(a, b) for a, b in itertools.pairwise(edits))


class _Chosen:
    """The edits chosen for one pass, sorted by start; starts are unique (see `_conflict`)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.edits: list[TextEdit] = []
        self.present: set[TextEdit] = set()

    def conflicts(self, edit: TextEdit) -> bool:
        # Chosen edits never conflict with each other, so only the neighbours can.
        index = bisect.bisect_right(self.starts, edit.start)
        neighbours = self.edits[max(0, index - 1) : index + 1]
        return any(_conflict(edit, other) for other in neighbours)

    def add(self, edit: TextEdit) -> None:
        index = bisect.bisect_right(self.starts, edit.start)
        self.starts.insert(index, edit.start)
        self.edits.insert(index, edit)
        self.present.add(edit)


def apply_fixes(text: str, candidates: Iterable[Candidate]) -> tuple[str, list[Candidate]]:
    """Splice every candidate that overlaps no earlier one into ``text``, in one sweep.

    Candidates are taken in order of their first edit (then code), as ruff does; one whose
    edits are all already chosen (two findings, one fix) counts as applied. Returns the
    new text and the candidates applied.
    """
    chosen = _Chosen()
    applied: list[Candidate] = []
    ordered = sorted(candidates, key=lambda c: (c.edits[0].start, c.edits[-1].end, c.code))
    for candidate in ordered:
        if not _valid(candidate.edits, len(text)):
            continue
        if all(edit in chosen.present for edit in candidate.edits):
            applied.append(candidate)
            continue
        if any(chosen.conflicts(edit) for edit in candidate.edits):
            continue
        for edit in candidate.edits:
            chosen.add(edit)
        applied.append(candidate)
    return splice(text, chosen.edits), applied


def splice(text: str, edits: Sequence[TextEdit]) -> str:
    """``text`` with non-overlapping ``edits`` (sorted by start) applied.

    Going forward and joining the kept slices is the same single sweep as splicing in
    reverse order, in linear time: every character outside the edits is copied as is.
    """
    pieces: list[str] = []
    position = 0
    for edit in edits:
        pieces.append(text[position : edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


# -- the loop over one file ----------------------------------------------------------------


@dataclass
class FixOutcome:
    """What fixing one file did, or would do (``--diff`` writes nothing)."""

    path: str
    original: str
    text: str
    conventions: Conventions
    findings: list[Finding]  # what the final text raises
    fixed: Counter[str] = field(default_factory=Counter)
    passes: list[FixPass] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # code -> why its fixes were not applied
    # The fixed text's result before `Linter.finish`, for the whole run's report.
    result: FileResult | None = None
    error: str | None = None  # the write failed, or the fix crashed: the file is untouched
    # Files the applicable fixes of the final text create (T001's missing topic note),
    # with the finding each resolves: the caller creates them (`create_new_file`).
    creations: list[tuple[Finding, NewFile]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def data(self) -> bytes:
        return self.conventions.encode(self.text)

    @property
    def fixed_total(self) -> int:
        return sum(self.fixed.values())


@dataclass(frozen=True, slots=True)
class Linted:
    """One text as the fixer sees it: the findings of the file alone, X001 included."""

    document: Document
    findings: list[Finding]
    crashes: tuple[str, ...]  # rules that crashed on this text
    # The same file's result before any `Linter.finish`, for the whole run's report.
    result: FileResult


def detach(result: FileResult) -> FileResult:
    """A copy of a file's result that `Linter.finish` can mutate (it appends findings,
    marks suppressions used and drops the document) without touching the original."""
    return dataclasses.replace(
        result,
        findings=list(result.findings),
        suppressions=[dataclasses.replace(s, used=set(s.used)) for s in result.suppressions],
        errors=list(result.errors),
    )


@dataclass(frozen=True, slots=True)
class _Attempt:
    text: str
    last: Linted | None  # the final text's, when a pass changed anything
    fixed: Counter[str]
    passes: list[FixPass]
    unsettled: frozenset[str]  # codes still fixable after the last pass
    stubborn: dict[str, str]  # code -> how its fixes left their findings behind


class Fixer:
    """Fix files one at a time with a linter's selection, settings and suppressions."""

    def __init__(self, linter: Linter, *, unsafe: bool = False, max_passes: int = MAX_PASSES):
        self.linter = linter
        self.unsafe = unsafe
        self.max_passes = max_passes
        self._file_codes = frozenset(rule.code for rule in linter.file_rules)
        self._known = tuple(linter.selection.rules)
        # Codes meaning "the front matter no longer reads as a valid seed", as the rules
        # declare them: a fix must never add a finding of one.
        self._structural = frozenset(
            code for code, rule in linter.selection.rules.items() if is_structural(rule)
        )

    # What the linter says about one text -------------------------------------------------

    def lint(self, path: str, text: str, has_bom: bool = False) -> Linted:
        """The findings of ``text`` alone, X001 included, and its Document."""
        return self.alone(self.linter.lint_document(parse_text(path, text, has_bom=has_bom)))

    def alone(self, result: FileResult) -> Linted:
        """Finish a copy of ``result`` (not finished yet, document kept) as a run of one."""
        assert result.document is not None, "a finished result has lost its document"
        work = detach(result)
        suppressions = list(work.suppressions)
        self.linter.finish([work])
        findings = [self._guard_x001(finding, suppressions) for finding in work.findings]
        return Linted(result.document, findings, tuple(work.errors), detach(result))

    def _guard_x001(self, finding: Finding, suppressions: list[Suppression]) -> Finding:
        """Keep X001's fix only where one file is enough to know the comment is unused.

        A file seen alone cannot tell whether a cross-file code (C001) or a code this run
        does not check (L001 with ``--offline``, an ignored code) would have been
        suppressed: removing such a comment would lose the user's decision.
        """
        if finding.code != "X001" or finding.fix is None:
            return finding
        for suppression in suppressions:
            if suppression.start == finding.start and suppression.end == finding.end:
                if self._judgeable(suppression):
                    return finding
                break
        return dataclasses.replace(
            finding,
            fix=None,
            edit_positions=(),
            message=f"{finding.message} (not fixed: only the whole run can tell it is unused)",
        )

    def _judgeable(self, suppression: Suppression) -> bool:
        if suppression.kind == "enable":
            return True  # whether it ends a disable is in the file alone
        if not suppression.codes:
            return False  # a blanket comment may serve a cross-file code
        for prefix in suppression.codes:
            covered = [code for code in self._known if code.startswith(prefix)]
            if any(code not in self._file_codes for code in covered):
                return False
        return True

    def applicable(self, finding: Finding) -> bool:
        return fix_applies(finding, self.unsafe)

    # The loop ----------------------------------------------------------------------------

    def fix(self, path: str, data: bytes, linted: FileResult | None = None) -> FixOutcome:
        """Fix one file's bytes in memory; the caller writes (or diffs) the outcome.

        ``linted``, the linter's result for these very bytes before `Linter.finish`,
        saves linting them again.
        """
        text, has_bom = decode(data)
        conventions = Conventions.of(text, has_bom)
        reusable = linted is not None and linted.document is not None
        first = (
            self.alone(linted)
            if linted is not None and reusable
            else self.lint(path, text, has_bom)
        )
        findings = first.findings
        outcome = FixOutcome(path, text, text, conventions, findings)
        refused: dict[str, str] = {}
        # Each failed verification removes at least one code, so this ends.
        while True:
            attempt = self._attempt(path, text, findings, conventions, frozenset(refused))
            if not attempt.fixed:
                break
            blame = self._verify(first, attempt)
            if blame is None and attempt.last is not None:
                outcome.text = attempt.text
                outcome.findings = attempt.last.findings
                outcome.result = attempt.last.result
                outcome.fixed = attempt.fixed
                outcome.passes = attempt.passes
                break
            assert blame is not None
            codes, reason = blame
            for code in codes:
                refused[code] = reason
        outcome.refused = refused
        outcome.findings = [self._explain(finding, refused) for finding in outcome.findings]
        outcome.creations = [
            (finding, new)
            for finding in outcome.findings
            if finding.fix is not None and self.applicable(finding)
            for new in finding.fix.creates
        ]
        return outcome

    def _candidates(
        self, findings: Sequence[Finding], refused: frozenset[str], conventions: Conventions
    ) -> list[Candidate]:
        candidates = []
        for finding in findings:
            fix = finding.fix
            if fix is None or finding.code in refused or not self.applicable(finding):
                continue
            if not fix.edits:
                continue  # it only creates files: see `FixOutcome.creations`
            candidates.append(_candidate(finding.code, fix, conventions))
        return candidates

    def _attempt(
        self,
        path: str,
        text: str,
        findings: list[Finding],
        conventions: Conventions,
        refused: frozenset[str],
    ) -> _Attempt:
        fixed: Counter[str] = Counter()
        passes: list[FixPass] = []
        last: Linted | None = None
        stubborn: dict[str, str] = {}
        candidates = self._candidates(findings, refused, conventions)
        for _ in range(self.max_passes):
            if not candidates:
                break
            spliced, applied = apply_fixes(text, candidates)
            after = conventions.restore(spliced)
            if not applied or after == text:
                break
            codes = tuple(candidate.code for candidate in applied)
            edits = tuple(sorted({e for c in applied for e in c.edits}, key=lambda e: e.start))
            passes.append(FixPass(text, after, edits, codes))
            fixed.update(codes)
            text = after
            last = self.lint(path, text, conventions.has_bom)
            for code, (inputs, outputs) in _ranges_by_code(applied).items():
                if code in stubborn:
                    continue
                reason = self._left_behind(code, (findings, inputs), (last.findings, outputs))
                if reason is not None:
                    stubborn[code] = reason
            findings = last.findings
            candidates = self._candidates(findings, refused, conventions)
        unsettled = frozenset(candidate.code for candidate in candidates) if passes else frozenset()
        return _Attempt(text, last, fixed, passes, unsettled, stubborn)

    def _left_behind(
        self,
        code: str,
        before: tuple[list[Finding], list[tuple[int, int]]],
        after: tuple[list[Finding], list[tuple[int, int]]],
    ) -> str | None:
        """Why a pass's fixes of ``code`` did not work, or None.

        A fix that turns its finding into another of the same code, one without a fix
        (`TODO` -> `todo` where only `TODO` is fixable), leaves more unfixable findings of
        the code on the text it wrote than there were on the text it replaced. Findings a
        *neighbouring* fix of the same pass brings out elsewhere are not its doing.
        """

        def unfixable_at(found: tuple[list[Finding], list[tuple[int, int]]]) -> list[Finding]:
            findings, ranges = found
            return [
                f
                for f in findings
                if f.code == code
                and not self.applicable(f)
                and any(_touches(f, start, end) for start, end in ranges)
            ]

        was, now = unfixable_at(before), unfixable_at(after)
        if len(now) <= len(was):
            return None
        known = {f.message for f in was}
        new = next((f for f in now if f.message not in known), now[0])
        return f"the fixed text still raises {code}: {new.message}"

    def _verify(self, first: Linted, attempt: _Attempt) -> tuple[set[str], str] | None:
        """None when the fixed text may be written; else the codes to blame and why."""
        fixed_codes = set(attempt.fixed)
        original, before = first.document, first.findings
        last = attempt.last
        assert last is not None  # something was fixed, so a pass linted the new text
        # F101's fix adds the required keys it finds missing; no other fix adds a key.
        addable = (
            frozenset(self.linter.context.settings.required_keys)
            if "F101" in fixed_codes
            else frozenset()
        )
        broken = _structure_change(original, last.document, addable)
        if broken is not None:
            return fixed_codes, broken
        crashed = _crashed_rules(last.crashes) - _crashed_rules(first.crashes)
        if crashed:
            # The crashed rule's findings are unknown: nothing can be verified.
            return fixed_codes, f"a rule failed on the fixed text: {sorted(crashed)[0]}"
        before_counts = Counter(f.code for f in before)
        # A front matter that did not parse had no schema findings: a fix that repairs it
        # (W001 deleting a tab-only line) brings them out, and that is no breakage.
        for finding in last.findings if _readable(original) else ():
            code = finding.code
            if code in self._structural and code not in fixed_codes:
                now = sum(1 for f in last.findings if f.code == code)
                if now > before_counts[code]:
                    return fixed_codes, f"the fixed text would raise {code}: {finding.message}"
        if attempt.unsettled:
            return (
                set(attempt.unsettled) & fixed_codes or fixed_codes,
                f"the fixes did not settle after {self.max_passes} passes",
            )
        if attempt.stubborn:
            return set(attempt.stubborn), "; ".join(attempt.stubborn.values())
        return None

    def _explain(self, finding: Finding, refused: dict[str, str]) -> Finding:
        reason = refused.get(finding.code)
        if reason is None or not self.applicable(finding):
            return finding
        return dataclasses.replace(
            finding,
            fix=None,
            edit_positions=(),
            message=f"{finding.message} (fix not applied: {reason})",
        )


def _ranges_by_code(
    applied: Sequence[Candidate],
) -> dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Per code, the ranges its edits replaced (in the pass's input) and wrote (in its
    output). Edits are unique and sorted as `apply_fixes` chose them."""
    owners: dict[TextEdit, list[str]] = {}
    for candidate in applied:
        for edit in candidate.edits:
            owners.setdefault(edit, []).append(candidate.code)
    ranges: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    shift = 0
    for edit in sorted(owners, key=lambda edit: (edit.start, edit.end)):
        start = edit.start + shift
        for code in owners[edit]:
            inputs, outputs = ranges.setdefault(code, ([], []))
            inputs.append((edit.start, edit.end))
            outputs.append((start, start + len(edit.content)))
        shift += len(edit.content) - (edit.end - edit.start)
    return ranges


def _touches(finding: Finding, start: int, end: int) -> bool:
    """The finding lies on text the edit wrote (or replaced); for an edit that wrote
    nothing, on text running across the point it deleted."""
    if start == end:
        return finding.start < start < finding.end
    if finding.start == finding.end:
        return start <= finding.start < end
    return finding.start < end and start < finding.end


def _crashed_rules(crashes: Iterable[str]) -> set[str]:
    # "rule T001 (broken-topic-ref) crashed on ...": the same rule failing again on the
    # fixed text is no news; the message details (positions) may differ.
    return {" ".join(crash.split(" ", 2)[:2]) for crash in crashes}


def _candidate(code: str, fix: Fix, conventions: Conventions) -> Candidate:
    edits = sorted(
        (TextEdit(edit.start, edit.end, conventions.adapt(edit.content)) for edit in fix.edits),
        key=lambda edit: (edit.start, edit.end),
    )
    return Candidate(code, fix.message, tuple(edits))


def _structure_change(
    before: Document, after: Document, addable: frozenset[str] = frozenset()
) -> str | None:
    """Why ``after`` no longer reads as the same kind of seed as ``before``, or None.

    ``addable``: keys the fixes may have added (F101 inserts missing required keys).
    """
    if before.front_matter is None:
        if after.front_matter is not None or after.unclosed_front_matter:
            return "the fix would change where the front matter ends"
        return None
    if after.front_matter is None:
        return "the fixed text would lose its front matter"
    old, new = before.front_matter.yaml, after.front_matter.yaml
    if old.is_mapping and not new.is_mapping:
        return "the fixed front matter would not be a mapping"
    old_issues = Counter(issue.kind for issue in old.issues)
    for issue in new.issues:
        if sum(1 for other in new.issues if other.kind == issue.kind) > old_issues[issue.kind]:
            return f"the fixed front matter would not parse: {issue.message}"
    if _readable(before):
        old_keys = Counter(e.key for e in old.entries)
        new_keys = Counter(e.key for e in new.entries)
        added = new_keys - old_keys
        if old_keys - new_keys or any(key not in addable or key in old_keys for key in added):
            return "the fix would change the front matter's keys"
    return None


def _readable(doc: Document) -> bool:
    """The front matter is a mapping that parsed: its keys and schema mean something."""
    front = doc.front_matter
    return (
        front is not None
        and front.yaml.is_mapping
        and not any(issue.kind in UNREADABLE for issue in front.yaml.issues)
    )


# -- writing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the file looked like when it was read: a write refuses a file changed since.

    Size, mtime and inode alone miss an edit of the same size whose mtime was put back
    (`touch -r`, an editor restoring it, a sync tool): the change time cannot be put
    back, and the bytes themselves, when known, are compared again just before the rename.
    """

    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int = 0
    data: bytes | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, status: os.stat_result, data: bytes | None = None) -> Snapshot:
        return cls(status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns, data)


class StaleFile(OSError):
    """The file changed on disk after it was read: the fix is not written."""

    def __init__(self, path: str, why: str = "the file changed on disk while it was being fixed"):
        super().__init__(errno.ESTALE, why, path)


class UnsafeToWrite(OSError):
    """Writing would leave the project root, replace a symlink, or split hard links."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(errno.EPERM, why, path)


def read_with_snapshot(path: str) -> tuple[bytes, Snapshot]:
    with open(path, "rb") as handle:
        before = os.fstat(handle.fileno())
        data = handle.read()
    return data, Snapshot.of(before, data)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW


def _open_folder(root: str, relative: str) -> int:
    """A descriptor of ``root/relative``, opened one component at a time without
    following a symbolic link: a folder swapped for a link since it was resolved makes
    this fail (ELOOP, ENOTDIR) instead of leading outside."""
    handle = os.open(root, _FOLDER)
    try:
        for part in (p for p in relative.split(os.sep) if p and p != os.curdir):
            inner = os.open(part, _FOLDER, dir_fd=handle)
            os.close(handle)
            handle = inner
    except BaseException:
        os.close(handle)
        raise
    return handle


def _locate(path: str, root: str | os.PathLike[str] | None) -> tuple[int, str, str]:
    """The folder descriptor, file name and folder path a write of ``path`` goes to.

    A symlinked file is written through: its target gets the new bytes and the link stays
    a link. With a ``root``, that target must lie inside it.
    """
    target = os.path.realpath(path)
    if root is None:
        folder = os.path.dirname(target)
        return os.open(folder, _FOLDER & ~_NOFOLLOW), os.path.basename(target), folder
    real_root = os.path.realpath(root)
    if not (target == real_root or target.startswith(os.path.join(real_root, ""))):
        raise UnsafeToWrite(path, "reached through a symbolic link that leaves the project root")
    folder = os.path.dirname(target)
    try:
        handle = _open_folder(real_root, os.path.relpath(folder, real_root))
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeToWrite(path, "a folder on its way became a symbolic link") from None
        raise
    return handle, os.path.basename(target), folder


def write_atomic(
    path: str,
    data: bytes,
    snapshot: Snapshot | None = None,
    *,
    sync_folder: bool = True,
    root: str | os.PathLike[str] | None = None,
) -> str:
    """Replace ``path``'s content with ``data`` so that a reader sees the old or the new
    file, never a mix, and a failure at any step leaves the old file as it was.

    The new bytes go to a temporary file in the same folder (same filesystem, so the
    rename is atomic), are flushed to disk, get the old file's mode, owner (where allowed)
    and extended attributes (POSIX ACLs among them), and only then replace it. A
    symlink is followed: its target is rewritten and the link stays. With ``root`` (the
    project root), nothing outside it is ever written: the folder is opened component by
    component without following links, and every later call works relative to it.

    Refused, leaving the file untouched: a target outside ``root``; a file that is no
    longer a regular file; a file with several hard links (a new file would split them);
    a file that changed since ``snapshot`` (checked before the temporary file is made,
    and again, bytes included, right before the rename); an extended attribute that
    cannot be copied. Raises OSError (the caller reports it); the temporary file never
    stays behind. Returns the folder written to: a run writing many files may pass
    ``sync_folder=False`` and call :func:`sync_folders` once per folder at the end.
    """
    folder_handle, name, folder = _locate(path, root)
    original, temporary = -1, ""
    try:
        original = _open_original(path, name, folder_handle)
        status = os.fstat(original)
        _check_unchanged(path, status, snapshot)
        # A read-only file or folder is the user's decision, also for root (who could write).
        if not _writable(name, status, folder_handle):
            raise PermissionError(errno.EACCES, "the file is read-only", path)
        if not _writable(folder, os.fstat(folder_handle)):
            raise PermissionError(errno.EACCES, "its folder is read-only", path)
        handle = -1
        while handle < 0:
            # The name is known before open(2) creates the file: an interrupt landing
            # between the two (where `tempfile.mkstemp` loses the name) still removes it.
            temporary = f".{name}.{_suffix()}"
            try:
                handle = os.open(temporary, _CREATE, 0o600, dir_fd=folder_handle)
            except FileExistsError:
                temporary = ""  # not ours: never remove it; draw another name
        try:
            view = memoryview(data)
            while view:
                written = os.write(handle, view)
                view = view[written:]
            os.fchmod(handle, stat.S_IMODE(status.st_mode))
            if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
                with suppress(OSError):
                    os.fchown(handle, status.st_uid, status.st_gid)
            _copy_xattrs(path, original, handle)
            os.fsync(handle)
        finally:
            os.close(handle)
        _recheck(path, name, folder_handle, original, snapshot)
        os.replace(temporary, name, src_dir_fd=folder_handle, dst_dir_fd=folder_handle)
        temporary = ""
        if sync_folder:
            with suppress(OSError):
                os.fsync(folder_handle)
    finally:
        if temporary:
            with suppress(OSError):
                os.unlink(temporary, dir_fd=folder_handle)
        if original >= 0:
            os.close(original)
        os.close(folder_handle)
    return folder


def _open_original(path: str, name: str, folder: int) -> int:
    """The file to replace, opened without following a link (O_NONBLOCK: a FIFO put in
    its place must not hang the run)."""
    try:
        return os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeToWrite(path, "it became a symbolic link") from None
        raise


def _check_unchanged(path: str, status: os.stat_result, snapshot: Snapshot | None) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise UnsafeToWrite(path, "it is no longer a regular file")
    if status.st_nlink > 1:
        raise UnsafeToWrite(
            path, f"it has {status.st_nlink} hard links (a new file would split them)"
        )
    if snapshot is None:
        return
    now = Snapshot.of(status)
    if (now.size, now.mtime_ns, now.inode) != (snapshot.size, snapshot.mtime_ns, snapshot.inode):
        raise StaleFile(path)
    if snapshot.ctime_ns and now.ctime_ns != snapshot.ctime_ns:
        raise StaleFile(path)


def _recheck(path: str, name: str, folder: int, original: int, snapshot: Snapshot | None) -> None:
    """Right before the rename: the name still holds the file read, unchanged.

    The window left (between this check and the rename) is a few system calls; no
    portable lock closes it (editors take none).
    """
    if snapshot is None:
        return
    _check_unchanged(path, os.fstat(original), snapshot)
    try:
        now = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        raise StaleFile(path, "the file was removed while it was being fixed") from None
    if now.st_ino != snapshot.inode or not stat.S_ISREG(now.st_mode):
        raise StaleFile(path)
    if snapshot.data is not None and _read_all(original, len(snapshot.data) + 1) != snapshot.data:
        raise StaleFile(path)


def _read_all(handle: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while offset < limit:
        chunk = os.pread(handle, limit - offset, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _copy_xattrs(path: str, source: int, target: int) -> None:
    """Give the temporary file the original's extended attributes, or refuse the write:
    a fix must not silently drop a tag, a quarantine mark or an ACL."""
    listxattr = getattr(os, "listxattr", None)
    if listxattr is None:
        return  # no extended attributes on this system
    try:
        names = listxattr(source)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise
    for attribute in names:
        value = os.getxattr(source, attribute)
        with suppress(OSError):
            if os.getxattr(target, attribute) == value:
                continue  # given by the system already (an inherited ACL, a label)
        try:
            os.setxattr(target, attribute, value)
        except OSError as error:
            raise OSError(
                error.errno,
                f"cannot keep its extended attribute {attribute!r} ({error.strerror or error})",
                path,
            ) from None


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _suffix() -> str:
    return f"{secrets.token_hex(4)}.seedlint-tmp"


def _writable(path: str, status: os.stat_result, folder: int | None = None) -> bool:
    return os.access(path, os.W_OK, dir_fd=folder) and bool(status.st_mode & _ANY_WRITE)


_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def sync_folders(folders: Iterable[str]) -> None:
    """Make the renames durable; some systems cannot open a folder: not an error."""
    for folder in dict.fromkeys(folders):
        try:
            handle = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            with suppress(OSError):
                os.fsync(handle)
        finally:
            os.close(handle)


# -- creating -----------------------------------------------------------------------------


def _creatable(relative: str) -> list[str] | None:
    """The parts of a relative POSIX path a fix may create, or None: no absolute path, no
    empty, `.` or `..` part, no backslash or NUL."""
    if not relative or relative.startswith("/") or "\\" in relative or "\0" in relative:
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return parts


def create_new_file(root: str | os.PathLike[str], relative: str, data: bytes) -> str:
    """Create ``root/relative`` holding ``data``, atomically, never over anything.

    ``root`` (the topics root, trusted: it comes from the configuration, which
    `seedlint.project` keeps inside the project) may itself be reached through a link.
    Below it every folder is opened without following a symbolic link, so nothing is
    written outside it; the folders must exist. The bytes go to a temporary file in the
    target folder, are flushed, and are hard-linked to the name, which fails if any file
    (or link) has it meanwhile: a reader sees no file or the whole one.

    Raises :class:`UnsafeToWrite` for a path that would leave ``root``, FileExistsError
    when the name is taken, OSError for the rest; nothing is left behind. Returns the
    folder written to.
    """
    parts = _creatable(relative)
    if parts is None:
        raise UnsafeToWrite(relative, "the path would leave the topics root")
    *folders, name = parts
    real_root = os.path.realpath(root)
    try:
        handle = _open_folder(real_root, os.sep.join(folders))
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeToWrite(
                relative, "a folder on its way is a symbolic link (or not a folder)"
            ) from None
        raise
    temporary = ""
    try:
        descriptor = -1
        while descriptor < 0:
            temporary = f".{name}.{_suffix()}"
            try:
                descriptor = os.open(temporary, _CREATE, 0o666, dir_fd=handle)
            except FileExistsError:
                temporary = ""
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        # link(2) never replaces a name: a file (or link) there already, or made meanwhile,
        # stays as it is, and this raises FileExistsError.
        os.link(temporary, name, src_dir_fd=handle, dst_dir_fd=handle, follow_symlinks=False)
        with suppress(OSError):
            os.fsync(handle)
    finally:
        if temporary:
            with suppress(OSError):
                os.unlink(temporary, dir_fd=handle)
        os.close(handle)
    return os.path.join(real_root, *folders)


# -- showing ------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """The lines of ``text`` with their own line breaks (CRLF, LF or CR), as diff needs."""
    starts = LineIndex(text).starts
    ends = [*starts[1:], len(text)]
    return [text[start:end] for start, end in zip(starts, ends, strict=True) if start < end]


def unified_diff(path: str, before: str, after: str, *, new_file: bool = False) -> str:
    """A unified diff that `patch -p0` applies; each line keeps its own line ending and a
    missing final newline is marked as git marks it. ``new_file``: the file does not
    exist yet (``--- /dev/null``, as git writes a creation)."""
    out: list[str] = []
    old = "/dev/null" if new_file else path
    for line in difflib.unified_diff(_lines(before), _lines(after), old, path, lineterm="\n"):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
