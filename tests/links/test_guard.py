"""The private-address guard, name resolution, and TLS failures."""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import pytest

from seedlint.links import guard
from seedlint.links.guard import GuardedBackend, PrivateAddress, Resolver, UnknownHost, is_public
from tests.links.conftest import Vault
from tests.links.loopback import LoopbackServers

H1 = "127.0.0.1"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),  # cloud metadata, link-local
        ("224.0.0.251", False),  # multicast
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::2", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:93.184.215.14", True),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("2002:5db8:d70e::1", True),  # 6to4 wrapping 93.184.215.14
        # Every other IPv6 form that embeds an IPv4 address is judged by that address.
        ("::7f00:1", False),  # IPv4-compatible 127.0.0.1
        ("::a00:1", False),  # IPv4-compatible 10.0.0.1
        ("::5db8:d70e", True),  # IPv4-compatible 93.184.215.14
        ("::ffff:0:7f00:1", False),  # IPv4-translated (SIIT) 127.0.0.1
        ("::ffff:0:5db8:d70e", True),
        ("64:ff9b::7f00:1", False),  # NAT64 well-known prefix, 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 to the cloud metadata address
        ("64:ff9b::c0a8:101", False),  # NAT64 to 192.168.1.1
        ("64:ff9b::5db8:d70e", True),  # NAT64 to a public address
        ("64:ff9b:1::7f00:1", False),  # local-use NAT64 (/96 placement)
        ("64:ff9b:1:7f00:1::", False),  # local-use NAT64 (/48 placement: 7f00 | u | 0001)
        ("64:ff9b:1:7f00:1:0:0:0", False),
        ("64:ff9b:1:5db8:d7:e00:0:0", False),  # public in one placement, 0.0.0.0 in another
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo, client 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:a247:28f1", True),  # Teredo, client 93.184.215.14
        ("fec0::1", False),  # site-local (deprecated, still routed inside a site)
        ("fefe::1", False),
        ("::", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_private_addresses_are_skipped_without_a_request(
    web: LoopbackServers, vault: Vault
) -> None:
    vault.seed("a.md", web.url(H1, "/dead", status=404), [web.url("127.0.0.2", "/x")])
    run = vault.lint(**{"allow-private": False})
    assert run.findings == []
    assert web.stats.requests == []
    [note] = run.notes
    assert note.startswith(
        "links: 0 checked (0 from cache): 0 dead, 0 redirected, 0 unverifiable;"
        " 2 skipped (2 private address); 0 requests"
    )


def test_names_are_checked_after_resolution(web: LoopbackServers, vault: Vault) -> None:
    # `localhost` is a name, not an address: the guard judges what it resolves to.
    url = f"http://localhost:{web.ports[H1]}/page"
    vault.seed("a.md", url)
    assert vault.lint(**{"allow-private": False}).findings == []
    assert web.stats.requests == []
    assert vault.lint(**{"allow-private": True}).findings == []
    assert web.stats.count(H1, "/page") == 1


def test_the_backend_refuses_before_connecting(web: LoopbackServers) -> None:
    """Every connection, redirect hops included, is made by this backend."""

    async def connect() -> None:
        backend = GuardedBackend(Resolver(timeout=1), allow_private=False)
        await backend.connect_tcp(H1, web.ports[H1])

    with pytest.raises(PrivateAddress, match=r"127\.0\.0\.1 resolves to 127\.0\.0\.1"):
        asyncio.run(connect())
    assert web.stats.total_peak == 0


def test_reserved_names_never_reach_a_dns_server() -> None:
    async def resolve(name: str) -> list[str]:
        return await Resolver(timeout=1).resolve(name)

    with pytest.raises(UnknownHost):
        asyncio.run(resolve("anything.invalid"))
    assert asyncio.run(resolve("app.localhost")) == ["127.0.0.1", "::1"]
    assert asyncio.run(resolve("[::1]")) == ["::1"]


# -- TLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackServers]:
    """An HTTPS server whose certificate no trust store holds (self-signed)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    servers = LoopbackServers([H1], tls=context).start()
    yield servers
    servers.stop()


def test_tls_failure_is_dead_and_not_retried(tls_servers: LoopbackServers, tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    url = tls_servers.url(H1, "/secure")
    vault.seed("a.md", url)
    run = vault.lint()
    [message] = {f.message for f in run.of("L001")}
    # OpenSSL 1.1 says "self signed certificate", 3.x "self-signed certificate".
    assert message.startswith(f"{url} failed the TLS handshake (self")
    assert "signed certificate" in message
    assert tls_servers.stats.requests == []  # the handshake failed: no request was sent


# -- a DNS answer holding public and private addresses -----------------------------------

PUBLIC = "93.184.215.14"


@pytest.fixture
def mixed_answer(monkeypatch: pytest.MonkeyPatch, web: LoopbackServers) -> list[str]:
    """`mixed.test` resolves to a public address first, then to 127.0.0.1 (in-process).

    Connections to anything but loopback are refused by a stand-in for the OS (and noted),
    so even a guard that let the public address through never leaves the machine: it
    would fall back to 127.0.0.1 and reach the loopback server, which the tests watch.
    """
    real_getaddrinfo = socket.getaddrinfo
    attempts: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "mixed.test":
            stream = socket.SOCK_STREAM
            return [
                (socket.AF_INET, stream, 6, "", (PUBLIC, port or 0)),
                (socket.AF_INET, stream, 6, "", (H1, port or 0)),
            ]
        return real_getaddrinfo(host, port, *args, **kwargs)

    real_connect = guard.connect_tcp

    async def connect_tcp(
        host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.AsyncNetworkStream:
        attempts.append(host)
        if not host.startswith("127."):
            raise httpcore.ConnectError(f"{host}: refused by the test (not loopback)")
        return await real_connect(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(guard, "connect_tcp", connect_tcp)
    return attempts


def test_one_private_address_in_the_answer_refuses_the_host(mixed_answer: list[str]) -> None:
    async def connect() -> None:
        backend = GuardedBackend(Resolver(timeout=1), allow_private=False)
        await backend.connect_tcp("mixed.test", 80)

    with pytest.raises(PrivateAddress, match=r"mixed\.test resolves to 127\.0\.0\.1"):
        asyncio.run(connect())
    assert mixed_answer == []  # refused before any connection was tried


def test_a_seed_naming_a_host_with_a_private_address_makes_no_request(
    mixed_answer: list[str], web: LoopbackServers, vault: Vault
) -> None:
    url = f"http://mixed.test:{web.ports[H1]}/inside"
    vault.seed("a.md", url)
    run = vault.lint(**{"allow-private": False})
    assert run.findings == []
    assert mixed_answer == []
    assert web.stats.requests == []
    assert "1 skipped (1 private address)" in run.notes[0]
