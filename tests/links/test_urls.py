"""URL normalisation (RFC 3986 and IDNA), shared by C001, L006 and the link checker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint._text import PLAIN_URL
from seedlint.links.urls import (
    _ADDRESSED_URL,
    _addressed_key,
    _plain_key,
    canonical_url,
    general_key,
    normalise,
)
from tests.helpers import front_with_link

SAME = [
    ("https://bücher.de/katalog", "https://xn--bcher-kva.de/katalog"),
    ("https://BÜCHER.de/katalog", "https://xn--bcher-kva.de/katalog"),
    ("https://b%C3%BCcher.de/katalog", "https://xn--bcher-kva.de/katalog"),
    ("https://example.com/%7Euser/", "https://example.com/~user/"),
    ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
    ("https://example.com/a/./b", "https://example.com/a/b"),
    ("https://example.com/a/x/../b", "https://example.com/a/b"),
    ("https://EXAMPLE.com/Post", "https://example.com/Post"),
    ("HTTPS://example.com:443/post", "https://example.com/post"),
    ("http://example.com:80/post", "http://example.com/post"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/caf%c3%a9", "https://example.com/café"),
]
DIFFERENT = [
    ("https://example.com/a%2Fb", "https://example.com/a/b"),  # reserved: kept encoded
    ("https://example.com/Post", "https://example.com/post"),  # the path keeps its case
    ("https://example.com/post/", "https://example.com/post"),  # and its trailing slash
    ("https://example.com:8443/post", "https://example.com/post"),
    ("https://example.com/?b=1&a=2", "https://example.com/?a=2&b=1"),  # query order kept
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_spellings_of_one_url_have_one_key(one: str, other: str) -> None:
    assert canonical_url(one) == canonical_url(other) is not None
    assert normalise(one) == normalise(other) is not None


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_urls_keep_different_keys(one: str, other: str) -> None:
    assert canonical_url(one) != canonical_url(other)


def test_the_key_is_what_a_browser_requests() -> None:
    assert canonical_url("https://bücher.de/ü?q=€#Teil") == (
        "https://xn--bcher-kva.de/%C3%BC?q=%E2%82%AC#Teil"
    )
    assert normalise("https://bücher.de/ü#Teil") == "https://xn--bcher-kva.de/%C3%BC"
    assert normalise("https://user:secret@example.com/") is None
    assert normalise("ftp://example.com/") is None
    assert canonical_url("https://my_blog.blogspot.com/") == "https://my_blog.blogspot.com/"


_LABEL = st.text("abcXYZ09-", min_size=1, max_size=6).filter(
    lambda label: label[0] != "-" and label[-1] != "-"
)
_REST = st.text("abAB09-._~%2fF/.?#=&!$'()*+,;:@", max_size=24)


@settings(max_examples=3000, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https"]),
    labels=st.lists(_LABEL, min_size=1, max_size=3),
    top=st.sampled_from(["com", "org", "De"]),
    rest=_REST,
    fragment=st.booleans(),
)
def test_the_quick_path_gives_the_general_key(
    scheme: str, labels: list[str], top: str, rest: str, fragment: bool
) -> None:
    """Proof by example that the short path for plain URLs changes no key."""
    if rest and rest[0] not in "/?#":
        rest = f"/{rest}"
    url = f"{scheme}://{'.'.join(labels)}.{top}{rest}"
    plain = PLAIN_URL.fullmatch(url)
    assert plain is not None
    quick = _plain_key(url, plain, fragment)
    if quick is not None:
        assert quick == general_key(url, fragment=fragment)


_HOST = st.one_of(
    st.lists(st.integers(0, 255), min_size=4, max_size=4).map(lambda n: ".".join(map(str, n))),
    st.lists(st.text("abz09-", min_size=1, max_size=5), min_size=1, max_size=3).map(".".join),
)


@settings(max_examples=3000, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https"]),
    host=_HOST,
    port=st.one_of(st.none(), st.integers(0, 70000).map(str), st.sampled_from(["080", "443"])),
    rest=_REST,
    fragment=st.booleans(),
)
def test_the_quick_path_for_addresses_and_ports_gives_the_general_key(
    scheme: str, host: str, port: str | None, rest: str, fragment: bool
) -> None:
    """The second short path (an IPv4 host, a port) changes no key either."""
    if rest and rest[0] not in "/?#":
        rest = f"/{rest}"
    url = f"{scheme}://{host}{'' if port is None else ':' + port}{rest}"
    assert canonical_url(url, fragment=fragment) == general_key(url, fragment=fragment)


def test_addresses_and_ports_take_the_quick_path() -> None:
    for url, fragment, key in [
        (
            "http://127.0.0.2:42737/item/0?a=5&b=404#part",
            False,
            "http://127.0.0.2:42737/item/0?a=5&b=404",
        ),
        ("http://10.0.0.1:8080", True, "http://10.0.0.1:8080/"),
        ("https://wiki.local:8443/x?#", True, "https://wiki.local:8443/x"),
    ]:
        addressed = _ADDRESSED_URL.fullmatch(url)
        assert addressed is not None
        assert _addressed_key(url, addressed, fragment) == key
    # What the general path would change is left to it.
    for url in ("http://10.0.0.1:80/", "http://10.0.0.1:8080/a/../b", "http://h:8080/%7e"):
        addressed = _ADDRESSED_URL.fullmatch(url)
        assert addressed is not None and _addressed_key(url, addressed, True) is None


# -- the rules, through the real command line on real files ------------------------------


def _seed(link: str, links: list[str]) -> str:
    items = "".join(f"- [Item {n}]({url}) : an item.\n" for n, url in enumerate(links, 1))
    body = f"{link}\n## Summary\n\nA summary.\n## Links\n\n{items}\n## Topics\n"
    return f"{front_with_link(link)}\n{body}"


def _check(folder: Path, *paths: str) -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "seedlint", "check", "--offline", "--format", "json", *paths],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode in (0, 1), result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return findings


@pytest.mark.parametrize(("one", "other"), SAME[:8])
def test_c001_finds_duplicates_across_spellings(tmp_path: Path, one: str, other: str) -> None:
    (tmp_path / "topics").mkdir()
    (tmp_path / "a.md").write_text(_seed(one, []), encoding="utf-8")
    (tmp_path / "b.md").write_text(_seed(other, []), encoding="utf-8")
    found = [f for f in _check(tmp_path, "a.md", "b.md") if f["code"] == "C001"]
    assert sorted(str(f["path"]) for f in found) == ["a.md", "b.md"]
    assert [(f["line"], f["message"]) for f in found] == [
        (3, "duplicate seed: the same link as b.md"),
        (3, "duplicate seed: the same link as a.md"),
    ]


def test_c001_keeps_different_urls_apart(tmp_path: Path) -> None:
    (tmp_path / "topics").mkdir()
    for name, (one, other) in zip("ab", DIFFERENT[:2], strict=True):
        (tmp_path / f"{name}1.md").write_text(_seed(one, []), encoding="utf-8")
        (tmp_path / f"{name}2.md").write_text(_seed(other, []), encoding="utf-8")
    found = _check(tmp_path, ".")
    assert [f for f in found if f["code"] == "C001"] == []


def test_l006_finds_repeats_across_spellings(tmp_path: Path) -> None:
    (tmp_path / "topics").mkdir()
    links = ["https://bücher.de/a", "https://xn--bcher-kva.de/a", "https://example.com/a/./b"]
    links += ["https://example.com/a/b", "https://example.com/%7Ex", "https://example.com/~x"]
    links += ["https://example.com/a%2fb", "https://example.com/a%2Fb", "https://example.com/a/"]
    (tmp_path / "a.md").write_text(_seed("https://example.com/post", links), encoding="utf-8")
    found = [f for f in _check(tmp_path, "a.md") if f["code"] == "L006"]
    # Items 2, 4, 6 and 8 repeat items 1, 3, 5 and 7; item 9 (a trailing slash) is another URL.
    assert [(f["line"], f["message"]) for f in found] == [
        (18, "duplicate link https://xn--bcher-kva.de/a (first at line 17)"),
        (20, "duplicate link https://example.com/a/b (first at line 19)"),
        (22, "duplicate link https://example.com/~x (first at line 21)"),
        (24, "duplicate link https://example.com/a%2Fb (first at line 23)"),
    ]
