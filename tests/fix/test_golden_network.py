"""L002's golden case: a `## Links` URL that redirects permanently, against real HTTP
servers on 127.0.0.x (tests/links/loopback.py). Their ports change from run to run, so
the golden files hold `{moved}` and `{target}` where the URLs go.

Every other URL of the seed is excluded from the check (`[links] exclude`, a pattern
without lookaround, which RE2 refuses): the test never leaves the machine. Regenerate
with `SEEDLINT_REGEN_GOLDEN=1`, as the offline cases.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fix.conftest import Cli
from tests.links.loopback import LoopbackServers

CASE = Path(__file__).parent / "golden_network" / "L002-redirected-link"
REGENERATE = bool(os.environ.get("SEEDLINT_REGEN_GOLDEN"))
HOST = "127.0.0.1"
CONFIG = """\
[links]
allow-private = true
cache = false
retry-wait = 0.01
timeout = 5
exclude = ['^https?://[a-z]']  # every host by name: only the 127.0.0.1 ones are checked
"""


@pytest.fixture(scope="module")
def web() -> Iterator[LoopbackServers]:
    servers = LoopbackServers([HOST]).start()
    yield servers
    servers.stop()


def _fill(template: str, urls: dict[str, str]) -> str:
    for name, url in urls.items():
        template = template.replace("{" + name + "}", url)
    return template


def _template(text: str, urls: dict[str, str]) -> str:
    for name, url in sorted(urls.items(), key=lambda item: -len(item[1])):
        text = text.replace(url, "{" + name + "}")
    return text


def test_golden_l002(
    vault: Path, cli: Cli, web: LoopbackServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEEDLINT_OFFLINE", raising=False)  # the suite's default; see CONFIG
    target = web.url(HOST, "/careers")
    urls = {"moved": web.url(HOST, "/old-careers", status=301, location=target), "target": target}
    (vault / "seedlint.toml").write_text(CONFIG, encoding="utf-8")
    seed = vault / "seed.md"
    before = _fill((CASE / "before.md").read_text(encoding="utf-8"), urls)
    seed.write_text(before, encoding="utf-8")
    common = ["--no-cache", "--topics-root", str(vault), "seed.md"]

    checked = cli("check", "--format", "concise", *common)
    assert f"L002 {urls['moved']} redirects permanently (301) to {target}" in checked.out

    unsafe_off = cli("fix", *common)
    assert unsafe_off.code == 1 and seed.read_text(encoding="utf-8") == before

    diff = cli("fix", "--diff", "--unsafe-fixes", *common)
    assert diff.code == 1 and seed.read_text(encoding="utf-8") == before
    if REGENERATE:
        (CASE / "diff.txt").write_text(_template(diff.out, urls), encoding="utf-8")
    assert diff.out == _fill((CASE / "diff.txt").read_text(encoding="utf-8"), urls)

    fixed = cli("fix", "--unsafe-fixes", *common)
    assert fixed.code == 0, fixed.out + fixed.err
    if REGENERATE:
        (CASE / "after.md").write_text(_template(seed.read_text("utf-8"), urls), "utf-8")
    assert seed.read_text(encoding="utf-8") == _fill(
        (CASE / "after.md").read_text(encoding="utf-8"), urls
    )
    assert "L002" not in cli("check", "--format", "concise", *common).out
    assert cli("fix", "--diff", "--unsafe-fixes", *common).out == ""
