"""The guard's resolver and backend, case by case: the mutants the link tests let live.

Every connection here is a real TCP (or TLS) connection to a server on 127.0.0.x started
in the test's own event loop. Names are answered by a stand-in for the OS resolver
(``socket.getaddrinfo``) that knows only the names of the test and never asks a real DNS
server: an unknown name is "no such name", so no mutant can make a test leave loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpcore
import pytest

from seedlint.links.guard import (
    PROBE_HOSTS,
    ConnectFailed,
    GuardedBackend,
    LookupFailed,
    NoNetwork,
    PrivateAddress,
    Resolver,
    UnknownHost,
    embedded_ipv4,
)

_T = TypeVar("_T")
PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
#: A bound for every test's event loop: a mutant that drops a timeout fails, never hangs.
BOUND = 10.0


#: The servers a test started in its loop: closed when the loop ends.
_SERVERS: list[asyncio.Server] = []


def run(coroutine: Awaitable[_T]) -> _T:
    async def bounded() -> _T:
        try:
            return await asyncio.wait_for(coroutine, BOUND)
        finally:
            while _SERVERS:
                server = _SERVERS.pop()
                server.close()
                await server.wait_closed()

    return asyncio.run(bounded())


async def _serve(
    handle: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
    host: str,
    **options: Any,
) -> asyncio.Server:
    async def closing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handle(reader, writer)
        except (OSError, ssl.SSLError):
            pass  # the client went away (a test that refused the handshake)
        finally:
            writer.close()

    server = await asyncio.start_server(closing, host, 0, **options)
    _SERVERS.append(server)
    return server


class FakeDns:
    """``socket.getaddrinfo`` for the test's names; every other name does not exist."""

    def __init__(self) -> None:
        self.real = socket.getaddrinfo
        self.answers: dict[str, list[str] | int] = {}  # addresses, or a gaierror code
        self.calls: list[str] = []
        self.delay = 0.0

    def getaddrinfo(
        self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> Any:
        if host is None or _is_address(host):  # anyio's own look-up of an address
            return self.real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        self.calls.append(host)
        if self.delay:
            time.sleep(self.delay)  # in the executor's thread, as a slow DNS server
        answer = self.answers.get(host, socket.EAI_NONAME)
        if isinstance(answer, int):
            raise socket.gaierror(answer, f"code {answer}")
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (family[ipaddress.ip_address(a).version], socket.SOCK_STREAM, 6, "", (a, 0))
            for a in answer
        ]


def _is_address(host: str | bytes) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host)
    except ValueError:
        return False
    return True


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    fake = FakeDns()
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


# -- addresses embedded in IPv6 ------------------------------------------------------------


def test_local_use_nat64_yields_the_address_at_every_rfc6052_placement() -> None:
    # RFC 6052's example, 192.0.2.33 behind a /48 prefix: 64:ff9b:1:c000:2:2100::. The
    # same bits read at the /56, /64 and /96 placements give three other addresses.
    found = embedded_ipv4(ipaddress.IPv6Address("64:ff9b:1:c000:2:2100::"))
    assert [str(address) for address in found] == ["192.0.2.33", "0.2.33.0", "2.33.0.0", "0.0.0.0"]
    # The /96 placement of 10.0.0.1 reads the last 32 bits exactly.
    found = embedded_ipv4(ipaddress.IPv6Address("64:ff9b:1::a00:1"))
    assert str(found[-1]) == "10.0.0.1"


# -- the resolver ------------------------------------------------------------------------------


def test_names_are_lower_cased_and_lose_the_root_dot(dns: FakeDns) -> None:
    dns.answers["dual.test"] = [PUBLIC_V4]
    assert run(Resolver(timeout=1).resolve("Dual.TEST.")) == [PUBLIC_V4]
    assert dns.calls == ["dual.test"]


def test_ipv4_comes_first_and_duplicates_go(dns: FakeDns) -> None:
    dns.answers["dual.test"] = [PUBLIC_V6, PUBLIC_V4, PUBLIC_V6, "1.1.1.1"]
    assert run(Resolver(timeout=1).resolve("dual.test")) == [PUBLIC_V4, "1.1.1.1", PUBLIC_V6]


def test_reserved_names_are_answered_locally(dns: FakeDns) -> None:
    with pytest.raises(UnknownHost) as refused:
        run(Resolver(timeout=1).resolve("invalid"))
    assert str(refused.value) == "invalid: reserved name that never resolves"
    assert run(Resolver(timeout=1).resolve("localhost")) == ["127.0.0.1", "::1"]
    assert dns.calls == []


def test_one_lookup_per_name_even_when_asked_at_once(dns: FakeDns) -> None:
    dns.answers["once.test"] = [PUBLIC_V4]
    resolver = Resolver(timeout=1)

    async def twice() -> list[list[str]]:
        first = await asyncio.gather(resolver.resolve("once.test"), resolver.resolve("once.test"))
        return [*first, await resolver.resolve("once.test")]

    assert run(twice()) == [[PUBLIC_V4]] * 3
    assert dns.calls == ["once.test"]


def test_a_passing_failure_is_looked_up_again(dns: FakeDns) -> None:
    dns.answers["flaky.test"] = socket.EAI_AGAIN
    resolver = Resolver(timeout=1)

    async def retry() -> list[str]:
        with pytest.raises(LookupFailed) as failed:
            await resolver.resolve("flaky.test")
        assert str(failed.value) == f"flaky.test: code {socket.EAI_AGAIN}"
        dns.answers["flaky.test"] = [PUBLIC_V4]
        return await resolver.resolve("flaky.test")

    dns.answers[PROBE_HOSTS[0]] = [PUBLIC_V4]  # the network exists
    assert run(retry()) == [PUBLIC_V4]
    assert dns.calls.count("flaky.test") == 2


def test_a_missing_name_is_unknown_when_the_network_exists(dns: FakeDns) -> None:
    # The first probe name fails, the second answers: the machine is online.
    dns.answers[PROBE_HOSTS[1]] = [PUBLIC_V4]
    resolver = Resolver(timeout=1)
    with pytest.raises(UnknownHost) as unknown:
        run(resolver.resolve("gone.test"))
    assert str(unknown.value) == f"gone.test: code {socket.EAI_NONAME}"
    assert dns.calls == ["gone.test", *PROBE_HOSTS]
    assert resolver.network is True
    assert resolver.offline is False


def test_a_successful_lookup_proves_the_network(dns: FakeDns) -> None:
    dns.answers["here.test"] = [PUBLIC_V4]
    resolver = Resolver(timeout=1)

    async def both() -> None:
        await resolver.resolve("here.test")
        with pytest.raises(UnknownHost):
            await resolver.resolve("gone.test")

    run(both())
    assert dns.calls == ["here.test", "gone.test"]  # no probe: a lookup already worked


def test_no_network_when_the_probe_fails_too(dns: FakeDns) -> None:
    resolver = Resolver(timeout=1)

    async def twice() -> None:
        with pytest.raises(NoNetwork) as offline:
            await resolver.resolve("gone.test")
        assert str(offline.value) == "gone.test"
        with pytest.raises(NoNetwork) as again:
            await resolver.resolve("other.test")
        assert str(again.value) == "other.test"

    run(twice())
    assert resolver.offline is True
    assert resolver.network is False
    assert dns.calls == ["gone.test", *PROBE_HOSTS]  # offline: no further lookup


def test_a_slow_lookup_times_out(dns: FakeDns) -> None:
    dns.answers["slow.test"] = [PUBLIC_V4]
    dns.delay = 1.0
    with pytest.raises(LookupFailed) as failed:
        run(Resolver(timeout=0.1).resolve("slow.test"))
    assert str(failed.value) == "slow.test: lookup timed out"


# -- the backend -------------------------------------------------------------------------------


class Server:
    """A TCP server on 127.0.0.x in the running loop: it notes peers and echoes a line."""

    def __init__(self) -> None:
        self.peers: list[tuple[str, int]] = []
        self.server: asyncio.Server | None = None

    async def start(self, host: str = "127.0.0.2", port: int = 0, reply: bool = True) -> int:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.peers.append(writer.get_extra_info("peername")[:2])
            if reply:
                writer.write(await reader.readline())
                await writer.drain()
            else:
                await asyncio.sleep(BOUND)  # reads nothing, answers nothing

        self.server = await _serve(handle, host)
        return int(self.server.sockets[0].getsockname()[1])


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def test_the_first_refusing_address_falls_through_to_the_next(dns: FakeDns) -> None:
    async def connect() -> tuple[bytes, bool, bool]:
        server = Server()
        port = await server.start("127.0.0.2")
        dns.answers["two.test"] = ["127.0.0.3", "127.0.0.2"]  # nothing listens on .3
        backend = GuardedBackend(Resolver(timeout=1), allow_private=True)
        before = backend.connected
        stream = await backend.connect_tcp("two.test", port, timeout=2)
        await stream.write(b"ping\n", timeout=2)
        echoed = await stream.read(100, timeout=2)
        await stream.aclose()
        return echoed, before, backend.connected

    assert run(connect()) == (b"ping\n", False, True)


def test_every_address_refusing_raises_the_refusal_with_its_cause(dns: FakeDns) -> None:
    dns.answers["none.test"] = ["127.0.0.3", "127.0.0.4"]
    backend = GuardedBackend(Resolver(timeout=1), allow_private=True)
    port = _free_port("127.0.0.3")
    with pytest.raises(ConnectFailed) as failed:
        run(backend.connect_tcp("none.test", port, timeout=2))
    # Both addresses are tried, in order: the refusal raised is the last one's.
    assert isinstance(failed.value.reason, OSError)
    assert str(failed.value) == f"[Errno 111] Connect call failed ('127.0.0.4', {port})"
    assert backend.connected is False


def test_the_local_address_and_socket_options_reach_the_socket(dns: FakeDns) -> None:
    async def connect() -> tuple[list[tuple[str, int]], int]:
        server = Server()
        port = await server.start("127.0.0.2")
        backend = GuardedBackend(Resolver(timeout=1), allow_private=True)
        options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
        stream = await backend.connect_tcp(
            "127.0.0.2", port, timeout=2, local_address="127.0.0.5", socket_options=options
        )
        await stream.write(b"x\n")
        await stream.read(10)
        connected: socket.socket = stream.get_extra_info("socket")
        keepalive = connected.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
        await stream.aclose()
        return server.peers, keepalive

    peers, keepalive = run(connect())
    assert [host for host, _ in peers] == ["127.0.0.5"]
    assert keepalive == 1


def test_a_connection_that_never_completes_times_out() -> None:
    # A listening socket whose backlog is full and never accepted: the kernel drops the
    # next SYN, so a connection hangs until the client's own timeout.
    listener = socket.socket()
    listener.bind(("127.0.0.6", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.6", port))
            fillers.append(filler)
        backend = GuardedBackend(Resolver(timeout=1), allow_private=True)
        started = time.monotonic()
        with pytest.raises(httpcore.ConnectTimeout):
            run(backend.connect_tcp("127.0.0.6", port, timeout=0.3))
        assert time.monotonic() - started < BOUND / 2
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_read_that_never_gets_an_answer_times_out() -> None:
    async def connect() -> None:
        server = Server()
        port = await server.start("127.0.0.2", reply=False)
        backend = GuardedBackend(Resolver(timeout=1), allow_private=True)
        stream = await backend.connect_tcp("127.0.0.2", port, timeout=2)
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(10, timeout=0.2)
        # A peer that never reads: the socket buffers fill, and the write times out.
        with pytest.raises(httpcore.WriteTimeout):
            for _ in range(4096):
                await stream.write(b"\0" * (1 << 20), timeout=0.2)
        await stream.aclose()

    run(connect())


def test_the_refusal_names_the_host_and_the_address(dns: FakeDns) -> None:
    dns.answers["mixed.test"] = [PUBLIC_V4, "127.0.0.1"]
    backend = GuardedBackend(Resolver(timeout=1), allow_private=False)
    with pytest.raises(PrivateAddress) as refused:
        run(backend.connect_tcp("mixed.test", 80))
    assert (refused.value.host, refused.value.address) == ("mixed.test", "127.0.0.1")


def test_unix_sockets_are_refused_and_sleep_sleeps() -> None:
    backend = GuardedBackend(Resolver(timeout=1), allow_private=True)
    with pytest.raises(httpcore.ConnectError) as refused:
        run(backend.connect_unix_socket("/run/anything.sock"))
    assert str(refused.value) == "seedlint does not connect to Unix sockets"
    started = time.monotonic()
    run(backend.sleep(0.05))
    assert time.monotonic() - started >= 0.05


def test_connect_failed_keeps_a_cause_given_only_as_context() -> None:
    original = OSError("the OS said no")
    try:
        try:
            raise original
        except OSError:
            raise httpcore.ConnectError("wrapped") from None
    except httpcore.ConnectError as error:
        error.__suppress_context__ = False
        wrapped = ConnectFailed(error)
    assert str(wrapped) == "wrapped"
    assert wrapped.reason is original


# -- TLS ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A self-signed certificate for the address 127.0.0.2."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=guard.test", "-addext", "subjectAltName=DNS:guard.test"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    yield key, cert


def _tls_server(key: Path, cert: Path, handshake: bool) -> Callable[[], Awaitable[int]]:
    async def start() -> int:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            if handshake:
                writer.write(await reader.readline())
                await writer.drain()
            else:
                await reader.read()  # never answers the handshake

        server = await _serve(handle, "127.0.0.2", ssl=context if handshake else None)
        return int(server.sockets[0].getsockname()[1])

    return start


def test_tls_checks_the_name_it_was_given(dns: FakeDns, certificate: tuple[Path, Path]) -> None:
    key, cert = certificate
    client = ssl.create_default_context(cafile=str(cert))

    async def handshake(name: str) -> bytes:
        port = await _tls_server(key, cert, handshake=True)()
        backend = GuardedBackend(Resolver(timeout=1), allow_private=True)
        stream = await backend.connect_tcp("127.0.0.2", port, timeout=2)
        secure = await stream.start_tls(client, server_hostname=name, timeout=2)
        await secure.write(b"secret\n")
        answer = await secure.read(100)
        await secure.aclose()
        return answer

    assert run(handshake("guard.test")) == b"secret\n"
    with pytest.raises(ConnectFailed) as failed:
        run(handshake("other.test"))
    assert isinstance(failed.value.reason, ssl.SSLCertVerificationError)


def test_a_handshake_that_never_answers_times_out(certificate: tuple[Path, Path]) -> None:
    key, cert = certificate
    client = ssl.create_default_context(cafile=str(cert))

    async def handshake() -> None:
        port = await _tls_server(key, cert, handshake=False)()
        backend = GuardedBackend(Resolver(timeout=1), allow_private=True)
        stream = await backend.connect_tcp("127.0.0.2", port, timeout=2)
        assert stream.get_extra_info("server_addr") == ("127.0.0.2", port)
        with pytest.raises(httpcore.ConnectTimeout):
            await stream.start_tls(client, server_hostname="guard.test", timeout=0.3)

    run(handshake())
