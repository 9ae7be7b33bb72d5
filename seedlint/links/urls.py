"""URL normalisation: one request per resource, however the seeds spell it."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=1 << 16)
def normalise(url: str) -> str | None:
    """The form a URL is requested and cached under, or None when it is not checkable.

    Remembered: the rules ask about each occurrence of a URL several times a run.
    The fragment is dropped (the server never sees it), scheme and host are lower-cased,
    a default port is removed and an empty path becomes ``/``. The path and query keep
    their case and their trailing slash: servers may tell those apart.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if len(url.split()) != 1:  # whitespace inside: not one URL
        return None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host
    if parts.username is not None:
        # Credentials in a seed are a leak, not a link: never sent anywhere.
        return None
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


@functools.lru_cache(maxsize=1 << 16)
def host_of(url: str) -> str:
    """The lower-cased host name of a normalised URL (the key of per-host limits)."""
    return (urlsplit(url).hostname or "").lower()
