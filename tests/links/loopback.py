"""Real HTTP/1.1 servers on several loopback addresses, for the link checker's tests.

One asyncio loop in a background thread serves every address (127.0.0.1, 127.0.0.2, ...),
each on its own ephemeral port. A response is scripted by the request's query string, so
a test's URLs say what they will get:

``status``       status code (default 200)
``delay``        milliseconds before the response headers are sent
``location``     the ``Location`` header (redirects)
``hops``         redirect (``code``, default 301) to the same URL with ``hops`` one less
``loop``         redirect (``code``) to the path ``loop``, whose ``loop`` points back here
``retry_after``  the ``Retry-After`` header
``reset``        the ``X-RateLimit-Reset`` header
``remaining``    the ``X-RateLimit-Remaining`` header
``fail``         the first N requests to this URL get ``fail_status`` (default 503)
``head``         status answered to HEAD requests (HEAD 405, hosts that only answer GET)
``drop``         close the connection without answering
``challenge``    answer 403 with ``cf-mitigated: challenge`` (a bot wall)
``body``         bytes of body (default 16)

The server records every request (address, method, target, headers, arrival time) and
the largest number of requests it had in flight, per address and in all, so that tests
and benchmarks observe the checker's behaviour and limits from the outside.
"""

from __future__ import annotations

import asyncio
import http
import json
import socket
import ssl
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from time import monotonic
from urllib.parse import parse_qs, urlencode, urlsplit

_KNOWN = {status.value for status in http.HTTPStatus}
#: Where the servers answer like the Wayback Machine's availability API.
ARCHIVE_PATH = "/wayback/available"
_HEADERS = (
    ("retry_after", "Retry-After"),
    ("reset", "X-RateLimit-Reset"),
    ("remaining", "X-RateLimit-Remaining"),
)


@dataclass(frozen=True)
class Request:
    host: str
    method: str
    target: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


@dataclass
class Stats:
    requests: list[Request] = field(default_factory=list)
    in_flight: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)
    total_in_flight: int = 0
    total_peak: int = 0

    def matching(self, host: str | None = None, path: str | None = None) -> list[Request]:
        return [
            request
            for request in self.requests
            if (host is None or request.host == host) and (path is None or request.path == path)
        ]

    def count(self, host: str | None = None, path: str | None = None) -> int:
        return len(self.matching(host, path))


class LoopbackServers:
    """HTTP servers on ``hosts`` (loopback addresses), started and stopped as one."""

    def __init__(self, hosts: Iterable[str], tls: ssl.SSLContext | None = None) -> None:
        self.hosts = list(hosts)
        self.tls = tls
        self.ports: dict[str, int] = {}
        self.stats = Stats()
        self._failures: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self._connections: set[asyncio.Task[None]] = set()
        # Path -> (content type, body): pages served as they are (HTML with anchors).
        self.pages: dict[str, tuple[str, bytes]] = {}
        # The fake availability API at ARCHIVE_PATH: URL -> (timestamp, snapshot URL).
        self.archive: dict[str, tuple[str, str]] = {}

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> LoopbackServers:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        for host in self.hosts:

            async def serve(
                reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str = host
            ) -> None:
                await self._serve(host, reader, writer)

            server = await asyncio.start_server(serve, host, 0, backlog=1024, ssl=self.tls)
            self._servers.append(server)
            self.ports[host] = server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def reset(self) -> None:
        with self._lock:
            self.stats = Stats()
            self._failures.clear()
            self.pages.clear()
            self.archive.clear()

    # -- URLs -----------------------------------------------------------------------------

    def url(self, host: str, path: str = "/", **query: object) -> str:
        """A URL on ``host`` (an address of this server) answering as ``query`` says."""
        scheme = "https" if self.tls is not None else "http"
        text = f"{scheme}://{host}:{self.ports[host]}{path}"
        if query:
            text += "?" + urlencode({key: str(value) for key, value in query.items()})
        return text

    # -- serving --------------------------------------------------------------------------

    async def _serve(
        self, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.partition(":") for line in lines[1:] if line)
                }
                length = int(headers.get("content-length", "0"))
                if length:
                    await reader.readexactly(length)
                request = Request(host, method, target, headers, monotonic())
                keep = await self._answer(request, writer)
                if not keep or headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except (ssl.SSLError, OSError):
            pass  # a client refusing our certificate: what the TLS test wants
        except asyncio.CancelledError:
            pass  # the servers are stopping: a slow answer is simply never sent
        finally:
            self._connections.discard(task)
            writer.close()

    async def _answer(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        host = request.host
        query = {
            key: values[-1] for key, values in parse_qs(urlsplit(request.target).query).items()
        }
        with self._lock:
            stats = self.stats
            stats.requests.append(request)
            stats.in_flight[host] += 1
            stats.peak[host] = max(stats.peak[host], stats.in_flight[host])
            stats.total_in_flight += 1
            stats.total_peak = max(stats.total_peak, stats.total_in_flight)
        try:
            delay = float(query.get("delay", 0)) / 1000
            if delay:
                await asyncio.sleep(delay)
            if "drop" in query:
                return False
            status, headers = self._choose(request, query)
            size = int(query.get("body", 16))
            body = b"" if request.method == "HEAD" else (b"x" * size)
            content = self._content(request, query)
            if content is not None:
                kind, data = content
                status, headers, size = 200, {"Content-Type": kind}, len(data)
                body = b"" if request.method == "HEAD" else data
            reason = http.HTTPStatus(status).phrase if status in _KNOWN else "Whatever"
            lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {size}"]
            lines += [f"{name}: {value}" for name, value in headers.items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            return True
        finally:
            with self._lock:
                stats.in_flight[host] -= 1
                stats.total_in_flight -= 1

    def _content(self, request: Request, query: dict[str, str]) -> tuple[str, bytes] | None:
        """A page of ``pages`` (by path), or the fake availability API's JSON answer."""
        page = self.pages.get(request.path)
        if page is not None:
            return page
        if request.path != ARCHIVE_PATH:
            return None
        found = self.archive.get(query.get("url", ""))
        if found is None:
            return "application/json", b'{"url": "x", "archived_snapshots": {}}'
        timestamp, snapshot = found
        closest = {"available": True, "url": snapshot, "timestamp": timestamp, "status": "200"}
        answer = {"url": query.get("url"), "archived_snapshots": {"closest": closest}}
        return "application/json", json.dumps(answer).encode()

    def _choose(self, request: Request, query: dict[str, str]) -> tuple[int, dict[str, str]]:
        headers: dict[str, str] = {"Content-Type": "text/html"}
        for name, header in _HEADERS:
            if name in query:
                headers[header] = query[name]
        if "fail" in query:
            with self._lock:
                self._failures[(request.host, request.target)] += 1
                seen = self._failures[(request.host, request.target)]
            if seen <= int(query["fail"]):
                return int(query.get("fail_status", 503)), headers
            for _, header in _HEADERS:
                headers.pop(header, None)
        if request.method == "HEAD" and "head" in query:
            return int(query["head"]), headers
        code = int(query.get("code", 301))
        if int(query.get("hops", 0)) > 0:
            rest = {**query, "hops": str(int(query["hops"]) - 1)}
            headers["Location"] = f"{request.path}?{urlencode(rest)}"
            return code, headers
        if "loop" in query:
            back = {**query, "loop": request.path}
            headers["Location"] = f"{query['loop']}?{urlencode(back)}"
            return code, headers
        if "challenge" in query:
            headers["cf-mitigated"] = "challenge"
            return 403, headers
        if "location" in query:
            headers["Location"] = query["location"]
        return int(query.get("status", 200)), headers


def closed_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
    return port


class ForwardProxy:
    """An HTTP forward proxy on a loopback address that records what it is asked.

    It reads absolute-form requests (`GET http://host:port/path HTTP/1.1`), notes the
    target, and relays the request to it and the answer back, one exchange a connection
    (it answers with `Connection: close`). CONNECT (https) is refused: the tests use http.
    """

    def __init__(self, host: str) -> None:
        self.host = host
        self.port = 0
        self.asked: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ForwardProxy:
        self._thread.start()

        async def begin() -> None:
            self._server = await asyncio.start_server(self._serve, self.host, 0)
            self.port = self._server.sockets[0].getsockname()[1]

        asyncio.run_coroutine_threadsafe(begin(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        async def end() -> None:
            if self._server is not None:
                self._server.close()

        asyncio.run_coroutine_threadsafe(end(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ", 2)
            self.asked.append(f"{method} {target}")
            if method == "CONNECT":
                writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            parts = urlsplit(target)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            headers = [
                line
                for line in lines[1:]
                if line and not line.lower().startswith(("proxy-", "connection:"))
            ]
            upstream_reader, upstream_writer = await asyncio.open_connection(
                parts.hostname, parts.port or 80
            )
            request = [f"{method} {path} {version}", *headers, "Connection: close", "", ""]
            upstream_writer.write("\r\n".join(request).encode("latin-1"))
            await upstream_writer.drain()
            answer = await upstream_reader.read()
            upstream_writer.close()
            status_line, _, rest = answer.partition(b"\r\n")
            writer.write(status_line + b"\r\nConnection: close\r\n" + rest)
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()
