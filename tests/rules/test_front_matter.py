"""Front matter rules F001-F205: positions, messages, and fixes applied to the text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedlint.findings import Finding, Severity
from seedlint.rules.front_matter import unambiguous_date
from tests.helpers import (
    SPEC_REQUIRED_KEYS,
    TODAY,
    codes,
    found,
    lint_text,
    real_seed_text,
    where,
)

LINK = "https://example.com/post"
BODY = f"\n{LINK}\n## Summary\n\nProse.\n\n## Topics\n"
# Line numbers of the default front matter below: line 1 is the opening fence.
KEYS: dict[str, str] = {
    "already_read": "false",  # line 2
    "link": LINK,  # line 3
    "read_priority": "1",  # line 4
    "relevance": "0",  # line 5
    "source": "null",  # line 6
    "tags": "\n- Natural_Language_Processing\n- Large_Language_Model",  # lines 7-9
    "type": "Content",  # line 10
    "upload_date": "'2024-02-22'",  # line 11
}


def seed(*, body: str = BODY, **changes: str | None) -> str:
    """A seed with the default keys, some replaced (a string) or dropped (None)."""
    keys = {**KEYS, **changes}
    lines = "".join(
        f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}\n"
        for key, value in keys.items()
        if value is not None
    )
    return f"---\n{lines}---\n{body}"


def raw(front: str, body: str = BODY) -> str:
    return f"---\n{front}---\n{body}"


def one(text: str, code: str, **config: Any) -> Finding:
    findings = found(text, code, **config)
    assert len(findings) == 1, findings
    return findings[0]


def fixed(text: str, finding: Finding, applicability: str) -> str:
    """``text`` with the finding's fix applied, after checking its applicability."""
    assert finding.fix is not None, finding
    assert finding.fix.applicability == applicability
    for edit in sorted(finding.fix.edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text


def front_codes(text: str, **config: Any) -> list[str]:
    return [code for code in codes(lint_text(text, **config)) if code.startswith("F")]


# -- clean inputs ---------------------------------------------------------------------------


def test_real_seed_has_no_front_matter_finding() -> None:
    assert front_codes(real_seed_text()) == []


def test_default_seed_is_clean() -> None:
    assert front_codes(seed()) == []


def test_seed_without_tags_is_clean() -> None:
    assert front_codes(seed(tags=None)) == []


# -- F001 missing-front-matter --------------------------------------------------------------


def test_f001_body_only() -> None:
    finding = one(f"# My note\n{LINK}\n", "F001")
    assert where(finding) == (1, 1, 1, 1)
    assert finding.severity is Severity.ERROR
    assert "must start with '---'" in finding.message


def test_f001_empty_file() -> None:
    assert front_codes("") == ["F001"]


def test_f001_fence_not_on_first_line() -> None:
    assert "F001" in front_codes("\n" + seed())


def test_f001_not_raised_with_front_matter() -> None:
    assert found(seed(), "F001") == []


# -- F002 invalid-yaml ----------------------------------------------------------------------


def test_f002_tab_indentation_points_at_the_tab() -> None:
    text = raw("already_read: false\ntags:\n\t- A\n")
    finding = one(text, "F002")
    assert where(finding) == (4, 1, 4, 2)
    assert "tab" in finding.message


def test_f002_tab_inside_a_value_line() -> None:
    text = seed(read_priority="\n\t1")
    finding = one(text, "F002")
    assert (finding.line, finding.column) == (5, 1)
    assert "tab" in finding.message


def test_f002_unclosed_front_matter_points_at_the_fence() -> None:
    finding = one(f"---\nlink: {LINK}\n\n{LINK}\n## Summary\n", "F002")
    assert where(finding) == (1, 1, 1, 4)
    assert finding.message == "unclosed front matter: no closing '---' line"
    assert "F001" not in front_codes(f"---\nlink: {LINK}\n")


def test_f002_syntax_error_position() -> None:
    text = raw("already_read: false\nsource: a: b\n")
    finding = one(text, "F002")
    assert (finding.line, finding.column) == (3, 10)
    assert finding.message.startswith("invalid YAML: ")


def test_f002_hides_the_schema_rules() -> None:
    # An unreadable block cannot say which keys are missing: one finding, not eight.
    assert front_codes(raw("source: 'NLP News\n")) == ["F002"]


def test_f002_not_raised_for_valid_yaml() -> None:
    assert found(seed(), "F002") == []


# -- F003 front-matter-not-mapping ----------------------------------------------------------


def test_f003_list() -> None:
    finding = one(raw("- a\n- b\n"), "F003")
    assert where(finding) == (2, 1, 3, 4)
    assert finding.message == "front matter is a list, not a mapping"


def test_f003_scalar() -> None:
    finding = one(raw("hello\n"), "F003")
    assert where(finding) == (2, 1, 2, 6)
    assert finding.message == "front matter is a scalar, not a mapping"
    assert front_codes(raw("hello\n")) == ["F003"]


def test_f003_not_raised_for_a_mapping() -> None:
    assert found(seed(), "F003") == []


# -- F101 missing-key -----------------------------------------------------------------------


def test_f101_missing_required_key() -> None:
    finding = one(seed(relevance=None), "F101")
    assert where(finding) == (1, 1, 1, 4)
    assert finding.message == "missing required key 'relevance'"


def test_f101_empty_front_matter_lists_every_required_key() -> None:
    messages = [finding.message for finding in found(raw(""), "F101")]
    assert messages == [f"missing required key '{key}'" for key in SPEC_REQUIRED_KEYS]


def test_f101_source_may_be_null_but_not_absent() -> None:
    assert found(seed(source="null"), "F101") == []
    assert one(seed(source=None), "F101").message == "missing required key 'source'"


def test_f101_configured_required_keys() -> None:
    required = ["link", "author"]
    finding = one(seed(relevance=None), "F101", required_keys=required)
    assert finding.message == "missing required key 'author'"
    # A key the user requires is known: no F102 once it is there.
    text = seed(author="Ada")
    assert not {"F101", "F102"} & set(front_codes(text, required_keys=required))


def test_f101_optional_tags() -> None:
    assert found(seed(tags=None), "F101") == []


# -- F102 unknown-key -----------------------------------------------------------------------


def test_f102_typo_with_did_you_mean() -> None:
    text = seed(relevance=None, relevanse="0")
    finding = one(text, "F102")
    assert where(finding) == (11, 1, 11, 10)
    assert finding.message == "unknown key 'relevanse' (did you mean 'relevance'?)"
    assert finding.severity is Severity.WARNING


def test_f102_no_hint_when_nothing_is_close() -> None:
    assert one(seed(colour="blue"), "F102").message == "unknown key 'colour'"


def test_f102_unknown_keys_setting() -> None:
    text = seed(colour="blue")
    assert found(text, "F102", unknown_keys="allow") == []
    assert one(text, "F102", unknown_keys="error").severity is Severity.ERROR


def test_f102_not_raised_for_known_keys() -> None:
    assert found(seed(), "F102") == []


# -- F103 wrong-type ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "message", "coerced"),
    [
        ("yes", "already_read must be true or false, not a string ('yes')", "true"),
        ('"false"', "already_read must be true or false, not a string ('false')", "false"),
        ("0", "already_read must be true or false, not an integer (0)", None),
        ("null", "already_read must be true or false, not null", None),
    ],
)
def test_f103_already_read(written: str, message: str, coerced: str | None) -> None:
    finding = one(seed(already_read=written), "F103")
    assert where(finding) == (2, 15, 2, 15 + len(written))
    assert finding.message == message
    if coerced is None:
        assert finding.fix is None
    else:
        assert finding.fix is not None and finding.fix.applicability == "unsafe"
        assert [edit.content for edit in finding.fix.edits] == [coerced]


@pytest.mark.parametrize("written", ["true", "false", "True", "FALSE"])
def test_f103_booleans_are_fine(written: str) -> None:
    assert found(seed(already_read=written), "F103") == []


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("high", "read_priority must be an integer, not a string ('high')"),
        ("'3'", "read_priority must be an integer, not a string ('3')"),
        ("1.5", "read_priority must be an integer, not a float (1.5)"),
        ("true", "read_priority must be an integer, not a boolean (true)"),
    ],
)
def test_f103_read_priority(written: str, message: str) -> None:
    finding = one(seed(read_priority=written), "F103")
    assert where(finding) == (4, 16, 4, 16 + len(written))
    assert finding.message == message


def test_f103_tag_item_points_at_the_item() -> None:
    text = seed(tags="\n- Good\n- 42")
    finding = one(text, "F103")
    assert where(finding) == (9, 3, 9, 5)
    assert finding.message == "tags[1] must be a string, not an integer (42)"


def test_f103_tags_not_a_list() -> None:
    finding = one(seed(tags="Solo"), "F103")
    assert where(finding) == (7, 7, 7, 11)
    assert finding.message == "tags must be a list, not a string ('Solo')"


def test_f103_source_list() -> None:
    finding = one(seed(source="[a]"), "F103")
    assert (finding.line, finding.column) == (6, 9)
    assert "source must be a string" in finding.message


def test_f103_not_raised_for_right_types() -> None:
    assert found(seed(source="'NLP News'"), "F103") == []


# -- F104 invalid-value ---------------------------------------------------------------------


def test_f104_out_of_default_bounds() -> None:
    finding = one(seed(read_priority="7"), "F104")
    assert where(finding) == (4, 16, 4, 17)
    assert finding.message == "read_priority 7 is out of bounds (0 to 5)"
    assert finding.fix is None


@pytest.mark.parametrize("value", ["0", "5"])
def test_f104_bounds_are_inclusive(value: str) -> None:
    assert found(seed(relevance=value), "F104") == []


def test_f104_configured_bounds() -> None:
    bounds = {"relevance": {"min": 1, "max": 3}, "read_priority": {"min": 0, "max": 9}}
    assert found(seed(read_priority="7", relevance="1"), "F104", bounds=bounds) == []
    finding = one(seed(relevance="0"), "F104", bounds=bounds)
    assert finding.message == "relevance 0 is out of bounds (1 to 3)"


def test_f104_type_with_one_close_match_has_an_unsafe_fix() -> None:
    text = seed(type="paper")
    finding = one(text, "F104")
    assert where(finding) == (10, 7, 10, 12)
    assert finding.message == "type 'paper' is not allowed (did you mean 'Paper'?)"
    result = fixed(text, finding, "unsafe")
    assert "\ntype: Paper\n" in result
    assert front_codes(result) == []


def test_f104_type_without_close_match_lists_the_allowed_ones() -> None:
    finding = one(seed(type="Blogpost"), "F104")
    assert finding.message.startswith("type 'Blogpost' is not allowed; allowed: Content, Paper")
    assert finding.fix is None


def test_f104_allowed_types_setting() -> None:
    allowed = ["Blogpost", "Paper"]
    assert found(seed(type="Blogpost"), "F104", allowed_types=allowed) == []
    assert one(seed(type="Content"), "F104", allowed_types=allowed).message == (
        "type 'Content' is not allowed; allowed: Blogpost, Paper"
    )


def test_f104_empty_tags() -> None:
    finding = one(seed(tags="[]"), "F104")
    assert where(finding) == (7, 7, 7, 9)
    assert finding.message == "tags is an empty list: omit the key instead"


# -- F105 duplicate-key ---------------------------------------------------------------------


def test_f105_duplicate_key_points_at_the_repeat() -> None:
    text = raw(seed()[4 : -len("---\n" + BODY)] + "relevance: 3\n")
    finding = one(text, "F105")
    assert where(finding) == (12, 1, 12, 10)
    assert finding.message == (
        "duplicate key 'relevance': only the last value is kept (first on line 5)"
    )
    assert finding.severity is Severity.ERROR


def test_f105_two_upload_dates() -> None:
    text = raw("upload_date: '2024-02-22'\nupload_date: '2023-01-01'\nupload_date: '2022-01-01'\n")
    assert [where(finding) for finding in found(text, "F105")] == [
        (3, 1, 3, 12),
        (4, 1, 4, 12),
    ]


def test_f105_not_raised_for_distinct_keys() -> None:
    assert found(seed(), "F105") == []


# -- F106 unsafe-yaml -----------------------------------------------------------------------


def test_f106_python_object_is_reported_and_never_constructed(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    payload = f"!!python/object/apply:builtins.open [{str(target)!r}, 'w']"
    # Control: an unsafe loader really would create the file from this very YAML.
    control = tmp_path / "control"
    yaml.unsafe_load(payload.replace(str(target), str(control))).close()
    assert control.exists()

    text = seed(source=payload)
    finding = one(text, "F106")
    assert (finding.line, finding.column) == (6, 9)
    assert finding.end_column == 9 + len(payload)
    assert finding.message == (
        "custom YAML tag 'tag:yaml.org,2002:python/object/apply:builtins.open' is not allowed"
    )
    assert not target.exists()


def test_f106_python_name() -> None:
    finding = one(seed(source="!!python/name:os.system"), "F106")
    assert where(finding) == (6, 9, 6, 32)
    assert "python/name:os.system" in finding.message


def test_f106_custom_local_tag() -> None:
    assert one(seed(source="!include other.yaml"), "F106").message == (
        "custom YAML tag '!include' is not allowed"
    )


def test_f106_billion_laughs_is_bounded() -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for index, name in enumerate("bcdefghij"):
        previous = "abcdefghij"[index]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    text = raw("\n".join(levels) + "\n")
    finding = one(text, "F106")  # 9**10 nodes if expanded: this returns at once
    assert finding.message == "YAML aliases expand beyond 10000 nodes"
    assert (finding.line, finding.column) == (2, 1)
    assert finding.end_line == 11


def test_f106_a_small_alias_is_fine() -> None:
    text = seed(source="&s 'NLP News'", extra_source="*s")
    assert found(text, "F106") == []


# -- F201 date-format -----------------------------------------------------------------------


def test_f201_unquoted_date_has_a_safe_fix() -> None:
    text = seed(upload_date="2024-02-22")
    finding = one(text, "F201")
    assert where(finding) == (11, 14, 11, 24)
    assert finding.message == "upload_date 2024-02-22 should be quoted: '2024-02-22'"
    assert "datetime" not in finding.message
    result = fixed(text, finding, "safe")
    assert "\nupload_date: '2024-02-22'\n" in result
    assert result == seed()


@pytest.mark.parametrize(
    "written",
    ["'2024/02/22'", "'22 Feb 2024'", "'February 22, 2024'", "2024-02-22T10:00:00", "2024-2-22"],
)
def test_f201_unambiguous_forms_are_fixed(written: str) -> None:
    text = seed(upload_date=written)
    finding = one(text, "F201")
    assert (finding.column, finding.end_column) == (14, 14 + len(written))
    assert fixed(text, finding, "safe") == seed()


def test_f201_ambiguous_date_has_no_fix() -> None:
    finding = one(seed(upload_date="02/03/2024"), "F201")
    assert finding.message == "upload_date '02/03/2024' is not a YYYY-MM-DD date"
    assert finding.fix is None


def test_f201_impossible_date() -> None:
    finding = one(seed(upload_date="'2024-02-30'"), "F201")
    assert finding.message == "upload_date '2024-02-30' is not a valid calendar date"
    assert finding.fix is None


def test_f201_null_date() -> None:
    assert one(seed(upload_date="null"), "F201").message == (
        "upload_date is null: write a quoted 'YYYY-MM-DD' date"
    )


@pytest.mark.parametrize("written", ["'2024-02-22'", '"2024-02-22"'])
def test_f201_quoted_dates_are_fine(written: str) -> None:
    assert found(seed(upload_date=written), "F201") == []


def test_unambiguous_date_never_guesses_day_and_month() -> None:
    assert unambiguous_date("02/03/2024") is None
    assert unambiguous_date("2024.02.03") == dt.date(2024, 2, 3)
    assert unambiguous_date("3 March 2024") == dt.date(2024, 3, 3)
    assert unambiguous_date("2024-13-01") is None
    assert unambiguous_date(20240222) is None


# -- F202 tag-format ------------------------------------------------------------------------


def test_f202_spaces_and_hash_have_a_safe_fix() -> None:
    text = seed(tags="\n- '#Machine Learning'\n- Good")
    finding = one(text, "F202")
    assert where(finding) == (8, 3, 8, 22)
    assert finding.message == (
        "tag '#Machine Learning' is not of the form Word_Word (letters and digits joined by '_')"
    )
    result = fixed(text, finding, "safe")
    assert "\n- Machine_Learning\n- Good\n" in result
    assert front_codes(result) == []


def test_f202_fix_quotes_what_yaml_would_read_as_a_number() -> None:
    text = seed(tags="\n- '#2024'")
    result = fixed(text, one(text, "F202"), "safe")
    assert "\n- '2024'\n" in result
    assert front_codes(result) == []


def test_f202_no_fix_that_would_drop_letters() -> None:
    finding = one(seed(tags="\n- Régulation IA"), "F202")
    assert finding.fix is None


def test_f202_tag_pattern_setting() -> None:
    text = seed(tags="\n- machine-learning")
    assert found(text, "F202", tag_pattern=r"^[a-z]+(-[a-z]+)*$") == []
    finding = one(seed(tags="\n- Good_Tag"), "F202", tag_pattern=r"^[a-z]+(-[a-z]+)*$")
    assert "tag-pattern '^[a-z]+(-[a-z]+)*$'" in finding.message


def test_f202_not_raised_for_good_tags() -> None:
    assert found(seed(tags="\n- A1\n- Large_Language_Model"), "F202") == []


# -- F203 duplicate-tag ---------------------------------------------------------------------


def test_f203_block_list_fix_deletes_the_line() -> None:
    text = seed(tags="\n- NLP\n- LLM\n- NLP")
    finding = one(text, "F203")
    assert where(finding) == (10, 3, 10, 6)
    assert finding.message == "duplicate tag 'NLP'"
    assert fixed(text, finding, "safe") == seed(tags="\n- NLP\n- LLM")


def test_f203_flow_list_fix_deletes_item_and_comma() -> None:
    text = seed(tags="[NLP, LLM, NLP, NLP]")
    findings = found(text, "F203")
    assert [where(finding) for finding in findings] == [(7, 18, 7, 21), (7, 23, 7, 26)]
    once = fixed(text, findings[1], "safe")
    assert "tags: [NLP, LLM, NLP]\n" in once
    assert fixed(once, one(once, "F203"), "safe") == seed(tags="[NLP, LLM]")


def test_f203_not_raised_for_distinct_tags() -> None:
    assert found(seed(tags="[nlp, NLP]"), "F203") == []


# -- F204 key-order -------------------------------------------------------------------------


def test_f204_out_of_order_with_a_safe_fix_that_keeps_comments() -> None:
    text = raw(
        "already_read: false\n"
        f"link: {LINK}\n"
        "read_priority: 1\n"
        "relevance: 0\n"
        "# where it came from\n"
        "type: Content  # kind\n"
        "source: null\n"
        "upload_date: '2024-02-22'\n"
    )
    finding = one(text, "F204")
    assert where(finding) == (7, 1, 7, 5)
    assert finding.message == "key 'type' is out of order (expected 'source' here)"
    result = fixed(text, finding, "safe")
    assert result == raw(
        "already_read: false\n"
        f"link: {LINK}\n"
        "read_priority: 1\n"
        "relevance: 0\n"
        "source: null\n"
        "# where it came from\n"
        "type: Content  # kind\n"
        "upload_date: '2024-02-22'\n"
    )
    assert front_codes(result) == []


def test_f204_moves_block_lists_whole() -> None:
    text = raw(
        "tags:\n- B\n- A\n"
        "already_read: false\n"
        f"link: {LINK}\n"
        "read_priority: 1\n"
        "relevance: 0\n"
        "source: null\n"
        "type: Content\n"
        "upload_date: '2024-02-22'\n"
    )
    result = fixed(text, one(text, "F204"), "safe")
    assert result == seed(tags="\n- B\n- A")


def test_f204_configured_order() -> None:
    order = ["link", "type"]
    text = seed()
    finding = one(text, "F204", key_order=order)
    assert finding.message == "key 'already_read' is out of order (expected 'link' here)"
    result = fixed(text, finding, "safe")
    keys = [line.split(":")[0] for line in result.splitlines()[1:12] if not line.startswith("-")]
    assert keys == [
        "link",
        "type",
        "already_read",
        "read_priority",
        "relevance",
        "source",
        "tags",
        "upload_date",
    ]
    assert found(result, "F204", key_order=order) == []


def test_f204_no_fix_with_duplicate_keys() -> None:
    text = raw("type: Content\nlink: a\ntype: Paper\n")
    assert one(text, "F204").fix is None


def test_f204_not_raised_in_order() -> None:
    assert found(seed(), "F204") == []


# -- F205 future-date -----------------------------------------------------------------------


def test_f205_future_date() -> None:
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    finding = one(seed(upload_date=f"'{tomorrow}'"), "F205")
    assert where(finding) == (11, 14, 11, 26)
    assert finding.message == f"upload_date {tomorrow} is in the future"
    assert finding.fix is None


def test_f205_today_is_not_the_future() -> None:
    assert found(seed(upload_date=f"'{TODAY.isoformat()}'"), "F205") == []


def test_f205_unquoted_future_date_gets_both_findings() -> None:
    assert front_codes(seed(upload_date="2099-01-01")) == ["F201", "F205"]


# -- robustness -----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!'\"#|>? \t\n0123456789%@`,.\\")), max_size=60)
)
def test_any_front_matter_gives_findings_not_exceptions(front: str) -> None:
    findings = lint_text(raw(front if front.endswith("\n") else front + "\n"))
    assert all(finding.line >= 1 and finding.column >= 1 for finding in findings)
