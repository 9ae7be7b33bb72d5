"""Which files a run lints, and with which settings: topic notes are never seeds,
`include`, `exclude` / `force-exclude`, git's ignore files, the vault found above the
paths, `--show-files` and `--show-settings`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REAL_SEED_TOPICS, real_seed_text, run, write

TOPIC_NOTE = "---\ntype: Concept\n---\n\nA topic note: no link, no sections.\n"


def make_vault(root: Path, config: str | None = "") -> Path:
    """Seeds under `contents/`, topic notes under `topics/Concept/`; `config` None: no
    configuration file at all."""
    if config is not None:
        write(root / "seedlint.toml", config)
    for name in REAL_SEED_TOPICS:
        write(root / f"topics/Concept/{name}.md", TOPIC_NOTE)
    write(root / "contents/a.md", real_seed_text())
    other = real_seed_text().replace("thoughts-on-the-2024-ai-job-market", "another-post")
    write(root / "contents/b.md", other)
    return root


def show_files(capsys: pytest.CaptureFixture[str], *args: str | Path) -> list[str]:
    code, out, err = run(capsys, "check", "--offline", "--no-cache", "--show-files", *args)
    assert code == 0, err
    return out.splitlines()


def relative(lines: list[str], root: Path) -> list[str]:
    return sorted(Path(line).resolve().relative_to(root.resolve()).as_posix() for line in lines)


# -- topic notes are never seeds ---------------------------------------------------------


def test_named_topic_notes_are_not_linted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = make_vault(tmp_path / "vault")
    notes = sorted(str(path) for path in (vault / "topics").rglob("*.md"))
    seeds = [str(vault / "contents/a.md"), str(vault / "contents/b.md")]

    code, out, err = run(capsys, "check", "--offline", "--no-cache", *seeds, *notes)

    assert code == 0, out + err
    assert out == "All checks passed (2 files).\n"
    assert f"6 paths are topic notes (inside {vault.resolve() / 'topics'}), not a seed" in err


def test_the_topics_folder_named_is_not_walked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = make_vault(tmp_path / "vault")
    assert show_files(capsys, vault / "topics", vault / "contents/a.md") == [
        str(vault / "contents/a.md")
    ]
    assert relative(show_files(capsys, vault), vault) == ["contents/a.md", "contents/b.md"]


# -- include, exclude, force-exclude ----------------------------------------------------------


def test_include_chooses_what_a_walk_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = make_vault(tmp_path / "vault", 'include = ["contents/a.*", "*.markdown"]\n')
    write(vault / "contents/c.markdown", real_seed_text())
    write(vault / "notes.txt", "not a seed\n")
    assert relative(show_files(capsys, vault), vault) == ["contents/a.md", "contents/c.markdown"]
    # A named file is linted whatever its name, as ruff does.
    assert show_files(capsys, vault / "notes.txt") == [str(vault / "notes.txt")]


def test_exclude_applies_to_named_files_only_with_force_exclude(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = make_vault(tmp_path / "vault", 'exclude = ["drafts/", "*.tmp.md"]\n')
    draft = write(vault / "drafts/deep/d.md", real_seed_text())
    scratch = write(vault / "contents/x.tmp.md", real_seed_text())
    seed = vault / "contents/a.md"
    assert relative(show_files(capsys, vault), vault) == ["contents/a.md", "contents/b.md"]
    named = [str(draft), str(scratch), str(seed)]
    assert sorted(show_files(capsys, *named)) == sorted(named)
    assert show_files(capsys, "--force-exclude", *named) == [str(seed)]
    write(vault / "seedlint.toml", 'exclude = ["drafts/", "*.tmp.md"]\nforce-exclude = true\n')
    assert show_files(capsys, *named) == [str(seed)]
    assert sorted(show_files(capsys, "--no-force-exclude", *named)) == sorted(named)


def test_exclude_globs_follow_gitignore_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = make_vault(tmp_path / "vault", 'exclude = ["/contents/b.md", "old", "!old/keep.md"]\n')
    write(vault / "archive/old/x.md", real_seed_text())
    write(vault / "old/keep.md", real_seed_text())
    write(vault / "sub/contents/b.md", real_seed_text())
    assert relative(show_files(capsys, vault), vault) == [
        "contents/a.md",
        "sub/contents/b.md",  # `/contents/b.md` is anchored at the configuration folder
    ]


# -- git's ignore files ------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's git configuration of its own, so the machine's does not leak in."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg"))
    from seedlint import walk

    walk._global_excludes_file.cache_clear()
    yield home
    walk._global_excludes_file.cache_clear()


@pytest.mark.skipif(not os.path.exists("/usr/bin/git"), reason="git is not installed")
def test_git_info_exclude_and_core_excludes_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], git_home: Path
) -> None:
    vault = make_vault(tmp_path / "vault")
    _git(vault, "init", "-q")
    write(vault / ".git/info/exclude", "contents/a.md\n")
    write(git_home / "global-ignore", "private/\n")
    write(git_home / "gitconfig", f"[core]\n\texcludesFile = {git_home / 'global-ignore'}\n")
    write(vault / "private/p.md", real_seed_text())
    write(vault / "kept/k.md", real_seed_text())
    write(vault / ".gitignore", "kept/*\n!kept/k.md\n")
    write(vault / "kept/gone.md", real_seed_text())

    assert relative(show_files(capsys, vault), vault) == ["contents/b.md", "kept/k.md"]
    # Walked from below the root, the root's ignore files still count.
    assert relative(show_files(capsys, vault / "contents"), vault) == ["contents/b.md"]


@pytest.mark.skipif(not os.path.exists("/usr/bin/git"), reason="git is not installed")
def test_default_global_excludes_file_and_a_git_file_as_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], git_home: Path
) -> None:
    main = tmp_path / "main"
    main.mkdir()
    _git(main, "init", "-q")
    identity = ("-c", "user.name=t", "-c", "user.email=t@t")
    _git(main, *identity, "commit", "-q", "--allow-empty", "-m", "x")
    worktree = tmp_path / "worktree"
    _git(main, "worktree", "add", "-q", str(worktree))
    assert (worktree / ".git").is_file()
    make_vault(worktree)
    # An ignore file above the worktree must not count: the `.git` file marks the root.
    write(tmp_path / ".gitignore", "contents/\n")
    write(main / ".git/info/exclude", "contents/b.md\n")  # shared by the worktrees
    write(git_home / "xdg/git/ignore", "*.draft.md\n")  # git's default excludesFile
    write(worktree / "contents/c.draft.md", real_seed_text())

    assert relative(show_files(capsys, worktree), worktree) == ["contents/a.md"]


# -- the vault found above the paths -----------------------------------------------------------


def _topics_origin(out: str) -> tuple[str, str]:
    facts = dict(line.split(": ", 1) for line in out.split("\n\n")[0].splitlines())
    return facts["topics root"], facts["topics root from"]


def test_without_configuration_the_vault_above_is_the_topics_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(tmp_path / "notes/vault", config=None)
    write(vault / "contents/broken.md", real_seed_text().replace("Pre%20training", "Pre%20trainin"))
    monkeypatch.chdir(tmp_path)

    code, out, err = run(capsys, "check", "--offline", "--no-cache", "notes/vault/contents")

    assert code == 1, err
    assert "T001" in out and "broken.md" in out
    assert "no topics folder" not in err
    code, out, _ = run(capsys, "check", "--show-settings", "notes/vault/contents/a.md")
    assert code == 0
    root, origin = _topics_origin(out)
    assert root == str(vault.resolve())
    assert origin.startswith("found above the linted path")


def test_an_obsidian_folder_marks_the_vault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "v"
    (vault / ".obsidian").mkdir(parents=True)
    write(vault / "deep/er/a.md", real_seed_text())
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "check", "--show-settings", "v/deep/er/a.md")
    assert _topics_origin(out)[0] == str(vault.resolve())


def test_the_search_stops_at_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "topics").mkdir()  # an outer vault the clone must not borrow
    write(tmp_path / "clone/.git", "gitdir: /nowhere\n")
    write(tmp_path / "clone/seeds/a.md", real_seed_text())
    monkeypatch.chdir(tmp_path / "clone")
    _, out, _ = run(capsys, "check", "--show-settings", "seeds/a.md")
    root, origin = _topics_origin(out)
    assert root == str((tmp_path / "clone").resolve())
    assert origin.startswith("the working folder")


# -- --show-settings -------------------------------------------------------------------------


def test_show_settings_says_where_each_value_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = make_vault(
        tmp_path / "vault",
        'ignore = ["F204"]\n[per-file-ignores]\n"contents/*" = ["W001"]\n[links]\ntimeout = 3\n',
    )
    config = vault / "seedlint.toml"
    code, out, err = run(
        capsys, "check", "--show-settings", "--select", "F,W", "--no-cache", vault / "contents"
    )
    assert code == 0, err
    facts, table = out.split("\n\n", 1)
    assert f"file: {vault / 'contents/a.md'}" in facts
    assert f"configuration: {config}" in facts
    assert "per-file-ignores for this file: W001" in facts
    rows = {line.split(" = ")[0]: line for line in table.splitlines()}
    assert rows["select"].startswith('select = ["F", "W"]')
    assert rows["select"].endswith("# command line")
    assert rows["ignore"].endswith(f"# {config}")
    assert rows["extend-select"].endswith("# default")
    assert rows["links.timeout"].startswith("links.timeout = 3.0")
    assert rows["links.timeout"].endswith(f"# {config}")
    assert rows["links.cache"].startswith("links.cache = false")
    assert rows["links.cache"].endswith("# command line")
    assert rows["tag-pattern"].endswith("# default")


def test_show_settings_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = make_vault(tmp_path / "vault", 'select = ["broken-topic-ref"]\n')
    code, out, _ = run(
        capsys, "check", "--show-settings", "--format", "json", vault / "contents/a.md"
    )
    assert code == 0
    data = json.loads(out)
    assert data["configuration"] == str(vault / "seedlint.toml")
    # Rule names are shown as the codes they select.
    assert data["settings"]["select"] == {"value": ["T001"], "origin": str(vault / "seedlint.toml")}
    assert data["settings"]["ignore"] == {"value": [], "origin": "default"}


def test_show_files_in_a_real_process_prints_nothing_else(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    result = subprocess.run(
        [sys.executable, "-m", "seedlint", "check", "--show-files", "."],
        cwd=vault,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Named as the run's report names them.
    expected = ["./contents/a.md", "./contents/b.md"]
    assert result.stdout == "".join(f"{path}\n".replace("/", os.sep) for path in expected)
    assert result.stderr == ""


def test_standard_input_named_as_a_topic_note_is_not_linted(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    note = "no front matter, trailing blanks   \n"

    def piped(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "seedlint", *args, "--offline", "--no-cache", "-"],
            cwd=vault,
            input=note.encode(),
            capture_output=True,
            check=False,
        )

    checked = piped("check", "--format", "json", "--stdin-filename", "topics/Concept/x.md")
    fixed = piped("fix", "--stdin-filename", "topics/Concept/x.md")
    as_seed = piped("check", "--format", "json", "--stdin-filename", "contents/x.md")

    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["findings"] == []
    assert fixed.returncode == 0 and fixed.stdout == note.encode()
    assert as_seed.returncode == 1
    assert json.loads(as_seed.stdout)["findings"]
