"""Diagnostics over a real stdio session: codes, severities, exact ranges in UTF-16 and
UTF-8, debounced changes from the unsaved text, cross-file rules over the vault."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.helpers import write
from tests.server.conftest import Opened, codes, make_vault, seed, start

pytestmark = pytest.mark.asyncio(loop_scope="function")

EMOJI_LINE = "Prose 😀 and 中文 then é.  "


async def test_diagnostics_of_an_open_seed_with_exact_utf16_ranges(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path)
    result = await start(client, vault)
    assert result.capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    text = seed("![](topics/Concept/Missing)\n", summary=EMOJI_LINE)
    path = write(vault / "contents" / "a.md", text)
    doc = Opened(client, path, text)
    found = await doc.diagnostics(lambda found: len(found) >= 2)
    assert codes(found) == ["T001", "W001"]
    trailing = next(d for d in found if d.code == "W001")
    line = text.split("\n").index(EMOJI_LINE)
    # 😀 is two UTF-16 units: the spaces start at 23 - 2 = 21 characters plus one.
    prose = EMOJI_LINE.rstrip()
    assert trailing.range.start == types.Position(line, len(prose.encode("utf-16-le")) // 2)
    assert trailing.range.end == types.Position(line, len(EMOJI_LINE.encode("utf-16-le")) // 2)
    assert trailing.severity == types.DiagnosticSeverity.Warning
    assert trailing.source == "seedlint"
    broken = next(d for d in found if d.code == "T001")
    assert broken.severity == types.DiagnosticSeverity.Error
    assert "topics/Concept/Missing.md" in broken.message
    ref_line = text.split("\n").index("![](topics/Concept/Missing)")
    assert broken.range == types.Range(
        types.Position(ref_line, 0), types.Position(ref_line, len("![](topics/Concept/Missing)"))
    )
    assert broken.code_description is not None
    page = Path(broken.code_description.href.removeprefix("file://"))
    assert page.name == "T001.md" and "broken-topic-ref" in page.read_text(encoding="utf-8")


async def test_utf8_when_the_client_offers_it(client: LanguageClient, tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    result = await start(client, vault, encodings=["utf-8", "utf-16"])
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    text = seed(summary=EMOJI_LINE)
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    found = await doc.diagnostics(lambda found: "W001" in codes(found))
    trailing = next(d for d in found if d.code == "W001")
    prose = EMOJI_LINE.rstrip()
    assert trailing.range.start.character == len(prose.encode("utf-8"))
    assert trailing.range.end.character == len(EMOJI_LINE.encode("utf-8"))


async def test_changes_are_linted_from_the_unsaved_text(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path)
    await start(client, vault)
    text = seed()
    path = write(vault / "contents" / "a.md", text)
    doc = Opened(client, path, text)
    assert await doc.diagnostics() == []
    doc.replace(text.replace("## Summary", "## Sumary"))
    found = await doc.diagnostics(lambda found: bool(found))
    assert "S001" in codes(found)
    assert path.read_text(encoding="utf-8") == text  # the file on disk was never the source
    doc.replace(text)
    assert await doc.diagnostics(lambda found: not found) == []


async def test_duplicate_seeds_across_the_vault_from_disk_and_buffers(
    client: LanguageClient, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path)
    other = write(vault / "contents" / "b.md", seed(link="https://example.com/same"))
    await start(client, vault)
    text = seed(link="https://example.com/same")
    doc = Opened(client, write(vault / "contents" / "a.md", seed()), text)
    found = await doc.diagnostics(lambda found: "C001" in codes(found))
    duplicate = next(d for d in found if d.code == "C001")
    assert str(other) in duplicate.message
    # The unsaved text is what counts for this seed, not its file on disk.
    doc.replace(seed(link="https://example.com/unique"))
    assert await doc.diagnostics(lambda found: "C001" not in codes(found)) == []


async def test_index_progress_is_reported(client: LanguageClient, tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    for index in range(3):
        write(vault / "contents" / f"s{index}.md", seed(link=f"https://example.com/{index}"))
    await start(client, vault)
    text = seed()
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    await doc.diagnostics()
    for _ in range(200):
        reports = [r for values in client.progress_reports.values() for r in values]
        if any(isinstance(r, types.WorkDoneProgressEnd) for r in reports):
            break
        await __import__("asyncio").sleep(0.05)
    begin = next(r for r in reports if isinstance(r, types.WorkDoneProgressBegin))
    end = next(r for r in reports if isinstance(r, types.WorkDoneProgressEnd))
    assert "indexing" in begin.title
    assert end.message == "4 seeds"


async def test_network_rules_are_off_by_default(client: LanguageClient, tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await start(client, vault)
    dead = "http://127.0.0.1:9/nothing-listens-here"
    text = seed(link=dead)
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    found = await doc.diagnostics()
    assert not [d for d in found if str(d.code).startswith("L00") and d.code != "L003"]


async def test_network_rules_when_the_client_settings_turn_them_on(
    client: LanguageClient, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    vault = make_vault(
        tmp_path, 'topics-root = "."\n[links]\nallow-private = true\nretries = 0\ntimeout = 5\n'
    )
    client.set_configuration({"network": True}, section="seedlint")
    await start(client, vault, settings=True)
    dead = f"http://127.0.0.1:{port}/gone"
    text = seed(link=dead)
    doc = Opened(client, write(vault / "contents" / "a.md", text), text)
    found = await doc.diagnostics(lambda found: "L001" in codes(found))
    assert {d.range.start.line for d in found if d.code == "L001"} == {
        text.split("\n").index(f"link: {dead}"),
        text.split("\n").index(dead),
    }
    # Typing sends no request; the answer stands while the links stay where they are.
    doc.replace(text.replace("Prose.", "Prose, edited."))
    assert codes(await doc.diagnostics()).count("L001") == 2
    doc.replace(text.replace(dead, "https://example.com/post"))
    assert "L001" not in codes(await doc.diagnostics())
