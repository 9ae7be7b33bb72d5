"""The baseline in this process (the integration tests run seedlint as a program, which
mutation testing cannot follow): the file's bytes, counts, paths, every refusal's message
and exit code, and the atomic write."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from seedlint.baseline import BaselineError, filter_new, read, write
from tests.helpers import FRONT, SHORT_BODY, lint_text, run
from tests.helpers import write as write_file

#: W001 (trailing blanks) on "Prose." once and on "Same." twice.
SEED = FRONT + SHORT_BODY.replace("Prose.", "Prose.  \n\nSame.  \n\nSame.  ")


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_file(tmp_path / "seeds" / "a.md", SEED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code, out, err = run(
        capsys, "check", "--offline", "--no-cache", "--format", "concise", *args, "seeds"
    )
    return code, out.splitlines(), err


def test_the_file_holds_sorted_entries_with_counts(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _check(capsys, "--write-baseline", "baseline.json")
    assert (code, out) == (0, [])
    assert err == "seedlint: wrote baseline baseline.json: 3 findings in 2 entries\n"
    assert json.loads((vault / "baseline.json").read_text(encoding="utf-8")) == {
        "format": "seedlint-baseline",
        "version": 1,
        "entries": [
            {"path": "seeds/a.md", "code": "W001", "line": "Prose.", "count": 1},
            {"path": "seeds/a.md", "code": "W001", "line": "Same.", "count": 2},
        ],
    }
    assert (vault / "baseline.json").read_bytes().endswith(b"}\n")
    assert sorted(p.name for p in vault.iterdir()) == ["baseline.json", "seeds"]  # no temporary


def test_one_finding_is_one_finding(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_file(vault / "seeds" / "a.md", FRONT + SHORT_BODY.replace("Prose.", "Prose. "))
    code, _, err = _check(capsys, "--write-baseline", "baseline.json")
    assert (code, err) == (0, "seedlint: wrote baseline baseline.json: 1 finding in 1 entries\n")
    assert _check(capsys, "--quiet", "--write-baseline", "other.json")[2] == ""


def test_an_extra_occurrence_is_new_and_the_rest_known(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check(capsys, "--write-baseline", "baseline.json")
    # A third "Same." with trailing blanks, and the old ones indented: still the same line.
    text = SEED.replace("Same.  ", "   Same.  ") + "\nSame.  \n"
    write_file(vault / "seeds" / "a.md", text)
    code, out, err = _check(capsys, "--baseline", "baseline.json")
    assert code == 1
    # The last "Same." is the one over the recorded count.
    assert out[0] == "seeds/a.md:22:6: W001 [*] trailing whitespace"
    assert out[1].startswith("Found 1 finding")
    assert err == "seedlint: baseline baseline.json: 3 known findings hidden\n"


def test_a_fixed_finding_is_counted_as_gone(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check(capsys, "--write-baseline", "baseline.json")
    write_file(vault / "seeds" / "a.md", SEED.replace("Prose.  ", "Prose."))
    code, out, err = _check(capsys, "--baseline", "baseline.json")
    assert (code, out[-1]) == (0, "All checks passed (1 file).")
    assert err == (
        "seedlint: baseline baseline.json: 2 known findings hidden; 1 recorded findings are"
        " gone (fixed, or their line changed): refresh it with --write-baseline\n"
    )
    assert _check(capsys, "--quiet", "--baseline", "baseline.json")[2] == ""


def test_paths_are_relative_to_the_baseline_folder(
    vault: Path, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    code, _, _ = _check(capsys, "--write-baseline", str(elsewhere / "b.json"))
    assert code == 0
    data = json.loads((elsewhere / "b.json").read_text(encoding="utf-8"))
    absolute = (vault / "seeds" / "a.md").resolve().as_posix()
    assert {entry["path"] for entry in data["entries"]} == {absolute}
    # Read back from inside the vault's folder, the absolute paths still match.
    write_file(vault / "seeds" / "sub" / "x.md", "")
    assert _check(capsys, "--quiet", "--baseline", str(elsewhere / "b.json"))[0] in (0, 1)
    findings = lint_text(SEED, path=str(vault / "seeds" / "a.md"))
    assert filter_new(elsewhere / "b.json", findings).new == []


def test_standard_input_is_recorded_as_a_dash(tmp_path: Path) -> None:
    findings = lint_text(SEED, path="-")
    assert write(tmp_path / "b.json", findings) == 2
    assert {key[0] for key in read(tmp_path / "b.json")} == {"-"}


def test_a_changed_code_on_a_known_line_is_new(tmp_path: Path) -> None:
    findings = lint_text(SEED, path="seed.md")
    write(tmp_path / "b.json", findings)
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    for entry in data["entries"]:
        entry["code"] = "W002"
    (tmp_path / "b.json").write_text(json.dumps(data), encoding="utf-8")
    filtered = filter_new(tmp_path / "b.json", findings)
    assert (len(filtered.new), filtered.matched, filtered.gone) == (3, 0, 3)


def _entries(file: Path, *entries: object, version: object = 1) -> Path:
    payload = {"format": "seedlint-baseline", "version": version, "entries": list(entries)}
    file.write_text(json.dumps(payload), encoding="utf-8")
    return file


GOOD = {"path": "seeds/a.md", "code": "W001", "line": "Prose."}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline {file} not found (create it with --write-baseline)"),
        ("[1, 2", "baseline {file} is not valid JSON: "),
        ('{"format": "other"}', "baseline {file} is not a seedlint baseline"),
        ("[]", "baseline {file} is not a seedlint baseline"),
        (
            '{"format": "seedlint-baseline", "version": "1"}',
            "baseline {file} has version '1'; this seedlint reads version 1",
        ),
        (
            '{"format": "seedlint-baseline", "version": 1, "entries": {}}',
            "baseline {file}: 'entries' must be a list",
        ),
    ],
)
def test_a_bad_file_is_one_line_naming_it(
    vault: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    file = vault / "b.json"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    code, out, err = _check(capsys, "--baseline", str(file))
    assert (code, out) == (2, [])
    assert err.startswith("seedlint: error: " + message.format(file=file))
    assert err.count("\n") == 1


def test_an_unreadable_file_says_why(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (vault / "b.json").mkdir()
    code, _, err = _check(capsys, "--baseline", "b.json")
    assert (code, err) == (2, "seedlint: error: cannot read baseline b.json: Is a directory\n")
    (vault / "c.json").write_bytes(b'{"format": "\xff"}')
    code, _, err = _check(capsys, "--baseline", "c.json")
    assert code == 2
    assert err.startswith("seedlint: error: baseline c.json is not valid JSON: ")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("W001", "entry 2 is not an object"),
        ({"code": "W001", "line": "x"}, "entry 2 needs string 'path', 'code' and 'line'"),
        ({"path": "p", "line": "x"}, "entry 2 needs string 'path', 'code' and 'line'"),
        ({"path": "p", "code": "W001"}, "entry 2 needs string 'path', 'code' and 'line'"),
        ({**GOOD, "count": 0}, "entry 2: 'count' must be a positive integer"),
        ({**GOOD, "count": True}, "entry 2: 'count' must be a positive integer"),
        ({**GOOD, "count": "2"}, "entry 2: 'count' must be a positive integer"),
    ],
)
def test_a_bad_entry_is_named_by_its_number(tmp_path: Path, entry: object, problem: str) -> None:
    file = _entries(tmp_path / "b.json", GOOD, entry)
    with pytest.raises(BaselineError) as refused:
        read(file)
    assert str(refused.value) == f"baseline {file}: {problem}"


def test_counts_add_up_and_default_to_one(tmp_path: Path) -> None:
    file = _entries(tmp_path / "b.json", GOOD, {**GOOD, "count": 2}, {**GOOD, "code": "W002"})
    assert read(file) == {
        ("seeds/a.md", "W001", "Prose."): 3,
        ("seeds/a.md", "W002", "Prose."): 1,
    }


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    target.mkdir()  # os.replace cannot put a file over a folder
    (target / "keep").write_text("old", encoding="utf-8")
    findings = lint_text(SEED, path="seed.md")
    with pytest.raises(BaselineError) as refused:
        write(target, findings)
    assert str(refused.value) == f"cannot write baseline {target}: Is a directory"
    assert sorted(os.listdir(tmp_path)) == ["b.json"]
    assert (target / "keep").read_text(encoding="utf-8") == "old"


def test_a_path_that_is_not_utf8_is_kept_as_an_escape(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.md")  # a surrogate escape in the str
    findings = lint_text(SEED, path=name)
    write(tmp_path / "b.json", findings)
    raw = (tmp_path / "b.json").read_bytes()
    assert b"caf\\udce9.md" in raw
    raw.decode("utf-8")  # the file itself is valid UTF-8


def test_the_file_is_indented_json_in_utf8(tmp_path: Path) -> None:
    text = FRONT + SHORT_BODY.replace("Prose.", "Café au lait.  ")
    write(tmp_path / "b.json", lint_text(text, path=str(tmp_path / "seed.md")))
    assert (tmp_path / "b.json").read_bytes().decode("utf-8") == (
        "{\n"
        '  "format": "seedlint-baseline",\n'
        '  "version": 1,\n'
        '  "entries": [\n'
        "    {\n"
        '      "path": "seed.md",\n'
        '      "code": "W001",\n'
        '      "line": "Café au lait.",\n'
        '      "count": 1\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_the_temporary_file_is_hidden_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(source: str, target: str | Path) -> None:
        renames.append((str(source), str(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    write(tmp_path / "b.json", lint_text(SEED, path="seed.md"))
    [(source, target)] = renames
    assert target == str(tmp_path / "b.json")
    assert os.path.dirname(source) == str(tmp_path)
    assert os.path.basename(source).startswith(".b.json.")


def test_a_baseline_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "b.json"
    with pytest.raises(BaselineError) as refused:
        write(target, lint_text(SEED, path="seed.md"))
    assert str(refused.value) == f"cannot write baseline {target}: No such file or directory"


def test_write_baseline_over_a_folder_exits_2(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault / "b.json").mkdir()
    code, out, err = _check(capsys, "--write-baseline", "b.json")
    assert (code, out) == (2, [])
    assert err == "seedlint: error: cannot write baseline b.json: Is a directory\n"
