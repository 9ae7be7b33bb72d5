"""Fixtures for the link checker: real HTTP servers on loopback addresses, real seed files.

No test reaches beyond 127.0.0.x: the servers below answer every URL the tests check,
and the settings allow private addresses only where a test says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from seedlint.findings import Finding
from seedlint.linter import FileResult, Linter
from tests.helpers import front_with_link, make_linter
from tests.links.loopback import LoopbackServers

NETWORK = ("L001", "L002", "L004", "L007")
HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")
#: Loopback servers are private addresses; short waits keep retries quick.
FAST: dict[str, Any] = {
    "allow-private": True,
    "retry-wait": 0.01,
    "timeout": 5,
    "connect-timeout": 5,
    # The archive's public endpoint is never asked by the suite: tests that want archived
    # copies point `archive-url` at a fake API on loopback.
    "archive": False,
}


@pytest.fixture(autouse=True)
def _no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy set on the machine running the suite must not see the loopback tests."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="session")
def servers() -> Iterator[LoopbackServers]:
    started = LoopbackServers(HOSTS).start()
    yield started
    started.stop()


@pytest.fixture
def web(servers: LoopbackServers) -> LoopbackServers:
    """The loopback servers, with empty request logs."""
    servers.reset()
    return servers


def seed_text(link: str, links: Sequence[str] = (), source: str | None = None) -> str:
    """A valid seed whose front matter `link`, source line and `## Links` hold these URLs."""
    items = "".join(f"- [Item {n}]({url}) : an item.\n" for n, url in enumerate(links, 1))
    section = f"## Links\n\n{items}\n" if links else ""
    return (
        f"{front_with_link(link)}\n"
        f"{source if source is not None else link}\n"
        "## Summary\n"
        "\n"
        "A summary.\n"
        f"{section}"
        "## Topics\n"
    )


@dataclass
class Run:
    results: list[FileResult]
    linter: Linter
    findings: list[Finding] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return self.linter.context.notes

    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]

    def of(self, code: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.code == code]


class Vault:
    """A folder of seed files, linted in-process with the network rules on."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "topics").mkdir(exist_ok=True)
        self.paths: list[Path] = []

    def seed(self, name: str, link: str, links: Sequence[str] = (), **kw: Any) -> Path:
        path = self.root / name
        path.write_text(seed_text(link, links, **kw), encoding="utf-8")
        self.paths.append(path)
        return path

    def lint(self, codes: Sequence[str] = NETWORK, **links: Any) -> Run:
        """Only the network rules are selected: the other rules have their own tests."""
        linter = make_linter(
            root=self.root, offline=False, links={**FAST, **links}, select=list(codes)
        )
        results = linter.run([str(path) for path in self.paths])
        findings = [finding for result in results for finding in result.findings]
        return Run(results, linter, findings)


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path)
