"""The client's transport: one small connection pool per host, over the guarded backend.

httpcore's pool scans all its connections on every request it queues or releases (and
some of those scans are quadratic). One pool for a whole run of 64 requests in flight over
dozens of hosts spends more time in that bookkeeping than on the wire, and evicts the
keep-alive connection of one host to open one to another. A pool per host stays as small
as that host's limit (4 by default), keeps its connections alive, and is closed as soon
as its host has nothing left to check, so that a vault of a thousand hosts does not hold
a thousand idle sockets.
"""

from __future__ import annotations

import ssl

import httpcore
import httpx

from seedlint.links.guard import GuardedBackend
from seedlint.links.proxy import Proxies


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over the guarded backend; proxies from the environment unused."""

    def __init__(
        self, backend: GuardedBackend, limits: httpx.Limits, ssl_context: ssl.SSLContext
    ) -> None:
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        # httpx offers no public way to give its pool a network backend: the pool is
        # rebuilt with the same settings and ours (httpcore's own API, public).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class HostPools(httpx.AsyncBaseTransport):
    """Routes each request to its host's own pool, made on first use.

    With a proxy for the URL (HTTP(S)_PROXY, not NO_PROXY), the guard first resolves the
    target host and judges its addresses, then the request goes to the proxy.
    """

    def __init__(
        self,
        backend: GuardedBackend,
        connections: dict[str, int],
        default: int,
        proxies: Proxies | None = None,
    ) -> None:
        self.backend = backend
        self.connections = connections  # host -> its concurrency limit
        self.default = default
        self.proxies = proxies
        # Certificates: SSL_CERT_FILE / SSL_CERT_DIR when set (company CAs), else certifi.
        self.ssl_context = httpx.create_ssl_context(trust_env=True)
        self._pools: dict[str, httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        proxy = self.proxies.for_url(str(request.url)) if self.proxies is not None else None
        if proxy is not None:
            await self.backend.check_target(host)
        pool = self._pools.get(host)
        if pool is None:
            size = self.connections.get(host, self.default)
            limits = httpx.Limits(
                max_connections=size, max_keepalive_connections=size, keepalive_expiry=5.0
            )
            if proxy is not None:
                # The proxy is the user's own (their environment names it): not guarded.
                pool = httpx.AsyncHTTPTransport(
                    verify=self.ssl_context, limits=limits, proxy=proxy, trust_env=False
                )
            else:
                pool = GuardedTransport(self.backend, limits, self.ssl_context)
            self._pools[host] = pool
        response = await pool.handle_async_request(request)
        if proxy is not None:
            self.backend.connected = True
        return response

    async def release(self, host: str) -> None:
        """Close ``host``'s connections: nothing is left to ask it."""
        pool = self._pools.pop(host, None)  # taken first: a new request makes a new pool
        if pool is not None:
            await pool.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()
