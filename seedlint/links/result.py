"""What checking one URL concluded: three outcomes for the rules, plus "not checked"."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    OK = "ok"
    DEAD = "dead"  # L001: the server or the network said no, clearly
    UNVERIFIABLE = "unverifiable"  # L004: no clear answer (timeouts, bot walls, 401/403)
    SKIPPED = "skipped"  # not requested: private address, excluded, offline


class Skip(StrEnum):
    PRIVATE = "private address"
    EXCLUDED = "excluded"
    OFFLINE = "offline"
    UNSUPPORTED = "not http(s)"


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The verdict on one normalised URL, with what was seen, for the finding's message."""

    url: str
    verdict: Verdict
    # Reads after the URL: "returned 404 Not Found", "refused the connection", ...
    detail: str = ""
    status: int | None = None
    # Where the redirects ended, when there were any.
    final_url: str | None = None
    # The URL that the leading permanent redirects (301/308) lead to: L002's fix.
    moved_to: str | None = None
    moved_status: int | None = None
    from_cache: bool = False
    skip: Skip | None = None
    # A failure that may pass (5xx, 429, a timeout, a reset): cached for `transient-ttl`.
    transient: bool = False
    # What the page was, when its body was read for fragments: "html" or "other".
    page: str | None = None
    # The page's `id` and `<a name>` values (None: not read); `()` for an HTML page
    # without any (a page built by JavaScript: fragments cannot be verified).
    anchors: tuple[str, ...] | None = None

    @property
    def redirected(self) -> bool:
        return self.verdict is Verdict.OK and self.moved_to is not None


def ok(url: str, status: int, final_url: str | None = None) -> LinkResult:
    return LinkResult(url, Verdict.OK, f"returned {status}", status, final_url)


def dead(url: str, detail: str, status: int | None = None) -> LinkResult:
    return LinkResult(url, Verdict.DEAD, detail, status)


def unverifiable(url: str, detail: str, status: int | None = None) -> LinkResult:
    return LinkResult(url, Verdict.UNVERIFIABLE, detail, status, transient=True)


def skipped(url: str, why: Skip, detail: str = "") -> LinkResult:
    return LinkResult(url, Verdict.SKIPPED, detail or f"not checked ({why.value})", skip=why)
