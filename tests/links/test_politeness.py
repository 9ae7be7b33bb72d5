"""Concurrency limits and rate limits, as the servers observe them."""

from __future__ import annotations

from tests.links.conftest import Vault
from tests.links.loopback import LoopbackServers

H1, H2, H3 = "127.0.0.1", "127.0.0.2", "127.0.0.3"


def _spread(web: LoopbackServers, vault: Vault, host: str, count: int, delay: int) -> None:
    urls = [web.url(host, f"/page/{n}", delay=delay) for n in range(count)]
    vault.seed(f"{host}.md", urls[0], urls[1:])


def test_per_host_limit_is_what_the_server_sees(web: LoopbackServers, vault: Vault) -> None:
    _spread(web, vault, H1, 16, 80)
    _spread(web, vault, H2, 16, 80)
    run = vault.lint(**{"max-per-host": 3})
    assert run.findings == []
    assert web.stats.peak[H1] == 3
    assert web.stats.peak[H2] == 3
    assert web.stats.total_peak == 6


def test_global_limit_caps_all_hosts_together(web: LoopbackServers, vault: Vault) -> None:
    for host in (H1, H2, H3):
        _spread(web, vault, host, 10, 80)
    vault.lint(**{"max-per-host": 4, "max-concurrency": 5})
    assert web.stats.total_peak == 5
    assert max(web.stats.peak.values()) <= 4


def test_a_host_can_have_its_own_limit(web: LoopbackServers, vault: Vault) -> None:
    _spread(web, vault, H1, 8, 60)
    _spread(web, vault, H2, 8, 60)
    vault.lint(**{"max-per-host": 4, "hosts": {H2: {"max-concurrency": 1}}})
    assert web.stats.peak[H1] == 4
    assert web.stats.peak[H2] == 1


def test_retry_after_seconds_is_honoured(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/busy", fail=1, fail_status=429, retry_after=1)
    vault.seed("a.md", url)
    assert vault.lint().findings == []
    first, second = web.stats.matching(H1, "/busy")
    assert second.at - first.at >= 0.95


def test_retry_after_as_a_date_is_honoured(web: LoopbackServers, vault: Vault) -> None:
    # An HTTP date in the past means "now": the retry comes at once, and succeeds.
    url = web.url(H1, "/busy", fail=1, fail_status=503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    vault.seed("a.md", url)
    assert vault.lint().findings == []
    assert web.stats.count(H1, "/busy") == 2


def test_x_ratelimit_reset_is_honoured(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/limited", fail=1, fail_status=429, reset=1)
    vault.seed("a.md", url)
    assert vault.lint().findings == []
    first, second = web.stats.matching(H1, "/limited")
    assert second.at - first.at >= 0.95


def test_a_wait_past_the_cap_is_unverifiable_at_once(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/later", status=429, retry_after=120)
    vault.seed("a.md", url)
    run = vault.lint()
    assert {f.message for f in run.of("L004")} == {
        f"{url} returned 429 Too Many Requests and asks to wait 120 s, more than the 60 s cap"
    }
    assert run.of("L001") == []
    assert web.stats.count(H1, "/later") == 1


def test_the_cap_is_a_setting(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/later", status=429, retry_after=2)
    vault.seed("a.md", url)
    run = vault.lint(**{"max-retry-wait": 1})
    assert {f.message for f in run.of("L004")} == {
        f"{url} returned 429 Too Many Requests and asks to wait 2 s, more than the 1 s cap"
    }


def test_429_without_a_wait_pauses_the_whole_host(web: LoopbackServers, vault: Vault) -> None:
    # One slot for the host: /a answers 429 first (no Retry-After); nothing else is sent
    # to that host for the 0.5 s pause, /b included, while the other host is not held up.
    a = web.url(H1, "/a", fail=1, fail_status=429)
    b = web.url(H1, "/b")
    other = web.url(H2, "/c", delay=100)
    vault.seed("a.md", a, [b, other])
    assert vault.lint(**{"max-per-host": 1}).findings == []
    requests = web.stats.matching(H1)
    assert requests[0].path == "/a"
    pause = min(r.at for r in requests[1:]) - requests[0].at
    assert pause >= 0.45
    assert web.stats.matching(H2)[0].at - requests[0].at < 0.45


def test_429_after_the_retries_is_unverifiable(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/always", status=429, retry_after=0)
    vault.seed("a.md", url)
    run = vault.lint(retries=2)
    assert {f.message for f in run.of("L004")} == {
        f"{url} returned 429 Too Many Requests (after 3 attempts): rate limited"
    }
    assert web.stats.count(H1, "/always") == 3


def test_github_style_403_rate_limit_is_waited_for(web: LoopbackServers, vault: Vault) -> None:
    # 403 alone is a refusal (L004, not retried); 403 with X-RateLimit-Remaining: 0 is a
    # rate limit: waited for until X-RateLimit-Reset, then asked again.
    limited = web.url(H1, "/api", fail=1, fail_status=403, remaining=0, reset=1)
    vault.seed("a.md", limited)
    assert vault.lint().findings == []
    first, second = web.stats.matching(H1, "/api")
    assert second.at - first.at >= 0.95


def test_maintenance_past_the_cap_is_unverifiable(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/maintenance", status=503, retry_after=3600)
    vault.seed("a.md", url)
    run = vault.lint()
    assert {f.message for f in run.of("L004")} == {
        f"{url} returned 503 Service Unavailable and asks to wait 3600 s, more than the 60 s cap"
    }
    assert web.stats.count(H1, "/maintenance") == 1


def test_head_rate_limited_is_waited_for_not_followed_by_get(
    web: LoopbackServers, vault: Vault
) -> None:
    url = web.url(H1, "/limited", fail=1, fail_status=429, retry_after=0)
    vault.seed("a.md", url)
    assert vault.lint(method="head").findings == []
    assert [r.method for r in web.stats.requests] == ["HEAD", "HEAD"]


def test_a_freed_slot_goes_to_the_host_with_most_urls_left(
    web: LoopbackServers, vault: Vault
) -> None:
    # One global slot: each request waits for it. First come, first served would take
    # the hosts in turn (H1, H2, H1, H2, ...); the host with more URLs left goes first,
    # so that it does not end the run alone.
    _spread(web, vault, H1, 6, 30)
    _spread(web, vault, H2, 2, 30)
    run = vault.lint(**{"max-concurrency": 1})
    assert run.findings == []
    assert [request.host for request in web.stats.requests] == [H1] * 6 + [H2] * 2
    assert web.stats.total_peak == 1
