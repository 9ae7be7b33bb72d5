"""What the language server knows between messages: the client's options, its open
documents, the vault's workspace, and the scheduling of lints, index and watchers.

Threads: the event loop reads and answers messages; one *engine* thread does every call
into the workspace (lint, fix, look-ups), in order, so a slow text never blocks the
protocol and two calls never interleave; the vault index is built in a third thread
(its worker processes do the reading) and a polling watcher may run in a fourth.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from seedlint import api
from seedlint.findings import Finding, Severity, fixability
from seedlint.registry import PluginError
from seedlint.rule import Rule
from seedlint.server import rule_docs
from seedlint.server.positions import UTF8, UTF16, UTF32, OpenDocument
from seedlint.server.watch import PollingWatcher

FIX_ALL = "source.fixAll.seedlint"
SOURCE = "seedlint"
logger = logging.getLogger("seedlint.server")
_T = TypeVar("_T")

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
ENCODINGS: dict[str, str] = {
    types.PositionEncodingKind.Utf8: UTF8,
    types.PositionEncodingKind.Utf16: UTF16,
    types.PositionEncodingKind.Utf32: UTF32,
}
_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")
_QUOTED_KEY = re.compile(r"'([A-Za-z0-9_.\-\[\]]+)'")


@dataclass
class Options:
    """`initializationOptions` and the `seedlint` section of the client's settings."""

    network: bool = False  # L001, L002, L004 on open and save
    debounce_ms: float = 20.0  # settle time after a change before linting
    cache: bool = True  # the result cache in `.seedlint_cache/` for the index
    poll_interval: float = 2.0  # seconds; the polling watcher, when the client has none
    config_file: str | None = None

    def update(self, values: Any) -> None:
        if not isinstance(values, dict):
            return
        values = values.get("seedlint", values)
        if not isinstance(values, dict):
            return
        for name, kind, attribute in _OPTION_NAMES:
            value = values.get(name)
            if (isinstance(value, kind) and not isinstance(value, bool)) or (
                kind is bool and isinstance(value, bool)
            ):
                setattr(self, attribute, value)
            elif kind is float and isinstance(value, int) and not isinstance(value, bool):
                setattr(self, attribute, float(value))


_OPTION_NAMES: tuple[tuple[str, type, str], ...] = (
    ("network", bool, "network"),
    ("debounceMs", float, "debounce_ms"),
    ("cache", bool, "cache"),
    ("pollInterval", float, "poll_interval"),
    ("configFile", str, "config_file"),
)


@dataclass
class Linted:
    version: int
    findings: list[Finding]


@dataclass
class Session:
    """What the server knows between messages."""

    server: LanguageServer
    options: Options = field(default_factory=Options)
    root: Path = field(default_factory=Path.cwd)
    encoding: str = UTF16
    workspace: api.Workspace | None = None
    rules: dict[str, Rule] = field(default_factory=dict)
    doc_links: dict[str, str] = field(default_factory=dict)
    documents: dict[str, OpenDocument] = field(default_factory=dict)
    linted: dict[str, Linted] = field(default_factory=dict)
    timers: dict[str, asyncio.TimerHandle] = field(default_factory=dict)
    engine: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="seedlint-engine")
    )
    indexer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="seedlint-index")
    )
    watcher: PollingWatcher | None = None
    config_problem: str | None = None  # uri of the configuration file with a diagnostic
    said: set[str] = field(default_factory=set)
    network_due: set[str] = field(default_factory=set)  # open or saved: check the links
    progress_supported: bool = False
    scans: int = 0
    loop: asyncio.AbstractEventLoop | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def current(self) -> api.Workspace | None:
        """The workspace, once `initialized` has made it (requests may come first)."""
        if not self.ready.is_set():
            try:
                await asyncio.wait_for(self.ready.wait(), timeout=30)
            except TimeoutError:
                return None
        return self.workspace

    # -- logging ----------------------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        logger.log(logging.ERROR if kind == types.MessageType.Error else logging.INFO, message)
        with contextlib.suppress(Exception):  # the client went away: nothing to tell
            self.server.window_log_message(types.LogMessageParams(type=kind, message=message))

    def error(self, what: str, failure: BaseException) -> None:
        self.log(f"seedlint: {what}: {type(failure).__name__}: {failure}", types.MessageType.Error)

    async def run(self, work: Callable[[], _T], what: str, default: _T) -> _T:
        """``work()`` in the engine thread; its failure is logged and gives ``default``."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.engine, work)
        except Exception as failure:
            self.error(what, failure)
            return default

    # -- configuration and the vault ------------------------------------------------------

    async def pull_settings(self) -> None:
        """The `seedlint` section of the client's settings, where the client has them
        (`workspace/configuration`); they override `initializationOptions`."""
        capabilities = self.server.client_capabilities.workspace
        if capabilities is None or not capabilities.configuration:
            return
        item = types.ConfigurationItem(scope_uri=self.root.as_uri(), section="seedlint")
        try:
            values = await asyncio.wait_for(
                self.server.workspace_configuration_async(types.ConfigurationParams(items=[item])),
                timeout=5,
            )
        except Exception as failure:
            self.error("reading the client's settings", failure)
            return
        if values:
            self.options.update(values[0])

    def load_workspace(self) -> api.Workspace:
        """A workspace for the current configuration; a broken one is reported on its
        file and the last good one (else the defaults) stays in force."""
        try:
            where = self.options.config_file or self.root
            config = api.load_config(where)
        except api.ConfigError as failure:
            self.report_config(str(failure))
            if self.workspace is not None:
                return self.workspace
            config = api.default_config(self.root)
        else:
            self.report_config(None)
        try:
            rules = api.load_rules()
        except PluginError as failure:
            message = f"seedlint: {failure}; running the built-in rules only"
            self.log(message, types.MessageType.Error)
            rules = api.builtin_rules()
        self.rules = rules
        self.doc_links = rule_docs.write_pages(rules)
        return api.Workspace(config, network=self.options.network, rules=rules)

    def report_config(self, problem: str | None) -> None:
        if problem is None:
            if self.config_problem is not None:
                self.publish(self.config_problem, [])
                self.config_problem = None
            return
        self.log(f"seedlint: {problem}", types.MessageType.Error)
        path, line, column = _config_place(problem)
        uri = from_fs_path(str(path)) if path is not None else None
        if uri is None:
            return
        if self.config_problem not in (None, uri):
            self.publish(self.config_problem, [])
        position = types.Position(line, column)
        diagnostic = types.Diagnostic(
            range=types.Range(position, types.Position(line, column + 1)),
            message=problem.removeprefix(f"{path}: "),
            severity=types.DiagnosticSeverity.Error,
            source=SOURCE,
            code="config",
        )
        self.publish(uri, [diagnostic])
        self.config_problem = uri

    def publish(
        self, uri: str, diagnostics: list[types.Diagnostic], version: int | None = None
    ) -> None:
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    async def start_index(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        self.scans += 1
        token = f"seedlint-index-{self.scans}"
        loop = asyncio.get_running_loop()
        progress = self.server.work_done_progress
        shown = False
        if self.progress_supported:
            try:
                await progress.create_async(token)
                progress.begin(
                    token,
                    types.WorkDoneProgressBegin(
                        title="seedlint: indexing seeds", percentage=0, cancellable=False
                    ),
                )
                shown = True
            except Exception as failure:
                self.error("progress", failure)

        def report(done: int, total: int) -> None:
            if not shown:
                return
            percentage = 100 * done // total if total else 100
            message = f"{done}/{total} seeds"
            loop.call_soon_threadsafe(
                progress.report,
                token,
                types.WorkDoneProgressReport(message=message, percentage=percentage),
            )

        started = time.perf_counter()
        try:
            count = await loop.run_in_executor(
                self.indexer,
                functools.partial(
                    workspace.scan,
                    progress=report,
                    cancelled=lambda: self.workspace is not workspace,
                    cache=self.options.cache,
                ),
            )
        except Exception as failure:
            self.error("indexing the vault failed", failure)
            count = 0
        elapsed = time.perf_counter() - started
        if shown:
            progress.end(token, types.WorkDoneProgressEnd(message=f"{count} seeds"))
        if self.workspace is workspace:
            self.log(f"seedlint: indexed {count} seeds in {elapsed:.2f} s")
            self.relint_all()

    async def reload(self) -> None:
        old = self.workspace
        workspace = await self.run(self.load_workspace, "reloading the configuration", old)
        if workspace is None or workspace is old:
            return
        self.workspace = workspace
        self.linted.clear()
        self.restart_watcher()
        self.relint_all()
        await self.start_index()

    # -- linting ----------------------------------------------------------------------------

    def lintable(self, document: OpenDocument) -> bool:
        workspace = self.workspace
        return (
            document.path is not None and workspace is not None and workspace.is_seed(document.path)
        )

    def schedule(self, uri: str, delay: float, *, network: bool = False) -> None:
        """Lint ``uri`` after ``delay`` seconds (a newer call replaces an older one);
        ``network``: this is an open or a save, when the network rules may run."""
        loop = self.loop
        if loop is None:
            return
        pending = self.timers.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if network:  # kept until a lint runs, whatever lint replaces this one
            self.network_due.add(uri)

        def fire() -> None:
            self.timers.pop(uri, None)
            loop.create_task(self.lint(uri))

        self.timers[uri] = loop.call_later(max(delay, 0.0), fire)

    def relint_all(self, *, but: str | None = None) -> None:
        for uri in list(self.documents):
            if uri != but:
                self.schedule(uri, 0.0)

    async def lint(self, uri: str) -> None:
        workspace = await self.current()
        document = self.documents.get(uri)
        if document is None or workspace is None or document.path is None:
            return
        if not self.lintable(document):
            return
        version, text, path = document.version, document.content, document.path
        # Settings may arrive after the document did (`workspace/configuration`).
        network = uri in self.network_due and self.options.network
        self.network_due.discard(uri)

        def work() -> tuple[api.TextReport, bool] | None:
            if self.documents.get(uri) is not document or document.version != version:
                return None  # a newer text is on its way
            before = workspace.version
            report = workspace.check_text(text, path, network=network)
            return report, workspace.version != before

        outcome = await self.run(work, f"linting {uri} failed", None)
        if outcome is None or self.documents.get(uri) is not document:
            return
        report, vault_changed = outcome
        if document.version != version:
            return
        self.linted[uri] = Linted(version, report.findings)
        diagnostics = [self.diagnostic(document, finding) for finding in report.findings]
        self.publish(uri, diagnostics, version)
        for crash in report.crashes:  # once each: a broken rule breaks on every keystroke
            if crash not in self.said:
                self.said.add(crash)
                self.log(f"seedlint: {crash}", types.MessageType.Error)
        for note in report.notes:
            if note not in self.said:
                self.said.add(note)
                self.log(f"seedlint: note: {note}")
        if vault_changed:
            self.relint_all(but=uri)

    def diagnostic(self, document: OpenDocument, finding: Finding) -> types.Diagnostic:
        href = self.doc_links.get(finding.code)
        fixable = fixability(finding)
        return types.Diagnostic(
            range=document.range(
                finding.line, finding.column, finding.end_line, finding.end_column
            ),
            message=finding.message,
            severity=_SEVERITIES[finding.severity],
            code=finding.code,
            code_description=types.CodeDescription(href=href) if href else None,
            source=SOURCE,
            data={
                "rule": finding.rule,
                "fix": None if fixable == "none" else fixable,
            },
        )

    async def findings(self, uri: str) -> tuple[OpenDocument, list[Finding]] | None:
        """The open document and its findings for the text the client has now."""
        workspace = await self.current()
        document = self.documents.get(uri)
        if document is None or workspace is None or not self.lintable(document):
            return None
        linted = self.linted.get(uri)
        if linted is not None and linted.version == document.version:
            return document, linted.findings
        text, path = document.content, document.path
        assert path is not None
        report = await self.run(
            lambda: workspace.check_text(text, path, network=False), "linting failed", None
        )
        return (document, report.findings) if report is not None else None

    # -- file events --------------------------------------------------------------------------

    def files_changed(self, changes: list[tuple[str, types.FileChangeType]]) -> None:
        loop = self.loop
        if loop is not None:
            loop.call_soon_threadsafe(lambda: loop.create_task(self.on_files(changes)))

    async def on_files(self, changes: list[tuple[str, types.FileChangeType]]) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        if any(Path(path).name in api.CONFIG_FILES for path, _ in changes):
            await self.reload()
            return
        open_paths = {document.path for document in self.documents.values()}

        def work() -> bool:
            topics = seeds = False
            for path, kind in changes:
                if workspace.is_topic_note(path):
                    topics = True
                elif workspace.is_seed(path) and path not in open_paths:
                    if kind == types.FileChangeType.Deleted or not os.path.isfile(path):
                        seeds = workspace.file_removed(path) or seeds
                    else:
                        seeds = workspace.file_changed(path) or seeds
            if topics:
                workspace.topics_changed()
            return topics or seeds

        if await self.run(work, "reading changed files failed", False):
            self.relint_all()

    def restart_watcher(self) -> None:
        if self.watcher is None:
            return
        self.watcher.stop()
        self.watcher = PollingWatcher(self.root, self.options.poll_interval, self.files_changed)
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        for timer in self.timers.values():
            timer.cancel()
        self.engine.shutdown(wait=False, cancel_futures=True)
        self.indexer.shutdown(wait=False, cancel_futures=True)


def _config_place(problem: str) -> tuple[Path | None, int, int]:
    """The configuration file a ConfigError names, and the 0-based line and column it
    points at: TOML syntax errors say where; a bad key is looked for in the file."""
    head, separator, rest = problem.partition(": ")
    path = Path(head) if separator else None
    if path is None or not path.is_file():
        return None, 0, 0
    place = _TOML_PLACE.search(rest)
    if place is not None:
        return path, int(place[1]) - 1, int(place[2]) - 1
    key = _QUOTED_KEY.search(rest)
    if key is not None:
        name = key[1].split(".")[0].split("[")[0]  # the top-level key or table
        try:
            lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        except OSError:
            lines = []
        for number, line in enumerate(lines):
            stripped = line.strip().lstrip("[").strip()
            if stripped.startswith((name, f'"{name}"')) and ("=" in stripped or "]" in stripped):
                return path, number, line.index(stripped[0])
    return path, 0, 0
