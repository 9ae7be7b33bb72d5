"""L001 / L002 / L004 against real loopback servers: what each answer becomes, and where."""

from __future__ import annotations

from pathlib import Path

from seedlint.fixer import splice
from tests.helpers import make_linter
from tests.links.conftest import FAST, Vault
from tests.links.loopback import LoopbackServers, closed_port

H1, H2 = "127.0.0.1", "127.0.0.2"


def test_alive_link_has_no_finding_and_is_requested_once(
    web: LoopbackServers, vault: Vault
) -> None:
    url = web.url(H1, "/alive")
    vault.seed("a.md", url, [url])
    vault.seed("b.md", url)
    run = vault.lint()
    assert run.findings == []
    # front matter, source line and Links item in two files: one request.
    assert web.stats.count(H1, "/alive") == 1


def test_404_is_dead_at_every_place_it_occurs(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/missing", status=404)
    vault.seed("a.md", url, [web.url(H1, "/fine"), url])
    vault.seed("b.md", web.url(H1, "/other"), [url])
    run = vault.lint()
    dead = run.of("L001")
    places = [(f.path.rsplit("/", 1)[-1], f.line, f.column) for f in dead]
    link_column = len("- [Item 2](") + 1
    assert places == [("a.md", 3, 7), ("a.md", 11, 1), ("a.md", 18, link_column), ("b.md", 17, 12)]
    assert all(f.message == f"{url} returned 404 Not Found" for f in dead)
    assert dead[0].severity.value == "error"
    assert dead[0].end_column - dead[0].column == len(url)
    assert web.stats.count(H1, "/missing") == 1  # 4 places, 1 request: 404 is not retried


def test_urls_are_normalised_before_requesting(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/same")
    shouting = url.replace("http://", "HTTP://") + "#part"
    vault.seed("a.md", url, [shouting])
    run = vault.lint()
    assert run.findings == []
    assert web.stats.count(H1, "/same") == 1


def test_410_and_other_statuses(web: LoopbackServers, vault: Vault) -> None:
    gone = web.url(H1, "/gone", status=410)
    teapot = web.url(H1, "/teapot", status=418)
    vault.seed("a.md", web.url(H1, "/ok"), [gone, teapot])
    run = vault.lint()
    messages = sorted(f.message for f in run.of("L001"))
    assert messages == [f"{gone} returned 410 Gone", f"{teapot} returned 418 I'm a Teapot"]


def test_5xx_is_asked_once_more_then_dead(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/broken", status=500)
    vault.seed("a.md", url)
    run = vault.lint(retries=2, **{"retry-wait": 0.3})
    assert {f.message for f in run.of("L001")} == {
        f"{url} returned 500 Internal Server Error (after 2 attempts)"
    }
    # One retry, not `retries`: a server's second error is its answer for this run.
    asked = web.stats.matching(H1, "/broken")
    assert len(asked) == 2
    assert asked[1].at - asked[0].at >= 0.3  # after `retry-wait`


def test_a_5xx_twice_is_dead_where_a_timeout_gets_every_retry(
    web: LoopbackServers, vault: Vault
) -> None:
    flaky = web.url(H1, "/flaky", fail=2, fail_status=503)
    slow = web.url(H1, "/slow", delay=3000)
    vault.seed("a.md", flaky, [slow])
    run = vault.lint(retries=2, timeout=0.2)
    assert {f.message for f in run.of("L001")} == {
        f"{flaky} returned 503 Service Unavailable (after 2 attempts)"
    }
    assert {f.message for f in run.of("L004")} == {f"{slow} timed out (after 3 attempts)"}
    assert web.stats.count(H1, "/flaky") == 2
    assert web.stats.count(H1, "/slow") == 3


def test_a_passing_503_recovers_after_a_retry(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/flaky", fail=1, fail_status=503)
    vault.seed("a.md", url)
    assert vault.lint().findings == []
    assert web.stats.count(H1, "/flaky") == 2


def test_no_retries_when_told(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/flaky", fail=1, fail_status=502)
    vault.seed("a.md", url)
    run = vault.lint(retries=0)
    assert [f.message for f in run.of("L001")] == [
        f"{url} returned 502 Bad Gateway",
        f"{url} returned 502 Bad Gateway",
    ]
    assert web.stats.count(H1, "/flaky") == 1


def test_walls_and_logins_are_unverifiable_not_dead(web: LoopbackServers, vault: Vault) -> None:
    forbidden = web.url(H1, "/403", status=403)
    login = web.url(H1, "/401", status=401)
    linkedin = web.url(H1, "/999", status=999)
    challenge = web.url(H1, "/challenge", challenge=1)
    vault.seed("a.md", web.url(H1, "/ok"), [forbidden, login, linkedin, challenge])
    run = vault.lint()
    assert run.of("L001") == []
    messages = {f.message for f in run.of("L004")}
    assert messages == {
        f"{forbidden} returned 403 Forbidden: the site refuses automated checks",
        f"{login} returned 401 Unauthorized: it needs a login",
        f"{linkedin} returned 999 Whatever: a wall against automated checks",
        f"{challenge} answered 403 Forbidden with a bot challenge",
    }
    assert {f.severity.value for f in run.of("L004")} == {"warning"}
    assert web.stats.count(H1, "/403") == 1  # a refusal is not retried


def test_accept_setting_widens_what_counts_as_alive(web: LoopbackServers, vault: Vault) -> None:
    forbidden = web.url(H1, "/403", status=403)
    created = web.url(H1, "/204", status=204)
    vault.seed("a.md", created, [forbidden])
    run = vault.lint(accept=["200..300", 403])
    assert run.findings == []
    narrow = vault.lint(accept=[200])
    assert {f.message for f in narrow.of("L001")} == {
        f"{created} returned 204 No Content, not an accepted status"
    }


def test_connection_refused_is_dead(web: LoopbackServers, vault: Vault) -> None:
    url = f"http://{H1}:{closed_port()}/nothing-listens"
    vault.seed("a.md", url)
    run = vault.lint()
    assert {f.message for f in run.of("L001")} == {
        f"{url} refused the connection (after 3 attempts)"
    }


def test_unknown_host_is_dead(web: LoopbackServers, vault: Vault) -> None:
    # RFC 6761: .invalid never resolves, and no DNS server is asked.
    url = "http://no-such-host.invalid/page"
    vault.seed("a.md", url)
    run = vault.lint()
    assert {f.message for f in run.of("L001")} == {
        f"{url} is on an unknown host (no-such-host.invalid: reserved name that never resolves)"
    }


def test_slow_answer_times_out_as_unverifiable(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/slow", delay=3000)
    vault.seed("a.md", url)
    run = vault.lint(timeout=0.2, retries=1)
    assert {f.message for f in run.of("L004")} == {f"{url} timed out (after 2 attempts)"}
    assert run.of("L001") == []
    assert web.stats.count(H1, "/slow") == 2


def test_a_dropped_connection_is_unverifiable(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/drop", drop=1)
    vault.seed("a.md", url)
    run = vault.lint(retries=1)
    assert {f.message for f in run.of("L004")} == {
        f"{url} closed the connection without answering (after 2 attempts)"
    }


def test_suppression_comments_apply(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/missing", status=404)
    path = vault.seed("a.md", url, [url])
    text = path.read_text(encoding="utf-8")
    item = f"({url}) : an item."
    path.write_text(
        text.replace(item, f"{item} <!-- seedlint-disable-line L001 -->"), encoding="utf-8"
    )
    run = vault.lint()
    assert [f.line for f in run.of("L001")] == [3, 11]


def test_per_file_ignores_apply(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/missing", status=404)
    vault.seed("a.md", url)
    vault.seed("drafts.md", web.url(H1, "/draft"), [url])
    linter = make_linter(
        root=vault.root,
        offline=False,
        links=FAST,
        select=["L"],
        per_file_ignores={"drafts.md": ["L001"]},
    )
    results = linter.run([str(path) for path in vault.paths])
    found = [(Path(f.path).name, f.code) for r in results for f in r.findings]
    assert found == [("a.md", "L001"), ("a.md", "L001")]


# -- redirects ----------------------------------------------------------------------------


def test_permanent_redirect_is_l002_with_the_final_url_as_unsafe_fix(
    web: LoopbackServers, vault: Vault
) -> None:
    final = web.url(H2, "/new-home")
    moved = web.url(H1, "/old", status=301, location=final)
    path = vault.seed("a.md", moved, [moved + "#section"])
    run = vault.lint()
    findings = run.of("L002")
    assert [f.line for f in findings] == [3, 11, 17]
    assert findings[0].message == f"{moved} redirects permanently (301) to {final}"
    assert findings[0].severity.value == "warning"
    fixes = [f.fix for f in findings]
    assert all(fix is not None and fix.applicability == "unsafe" for fix in fixes)
    text = path.read_text(encoding="utf-8")
    edits = [edit for fix in fixes if fix is not None for edit in fix.edits]
    fixed = splice(text, edits)
    assert f"link: {final}\n" in fixed
    assert f"\n{final}\n## Summary" in fixed
    assert f"[Item 1]({final}#section)" in fixed  # the fragment survives the fix
    assert moved not in fixed


def test_308_chain_leads_to_the_last_permanent_target(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/chain", hops=3, code=308)
    vault.seed("a.md", url)
    run = vault.lint()
    final = web.url(H1, "/chain", hops=0, code=308)
    assert {f.message for f in run.of("L002")} == {f"{url} redirects permanently (308) to {final}"}
    assert web.stats.count(H1, "/chain") == 4


def test_temporary_redirects_are_not_reported(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/temp", status=302, location="/landing")
    vault.seed("a.md", url, [web.url(H1, "/see-other", status=303, location="/landing")])
    run = vault.lint()
    assert run.findings == []
    assert web.stats.count(H1, "/landing") == 1


def test_permanent_then_temporary_fixes_to_the_permanent_step(
    web: LoopbackServers, vault: Vault
) -> None:
    step = web.url(H2, "/step", status=302, location="/login")
    url = web.url(H1, "/start", status=301, location=step)
    vault.seed("a.md", url)
    run = vault.lint()
    assert {f.message for f in run.of("L002")} == {f"{url} redirects permanently (301) to {step}"}


def test_redirect_to_a_dead_page_is_dead(web: LoopbackServers, vault: Vault) -> None:
    target = web.url(H2, "/nowhere", status=404)
    url = web.url(H1, "/moved", status=301, location=target)
    vault.seed("a.md", url)
    run = vault.lint()
    assert {f.message for f in run.of("L001")} == {
        f"{url} redirects to {target}, which returned 404 Not Found"
    }
    assert run.of("L002") == []


def test_redirect_loop_is_dead(web: LoopbackServers, vault: Vault) -> None:
    url = web.url(H1, "/ping", loop="/pong")
    vault.seed("a.md", url)
    run = vault.lint()
    [message] = {f.message for f in run.of("L001")}
    assert message.startswith(f"{url} redirects in a loop ({url} -> ")
    assert web.stats.count(H1) == 2


def test_ten_redirects_are_followed_eleven_are_dead(web: LoopbackServers, vault: Vault) -> None:
    ten = web.url(H1, "/ten", hops=10, code=302)
    eleven = web.url(H1, "/eleven", hops=11, code=302)
    vault.seed("a.md", ten, [eleven])
    run = vault.lint()
    assert {f.message for f in run.of("L001")} == {f"{eleven} redirects more than 10 times"}
    assert web.stats.count(H1, "/ten") == 11
    assert web.stats.count(H1, "/eleven") == 11


# -- HEAD and GET -------------------------------------------------------------------------


def test_get_is_the_default_and_sends_no_head(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/page", head=405))
    assert vault.lint().findings == []
    assert [r.method for r in web.stats.requests] == ["GET"]


def test_head_405_falls_back_to_get(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/page", head=405))
    assert vault.lint(method="head").findings == []
    assert [r.method for r in web.stats.requests] == ["HEAD", "GET"]


def test_a_host_that_only_answers_get(web: LoopbackServers, vault: Vault) -> None:
    # HEAD says 404 here, GET says 200: the GET is believed, not the HEAD.
    urls = [web.url("127.0.0.4", f"/p{n}", head=404) for n in range(3)]
    vault.seed("a.md", urls[0], urls[1:])
    assert vault.lint(method="head").findings == []
    methods = sorted(r.method for r in web.stats.requests)
    assert methods == ["GET"] * 3 + ["HEAD"] * 3


def test_head_that_succeeds_needs_no_get(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/page"))
    assert vault.lint(method="head").findings == []
    assert [r.method for r in web.stats.requests] == ["HEAD"]


# -- what the server receives -------------------------------------------------------------


def test_user_agent_and_per_host_headers(web: LoopbackServers, vault: Vault) -> None:
    from seedlint import __version__

    vault.seed("a.md", web.url(H1, "/a"), [web.url(H2, "/b")])
    vault.lint(hosts={H2: {"headers": {"Authorization": "Bearer t0k3n"}}})
    by_host = {r.host: r.headers for r in web.stats.requests}
    assert by_host[H1]["user-agent"] == f"seedlint/{__version__}"
    assert "authorization" not in by_host[H1]
    assert by_host[H2]["authorization"] == "Bearer t0k3n"
    web.reset()
    vault.lint(**{"user-agent": "my-vault-checker/1.0", "cache": False})
    assert {r.headers["user-agent"] for r in web.stats.requests} == {"my-vault-checker/1.0"}


def test_excluded_urls_are_not_requested(web: LoopbackServers, vault: Vault) -> None:
    vault.seed("a.md", web.url(H1, "/keep"), [web.url(H1, "/private-notes/x", status=404)])
    run = vault.lint(exclude=["/private-notes/"])
    assert run.findings == []
    assert web.stats.count(H1, "/private-notes/x") == 0
    assert "; 1 skipped (1 excluded); 1 requests in " in run.notes[-1]


def test_summary_note_counts_every_outcome(web: LoopbackServers, vault: Vault) -> None:
    vault.seed(
        "a.md",
        web.url(H1, "/ok"),
        [
            web.url(H1, "/dead", status=404),
            web.url(H1, "/moved", status=301, location="/ok"),
            web.url(H1, "/wall", status=403),
            web.url(H1, "/skip"),
        ],
    )
    run = vault.lint(exclude=["/skip"])
    [note] = run.notes
    assert note.startswith(
        "links: 4 checked (0 from cache): 1 dead, 1 redirected, 1 unverifiable;"
        " 1 skipped (1 excluded); 4 requests in "  # /ok once, for itself and the redirect
    )
