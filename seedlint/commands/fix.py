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
import sys
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from seedlint import baseline, project
from seedlint.commands.check import Run, exit_code, lint, prepare, report, report_options
from seedlint.commands.options import LintOptions
from seedlint.document import UnreadableFile
from seedlint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from seedlint.findings import Finding
from seedlint.fixer import (
    Fixer,
    FixOutcome,
    Snapshot,
    sync_folders,
    unified_diff,
    write_atomic,
)
from seedlint.linter import FileResult
from seedlint.reporters import ReportOptions, RunSummary, write_report
from seedlint.terminal import visible, visible_on_tty


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
    if options.diff:
        return _show_diff(files, options)
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
    sync_folders(folders)
    findings = _final_findings(run, files, options)
    if options.baseline is not None:
        findings = baseline.apply(options.baseline, findings, options.quiet)
    _notes(run, options)
    crashes = [*(error for file in files for error in file.result.errors), *run.linter.errors]
    for message in [*errors, *dict.fromkeys(crashes)]:
        print(visible(f"seedlint: error: {message}"), file=sys.stderr)
    written = [file.outcome for file in files if _written(file)]
    fixed = sum(outcome.fixed_total for outcome in written if outcome is not None)
    if options.show_fixes and written and options.format in ("text", "concise"):
        _list_fixes([outcome for outcome in written if outcome is not None], run, sys.stdout)
    summary = RunSummary.of(len(files), findings, fixed, paths=[f.result.path for f in files])
    report(findings, summary, options, report_options(options))
    if crashes:
        return EXIT_ERROR
    code = exit_code(findings, options)
    return max(code, EXIT_FINDINGS) if errors else code


def _written(file: _File) -> bool:
    return file.outcome is not None and file.outcome.changed and file.outcome.error is None


def _final_findings(run: Run, files: list[_File], options: LintOptions) -> list[Finding]:
    """What is left: the first lint for untouched files, a new one for fixed files.

    Cross-file rules and unused suppressions of a fixed file are judged against every
    other file of the run. A fix that changed a seed's `link` can change another file's
    cross-file findings: then the whole run is linted again (the result cache makes
    that cheap for every file the fix did not touch).
    """
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


def _show_diff(files: list[_File], options: LintOptions) -> int:
    changed = [file.outcome for file in files if file.outcome is not None and file.outcome.changed]
    for outcome in changed:
        if outcome is not None:
            sys.stdout.write(
                visible_on_tty(unified_diff(outcome.path, outcome.original, outcome.text))
            )
    total = sum(outcome.fixed_total for outcome in changed if outcome is not None)
    if not options.quiet:
        files_word = "file" if len(changed) == 1 else "files"
        noun = "finding" if total == 1 else "findings"
        line = f"Would fix {total} {noun} in {len(changed)} {files_word}."
        print(line if changed else "No fixes to apply.", file=sys.stderr)
    return EXIT_FINDINGS if changed else EXIT_OK


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
    write_report(options.format, findings, RunSummary.of(1, findings, fixed), sys.stderr, shown)
    return exit_code(findings, options)


def _notes(run: Run, options: LintOptions) -> None:
    if options.quiet:
        return
    for note in dict.fromkeys(run.context.notes):  # fix passes re-lint: say each once
        print(visible(f"seedlint: note: {note}"), file=sys.stderr)


def _list_fixes(outcomes: list[FixOutcome], run: Run, out: TextIO) -> None:
    """ruff's `--show-fixes` listing: what was fixed, per file and code."""
    total = sum(outcome.fixed_total for outcome in outcomes)
    out.write(f"Fixed {total} finding{'s' if total != 1 else ''}:\n")
    rules = run.linter.selection.rules
    for outcome in outcomes:
        out.write(f"- {visible(outcome.path)}:\n")
        counts: Counter[str] = outcome.fixed
        for code, count in sorted(counts.items()):
            name = rules[code].name if code in rules else code
            out.write(f"    {count} \u00d7 {code} ({name})\n")
    out.write("\n")
