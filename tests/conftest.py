"""Suite-wide settings: no test may reach beyond loopback, whatever the machine allows."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _offline_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # Seeds in the tests link to real sites; only the link tests (which clear this and
    # point seeds at their own 127.0.0.x servers) may let seedlint use the network.
    monkeypatch.setenv("SEEDLINT_OFFLINE", "1")
