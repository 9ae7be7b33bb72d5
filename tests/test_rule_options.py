"""Rules own their options and declare their inputs: the worked example (a controlled
vocabulary plugin, installed through entry-point metadata as pip leaves it), F102's
`policy`, and the network input that replaced the hard-coded network codes.

Plugins run in real subprocesses with a site folder on their PYTHONPATH (see
tests/test_plugins.py); the test venv is never modified.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import pytest

from seedlint import api
from seedlint.config import ConfigError, load
from seedlint.context import RunContext
from seedlint.findings import Severity
from seedlint.linter import Linter, Selection
from seedlint.registry import load_rules
from seedlint.rule_options import InputFile, RuleOptions, resolve_options
from tests.helpers import FRONT_KEYS, SHORT_BODY, run, write
from tests.test_plugins import Site as PluginSite
from tests.test_plugins import assert_one_line_error

PLUGIN = Path(__file__).resolve().parent.parent / "examples" / "plugins" / "seedlint-vocab"


class Site(PluginSite):
    """The plugin folder in front of the PYTHONPATH the tests run with, so that the
    subprocess imports the seedlint under test (a worktree's), not the installed one."""

    def run(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        inherited = os.environ.get("PYTHONPATH", "")
        path = os.pathsep.join(part for part in (str(self.root), inherited) if part)
        env = {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1"}
        return subprocess.run(
            [sys.executable, "-m", "seedlint", *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """The example plugin installed as pip installs it: its package and a `.dist-info`
    folder whose `entry_points.txt` names it."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copytree(PLUGIN / "seedlint_vocab", root / "seedlint_vocab")
    info = root / "seedlint_vocab-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: seedlint-vocab\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[seedlint.rules]\nvocab = seedlint_vocab:RULES\n", encoding="utf-8"
    )
    return Site(root)


def tagged(*tags: str) -> str:
    lines = "".join(f"- {tag}\n" for tag in tags)
    front = FRONT_KEYS.replace("source: null\n", f"source: null\ntags:\n{lines}")
    return f"---\n{front}---\n{SHORT_BODY}"


def vault(tmp_path: Path, config: str, vocabulary: str = "Machine_Learning\nNLP\n") -> Path:
    folder = tmp_path / "vault"
    write(folder / "seedlint.toml", config)
    write(folder / "vocabulary.txt", vocabulary)
    write(folder / "a.md", tagged("Machine_Learning", "MachineLearning"))
    write(folder / "b.md", tagged("NLP"))
    return folder


VOCAB = '[rules.vocab]\nfile = "vocabulary.txt"\n'


def check(site: Site, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`seedlint check` of the whole folder; paths in the output without their `./`."""
    result = site.run(
        "check", "--offline", "--select", "Z", "--format", "concise", *args, cwd=folder
    )
    result.stdout = "".join(line.removeprefix("./") for line in result.stdout.splitlines(True))
    return result


def stats(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("seedlint: cache:")]
    assert lines, result.stderr
    return lines[-1]


# -- the worked example ---------------------------------------------------------------------


def test_vocabulary_rule_reports_the_tag_at_its_place(site: Site, tmp_path: Path) -> None:
    folder = vault(tmp_path, VOCAB)
    result = check(site, folder)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        "a.md:9:3: Z201 tag 'MachineLearning' is not in the vocabulary"
        " (did you mean 'Machine_Learning'?)"
    )
    assert "b.md" not in result.stdout


def test_vocabulary_option_in_pyproject_by_code(site: Site, tmp_path: Path) -> None:
    folder = vault(tmp_path, "")
    (folder / "seedlint.toml").unlink()
    write(
        folder / "pyproject.toml",
        '[tool.seedlint.rules.Z201]\nfile = "vocabulary.txt"\nignore-case = true\n',
    )
    write(folder / "b.md", tagged("nlp", "Transformers"))
    result = check(site, folder)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "a.md:9:3: Z201 tag 'MachineLearning' is not in the vocabulary"
        " (did you mean 'Machine_Learning'?)",
        "b.md:9:3: Z201 tag 'Transformers' is not in the vocabulary",
    ]


def test_without_its_file_option_the_rule_checks_nothing(site: Site, tmp_path: Path) -> None:
    folder = vault(tmp_path, "")
    assert check(site, folder).returncode == 0


@pytest.mark.parametrize(
    ("config", "parts"),
    [
        (
            '[rules.vocab]\nfille = "vocabulary.txt"\n',
            [
                "seedlint.toml: unknown configuration key 'rules.vocab.fille'",
                "(did you mean 'file'?)",
            ],
        ),
        (
            VOCAB + 'ignore-case = "sometimes"\n',
            ["seedlint.toml: invalid value for 'rules.vocab.ignore-case'", "'sometimes'"],
        ),
        (
            '[rules.vocabb]\nfile = "vocabulary.txt"\n',
            ["seedlint.toml: unknown rule 'rules.vocabb'", "(did you mean 'vocab'?)"],
        ),
        (
            '[rules.Z2O1]\nfile = "vocabulary.txt"\n',
            ["unknown rule 'rules.Z2O1'", "(did you mean 'Z201'?)"],
        ),
        ('[rules.T001]\nstyle = "x"\n', ["rule T001 (broken-topic-ref) has no options"]),
        ('[rules.vocab]\nfile = "missing.txt"\n', ["'rules.Z201.file' (missing.txt)", "No such"]),
        ('[rules.vocab]\nfile = "../outside.txt"\n', ["leads outside the configuration's folder"]),
        ('[rules]\nvocab = "vocabulary.txt"\n', ["invalid value for 'rules.vocab'"]),
    ],
)
def test_bad_rule_options_are_one_line_errors(
    site: Site, tmp_path: Path, config: str, parts: list[str]
) -> None:
    folder = vault(tmp_path, config)
    write(tmp_path / "outside.txt", "NLP\n")
    result = check(site, folder)
    assert_one_line_error(result, *parts)


def test_a_symbolic_link_out_of_the_folder_is_refused(site: Site, tmp_path: Path) -> None:
    folder = vault(tmp_path, VOCAB)
    write(tmp_path / "elsewhere.txt", "MachineLearning\n")
    (folder / "vocabulary.txt").unlink()
    (folder / "vocabulary.txt").symlink_to(tmp_path / "elsewhere.txt")
    assert_one_line_error(check(site, folder), "leads outside the configuration's folder")


def test_a_disabled_rule_needs_no_file(site: Site, tmp_path: Path) -> None:
    folder = vault(tmp_path, '[rules.vocab]\nfile = "missing.txt"\n')
    result = site.run("check", "--offline", "--select", "F", "a.md", "b.md", cwd=folder)
    assert result.returncode == 0, result.stderr


def test_cached_by_the_vocabulary_bytes(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEDLINT_DEBUG", "1")  # the cache's counts, on stderr
    debug_check = check
    folder = vault(tmp_path, VOCAB)
    cold = debug_check(site, folder)
    assert "linted=2" in stats(cold) and cold.returncode == 1

    # Touched, same bytes: every result still comes from the cache.
    vocabulary = folder / "vocabulary.txt"
    later = vocabulary.stat().st_mtime + 100
    os.utime(vocabulary, (later, later))
    touched = debug_check(site, folder)
    assert "hits=2" in stats(touched) and "linted=0" in stats(touched)
    assert touched.stdout == cold.stdout

    # Another name, same bytes: the key is the content, not the path.
    vocabulary.rename(folder / "tags.txt")
    write(folder / "seedlint.toml", '[rules.vocab]\nfile = "tags.txt"\n')
    renamed = debug_check(site, folder)
    assert "hits=2" in stats(renamed), renamed.stderr
    assert renamed.stdout == cold.stdout

    # Other bytes: the seeds are checked again, without --no-cache.
    write(folder / "tags.txt", "Machine_Learning\nMachineLearning\nNLP\n")
    edited = debug_check(site, folder)
    assert "linted=2" in stats(edited)
    assert edited.returncode == 0, edited.stdout
    write(folder / "tags.txt", "Machine_Learning\n")
    again = debug_check(site, folder)
    assert again.stdout.splitlines()[:2] == [
        "a.md:9:3: Z201 tag 'MachineLearning' is not in the vocabulary"
        " (did you mean 'Machine_Learning'?)",
        "b.md:8:3: Z201 tag 'NLP' is not in the vocabulary",
    ]


def test_explained_with_its_option(site: Site, tmp_path: Path) -> None:
    folder = vault(tmp_path, VOCAB)
    explained = site.run("rule", "Z201", cwd=folder)
    assert explained.returncode == 0, explained.stderr
    text = explained.stdout
    assert text.startswith("# tag-not-in-vocabulary (Z201)\n\nDefault severity: warning.")
    assert (
        '- `file` (file, optional), default unset; in force: "vocabulary.txt" '
        f"(from {folder / 'seedlint.toml'})"
    ) in text
    assert "- `ignore-case` (bool), default false\n" in text
    assert "Reads beyond the file: the file named by `file`." in text
    data = json.loads(site.run("rule", "Z201", "--format", "json", cwd=folder).stdout)
    assert [(o["key"], o["default"], o["value"]) for o in data["options"]] == [
        ("file", None, "vocabulary.txt"),
        ("ignore-case", False, False),
    ]
    # A broken table does not stop the documentation: said, and the defaults shown.
    write(folder / "seedlint.toml", "[rules.vocab]\nfil = 1\n")
    broken = site.run("rule", "Z201", cwd=folder)
    assert broken.returncode == 0
    assert "unknown configuration key 'rules.vocab.fil'" in broken.stderr
    assert "in force" not in broken.stdout


def test_the_code_table_wins_over_the_plugin_table(site: Site, tmp_path: Path) -> None:
    folder = vault(tmp_path, VOCAB + "ignore-case = false\n[rules.Z201]\nignore-case = true\n")
    write(folder / "b.md", tagged("nlp"))
    result = check(site, folder)
    assert "b.md" not in result.stdout and "a.md:9:3: Z201" in result.stdout


# -- F102's own option -----------------------------------------------------------------------


def f102_vault(tmp_path: Path, config: str) -> Path:
    write(tmp_path / "seedlint.toml", config)
    write(tmp_path / "a.md", f"---\n{FRONT_KEYS}colour: blue\n---\n{SHORT_BODY}")
    return tmp_path


def f102_severities(capsys: pytest.CaptureFixture[str], folder: Path) -> list[str]:
    code, out, err = run(
        capsys, "check", "--offline", "--select", "F102", "--format", "json", folder
    )
    assert code in (0, 1), err
    return [finding["severity"] for finding in json.loads(out)["findings"]]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", ["warning"]),
        ('unknown-keys = "error"\n', ["error"]),  # the older key still works
        ('unknown-keys = "allow"\n', []),
        ('[rules.F102]\npolicy = "error"\n', ["error"]),
        ('[rules.unknown-key]\npolicy = "allow"\n', []),
        ('unknown-keys = "error"\n[rules.F102]\npolicy = "warn"\n', ["warning"]),  # table wins
        ('[rules.F102]\npolicy = "error"\n[severity]\nF102 = "info"\n', ["info"]),
    ],
)
def test_f102_policy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, config: str, expected: list[str]
) -> None:
    assert f102_severities(capsys, f102_vault(tmp_path, config)) == expected


def test_f102_policy_change_is_not_served_stale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = f102_vault(tmp_path, "")
    assert f102_severities(capsys, folder) == ["warning"]
    write(folder / "seedlint.toml", '[rules.F102]\npolicy = "error"\n')
    assert f102_severities(capsys, folder) == ["error"]
    write(folder / "seedlint.toml", '[rules.F102]\npolicy = "allow"\n')
    assert f102_severities(capsys, folder) == []


def test_f102_bad_policy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = f102_vault(tmp_path, '[rules.F102]\npolicy = "loud"\n')
    code, _, err = run(capsys, "check", "--offline", folder)
    assert code == 2
    assert err.startswith(f"seedlint: error: {folder / 'seedlint.toml'}: invalid value for ")
    assert "'rules.F102.policy'" in err and "'loud'" in err and len(err.splitlines()) == 1


def test_library_callers_get_rule_options(tmp_path: Path) -> None:
    folder = f102_vault(tmp_path, '[rules.F102]\npolicy = "error"\n')
    config = api.load_config(folder)
    text = (folder / "a.md").read_text(encoding="utf-8")
    findings = [f for f in api.check_text(text, str(folder / "a.md"), config) if f.code == "F102"]
    assert [(f.line, f.column, f.severity) for f in findings] == [(9, 1, Severity.ERROR)]
    write(folder / "seedlint.toml", "[rules.F102]\npolicies = 1\n")
    with pytest.raises(ConfigError, match=r"unknown configuration key 'rules.F102.policies'"):
        api.check_text(text, str(folder / "a.md"), api.load_config(folder))


# -- declared inputs --------------------------------------------------------------------------


def test_built_in_network_rules_are_found_by_their_declared_input() -> None:
    rules = load_rules()
    configuration = load(None)
    offline = Selection.build(rules, RunContext(configuration), offline=True)
    online = Selection.build(rules, RunContext(configuration), offline=False)
    assert online.enabled - offline.enabled == {"L001", "L002", "L004", "L007"}
    assert online.volatile == {"L001", "L002", "L004", "L007"}
    assert offline.volatile == frozenset()


ORACLE = '''
from pathlib import Path

from seedlint.findings import Position
from seedlint.rule import CorpusProblem, corpus_rule
from seedlint.rule_options import Inputs


def _answer(seeds):
    # Stands in for a server's answer: a file next to the seeds, read at every run.
    answer = Path(seeds[0].path).parent / "answer"
    for seed in seeds:
        yield CorpusProblem(
            seed.path, "{code}", Position(1, 1), Position(1, 4), answer.read_text().strip()
        )


@corpus_rule("{code}", "{name}", "Asks an oracle.", inputs=Inputs(network={network}))
def oracle(seeds, context):
    """Asks an oracle about every seed."""
    yield from _answer(seeds)


RULES = [oracle]
'''


@pytest.mark.parametrize("network", [True, False])
def test_a_network_rule_is_never_served_from_the_cache(
    tmp_path: Path, network: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The oracle asks no real network: the suite's "no network" switch may be lifted.
    monkeypatch.delenv("SEEDLINT_OFFLINE")
    site = Site(tmp_path / "site")
    site.root.mkdir()
    source = ORACLE.format(code="Z301", name="oracle", network=network)
    site.plugin("seedlint-oracle", "seedlint_oracle", textwrap.dedent(source))
    folder = tmp_path / "vault"
    write(folder / "a.md", f"---\n{FRONT_KEYS}---\n{SHORT_BODY}")
    write(folder / "seedlint.toml", "")
    write(folder / "answer", "first")

    def ask(*flags: str) -> str:
        result = site.run(
            "check", "--select", "Z", "--format", "concise", *flags, "a.md", cwd=folder
        )
        assert result.returncode in (0, 1), result.stderr
        return result.stdout.splitlines()[0] if result.returncode == 1 else ""

    assert ask() == "a.md:1:1: Z301 first"
    write(folder / "answer", "second")
    # Declared: asked again at every run. Undeclared, the rule is taken for a pure
    # function of the seeds, and its last answer is reused while no seed changed.
    assert ask() == ("a.md:1:1: Z301 second" if network else "a.md:1:1: Z301 first")
    assert ask("--offline") == ("" if network else "a.md:1:1: Z301 first")


def test_a_file_rule_reading_the_network_is_never_cached(tmp_path: Path) -> None:
    class Nothing(RuleOptions):
        pass

    from seedlint.parallel import cache_for, check_files
    from seedlint.rule import rule
    from seedlint.rule_options import Inputs

    calls: list[str] = []

    @rule("Z401", "asks-the-network", "Asks.", inputs=Inputs(network=True), options=Nothing)
    def asks(doc, context):  # type: ignore[no-untyped-def]
        calls.append(doc.path)
        return iter(())

    write(tmp_path / "a.md", f"---\n{FRONT_KEYS}---\n{SHORT_BODY}")
    write(tmp_path / "seedlint.toml", "")
    configuration = load(tmp_path / "seedlint.toml")
    rules = {**load_rules(), "Z401": asks}
    for _ in range(2):
        context = RunContext(configuration)
        linter = Linter(Selection.build(rules, context, offline=False), context)
        assert "Z401" in linter.selection.volatile
        check_files(linter, [str(tmp_path / "a.md")], cache=cache_for(linter, tmp_path), jobs=1)
    assert len(calls) == 2


def test_options_resolve_in_layers() -> None:
    """Plugin table, then name, then code; the settings fallback below them all."""

    class Layered(RuleOptions):
        settings_fallbacks: ClassVar[Mapping[str, str]] = {"level": "unknown_keys"}
        level: str = "warn"
        width: int = 1
        file: InputFile | None = None

    from seedlint.rule import rule

    @rule("Z501", "layered", "Layers.", options=Layered)
    def layered(doc, context):  # type: ignore[no-untyped-def]
        return iter(())

    def resolved(tables: dict[str, dict[str, object]], **settings: object) -> RuleOptions:
        configuration = load(None, {"rules": tables, **settings})
        found = resolve_options(
            {"Z501": layered}, configuration.settings, "here", lambda: {"Z501": "pack"}
        )
        return found["Z501"]

    assert resolved({}, unknown_keys="error") == Layered(level="error")
    assert resolved({"pack": {"width": 2}, "layered": {"width": 3}}) == Layered(width=3)
    assert resolved({"pack": {"width": 2, "level": "allow"}, "Z501": {"width": 4}}) == Layered(
        level="allow", width=4
    )
    assert resolved({"Z501": {"file": "v.txt"}}).file == InputFile("v.txt")  # type: ignore[attr-defined]


def test_library_check_paths_with_the_plugin(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library finds the plugin as the CLI does, and as there the vocabulary is an
    input, not a seed."""
    monkeypatch.syspath_prepend(str(site.root))
    folder = vault(tmp_path, VOCAB)
    report = api.check_paths([folder], cache=False)
    assert report.files == 2  # a.md, b.md; vocabulary.txt is an input
    found = [(Path(f.path).name, f.line, f.column) for f in report.findings if f.code == "Z201"]
    assert found == [("a.md", 9, 3)]
