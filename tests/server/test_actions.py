"""Code actions over a real session: each fix applied and the text asserted, the unsafe
label, "Disable CODE for this line", and fix-all."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.helpers import FRONT, LINK, write
from tests.server.conftest import (
    Opened,
    apply_action,
    codes,
    seed,
    shared_server,
    vault_of,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
client = shared_server()


async def actions(
    client: LanguageClient, doc: Opened, diagnostic: types.Diagnostic, only: list[str] | None = None
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=only),
        )
    )
    return [action for action in found or [] if isinstance(action, types.CodeAction)]


async def test_safe_quick_fix_applied(client: LanguageClient, tmp_path: Path) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed(summary="Prose 😀 here.   ", link=link)
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    found = await doc.diagnostics(lambda found: "W001" in codes(found))
    trailing = next(d for d in found if d.code == "W001")
    offered = await actions(client, doc, trailing)
    fix = next(a for a in offered if "W001" in a.title and not a.title.startswith("Disable"))
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert "unsafe" not in fix.title
    doc.edit(apply_action(doc.text, doc.uri, fix))
    assert doc.text == seed(summary="Prose 😀 here.", link=link)
    assert await doc.diagnostics(lambda found: not found) == []


async def test_unsafe_fix_is_labelled_and_applied(client: LanguageClient, tmp_path: Path) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed("![](topics/Library/Pre%20training)\n", link=link)
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    found = await doc.diagnostics(lambda found: "T001" in codes(found))
    broken = next(d for d in found if d.code == "T001")
    offered = await actions(client, doc, broken)
    fix = next(a for a in offered if a.title.startswith("point to"))
    assert fix.title == "point to 'topics/Concept/Pre training' (T001, unsafe fix)"
    assert not fix.is_preferred
    doc.edit(apply_action(doc.text, doc.uri, fix))
    assert doc.text == seed("![](topics/Concept/Pre%20training)\n", link=link)
    assert await doc.diagnostics(lambda found: not found) == []


async def test_creating_the_missing_topic_note_is_offered(
    client: LanguageClient, tmp_path: Path
) -> None:
    """T001's create-note fix is a workspace edit creating the note (never over a file)
    and writing what the generator writes; the seed itself is not touched."""
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed("![](topics/Concept/Quantum%20Widgets)\n", link=link)
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    found = await doc.diagnostics(lambda found: "T001" in codes(found))
    broken = next(d for d in found if d.code == "T001")
    offered = await actions(client, doc, broken)
    create = next(a for a in offered if a.title.startswith("create"))
    assert create.title == (
        "create the topic note 'topics/Concept/Quantum Widgets.md' (T001, unsafe fix)"
    )
    assert not create.is_preferred
    assert create.edit is not None and create.edit.changes is None
    made, written = create.edit.document_changes or []
    note = vault / "topics" / "Concept" / "Quantum Widgets.md"
    assert isinstance(made, types.CreateFile) and made.uri == note.as_uri()
    assert made.options == types.CreateFileOptions(overwrite=False, ignore_if_exists=False)
    assert isinstance(written, types.TextDocumentEdit)
    assert written.text_document.uri == note.as_uri()
    [insert] = written.edits
    assert isinstance(insert, types.TextEdit)
    assert insert.new_text == "---\ntype: Concept\n---"
    assert (insert.range.start, insert.range.end) == (types.Position(0, 0), types.Position(0, 0))
    assert not note.exists()  # the editor creates it, not the server


async def test_disable_for_this_line(client: LanguageClient, tmp_path: Path) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed("![](topics/Concept/Nowhere)\n", link=link)
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    found = await doc.diagnostics(lambda found: "T001" in codes(found))
    broken = next(d for d in found if d.code == "T001")
    offered = await actions(client, doc, broken)
    disable = next(a for a in offered if a.title == "Disable T001 for this line")
    doc.edit(apply_action(doc.text, doc.uri, disable))
    assert doc.text == seed(
        "![](topics/Concept/Nowhere) <!-- seedlint-disable-line T001 -->\n", link=link
    )
    assert await doc.diagnostics(lambda found: not found) == []


async def test_disable_in_the_front_matter_is_for_the_file(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed(link=link).replace(
        "upload_date: '2024-02-22'\n", "upload_date: '2024-02-22'\nzone: blue\n"
    )
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    found = await doc.diagnostics(lambda found: "F102" in codes(found))
    unknown = next(d for d in found if d.code == "F102")
    offered = await actions(client, doc, unknown)
    disable = next(a for a in offered if a.title.startswith("Disable F102"))
    assert disable.title == "Disable F102 for this file"
    doc.edit(apply_action(doc.text, doc.uri, disable))
    assert doc.text.startswith("---\n# seedlint: ignore[F102]\nalready_read: false\n")
    assert await doc.diagnostics(lambda found: not found) == []


async def test_fix_all_applies_the_safe_fixes(client: LanguageClient, tmp_path: Path) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    front = FRONT.replace(LINK, link)
    messy = front.replace("upload_date: '2024-02-22'", "upload_date: 2024-02-22")
    body = (
        f"\n{link}\n## Summary\n\nProse.  \n\n## Topics\n\n"
        "![](topics/Concept/Pre%20training)\n\n![](topics/Concept/Pre%20training)\n"
        "\n![](topics/Concept/Gone)\n"
    )
    text = messy + body
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    found = await doc.diagnostics(lambda found: {"F201", "W001", "T003"} <= set(codes(found)))
    offered = await actions(client, doc, found[0], only=["source.fixAll"])
    assert [a.kind for a in offered] == ["source.fixAll.seedlint"]
    assert offered[0].title == "Fix all safe seedlint findings"
    doc.edit(apply_action(doc.text, doc.uri, offered[0]))
    assert doc.text == front + (
        f"\n{link}\n## Summary\n\nProse.\n\n## Topics\n\n"
        "![](topics/Concept/Pre%20training)\n\n![](topics/Concept/Gone)\n"
    )
    # What needs a person (the broken reference, whose fix is not safe) is left.
    assert codes(await doc.diagnostics(lambda found: codes(found) == ["T001"])) == ["T001"]
