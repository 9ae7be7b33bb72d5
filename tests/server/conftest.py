"""A real LSP client (pytest-lsp) driving `python -m seedlint server` over stdio, on
real vaults in temporary folders."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.helpers import FRONT, LINK, write

SERVER = [sys.executable, "-m", "seedlint", "server"]
#: The rule pages the server writes go here, not into the user's cache.
CACHE = tempfile.mkdtemp(prefix="seedlint-server-tests-")
atexit.register(shutil.rmtree, CACHE, True)


def server_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": CACHE, "SEEDLINT_OFFLINE": "", **extra}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=server_env()))
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    track_versions(lsp_client)
    accept_registrations(lsp_client)
    yield
    await lsp_client.shutdown_session()


def shared_server():  # type: ignore[no-untyped-def]
    """A module's one server, initialized on one vault that its tests share (each test
    uses its own seed names and links): starting a server is most of a test's time."""

    @pytest_lsp.fixture(
        scope="module", config=ClientServerConfig(server_command=SERVER, server_env=server_env())
    )
    async def client(lsp_client: LanguageClient, tmp_path_factory):  # type: ignore[no-untyped-def]
        track_versions(lsp_client)
        accept_registrations(lsp_client)
        vault = make_vault(tmp_path_factory.mktemp("vault"))
        await start(lsp_client, vault)
        lsp_client._seedlint_vault = vault  # type: ignore[attr-defined]
        yield
        await lsp_client.shutdown_session()

    return client


def vault_of(client: LanguageClient) -> Path:
    return client._seedlint_vault  # type: ignore[attr-defined,no-any-return]


def accept_registrations(client: LanguageClient) -> None:
    """Answer `client/registerCapability` as an editor does; the registrations are kept."""
    registrations: list[types.Registration] = []
    client._seedlint_registrations = registrations  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)


def track_versions(client: LanguageClient) -> None:
    """Remember the text version each publication was made for (pytest-lsp keeps only
    the diagnostics)."""
    features = client.protocol.fm.features
    original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    versions: dict[str, int] = {}
    client._seedlint_versions = versions  # type: ignore[attr-defined]

    def publish(params: types.PublishDiagnosticsParams) -> Any:
        if params.version is not None:
            versions[params.uri] = params.version
        return original(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish


TOPICS = ("Concept/Pre training", "Concept/Instruction Tuning", "Library/Pandas")


def seed(
    body_topics: str = "![](topics/Concept/Pre%20training)\n",
    *,
    link: str = LINK,
    summary: str = "Prose.",
) -> str:
    front = FRONT.replace(f"link: {LINK}\n", f"link: {link}\n")
    return f"{front}\n{link}\n## Summary\n\n{summary}\n\n## Topics\n\n{body_topics}"


def make_vault(root: Path, config: str = 'topics-root = "."\n') -> Path:
    write(root / "seedlint.toml", config)
    for key in TOPICS:
        category = key.split("/")[0]
        write(root / "topics" / f"{key}.md", f"---\ntype: {category}\n---\n# {key}\n\nAbout it.\n")
    return root


def capabilities(
    *,
    encodings: Sequence[str] | None = None,
    watch: bool = True,
    progress: bool = True,
    settings: bool = False,
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=list(encodings) if encodings is not None else None
        ),
        window=types.WindowClientCapabilities(work_done_progress=progress),
        workspace=types.WorkspaceClientCapabilities(
            configuration=settings,
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=watch
            ),
            workspace_edit=types.WorkspaceEditClientCapabilities(
                document_changes=True, resource_operations=[types.ResourceOperationKind.Create]
            ),
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[types.CodeActionKind.QuickFix, "source.fixAll"]
                    )
                )
            ),
        ),
    )


async def start(
    client: LanguageClient,
    vault: Path,
    *,
    encodings: Sequence[str] | None = None,
    watch: bool = True,
    options: dict[str, Any] | None = None,
    settings: bool = False,
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=encodings, watch=watch, settings=settings),
            root_uri=vault.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
            initialization_options={"debounceMs": 5, **(options or {})},
        )
    )


class Opened:
    """A document the test client has open, with its text kept as the client's."""

    def __init__(self, client: LanguageClient, path: Path, text: str) -> None:
        self.client = client
        self.uri = path.as_uri()
        self.text = text
        self.version = 1
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri, language_id="markdown", version=self.version, text=text
                )
            )
        )

    def replace(self, text: str) -> None:
        self.version += 1
        self.text = text
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def edit(self, edits: Sequence[types.TextEdit]) -> None:
        """Apply edits as an editor would, and tell the server (incrementally)."""
        self.version += 1
        changes = []
        for edit in sorted(
            edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
        ):
            self.text = apply_edit(self.text, edit)
            changes.append(
                types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
            )
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=changes,
            )
        )

    async def diagnostics(
        self,
        until: Callable[[list[types.Diagnostic]], bool] = lambda found: True,
        timeout: float = 20.0,
    ) -> list[types.Diagnostic]:
        return await wait_diagnostics(self.client, self.uri, until, self.version, timeout)


async def wait_diagnostics(
    client: LanguageClient,
    uri: str,
    until: Callable[[list[types.Diagnostic]], bool] = lambda found: True,
    version: int | None = None,
    timeout: float = 20.0,
) -> list[types.Diagnostic]:
    """The diagnostics published for ``uri`` once they satisfy ``until`` (and were made
    for ``version`` of the text, when given)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = list(client.diagnostics.get(uri, []))
        versions = getattr(client, "_seedlint_versions", {})
        published = uri in client.diagnostics
        fresh = version is None or versions.get(uri, -1) >= version
        if published and fresh and until(found):
            return found
        if loop.time() > deadline:
            raise AssertionError(f"no such diagnostics for {uri}: {found}")
        await asyncio.sleep(0.02)


def codes(found: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(diagnostic.code) for diagnostic in found)


def utf16_offset(line_text: str, character: int) -> int:
    """The character index of a UTF-16 column, worked out independently of the server."""
    units = 0
    for index, char in enumerate(line_text):
        if units >= character:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line_text)


def apply_edit(text: str, edit: types.TextEdit) -> str:
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        if position.line >= len(lines):
            return len(text)
        return before + utf16_offset(lines[position.line], position.character)

    start, end = offset(edit.range.start), offset(edit.range.end)
    return text[:start] + edit.new_text + text[end:]


def apply_action(text: str, uri: str, action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])
