"""The results cache: hits, misses, exact invalidation, damage, concurrent processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from seedlint.cache import CACHE_FOLDER, DATABASE, CacheStats, open_for
from seedlint.config import load
from seedlint.context import RunContext
from seedlint.linter import Linter, Selection
from seedlint.parallel import check_files
from seedlint.registry import load_rules
from tests.scale.conftest import Corpus, check, debug_env, generate, stats_line

TODAY = dt.date(2026, 11, 26)


@dataclass
class Outcome:
    findings: list[dict[str, Any]]
    notes: list[str]
    stats: CacheStats


def run_once(
    root: Path,
    paths: list[Path],
    *,
    today: dt.date = TODAY,
    cache: bool = True,
    jobs: int = 1,
    **overrides: Any,
) -> Outcome:
    """One run in this process, as a fresh `seedlint check --offline` would do it."""
    configuration = load(root / "seedlint.toml", overrides or None)
    context = RunContext(configuration, today=today)
    selection = Selection.build(load_rules(), context, offline=True)
    linter = Linter(selection, context)
    store = open_for(linter, root) if cache else None
    results = check_files(linter, [str(path) for path in paths], jobs=jobs, cache=store)
    findings = [finding.to_dict() for result in results for finding in result.findings]
    for result, path in zip(results, paths, strict=True):
        assert result.path == str(path)
    return Outcome(findings, list(context.notes), store.stats if store else CacheStats())


def uncached(corpus: Corpus, **kwargs: Any) -> Outcome:
    return run_once(corpus.root, corpus.seeds, cache=False, **kwargs)


def test_a_warm_run_reads_every_result_from_the_cache(corpus: Corpus) -> None:
    cold = run_once(corpus.root, corpus.seeds)
    warm = run_once(corpus.root, corpus.seeds)

    assert cold.stats.linted == 60 and cold.stats.hits == 0
    assert warm.stats.hits == 60 and warm.stats.linted == 0
    assert warm.stats.corpus_reused
    assert warm.findings == cold.findings == uncached(corpus).findings
    assert {finding["code"] for finding in cold.findings} >= {"C001", "T001", "F104"}
    assert (corpus.root / CACHE_FOLDER / DATABASE).is_file()
    assert (corpus.root / CACHE_FOLDER / ".gitignore").read_text().endswith("*\n")


def test_one_changed_file_is_the_only_one_linted(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)
    changed = corpus.seeds[3]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nupload_date: twice\n")

    warm = run_once(corpus.root, corpus.seeds)

    assert warm.stats.linted == 1 and warm.stats.hits == 59
    assert not warm.stats.corpus_reused  # a summary changed: cross-file rules run again
    assert warm.findings == uncached(corpus).findings


def test_an_edit_that_keeps_the_summary_reuses_the_cross_file_results(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)
    changed = corpus.seeds[3]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n")

    warm = run_once(corpus.root, corpus.seeds)
    again = run_once(corpus.root, corpus.seeds)

    assert warm.stats.linted == 1 and warm.stats.corpus_same_summaries
    assert not warm.stats.corpus_reused  # the files changed: their summaries were read
    assert warm.findings == uncached(corpus).findings
    assert {finding["code"] for finding in warm.findings} >= {"C001"}
    # The results were stored under the new files too: no summary read the next time.
    assert again.stats.corpus_reused and again.findings == warm.findings


def test_an_edited_link_runs_the_cross_file_rules_again(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)
    before = uncached(corpus).findings
    source, target = corpus.seeds[3], corpus.seeds[4]
    link = next(
        line for line in source.read_text(encoding="utf-8").splitlines() if line.startswith("link:")
    )
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(link + "\n" if line.startswith("link:") else line for line in lines))

    warm = run_once(corpus.root, corpus.seeds)

    assert warm.stats.linted == 1
    assert not warm.stats.corpus_same_summaries and not warm.stats.corpus_reused
    assert warm.findings == uncached(corpus).findings != before
    duplicates = {finding["path"] for finding in warm.findings if finding["code"] == "C001"}
    assert {str(source), str(target)} <= duplicates


def test_a_touched_but_unchanged_file_is_hashed_not_linted(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)
    touched = corpus.seeds[0]
    os.utime(touched, ns=(1, 1))

    warm = run_once(corpus.root, corpus.seeds)

    assert warm.stats.linted == 0 and warm.stats.hits == 60


def test_a_file_rewritten_at_once_with_the_same_size_is_linted_again(tmp_path: Path) -> None:
    """The racy case: stat may not change within one clock tick; the bytes do."""
    corpus = generate(tmp_path / "vault", 3, seed=3, defect_rate=0)
    seed = corpus.seeds[0]
    text = seed.read_text(encoding="utf-8")
    run_once(corpus.root, corpus.seeds)
    seed.write_text(text.replace("type: ", "tipe: ", 1), encoding="utf-8")  # same size

    warm = run_once(corpus.root, corpus.seeds)

    assert warm.stats.linted == 1
    assert "F102" in {finding["code"] for finding in warm.findings}


def test_a_racily_clean_row_is_hashed_even_when_its_stat_is_unchanged(tmp_path: Path) -> None:
    """Issue 18's survivor: on a file system whose timestamps tick coarsely, a rewrite of
    the same size within one tick of the read leaves size, mtime and ctime as recorded.
    The signature is forced equal here (mtime put back with `os.utime`, the recorded
    signature set to the new stat, as such a file system would leave it) and the row says
    the bytes were read just after that change: only the racily-clean rule (a stat is
    trusted only well after the file's last change) makes the run hash the bytes."""
    corpus = generate(tmp_path / "vault", 3, seed=3, defect_rate=0)
    seed = corpus.seeds[0]
    text = seed.read_text(encoding="utf-8")
    run_once(corpus.root, corpus.seeds)
    recorded = os.stat(seed)
    seed.write_text(text.replace("type: ", "tipe: ", 1), encoding="utf-8")  # same size
    os.utime(seed, ns=(recorded.st_atime_ns, recorded.st_mtime_ns))
    status = os.stat(seed)
    assert (status.st_size, status.st_mtime_ns) == (recorded.st_size, recorded.st_mtime_ns)
    signature = f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"
    checked_ns = status.st_ctime_ns + 1_000_000  # read 1 ms after the change
    while time.time_ns() <= checked_ns:  # a row from the future would be refused anyway
        time.sleep(0.001)
    key = seed.relative_to(corpus.root).as_posix()
    with sqlite3.connect(corpus.root / CACHE_FOLDER / DATABASE) as connection:
        changed = connection.execute(
            "UPDATE results SET signature = ?, checked_ns = ? WHERE path = ?",
            (signature, checked_ns, key),
        ).rowcount
    connection.close()
    assert changed == 1

    warm = run_once(corpus.root, corpus.seeds)

    assert warm.stats.linted == 1 and warm.stats.hits == 2
    assert "F102" in {finding["code"] for finding in warm.findings}
    assert warm.findings == uncached(corpus).findings


def test_another_configuration_is_another_key(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)

    other = run_once(corpus.root, corpus.seeds, ignore=["F"])

    assert other.stats.hits == 0 and other.stats.linted == 60
    assert not any(finding["code"].startswith("F") for finding in other.findings)
    again = run_once(corpus.root, corpus.seeds)
    assert again.stats.hits == 60  # the first configuration's rows are still there


def _referencing(corpus: Corpus, reference: str) -> list[Path]:
    return [seed for seed in corpus.seeds if reference in seed.read_text(encoding="utf-8")]


def test_removing_a_topic_note_relints_exactly_the_seeds_that_use_it(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)
    note = max(corpus.topics, key=lambda path: len(_referencing(corpus, path.stem)))
    users = _referencing(corpus, note.stem)
    note.unlink()

    warm = run_once(corpus.root, corpus.seeds)

    assert warm.stats.replayed > 0
    assert 0 < warm.stats.linted <= len(users)
    assert warm.findings == uncached(corpus).findings
    missing = f"topics/{note.parent.name}/{note.stem}.md' does not exist"
    assert any(missing in finding["message"] for finding in warm.findings)


def test_adding_the_missing_topic_note_clears_its_broken_references(corpus: Corpus) -> None:
    first = run_once(corpus.root, corpus.seeds)
    broken = [finding for finding in first.findings if finding["code"] == "T001"]
    assert broken
    message = broken[0]["message"]
    key = message.split("'topics/", 1)[1].split(".md'", 1)[0]
    note = corpus.root / "topics" / f"{key}.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text("---\ntype: Concept\n---\n", encoding="utf-8")

    warm = run_once(corpus.root, corpus.seeds)

    assert warm.stats.linted >= 1 and warm.stats.hits >= 50
    assert message not in [finding["message"] for finding in warm.findings]
    assert warm.findings == uncached(corpus).findings


def test_no_topics_folder_is_said_again_by_a_warm_run(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "vault", 5, seed=1, defect_rate=0)
    (corpus.root / "topics").rename(tmp_path / "elsewhere")

    cold = run_once(corpus.root, corpus.seeds)
    warm = run_once(corpus.root, corpus.seeds)

    assert warm.stats.hits == 5
    assert cold.notes == warm.notes and len(warm.notes) == 1
    assert "no topics folder" in warm.notes[0]


def test_results_survive_midnight_unless_a_date_crosses_today(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "vault", 4, seed=5, defect_rate=0)
    future = corpus.seeds[0]
    text = future.read_text(encoding="utf-8")
    start = text.index("upload_date: '") + len("upload_date: '")
    future.write_text(text[:start] + "2026-11-27" + text[start + 10 :], encoding="utf-8")

    today = run_once(corpus.root, corpus.seeds, today=TODAY)
    tomorrow = run_once(corpus.root, corpus.seeds, today=TODAY + dt.timedelta(days=1))
    next_day = run_once(corpus.root, corpus.seeds, today=TODAY + dt.timedelta(days=2))

    assert [f["code"] for f in today.findings] == ["F205"]
    # The 27th is not after the 27th: that seed alone is linted again; the other seeds'
    # comparisons with today come out the same, so their results still hold.
    assert tomorrow.stats.replayed == 4
    assert (tomorrow.stats.hits, tomorrow.stats.linted) == (3, 1) and not tomorrow.findings
    assert next_day.stats.linted == 0 and not next_day.findings


def test_unused_suppressions_are_reported_from_the_cache(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "vault", 2, seed=2, defect_rate=0)
    seed = corpus.seeds[0]
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("## Summary", "## Summary <!-- seedlint-disable-line W001 -->"))

    cold = run_once(corpus.root, corpus.seeds)
    warm = run_once(corpus.root, corpus.seeds)

    assert [f["code"] for f in cold.findings] == ["X001"]
    assert warm.stats.hits == 2 and warm.findings == cold.findings
    assert warm.findings[0]["fix"]["edits"]


def test_a_corrupt_database_is_rebuilt(corpus: Corpus) -> None:
    expected = check(corpus.root)
    database = corpus.root / CACHE_FOLDER / DATABASE
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"this is not a database" * 100)

    damaged = check(corpus.root, env=debug_env())
    again = check(corpus.root, env=debug_env())

    assert damaged.stdout == expected.stdout and damaged.returncode == 1
    assert "linted=60" in stats_line(damaged)
    assert "hits=60" in stats_line(again)
    assert not damaged.stderr.replace(stats_line(damaged), "").strip()


def test_a_damaged_row_is_a_miss(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)
    database = corpus.root / CACHE_FOLDER / DATABASE
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE results SET result = x'80054b', summary = x'00ff'")
    connection.close()

    warm = run_once(corpus.root, corpus.seeds)

    assert warm.findings == uncached(corpus).findings
    assert warm.stats.linted > 0


def test_a_row_cannot_make_the_cache_run_code(corpus: Corpus, tmp_path: Path) -> None:
    import pickle

    run_once(corpus.root, corpus.seeds)
    marker = tmp_path / "pwned"
    evil = pickle.dumps(os.system)[:-1]  # a global the unpickler must refuse
    payload = pickle.dumps((os.system, (f"touch {marker}",)))
    with sqlite3.connect(corpus.root / CACHE_FOLDER / DATABASE) as connection:
        connection.execute("UPDATE results SET result = ?", (payload,))
    connection.close()

    warm = run_once(corpus.root, corpus.seeds)

    assert evil and not marker.exists()
    assert warm.findings == uncached(corpus).findings


def test_a_deleted_cache_folder_is_recreated(corpus: Corpus) -> None:
    import shutil

    run_once(corpus.root, corpus.seeds)
    shutil.rmtree(corpus.root / CACHE_FOLDER)

    again = run_once(corpus.root, corpus.seeds)

    assert again.stats.linted == 60
    assert run_once(corpus.root, corpus.seeds).stats.hits == 60


def test_an_unusable_cache_folder_only_costs_time(corpus: Corpus) -> None:
    (corpus.root / CACHE_FOLDER).write_text("a file where the folder should be")

    ran = check(corpus.root)

    assert ran.returncode == 1 and ran.stdout == check(corpus.root, "--no-cache").stdout
    assert "Traceback" not in ran.stderr


def test_no_cache_neither_reads_nor_writes(corpus: Corpus) -> None:
    ran = check(corpus.root, "--no-cache")

    assert ran.returncode == 1
    assert not (corpus.root / CACHE_FOLDER).exists()


def test_paths_follow_the_invocation_not_the_cache(corpus: Corpus) -> None:
    first = check(corpus.root, "--format", "json")
    dotted = check(corpus.root, "--format", "json", env=debug_env())
    shown = seedlint_json(corpus.root, "./contents")

    assert "hits=60" in stats_line(dotted)
    assert json.loads(first.stdout)["findings"] == json.loads(dotted.stdout)["findings"]
    assert all(finding["path"].startswith("./contents/") for finding in shown)
    assert [f["path"][2:] for f in shown] == [
        f["path"] for f in json.loads(first.stdout)["findings"]
    ]


def seedlint_json(root: Path, target: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "seedlint", "check", "--offline", "--format", "json", target],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    findings: list[dict[str, Any]] = json.loads(done.stdout)["findings"]
    return findings


def test_concurrent_processes_share_the_cache(corpus: Corpus) -> None:
    expected = check(corpus.root, "--no-cache").stdout
    command = [sys.executable, "-m", "seedlint", "check", "--offline", "contents"]
    processes = [
        subprocess.Popen(
            command, cwd=corpus.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]

    assert [process.returncode for process in processes] == [1, 1, 1, 1]
    assert all(stdout == expected and stderr == "" for stdout, stderr in outputs)
    warm = check(corpus.root, env=debug_env())
    assert warm.stdout == expected
    assert "hits=60" in stats_line(warm)
    with sqlite3.connect(corpus.root / CACHE_FOLDER / DATABASE) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


@pytest.mark.parametrize("jobs", [1, 2])
def test_cold_warm_and_uncached_runs_print_the_same_bytes(corpus: Corpus, jobs: int) -> None:
    for output in ("text", "json"):
        flags = ["--jobs", str(jobs), "--format", output]
        expected = check(corpus.root, "--no-cache", *flags)
        assert check(corpus.root, *flags).stdout == expected.stdout
        assert check(corpus.root, *flags).stdout == expected.stdout


def test_a_pre_commit_batch_keeps_the_vaults_cross_file_results(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)
    batch = run_once(corpus.root, corpus.seeds[:2])  # as pre-commit passes staged files
    vault = run_once(corpus.root, corpus.seeds)

    assert batch.stats.hits == 2 and not batch.stats.corpus_reused
    assert vault.stats.hits == 60 and vault.stats.corpus_reused


def test_a_few_files_read_only_their_own_rows(corpus: Corpus) -> None:
    run_once(corpus.root, corpus.seeds)
    configuration = load(corpus.root / "seedlint.toml")
    context = RunContext(configuration, today=TODAY)
    selection = Selection.build(load_rules(), context, offline=True)
    store = open_for(Linter(selection, context), corpus.root)

    keys = [path.relative_to(corpus.root).as_posix() for path in corpus.seeds]
    store.load([keys[5], "contents/no such file.md"])

    assert list(store.rows) == [keys[5]]
    store.load(keys)
    assert len(store.rows) == 60
    store.save()


def test_a_vault_restored_elsewhere_keeps_its_cache(corpus: Corpus, tmp_path: Path) -> None:
    """As CI restores `.seedlint_cache/` into a fresh checkout in another folder."""
    import shutil

    run_once(corpus.root, corpus.seeds)
    moved = tmp_path / "elsewhere"
    shutil.copytree(corpus.root, moved)
    seeds = [moved / path.relative_to(corpus.root) for path in corpus.seeds]

    there = run_once(moved, seeds)

    assert there.stats.hits == 60 and there.stats.linted == 0
    assert there.findings == run_once(moved, seeds, cache=False).findings


def test_an_edited_rule_module_changes_the_key(tmp_path: Path) -> None:
    from seedlint.cache.runkey import _source_stamps

    package = tmp_path / "plugin"
    package.mkdir()
    module = package / "rules.py"
    module.write_text("RULES = ()\n")
    before = list(_source_stamps(str(package)))
    module.write_text("RULES = ((),)\n")
    (package / "helpers.py").write_text("")

    after = list(_source_stamps(str(package)))

    assert len(before) == 1 and len(after) == 2 and before[0] not in after


#: `seedlint check` in a fresh process, then which of the parsers' modules it loaded.
_CHECK_AND_MODULES = (
    "import sys\n"
    "from seedlint.cli import main\n"
    "code = main(['check', '--offline', '--quiet', '--jobs', '1', 'contents'])\n"
    "print(code, 'yaml' in sys.modules, 'seedlint._yaml_reader' in sys.modules)\n"
)


def _check_in_fresh_process(root: Path) -> str:
    worktree = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _CHECK_AND_MODULES],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(worktree)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_a_warm_run_never_loads_the_yaml_reader(corpus: Corpus) -> None:
    # Every result comes from the cache: no front matter is read, so pyyaml (a tenth of
    # the start-up) is never imported; a cold run and one edited seed need it.
    assert _check_in_fresh_process(corpus.root) == "1 True True"
    assert _check_in_fresh_process(corpus.root) == "1 False False"
    edited = corpus.seeds[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n")
    assert _check_in_fresh_process(corpus.root) == "1 True True"
