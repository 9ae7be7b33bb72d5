"""Offline link rules L003, L005, L006: the `## Links` list and the front matter `link`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.document import parse_text
from seedlint.rules.links import RULES, dest_span, link_items, url_problem
from tests.helpers import (
    FRONT,
    LINK,
    apply,
    assert_in_bounds,
    codes,
    found,
    front_with_link,
    lint_text,
    make_linter,
    real_seed_text,
    where,
)

LINKS_LINE = 16  # the `## Links` heading; items start two lines below


def seed(items: str, link: str = LINK) -> str:
    front = front_with_link(link)
    return (
        f"{front}\n{LINK}\n## Summary\n\nProse.\n\n## Links\n\n{items}\n## Topics\n\n"
        "![](topics/Concept/Pre%20training)\n"
    )


def item_line(n: int) -> int:
    """File line of the n-th line under `## Links` (1: the first item)."""
    return LINKS_LINE + 1 + n


GOOD = "- [One](https://example.org/one) : first\n- [Two](https://example.org/two)\n"
LINK_CODES = {"L003", "L005", "L006"}


def test_seed_layout() -> None:
    text = seed(GOOD)
    assert text.splitlines()[LINKS_LINE - 1] == "## Links"
    assert text.splitlines()[item_line(1) - 1].startswith("- [One]")


def test_real_seed_is_clean() -> None:
    assert not LINK_CODES & set(codes(lint_text(real_seed_text())))


def test_good_items_and_an_empty_links_section_are_clean() -> None:
    assert not LINK_CODES & set(codes(lint_text(seed(GOOD))))
    assert not LINK_CODES & set(codes(lint_text(seed(""))))


# -- L003 invalid-url ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("example.com/page", "not an absolute URL (no http:// or https://)"),
        ("ftp://example.com/f", "scheme 'ftp' is not http or https"),
        ("mailto:me@example.com", "scheme 'mailto' is not http or https"),
        ("https:/example.com", "URL has no host"),
        ("https:example.com", "URL has no host"),
        ("https://exa mple.com", "URL contains whitespace"),
        ("https://example.com/a\tb", "URL contains whitespace"),
        ("https://-bad-.com", "invalid host '-bad-.com' (a label starts or ends with '-')"),
        ("https://example..com", "invalid host 'example..com' (empty or over-long label)"),
        ("https://example/", "invalid host 'example' (no top-level domain)"),
        ("https://1.2.3/", "invalid host '1.2.3' (neither a domain name nor an IPv4 address)"),
        ("https://256.1.1.1/", "invalid IPv4 host '256.1.1.1'"),
        (
            "https://ex$ample.com/",
            "invalid host 'ex$ample.com' (characters other than letters, digits and '-')",
        ),
        ("https://example.com:99999/", "URL has an invalid port"),
        ("", "empty URL"),
    ],
)
def test_url_problem_reports(url: str, problem: str) -> None:
    assert url_problem(url) == problem


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "http://example.com/a?b=c#d",
        "HTTPS://EXAMPLE.COM/Path",
        "https://localhost:8080/",
        "http://127.0.0.1:8000/x",
        "https://[::1]/",
        "https://réglementation.fr/ia",
        "https://foo_bar.blogspot.com/",
        "https://example.com./",
        "https://user:secret@example.com/",
    ],
)
def test_url_problem_accepts(url: str) -> None:
    assert url_problem(url) is None


def test_l003_front_matter_link_without_scheme() -> None:
    text = seed(GOOD, link="example.com/post")
    (finding,) = found(text, "L003")
    assert finding.message == (
        "link 'example.com/post': not an absolute URL (no http:// or https://)"
    )
    assert where(finding) == (3, 7, 3, 23)


def test_l003_front_matter_bad_host_the_schema_pattern_lets_through() -> None:
    text = seed(GOOD, link="'https://exa..mple.com/post'")
    (finding,) = found(text, "L003")
    assert finding.message.endswith("invalid host 'exa..mple.com' (empty or over-long label)")
    # The span covers the quoted scalar as written.
    assert where(finding) == (3, 7, 3, 35)


def test_l003_links_item_url_span() -> None:
    text = seed("- [Files](ftp://example.org/pub) : an archive\n")
    (finding,) = found(text, "L003")
    assert finding.message == (
        "invalid URL 'ftp://example.org/pub': scheme 'ftp' is not http or https"
    )
    assert where(finding) == (item_line(1), 11, item_line(1), 32)


def test_l003_angle_bracket_url_with_a_space() -> None:
    text = seed('- [Doc](<https://example.org/a b> "title")\n')
    (finding,) = found(text, "L003")
    assert finding.message.endswith("URL contains whitespace")
    assert where(finding) == (item_line(1), 10, item_line(1), 33)


def test_l003_link_in_a_description_is_checked_too() -> None:
    text = seed("- [A](https://example.org/a) : see [b](example.org/b)\n")
    (finding,) = found(text, "L003")
    assert where(finding) == (item_line(1), 40, item_line(1), 53)


def test_l003_ignores_good_urls_wikilinks_and_other_sections() -> None:
    text = seed(GOOD + "- [[Some Note]]\n").replace("Prose.", "See [this](page.html).")
    assert found(text, "L003") == []


def test_dest_span_handles_parentheses_and_escapes() -> None:
    text = seed("- [W](https://en.wikipedia.org/wiki/Foo_(bar)) : x\n- [E](https://e.org/a\\)b)\n")
    doc = parse_text("s.md", text)
    spans = [text[slice(*dest_span(doc, entry.link))] for entry in link_items(doc) if entry.link]
    assert spans == ["https://en.wikipedia.org/wiki/Foo_(bar)", "https://e.org/a\\)b"]


# -- L005 malformed-link-item -------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "span", "message"),
    [
        ("* [T](https://example.org) : d", (1, 2), "list marker '*', write '- '"),
        ("1. [T](https://example.org)", (1, 3), "list marker '1.', write '- '"),
        (
            "- https://example.org : bare",
            (3, 29),
            "does not start with a [Title](url) link",
        ),
        ("- <https://example.org>", (3, 24), "write [Title](url), not <url>"),
        ("- [T][ref]\n\n[ref]: https://example.org", (3, 11), "not [Title][ref]"),
        ("- [[Some Note]]", (3, 16), "a wikilink is not a URL"),
        ("- [T](https://example.org/a b) : d", (3, 35), "a space in the URL?"),
        ("- **[T](https://example.org)** : d", (3, 35), "does not start with a [Title](url)"),
        ("- [](https://example.org) : d", (3, 26), "empty link title"),
        ("- [T](https://example.org):d", (27, 29), "expected ' : description' after the link"),
        ("- [T](https://example.org) - d", (27, 31), "found ' - d'"),
        ("- [T](https://example.org) :", (27, 29), "expected ' : description'"),
        ("- [T](https://example.org)\n  more", (27, 27), "expected ' : description'"),
    ],
)
def test_l005_reports(item: str, span: tuple[int, int], message: str) -> None:
    (finding,) = found(seed(item + "\n"), "L005")
    assert message in finding.message
    assert finding.message.startswith("malformed link item")
    assert where(finding) == (item_line(1), span[0], item_line(1), span[1])


def test_l005_empty_item_and_nested_list() -> None:
    text = seed("- \n- [A](https://example.org/a) : x\n  - nested\n")
    findings = found(text, "L005")
    assert [(f.message, where(f)) for f in findings] == [
        ("malformed link item: empty list item", (item_line(1), 1, item_line(1), 3)),
        (
            "malformed link item: one line a link, no nested list or second paragraph",
            (item_line(2), 1, item_line(2), 33),
        ),
    ]


def test_l005_paragraph_in_links_section() -> None:
    text = seed(GOOD + "\nSee also the docs.\n")
    (finding,) = found(text, "L005")
    assert finding.message.startswith("malformed link item: '## Links' holds only a list")
    assert where(finding) == (item_line(4), 1, item_line(4), 19)


def test_l005_accepts_titles_descriptions_loose_lists_and_comments() -> None:
    items = (
        '- [A `code` title](https://example.org/a "hover") : with **bold** and [x](https://x.org)\n'
        "\n"
        "- [B](https://example.org/b) : a description\n  that wraps onto a second line\n"
        "\n"
        "<!-- more later -->\n"
    )
    assert found(seed(items), "L005") == []


# -- L006 duplicate-link ------------------------------------------------------------------


def test_l006_identical_repeat_is_deleted_safely() -> None:
    text = seed(GOOD + "- [One](https://example.org/one) : first\n")
    (finding,) = found(text, "L006")
    assert (
        finding.message == f"duplicate link https://example.org/one (first at line {item_line(1)})"
    )
    assert where(finding) == (item_line(3), 9, item_line(3), 32)
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert apply(text, finding.fix) == seed(GOOD)


def test_l006_repeat_with_other_text_is_an_unsafe_deletion() -> None:
    text = seed(GOOD + "- [Again](HTTPS://Example.ORG/one) : other words\n")
    (finding,) = found(text, "L006")
    assert where(finding) == (item_line(3), 11, item_line(3), 34)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert apply(text, finding.fix) == seed(GOOD)


def test_l006_loose_list_does_not_keep_a_double_blank_line() -> None:
    items = "- [A](https://a.org)\n\n- [B](https://b.org)\n\n- [A](https://a.org)\n\n"
    text = seed(items)
    (finding,) = found(text, "L006")
    assert apply(text, finding.fix) == seed("- [A](https://a.org)\n\n- [B](https://b.org)\n\n")


def test_l006_last_line_of_the_file() -> None:
    text = FRONT + f"\n{LINK}\n## Summary\n\nProse.\n\n## Topics\n\n## Links\n\n"
    text += "- [A](https://a.org)\n- [A](https://a.org)"
    (finding,) = found(text, "L006")
    assert apply(text, finding.fix) == text[: -len("\n- [A](https://a.org)")]


def test_l006_counts_every_links_section() -> None:
    text = seed(GOOD).replace(
        "## Topics", "## Links\n\n- [Two](https://example.org/two)\n\n## Topics"
    )
    (finding,) = found(text, "L006")
    assert finding.message.endswith(f"(first at line {item_line(2)})")


def test_l006_multi_line_repeat_has_no_fix() -> None:
    text = seed(GOOD + "- [Two](https://example.org/two) : a description\n  on two lines\n")
    (finding,) = found(text, "L006")
    assert finding.fix is None


def test_l006_different_urls_are_not_duplicates() -> None:
    items = (
        "- [A](https://example.org/page)\n"
        "- [B](https://example.org/page/)\n"
        "- [C](https://example.org/Page)\n"
        "- [D](https://example.org/page#part)\n"
        "- [E](http://example.org/page)\n"
    )
    assert found(seed(items), "L006") == []


_PIECES = st.sampled_from(
    [
        "## Links\n",
        "## Topics\n",
        "- ",
        "* ",
        "1. ",
        "  ",
        "[T](https://example.org/a)",
        "[T](<https://e.org/a b>)",
        "[T](ftp://x)",
        "[](https://example.org/a)",
        "<https://example.org/a>",
        "[[Note]]",
        "[T][r]",
        "\n[r]: https://example.org/r\n",
        " : d",
        ":",
        "(",
        ")",
        "\\",
        "\n",
        "\r\n",
        "```\n",
        "é",
    ]
)
_CONTEXT = make_linter().context


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_link_rules_never_crash_and_stay_in_bounds(text: str) -> None:
    assert_in_bounds(RULES, text, _CONTEXT)
