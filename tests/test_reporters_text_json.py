"""The json / jsonl reports against schemas/report.schema.json, and the text reporter."""

from __future__ import annotations

import collections
import copy
import enum
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint import __version__
from seedlint.findings import Finding, Fix, Position, Severity, TextEdit
from seedlint.reporters import ReportOptions, RunSummary, _json_stream
from seedlint.reporters.structured import report_json
from seedlint.reporters.text import colour_wanted, report_concise, report_text
from tests.helpers import real_seed_text, run, write

REPORT_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "report.schema.json"


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    return loaded


def report_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


def finding_validator() -> jsonschema.Draft202012Validator:
    whole = schema()
    return jsonschema.Draft202012Validator({"$defs": whole["$defs"], "$ref": "#/$defs/finding"})


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Variants of the real seed: clean, with a safe fix, with an unsafe fix, unfixable."""
    monkeypatch.chdir(tmp_path)
    real = real_seed_text()
    variants = {
        "000_7277590c367447cf.txt": real,
        "001_aaaaaaaaaaaaaaaa.txt": real.replace("'2024-02-22'", "2024-02-22")
        .replace("tags:\n", "tags:\n- Large_Language_Model\n")
        .replace("ruder.io/p/", "ruder.io/q/"),
        "002_bbbbbbbbbbbbbbbb.txt": real.replace("type: Content", "type: paper").replace(
            "ruder.io/p/", "ruder.io/r/"
        ),
        "003_cccccccccccccccc.txt": real.replace("read_priority: 1", "read_priority: 9")
        .replace("already_read: false", "already_read: yes")
        .replace("ruder.io/p/", "ruder.io/s/"),
    }
    paths = []
    for name, text in variants.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(Path(name))
    return paths


def json_report(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict[str, Any]:
    code, out, err = run(capsys, "check", "--offline", "--select", "F,X", "--format", "json", *args)
    assert code in (0, 1), err
    report: dict[str, Any] = json.loads(out)
    return report


# -- json -----------------------------------------------------------------------------------


def test_json_report_of_real_files_validates(
    seeds: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    report = json_report(capsys, *seeds)
    report_validator().validate(report)
    assert report["version"] == __version__
    findings = report["findings"]
    assert [(f["path"], f["code"]) for f in findings] == [
        ("001_aaaaaaaaaaaaaaaa.txt", "F203"),
        ("001_aaaaaaaaaaaaaaaa.txt", "F201"),
        ("002_bbbbbbbbbbbbbbbb.txt", "F104"),
        ("003_cccccccccccccccc.txt", "F103"),
        ("003_cccccccccccccccc.txt", "F104"),
    ]
    applicability = [f["fix"] and f["fix"]["applicability"] for f in findings]
    # `already_read: yes` clearly means true: F103's unsafe coercion.
    assert applicability == ["safe", "safe", "unsafe", "unsafe", None]
    assert report["summary"] == {
        "files": 4,
        "findings": 5,
        "fixable": 4,
        "by_code": {"F103": 1, "F104": 2, "F201": 1, "F203": 1},
    }


def test_json_finding_fields(seeds: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    (finding,) = [f for f in json_report(capsys, *seeds)["findings"] if f["code"] == "F201"]
    assert finding == {
        "path": "001_aaaaaaaaaaaaaaaa.txt",
        "line": 12,
        "column": 14,
        "end_line": 12,
        "end_column": 24,
        "code": "F201",
        "rule": "date-format",
        "severity": "warning",
        "message": "upload_date 2024-02-22 should be quoted: '2024-02-22'",
        "fix": {
            "applicability": "safe",
            "message": "write '2024-02-22'",
            "edits": [
                {
                    "line": 12,
                    "column": 14,
                    "end_line": 12,
                    "end_column": 24,
                    "content": "'2024-02-22'",
                }
            ],
        },
    }


def _apply(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply JSON edits (1-based line/column, character based) as an editor would."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    spans = [
        (offset(e["line"], e["column"]), offset(e["end_line"], e["end_column"]), e) for e in edits
    ]
    for start, end, edit in sorted(spans, key=lambda span: span[0], reverse=True):
        text = text[:start] + edit["content"] + text[end:]
    return text


def test_json_edits_reproduce_what_seedlint_fix_writes(
    seeds: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = seeds[1]
    before = path.read_text(encoding="utf-8")
    report = json_report(capsys, path)
    edits = [edit for f in report["findings"] for edit in f["fix"]["edits"]]
    expected = _apply(before, edits)
    code, _, err = run(capsys, "fix", "--offline", "--select", "F,X", path)
    assert code == 0, err
    assert path.read_text(encoding="utf-8") == expected


def test_columns_count_characters_not_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = real_seed_text().replace(
        "tags:\n- Natural_Language_Processing\n- Large_Language_Model\n",
        "tags: [Été, Été]\n",
    )
    path = tmp_path / "seed.txt"
    path.write_text(text, encoding="utf-8")
    report = json_report(capsys, "--ignore", "F202", path)
    (finding,) = report["findings"]
    assert (finding["code"], finding["line"], finding["column"], finding["end_column"]) == (
        "F203",
        7,
        13,
        16,
    )
    assert finding["fix"]["edits"] == [
        {"line": 7, "column": 11, "end_line": 7, "end_column": 16, "content": ""}
    ]


def test_clean_json_report(capsys: pytest.CaptureFixture[str], seeds: list[Path]) -> None:
    report = json_report(capsys, seeds[0])
    report_validator().validate(report)
    assert report["findings"] == []
    assert report["summary"] == {"files": 1, "findings": 0, "fixable": 0, "by_code": {}}


def test_json_to_an_output_file(
    seeds: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports" / "seedlint.json"
    code, stdout, _ = run(capsys, "check", "--offline", "--format", "json", "-o", out, *seeds)
    assert (code, stdout) == (1, "")
    report_validator().validate(json.loads(out.read_text(encoding="utf-8")))


def test_jsonl_is_one_valid_finding_a_line(
    seeds: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "--offline", "--select", "F,X", "--format", "jsonl", *seeds)
    assert code == 1
    lines = out.splitlines()
    objects = [json.loads(line) for line in lines]
    for obj in objects:
        finding_validator().validate(obj)
    assert objects == json_report(capsys, *seeds)["findings"]


def test_jsonl_of_a_clean_run_is_empty(
    seeds: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", "--offline", "--format", "jsonl", seeds[0])[:2] == (0, "")


# -- json is written as a stream ------------------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec=None, exclude_categories=()))
)
_keys = st.text(max_size=8) | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_keys, inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_values)
@settings(max_examples=300, deadline=None)
def test_streamed_json_is_the_text_of_json_dumps(value: Any) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False)
    assert _json_stream.encode(value) == expected
    pieces: list[str] = []
    _json_stream.write(
        {"head": value, "items": _json_stream.Streamed(iter([value, 1]))}, pieces.append
    )
    whole = {"head": value, "items": [value, 1]}
    assert "".join(pieces) == json.dumps(whole, indent=2, ensure_ascii=False)


@pytest.mark.parametrize(
    "value",
    [
        {"severity": Severity.ERROR, "at": Position(3, 7)},  # a str enum, a named tuple
        collections.OrderedDict(b=[1, {"c": None}], a=collections.OrderedDict()),
        [enum.IntEnum("Level", "LOW HIGH").HIGH, 2.0**70, float("-inf"), -0.0],
        {"nested": [[[]], [{}], {"x": ()}]},
    ],
)
def test_values_of_other_types_are_written_as_json_writes_them(value: Any) -> None:
    for level in (0, 3):
        expected = json.dumps(value, indent=2, ensure_ascii=False).replace(
            "\n", "\n" + "  " * level
        )
        assert _json_stream.encode(value, level) == expected


def test_an_empty_stream_is_an_empty_array() -> None:
    pieces: list[str] = []
    _json_stream.write([{"a": _json_stream.Streamed(iter(()))}], pieces.append)
    assert "".join(pieces) == json.dumps([{"a": []}], indent=2)


class _Watched(list[Finding]):
    """Findings that note how much of the report was written when each was taken."""

    def __init__(self, findings: list[Finding], out: io.StringIO) -> None:
        super().__init__(findings)
        self.out = out
        self.written: list[int] = []

    def __iter__(self) -> Iterator[Finding]:
        for finding in super().__iter__():
            self.written.append(len(self.out.getvalue()))
            yield finding


def test_the_json_report_is_written_finding_by_finding() -> None:
    findings = [_finding(line=line, end_line=line) for line in range(1, 6)]
    out = io.StringIO()
    watched = _Watched(findings, out)

    report_json(watched, RunSummary.of(1, findings), out, ReportOptions())

    # Each finding is taken only once the ones before it are out.
    assert watched.written == sorted(watched.written)
    assert len(set(watched.written)) == len(findings)
    document = json.loads(out.getvalue())
    assert [finding["line"] for finding in document["findings"]] == [1, 2, 3, 4, 5]
    assert out.getvalue() == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_json_report_is_the_text_of_one_json_dumps(
    seeds: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # Fixes with edits (nested objects and arrays), null fixes, counts by code.
    for paths in (seeds, seeds[:1]):
        code, out, err = run(capsys, "check", "--offline", "--format", "json", *paths)
        assert code in (0, 1), err
        report_validator().validate(json.loads(out))
        assert out == json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n"


# -- the report schema is strict ------------------------------------------------------------


def _sample() -> dict[str, Any]:
    return {
        "version": "0.1.0",
        "findings": [
            {
                "path": "a.md",
                "line": 1,
                "column": 1,
                "end_line": 1,
                "end_column": 4,
                "code": "F101",
                "rule": "missing-key",
                "severity": "error",
                "message": "missing required key 'link'",
                "fix": None,
            }
        ],
        "summary": {"files": 1, "findings": 1, "fixable": 0, "by_code": {"F101": 1}},
    }


@pytest.mark.parametrize(
    "spoil",
    [
        lambda r: r["findings"][0].pop("fix"),
        lambda r: r["findings"][0].update(severity="fatal"),
        lambda r: r["findings"][0].update(line=0),
        lambda r: r["findings"][0].update(code="F1"),
        lambda r: r["findings"][0].update(fix={"applicability": "safe", "message": "m"}),
        lambda r: r["findings"][0].update(extra=1),
        lambda r: r["summary"].pop("by_code"),
        lambda r: r["summary"]["by_code"].update(lower=1),
        lambda r: r.pop("version"),
    ],
)
def test_the_report_schema_rejects_malformed_reports(spoil: Any) -> None:
    report = _sample()
    report_validator().validate(report)
    spoilt = copy.deepcopy(report)
    spoil(spoilt)
    assert not report_validator().is_valid(spoilt)


# -- text reporter --------------------------------------------------------------------------


def _finding(**changes: Any) -> Finding:
    fields: dict[str, Any] = {
        "path": "a.md",
        "line": 2,
        "column": 7,
        "end_line": 2,
        "end_column": 12,
        "code": "F104",
        "rule": "invalid-value",
        "severity": Severity.ERROR,
        "message": "type 'paper' is not allowed",
        "fix": None,
        "source_line": "type: paper",
    }
    fields.update(changes)
    return Finding(**fields)


def _text(findings: list[Finding], **options: Any) -> str:
    out = io.StringIO()
    report_text(findings, RunSummary.of(1, findings), out, ReportOptions(**options))
    return out.getvalue()


def test_multi_line_span_marks_to_the_end_of_the_first_line() -> None:
    finding = _finding(line=2, column=1, end_line=4, end_column=1, source_line="- a")
    assert _text([finding]).splitlines()[1:5] == [" --> a.md:2:1", "  |", "2 | - a", "  | ^^^"]


def test_zero_width_finding_gets_one_caret() -> None:
    finding = _finding(column=12, end_column=12)
    assert _text([finding]).splitlines()[4] == "  |            ^"


def test_a_finding_without_a_place_has_no_excerpt() -> None:
    finding = _finding(line=1, column=1, end_line=1, end_column=1, source_line="", code="E001")
    assert _text([finding]).splitlines()[:3] == [
        "E001 type 'paper' is not allowed",
        " --> a.md:1:1",
        "",
    ]


def test_colour_codes_when_asked() -> None:
    text = _text([_finding(severity=Severity.WARNING)], colour=True)
    assert "\x1b[1m\x1b[33mF104\x1b[0m" in text
    assert "\x1b[" not in _text([_finding()])


def test_fix_marker_follows_the_unsafe_fixes_option() -> None:
    edit = (TextEdit(6, 11, "Paper"),)
    positions = ((Position(2, 7), Position(2, 12)),)
    unsafe = _finding(fix=Fix("unsafe", "replace", edit), edit_positions=positions)
    safe = _finding(fix=Fix("safe", "replace", edit), edit_positions=positions)
    # `[*]` follows the code, in `text` as in `concise`.
    assert "[*]" not in _text([unsafe]).splitlines()[0]
    assert (
        _text([unsafe], unsafe_fixes=True).splitlines()[0] == "F104 [*] type 'paper' is not allowed"
    )
    assert _text([safe]).splitlines()[0] == "F104 [*] type 'paper' is not allowed"
    out = io.StringIO()
    report_concise([safe, unsafe], RunSummary.of(1, [safe, unsafe]), out, ReportOptions())
    assert out.getvalue().splitlines() == [
        "a.md:2:7: F104 [*] type 'paper' is not allowed",
        "a.md:2:7: F104 type 'paper' is not allowed",
        "Found 2 findings in 1 file.",
        "[*] 1 fixable with `seedlint fix` (1 hidden fix can be enabled with the "
        "`--unsafe-fixes` option).",
    ]


def test_summary_wording() -> None:
    assert _text([]) == "All checks passed (1 file).\n"
    two = [_finding(), _finding(line=3)]
    out = io.StringIO()
    report_text(two, RunSummary.of(3, two, fixed=2), out, ReportOptions())
    assert out.getvalue().endswith("Fixed 2 findings. Found 2 findings in 3 files.\n")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_wanted() -> None:
    assert colour_wanted(_Terminal(), {}) is True
    assert colour_wanted(io.StringIO(), {}) is False
    assert colour_wanted(io.StringIO(), {"FORCE_COLOR": "1"}) is True
    assert colour_wanted(_Terminal(), {"NO_COLOR": "1"}) is False
    assert colour_wanted(_Terminal(), {"NO_COLOR": ""}) is True


# -- ruff's layout on real files --------------------------------------------------------------


def _check_text(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code, out, err = run(capsys, "check", "--offline", "--no-cache", *args)
    assert code in (0, 1), err
    return out


def _block(out: str, headline_start: str) -> list[str]:
    """The lines of the finding whose headline starts so, up to the blank line after it."""
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(headline_start))
    last = lines.index("", first)
    return lines[first:last]


def test_carets_are_sized_in_terminal_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 中文 and 😀 take two columns each, é and the space one: the carets sit under the tag
    # as a terminal draws it (8 columns), not under its 5 characters.
    text = real_seed_text().replace("- Large_Language_Model\n", "- 中文 😀é\n")
    path = write(tmp_path / "seed.md", text)
    block = _block(_check_text(capsys, "--select", "F202", path), "F202")
    assert block[5:7] == [" 9 | - 中文 😀é", "   |   ^^^^^^^^"]
    out = io.StringIO()
    finding = _finding(column=9, end_column=11, source_line="type: 中文x", message="m")
    report_text([finding], RunSummary.of(1, [finding]), out, ReportOptions())
    # Before the span: "type: 中文" is 10 columns; the span "x" one.
    assert out.getvalue().splitlines()[4] == "  |           ^"


def test_context_lines_come_from_the_file_while_it_holds_the_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "seed.md", real_seed_text().replace("type: Content", "type: paper"))
    findings = json.loads(
        run(capsys, "check", "--offline", "--no-cache", "--format", "json", path)[1]
    )["findings"]
    (data,) = findings
    finding = _finding(
        path=str(path),
        line=data["line"],
        column=data["column"],
        end_line=data["end_line"],
        end_column=data["end_column"],
        source_line="type: paper",
    )
    rows = _text([finding]).splitlines()
    assert rows[2:8] == [
        "   |",
        " 8 | - Natural_Language_Processing",
        " 9 | - Large_Language_Model",
        "10 | type: paper",
        "   |       ^^^^^",
        "11 | upload_date: '2024-02-22'",
    ]
    # Edited since the run: its lines are no longer the finding's, only its own is shown.
    path.write_text(real_seed_text(), encoding="utf-8")
    assert _text([finding]).splitlines()[1:5] == [
        "  --> " + f"{path}:10:7",
        "   |",
        "10 | type: paper",
        "   |       ^^^^^",
    ]


def test_show_fixes_prints_a_diff_numbered_as_the_fixed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # F203's fix removes a whole line (its end is column 1 of the next one).
    text = real_seed_text().replace("- Large_Language_Model\n", "- Large_Language_Model\n" * 2)
    path = write(tmp_path / "seed.md", text)
    block = _block(_check_text(capsys, "--select", "F203", "--show-fixes", path), "F203")
    assert block[block.index("help: remove the repeated tag") :] == [
        "help: remove the repeated tag",
        "   |",
        " 9 | - Large_Language_Model",
        "   - - Large_Language_Model",
        "10 | type: Content",
        "11 | upload_date: '2024-02-22'",
        "   |",
    ]
    # Without --show-fixes: the help line alone.
    plain = _block(_check_text(capsys, "--select", "F203", path), "F203")
    assert plain[-1] == "help: remove the repeated tag"


def test_a_fix_far_from_the_finding_is_described_when_the_file_is_gone() -> None:
    edit = (TextEdit(0, 0, "x"),)
    positions = ((Position(5, 1), Position(5, 1)),)
    finding = _finding(path="gone.md", fix=Fix("safe", "insert", edit), edit_positions=positions)
    assert _text([finding], show_fixes=True).splitlines()[5:7] == [
        "help: insert",
        "  insert at 5:1: 'x'",
    ]


def test_control_characters_in_path_message_and_line_are_visible() -> None:
    finding = _finding(
        path="\x1b]0;t\x07.md", message="bad \x1b[2J", source_line="type: \x1b[31mpaper"
    )
    rows = _text([finding]).splitlines()
    assert rows[0] == "F104 bad \u241b[2J"
    assert rows[1] == " --> \u241b]0;t\u2407.md:2:7"
    assert rows[3] == "2 | type: \u241b[31mpaper"
    assert "\x1b" not in _text([finding]) and "\x07" not in _text([finding])
