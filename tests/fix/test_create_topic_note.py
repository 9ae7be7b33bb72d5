"""T001's unsafe fix "create the missing topic note", on real vaults in temporary folders.

The note is written as the vault's generator writes topic notes: python-frontmatter's
``frontmatter.dumps(frontmatter.Post("", type=<Category>))``. It is created inside the
topics root only, atomically, never over an existing file, and only by `--unsafe-fixes`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import frontmatter
import pytest

from seedlint.fixer import UnsafeToWrite, create_new_file
from tests.fix.conftest import Cli
from tests.helpers import real_seed_text, write
from tests.test_reporters_text_json import finding_validator, report_validator

MISSING = "![](topics/Concept/Mixture%20of%20Experts)"
NOTE = Path("topics", "Concept", "Mixture of Experts.md")
#: What the generator writes for a new Concept note, byte for byte.
GENERATED = b"---\ntype: Concept\n---"
DIFF = (
    "--- /dev/null\n"
    "+++ topics/Concept/Mixture of Experts.md\n"
    "@@ -0,0 +1,3 @@\n"
    "+---\n"
    "+type: Concept\n"
    "+---\n"
    "\\ No newline at end of file\n"
)


def _seed(vault: Path, name: str = "a.md", reference: str = MISSING) -> Path:
    """The real example seed (no final newline, as the generator writes it) with one
    more topic reference, in its own paragraph."""
    return write(vault / "contents" / name, f"{real_seed_text()}\n\n{reference}")


def test_the_generator_writes_what_the_fix_writes() -> None:
    """The expected bytes are python-frontmatter's own, not a copy of seedlint's code."""
    assert frontmatter.dumps(frontmatter.Post("", type="Concept")).encode() == GENERATED
    assert frontmatter.loads(GENERATED.decode()).metadata == {"type": "Concept"}


def test_check_offers_it_as_an_unsafe_fix(cli: Cli, vault: Path) -> None:
    _seed(vault)
    ran = cli("check", "--offline", "--show-fixes", "contents")
    assert ran.code == 1
    assert "T001 topic note 'topics/Concept/Mixture of Experts.md' does not exist\n" in ran.out
    assert "help: create the topic note 'topics/Concept/Mixture of Experts.md'\n" in ran.out
    assert (
        "  | new file topics/Concept/Mixture of Experts.md\n"
        "  + ---\n  + type: Concept\n  + ---\n  |\n"
        "note: This is an unsafe fix: only `seedlint fix --unsafe-fixes` applies it\n"
    ) in ran.out
    assert ran.out.endswith(
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )
    json_out = cli("check", "--offline", "--format", "json", "contents").out
    assert (
        '"creates": [\n          {\n            "path": '
        '"topics/Concept/Mixture of Experts.md",\n'
        '            "content": "---\\ntype: Concept\\n---"\n          }\n        ]'
    ) in json_out
    assert not (vault / NOTE).exists()
    report_validator().validate(json.loads(json_out))  # schemas/report.schema.json
    for line in cli("check", "--offline", "--format", "jsonl", "contents").out.splitlines():
        finding_validator().validate(json.loads(line))


def test_a_safe_fix_run_does_not_create_it(cli: Cli, vault: Path) -> None:
    seed = _seed(vault)
    before = seed.read_bytes()
    ran = cli("fix", "--offline", "contents")
    assert ran.code == 1
    assert not (vault / NOTE).exists()
    assert seed.read_bytes() == before
    assert "T001 topic note 'topics/Concept/Mixture of Experts.md' does not exist" in ran.out


def test_unsafe_fixes_create_it_and_the_next_check_is_clean(cli: Cli, vault: Path) -> None:
    seed = _seed(vault)
    before = seed.read_bytes()
    ran = cli("fix", "--offline", "--unsafe-fixes", "--show-fixes", "contents")
    assert ran.code == 0, ran.out + ran.err
    assert (vault / NOTE).read_bytes() == GENERATED
    assert seed.read_bytes() == before  # the seed itself needed nothing
    assert ran.out == (
        "Fixed 1 finding:\n"
        "- topics/Concept/Mixture of Experts.md: created, 1 \u00d7 T001 (broken-topic-ref)\n"
        "\n"
        "Fixed 1 finding. All checks passed (1 file).\n"
    )
    assert [p.name for p in (vault / "topics" / "Concept").iterdir() if p.name[0] == "."] == []
    again = cli("check", "--offline", "contents")
    assert (again.code, again.out) == (0, "All checks passed (1 file).\n")


def test_the_diff_shows_the_new_note_and_writes_nothing(cli: Cli, vault: Path) -> None:
    _seed(vault)
    for command in (("check", "--diff"), ("fix", "--diff")):
        ran = cli(*command, "--offline", "--unsafe-fixes", "contents")
        assert ran.code == 1
        assert ran.out == DIFF
        assert ran.err.endswith("Would fix 1 finding in 1 file.\n")
        assert not (vault / NOTE).exists()
    # Without --unsafe-fixes there is nothing to show.
    safe = cli("fix", "--diff", "--offline", "contents")
    assert (safe.code, safe.out) == (0, "")


def test_two_seeds_naming_one_missing_note_share_it(cli: Cli, vault: Path) -> None:
    _seed(vault, "a.md")
    _seed(vault, "b.md")
    ran = cli("fix", "--offline", "--unsafe-fixes", "--ignore", "C", "contents")
    assert ran.code == 0, ran.out + ran.err
    assert ran.out == "Fixed 2 findings. All checks passed (2 files).\n"
    assert (vault / NOTE).read_bytes() == GENERATED


def test_no_fix_when_a_note_is_near_or_the_category_is_new(cli: Cli, vault: Path) -> None:
    """A near name is a did-you-mean, a category no note uses is more likely a typo:
    neither gets a note created."""
    _seed(vault, "a.md", "![](topics/Concept/LLM%20Securities)")
    _seed(vault, "b.md", "![](topics/Conzept/Mixture%20of%20Experts)")
    ran = cli("fix", "--offline", "--unsafe-fixes", "--ignore", "C", "contents")
    assert ran.code == 1
    assert "create the topic note" not in ran.out
    assert sorted(p.name for p in (vault / "topics").iterdir()) == ["Concept"]
    assert len(list((vault / "topics" / "Concept").iterdir())) == 6


def test_a_path_leaving_the_topics_root_is_never_offered(
    cli: Cli, vault: Path, tmp_path: Path
) -> None:
    (tmp_path / "outside").mkdir()
    _seed(vault, "a.md", "![](topics/../../outside/Evil)")
    _seed(vault, "b.md", "![](topics/Concept/..%2F..%2Foutside%2FEvil)")
    ran = cli("fix", "--offline", "--unsafe-fixes", "--ignore", "C", "contents")
    assert "create the topic note" not in ran.out
    assert list((tmp_path / "outside").iterdir()) == []
    assert not (vault / "outside").exists()


def test_a_symlinked_category_folder_is_not_written_through(
    cli: Cli, vault: Path, tmp_path: Path
) -> None:
    """A category that is a link out of the root holds no note the index sees (links are
    listed, never entered), so nothing is offered; nothing lands outside."""
    outside = tmp_path / "elsewhere"
    write(outside / "Known.md", "---\ntype: Linked\n---")
    (vault / "topics" / "Linked").symlink_to(outside, target_is_directory=True)
    _seed(vault, "a.md", "![](topics/Linked/Mixture%20of%20Experts)")
    ran = cli("fix", "--offline", "--unsafe-fixes", "contents")
    assert ran.code == 1
    assert "create the topic note" not in ran.out
    assert sorted(p.name for p in outside.iterdir()) == ["Known.md"]


def test_a_category_swapped_for_a_link_before_the_write_is_refused_with_a_note(
    cli: Cli, vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder becomes a symbolic link after the lint, right before the note is made
    (what a concurrent process could do): the write refuses it and says so."""
    import seedlint.commands.fix as fix_command

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    category = vault / "topics" / "Concept"

    def swap_then_create(root: str, relative: str, data: bytes) -> str:
        category.rename(category.with_name("Concept.real"))
        category.symlink_to(outside, target_is_directory=True)
        return create_new_file(root, relative, data)

    monkeypatch.setattr(fix_command, "create_new_file", swap_then_create)
    _seed(vault)
    ran = cli("fix", "--offline", "--unsafe-fixes", "contents")
    assert list(outside.iterdir()) == []
    assert (
        "seedlint: note: topics/Concept/Mixture of Experts.md: not created: a folder on its "
        "way is a symbolic link (or not a folder)\n"
    ) in ran.err
    assert "(not created: a folder on its way is a symbolic link" in ran.out
    assert ran.code == 1


# -- the writer itself --------------------------------------------------------------------


def test_create_new_file_never_replaces_anything(tmp_path: Path) -> None:
    folder = tmp_path / "topics" / "Concept"
    folder.mkdir(parents=True)
    existing = write(folder / "Taken.md", "mine\n")
    with pytest.raises(FileExistsError):
        create_new_file(tmp_path, "topics/Concept/Taken.md", GENERATED)
    assert existing.read_text() == "mine\n"
    # A dangling link in its place is not followed to make its target either.
    (folder / "Dangling.md").symlink_to(tmp_path / "target.md")
    with pytest.raises(FileExistsError):
        create_new_file(tmp_path, "topics/Concept/Dangling.md", GENERATED)
    assert not (tmp_path / "target.md").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["Dangling.md", "Taken.md"]


@pytest.mark.parametrize(
    "relative",
    ["topics/../outside.md", "../outside.md", "/tmp/outside.md", "topics//x.md", "a\\b.md", ""],
)
def test_create_new_file_refuses_paths_leaving_the_root(tmp_path: Path, relative: str) -> None:
    root = tmp_path / "root"
    (root / "topics").mkdir(parents=True)
    with pytest.raises(UnsafeToWrite):
        create_new_file(root, relative, GENERATED)
    assert sorted(os.listdir(tmp_path)) == ["root"]
    assert os.listdir(root / "topics") == []


def test_create_new_file_refuses_a_symlinked_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "root" / "topics").mkdir(parents=True)
    (tmp_path / "root" / "topics" / "Concept").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafeToWrite, match="symbolic link"):
        create_new_file(tmp_path / "root", "topics/Concept/X.md", GENERATED)
    assert list(outside.iterdir()) == []


def test_create_new_file_writes_the_bytes_with_the_usual_mode(tmp_path: Path) -> None:
    (tmp_path / "topics" / "Concept").mkdir(parents=True)
    old = os.umask(0o022)
    try:
        create_new_file(tmp_path, "topics/Concept/New.md", GENERATED)
    finally:
        os.umask(old)
    made = tmp_path / "topics" / "Concept" / "New.md"
    assert made.read_bytes() == GENERATED
    assert oct(made.stat().st_mode & 0o777) == oct(0o644)
    assert made.stat().st_nlink == 1  # the temporary name is gone
