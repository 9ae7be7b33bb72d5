"""Connections on asyncio's own streams, for httpcore: the guard's network backend.

httpcore's default backend goes through anyio, which wraps every read and write in cancel
scopes and answers each "is this idle connection still readable?" (asked for every pooled
connection on every request the pool queues or releases) with a ``select`` call. On a run
of thousands of short requests that bookkeeping costs more CPU than the requests: these
streams use asyncio's transports directly and read that state from the stream itself.
The errors are httpcore's own, each raised from the OS or TLS error under it (the checker
reads that cause to tell "refused" and "TLS failure" from the rest).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore


class ConnectFailed(httpcore.ConnectError):
    """A failed connection or TLS handshake, holding the OS or TLS error that caused it.

    httpcore's pool re-raises connection errors ``from None``, which loses the cause; the
    checker needs it to tell "refused" (dead) and "TLS failure" (dead) from the rest.
    """

    def __init__(self, error: httpcore.ConnectError) -> None:
        super().__init__(str(error))
        self.reason: BaseException | None = error.__cause__ or error.__context__


#: Bytes the reader buffers before it pauses the socket: httpcore reads 64 KB at a time.
_READ_LIMIT = 256 * 1024


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One TCP connection (TLS once started) as httpcore reads and writes it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @property
    def reader(self) -> asyncio.StreamReader:
        return self._reader

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as error:
            raise httpcore.ReadTimeout(str(error) or "read timed out") from error
        except (OSError, ssl.SSLError) as error:
            raise httpcore.ReadError(str(error) or type(error).__name__) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as error:
            raise httpcore.WriteTimeout(str(error) or "write timed out") from error
        except (OSError, ssl.SSLError, RuntimeError) as error:
            # RuntimeError: asyncio's "write after the transport closed" on some paths.
            raise httpcore.WriteError(str(error) or type(error).__name__) from error

    async def aclose(self) -> None:
        # Not waited for: a TLS peer that never answers the close would hold the run.
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as error:
            self._writer.transport.abort()
            raise httpcore.ConnectTimeout(str(error) or "TLS handshake timed out") from error
        except (OSError, ssl.SSLError) as error:
            self._writer.transport.abort()
            failure = httpcore.ConnectError(str(error) or type(error).__name__)
            failure.__cause__ = error
            raise ConnectFailed(failure) from error
        return self

    def get_extra_info(self, info: str) -> Any:
        writer = self._writer
        if info == "is_readable":
            # Asked of an idle keep-alive connection: readable means the server closed it
            # (or sent what nobody asked for); either way it is not reused.
            reader = self._reader
            # Bytes nobody asked for are in the reader's buffer (asyncio has no public
            # view of it): taken for the next answer, they would be read as its head.
            unasked = bool(getattr(reader, "_buffer", b""))
            return (
                unasked or reader.at_eof() or writer.is_closing() or reader.exception() is not None
            )
        if info == "ssl_object":
            return writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return writer.get_extra_info("sockname")
        if info == "server_addr":
            return writer.get_extra_info("peername")
        if info == "socket":
            return writer.get_extra_info("socket")
        return None


async def connect_tcp(
    address: str,
    port: int,
    timeout: float | None,
    local_address: str | None = None,
    socket_options: Iterable[Any] | None = None,
) -> AsyncioStream:
    """A connection to ``address`` (an IP address the guard allowed, never a name)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for option in socket_options or ():
            sock.setsockopt(*option)
        if local_address is not None:
            sock.bind((local_address, 0))
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            await loop.sock_connect(sock, (address, port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=_READ_LIMIT)
    except TimeoutError as error:
        sock.close()
        raise httpcore.ConnectTimeout(str(error) or "connection timed out") from error
    except OSError as error:
        sock.close()
        raise httpcore.ConnectError(str(error) or type(error).__name__) from error
    except BaseException:
        sock.close()
        raise
    return AsyncioStream(reader, writer)
