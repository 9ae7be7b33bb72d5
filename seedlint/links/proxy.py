"""Forward proxies from the environment: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`.

The proxy itself is trusted (the user's environment names it, and company proxies live
at private addresses), but what it is asked to fetch is not: the guard resolves each
target host locally and judges those addresses before the request is handed to the
proxy. The limit: the proxy resolves the name again, and may get another answer (a DNS
record that changes between the two look-ups). Without a proxy the guard connects to the
very address it checked.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from seedlint.links.urls import host_of


def _variable(environ: Mapping[str, str], name: str) -> str | None:
    # curl and httpx read the lower-case form first; `HTTP_PROXY` in upper case is ignored
    # in CGI programs (httpoxy), but seedlint is never one.
    value = environ.get(name.lower()) or environ.get(name.upper())
    return value.strip() or None if value is not None else None


@dataclass(frozen=True)
class Proxies:
    """Which proxy, if any, each URL goes through."""

    http: str | None = None
    https: str | None = None
    no_proxy: tuple[str, ...] = ()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Proxies | None:
        every = _variable(environ, "all_proxy")
        http = _variable(environ, "http_proxy") or every
        https = _variable(environ, "https_proxy") or every
        if http is None and https is None:
            return None
        excluded = _variable(environ, "no_proxy") or ""
        entries = tuple(entry.strip().lower() for entry in excluded.split(",") if entry.strip())
        return cls(_with_scheme(http), _with_scheme(https), entries)

    def for_url(self, url: str) -> str | None:
        """The proxy URL for ``url``, or None to connect directly."""
        proxy = self.https if url.startswith("https:") else self.http
        if proxy is None or self._bypassed(url):
            return None
        return proxy

    def _bypassed(self, url: str) -> bool:
        host = host_of(url)
        port = urlsplit(url).port
        for entry in self.no_proxy:
            if entry == "*":
                return True
            name, _, entry_port = entry.rpartition(":") if _has_port(entry) else (entry, "", "")
            if entry_port and port is not None and str(port) != entry_port:
                continue
            if _in_network(host, name):
                return True
            name = name.lstrip(".").removeprefix("*.")
            if host == name or host.endswith(f".{name}"):
                return True
        return False

    def used_for(self, urls: Iterable[str]) -> int:
        return sum(self.for_url(url) is not None for url in urls)


def _with_scheme(proxy: str | None) -> str | None:
    if proxy is None or "://" in proxy:
        return proxy
    return f"http://{proxy}"


def _has_port(entry: str) -> bool:
    if entry.count(":") != 1:
        return False  # none, or an IPv6 address
    return entry.rpartition(":")[2].isdigit()


def _in_network(host: str, entry: str) -> bool:
    """``NO_PROXY`` entries may be addresses or networks (`10.0.0.0/8`, `::1`)."""
    try:
        network = ipaddress.ip_network(entry.strip("[]"), strict=False)
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address in network
