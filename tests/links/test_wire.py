"""The lean GET (seedlint/links/wire.py) against servers that answer byte by byte.

Each server here is a real TCP server on 127.0.0.1 that writes the answer a test gives it
(keep-alive or not, a stray close, a broken head), and counts its connections: what the
checker does with the connection is observed from outside, as with the other servers.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Iterator

import pytest

from seedlint.links import checker
from tests.links.conftest import Vault
from tests.links.loopback import LoopbackServers, closed_port

H1, H2 = "127.0.0.1", "127.0.0.2"
#: What a server answers to one request: the bytes, and whether to keep the connection.
Answer = Callable[[bytes, int], tuple[bytes, bool]]


class RawServer:
    """Answers each request with ``answer(request, n)``; counts connections and requests."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with outer._lock:
                    outer.connections += 1
                sock: socket.socket = self.request
                buffered = b""
                while True:
                    while b"\r\n\r\n" not in buffered:
                        chunk = sock.recv(65536)
                        if not chunk:
                            return
                        buffered += chunk
                    request, _, buffered = buffered.partition(b"\r\n\r\n")
                    with outer._lock:
                        outer.requests.append(request)
                        n = len(outer.requests)
                    data, keep = outer.answer(request, n)
                    sock.sendall(data)
                    if not keep:
                        return

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server((H1, 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{H1}:{self.port}{path}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def raw() -> Iterator[Callable[[Answer], RawServer]]:
    started: list[RawServer] = []

    def start(answer: Answer) -> RawServer:
        server = RawServer(answer)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _ok(body: bytes = b"ok", extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


def _path(request: bytes) -> bytes:
    return request.split(b" ", 2)[1]


def test_one_connection_carries_every_request_of_a_host(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    server = raw(lambda request, n: (_ok(), True))
    urls = [server.url(f"/page/{n}") for n in range(12)]
    vault.seed("a.md", urls[0], urls[1:])
    run = vault.lint(**{"max-per-host": 1})
    assert run.findings == []
    assert len(server.requests) == 12
    assert server.connections == 1
    first = server.requests[0].split(b"\r\n")
    assert first[0] == b"GET /page/0 HTTP/1.1"
    assert f"Host: {H1}:{server.port}".encode() in first
    assert any(line.startswith(b"User-Agent: seedlint/") for line in first)


def test_a_connection_the_server_closes_after_answering_is_not_reused_blindly(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    # The server closes every connection after its answer without saying so (no
    # `Connection: close`): the next request finds it gone, and goes on a new one.
    server = raw(lambda request, n: (_ok(), False))
    urls = [server.url(f"/page/{n}") for n in range(6)]
    vault.seed("a.md", urls[0], urls[1:])
    run = vault.lint(**{"max-per-host": 1})
    assert run.findings == []
    assert sorted(_path(r) for r in server.requests) == sorted(
        f"/page/{n}".encode() for n in range(6)
    )
    assert server.connections == 6


def test_connection_close_and_unread_bodies_end_the_connection(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    # A chunked body, a body over the drain limit and `Connection: close` are not read:
    # the verdict comes from the head, and the connection is not used again.
    def answer(request: bytes, n: int) -> tuple[bytes, bool]:
        path = _path(request)
        if path == b"/chunked":
            return (
                b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                True,
            )
        if path == b"/big":
            return b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 1000, True
        if path == b"/close":
            return _ok(extra=b"Connection: close\r\n"), True
        return _ok(), True

    server = raw(answer)
    urls = [server.url(path) for path in ("/chunked", "/big", "/close", "/last")]
    vault.seed("a.md", urls[0], urls[1:])
    run = vault.lint(**{"max-per-host": 1})
    assert {f.message for f in run.findings} == {f"{urls[0]} returned 404 Not Found"}
    assert server.connections == 4


def test_informational_answers_are_skipped(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    early = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
    server = raw(
        lambda request, n: (early + b"HTTP/1.1 410 Gone\r\nContent-Length: 0\r\n\r\n", True)
    )
    url = server.url("/gone")
    vault.seed("a.md", url)
    run = vault.lint()
    assert {f.message for f in run.findings} == {f"{url} returned 410 Gone"}


@pytest.mark.parametrize(
    "answer",
    [
        b"SMTP ready\r\n\r\n",  # not HTTP at all
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",  # a header line that is not one
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n",  # a head past the bound
        b"HTTP/1.1 200 OK\r\nContent-Le",  # the connection ends inside the head
    ],
)
def test_a_broken_answer_is_unverifiable_after_the_retries(
    raw: Callable[[Answer], RawServer], vault: Vault, answer: bytes
) -> None:
    server = raw(lambda request, n: (answer, False))
    url = server.url("/broken")
    vault.seed("a.md", url)
    run = vault.lint(retries=1)
    assert {(f.code, f.message) for f in run.findings} == {
        ("L004", f"{url} closed the connection without answering (after 2 attempts)")
    }
    assert len(server.requests) == 2


def test_the_reason_phrase_is_the_servers_or_the_standard_one(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    def answer(request: bytes, n: int) -> tuple[bytes, bool]:
        if _path(request) == b"/own":
            return b"HTTP/1.1 404 Nowhere To Be Found\r\nContent-Length: 0\r\n\r\n", True
        return b"HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", True

    server = raw(answer)
    own, bare = server.url("/own"), server.url("/bare")
    vault.seed("a.md", own, [bare])
    run = vault.lint()
    assert {f.message for f in run.findings} == {
        f"{own} returned 404 Nowhere To Be Found",
        f"{bare} returned 404 Not Found",
    }


# -- rate limits and the workers, as the loopback servers see them -----------------------


def test_a_lone_429_with_a_wait_holds_only_its_url(web: LoopbackServers, vault: Vault) -> None:
    busy = web.url(H1, "/busy", fail=1, fail_status=429, retry_after=1)
    others = [web.url(H1, f"/other/{n}") for n in range(4)]
    vault.seed("a.md", busy, others)
    assert vault.lint(**{"max-per-host": 1}).findings == []
    first, second = web.stats.matching(H1, "/busy")
    assert second.at - first.at >= 0.95
    # The host's other URLs were asked while /busy waited out its second.
    assert all(first.at < r.at < second.at for r in web.stats.requests if r.path != "/busy")


def test_two_429s_in_a_row_pause_the_whole_host(web: LoopbackServers, vault: Vault) -> None:
    a = web.url(H1, "/a", fail=1, fail_status=429, retry_after=1)
    b = web.url(H1, "/b", fail=1, fail_status=429, retry_after=1)
    c = web.url(H1, "/c")
    vault.seed("a.md", a, [b, c])
    assert vault.lint(**{"max-per-host": 1}).findings == []
    requests = web.stats.matching(H1)
    assert [r.path for r in requests[:2]] == ["/a", "/b"]
    # After the second rate limit in a row, nothing goes to the host for its second.
    assert min(r.at for r in requests[2:]) - requests[1].at >= 0.95


def test_a_slow_host_does_not_hold_the_workers_of_the_others(
    web: LoopbackServers, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eight workers (a run of 200,000 URLs has its few hundred); one request at a time to
    # H1, each 30 ms; H2's URLs are quick. Taken in turn from one queue, the workers would
    # all end up waiting on H1 while H2's URLs wait behind them, at H1's pace.
    monkeypatch.setattr(checker, "MIN_WORKERS", 8)
    slow = [web.url(H1, f"/slow/{n}", delay=30) for n in range(60)]
    quick = [web.url(H2, f"/quick/{n}") for n in range(60)]
    vault.seed("slow.md", slow[0], slow[1:])
    vault.seed("quick.md", quick[0], quick[1:])
    run = vault.lint(**{"max-concurrency": 2, "hosts": {H1: {"max-concurrency": 1}}})
    assert run.findings == []
    last_quick = max(r.at for r in web.stats.matching(H2))
    slow_before = sum(1 for r in web.stats.matching(H1) if r.at < last_quick)
    assert slow_before < 20, f"{slow_before} slow requests went before the last quick one"


def test_bytes_after_an_answer_keep_its_connection_from_being_used_again(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    # /first's answer is followed by what looks like another one (a 404): taken for the
    # next request's answer, it would make /second dead. The connection is not reused.
    stray = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"

    def answer(request: bytes, n: int) -> tuple[bytes, bool]:
        if _path(request) == b"/first":
            return _ok() + stray, True
        return _ok(), True

    server = raw(answer)
    first, second = server.url("/first"), server.url("/second")
    vault.seed("a.md", first, [second])
    run = vault.lint(**{"max-per-host": 1})
    assert run.findings == []
    assert server.connections == 2
    assert len(server.requests) == 2  # no retry: the second request went on a new one


def test_a_location_in_utf8_names_the_url_httpx_would(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    def answer(request: bytes, n: int) -> tuple[bytes, bool]:
        if _path(request) == b"/old":
            return (
                b"HTTP/1.1 301 Moved\r\nLocation: /caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n",
                True,
            )
        return _ok(), True

    server = raw(answer)
    old = server.url("/old")
    vault.seed("a.md", old)
    run = vault.lint()
    assert {f.message for f in run.of("L002")} == {
        f"{old} redirects permanently (301) to {server.url('/caf%C3%A9')}"
    }
    assert [_path(r) for r in server.requests] == [b"/old", b"/caf%C3%A9"]


def test_a_folded_header_line_continues_the_header(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    # An obsolete line folding (RFC 9112 5.2) inside a redirect's Location.
    def answer(request: bytes, n: int) -> tuple[bytes, bool]:
        if _path(request) == b"/old":
            head = b"HTTP/1.1 308 Moved\r\nX-Note: one\r\n two\r\nLocation: /new\r\n"
            return head + b"Content-Length: 0\r\n\r\n", True
        return _ok(), True

    server = raw(answer)
    old = server.url("/old")
    vault.seed("a.md", old)
    run = vault.lint()
    assert {f.message for f in run.of("L002")} == {
        f"{old} redirects permanently (308) to {server.url('/new')}"
    }


def test_a_kept_connection_serves_only_its_own_port(web: LoopbackServers, vault: Vault) -> None:
    # The same host on another port (where nothing listens) is not asked over the
    # connection kept open to the first one.
    open_url = web.url(H1, "/open")
    closed_url = f"http://{H1}:{closed_port(H1)}/closed"
    vault.seed("a.md", open_url, [closed_url])
    run = vault.lint(**{"max-per-host": 1}, retries=0)
    assert {(f.code, f.message) for f in run.findings} == {
        ("L001", f"{closed_url} refused the connection")
    }
    assert [r.path for r in web.stats.requests] == ["/open"]


def test_a_body_that_stalls_keeps_the_verdict_of_its_head(
    raw: Callable[[Answer], RawServer], vault: Vault
) -> None:
    # The head says 404 and a 10-byte body, of which 3 bytes come: the exchange's one
    # timeout ends the wait, the verdict is the head's, and the connection is not used
    # again (the next request opens its own).
    def answer(request: bytes, n: int) -> tuple[bytes, bool]:
        if _path(request) == b"/a-stall":
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nabc", True
        return _ok(), True

    server = raw(answer)
    # Asked in this order (sorted): the stalled connection comes first.
    stall, after = server.url("/a-stall"), server.url("/b-after")
    vault.seed("a.md", stall, [after])
    run = vault.lint(**{"max-per-host": 1, "timeout": 0.5})
    assert [(f.code, f.message) for f in run.findings] == [
        ("L001", f"{stall} returned 404 Not Found"),
        ("L001", f"{stall} returned 404 Not Found"),
    ]
    assert [_path(r) for r in server.requests] == [b"/a-stall", b"/b-after"]
    assert server.connections == 2
