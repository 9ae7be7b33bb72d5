"""Faults while `seedlint fix` writes: every file ends as its old bytes or its fixed bytes.

Never a mix, never empty, no temporary file left behind, whatever stops the run:
SIGINT during the reads or in the middle of the writes over 1,000 files (exit 130), a
read-only folder, a write failing at the file-system call, two `fix` processes on the
same vault at once.

Signals are real: the CLI runs in a child process that sends itself SIGINT when an audit
hook sees the Nth file opened or the Nth rename, so the interruption lands at a known
point of the run without any timing; one more test sends it from outside.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seedlint.fixer import Fixer
from tests.helpers import make_linter
from tests.hostile.conftest import seed_text

FILES = 1000
TEMPLATE_LINK = "https://example.org/n/XXXX"
# One safe fix per file (W001: trailing spaces after a heading).
BROKEN_TEMPLATE = seed_text(TEMPLATE_LINK).replace("## Summary\n", "## Summary   \n", 1)

_INTERRUPTING_CLI = """
import os, signal, sys
from seedlint.cli import main

event_name, nth = sys.argv[1], int(sys.argv[2])
seen = 0

def hook(event, args):
    global seen
    if event != event_name or (event == "open" and not str(args[0]).endswith(".md")):
        return
    seen += 1
    if seen == nth:
        os.kill(os.getpid(), signal.SIGINT)

sys.addaudithook(hook)
sys.exit(main(sys.argv[3:]))
"""

_FAILING_WRITE_CLI = """
import errno, os, sys
from seedlint.cli import main

call, failing = sys.argv[1], {int(n) for n in sys.argv[2].split(",")}
real = getattr(os, call)
calls = 0

def broken(*args):
    global calls
    calls += 1
    if calls in failing:
        raise OSError(errno.ENOSPC if call == "write" else errno.EIO, os.strerror(
            errno.ENOSPC if call == "write" else errno.EIO))
    return real(*args)

setattr(os, call, broken)
sys.exit(main(sys.argv[3:]))
"""


def _name(index: int) -> str:
    return f"seed_{index:04d}.md"


def _link(index: int) -> str:
    return f"https://example.org/n/{index:04d}"


@pytest.fixture(scope="module")
def fixed_template() -> str:
    outcome = Fixer(make_linter()).fix("seed.md", BROKEN_TEMPLATE.encode())
    assert outcome.changed and outcome.fixed == {"W001": 1}
    return outcome.text


class Vault:
    """``count`` broken seeds; knows each file's old and fixed bytes."""

    def __init__(self, folder: Path, count: int, fixed_template: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.old: dict[str, bytes] = {}
        self.fixed: dict[str, bytes] = {}
        for index in range(count):
            name = _name(index)
            self.old[name] = BROKEN_TEMPLATE.replace(TEMPLATE_LINK, _link(index)).encode()
            self.fixed[name] = fixed_template.replace(TEMPLATE_LINK, _link(index)).encode()
            (folder / name).write_bytes(self.old[name])

    def states(self, allow_temporary: bool = False) -> dict[str, str]:
        """'old' or 'fixed' for each file; fails on anything else (a mix, empty, extra)."""
        states = {}
        for path in sorted(self.folder.iterdir()):
            if allow_temporary and path.name.endswith(".seedlint-tmp"):
                continue  # see test_sigint_as_the_temporary_file_is_created
            assert path.name in self.old, f"left behind: {path.name}"
            data = path.read_bytes()
            if data == self.old[path.name]:
                states[path.name] = "old"
            elif data == self.fixed[path.name]:
                states[path.name] = "fixed"
            else:
                pytest.fail(f"{path.name} is neither its old nor its fixed bytes: {data[:80]!r}")
        assert set(states) == set(self.old), "a file disappeared"
        return states


def _cli(script: str, *args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *[os.fspath(a) for a in args]],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _fix_args(vault: Vault) -> list[str]:
    return ["fix", "--offline", "--no-cache", str(vault.folder)]


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory, fixed_template: str) -> Vault:
    """Written once; each test copies it (writing 1,000 files costs more than copying)."""
    return Vault(tmp_path_factory.mktemp("thousand") / "vault", FILES, fixed_template)


def _copy(vault: Vault, folder: Path) -> Vault:
    folder.mkdir()
    for name, data in vault.old.items():
        (folder / name).write_bytes(data)
    copy = Vault.__new__(Vault)
    copy.folder, copy.old, copy.fixed = folder, vault.old, vault.fixed
    return copy


def test_all_fixed_when_nothing_interrupts(tmp_path: Path, fixed_template: str) -> None:
    vault = Vault(tmp_path / "v", 100, fixed_template)
    done = subprocess.run(
        [sys.executable, "-m", "seedlint", *_fix_args(vault)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(vault.states().values()) == {"fixed"}


def test_sigint_in_the_middle_of_the_writes(thousand: Vault, tmp_path: Path) -> None:
    vault = _copy(thousand, tmp_path / "v")
    done = _cli(_INTERRUPTING_CLI, "os.rename", "500", *_fix_args(vault))
    assert done.returncode == 130, done.stderr
    assert "seedlint: interrupted" in done.stderr
    assert "Traceback" not in done.stderr
    states = list(vault.states().values())
    # Stopped half-way: the first writes are whole, the rest untouched.
    assert 499 <= states.count("fixed") <= 500, states.count("fixed")
    assert states.count("fixed") + states.count("old") == FILES


def test_sigint_while_reading(thousand: Vault, tmp_path: Path) -> None:
    vault = _copy(thousand, tmp_path / "v")
    done = _cli(_INTERRUPTING_CLI, "open", "300", *_fix_args(vault))
    assert done.returncode == 130, done.stderr
    assert "seedlint: interrupted" in done.stderr
    assert set(vault.states().values()) == {"old"}  # fixes are written only after all reads


def test_sigint_from_outside(thousand: Vault, tmp_path: Path) -> None:
    """A real Ctrl-C from another process, sent once the first fixed file appears."""
    vault = _copy(thousand, tmp_path / "v")
    first = vault.folder / _name(0)
    process = subprocess.Popen(
        [sys.executable, "-m", "seedlint", *_fix_args(vault)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while process.poll() is None and first.read_bytes() == vault.old[first.name]:
            time.sleep(0.001)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
    # A signal that lands while the temporary file is being created can leave it behind
    # (a few runs in a hundred): the deterministic test below holds that case.
    states = list(vault.states(allow_temporary=True).values())
    if process.returncode != 130:
        # The run ended between our look and our signal: still whole files only.
        assert process.returncode == 0 and set(states) == {"fixed"}, err
        pytest.skip("the run finished before SIGINT arrived; the in-process tests cover it")
    assert "seedlint: interrupted" in err
    assert states.count("fixed") >= 1


def test_two_fix_processes_on_one_vault(tmp_path: Path, fixed_template: str) -> None:
    vault = Vault(tmp_path / "v", 300, fixed_template)
    command = [sys.executable, "-m", "seedlint", *_fix_args(vault)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    for process, (_, err) in zip((first, second), outputs, strict=True):
        assert process.returncode in (0, 1), err
        assert "Traceback" not in err and "internal error" not in err
        for line in err.splitlines():
            # The loser of a race refuses to overwrite what the other just wrote.
            assert line.startswith("seedlint: note") or "changed on disk" in line, line
    assert set(vault.states().values()) == {"fixed"}


def test_read_only_folder_among_others(tmp_path: Path, fixed_template: str) -> None:
    writable = Vault(tmp_path / "vault" / "writable", 20, fixed_template)
    locked = Vault(tmp_path / "vault" / "locked", 0, fixed_template)
    for index in range(20, 30):
        name = _name(index)
        locked.old[name] = BROKEN_TEMPLATE.replace(TEMPLATE_LINK, _link(index)).encode()
        locked.fixed[name] = fixed_template.replace(TEMPLATE_LINK, _link(index)).encode()
        (locked.folder / name).write_bytes(locked.old[name])
    locked.folder.chmod(0o555)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "seedlint", "fix", "--offline", str(tmp_path / "vault")],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        locked.folder.chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert set(writable.states().values()) == {"fixed"}
    assert set(locked.states().values()) == {"old"}
    for name in locked.old:
        assert f"{locked.folder / name}: cannot write: its folder is read-only" in done.stderr


@pytest.mark.parametrize(
    ("call", "failing"),
    [("write", "3"), ("fsync", "5,6"), ("replace", "1,10")],
    ids=["ENOSPC on write", "EIO on fsync", "EIO on rename"],
)
def test_failing_filesystem_call(
    tmp_path: Path, fixed_template: str, call: str, failing: str
) -> None:
    """The failure simulated at the call itself, in the real CLI process."""
    vault = Vault(tmp_path / "v", 12, fixed_template)
    done = _cli(_FAILING_WRITE_CLI, call, failing, *_fix_args(vault))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    states = vault.states()
    failed = [int(n) for n in failing.split(",")]
    # The Nth call belongs to the Nth file written (one write, fsync, replace per file).
    expected_old = {_name(n - 1) for n in failed}
    assert {name for name, state in states.items() if state == "old"} == expected_old
    for name in expected_old:
        assert f"{vault.folder / name}: cannot write:" in done.stderr


_SIGINT_IN_MKSTEMP_CLI = """
import sys, tempfile
from seedlint.cli import main

nth, seen = int(sys.argv[1]), 0

def calls(frame, event, arg):
    return lines if frame.f_code is tempfile._mkstemp_inner.__code__ else None

def lines(frame, event, arg):
    global seen
    # The temporary file exists (`fd` is bound) but its name is not handed back yet: the
    # moment a SIGINT that arrived during open(2) takes effect.
    if event == "line" and "fd" in frame.f_locals:
        seen += 1
        if seen == nth:
            raise KeyboardInterrupt
    return lines

sys.settrace(calls)
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.xfail(strict=True, reason="fixer: SIGINT inside mkstemp leaves the temp file")
def test_sigint_as_the_temporary_file_is_created(tmp_path: Path, fixed_template: str) -> None:
    """The interruption is raised exactly where a real SIGINT can land (found by
    test_sigint_from_outside under load): the note is intact, but an empty
    `.seed_0002.md.*.seedlint-tmp` stays in the vault. Deferring SIGINT for the span of
    `write_atomic` would close the window."""
    vault = Vault(tmp_path / "v", 10, fixed_template)
    done = _cli(_SIGINT_IN_MKSTEMP_CLI, "3", *_fix_args(vault))
    assert done.returncode == 130, done.stderr
    states = vault.states()
    assert [states[_name(n)] for n in range(10)] == ["fixed", "fixed"] + ["old"] * 8
