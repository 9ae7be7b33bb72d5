"""The link check's common request, written and read on the connection itself.

Most checks are one GET whose verdict is in the status line and a few headers: no body
is kept, no proxy stands between, no page is read for its anchors. For those, httpx's
client, httpcore's pool and h11's state machine cost more CPU than the request itself
(about 0.7 ms a request, where the loopback benchmark's servers answer in 50 ms): on a
run of thousands of URLs that CPU is the run's length on a busy machine. This module
sends that GET as HTTP/1.1 over the guard's own connections (the same addresses, the
same TLS context) and reads the answer's head, bounded; everything else (proxies, HEAD
first, fragments, headers of the user's own for a host, URLs with characters a client
would escape) goes through httpx as before (``can_send``).

Errors are httpx's, so that the checker judges both paths alike: a refused or failed
connection is ``httpx.ConnectError`` raised from the guard's ``ConnectFailed``, a silent
or broken answer ``httpx.RemoteProtocolError``, a slow one ``httpx.ReadTimeout``.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpcore
import httpx

from seedlint.links.guard import GuardedBackend
from seedlint.links.streams import AsyncioStream

#: The largest response head read (status line and headers), as h11's default bound.
MAX_HEAD = 64 * 1024
#: Informational answers (100 Continue, 103 Early Hints) skipped before the real one.
MAX_INTERIM = 8
#: Characters a URL may hold that no client changes (RFC 3986's unreserved, reserved and
#: `%`): a URL with any other goes through httpx, which escapes them its own way.
_AS_SENT = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([0-9]{3})(?: ([^\r\n]*))?")
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass(frozen=True, slots=True)
class Head:
    """A response's status line and the headers asked for, names in lower case."""

    status: int
    reason: str
    headers: dict[str, str]


@dataclass
class _HostConnections:
    """Idle connections of one host, by origin: a connection to port 443 of a host is
    no answer for its port 8443, nor one in plain HTTP for HTTPS."""

    idle: dict[tuple[str, int], list[AsyncioStream]] = field(default_factory=dict)


class Wire:
    """Keep-alive connections per host; ``get`` sends one GET and reads its head."""

    def __init__(
        self,
        backend: GuardedBackend,
        ssl_context: ssl.SSLContext,
        *,
        user_agent: str,
        accept: str,
        kept: Collection[str],
        drain_limit: int,
        timeout: float,
        connect_timeout: float,
    ) -> None:
        self.backend = backend
        self.ssl_context = ssl_context
        # What httpcore sets on the same context before its own handshakes.
        ssl_context.set_alpn_protocols(["http/1.1"])
        self._fixed = (
            f"User-Agent: {user_agent}\r\nAccept: {accept}\r\n"
            "Accept-Encoding: identity\r\nConnection: keep-alive\r\n"
        ).encode("latin-1")
        self.kept = frozenset(kept)
        self.drain_limit = drain_limit
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._hosts: dict[str, _HostConnections] = {}

    @staticmethod
    def can_send(url: str) -> bool:
        """Whether ``url`` is sent here byte for byte as httpx would send it."""
        return url.isascii() and _AS_SENT.fullmatch(url) is not None and "@" not in url

    async def get(self, url: str) -> Head:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = b"GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (
            target.encode("ascii"),
            parts.netloc.encode("ascii"),
            self._fixed,
        )
        origin = (parts.scheme, port)
        connections = self._hosts.setdefault(host, _HostConnections()).idle.setdefault(origin, [])
        while connections:
            stream = connections.pop()
            if stream.get_extra_info("is_readable"):
                await stream.aclose()  # closed by the server while idle
                continue
            try:
                return await self._exchange(stream, request, connections)
            except _StaleConnection:
                continue  # closed by the server as the request went out: a new one
        stream = await self._connect(host, port, parts.scheme == "https")
        try:
            return await self._exchange(stream, request, connections)
        except _StaleConnection as error:
            detail = "Server disconnected without sending a response."
            raise httpx.RemoteProtocolError(detail) from error

    async def release(self, host: str) -> None:
        """Close ``host``'s idle connections: nothing is left to ask it."""
        connections = self._hosts.pop(host, None)
        if connections is not None:
            for streams in connections.idle.values():
                for stream in streams:
                    await stream.aclose()

    async def aclose(self) -> None:
        for host in list(self._hosts):
            await self.release(host)

    async def _connect(self, host: str, port: int, tls: bool) -> AsyncioStream:
        try:
            stream = await self.backend.connect_tcp(host, port, timeout=self.connect_timeout)
            if tls:
                stream = await stream.start_tls(
                    self.ssl_context, server_hostname=host, timeout=self.connect_timeout
                )
        except httpcore.ConnectTimeout as error:
            raise httpx.ConnectTimeout(str(error)) from error
        except httpcore.ConnectError as error:
            raise httpx.ConnectError(str(error)) from error
        assert isinstance(stream, AsyncioStream)
        return stream

    async def _exchange(
        self, stream: AsyncioStream, request: bytes, connections: list[AsyncioStream]
    ) -> Head:
        reusable = False
        head: Head | None = None
        try:
            # One timeout for the whole exchange (request, head, small body): a timer
            # for each step cost more CPU than parsing the answer.
            try:
                async with asyncio.timeout(self.timeout):
                    try:
                        await stream.write(request)
                    except httpcore.WriteError as error:
                        raise _StaleConnection from error
                    head, body = await self._read_answer(stream)
                    if body:
                        await stream.reader.readexactly(body)
                    reusable = body is not None
            except (asyncio.IncompleteReadError, OSError) as error:
                # A late or broken body (OSError covers TimeoutError) loses the
                # connection, not the verdict, which is in the head.
                if head is not None:
                    return head
                if isinstance(error, TimeoutError):
                    raise httpx.ReadTimeout("timed out reading the answer") from error
                raise
            assert head is not None
            return head
        finally:
            if reusable:
                connections.append(stream)
            else:
                await stream.aclose()

    async def _read_answer(self, stream: AsyncioStream) -> tuple[Head, int | None]:
        """The final answer's head, and the length of the body to read before the
        connection can be used again (None: it cannot be)."""
        reader = stream.reader
        for _ in range(MAX_INTERIM + 1):
            raw = await self._read_head(reader)
            version, head, close, body = _parse(raw, self.kept)
            if head.status >= 200 or head.status == 101:
                break
        else:
            raise httpx.RemoteProtocolError("too many informational answers")
        if head.status == 101:
            return head, None
        if head.status in (204, 304):
            body = 0
        if close or version == 0 or body is None or body > self.drain_limit:
            return head, None
        return head, body

    async def _read_head(self, reader: asyncio.StreamReader) -> bytes:
        try:
            return await reader.readuntil(b"\r\n\r\n")  # under _exchange's timeout
        except asyncio.IncompleteReadError as error:
            if not error.partial:
                raise _StaleConnection from error
            raise httpx.RemoteProtocolError("the answer ended in its head") from error
        except asyncio.LimitOverrunError as error:
            raise httpx.RemoteProtocolError("the answer's head is too long") from error
        except OSError as error:
            raise httpx.ReadError(str(error) or type(error).__name__) from error


class _StaleConnection(Exception):
    """The connection ended before any byte of the answer."""


def _parse(raw: bytes, kept: frozenset[str]) -> tuple[int, Head, bool, int | None]:
    """HTTP minor version, the head, whether the server closes the connection, and the
    body's length when it is known (None: chunked, or until the connection closes)."""
    if len(raw) > MAX_HEAD:
        raise httpx.RemoteProtocolError("the answer's head is too long")
    lines = raw[:-4].split(b"\r\n")
    status_line = _STATUS_LINE.fullmatch(lines[0])
    if status_line is None:
        raise httpx.RemoteProtocolError(f"not an HTTP/1.1 status line: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    close, length, chunked = False, "", False
    last: str | None = None
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t") and last is not None:
            # obs-fold (RFC 9112 5.2): the previous header's value goes on, as h11 reads it.
            if last in headers:
                more = _text(line.strip(b" \t"))
                headers[last] = f"{headers[last]} {more}".rstrip()
            continue
        name, colon, raw_value = line.partition(b":")
        if not colon or _TOKEN.fullmatch(name) is None:
            raise httpx.RemoteProtocolError(f"not a header line: {line[:80]!r}")
        key = last = name.decode("ascii").lower()
        value = _text(raw_value.strip(b" \t"))
        if key == "connection" and "close" in value.lower():
            close = True
        elif key == "content-length":
            length = value if not length or length == value else "conflicting"
        elif key == "transfer-encoding":
            chunked = True
        if key in kept:
            # Repeated headers read as one, comma-separated (as httpx's headers.get).
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    reason = (status_line[3] or b"").decode("ascii", "ignore")
    head = Head(int(status_line[2]), reason, headers)
    body = int(length) if length.isdigit() and not chunked else None
    return int(status_line[1]), head, close, body


def _text(value: bytes) -> str:
    """A header's value as httpx reads it: ASCII, else UTF-8, else Latin-1 (a Location
    in UTF-8 then names the same URL on both paths)."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")
