"""The vault changing under a running server: topic notes and seeds on disk (watched-file
notifications, or the polling watcher), configuration edits, broken configuration,
a crashing plugin rule, and input that must not take the server down."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.helpers import write
from tests.server.conftest import (
    SERVER,
    Opened,
    accept_registrations,
    codes,
    make_vault,
    seed,
    server_env,
    start,
    track_versions,
    wait_diagnostics,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")


def notify(client: LanguageClient, *changes: tuple[Path, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=kind) for path, kind in changes]
        )
    )


async def test_a_topic_note_created_on_disk_turns_t001_off(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path)
    await start(client, vault)
    text = seed("![](topics/Concept/Fresh%20idea)\n")
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    await doc.diagnostics(lambda found: codes(found) == ["T001"])
    registrations = client._seedlint_registrations  # type: ignore[attr-defined]
    assert [r.method for r in registrations] == ["workspace/didChangeWatchedFiles"]
    note = write(vault / "topics" / "Concept" / "Fresh idea.md", "---\ntype: Concept\n---\n")
    notify(client, (note, types.FileChangeType.Created))
    assert await doc.diagnostics(lambda found: not found) == []
    note.unlink()
    notify(client, (note, types.FileChangeType.Deleted))
    assert codes(await doc.diagnostics(lambda found: bool(found))) == ["T001"]


async def test_a_seed_added_on_disk_makes_a_duplicate(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path)
    await start(client, vault)
    text = seed()
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    assert await doc.diagnostics() == []
    twin = write(vault / "contents" / "twin.md", seed())
    notify(client, (twin, types.FileChangeType.Created))
    found = await doc.diagnostics(lambda found: "C001" in codes(found))
    assert str(twin) in next(d for d in found if d.code == "C001").message
    twin.unlink()
    notify(client, (twin, types.FileChangeType.Deleted))
    assert await doc.diagnostics(lambda found: not found) == []


async def test_without_watcher_support_the_server_polls(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path)
    await start(client, vault, watch=False, options={"pollInterval": 0.2})
    text = seed("![](topics/Concept/Polled)\n")
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    await doc.diagnostics(lambda found: codes(found) == ["T001"])
    assert client._seedlint_registrations == []  # type: ignore[attr-defined]
    write(vault / "topics" / "Concept" / "Polled.md", "---\ntype: Concept\n---\n")
    assert await doc.diagnostics(lambda found: not found) == []


async def test_configuration_edits_reload_and_a_broken_one_is_reported(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path)
    config = vault / "seedlint.toml"
    await start(client, vault)
    text = seed(summary="Prose.  ")
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    await doc.diagnostics(lambda found: codes(found) == ["W001"])
    write(config, 'topics-root = "."\nignore = ["W001"]\n')
    notify(client, (config, types.FileChangeType.Changed))
    assert await doc.diagnostics(lambda found: not found) == []
    # Broken: one diagnostic on the configuration file, the last good settings stay.
    write(config, 'topics-root = "."\nignore = ["W001"]\nselect = [\n')
    notify(client, (config, types.FileChangeType.Changed))
    problems = await wait_diagnostics(client, config.as_uri(), lambda found: bool(found))
    assert len(problems) == 1
    assert problems[0].code == "config" and "invalid TOML" in problems[0].message
    write(config, 'topics-root = "."\nignore = ["W001"]\nseverity = { W = "loud" }\n')
    notify(client, (config, types.FileChangeType.Changed))
    problems = await wait_diagnostics(
        client, config.as_uri(), lambda found: bool(found) and "severity" in found[0].message
    )
    assert problems[0].range.start.line == 2
    doc.replace(seed(summary="Other prose.  "))
    assert await doc.diagnostics() == []  # still linting, with the last good settings
    write(config, 'topics-root = "."\n')
    notify(client, (config, types.FileChangeType.Changed))
    assert await wait_diagnostics(client, config.as_uri(), lambda found: not found) == []
    assert codes(await doc.diagnostics(lambda found: bool(found))) == ["W001"]


async def test_binary_huge_and_malformed_input_leave_the_server_running(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path)
    await start(client, vault)
    binary = Opened(client, vault / "contents" / "blob.md", "---\x00\x01\x02 binary")
    found = await binary.diagnostics(lambda found: bool(found))
    assert codes(found) == ["E001"] and "binary" in found[0].message
    huge = Opened(client, vault / "contents" / "huge.md", seed() + "x" * 10_500_000)
    found = await huge.diagnostics(lambda found: bool(found), timeout=60)
    assert codes(found) == ["E001"] and "too large" in found[0].message
    # Requests whose parameters are not what the method takes, and a body that is not
    # JSON at all, written to the server's input as they are: answered or dropped, no exit.
    for body in (
        b'{"jsonrpc":"2.0","id":"bad-1","method":"textDocument/hover","params":{"x":true}}',
        b'{"jsonrpc":"2.0","id":"bad-2","method":"textDocument/completion",'
        b'"params":{"textDocument":{"uri":5},"position":"here"}}',
        b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":[1,2]}',
        b"{this is not json",
    ):
        written = client.protocol.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        if asyncio.iscoroutine(written):
            await written
    # A position far outside the text, and a document never opened: empty answers.
    text = seed()
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    assert await doc.diagnostics() == []
    far = types.Position(line=10_000, character=10_000)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=doc.uri), position=far)
    )
    assert hover is None
    unknown = types.TextDocumentIdentifier(uri=(vault / "nowhere.md").as_uri())
    assert (
        await client.text_document_completion_async(
            types.CompletionParams(text_document=unknown, position=far)
        )
        is None
    )
    doc.replace(text.replace("Prose.", "Prose.  "))
    assert codes(await doc.diagnostics(lambda found: bool(found))) == ["W001"]


CRASHING_PLUGIN = '''
from seedlint.findings import Problem, Severity
from seedlint.rule import rule


@rule("Z901", "always-crashes", "Crashes on every seed.", Severity.WARNING)
def always_crashes(doc, context):
    """Raises, to show that a broken rule costs only its own findings."""
    raise RuntimeError("plugin bug")
    yield  # pragma: no cover


RULES = [always_crashes]
'''


def plugin_site(root: Path) -> Path:
    site = root / "site"
    site.mkdir(parents=True)
    (site / "crashing_rules.py").write_text(textwrap.dedent(CRASHING_PLUGIN), encoding="utf-8")
    info = site / "seedlint_crashing-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: seedlint-crashing\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[seedlint.rules]\ncrashing = crashing_rules:RULES\n", encoding="utf-8"
    )
    return site


_SITE_ROOT = tempfile.mkdtemp(prefix="seedlint-plugin-")
atexit.register(shutil.rmtree, _SITE_ROOT, True)
SITE = plugin_site(Path(_SITE_ROOT))
_PATH = os.pathsep.join([str(SITE), os.environ.get("PYTHONPATH", "")])


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER, server_env=server_env(PYTHONPATH=_PATH))
)
async def plugin_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    track_versions(lsp_client)
    accept_registrations(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def test_a_crashing_plugin_rule_is_logged_and_the_rest_reported(
    plugin_client: LanguageClient, tmp_path: Path
) -> None:
    client = plugin_client
    vault = make_vault(tmp_path)
    await start(client, vault)
    text = seed(summary="Prose.  ")
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    assert codes(await doc.diagnostics(lambda found: bool(found))) == ["W001"]
    for _ in range(100):
        errors = [m.message for m in client.log_messages if m.type == types.MessageType.Error]
        if errors:
            break
        await asyncio.sleep(0.05)
    assert any("rule Z901 (always-crashes) crashed" in message for message in errors), errors
    assert any("RuntimeError: plugin bug" in message for message in errors)
    doc.replace(seed())
    assert await doc.diagnostics(lambda found: not found) == []
