"""`seedlint fix` and `seedlint check --fix / --diff`: fix in place, or show the diff.

The run lints every file first, exactly as `check` does (same result cache, same worker
processes), so that cross-file rules and unused suppressions are judged on the whole
run. Only files with a fix to apply are read again and go through the
:class:`~seedlint.fixer.Fixer`; each is written atomically, or shown as a diff with
``--diff`` (nothing written, exit 1 when something would change). What is left is
reported like `check` reports it.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from seedlint import baseline, project
from seedlint.commands.check import (
    Run,
    exit_code,
    lint,
    prepare,
    report,
    report_options,
    write_report,
)
from seedlint.commands.options import LintOptions
from seedlint.document import UnreadableFile
from seedlint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from seedlint.findings import Finding, NewFile
from seedlint.fixer import (
    Fixer,
    FixOutcome,
    Snapshot,
    UnsafeToWrite,
    create_new_file,
    sync_folders,
    unified_diff,
    write_atomic,
)
from seedlint.linter import FileResult
from seedlint.project import is_within
from seedlint.reporters import ReportOptions, RunSummary
from seedlint.terminal import visible, visible_on_tty
from seedlint.topics import TOPICS_FOLDER


@dataclass
class _File:
    path: str  # as given (the one to open)
    result: FileResult
    snapshot: Snapshot | None = None  # when the file was read for fixing
    outcome: FixOutcome | None = None


def _read(run: Run, path: str) -> tuple[bytes, Snapshot] | str:
    """The bytes to fix and what the file looked like, or why it cannot be read now."""
    # The snapshot is taken before the read: a change in between is then seen as a change
    # at write time, and the file is left alone. It keeps the bytes, compared again just
    # before the rename.
    try:
        data, status = run.linter.read_with_stat(path)
        return data, Snapshot.of(status, data)
    except UnreadableFile as error:
        return f"cannot read: {error}"
    except OSError as error:
        return f"cannot read: {error.strerror or error}"


def _fix_one(fixer: Fixer, path: str, data: bytes) -> FixOutcome | str:
    """The outcome, or the one-line reason the fixer could not run (never a traceback)."""
    try:
        return fixer.fix(path, data)
    except RecursionError:
        return "fix failed: structure nested too deeply"
    except Exception as error:  # a rule crashing on a fixed text must not lose the run
        return f"fix failed: {type(error).__name__}: {error}"


def _wants_fix(fixer: Fixer, findings: list[Finding]) -> bool:
    return any(fixer.applicable(finding) for finding in findings)


def _annotate(
    findings: list[Finding], fixer: Fixer, why: str, *, never: bool = False
) -> list[Finding]:
    """The findings of a file that could not be fixed: the fixable ones say why.

    ``never``: seedlint will not write this file at all (it lies outside the project
    root), so its findings lose their fix, as the fixer's own refusals do; a write that
    failed (a read-only folder) leaves the fix offered for the next run.
    """
    return [
        dataclasses.replace(
            finding, message=f"{finding.message} ({why})", fix=None, edit_positions=()
        )
        if never and fixer.applicable(finding)
        else dataclasses.replace(finding, message=f"{finding.message} ({why})")
        if fixer.applicable(finding)
        else finding
        for finding in findings
    ]


def run_fix(options: LintOptions) -> int:
    run = prepare(options)
    fixer = Fixer(run.linter, unsafe=options.unsafe_fixes)
    if options.reads_stdin:
        return _run_stdin(run, fixer, options)
    files = [
        _File(path, result) for path, result in zip(run.paths, lint(run, options), strict=True)
    ]
    errors: list[str] = []
    roots = project.Roots.find(run.configuration, options.paths)
    for file in files:
        if not _wants_fix(fixer, file.result.findings):
            continue
        refused = roots.refuse_to_write(file.path)
        if refused is not None:  # linted all the same, read-only: one note, no error
            run.context.notes.append(f"{file.result.path}: {refused}")
            file.result.findings = _annotate(file.result.findings, fixer, refused, never=True)
            continue
        read = _read(run, file.path)
        if isinstance(read, str):
            errors.append(f"{file.result.path}: {read}")
            file.result.findings = _annotate(file.result.findings, fixer, read)
            continue
        data, file.snapshot = read
        fixed_or_why = _fix_one(fixer, file.result.path, data)
        if isinstance(fixed_or_why, str):
            errors.append(f"{file.result.path}: {fixed_or_why}")
            file.result.findings = _annotate(file.result.findings, fixer, fixed_or_why)
        else:
            file.outcome = fixed_or_why
    planned = _planned_creations(files)
    if options.diff:
        return _show_diff(files, options, planned, run)
    folders: list[str] = []
    for file in files:
        outcome = file.outcome
        if outcome is None or not outcome.changed:
            continue
        try:
            folders.append(
                write_atomic(
                    file.path,
                    outcome.data,
                    file.snapshot,
                    sync_folder=False,
                    root=roots.holding(file.path),
                )
            )
        except OSError as failure:
            reason = failure.strerror or str(failure)
            outcome.error = f"cannot write: {reason}"
            errors.append(f"{outcome.path}: {outcome.error}; the file is unchanged")
            file.result.findings = _annotate(file.result.findings, fixer, outcome.error)
    created = _create_files(run, planned, errors, fixer)
    folders.extend(created.values())
    sync_folders(folders)
    findings = _final_findings(run, files, options, relint_all=bool(created))
    if options.baseline is not None:
        findings = baseline.apply(options.baseline, findings, options.quiet)
    _notes(run, options)
    crashes = [*(error for file in files for error in file.result.errors), *run.linter.errors]
    for message in [*errors, *dict.fromkeys(crashes)]:
        print(visible(f"seedlint: error: {message}"), file=sys.stderr)
    written = [file.outcome for file in files if _written(file)]
    fixed = sum(outcome.fixed_total for outcome in written if outcome is not None)
    fixed += sum(len(planned[path][1]) for path in created)
    if options.show_fixes and (written or created) and options.format in ("text", "concise"):
        made = {_display(run, path): len(planned[path][1]) for path in created}
        _list_fixes([outcome for outcome in written if outcome is not None], run, sys.stdout, made)
    summary = RunSummary.of(
        len(files),
        findings,
        fixed,
        paths=[f.result.path for f in files],
        rules=run.linter.selection.rules.values(),
    )
    report(findings, summary, options, report_options(options))
    if crashes:
        return EXIT_ERROR
    code = exit_code(findings, options)
    return max(code, EXIT_FINDINGS) if errors else code


def _written(file: _File) -> bool:
    return file.outcome is not None and file.outcome.changed and file.outcome.error is None


def _final_findings(
    run: Run, files: list[_File], options: LintOptions, *, relint_all: bool = False
) -> list[Finding]:
    """What is left: the first lint for untouched files, a new one for fixed files.

    Cross-file rules and unused suppressions of a fixed file are judged against every
    other file of the run. A fix that changed a seed's `link` can change another file's
    cross-file findings: then the whole run is linted again (the result cache makes
    that cheap for every file the fix did not touch).
    """
    if relint_all:
        # A created topic note changes the topics index: every file that refers to it is
        # linted again against the new index (the result cache keeps that cheap).
        run.context.__dict__.pop("topics", None)
        return [finding for result in lint(run, options) for finding in result.findings]
    fixed = [file for file in files if _written(file)]
    if not fixed:
        return [finding for file in files for finding in file.result.findings]
    relinted: dict[int, FileResult] = {}
    for file in fixed:
        assert file.outcome is not None and file.outcome.result is not None
        relinted[id(file)] = file.outcome.result
    if any(_link(relinted[id(file)]) != _link(file.result) for file in fixed):
        results = lint(run, options)
        return [finding for result in results for finding in result.findings]
    others = [
        FileResult(file.result.path, [], file.result.summary)
        for file in files
        if id(file) not in relinted
    ]
    run.linter.finish([*relinted.values(), *others])
    findings: list[Finding] = []
    for file in files:
        result = relinted.get(id(file), file.result)
        findings.extend(result.findings)
    return findings


def _link(result: FileResult) -> str | None:
    return result.summary.link if result.summary is not None else None


def _show_diff(files: list[_File], options: LintOptions, planned: _Planned, run: Run) -> int:
    changed = [file.outcome for file in files if file.outcome is not None and file.outcome.changed]
    for outcome in changed:
        if outcome is not None:
            sys.stdout.write(
                visible_on_tty(unified_diff(outcome.path, outcome.original, outcome.text))
            )
    for path, (new, _) in planned.items():
        shown = _display(run, path)
        sys.stdout.write(visible_on_tty(unified_diff(shown, "", new.content, new_file=True)))
    total = sum(outcome.fixed_total for outcome in changed if outcome is not None)
    total += sum(len(resolved) for _, resolved in planned.values())
    count = len(changed) + len(planned)
    if not options.quiet:
        files_word = "file" if count == 1 else "files"
        noun = "finding" if total == 1 else "findings"
        line = f"Would fix {total} {noun} in {count} {files_word}."
        print(line if count else "No fixes to apply.", file=sys.stderr)
    return EXIT_FINDINGS if count else EXIT_OK


#: Files fixes would create, by path under the topics root: the file, and the findings
#: (with the seed each is in) it resolves. Two seeds naming one missing note share it.
_Planned = dict[str, tuple[NewFile, list[tuple[_File, Finding]]]]


def _planned_creations(files: list[_File]) -> _Planned:
    planned: _Planned = {}
    for file in files:
        if file.outcome is None or file.outcome.error is not None:
            continue
        for finding, new in file.outcome.creations:
            planned.setdefault(new.path, (new, []))[1].append((file, finding))
    return planned


def _display(run: Run, path: str) -> str:
    """A created file's path as the user reads it (and `patch -p0` applies it): relative
    to the working folder when inside it."""
    absolute = os.path.join(os.path.abspath(run.configuration.topics_root), *path.split("/"))
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith(os.pardir) else relative.replace(os.sep, "/")


def _create_files(run: Run, planned: _Planned, errors: list[str], fixer: Fixer) -> dict[str, str]:
    """Create each planned file; the ones made, with their folder. A refusal (the path
    would leave the topics root) is a note and the findings lose their fix; a failure
    (permissions, the name taken meanwhile) leaves them offered for the next run."""
    created: dict[str, str] = {}
    for path, (new, resolved) in planned.items():
        shown = _display(run, path)
        try:
            base, inside = _topics_base(run, path)
            created[path] = create_new_file(base, inside, new.content.encode("utf-8"))
            continue
        except UnsafeToWrite as refusal:
            why = f"not created: {refusal.strerror}"
            run.context.notes.append(f"{shown}: {why}")
            never = True
        except FileExistsError:
            continue  # made meanwhile (another run, the user): the new lint sees it
        except OSError as failure:
            why = f"cannot create: {failure.strerror or failure}"
            errors.append(f"{shown}: {why}")
            never = False
        for file, _ in resolved:
            file.result.findings = _annotate_creation(file.result.findings, path, why, never)
            if file.outcome is not None:
                file.outcome.findings = _annotate_creation(file.outcome.findings, path, why, never)
    return created


def _topics_base(run: Run, path: str) -> tuple[str, str]:
    """The folder a created path is resolved in, and the path below it.

    The topics index walks a `topics/` folder that is a link within the topics root (and
    refuses one leading out): the same holds here. Below it, nothing is followed.
    """
    prefix = TOPICS_FOLDER + "/"
    root = os.path.realpath(run.configuration.topics_root)
    if not path.startswith(prefix):
        return root, path
    folder = os.path.realpath(os.path.join(root, TOPICS_FOLDER))
    if not is_within(folder, root):
        raise UnsafeToWrite(path, f"{TOPICS_FOLDER}/ is a link leading outside the topics root")
    return folder, path[len(prefix) :]


def _annotate_creation(findings: list[Finding], path: str, why: str, never: bool) -> list[Finding]:
    def creates(finding: Finding) -> bool:
        fix = finding.fix
        return fix is not None and any(new.path == path for new in fix.creates)

    def annotated(finding: Finding) -> Finding:
        message = f"{finding.message} ({why})"
        if never:
            return dataclasses.replace(finding, message=message, fix=None, edit_positions=())
        return dataclasses.replace(finding, message=message)

    return [annotated(finding) if creates(finding) else finding for finding in findings]


def _run_stdin(run: Run, fixer: Fixer, options: LintOptions) -> int:
    """Editors pipe a buffer in: the fixed text goes to stdout, the report to stderr."""
    name = options.stdin_filename or "-"
    data = sys.stdin.buffer.read()
    if run.stdin_skipped:  # not a seed: the editor gets its text back as it was
        if not options.diff:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return EXIT_OK
    result = run.linter.lint_path(name, data)
    run.linter.finish([result])
    findings = result.findings
    outcome: FixOutcome | str | None = None
    if any(f.code != "E001" for f in findings) and _wants_fix(fixer, findings):
        outcome = _fix_one(fixer, name, data)
    if isinstance(outcome, str):
        print(visible(f"seedlint: error: {name}: {outcome}"), file=sys.stderr)
        findings = _annotate(findings, fixer, outcome)
        outcome = None
    if options.diff:
        if outcome is not None and outcome.changed:
            sys.stdout.write(visible_on_tty(unified_diff(name, outcome.original, outcome.text)))
            return EXIT_FINDINGS
        return EXIT_OK
    sys.stdout.buffer.write(outcome.data if outcome is not None else data)
    sys.stdout.flush()
    fixed = 0
    if outcome is not None and outcome.changed:
        findings, fixed = outcome.findings, outcome.fixed_total
    _notes(run, options)
    shown = ReportOptions(quiet=options.quiet, unsafe_fixes=options.unsafe_fixes)
    summary = RunSummary.of(1, findings, fixed, rules=run.linter.selection.rules.values())
    write_report(options.format, findings, summary, sys.stderr, shown)
    return exit_code(findings, options)


def _notes(run: Run, options: LintOptions) -> None:
    if options.quiet:
        return
    for note in dict.fromkeys(run.context.notes):  # fix passes re-lint: say each once
        print(visible(f"seedlint: note: {note}"), file=sys.stderr)


def _list_fixes(
    outcomes: list[FixOutcome], run: Run, out: TextIO, created: dict[str, int] | None = None
) -> None:
    """ruff's `--show-fixes` listing: what was fixed, per file and code; then the files
    fixes created, with how many findings each resolved."""
    created = created or {}
    total = sum(outcome.fixed_total for outcome in outcomes) + sum(created.values())
    out.write(f"Fixed {total} finding{'s' if total != 1 else ''}:\n")
    rules = run.linter.selection.rules
    for outcome in outcomes:
        out.write(f"- {visible(outcome.path)}:\n")
        counts: Counter[str] = outcome.fixed
        for code, count in sorted(counts.items()):
            name = rules[code].name if code in rules else code
            out.write(f"    {count} \u00d7 {code} ({name})\n")
    for path, count in created.items():
        out.write(f"- {visible(path)}: created, {count} \u00d7 T001 (broken-topic-ref)\n")
    out.write("\n")
