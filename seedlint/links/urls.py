"""URL normalisation: one key per resource, however the seeds spell it.

:func:`canonical_url` is the one normalisation that C001 (duplicate seeds), L006
(duplicate links) and the link checker share. It applies RFC 3986's syntax-based and
scheme-based normalisation (section 6.2.2 and 6.2.3) and IDNA 2008 with UTS 46 mapping
(the `idna` package, which httpx already depends on):

- scheme and host in lower case; a non-ASCII host (`bücher.de`, or percent-encoded) in
  its A-label form (`xn--bcher-kva.de`), as a browser sends it;
- percent-encodings in upper case (`%2f` is `%2F`), unreserved characters decoded
  (`%7E` is `~`), other characters outside ASCII encoded as UTF-8 (RFC 3987's mapping of
  an IRI to a URI);
- dot segments removed (`/a/./b` is `/a/b`, `/a/../b` is `/b`);
- a default port dropped (`:443` for https), an empty path made `/`.

Reserved characters keep their form (`%2F` is not `/`: a server may tell them apart), as
do the path's case and trailing slash and the order of the query.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

import idna

from seedlint._text import PLAIN_URL

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
#: What str.isspace() calls whitespace (re's \s in a str pattern is the same class).
_SPACE = re.compile(r"\s")


def _escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else f"%{match.group(1).upper()}"


def _encode_non_ascii(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group(0).encode("utf-8", "surrogatepass"))


def _normal_escapes(text: str) -> str:
    """Percent-encodings normalised (RFC 3986 6.2.2.1, 6.2.2.2), non-ASCII encoded."""
    if "%" in text:
        text = _ESCAPE.sub(_escape, text)
    if not text.isascii():
        text = _NOT_ASCII.sub(_encode_non_ascii, text)
    return text


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on an absolute path."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    return result if result.startswith("/") else f"/{result}"


def _host_key(host: str) -> str:
    """The host in lower case; a name with non-ASCII letters in its IDNA A-label form."""
    if "%" in host:
        host = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), host)
        try:
            host = host.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return host.lower()
    if host.isascii() and "xn--" not in host.lower():
        return host.lower()  # what UTS 46 maps an ASCII letter-digit-hyphen name to
    try:
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return host.lower()  # not a valid IDN (L003 says so): compared as written


@functools.lru_cache(maxsize=1 << 16)
def canonical_url(url: str, *, fragment: bool = True) -> str | None:
    """The normalised form of an absolute http(s) URL, or None when it is not one.

    ``fragment=False`` drops the fragment (what a server is asked; what C001 compares).
    Credentials (``user@``) are kept as written: the link checker refuses such URLs.
    """
    url = url.strip()
    plain = PLAIN_URL.fullmatch(url)
    if plain is not None and plain["port"] is None:
        quick = _plain_key(url, plain, fragment)
        if quick is not None:
            return quick
    else:
        addressed = _ADDRESSED_URL.fullmatch(url)
        if addressed is not None:
            quick = _addressed_key(url, addressed, fragment)
            if quick is not None:
                return quick
    return general_key(url, fragment=fragment)


def general_key(url: str, *, fragment: bool = True) -> str | None:
    """:func:`canonical_url` step by step, for any URL (the quick path's reference)."""
    if not url or _SPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else _host_key(host)
    netloc = host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:
        netloc = f"{userinfo}@{netloc}"
    path = remove_dot_segments(_normal_escapes(parts.path or "/"))
    key = f"{scheme}://{netloc}{path}"
    if parts.query:
        key += f"?{_normal_escapes(parts.query)}"
    if fragment and parts.fragment:
        key += f"#{_normal_escapes(parts.fragment)}"
    return key


def _plain_key(url: str, plain: re.Match[str], fragment: bool) -> str | None:
    """The key of a printable-ASCII URL with a letter-digit-hyphen host and no port, when
    no step of the general path would change it (no escapes, no dot segments, host in
    lower case): it is then the URL itself, with `/` for an empty path and without an
    empty query or fragment. None sends the URL down the general path."""
    host_end = plain.end("host")
    rest = url[host_end:]
    host = plain["host"]
    if "%" in rest or "/." in rest or not host.islower() or "xn--" in host:
        return None
    return _as_written(url, host_end, fragment)


#: A lower-case URL whose host may be an IPv4 address and which may name a port: what
#: PLAIN_URL leaves out (servers on a local network, loopback test servers).
_ADDRESSED_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)"
    r"(?::(?P<port>[1-9][0-9]{0,4}))?(?P<rest>[/?#][!-~]*)?"
)


def _addressed_key(url: str, addressed: re.Match[str], fragment: bool) -> str | None:
    """The key of a URL that _ADDRESSED_URL matches, when the general path would keep
    it as written (as _plain_key); None sends it down the general path."""
    port = addressed["port"]
    if port is not None and (int(port) > 65535 or int(port) == _DEFAULT_PORTS[addressed["scheme"]]):
        return None
    if "xn--" in addressed["host"]:
        return None
    head_end = addressed.start("rest") if addressed["rest"] is not None else len(url)
    rest = url[head_end:]
    if "%" in rest or "/." in rest:
        return None
    return _as_written(url, head_end, fragment)


def _as_written(url: str, head_end: int, fragment: bool) -> str:
    """The key of a URL kept as written after its first ``head_end`` characters: an
    empty path made `/`, an empty query or fragment dropped, the fragment kept only when
    ``fragment`` asks for it (shared by both fast paths, so they cannot drift apart)."""
    rest = url[head_end:]
    if "#" in rest:
        rest, _, kept = rest.partition("#")
        tail = f"#{kept}" if fragment and kept else ""
    else:
        tail = ""
    path, _, query = rest.partition("?")
    rest = f"{path or '/'}?{query}" if query else path or "/"
    return f"{url[:head_end]}{rest}{tail}"


@functools.lru_cache(maxsize=1 << 16)
def normalise(url: str) -> str | None:
    """The form a URL is requested and cached under, or None when it is not checkable.

    :func:`canonical_url` without the fragment (the server never sees it); None for
    credentials in the URL (a leak, not a link: never sent anywhere) and anything but
    one absolute http(s) URL.
    """
    key = canonical_url(url, fragment=False)
    if key is None or "@" in key.split("/", 3)[2]:
        return None
    # Most URLs are written in their normal form: the string a seed holds is then the
    # one the results are keyed by, not a second copy of it for every URL of a run.
    return url if key == url else key


@functools.lru_cache(maxsize=1 << 16)
def host_of(url: str) -> str:
    """The lower-cased host name of a normalised URL (the key of per-host limits)."""
    return (urlsplit(url).hostname or "").lower()
