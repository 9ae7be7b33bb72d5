"""Topic help over a real session: completion, definition, hover, document links."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.helpers import write
from tests.server.conftest import Opened, seed, shared_server, vault_of

pytestmark = pytest.mark.asyncio(loop_scope="module")
client = shared_server()


def position_of(text: str, needle: str, after: bool = True) -> types.Position:
    """Where ``needle`` ends (or starts) in ``text``: ASCII lines, UTF-16 = characters."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        column = line.find(needle)
        if column >= 0:
            return types.Position(number, column + (len(needle) if after else 0))
    raise AssertionError(needle)


async def complete(
    client: LanguageClient, doc: Opened, at: types.Position
) -> list[types.CompletionItem]:
    found = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=doc.uri), position=at)
    )
    assert isinstance(found, types.CompletionList)
    return sorted(found.items, key=lambda item: item.sort_text or "")


async def test_completion_of_a_partial_wikilink(client: LanguageClient, tmp_path: Path) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed("![[topics/Con", link=link)
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    items = await complete(client, doc, position_of(text, "![[topics/Con"))
    labels = [item.label for item in items]
    # The category folder first, then the notes that match, best first.
    assert labels[0] == "Concept/"
    assert items[0].kind == types.CompletionItemKind.Folder
    assert {"Concept/Pre training", "Concept/Instruction Tuning"} <= set(labels[1:])
    note = next(item for item in items if item.label == "Concept/Pre training")
    assert isinstance(note.text_edit, types.TextEdit)
    assert note.text_edit.new_text == "Concept/Pre training]]"
    start_at = position_of(text, "![[topics/")
    assert note.text_edit.range == types.Range(start_at, position_of(text, "![[topics/Con"))


async def test_completion_in_a_markdown_embed_is_encoded(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed("![](topics/Concept/pre tr", link=link)
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    items = await complete(client, doc, position_of(text, "![](topics/Concept/pre tr"))
    assert items[0].label == "Concept/Pre training"
    assert isinstance(items[0].text_edit, types.TextEdit)
    assert items[0].text_edit.new_text == "Concept/Pre%20training)"
    # Only notes of the category typed.
    assert all(item.label.startswith("Concept/") for item in items)


async def test_definition_and_hover_on_a_reference(client: LanguageClient, tmp_path: Path) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed("![](topics/Concept/Pre%20training)\n", link=link)
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    inside = position_of(text, "![](topics/Concept/Pre", after=True)
    identifier = types.TextDocumentIdentifier(uri=doc.uri)
    location = await client.text_document_definition_async(
        types.DefinitionParams(text_document=identifier, position=inside)
    )
    note = vault / "topics" / "Concept" / "Pre training.md"
    assert isinstance(location, types.Location)
    assert location.uri == note.as_uri()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=identifier, position=inside)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "**topics/Concept/Pre training.md**" in hover.contents.value
    assert "# Concept/Pre training" in hover.contents.value  # the note's first lines
    outside = position_of(text, "Prose", after=False)
    assert (
        await client.text_document_hover_async(
            types.HoverParams(text_document=identifier, position=outside)
        )
        is None
    )


async def test_hover_on_a_finding_explains_the_rule(client: LanguageClient, tmp_path: Path) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed("![](topics/Concept/Nowhere)\n", link=link)
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    await doc.diagnostics(lambda found: bool(found))
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri),
            position=position_of(text, "![](topics/Con"),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    value = hover.contents.value
    assert value.startswith("**T001** (broken-topic-ref, error): topic note")
    assert "A reference to a missing note is a broken" in value  # the rule's explanation
    assert "no such topic note" in value
    assert (
        await client.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=doc.uri),
                position=position_of(text, "![](topics/Con"),
            )
        )
        is None
    )


async def test_document_links(client: LanguageClient, tmp_path: Path) -> None:
    vault = vault_of(client)
    link = f"https://example.com/{tmp_path.name}"
    text = seed("![](topics/Concept/Pre%20training)\n", link=link).replace(
        "## Topics", "## Links\n\n- [Docs](https://docs.example.org/x) : the docs\n\n## Topics"
    )
    doc = Opened(client, write(vault / "contents" / f"{tmp_path.name}.md", text), text)
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=doc.uri))
    )
    assert links is not None
    targets = [link.target for link in links]
    assert targets.count(link) == 2  # front matter and source line
    assert "https://docs.example.org/x" in targets
    assert (vault / "topics" / "Concept" / "Pre training.md").as_uri() in targets
    docs = next(link for link in links if link.target == "https://docs.example.org/x")
    start_at = position_of(text, "https://docs.example.org/x", after=False)
    assert docs.range.start == start_at
