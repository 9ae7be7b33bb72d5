"""The hostile corpus: each input, the finding it must produce, and a clean neighbour.

Every case is written beside the real (good) seed and linted by the real CLI entry point
with ``--format json``; the test asserts the hostile file's findings *and* that the good
seed was linted and came out clean, so one bad file can never hide the rest of a run.
One more test lints the whole corpus in a single child process, as CI would.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    GOOD_NAME,
    assert_good_seed_linted,
    run_in_process,
    run_process,
    seed_bytes,
    seed_text,
)


@dataclass(frozen=True)
class Expect:
    code: str
    line: int | None = None
    column: int | None = None
    contains: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes | Callable[[], bytes]
    expect: tuple[Expect, ...] = ()
    # Codes that must not appear (E001 for inputs that must lint normally).
    absent: tuple[str, ...] = ()
    # True when the file must produce no finding at all.
    clean: bool = False
    file_name: str = "hostile.md"
    notes: str = field(default="", compare=False)

    def content(self) -> bytes:
        return self.data() if callable(self.data) else self.data


def _replace(old: str, new: str, link: str = "https://example.org/hostile") -> bytes:
    text = seed_text(link)
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


def _alias_bomb() -> bytes:
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x]"]
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return ("\n".join([*lines, "---", ""])).encode()


def _deep_flow(depth: int) -> bytes:
    return b"---\nlink: " + b"[" * depth + b"]" * depth + b"\n---\n"


def _deep_block(depth: int) -> bytes:
    # Compact nested sequences (`- - - x`): block nesting without quadratic indentation.
    return b"---\nlink:\n" + b"- " * depth + b"x\n---\n"


def _ten_thousand_tags() -> bytes:
    tags = "".join(f"- Tag_{index}\n" for index in range(10_000))
    return _replace("tags:\n", "tags:\n" + tags)


def _one_megabyte_line() -> bytes:
    words = ("lorem ipsum dolor sit amet " * (1_000_000 // 27)).rstrip()
    return _replace("## Summary\n\n", "## Summary\n\n" + words + "\n\n")


def _positions(newline: str, bom: bool = False) -> bytes:
    """A seed with two findings at known places: F104 at 10:7 and W001 at 15:11."""
    text = (
        seed_text()
        .replace("type: Content", "type: Contnet")
        .replace("## Summary\n", "## Summary  \n", 1)
    )
    data = text.replace("\n", newline).encode("utf-8")
    return codecs.BOM_UTF8 + data if bom else data


POSITIONS = (Expect("F104", 10, 7, "Contnet"), Expect("W001", 15, 11))

CASES = [
    Case("empty file", b"", (Expect("F001", 1, 1),)),
    Case("only ---", b"---", (Expect("F002", 1, 1, "unclosed front matter"),)),
    Case("only --- and a newline", b"---\n", (Expect("F002", 1, 1, "unclosed"),)),
    Case(
        "unclosed front matter",
        lambda: seed_bytes().replace(b"'2024-02-22'\n---\n", b"'2024-02-22'\n", 1),
        (Expect("F002", 1, 1, "unclosed front matter: no closing '---' line"),),
    ),
    Case(
        "NUL byte",
        lambda: _replace("## Summary", "## Sum\x00mary"),
        (Expect("E001", 1, 1, "binary file (NUL byte at line 15, column 7)"),),
    ),
    Case(
        "binary (PNG header)",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        (Expect("E001", 1, 1, "binary file (NUL byte at line 3, column 1)"),),
        file_name="image.md",
    ),
    Case(
        "invalid UTF-8",
        lambda: seed_bytes().replace(b"Content", b"Con\xc3\x28tent", 1),
        (Expect("E001", 1, 1, "not valid UTF-8 (byte 0xc3 at line 10, column 10)"),),
    ),
    Case(
        "Latin-1",
        lambda: seed_text().replace("Content", "Café").encode("latin-1"),
        (Expect("E001", 1, 1, "not valid UTF-8 (byte 0xe9 at line 10, column 10)"),),
    ),
    Case(
        "UTF-16 with BOM",
        lambda: seed_text().encode("utf-16"),
        (Expect("E001", 1, 1, "UTF-16 text (byte order mark ff fe): save it as UTF-8"),),
    ),
    Case(
        "UTF-16 big-endian with BOM",
        lambda: codecs.BOM_UTF16_BE + seed_text().encode("utf-16-be"),
        (Expect("E001", 1, 1, "UTF-16 text (byte order mark fe ff)"),),
    ),
    Case(
        "UTF-32 with BOM",
        lambda: seed_text().encode("utf-32"),
        (Expect("E001", 1, 1, "UTF-32 text (byte order mark ff fe 00 00)"),),
    ),
    Case("UTF-8 BOM", lambda: codecs.BOM_UTF8 + seed_bytes(), clean=True),
    Case("UTF-8 BOM, positions", lambda: _positions("\n", bom=True), POSITIONS),
    Case("CR-only line endings", lambda: seed_text(newline="\r").encode(), clean=True),
    Case("CR-only, positions", lambda: _positions("\r"), POSITIONS),
    Case("CRLF, positions", lambda: _positions("\r\n"), POSITIONS),
    Case(
        "mixed line endings",
        lambda: _positions("\n").replace(b"\n", b"\r\n", 3),
        (*POSITIONS, Expect("W002")),
    ),
    Case("1 MB line", _one_megabyte_line, clean=True),
    Case("10,000 tags", _ten_thousand_tags, clean=True),
    Case(
        "YAML nested 10,000 deep (flow)",
        lambda: _deep_flow(10_000),
        (Expect("F002", 2, None, "maximum nesting depth"),),
    ),
    Case(
        "YAML nested 10,000 deep (block)",
        lambda: _deep_block(10_000),
        (Expect("F002", 3, 1999, "maximum nesting depth"),),
    ),
    Case(
        "YAML nested 100 deep (under the parser's limit)",
        lambda: _deep_flow(100),
        (Expect("F106", 2, 71, "YAML nested deeper than 64 levels"),),
    ),
    Case(
        "YAML nested 100 deep (block)",
        lambda: _deep_block(100),
        (Expect("F106", 3, 129, "YAML nested deeper than 64 levels"),),
    ),
    Case(
        "Markdown nested 10,000 deep",
        lambda: seed_bytes() + b"\n" + b">" * 10_000 + b" deep\n\n" + b"- " * 10_000 + b"x\n",
        absent=("E001",),
    ),
    Case(
        "alias bomb (billion laughs)",
        _alias_bomb,
        (Expect("F106", 2, 1, "YAML aliases expand beyond 10000 nodes"),),
    ),
    Case(
        "!!python/object/apply",
        lambda: _replace("source: null", "source: !!python/object/apply:os.system ['exit 3']"),
        (Expect("F106", 6, 9, "custom YAML tag 'tag:yaml.org,2002:python/object/apply:os"),),
    ),
    Case(
        "!!python/name",
        lambda: _replace("source: null", "source: !!python/name:os.system"),
        (Expect("F106", 6, 9, "python/name:os.system"),),
    ),
    Case(
        "local and standard-but-unsafe tags",
        lambda: _replace("source: null", "source: !secret x\nextra: !!binary aGk=\nset: !!set {a}"),
        (
            Expect("F106", 6, 9, "custom YAML tag '!secret'"),
            Expect("F106", 7, 8, "tag:yaml.org,2002:binary"),
            Expect("F106", 8, 6, "tag:yaml.org,2002:set"),
        ),
    ),
    Case(
        "YAML merge key",
        lambda: _replace(
            "already_read: false\n", "base: &base\n  already_read: false\n<<: *base\n"
        ),
        (
            Expect("F101", None, None, "already_read"),
            Expect("F102", 2, 1, "unknown key 'base'"),
            Expect("F102", 4, 1, "unknown key '<<'"),
        ),
        notes="not expanded: YAML 1.2 has no merge keys",
    ),
    Case(
        "tab indentation",
        lambda: _replace("- Natural_Language_Processing", "\t- Natural_Language_Processing"),
        (Expect("F002", 8, 1, "found character that cannot start any token"),),
    ),
    Case(
        "duplicate key",
        lambda: _replace("relevance: 0\n", "relevance: 0\nrelevance: 1\n"),
        (Expect("F105", 6, 1, "duplicate key 'relevance'"),),
    ),
    Case(
        "front matter is a list",
        b"---\n- a\n- b\n---\n\n## Summary\n\nx\n\n## Topics\n",
        (Expect("F003", 2, 1, "front matter is a list, not a mapping"),),
    ),
    Case(
        "front matter is a scalar",
        b"---\njust a sentence\n---\n",
        (Expect("F003", 2, 1, "front matter is a scalar, not a mapping"),),
    ),
    Case(
        "confusable key (Cyrillic a)",
        lambda: _replace("already_read", "already_re\u0430d"),
        (
            Expect("F101", None, None, "already_read"),
            Expect("F102", 2, 1, "(did you mean 'already_read'?)"),
        ),
    ),
    Case(
        "confusable value (Cyrillic o)",
        lambda: _replace("type: Content", "type: C\u043entent"),
        (Expect("F104", 10, 7, "Content"),),
    ),
    Case(
        "integer over Python's digit limit",
        lambda: _replace("relevance: 0", "relevance: " + "9" * 5000),
        (Expect("F103", 5, 12),),
    ),
    Case(
        "control character in YAML",
        lambda: _replace("type: Content", "type: Con\x01tent"),
        (Expect("F002", 10, 10, "unacceptable character #x0001"),),
    ),
]


def _write_case(folder: Path, case: Case) -> Path:
    path = folder / case.file_name
    path.write_bytes(case.content())
    return path


def _check_case(findings: list[dict[str, object]], case: Case) -> None:
    codes = [finding["code"] for finding in findings]
    if case.clean:
        assert findings == [], findings
    for code in case.absent:
        assert code not in codes, findings
    for expect in case.expect:
        matching = [
            finding
            for finding in findings
            if finding["code"] == expect.code
            and (expect.line is None or finding["line"] == expect.line)
            and (expect.column is None or finding["column"] == expect.column)
            and expect.contains in str(finding["message"])
        ]
        assert matching, f"no {expect} in {findings}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_file_beside_a_good_seed(
    case: Case, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_case(vault, case)
    ran = run_in_process(["check", "--offline", "--format", "json", str(vault)], capsys)
    assert ran.code in (0, 1), ran.err
    assert_good_seed_linted(ran, files=2)
    _check_case(ran.findings_of(case.file_name), case)


def test_python_tags_construct_nothing(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tags that would run code if constructed: nothing runs, no file appears.

    Two proofs: the marker files the payloads would create do not exist, and an audit
    hook saw no process spawned and no marker opened while the run lasted.
    """
    markers = [tmp_path / f"pwned-{index}" for index in range(4)]
    payloads = [
        f"!!python/object/apply:os.system ['touch {markers[0]}']",
        f"!!python/object/apply:subprocess.call [['touch', '{markers[1]}']]",
        f"!!python/object/new:pathlib.Path ['{markers[2]}']",
        "!!python/name:os.system",
        "!!python/module:shutil",
        f"!!python/object/apply:builtins.open ['{markers[3]}', 'w']",
    ]
    for index, payload in enumerate(payloads):
        text = seed_text(f"https://example.org/tag{index}").replace(
            "source: null", f"source: {payload}"
        )
        (vault / f"tag{index}.md").write_text(text, encoding="utf-8")
    events: list[tuple[str, tuple[object, ...]]] = []
    watching = True

    def hook(event: str, args: tuple[object, ...]) -> None:
        if not watching:
            return
        spawned = event in ("os.system", "subprocess.Popen", "os.exec", "os.posix_spawn")
        if spawned or (event == "open" and "pwned" in str(args[0])):
            events.append((event, args))

    sys.addaudithook(hook)  # hooks cannot be removed: `watching` switches it off
    try:
        ran = run_in_process(["check", "--offline", "--format", "json", str(vault)], capsys)
    finally:
        watching = False
    assert events == []
    assert not any(marker.exists() for marker in markers)
    assert_good_seed_linted(ran, files=1 + len(payloads))
    for index in range(len(payloads)):
        codes = [finding["code"] for finding in ran.findings_of(f"tag{index}.md")]
        assert codes == ["F106"], ran.findings_of(f"tag{index}.md")


def test_whole_corpus_in_one_child_process(tmp_path: Path) -> None:
    """All cases in one folder, one real `seedlint` process: every file gets its result."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / GOOD_NAME).write_bytes(seed_bytes("https://newsletter.ruder.io/p/" + "x"))
    names = {}
    for index, case in enumerate(CASES):
        name = f"{index:02d}_{case.file_name}"
        (folder / name).write_bytes(case.content())
        names[name] = case
    ran = run_process(["check", "--offline", "--format", "json", folder])
    assert ran.code == 1, ran.err
    assert ran.json()["summary"]["files"] == len(CASES) + 1
    assert ran.findings_of(GOOD_NAME) == []
    assert "Traceback" not in ran.err
    for name, case in names.items():
        findings = [
            finding
            for finding in ran.findings_of(name)
            # Copies of one seed share a link: C001 between them is right, and not the point.
            if finding["code"] != "C001"
        ]
        _check_case(findings, case)


def test_corpus_has_no_case_twice() -> None:
    assert len({case.name for case in CASES}) == len(CASES)
    assert os.sep not in "".join(case.file_name for case in CASES)
