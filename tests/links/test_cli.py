"""`seedlint check` and `seedlint fix` with the network rules, as real processes."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.links.conftest import seed_text
from tests.links.loopback import LoopbackServers

H1, H2 = "127.0.0.1", "127.0.0.2"
CONFIG = """\
[links]
allow-private = true
retry-wait = 0.01
timeout = 5
archive = false
"""


def _environment(**extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "SEEDLINT_OFFLINE"}
    return {**environment, **extra}


def seedlint(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_environment(**env),
        check=False,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path, web: LoopbackServers) -> Path:
    """A vault whose seeds link to the loopback servers: one dead link, one moved."""
    (tmp_path / "seedlint.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "topics").mkdir()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    dead = web.url(H1, "/dead", status=404)
    moved = web.url(H1, "/moved", status=301, location=web.url(H2, "/here"))
    (seeds / "a.md").write_text(seed_text(web.url(H1, "/a"), [dead]), encoding="utf-8")
    (seeds / "b.md").write_text(seed_text(moved, [web.url(H2, "/fine")]), encoding="utf-8")
    return tmp_path


def test_check_reports_network_findings_and_a_summary(project: Path, web: LoopbackServers) -> None:
    result = seedlint(project, "check", "--format", "concise", "seeds")
    assert result.returncode == 1
    dead = web.url(H1, "/dead", status=404)
    moved = web.url(H1, "/moved", status=301, location=web.url(H2, "/here"))
    assert result.stdout.splitlines()[:3] == [
        f"seeds/a.md:17:12: L001 {dead} returned 404 Not Found",
        f"seeds/b.md:3:7: L002 {moved} redirects permanently (301) to {web.url(H2, '/here')}",
        f"seeds/b.md:11:1: L002 {moved} redirects permanently (301) to {web.url(H2, '/here')}",
    ]
    [note] = [line for line in result.stderr.splitlines() if "links:" in line]
    assert note.startswith(
        "seedlint: note: links: 4 checked (0 from cache): 1 dead, 1 redirected, 0 unverifiable;"
    )
    assert "\r" not in result.stderr  # no progress bar: stderr is not a terminal


def test_json_report_carries_the_fix(project: Path, web: LoopbackServers) -> None:
    result = seedlint(project, "check", "--format", "json", "--select", "L002", "seeds")
    findings = json.loads(result.stdout)["findings"]
    assert {f["rule"] for f in findings} == {"redirected-link"}
    assert findings[0]["fix"]["applicability"] == "unsafe"
    assert findings[0]["fix"]["edits"][0]["content"] == web.url(H2, "/here")


def test_offline_flag_and_environment_make_no_request(project: Path, web: LoopbackServers) -> None:
    for args, env in ((("--offline",), {}), ((), {"SEEDLINT_OFFLINE": "1"})):
        result = seedlint(project, "check", "--select", "L", *args, "seeds", **env)
        assert result.returncode == 0, result.stdout
        assert "links:" not in result.stderr
    assert web.stats.requests == []


def test_second_run_from_the_cache_and_no_cache(project: Path, web: LoopbackServers) -> None:
    seedlint(project, "check", "seeds")
    assert (project / ".seedlint_cache" / "links.sqlite3").is_file()
    web.reset()
    warm = seedlint(project, "check", "--format", "concise", "seeds")
    # Successes and definitive failures come from the cache: no request at all.
    assert web.stats.requests == []
    assert warm.returncode == 1
    assert "L001" in warm.stdout
    refreshed = seedlint(project, "check", "--refresh", "--format", "concise", "seeds")
    assert [r.path for r in web.stats.requests] == ["/dead"]  # only the failure is asked
    assert refreshed.stdout == warm.stdout
    web.reset()
    seedlint(project, "check", "--no-cache", "seeds")
    assert web.stats.count() == 5  # 4 URLs and the redirect target


def test_fix_unsafe_fixes_replaces_a_moved_url_everywhere(
    project: Path, web: LoopbackServers
) -> None:
    moved = web.url(H1, "/moved", status=301, location=web.url(H2, "/here"))
    result = seedlint(project, "fix", "--unsafe-fixes", "--select", "L002", "seeds")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (project / "seeds" / "b.md").read_text(encoding="utf-8")
    assert moved not in text
    assert text.count(web.url(H2, "/here")) == 2  # front matter link and source line


def test_progress_bar_only_on_a_terminal(project: Path, web: LoopbackServers) -> None:
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "seedlint", "check", "--select", "L", "seeds"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=follower,
            env=_environment(),
        )
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=60)
    finally:
        os.close(leader)
    text = output.decode()
    assert "links [##############################] 4/4, 1 dead" in text
    assert "\r\x1b[K" in text  # the bar is erased when the work ends


def _no_network() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _no_network(), reason="needs `unshare -rn` (a network namespace)")
def test_a_machine_without_network_gets_one_warning(tmp_path: Path) -> None:
    """In a fresh network namespace nothing leaves the process: every lookup fails."""
    (tmp_path / "topics").mkdir()
    (tmp_path / "seedlint.toml").write_text(
        "[links]\nretry-wait = 0.01\narchive = false\n", encoding="utf-8"
    )
    links = [f"https://site-{n}.example.org/page" for n in range(5)]
    (tmp_path / "a.md").write_text(seed_text("https://example.com/post", links), "utf-8")
    result = subprocess.run(
        ["unshare", "-rn", sys.executable, "-m", "seedlint", "check", "a.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout
    assert "L001" not in result.stdout
    assert result.stderr.splitlines() == [
        "seedlint: note: no network: 6 links were not checked (every lookup or connection failed);"
        " L001, L002 and L004 say nothing about them. Use --offline (or SEEDLINT_OFFLINE=1)"
        " to skip link checks on purpose."
    ]


@pytest.mark.skipif(not _no_network(), reason="needs `unshare -rn` (a network namespace)")
def test_no_route_at_all_ends_the_run_without_waiting_for_retries(tmp_path: Path) -> None:
    """Addresses (no look-up) that have no route: after a few, the run is offline.

    The retry wait is 60 s: a run that waited for a single retry would pass the timeout.
    """
    (tmp_path / "topics").mkdir()
    (tmp_path / "seedlint.toml").write_text(
        "[links]\nretry-wait = 60\narchive = false\n", encoding="utf-8"
    )
    links = [f"http://93.184.{n // 250}.{n % 250 + 1}/page" for n in range(500)]
    (tmp_path / "a.md").write_text(seed_text("http://93.184.215.14/post", links), "utf-8")
    result = subprocess.run(
        ["unshare", "-rn", sys.executable, "-m", "seedlint", "check", "a.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
        timeout=45,
    )
    assert result.returncode == 0, result.stdout
    assert "L001" not in result.stdout and "L004" not in result.stdout
    [line] = result.stderr.splitlines()
    assert line.startswith("seedlint: note: no network: 501 links were not checked")
