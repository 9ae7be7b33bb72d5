"""The fixer's smaller parts in this process (their other tests run the program, which
mutation testing cannot follow): the file's conventions kept by a fix, the diff `--diff`
prints, creating a file, the write through a symlink, and the project root."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seedlint.config import ConfigError, Configuration, Settings, load
from seedlint.context import RunContext
from seedlint.document import Document, parse_text
from seedlint.findings import Fix, Problem, Severity, TextEdit
from seedlint.fixer import (
    Candidate,
    Conventions,
    Fixer,
    FixPass,
    UnsafeToWrite,
    apply_fixes,
    create_new_file,
    detach,
    majority_newline,
    read_with_snapshot,
    sync_folders,
    unified_diff,
    write_atomic,
)
from seedlint.linter import Linter, Selection
from seedlint.project import (
    HARD_LINKED,
    LEAVES_ROOT,
    OUTSIDE_ROOT,
    Roots,
    check_topics_root,
    find_root,
    is_within,
    work_tree,
)
from seedlint.registry import load_rules
from seedlint.rule import rule
from tests.helpers import TODAY, real_seed_text

# -- conventions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "newline"),
    [
        ("a\nb\n", "\n"),
        ("a\r\nb\r\n", "\r\n"),
        ("a\rb\r", "\r"),
        ("a\r\nb\nc\r\n", "\r\n"),
        ("a\rb\rc\n", "\r"),
        ("a\nb\r\n", "\n"),  # a tie: LF
        ("a\r\nb\r", "\r\n"),  # CRLF before CR
        ("no break", "\n"),
    ],
)
def test_the_majority_line_break(text: str, newline: str) -> None:
    assert majority_newline(text) == newline


def test_new_text_takes_the_files_line_break() -> None:
    crlf = Conventions.of("a\r\nb\r\n", False)
    assert crlf.adapt("one\ntwo\n") == "one\r\ntwo\r\n"
    assert crlf.adapt("one") == "one"
    assert crlf.adapt("chosen\r\nbreaks\n") == "chosen\r\nbreaks\n"  # W002's own choice
    assert Conventions.of("a\rb\r", False).adapt("x\ny") == "x\ry"
    assert Conventions.of("a\nb\n", False).adapt("x\ny") == "x\ny"


@pytest.mark.parametrize(
    ("original", "fixed", "kept"),
    [
        ("a\r\nb", "a\r\nb\r\n", "a\r\nb"),  # no final newline stays missing
        ("a\rb", "a\rb\r", "a\rb"),
        ("a\nb", "a\nb\n", "a\nb"),
        ("a\r\nb\r\n", "a\r\nb", "a\r\nb\r\n"),  # a final newline stays
        ("a\rb\r", "a\rb", "a\rb\r"),
        ("a\nb\n", "a\nb\n", "a\nb\n"),
        ("a\nb", "", ""),
    ],
)
def test_the_final_newline_is_kept_as_it_was(original: str, fixed: str, kept: str) -> None:
    assert Conventions.of(original, False).restore(fixed) == kept


def test_a_byte_order_mark_is_written_back() -> None:
    assert Conventions.of("é\n", True).encode("é\n") == b"\xef\xbb\xbf\xc3\xa9\n"
    assert Conventions.of("é\n", False).encode("é\n") == b"\xc3\xa9\n"


# -- choosing edits ------------------------------------------------------------------------


def _candidate(code: str, *edits: tuple[int, int, str]) -> Candidate:
    return Candidate(code, "fix", tuple(TextEdit(*edit) for edit in edits))


def test_edits_on_neighbouring_characters_apply_together() -> None:
    text, applied = apply_fixes(
        "abcdef",
        [_candidate("A", (0, 2, "X")), _candidate("B", (2, 4, "Y")), _candidate("C", (4, 6, ""))],
    )
    assert text == "XY" and [c.code for c in applied] == ["A", "B", "C"]


def test_an_edit_sharing_one_character_waits() -> None:
    text, applied = apply_fixes(
        "abcdef", [_candidate("A", (0, 3, "X")), _candidate("B", (2, 4, "Y"))]
    )
    assert text == "Xdef" and [c.code for c in applied] == ["A"]
    text, applied = apply_fixes(
        "abcdef", [_candidate("B", (2, 4, "Y")), _candidate("A", (3, 5, "X"))]
    )
    assert text == "abYef" and [c.code for c in applied] == ["B"]


def test_an_insertion_inside_a_replacement_waits_one_at_its_end_does_not() -> None:
    text, applied = apply_fixes(
        "abcdef", [_candidate("A", (1, 4, "X")), _candidate("B", (3, 3, "+"))]
    )
    assert text == "aXef" and [c.code for c in applied] == ["A"]
    text, applied = apply_fixes(
        "abcdef", [_candidate("B", (4, 4, "+")), _candidate("A", (1, 4, "X"))]
    )
    assert text == "aX+ef" and sorted(c.code for c in applied) == ["A", "B"]
    text, applied = apply_fixes(
        "abcdef", [_candidate("B", (1, 1, "+")), _candidate("A", (0, 1, "X"))]
    )
    assert text == "X+bcdef"  # an insertion at the end of a replacement before it


def test_insertions_at_different_points_apply_together() -> None:
    text, applied = apply_fixes("abc", [_candidate("A", (1, 1, "1")), _candidate("B", (2, 2, "2"))])
    assert text == "a1b2c" and len(applied) == 2


def test_a_fix_whose_own_edits_overlap_is_dropped() -> None:
    text, applied = apply_fixes(
        "abcdef",
        [_candidate("A", (0, 3, "X"), (2, 4, "Y")), _candidate("B", (5, 6, "Z"))],
    )
    assert text == "abcdeZ" and [c.code for c in applied] == ["B"]
    text, applied = apply_fixes("abc", [_candidate("A", (1, 1, "x"), (1, 1, "y"))])
    assert text == "abc" and applied == []
    text, applied = apply_fixes(
        "abc", [_candidate("A", (2, 4, "x")), _candidate("B", (-1, 0, "y"))]
    )
    assert text == "abc" and applied == []


# -- the diff ------------------------------------------------------------------------------


def test_the_diff_keeps_each_lines_break_and_marks_a_missing_final_newline() -> None:
    before = "one\r\ntwo\r\nthree"
    after = "one\r\n2\r\nthree"
    assert unified_diff("a.md", before, after) == (
        "--- a.md\n+++ a.md\n@@ -1,3 +1,3 @@\n one\r\n-two\r\n+2\r\n"
        " three\n\\ No newline at end of file\n"
    )
    assert unified_diff("a.md", "x\ry\r", "x\rz\r") == (
        "--- a.md\n+++ a.md\n@@ -1,2 +1,2 @@\n x\r-y\r+z\r"
    )
    assert unified_diff("a.md", "same\n", "same\n") == ""


def test_the_diff_of_a_new_file_starts_from_dev_null_and_patch_applies_it(
    tmp_path: Path,
) -> None:
    diff = unified_diff("topics/Concept/A.md", "", "---\ntype: Concept\n---")
    assert diff.startswith("--- topics/Concept/A.md\n")
    diff = unified_diff("new.md", "", "line\n", new_file=True)
    assert diff == "--- /dev/null\n+++ new.md\n@@ -0,0 +1 @@\n+line\n"
    (tmp_path / "a.md").write_bytes(b"one\ntwo\nthree")
    patch = unified_diff("a.md", "one\ntwo\nthree", "one\n2\nthree")
    done = subprocess.run(
        ["patch", "-p0", "--quiet"], input=patch.encode(), cwd=tmp_path, check=False
    )
    if done.returncode == 127:  # pragma: no cover - no patch(1)
        pytest.skip("patch is not installed")
    assert done.returncode == 0
    assert (tmp_path / "a.md").read_bytes() == b"one\n2\nthree"


# -- creating a file -----------------------------------------------------------------------


def test_a_created_file_has_exactly_the_bytes_and_nothing_is_left_beside_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "topics" / "Concept").mkdir(parents=True)
    folder = create_new_file(tmp_path, "topics/Concept/New.md", b"---\ntype: Concept\n---")
    assert folder == os.path.join(os.path.realpath(tmp_path), "topics", "Concept")
    assert (tmp_path / "topics" / "Concept" / "New.md").read_bytes() == b"---\ntype: Concept\n---"
    assert os.listdir(tmp_path / "topics" / "Concept") == ["New.md"]
    assert os.stat(tmp_path / "topics" / "Concept" / "New.md").st_nlink == 1
    with pytest.raises(FileExistsError):
        create_new_file(tmp_path, "topics/Concept/New.md", b"other")
    assert (tmp_path / "topics" / "Concept" / "New.md").read_bytes() == b"---\ntype: Concept\n---"
    (tmp_path / "topics" / "Concept" / "Dangling.md").symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError):
        create_new_file(tmp_path, "topics/Concept/Dangling.md", b"x")  # a dangling link
    assert not (tmp_path / "nowhere").exists()
    assert create_new_file(tmp_path, "top.md", b"") == os.path.realpath(tmp_path)
    assert (tmp_path / "top.md").read_bytes() == b""


@pytest.mark.parametrize(
    "relative",
    ["", "/etc/x.md", "a\\b.md", "a\0.md", "a//b.md", "./a.md", "a/../b.md", "a/", ".."],
)
def test_a_path_that_could_leave_the_root_is_never_created(tmp_path: Path, relative: str) -> None:
    (tmp_path / "a").mkdir()
    with pytest.raises(UnsafeToWrite, match="the path would leave the topics root"):
        create_new_file(tmp_path / "a", relative, b"x")
    assert os.listdir(tmp_path / "a") == []


def test_a_file_is_not_created_in_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        create_new_file(tmp_path, "missing/A.md", b"x")
    assert os.listdir(tmp_path) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(UnsafeToWrite, match="a folder on its way is a symbolic link"):
        create_new_file(tmp_path, "file/A.md", b"x")


# -- writing through a link ----------------------------------------------------------------


def test_without_a_root_a_symlinked_file_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real" / "seed.md"
    target.parent.mkdir()
    target.write_bytes(b"old")
    (tmp_path / "link.md").symlink_to(target)
    folder = write_atomic(str(tmp_path / "link.md"), b"new")
    assert folder == str(target.parent)
    assert target.read_bytes() == b"new" and (tmp_path / "link.md").is_symlink()
    assert sorted(os.listdir(target.parent)) == ["seed.md"]


def test_with_a_root_a_link_leaving_it_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"old")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.md").symlink_to(outside)
    with pytest.raises(UnsafeToWrite, match="leaves the project root"):
        write_atomic(str(root / "link.md"), b"new", root=root)
    assert outside.read_bytes() == b"old"
    (tmp_path / "rootish").mkdir()  # a sibling sharing the root's name as a prefix
    (tmp_path / "rootish" / "a.md").write_bytes(b"old")
    (root / "b.md").symlink_to(tmp_path / "rootish" / "a.md")
    with pytest.raises(UnsafeToWrite):
        write_atomic(str(root / "b.md"), b"new", root=root)
    inside = root / "sub" / "c.md"
    inside.parent.mkdir()
    inside.write_bytes(b"old")
    assert write_atomic(str(inside), b"new", root=root) == str(inside.parent)
    assert inside.read_bytes() == b"new"


def test_syncing_folders_skips_those_that_went(tmp_path: Path) -> None:
    sync_folders([str(tmp_path), str(tmp_path / "gone"), str(tmp_path)])


# -- the project root ----------------------------------------------------------------------


def _bare(root: Path) -> Configuration:
    return Configuration(Settings(), root, None)


def test_the_work_tree_is_the_nearest_folder_with_git(tmp_path: Path) -> None:
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    assert work_tree(tmp_path / "repo" / "a" / "b") == tmp_path / "repo"
    (tmp_path / "repo" / "a" / "b" / "x.md").write_text("")
    assert work_tree(tmp_path / "repo" / "a" / "b" / "x.md") == tmp_path / "repo"
    (tmp_path / "repo" / "a" / ".git").write_text("gitdir: elsewhere\n")  # a submodule
    assert work_tree(tmp_path / "repo" / "a" / "b") == tmp_path / "repo" / "a"
    assert work_tree(tmp_path / "repo" / "a") == tmp_path / "repo" / "a"


def test_is_within_does_not_take_a_prefix_for_a_folder() -> None:
    assert is_within("/a/b", "/a/b") and is_within("/a/b/c", "/a/b")
    assert not is_within("/a/bc", "/a/b") and not is_within("/a", "/a/b")


def test_the_root_of_a_path_outside_everything_is_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    there = tmp_path / "there"
    there.mkdir()
    (there / "a.md").write_text("")
    monkeypatch.chdir(here)
    configuration = _bare(here)
    assert find_root(configuration) == here
    assert find_root(configuration, there / "a.md") == there
    assert find_root(configuration, there) == there
    (here / "sub").mkdir()
    assert find_root(configuration, here / "sub") == here
    (here / "out").symlink_to(there)
    assert find_root(configuration, here / "out" / "a.md") == here  # spelt inside


def test_the_configuration_folder_holds_the_paths_spelt_or_resolved(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "contents").mkdir(parents=True)
    (vault / "seedlint.toml").write_text("")
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault / "contents" / "ext").symlink_to(outside)
    configuration = load(vault / "seedlint.toml")
    assert find_root(configuration, vault / "contents") == vault
    assert find_root(configuration, vault / "contents" / "ext") == vault  # spelt inside
    roots = Roots.find(configuration, [str(vault / "contents"), "-", str(vault)])
    assert roots.roots == (vault,)
    assert Roots.find(configuration, ["-"]).roots == (find_root(configuration),)
    (outside / "a.md").write_text("")
    assert roots.refuse_to_write(str(vault / "contents" / "ext" / "a.md")) == LEAVES_ROOT
    assert roots.refuse_to_write(str(outside / "a.md")) == OUTSIDE_ROOT
    assert roots.holding(str(outside / "a.md")) == vault  # the first root: refused later
    (vault / "contents" / "a.md").write_text("")
    assert roots.refuse_to_write(str(vault / "contents" / "a.md")) is None
    assert roots.refuse_to_write(str(vault / "contents" / "gone.md")) is None  # read says
    os.link(vault / "contents" / "a.md", vault / "twin.md")
    assert roots.refuse_to_write(str(vault / "twin.md")) == HARD_LINKED.format(links=2)


def test_several_roots_each_hold_their_own_paths(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    for folder in (first, second):
        (folder / ".git").mkdir(parents=True)
        (folder / "a.md").write_text("")
    roots = Roots.find(_bare(tmp_path), [str(first / "a.md"), str(second / "a.md")])
    assert roots.roots == (first, second)
    assert roots.holding(str(second / "a.md")) == second
    assert roots.refuse_to_write(str(second / "a.md")) is None


def test_a_repositorys_topics_root_may_not_lead_outside(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "seedlint.toml").write_text('topics-root = "/"\n')
    configuration = load(vault / "seedlint.toml")
    roots = Roots.find(configuration, [str(vault)])
    with pytest.raises(ConfigError, match=r"topics-root '/' leads outside the project root"):
        check_topics_root(configuration, roots, from_command_line=False)
    check_topics_root(configuration, roots, from_command_line=True)  # the user's choice
    (vault / "seedlint.toml").write_text('topics-root = "notes"\n')
    inside = load(vault / "seedlint.toml")
    check_topics_root(inside, Roots.find(inside, [str(vault)]), from_command_line=False)
    elsewhere = tmp_path / "mine.toml"
    elsewhere.write_text('topics-root = "/"\n')
    own = load(elsewhere)
    check_topics_root(own, roots, from_command_line=False)  # a configuration outside the root
    check_topics_root(_bare(vault), roots, from_command_line=False)  # no file at all


# -- what the atomic write keeps -----------------------------------------------------------


def test_the_new_file_keeps_the_mode(tmp_path: Path) -> None:
    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")
    os.chmod(seed, 0o640)
    write_atomic(str(seed), b"new")
    assert seed.read_bytes() == b"new"
    assert os.stat(seed).st_mode & 0o7777 == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_the_new_file_keeps_the_owner(tmp_path: Path) -> None:
    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")
    os.chown(seed, 1234, 5678)
    write_atomic(str(seed), b"new")
    status = os.stat(seed)
    assert (status.st_uid, status.st_gid) == (1234, 5678) and seed.read_bytes() == b"new"


def test_a_file_holding_the_temporary_name_is_never_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import secrets

    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")
    taken = tmp_path / ".seed.md.aaaa.seedlint-tmp"
    taken.write_bytes(b"someone else's")
    drawn = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(secrets, "token_hex", lambda size: next(drawn))
    write_atomic(str(seed), b"new")
    monkeypatch.undo()
    assert seed.read_bytes() == b"new"
    assert taken.read_bytes() == b"someone else's"
    assert sorted(os.listdir(tmp_path)) == [".seed.md.aaaa.seedlint-tmp", "seed.md"]


def test_a_file_system_without_extended_attributes_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")

    def unsupported(handle: object) -> list[str]:
        raise OSError(errno.ENOTSUP, "Operation not supported")

    monkeypatch.setattr(os, "listxattr", unsupported)
    write_atomic(str(seed), b"new")
    assert seed.read_bytes() == b"new"


def test_listing_the_attributes_failing_otherwise_leaves_the_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")

    def broken(handle: object) -> list[str]:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "listxattr", broken)
    with pytest.raises(OSError, match="Input/output error"):
        write_atomic(str(seed), b"new")
    monkeypatch.undo()
    assert seed.read_bytes() == b"old" and os.listdir(tmp_path) == ["seed.md"]


def test_an_attribute_the_new_file_already_has_is_not_set_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As an inherited ACL or a security label the system gives every new file."""
    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")
    try:
        os.setxattr(seed, "user.label", b"given")
    except OSError:  # pragma: no cover - no user attributes on this file system
        pytest.skip("no user extended attributes here")
    real_getxattr = os.getxattr

    def given(path: object, attribute: str, **options: object) -> bytes:
        if attribute == "user.label":
            return b"given"  # the temporary file has it too
        return real_getxattr(path, attribute)  # type: ignore[arg-type]

    def refuse(*arguments: object, **options: object) -> None:
        raise PermissionError("setting it is not allowed")

    monkeypatch.setattr(os, "getxattr", given)
    monkeypatch.setattr(os, "setxattr", refuse)
    write_atomic(str(seed), b"new")
    monkeypatch.undo()
    assert seed.read_bytes() == b"new"


# -- verifying the fixed text ---------------------------------------------------------------


def _replacing(code: str, old: str, new: str) -> Any:
    """A plugin rule whose fix replaces the first ``old`` with ``new``."""

    @rule(code, f"replace-{code.lower()}", f"Replaces {old!r}.", Severity.WARNING, "safe")
    def replace_it(doc: Document, context: RunContext) -> Iterator[Problem]:
        start = doc.text.find(old)
        if start >= 0:
            edit = TextEdit(start, start + len(old), new)
            yield Problem(
                code, start, start + len(old), f"found {old!r}", Fix("safe", "x", (edit,))
            )

    return replace_it


def _fixer_with(*extra: Any, settings: Settings | None = None) -> Fixer:
    configuration = Configuration(settings or Settings(), Path.cwd(), None)
    context = RunContext(configuration, today=TODAY)
    rules = {**load_rules(), **{extra_rule.code: extra_rule for extra_rule in extra}}
    selection = Selection.build(rules, context, offline=True, network=frozenset())
    return Fixer(Linter(selection, context))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "upload_date: '2024-02-22'\n---\n",
            "upload_date: '2024-02-22'\n",
            "would lose its front matter",
        ),
        ("tags:\n", "tagz:\n", "the fix would change the front matter's keys"),
        (
            "source: null\n",
            "sources: []\nkind: 1\n",
            "the fix would change the front matter's keys",
        ),
        ("source: null\n", "", "the fix would change the front matter's keys"),
        (
            "source: null\n",
            "source: null\nsource: null\n",
            "the fixed front matter would not parse",
        ),
    ],
)
def test_a_fix_that_changes_what_the_front_matter_is_is_refused(
    old: str, new: str, reason: str
) -> None:
    text = real_seed_text()
    outcome = _fixer_with(_replacing("Z930", old, new)).fix("seed.md", text.encode())
    assert not outcome.changed and outcome.text == text
    assert reason in outcome.refused["Z930"]


def test_a_fix_that_turns_the_front_matter_into_a_list_is_refused() -> None:
    text = "---\nkey: value\n---\n\nbody\n"
    outcome = _fixer_with(_replacing("Z931", "key: value", "- a")).fix("seed.md", text.encode())
    assert not outcome.changed
    assert outcome.refused["Z931"] == "the fixed front matter would not be a mapping"


def test_a_fix_that_gives_a_seed_without_front_matter_one_is_refused() -> None:
    text = "just a body\n"
    outcome = _fixer_with(_replacing("Z932", "just", "---\na: 1\n---\njust")).fix(
        "seed.md", text.encode()
    )
    assert not outcome.changed
    assert outcome.refused["Z932"] == "the fix would change where the front matter ends"


def test_a_fix_inside_a_seed_without_front_matter_is_applied() -> None:
    text = "just a body\n"
    outcome = _fixer_with(_replacing("Z933", "just", "only")).fix("seed.md", text.encode())
    assert outcome.text == "only a body\n" and outcome.fixed == {"Z933": 1}


def test_the_missing_required_keys_f101_adds_are_not_a_change_of_keys() -> None:
    text = real_seed_text().replace("relevance: 0\n", "")
    settings = Settings(defaults={"relevance": 0})
    outcome = _fixer_with(settings=settings).fix("seed.md", text.encode())
    assert outcome.fixed == {"F101": 1} and outcome.text == real_seed_text()
    # ...but a key F101 adds is not one any other fix may add.
    other = _replacing("Z934", "source: null\n", "source: ~\nextra: 1\n")
    outcome = _fixer_with(other, settings=settings).fix("seed.md", real_seed_text().encode())
    assert outcome.refused["Z934"] == "the fix would change the front matter's keys"


def _words(code: str, fixable: dict[str, str], unfixable: tuple[str, ...]) -> Any:
    """A plugin rule: each word of ``fixable`` with a fix to its value, each word of
    ``unfixable`` without a fix (both in the body)."""

    @rule(code, f"words-{code.lower()}", "Words.", Severity.WARNING, "safe")
    def words(doc: Document, context: RunContext) -> Iterator[Problem]:
        for word, replacement in fixable.items():
            start = doc.text.find(word, doc.body_start)
            while start >= 0:
                edit = TextEdit(start, start + len(word), replacement)
                yield Problem(code, start, start + len(word), word, Fix("safe", "x", (edit,)))
                start = doc.text.find(word, start + len(word))
        for word in unfixable:
            start = doc.text.find(word, doc.body_start)
            while start >= 0:
                yield Problem(code, start, start + len(word), f"unfixable {word}")
                start = doc.text.find(word, start + len(word))

    return words


def test_a_finding_a_neighbouring_fix_brings_out_is_not_blamed_on_another() -> None:
    text = real_seed_text().replace("The author,", "TODO The author, XYZ", 1)
    done = _words("Z950", {"TODO": "done"}, ("todo",))
    writes = _words("Z951", {"XYZ": "todo"}, ())
    outcome = _fixer_with(done, writes).fix("seed.md", text.encode())
    assert outcome.refused == {}
    assert outcome.fixed == {"Z950": 1, "Z951": 1}
    assert "done The author, todo" in outcome.text


def test_a_deletion_that_joins_its_finding_into_another_is_refused() -> None:
    assert "\u00b7" not in real_seed_text()
    text = real_seed_text().replace("The author,", "TO\u00b7DO The author,", 1)
    joins = _words("Z952", {"\u00b7": ""}, ("TODO",))  # deletes: writes nothing
    outcome = _fixer_with(joins).fix("seed.md", text.encode())
    assert not outcome.changed
    assert outcome.refused == {"Z952": "the fixed text still raises Z952: unfixable TODO"}


def test_a_fix_that_leaves_an_unfixable_finding_beside_it_is_not_blamed() -> None:
    text = real_seed_text().replace("The author,", "TODO todo The author,", 1)
    done = _words("Z953", {"TODO": "done"}, ("todo",))
    outcome = _fixer_with(done).fix("seed.md", text.encode())
    assert outcome.fixed == {"Z953": 1} and "done todo The author," in outcome.text


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("TODOne", "an unfixable finding starting where the fix's text ends"),
        ("neTODO", "an unfixable finding ending where the fix's text starts"),
    ],
)
def test_an_unfixable_finding_next_to_what_a_fix_wrote_is_not_blamed_on_it(
    written: str, reason: str
) -> None:
    text = real_seed_text().replace("The author,", f"{written} The author,", 1)
    fixes = _words("Z954", {"TODO": "do"}, ("ne",))
    outcome = _fixer_with(fixes).fix("seed.md", text.encode())
    assert outcome.refused == {}, reason
    assert outcome.fixed == {"Z954": 1}
    assert written.replace("TODO", "do") + " The author," in outcome.text


@pytest.mark.parametrize("word", ["\u00b7TODO", "TODO\u00b7"])
def test_a_deletion_beside_an_unfixable_finding_is_not_blamed_on_it(word: str) -> None:
    text = real_seed_text().replace("The author,", f"{word} The author,", 1)
    deletes = _words("Z955", {"\u00b7": ""}, ("TODO",))
    outcome = _fixer_with(deletes).fix("seed.md", text.encode())
    assert outcome.refused == {}
    assert "TODO The author," in outcome.text


def _marks(code: str, fixable: dict[str, str], mark: str) -> Any:
    """A plugin rule fixing ``fixable`` words, with an unfixable empty finding (a point)
    before each ``mark``."""
    words = _words(code, fixable, ())

    @rule(code, f"marks-{code.lower()}", "Points.", Severity.WARNING, "safe")
    def marks(doc: Document, context: RunContext) -> Iterator[Problem]:
        yield from words.check(doc, context)
        start = doc.text.find(mark, doc.body_start)
        while start >= 0:
            yield Problem(code, start, start, f"a point before {mark}")
            start = doc.text.find(mark, start + 1)

    return marks


def test_a_point_finding_at_the_start_of_what_a_fix_wrote_is_blamed_on_it() -> None:
    text = real_seed_text().replace("The author,", "TODO The author,", 1)
    outcome = _fixer_with(_marks("Z956", {"TODO": "MARK"}, "MARK")).fix("seed.md", text.encode())
    assert outcome.refused == {"Z956": "the fixed text still raises Z956: a point before MARK"}


def test_a_point_finding_at_the_end_of_what_a_fix_wrote_is_not() -> None:
    text = real_seed_text().replace("The author,", "TODO! The author,", 1)
    outcome = _fixer_with(_marks("Z957", {"TODO": "done"}, "!")).fix("seed.md", text.encode())
    assert outcome.refused == {} and "done! The author," in outcome.text


def test_a_created_files_refusal_says_why(tmp_path: Path) -> None:
    with pytest.raises(UnsafeToWrite) as refused:
        create_new_file(tmp_path, "../x.md", b"x")
    assert refused.value.strerror == "the path would leave the topics root"
    (tmp_path / "file").write_text("")
    with pytest.raises(UnsafeToWrite) as refused:
        create_new_file(tmp_path, "file/x.md", b"x")
    assert refused.value.strerror == "a folder on its way is a symbolic link (or not a folder)"


def test_a_folder_that_cannot_be_synced_still_gets_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import stat

    real_fsync = os.fsync

    def fsync(handle: int) -> None:
        if stat.S_ISDIR(os.fstat(handle).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    create_new_file(tmp_path, "new.md", b"bytes")
    monkeypatch.undo()
    assert (tmp_path / "new.md").read_bytes() == b"bytes"


def test_a_temporary_file_that_cannot_be_removed_leaves_the_first_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    (tmp_path / "taken.md").write_bytes(b"theirs")

    def refuse(*arguments: object, **options: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "unlink", refuse)
    with pytest.raises(FileExistsError):
        create_new_file(tmp_path, "taken.md", b"ours")
    monkeypatch.undo()
    assert (tmp_path / "taken.md").read_bytes() == b"theirs"


def test_an_unused_blanket_comment_is_reported_but_kept() -> None:
    """A comment naming no code may be what keeps another file's finding (C001) quiet:
    only the whole run can tell, so `fix`, seeing one file, does not remove it."""
    text = real_seed_text().replace("The author,", "<!-- seedlint-disable-line --> The author,")
    outcome = _fixer_with().fix("seed.md", text.encode())
    assert not outcome.changed
    (x001,) = [finding for finding in outcome.findings if finding.code == "X001"]
    assert x001.fix is None
    assert x001.message == (
        "unused suppression of all codes (not fixed: only the whole run can tell it is unused)"
    )


def test_the_attributes_after_one_the_new_file_already_has_are_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")
    try:
        os.setxattr(seed, "user.first", b"1")
        os.setxattr(seed, "user.second", b"2")
    except OSError:  # pragma: no cover - no user attributes on this file system
        pytest.skip("no user extended attributes here")
    first, second = os.listxattr(seed)
    real_getxattr = os.getxattr

    def given(path: object, attribute: str, **options: object) -> bytes:
        if isinstance(path, int) and attribute == first:  # the temporary file has it
            return real_getxattr(seed, attribute)
        return real_getxattr(path, attribute)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "getxattr", given)
    write_atomic(str(seed), b"new")
    monkeypatch.undo()
    assert seed.read_bytes() == b"new"
    assert os.getxattr(seed, second) == {"user.first": b"1", "user.second": b"2"}[second]


def test_an_attribute_that_cannot_be_kept_is_named_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")
    try:
        os.setxattr(seed, "user.origin", b"https://example.org")
    except OSError:  # pragma: no cover - no user attributes on this file system
        pytest.skip("no user extended attributes here")

    def refuse(*arguments: object, **options: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "setxattr", refuse)
    with pytest.raises(OSError) as refused:
        write_atomic(str(seed), b"new")
    monkeypatch.undo()
    assert refused.value.errno == errno.EPERM
    assert refused.value.strerror == (
        "cannot keep its extended attribute 'user.origin' (Operation not permitted)"
    )
    assert seed.read_bytes() == b"old" and os.listdir(tmp_path) == ["seed.md"]


def test_a_refused_write_says_why(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"old")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.md").symlink_to(outside)
    with pytest.raises(UnsafeToWrite) as refused:
        write_atomic(str(root / "link.md"), b"new", root=root)
    assert refused.value.strerror == "reached through a symbolic link that leaves the project root"


def test_a_folder_swapped_for_a_link_before_the_write_is_refused_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.md").write_bytes(b"old")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.md").write_bytes(b"theirs")
    real_realpath = os.path.realpath

    def swapped(path: Any, **options: Any) -> str:
        resolved = real_realpath(path, **options)
        if str(path).endswith("a.md") and not (root / "sub").is_symlink():
            os.rename(root / "sub", tmp_path / "moved")  # after it was resolved
            (root / "sub").symlink_to(elsewhere)
        return resolved

    monkeypatch.setattr(os.path, "realpath", swapped)
    with pytest.raises(UnsafeToWrite) as refused:
        write_atomic(str(root / "sub" / "a.md"), b"new", root=root)
    monkeypatch.undo()
    assert refused.value.strerror == "a folder on its way became a symbolic link"
    assert (elsewhere / "a.md").read_bytes() == b"theirs"


def test_a_file_swapped_for_a_link_before_it_is_opened_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")
    victim = tmp_path / "victim.md"
    victim.write_bytes(b"theirs")
    real_realpath = os.path.realpath

    def swapped(path: Any, **options: Any) -> str:
        resolved = real_realpath(path, **options)
        if str(path).endswith("seed.md") and not seed.is_symlink():
            seed.unlink()  # after it was resolved, before it is opened
            seed.symlink_to(victim)
        return resolved

    _, snapshot = read_with_snapshot(str(seed))
    monkeypatch.setattr(os.path, "realpath", swapped)
    with pytest.raises(UnsafeToWrite) as refused:
        write_atomic(str(seed), b"new", snapshot, root=tmp_path)
    monkeypatch.undo()
    assert refused.value.strerror == "it became a symbolic link"
    assert victim.read_bytes() == b"theirs" and seed.is_symlink()


def test_an_insertion_at_the_start_of_a_replacement_chosen_earlier_waits() -> None:
    first = _candidate("A", (2, 4, "Y"))  # (start 2, end 4): taken before B
    later = _candidate("B", (2, 2, "+"), (5, 6, "Z"))  # (start 2, end 6)
    text, applied = apply_fixes("abcdef", [later, first])
    assert text == "abYef" and [c.code for c in applied] == ["A"]


def test_an_insertion_at_the_end_of_a_replacement_applies_with_it() -> None:
    first = _candidate("A", (0, 0, "i"), (4, 4, "+"))
    later = _candidate("B", (1, 4, "X"))
    text, applied = apply_fixes("abcdef", [later, first])
    assert text == "iaX+ef" and sorted(c.code for c in applied) == ["A", "B"]


def test_a_replacement_ending_where_an_earlier_one_starts_applies_with_it() -> None:
    first = _candidate("A", (0, 1, "p"), (2, 4, "Y"))
    later = _candidate("B", (1, 2, "X"))
    text, applied = apply_fixes("abcdef", [later, first])
    assert text == "pXYef" and sorted(c.code for c in applied) == ["A", "B"]


@pytest.mark.parametrize("folders", [("one", "two"), ("two words", "deeper")])
def test_a_folder_deeper_down_swapped_for_a_link_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folders: tuple[str, str]
) -> None:
    top, inner = folders
    root = tmp_path / "root"
    (root / top / inner).mkdir(parents=True)
    seed = root / top / inner / "a.md"
    seed.write_bytes(b"old")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / inner).mkdir(parents=True)
    (elsewhere / inner / "a.md").write_bytes(b"theirs")
    assert write_atomic(str(seed), b"new", root=root) == str(seed.parent)  # spaces too
    assert seed.read_bytes() == b"new"
    real_realpath = os.path.realpath

    def swapped(path: Any, **options: Any) -> str:
        resolved = real_realpath(path, **options)
        if str(path).endswith("a.md") and not (root / top).is_symlink():
            os.rename(root / top, tmp_path / "moved")
            (root / top).symlink_to(elsewhere)
        return resolved

    monkeypatch.setattr(os.path, "realpath", swapped)
    with pytest.raises(UnsafeToWrite):
        write_atomic(str(seed), b"newer", root=root)
    monkeypatch.undo()
    assert (elsewhere / inner / "a.md").read_bytes() == b"theirs"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_file_whose_owner_cannot_be_kept_is_still_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As for a user fixing a file of another user in a shared folder."""
    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")
    os.chown(seed, 1234, 5678)

    def refuse(*arguments: object) -> None:
        raise PermissionError("Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)
    write_atomic(str(seed), b"new")
    monkeypatch.undo()
    assert seed.read_bytes() == b"new"


def test_a_failed_write_whose_temporary_cannot_be_removed_keeps_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    seed = tmp_path / "seed.md"
    seed.write_bytes(b"old")

    def full(handle: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def refuse(*arguments: object, **options: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "fsync", full)
    monkeypatch.setattr(os, "unlink", refuse)
    with pytest.raises(OSError) as failed:
        write_atomic(str(seed), b"new")
    monkeypatch.undo()
    assert failed.value.errno == errno.ENOSPC
    assert seed.read_bytes() == b"old"


def test_a_long_file_name_still_has_room_for_its_temporary_name(tmp_path: Path) -> None:
    name = "n" * 229 + ".md"  # 232 bytes: its temporary name is 255, the usual limit
    seed = tmp_path / name
    seed.write_bytes(b"old")
    write_atomic(str(seed), b"new")
    assert seed.read_bytes() == b"new" and os.listdir(tmp_path) == [name]


@rule("Z960", "always-crashes", "Crashes on every text, with its length.", Severity.WARNING)
def always_crashes(doc: Document, context: RunContext) -> Iterator[Problem]:
    raise RuntimeError(f"a text of {len(doc.text)} characters")


def test_a_rule_that_crashed_on_the_original_too_does_not_block_the_fixes() -> None:
    text = real_seed_text().replace("## Summary\n", "## Summary  \n", 1)
    outcome = _fixer_with(always_crashes).fix("seed.md", text.encode())
    assert outcome.refused == {}
    assert outcome.fixed == {"W001": 1} and outcome.text == real_seed_text()


def test_syncing_folders_that_cannot_be_synced_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    def refuse(handle: int) -> None:
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "fsync", refuse)
    sync_folders([str(tmp_path), str(tmp_path / "gone")])


def test_a_configuration_without_a_file_is_not_judged(tmp_path: Path) -> None:
    built = Configuration(Settings(topics_root="/"), tmp_path, None)  # by a library caller
    check_topics_root(built, Roots((tmp_path,)), from_command_line=False)


def test_the_refusal_of_a_topics_root_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "seedlint.toml").write_text('topics-root = "/"\n')
    configuration = load(tmp_path / "seedlint.toml")
    with pytest.raises(ConfigError) as refused:
        check_topics_root(configuration, Roots((tmp_path,)), from_command_line=False)
    assert str(refused.value) == (
        f"{configuration.source}: topics-root '/' leads outside the project root "
        f"({tmp_path}): a repository's configuration may not point there; "
        "pass --topics-root on the command line to use that folder"
    )


def test_a_path_spelt_outside_any_repository_that_leads_into_one_has_its_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = tmp_path / "repository"
    (repository / ".git").mkdir(parents=True)
    (repository / "notes").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes").symlink_to(repository / "notes")
    monkeypatch.chdir(tmp_path)
    assert find_root(_bare(tmp_path / "nowhere"), elsewhere / "notes") == repository


def test_a_front_matter_with_a_repeated_key_still_has_its_keys_guarded() -> None:
    """A repeated key is a finding, not unreadable YAML: the keys still mean something."""
    text = real_seed_text().replace("relevance: 0\n", "relevance: 0\nrelevance: 0\n", 1)
    outcome = _fixer_with(_replacing("Z961", "tags:\n", "tagz:\n")).fix("seed.md", text.encode())
    assert not outcome.changed
    assert outcome.refused["Z961"] == "the fix would change the front matter's keys"


# -- the loop's record, and what it reuses ----------------------------------------------------


def test_an_edit_another_fix_already_chose_does_not_end_the_sweep() -> None:
    text, applied = apply_fixes(
        "abcdef",
        [_candidate("A", (0, 1, "X")), _candidate("B", (0, 1, "X")), _candidate("C", (4, 5, "Z"))],
    )
    assert text == "XbcdZf" and [c.code for c in applied] == ["A", "B", "C"]


def test_a_fix_that_waits_does_not_end_the_sweep() -> None:
    text, applied = apply_fixes(
        "abcdef",
        [_candidate("A", (0, 3, "X")), _candidate("B", (2, 4, "Y")), _candidate("C", (5, 6, "Z"))],
    )
    assert text == "XdeZ" and [c.code for c in applied] == ["A", "C"]


def _with_trailing_blanks() -> tuple[str, int]:
    """The real seed with two blanks after its first body line, and where they start."""
    text = real_seed_text()
    line_end = text.index("\n", text.index("\n---\n") + 5)
    return text[:line_end] + "  " + text[line_end:], line_end


def test_each_pass_is_recorded_with_its_texts_edits_and_codes() -> None:
    text, blanks = _with_trailing_blanks()
    outcome = _fixer_with().fix("seed.md", text.encode())
    assert outcome.text == real_seed_text()
    assert outcome.passes == [
        FixPass(text, real_seed_text(), (TextEdit(blanks, blanks + 2, ""),), ("W001",))
    ]


def test_the_linters_own_result_is_reused_and_a_finished_one_is_linted_again() -> None:
    text, _ = _with_trailing_blanks()
    fixer = _fixer_with()
    alone = fixer.fix("seed.md", text.encode())
    fresh = fixer.linter.lint_document(parse_text("seed.md", text))
    reused = fixer.fix("seed.md", text.encode(), fresh)
    finished = fixer.linter.lint_document(parse_text("seed.md", text))
    fixer.linter.finish([finished])  # drops the document: nothing to reuse
    assert finished.document is None
    again = fixer.fix("seed.md", text.encode(), finished)
    for outcome in (reused, again):
        assert (outcome.text, outcome.fixed, outcome.refused) == (
            alone.text,
            alone.fixed,
            alone.refused,
        )
        assert [f.code for f in outcome.findings] == [f.code for f in alone.findings]


def test_a_fix_that_changes_nothing_ends_the_loop_unrefused() -> None:
    text = real_seed_text()
    same = _replacing("Z940", "source: null\n", "source: null\n")
    outcome = _fixer_with(same).fix("seed.md", text.encode())
    assert (outcome.text, outcome.fixed, outcome.refused, outcome.passes) == (text, {}, {}, [])
    assert [f.code for f in outcome.findings if f.code == "Z940"] == ["Z940"]


def test_a_detached_result_shares_no_list_or_set_with_the_original() -> None:
    text = real_seed_text().replace("\n## Summary", "\n<!-- seedlint-disable W001 -->\n## Summary")
    result = _fixer_with().linter.lint_document(parse_text("seed.md", text))
    assert result.suppressions
    copy = detach(result)
    copy.findings.append(copy.findings[0] if copy.findings else None)  # type: ignore[arg-type]
    copy.errors.append("a crash")
    copy.suppressions[0].used.add("W001")
    assert "a crash" not in result.errors
    assert result.suppressions[0].used == set()
    assert len(result.findings) == len(copy.findings) - 1
