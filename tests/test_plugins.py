"""Third-party rules through the `seedlint.rules` entry point group, run by real processes.

Each plugin is written into tmp_path as a package plus a `.dist-info` folder holding its
`entry_points.txt`, exactly what `pip install` leaves behind, and the folder is put on the
PYTHONPATH of a seedlint subprocess: the test venv is never modified.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from seedlint.findings import Severity
from seedlint.registry import PluginError, _as_rules
from seedlint.rule import FunctionRule
from tests.helpers import FRONT_KEYS, SHORT_BODY, write

NO_TODO = '''
from __future__ import annotations

from seedlint.findings import Problem, Severity
from seedlint.rule import rule


@rule("Z101", "no-todo", "A TODO is left in the seed.", Severity.WARNING)
def no_todo(doc, context):
    """A `TODO` left in a seed's text means the note is unfinished.

    Example: `Prose. TODO: summarise`.
    """
    start = doc.text.find("TODO", doc.body_start)
    if start >= 0:
        yield Problem("Z101", start, start + 4, "unfinished: TODO left in the seed")


RULES = [no_todo]
'''


def seed(body: str = SHORT_BODY, front: str = FRONT_KEYS) -> str:
    return f"---\n{front}---\n{body}"


@dataclass
class Site:
    """A folder that looks like site-packages to a subprocess."""

    root: Path

    def plugin(
        self,
        name: str,
        module: str,
        source: str,
        target: str | None = None,
        group: str = "seedlint.rules",
    ) -> None:
        (self.root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        info = self.root / f"{name.replace('-', '_')}-0.1.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(
            f"[{group}]\n{name} = {target or module + ':RULES'}\n", encoding="utf-8"
        )

    def run(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        # The seedlint under test stays importable (a worktree's, not the installed one).
        paths = [str(self.root), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "NO_COLOR": "1"}
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
    root = tmp_path / "site"
    root.mkdir()
    return Site(root)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("seedlint: error: ")
    for part in parts:
        assert part in lines[0]


# -- a working plugin -----------------------------------------------------------------------


def test_plugin_rule_runs_through_the_cli(site: Site, tmp_path: Path) -> None:
    site.plugin("seedlint-no-todo", "seedlint_no_todo", NO_TODO)
    write(tmp_path / "todo.md", seed(SHORT_BODY.replace("Prose.", "Prose. TODO")))
    write(tmp_path / "done.md", seed())
    result = site.run(
        "check",
        "--offline",
        "--ignore",
        "C",
        "--format",
        "concise",
        "todo.md",
        "done.md",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == "todo.md:14:8: Z101 unfinished: TODO left in the seed"
    assert "done.md" not in result.stdout


def test_plugin_rule_is_documented_and_configurable(site: Site, tmp_path: Path) -> None:
    site.plugin("seedlint-no-todo", "seedlint_no_todo", NO_TODO)
    explained = site.run("rule", "Z101", cwd=tmp_path)
    assert explained.returncode == 0
    assert explained.stdout.startswith("# no-todo (Z101)\n\nDefault severity: warning. Fix: -.")
    assert "A `TODO` left in a seed's text" in explained.stdout
    assert "# no-todo (Z101)" in site.run("rule", "--all", cwd=tmp_path).stdout

    write(tmp_path / "todo.md", seed(SHORT_BODY.replace("Prose.", "Prose. TODO")))
    assert site.run("check", "--offline", "--ignore", "Z", "todo.md", cwd=tmp_path).returncode == 0
    write(tmp_path / "seedlint.toml", '[severity]\nZ101 = "info"\n')
    info = site.run("check", "--offline", "--format", "json", "todo.md", cwd=tmp_path)
    assert info.returncode == 0
    assert '"severity": "info"' in info.stdout
    write(tmp_path / "seedlint.toml", "")
    suppressed = seed(
        SHORT_BODY.replace("Prose.", "Prose. TODO <!-- seedlint-disable-line Z101 -->")
    )
    write(tmp_path / "todo.md", suppressed)
    assert site.run("check", "--offline", "todo.md", cwd=tmp_path).returncode == 0


def test_entry_point_may_name_a_module(site: Site, tmp_path: Path) -> None:
    site.plugin("seedlint-no-todo", "seedlint_no_todo", NO_TODO, target="seedlint_no_todo")
    assert "# no-todo (Z101)" in site.run("rule", "Z101", cwd=tmp_path).stdout


def test_a_pip_installed_plugin(site: Site, tmp_path: Path) -> None:
    """The real path: a pyproject declaring the entry point, installed by pip (--target)."""
    pytest.importorskip("setuptools")
    project = tmp_path / "plugin"
    (project / "seedlint_no_todo").mkdir(parents=True)
    write(project / "seedlint_no_todo" / "__init__.py", NO_TODO)
    write(
        project / "pyproject.toml",
        textwrap.dedent(
            """
            [build-system]
            requires = ["setuptools>=68"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "seedlint-no-todo"
            version = "0.1"

            [project.entry-points."seedlint.rules"]
            no-todo = "seedlint_no_todo:RULES"
            """
        ),
    )
    target = tmp_path / "installed"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
         "--no-build-isolation", "--target", str(target), str(project)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if installed.returncode != 0:
        errors = [line.strip() for line in installed.stderr.splitlines() if "error:" in line]
        reason = errors[0] if errors else installed.stderr.strip()[-200:]
        pytest.skip(f"pip could not build the plugin offline (no wheel package?): {reason}")
    shutil.rmtree(project)  # only the installed copy remains importable
    write(tmp_path / "todo.md", seed(SHORT_BODY.replace("Prose.", "TODO")))
    result = Site(target).run("check", "--offline", "--format", "concise", "todo.md", cwd=tmp_path)
    assert result.stdout.startswith("todo.md:14:1: Z101 ")


# -- broken plugins -------------------------------------------------------------------------


def test_plugin_with_a_bad_code(site: Site, tmp_path: Path) -> None:
    site.plugin("bad-code", "bad_code", NO_TODO.replace('"Z101", "no-todo"', '"ZZ1", "no-todo"'))
    result = site.run("check", "--offline", tmp_path, cwd=tmp_path)
    assert_one_line_error(result, "plugin 'bad-code'", "invalid rule code 'ZZ1'")
    assert_one_line_error(site.run("rule", "--all", cwd=tmp_path), "invalid rule code 'ZZ1'")


def test_plugin_whose_import_crashes(site: Site, tmp_path: Path) -> None:
    site.plugin("crashing", "crashing", "raise RuntimeError('boom at import')\n")
    result = site.run("check", "--offline", tmp_path, cwd=tmp_path)
    assert_one_line_error(
        result, "plugin 'crashing' (crashing:RULES) failed to load: RuntimeError: boom at import"
    )


def test_plugin_whose_import_fails(site: Site, tmp_path: Path) -> None:
    site.plugin("missing-dep", "missing_dep", "import not_installed_anywhere\n")
    result = site.run("check", "--offline", tmp_path, cwd=tmp_path)
    assert_one_line_error(result, "plugin 'missing-dep'", "ModuleNotFoundError")


def test_plugin_taking_a_built_in_code(site: Site, tmp_path: Path) -> None:
    site.plugin("thief", "thief", NO_TODO.replace('"Z101", "no-todo"', '"F101", "no-todo"'))
    result = site.run("check", "--offline", tmp_path, cwd=tmp_path)
    assert_one_line_error(result, "rule code F101 is already taken by missing-key")


def test_plugin_exporting_something_else(site: Site, tmp_path: Path) -> None:
    site.plugin("junk", "junk", "RULES = [42]\n")
    assert_one_line_error(site.run("check", tmp_path, cwd=tmp_path), "42 is not a seedlint rule")
    site.plugin("none", "nothing", "RULES = None\n")
    # Both plugins are broken; the first in name order is the one reported.
    assert_one_line_error(site.run("rule", "--all", cwd=tmp_path), "plugin 'junk'")


# -- a rule that crashes while linting ------------------------------------------------------

EXPLODES = '''
from seedlint.findings import Severity
from seedlint.rule import corpus_rule, rule


@rule("Z201", "explodes", "Crashes on files that say BOOM.", Severity.WARNING)
def explodes(doc, context):
    """Crashes on purpose."""
    if "BOOM" in doc.text:
        raise ValueError("cannot cope")
    return iter(())


@corpus_rule("Z301", "corpus-explodes", "Crashes when BOOM_ALL is set.", Severity.WARNING)
def corpus_explodes(seeds, context):
    """Crashes on purpose."""
    import os

    if os.environ.get("BOOM_ALL"):
        raise KeyError("every seed")
    return iter(())


RULES = [explodes, corpus_explodes]
'''


def test_a_crashing_rule_is_one_error_and_the_rest_is_linted(site: Site, tmp_path: Path) -> None:
    site.plugin("explodes", "explodes", EXPLODES)
    write(
        tmp_path / "a.md",
        seed(
            SHORT_BODY.replace("Prose.", "BOOM"), FRONT_KEYS.replace("'2024-02-22'", "2024-02-22")
        ),
    )
    write(tmp_path / "b.md", seed(front=FRONT_KEYS.replace("type: Content", "type: Blogpost")))
    result = site.run(
        "check", "--offline", "--ignore=C", "--format", "concise", "a.md", "b.md", cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr == (
        "seedlint: error: rule Z201 (explodes) crashed on a.md: ValueError: cannot cope\n"
    )
    # Every other rule still ran, on both files.
    assert [line.split(" ")[:2] for line in result.stdout.splitlines()[:2]] == [
        ["a.md:8:14:", "F201"],
        ["b.md:7:7:", "F104"],
    ]


def test_a_crashing_corpus_rule(site: Site, tmp_path: Path) -> None:
    site.plugin("explodes", "explodes", EXPLODES)
    write(tmp_path / "a.md", seed())
    env_run = subprocess.run(
        [sys.executable, "-m", "seedlint", "check", "--offline", "a.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(site.root), "BOOM_ALL": "1"},
        check=False,
    )
    assert env_run.returncode == 2
    assert env_run.stderr == (
        "seedlint: error: rule Z301 (corpus-explodes) crashed on the run: KeyError: 'every seed'\n"
    )
    assert env_run.stdout == "All checks passed (1 file).\n"


# -- the checks on a rule's metadata --------------------------------------------------------


def _rule(**changes: object) -> FunctionRule:
    fields: dict[str, object] = {
        "code": "Z101",
        "name": "no-todo",
        "summary": "A TODO is left.",
        "severity": Severity.WARNING,
        "fix": "-",
        "check": lambda doc, context: iter(()),
    }
    fields.update(changes)
    return FunctionRule(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "z101"}, "invalid rule code 'z101'"),
        ({"code": "Z1010"}, "invalid rule code 'Z1010'"),
        ({"name": "No TODO"}, "invalid name 'No TODO'"),
        ({"severity": "warning"}, "severity 'warning' is not a seedlint.findings.Severity"),
        ({"fix": "maybe"}, "fix 'maybe' is not one of"),
        ({"summary": " "}, "empty summary"),
    ],
)
def test_rule_metadata_is_checked(changes: dict[str, object], message: str) -> None:
    with pytest.raises(PluginError, match="plugin 'x'") as raised:
        _as_rules([_rule(**changes)], "plugin 'x'")
    assert message in str(raised.value)


def test_a_single_rule_or_a_list() -> None:
    single = _rule()
    assert _as_rules(single, "x") == [single]
    assert _as_rules((single,), "x") == [single]
    with pytest.raises(PluginError, match="neither a rule nor a list of rules"):
        _as_rules(3, "x")


def test_a_plugin_rule_with_a_non_boolean_structural_flag_is_refused() -> None:
    import dataclasses

    from seedlint.rules.topics import broken_topic_ref

    odd = dataclasses.replace(broken_topic_ref, code="Z555", structural="yes")  # type: ignore[arg-type]
    with pytest.raises(PluginError, match="rule Z555: structural must be True or False"):
        _as_rules([odd], "plugin 'odd'")
