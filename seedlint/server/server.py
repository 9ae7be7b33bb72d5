"""`seedlint server`: the language server (pygls 2, lsprotocol), over standard input/output.

Everything it knows about seeds comes from :mod:`seedlint.api` (a :class:`Workspace`
per vault); the :class:`~seedlint.server.session.Session` holds the state between
messages, and this module is the protocol: the handlers, positions in the client's
encoding, and findings turned into diagnostics, code actions and topic help.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from seedlint import __version__, api
from seedlint.findings import NewFile, fixability
from seedlint.server import completion
from seedlint.server.positions import UTF16, OpenDocument
from seedlint.server.session import (
    ENCODINGS,
    FIX_ALL,
    Session,
    logger,
)
from seedlint.server.watch import PollingWatcher

_NOTE_LINES = 12


class _Protocol(LanguageServerProtocol):
    """pygls' protocol without its own copy of every open text: the server keeps the
    texts (lines split as the LSP splits them), so a 10 MB buffer is held once."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _kind_wanted(kind: str, only: list[str] | None) -> bool:
    if not only:
        return True
    return any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def guarded(
    session: Session, default: Any
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Any]]:
    """A handler that never fails: an exception is logged and ``default`` answered."""

    def wrap(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
        @functools.wraps(handler)
        async def run(params: Any) -> Any:
            try:
                return await handler(params)
            except Exception as failure:
                logger.debug("handler %s failed", handler.__name__, exc_info=True)
                session.error(f"{handler.__name__} failed", failure)
                return default

        return run

    return wrap


def build() -> tuple[LanguageServer, Session]:
    """The server, its handlers registered, and the session they share."""
    server = LanguageServer(
        "seedlint",
        __version__,
        text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        protocol_cls=_Protocol,
    )
    session = Session(server)
    guard = functools.partial(guarded, session)

    @server.feature(types.INITIALIZE)
    @guard(None)
    async def initialize(params: types.InitializeParams) -> None:
        session.loop = asyncio.get_running_loop()
        session.options.update(params.initialization_options)
        encoding = server.workspace.position_encoding
        session.encoding = UTF16 if encoding is None else ENCODINGS.get(encoding, UTF16)
        folders = params.workspace_folders or []
        root = folders[0].uri if folders else params.root_uri
        path = to_fs_path(root) if root else params.root_path
        session.root = Path(path).resolve() if path else Path.cwd()
        window = params.capabilities.window
        session.progress_supported = bool(window and window.work_done_progress)

    @server.feature(types.INITIALIZED)
    @guard(None)
    async def initialized(params: types.InitializedParams) -> None:
        await session.pull_settings()
        session.workspace = await session.run(session.load_workspace, "loading the vault", None)
        session.ready.set()
        watched = server.client_capabilities.workspace
        dynamic = (
            watched is not None
            and watched.did_change_watched_files is not None
            and bool(watched.did_change_watched_files.dynamic_registration)
        )
        if dynamic:
            globs = ["**/*.md", "**/*.txt", *(f"**/{name}" for name in api.CONFIG_FILES)]
            registration = types.Registration(
                id="seedlint-watched-files",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in globs]
                ),
            )
            try:
                await server.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                )
            except Exception as failure:
                session.error("registering file watchers", failure)
                dynamic = False
        if not dynamic and session.options.poll_interval > 0:
            session.watcher = PollingWatcher(
                session.root, session.options.poll_interval, session.files_changed
            )
            session.watcher.start()
        session.relint_all()
        await session.start_index()

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        session.stop()

    # -- text synchronisation -----------------------------------------------------------------

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guard(None)
    async def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        document = OpenDocument(
            item.uri, to_fs_path(item.uri), item.text, item.version, session.encoding
        )
        session.documents[item.uri] = document
        session.schedule(item.uri, 0.0, network=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guard(None)
    async def did_change(params: types.DidChangeTextDocumentParams) -> None:
        document = session.documents.get(params.text_document.uri)
        if document is None:
            return
        for change in params.content_changes:
            document.apply(change)
        document.version = params.text_document.version
        session.schedule(document.uri, session.options.debounce_ms / 1000)

    @server.feature(
        types.TEXT_DOCUMENT_DID_SAVE, types.TextDocumentSaveRegistrationOptions(include_text=False)
    )
    @guard(None)
    async def did_save(params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = to_fs_path(uri)
        if path is not None and Path(path).name in api.CONFIG_FILES:
            await session.reload()
            return
        if uri in session.documents:
            session.schedule(uri, 0.0, network=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guard(None)
    async def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = session.documents.pop(uri, None)
        session.linted.pop(uri, None)
        timer = session.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        workspace = session.workspace
        if document is None or document.path is None or workspace is None:
            return
        path = document.path
        if session.lintable(document):
            session.publish(uri, [])

        def work() -> bool:
            return workspace.close(path)

        if await session.run(work, "closing", False):
            session.relint_all()

    # -- code actions -------------------------------------------------------------------------

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False
        ),
    )
    @guard([])
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        workspace = await session.current()
        found = await session.findings(params.text_document.uri)
        if found is None or workspace is None:
            return []
        document, findings = found
        only = list(params.context.only) if params.context.only else None
        text, path, uri = document.content, document.path, document.uri
        assert path is not None
        actions: list[types.CodeAction] = []
        quick = _kind_wanted(types.CodeActionKind.QuickFix, only)
        for finding in findings if quick else []:
            diagnostic = session.diagnostic(document, finding)
            if not _overlaps(diagnostic.range, params.range):
                continue
            fix = finding.fix
            if fix is not None and fix.edits:
                no_edits: list[api.Edit] = []
                edits = await session.run(
                    functools.partial(workspace.fix_edits, finding, text), "fix", no_edits
                )
                label = f"{fix.message} ({finding.code})"
                if fix.applicability == "unsafe":
                    label = f"{fix.message} ({finding.code}, unsafe fix)"
                actions.append(
                    types.CodeAction(
                        title=label,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=fix.applicability == "safe",
                        edit=_workspace_edit(uri, document, edits),
                    )
                )
            elif fix is not None and fix.creates and _can_create_files(server):
                actions.append(
                    types.CodeAction(
                        title=f"{fix.message} ({finding.code}, {fix.applicability} fix)",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=False,
                        edit=_creation_edit(workspace.config.topics_root, fix.creates),
                    )
                )
            silence: api.Edit | None = await session.run(
                functools.partial(
                    workspace.suppression_edit, text, path, finding.code, finding.line
                ),
                "suppression",
                None,
            )
            if silence is not None:
                scope = "file" if silence.content.startswith("# seedlint") else "line"
                actions.append(
                    types.CodeAction(
                        title=f"Disable {finding.code} for this {scope}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=_workspace_edit(uri, document, [silence]),
                    )
                )
        if _kind_wanted(FIX_ALL, only) and any(
            fixability(finding) == "safe" for finding in findings
        ):
            result = await session.run(lambda: workspace.fix_text(text, path), "fix all", None)
            if result is not None and result.text != text:
                actions.append(
                    types.CodeAction(
                        title="Fix all safe seedlint findings",
                        kind=FIX_ALL,
                        edit=types.WorkspaceEdit(
                            changes={uri: [_replacement(document, result.text)]}
                        ),
                    )
                )
        return actions

    # -- topics: completion, definition, hover, links -----------------------------------------

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["/"])
    )
    @guard(None)
    async def complete(params: types.CompletionParams) -> types.CompletionList | None:
        workspace = await session.current()
        document = session.documents.get(params.text_document.uri)
        if document is None or workspace is None:
            return None
        line, column = document.seedlint_position(params.position)
        text = document.line_text(line - 1)
        if line == 1 and document.has_bom:
            text = text[1:]
        typed = completion.typed_at(text[: column - 1])
        if typed is None:
            return None
        notes = await session.run(workspace.topic_notes, "topic notes", None)
        if notes is None:
            return None
        replace = document.range(line, typed.start + 1, line, column)
        found = completion.items(typed, notes.notes, replace, text[column - 1 :])
        return types.CompletionList(is_incomplete=True, items=found)

    async def reference_at(
        uri: str, position: types.Position
    ) -> tuple[OpenDocument, api.TopicReference] | None:
        workspace = await session.current()
        document = session.documents.get(uri)
        if document is None or workspace is None or document.path is None:
            return None
        line, column = document.seedlint_position(position)
        text, path = document.content, document.path
        none: list[api.TopicReference] = []
        references = await session.run(
            functools.partial(workspace.references, text, path), "refs", none
        )
        for reference in references:
            if (
                (reference.line, reference.column)
                <= (line, column)
                <= (
                    reference.end_line,
                    reference.end_column,
                )
            ):
                return document, reference
        return None

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guard(None)
    async def definition(params: types.DefinitionParams) -> types.Location | None:
        found = await reference_at(params.text_document.uri, params.position)
        if found is None or found[1].note is None:
            return None
        start = types.Position(0, 0)
        return types.Location(uri=found[1].note.as_uri(), range=types.Range(start, start))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guard(None)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        parts: list[str] = []
        hovered: types.Range | None = None
        found = await session.findings(uri)
        if found is not None:
            document, findings = found
            for finding in findings:
                diagnostic = session.diagnostic(document, finding)
                point = types.Range(params.position, params.position)
                if not _overlaps(diagnostic.range, point):
                    continue
                hovered = hovered or diagnostic.range
                rule = session.rules.get(finding.code)
                parts.append(
                    f"**{finding.code}** ({finding.rule}, {finding.severity.value}): "
                    f"{finding.message}"
                )
                if rule is not None:
                    parts.append(rule.explanation)
        reference = await reference_at(uri, params.position)
        if reference is not None:
            document, ref = reference
            hovered = hovered or document.range(ref.line, ref.column, ref.end_line, ref.end_column)
            parts.append(_note_preview(ref))
        if not parts:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
            ),
            range=hovered,
        )

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    @guard([])
    async def document_links(params: types.DocumentLinkParams) -> list[types.DocumentLink]:
        workspace = await session.current()
        document = session.documents.get(params.text_document.uri)
        if document is None or workspace is None or document.path is None:
            return []
        text, path = document.content, document.path

        def work() -> tuple[list[api.LinkSpan], list[api.TopicReference]]:
            return workspace.links(text, path), workspace.references(text, path)

        nothing: tuple[list[api.LinkSpan], list[api.TopicReference]] = ([], [])
        urls, references = await session.run(work, "document links", nothing)
        text_capabilities = server.client_capabilities.text_document
        link_capabilities = text_capabilities.document_link if text_capabilities else None
        tooltips = bool(link_capabilities and link_capabilities.tooltip_support)
        links = [
            types.DocumentLink(
                range=document.range(link.line, link.column, link.end_line, link.end_column),
                target=link.url,
            )
            for link in urls
        ]
        links.extend(
            types.DocumentLink(
                range=document.range(ref.line, ref.column, ref.end_line, ref.end_column),
                target=ref.note.as_uri(),
                tooltip=f"topics/{ref.key}.md" if tooltips else None,
            )
            for ref in references
            if ref.note is not None
        )
        return links

    # -- the vault changes ----------------------------------------------------------------------

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guard(None)
    async def watched(params: types.DidChangeWatchedFilesParams) -> None:
        changes = []
        for change in params.changes:
            path = to_fs_path(change.uri)
            if path is not None:
                changes.append((os.path.normpath(path), change.type))
        await session.on_files(changes)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guard(None)
    async def configuration(params: types.DidChangeConfigurationParams) -> None:
        before = (session.options.network, session.options.config_file)
        if params.settings:
            session.options.update(params.settings)
        else:  # the pull model: the notification only says "ask me again"
            await session.pull_settings()
        if (session.options.network, session.options.config_file) != before:
            await session.reload()

    return server, session


def _can_create_files(server: LanguageServer) -> bool:
    """The client applies `CreateFile` operations in a workspace edit (LSP 3.13)."""
    workspace = server.client_capabilities.workspace
    edit = workspace.workspace_edit if workspace is not None else None
    if edit is None or not edit.document_changes:
        return False
    return types.ResourceOperationKind.Create in (edit.resource_operations or ())


def _creation_edit(topics_root: Path, creates: Sequence[NewFile]) -> types.WorkspaceEdit:
    """Create each file and write its text, as one edit; never over an existing file
    (neither ``overwrite`` nor ``ignoreIfExists``: the client refuses the edit)."""
    start = types.Position(line=0, character=0)
    changes: list[types.CreateFile | types.TextDocumentEdit] = []
    for new in creates:
        uri = Path(os.path.abspath(topics_root), *new.path.split("/")).as_uri()
        changes.append(
            types.CreateFile(
                uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)
            )
        )
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[types.TextEdit(types.Range(start, start), new.content)],
            )
        )
    return types.WorkspaceEdit(document_changes=changes)


def _workspace_edit(uri: str, document: OpenDocument, edits: list[api.Edit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        changes={
            uri: [
                types.TextEdit(
                    document.range(edit.line, edit.column, edit.end_line, edit.end_column),
                    edit.content,
                )
                for edit in edits
            ]
        }
    )


def _replacement(document: OpenDocument, new: str) -> types.TextEdit:
    """One edit turning the document's text into ``new`` (BOM kept): the changed middle
    only, so that the editor keeps the cursor and the folds outside it."""
    old = document.content
    shift = 1 if document.has_bom else 0
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = document.position_at(prefix + shift)
    end = document.position_at(len(old) - suffix + shift)
    return types.TextEdit(types.Range(start, end), new[prefix : len(new) - suffix])


def _note_preview(reference: api.TopicReference) -> str:
    title = f"**topics/{reference.key}.md**"
    if reference.note is None:
        return f"{title}: no such topic note"
    try:
        with reference.note.open(encoding="utf-8", errors="replace") as handle:
            lines = [handle.readline() for _ in range(_NOTE_LINES)]
    except OSError as failure:
        return f"{title}: cannot read ({failure.strerror or failure})"
    text = "".join(lines).rstrip()
    fence = _fence(text)
    return f"{title}\n\n{fence}markdown\n{text}\n{fence}"


def main() -> int:
    """Serve over standard input and output until the client says exit."""
    # Worker processes for the index: forking a process that runs threads can deadlock
    # the child, so they start fresh (the CLI, single-threaded, keeps forking).
    os.environ.setdefault("SEEDLINT_START_METHOD", "spawn")
    # One line a problem on stderr (the editor's log); tracebacks with SEEDLINT_DEBUG=1.
    level = logging.DEBUG if os.environ.get("SEEDLINT_DEBUG") else logging.WARNING
    logging.basicConfig(level=level, format="seedlint server: %(message)s")
    server, session = build()
    try:
        server.start_io()
    finally:
        session.stop()
    return 0
