"""Name resolution, the private-address guard, and telling "no network" from "dead".

A seed in a pull request must not make CI probe the internal network, so the guard sits
where connections are made: the client's network backend resolves each host itself,
refuses private, loopback, link-local and multicast addresses (unless `allow-private`),
and connects to the very address it checked. Every connection goes through it, redirect
hops included, and a DNS answer cannot change between the check and the connection.

The resolver also decides whether the machine has a network at all: when a lookup fails
before any has succeeded, it resolves well-known names once; if those fail too, the run
is offline and no link is called dead.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore

from seedlint.links.streams import ConnectFailed, connect_tcp

#: Names that exist as long as the DNS does (RFC 2606 / IANA): the "is there a network" probe.
PROBE_HOSTS = ("example.com", "iana.org")
#: getaddrinfo's "this name does not exist" answers; other failures may pass.
_NO_SUCH_NAME = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class NoNetwork(Exception):
    """Every lookup fails, well-known names included: the machine is offline."""


class UnknownHost(Exception):
    """The name does not exist (the DNS answered, and said so)."""


class LookupFailed(Exception):
    """The lookup failed without a clear answer (a timeout, a server failure): retry."""


class PrivateAddress(Exception):
    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}, a private address")
        self.host = host
        self.address = address


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052, the well-known prefix
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215, a prefix of any length
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # IPv4-compatible (RFC 4291, deprecated)
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # IPv4-translated (RFC 2765, SIIT)
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")  # deprecated, but still routed inside sites
#: Where RFC 6052 puts the IPv4 address for each NAT64 prefix length: (start bit, bits)
#: pieces of the 128-bit address, skipping the reserved "u" octet (bits 64 to 71).
_RFC6052_PIECES = {
    48: ((48, 16), (72, 16)),
    56: ((56, 8), (72, 24)),
    64: ((72, 32),),
    96: ((96, 32),),
}


def _bits(value: int, start: int, length: int) -> int:
    return (value >> (128 - start - length)) & ((1 << length) - 1)


def _rfc6052(address: ipaddress.IPv6Address, prefix: int) -> ipaddress.IPv4Address:
    value, embedded = int(address), 0
    for start, length in _RFC6052_PIECES[prefix]:
        embedded = (embedded << length) | _bits(value, start, length)
    return ipaddress.IPv4Address(embedded)


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for, by every form that embeds one.

    A packet to any of these forms may reach the IPv4 address inside (a NAT64 gateway,
    a 6to4 or Teredo relay, a kernel that maps ``::ffff:0:0/96``), so the guard judges
    them by it. A local-use NAT64 prefix (``64:ff9b:1::/48``) may be of any length the
    operator chose: every place RFC 6052 allows is a candidate.
    """
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in _COMPATIBLE or address in _TRANSLATED or address in _NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    if address in _NAT64_LOCAL:
        return [_rfc6052(address, prefix) for prefix in _RFC6052_PIECES]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return [address.teredo[1]]  # the client's address: where the packets go
    return []


def is_public(address: Address) -> bool:
    """True for addresses on the public internet, the only ones checked by default."""
    if isinstance(address, ipaddress.IPv6Address):
        inside = embedded_ipv4(address)
        if inside:
            return all(is_public(embedded) for embedded in inside)
        if address in _SITE_LOCAL:
            return False
    return address.is_global and not address.is_multicast


def literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class Resolver:
    """getaddrinfo off the event loop, once per host, with the offline decision."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lookups: dict[str, asyncio.Future[list[str]]] = {}
        self._probe: asyncio.Future[bool] | None = None
        self.network: bool | None = None  # unknown until a lookup succeeds or the probe ends
        self.offline = False

    async def resolve(self, host: str) -> list[str]:
        """The addresses of ``host``; raises UnknownHost, LookupFailed or NoNetwork."""
        host = host.lower().rstrip(".")
        address = literal(host)
        if address is not None:
            return [str(address)]
        # RFC 6761: these names are answered locally, never sent to a DNS server.
        if host == "invalid" or host.endswith(".invalid"):
            raise UnknownHost(f"{host}: reserved name that never resolves")
        if host == "localhost" or host.endswith(".localhost"):
            return ["127.0.0.1", "::1"]
        if self.offline:
            raise NoNetwork(host)
        pending = self._lookups.get(host)
        if pending is None:
            pending = asyncio.ensure_future(self._lookup(host))
            self._lookups[host] = pending
        try:
            return await asyncio.shield(pending)
        except LookupFailed:
            # A passing failure is not remembered: the retry looks the name up again.
            if self._lookups.get(host) is pending:
                del self._lookups[host]
            raise

    async def _lookup(self, host: str) -> list[str]:
        try:
            found = await self._getaddrinfo(host)
        except socket.gaierror as error:
            if not await self._has_network():
                self.offline = True
                raise NoNetwork(host) from error
            if error.errno in _NO_SUCH_NAME:
                raise UnknownHost(f"{host}: {error.strerror}") from error
            raise LookupFailed(f"{host}: {error.strerror}") from error
        except (TimeoutError, OSError) as error:
            raise LookupFailed(f"{host}: lookup timed out") from error
        self.network = True
        return found

    async def _getaddrinfo(self, host: str) -> list[str]:
        loop = asyncio.get_running_loop()
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), self.timeout
        )
        # IPv4 first: machines without an IPv6 route are common, the reverse is rare.
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        return sorted(addresses, key=lambda text: ":" in text)

    async def _has_network(self) -> bool:
        if self.network is not None:
            return self.network
        if self._probe is None:
            self._probe = asyncio.ensure_future(self._run_probe())
        return await asyncio.shield(self._probe)

    async def _run_probe(self) -> bool:
        for name in PROBE_HOSTS:
            try:
                await self._getaddrinfo(name)
            except (OSError, TimeoutError):
                continue
            self.network = True
            return True
        self.network = False
        return False


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the guard allowed."""

    def __init__(self, resolver: Resolver, *, allow_private: bool) -> None:
        self.resolver = resolver
        self.allow_private = allow_private
        # Set once any connection succeeds: the network exists, whatever DNS said.
        self.connected = False

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.check_target(host)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = await connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as error:
                failure = ConnectFailed(error)
                continue
            self.connected = True
            return stream
        assert failure is not None  # resolve() never returns an empty list
        raise failure

    async def check_target(self, host: str) -> list[str]:
        """The addresses of ``host``, once the guard allowed every one of them."""
        addresses = await self.resolver.resolve(host)
        if not self.allow_private:
            for address in addresses:
                parsed = literal(address.split("%")[0])
                if parsed is None or not is_public(parsed):
                    raise PrivateAddress(host, address)
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("seedlint does not connect to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
