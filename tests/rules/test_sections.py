"""Section rules S001-S006 on real in-memory seeds: positions, messages and fix results."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.rules.sections import RULES
from tests.helpers import (
    FRONT,
    LINK,
    apply,
    assert_in_bounds,
    codes,
    found,
    lint_text,
    make_linter,
    real_seed_text,
    where,
)

FRONT_LINES = FRONT.count("\n")  # the body starts on the line after: line 10
BODY = f"""
{LINK}
## Summary

Prose.

## Links

- [Title](https://example.org/a) : description

## Topics

![](topics/Concept/Pre%20training)
"""
SECTION_CODES = {"S001", "S002", "S003", "S004", "S005", "S006"}


def seed(body: str) -> str:
    return FRONT + body


def body_line(n: int) -> int:
    """File line of the body's n-th line (1-based), below the front matter."""
    return FRONT_LINES + n


# -- the real seed and a clean one --------------------------------------------------------


def test_real_seed_has_no_section_finding() -> None:
    assert not SECTION_CODES & set(codes(lint_text(real_seed_text())))


def test_clean_seed_has_no_section_finding() -> None:
    assert not SECTION_CODES & set(codes(lint_text(seed(BODY))))


# -- S001 missing-section -----------------------------------------------------------------


def test_s001_missing_topics_is_appended_at_the_end() -> None:
    body = f"\n{LINK}\n## Summary\n\nProse.\n"
    text = seed(body)
    (finding,) = found(text, "S001")
    assert finding.message == "missing section '## Topics'"
    # Zero-width, at the end of the file: line after the last line break.
    assert where(finding) == (body_line(6), 1, body_line(6), 1)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert apply(text, finding.fix) == seed(f"\n{LINK}\n## Summary\n\nProse.\n\n## Topics\n")


def test_s001_missing_summary_goes_before_links() -> None:
    body = f"\n{LINK}\n## Links\n\n- [T](https://example.org/a)\n\n## Topics\n"
    text = seed(body)
    (finding,) = found(text, "S001")
    assert finding.message == "missing section '## Summary'"
    assert where(finding) == (body_line(3), 1, body_line(3), 1)
    fixed = apply(text, finding.fix)
    assert fixed == seed(
        f"\n{LINK}\n## Summary\n\n## Links\n\n- [T](https://example.org/a)\n\n## Topics\n"
    )
    # The fix does what it says: S001 is gone (S003 now reports the empty Summary).
    assert codes(lint_text(fixed)).count("S001") == 0
    assert "S003" in codes(lint_text(fixed))


def test_s001_keeps_a_missing_final_newline_missing() -> None:
    text = seed(f"\n{LINK}\n## Summary\n\nProse.")
    (finding,) = found(text, "S001")
    assert where(finding) == (body_line(5), 7, body_line(5), 7)
    assert apply(text, finding.fix) == seed(f"\n{LINK}\n## Summary\n\nProse.\n\n## Topics")


def test_s001_after_a_blank_line_adds_no_second_one() -> None:
    text = seed(f"\n{LINK}\n## Summary\n\nProse.\n\n")
    (finding,) = found(text, "S001")
    assert apply(text, finding.fix) == seed(f"\n{LINK}\n## Summary\n\nProse.\n\n## Topics\n")


def test_s001_inserts_with_the_files_line_endings() -> None:
    text = seed(f"\n{LINK}\n## Summary\n\nProse.\n").replace("\n", "\r\n")
    (finding,) = found(text, "S001")
    assert apply(text, finding.fix).endswith("Prose.\r\n\r\n## Topics\r\n")


def test_s001_configured_required_sections() -> None:
    text = seed(BODY.replace("## Links\n\n- [Title](https://example.org/a) : description\n\n", ""))
    assert found(text, "S001") == []
    (finding,) = found(text, "S001", required_sections=["Summary", "Links", "Topics"])
    assert finding.message == "missing section '## Links'"
    fixed = apply(text, finding.fix)
    assert "Prose.\n\n## Links\n\n## Topics\n" in fixed


def test_s001_silent_when_the_section_is_at_the_wrong_level() -> None:
    text = seed(BODY.replace("## Topics", "# Topics"))
    findings = lint_text(text)
    assert "S001" not in codes(findings)
    assert "S006" in codes(findings)


# -- S002 section-order -------------------------------------------------------------------


def test_s002_summary_after_topics() -> None:
    body = f"\n{LINK}\n## Topics\n\n## Summary\n\nProse.\n"
    (finding,) = found(seed(body), "S002")
    assert finding.message == "section '## Summary' should come before '## Topics'"
    assert where(finding) == (body_line(5), 1, body_line(5), 11)
    assert finding.fix is None


def test_s002_reports_each_section_out_of_place() -> None:
    body = f"\n{LINK}\n## Topics\n\n## Links\n\n## Summary\n\nProse.\n"
    findings = found(seed(body), "S002")
    assert [(f.line, f.message) for f in findings] == [
        (body_line(5), "section '## Links' should come before '## Topics'"),
        (body_line(7), "section '## Summary' should come before '## Topics'"),
    ]


def test_s002_in_order_and_extra_sections_anywhere() -> None:
    assert found(seed(BODY), "S002") == []
    body = BODY.replace("## Summary", "## Notes\n\nText.\n\n## Summary")
    assert found(seed(body), "S002", extra_sections=["Notes"]) == []


def test_s002_configured_order() -> None:
    body = f"\n{LINK}\n## Topics\n\n## Summary\n\nProse.\n"
    assert found(seed(body), "S002", section_order=["Topics", "Links", "Summary"]) == []
    findings = found(seed(BODY), "S002", section_order=["Topics", "Links", "Summary"])
    assert [finding.message for finding in findings] == [
        "section '## Links' should come before '## Summary'",
        "section '## Topics' should come before '## Summary'",
    ]


# -- S003 empty-section -------------------------------------------------------------------


def test_s003_empty_summary() -> None:
    body = f"\n{LINK}\n## Summary\n\n## Topics\n"
    (finding,) = found(seed(body), "S003")
    assert finding.message == "section '## Summary' is empty"
    assert where(finding) == (body_line(3), 1, body_line(3), 11)


def test_s003_subheading_and_comment_are_not_content() -> None:
    body = f"\n{LINK}\n## Summary\n\n### Details\n\n<!-- later -->\n\n## Topics\n"
    (finding,) = found(seed(body), "S003")
    assert finding.line == body_line(3)


def test_s003_content_of_any_kind_counts() -> None:
    for content in ("Prose.", "- item", "```\ncode\n```", "> quote", "### Sub\n\ntext"):
        body = f"\n{LINK}\n## Summary\n\n{content}\n\n## Topics\n"
        assert found(seed(body), "S003") == [], content


def test_s003_topics_may_be_empty_unless_configured() -> None:
    body = f"\n{LINK}\n## Summary\n\nProse.\n\n## Topics\n"
    assert found(seed(body), "S003") == []
    (finding,) = found(seed(body), "S003", non_empty_sections=["Summary", "Topics"])
    assert finding.message == "section '## Topics' is empty"
    assert where(finding) == (body_line(7), 1, body_line(7), 10)


# -- S004 duplicate-section ---------------------------------------------------------------


def test_s004_second_links_section() -> None:
    body = BODY.replace("## Topics", "## Links\n\n- [B](https://example.org/b)\n\n## Topics")
    (finding,) = found(seed(body), "S004")
    assert finding.message == f"duplicate section '## Links' (first at line {body_line(7)})"
    assert where(finding) == (body_line(11), 1, body_line(11), 9)


def test_s004_one_of_each_is_fine() -> None:
    assert found(seed(BODY), "S004") == []


# -- S005 source-line ---------------------------------------------------------------------


def test_s005_present_after_blank_lines_and_a_comment() -> None:
    body = "\n\n<!-- seedlint-disable W001 -->\n" + BODY.lstrip("\n")
    assert found(seed(body), "S005") == []


def test_s005_missing_before_a_heading_is_inserted() -> None:
    text = seed(BODY.replace(f"{LINK}\n", ""))
    (finding,) = found(text, "S005")
    assert finding.message == f"missing source line: the body should start with {LINK}"
    assert where(finding) == (body_line(2), 1, body_line(2), 1)
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert apply(text, finding.fix) == seed(BODY)


def test_s005_missing_before_prose_gets_a_blank_line() -> None:
    text = seed("\nSome words.\n\n## Summary\n\nProse.\n\n## Topics\n")
    (finding,) = found(text, "S005")
    assert where(finding) == (body_line(2), 1, body_line(2), 1)
    fixed = apply(text, finding.fix)
    assert fixed == seed(f"\n{LINK}\n\nSome words.\n\n## Summary\n\nProse.\n\n## Topics\n")
    assert found(fixed, "S005") == []


def test_s005_empty_body() -> None:
    text = seed("")
    (finding,) = found(text, "S005")
    assert where(finding) == (body_line(1), 1, body_line(1), 1)
    assert apply(text, finding.fix) == seed(f"{LINK}\n")


def test_s005_front_matter_closing_fence_at_end_of_file() -> None:
    text = FRONT.rstrip("\n")
    (finding,) = found(text, "S005")
    assert apply(text, finding.fix) == f"{FRONT}{LINK}\n"


def test_s005_different_url_is_replaced_unsafely() -> None:
    other = "https://example.com/other"
    text = seed(BODY.replace(f"\n{LINK}\n", f"\n  {other}\n", 1))
    (finding,) = found(text, "S005")
    assert finding.message == f"source line {other} differs from front matter link {LINK}"
    assert where(finding) == (body_line(2), 3, body_line(2), 3 + len(other))
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert apply(text, finding.fix) == seed(BODY.replace(f"\n{LINK}\n", f"\n  {LINK}\n", 1))


def test_s005_angle_brackets_are_made_bare_safely() -> None:
    text = seed(BODY.replace(f"\n{LINK}\n", f"\n<{LINK}>\n", 1))
    (finding,) = found(text, "S005")
    assert where(finding) == (body_line(2), 1, body_line(2), len(LINK) + 3)
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert apply(text, finding.fix) == seed(BODY)


def test_s005_url_inside_a_code_block_is_not_the_source_line() -> None:
    text = seed(f"\n```\n{LINK}\n```\n## Summary\n\nProse.\n\n## Topics\n")
    (finding,) = found(text, "S005")
    assert finding.message.startswith("missing source line")
    assert where(finding) == (body_line(2), 1, body_line(2), 1)


def test_s005_needs_a_string_link() -> None:
    text = seed(BODY.replace(f"\n{LINK}\n", "\n", 1)).replace(f"link: {LINK}", "link: 42")
    assert found(text, "S005") == []


# -- S006 unexpected-section --------------------------------------------------------------


def test_s006_unconfigured_section() -> None:
    body = BODY.replace("## Topics", "## Notes\n\nText.\n\n## Topics")
    (finding,) = found(seed(body), "S006")
    assert finding.message == (
        "unexpected section '## Notes' (allowed: Summary, Links, Topics; see extra-sections)"
    )
    assert where(finding) == (body_line(11), 1, body_line(11), 9)
    assert found(seed(body), "S006", extra_sections=["Notes"]) == []


def test_s006_level_one_heading() -> None:
    body = BODY.replace("## Summary", "# My note\n\n## Summary")
    (finding,) = found(seed(body), "S006")
    assert finding.message == "unexpected level-1 heading '# My note': seeds use '##' sections"
    assert where(finding) == (body_line(3), 1, body_line(3), 10)


def test_s006_required_section_at_the_wrong_level_or_case() -> None:
    for written, level in (("# Topics", 1), ("### Topics", 3), ("## topics", 2)):
        text = seed(BODY.replace("## Topics", written))
        (finding,) = found(text, "S006")
        assert finding.message == f"'{'#' * level} {written.split()[1]}' should be '## Topics'"
        assert where(finding) == (body_line(11), 1, body_line(11), len(written) + 1)


def test_s006_subsections_code_and_nested_headings_are_fine() -> None:
    body = BODY.replace(
        "Prose.\n",
        "Prose.\n\n### Details\n\n```python\n# comment\n## not a heading\n```\n\n"
        "- ## inside a list\n\n> ## inside a quote\n",
    )
    assert found(seed(body), "S006") == []


def test_s006_setext_heading_counts_as_a_section() -> None:
    body = BODY.replace("## Topics", "Notes\n-----\n\n## Topics")
    (finding,) = found(seed(body), "S006")
    assert finding.message.startswith("unexpected section '## Notes'")
    assert where(finding) == (body_line(11), 1, body_line(11), 6)


# -- robustness ---------------------------------------------------------------------------


def test_odd_files_give_findings_not_tracebacks() -> None:
    for text in ("", "---\n", "---\nlink: [\n---\n", "no front matter\n## Summary\n", "\r\r\n"):
        lint_text(text)
    # An unclosed front matter leaves no body: no section rule speaks.
    assert not SECTION_CODES & set(codes(lint_text("---\nlink: x\n## Summary\n")))


_PIECES = st.sampled_from(
    [
        "---\n",
        f"link: {LINK}\n",
        "link: 42\n",
        f"{LINK}\n",
        f"<{LINK}>\n",
        "## Summary\n",
        "## Links\n",
        "## Topics\n",
        "# Topics\n",
        "### Summary\n",
        "## Notes\n",
        "Summary\n-------\n",
        "Prose.\n",
        "\n",
        "\r\n",
        "\r",
        "```\n",
        "- ",
        "> ",
        "    ",
        "<!-- c -->\n",
        "é",
    ]
)
_CONTEXT = make_linter().context


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_section_rules_never_crash_and_stay_in_bounds(text: str) -> None:
    assert_in_bounds(RULES, text, _CONTEXT)


def test_s005_link_with_whitespace_gets_no_fix() -> None:
    text = seed(BODY.replace(f"\n{LINK}\n", "\n", 1)).replace(
        f"link: {LINK}", "link: 'https://example.com/a b'"
    )
    (finding,) = found(text, "S005")
    assert finding.fix is None
