"""Hypothesis strategies: seeds with the defects seedlint can fix, and some it cannot.

A generated seed follows the real example's shape (front matter, source line, Summary,
Links, Topics) and draws each part from a menu that mixes the writer's form with the
slips people make: keys out of order, comments, dates in other forms, tags with spaces,
repeated tags, topic references with literal spaces, repeated links, trailing blanks,
unused suppression comments, CRLF or mixed line endings, a BOM, no final newline.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from tests.fix.conftest import TOPICS

LINK = "https://newsletter.ruder.io/p/thoughts-on-the-2024-ai-job-market"
DATES = (
    "'2024-02-22'",
    "2024-02-22",
    "2024/02/22",
    "22 Feb 2024",
    '"February 22, 2024"',
    "'02/03/2024'",  # ambiguous: reported, never fixed
    "'2024-02-30'",  # impossible: reported, never fixed
)
TYPES = ("Content", "Paper", "content", "paper", "Contnt", "Blog")
TAGS = (
    "Natural_Language_Processing",
    "Large_Language_Model",
    "Python",
    "'#Machine Learning'",
    "deep-learning",
    '"AI Safety"',
    "Été",  # outside the pattern, and no fix can make it match
)
SOURCES = ("null", "NLP News", "'The Batch'", '"Import AI"')
COMMENTS = ("# a note", "# seedlint: ignore[F102]", "# seedlint: ignore[W001]")


@dataclass(frozen=True)
class Drawn:
    """A generated seed: its text and bytes, with the conventions it was written in."""

    text: str
    data: bytes


@st.composite
def front_matter(draw: st.DrawFn) -> list[str]:
    values = {
        "already_read": draw(st.sampled_from(("false", "true"))),
        "link": LINK,
        "read_priority": str(draw(st.integers(0, 6))),
        "relevance": str(draw(st.integers(0, 5))),
        "source": draw(st.sampled_from(SOURCES)),
        "type": draw(st.sampled_from(TYPES)),
        "upload_date": draw(st.sampled_from(DATES)),
    }
    if draw(st.booleans()):
        values["x_extra"] = "'kept as is'"
    keys = sorted(values) + (["tags"] if draw(st.booleans()) else [])
    if draw(st.booleans()):
        keys = draw(st.permutations(keys))
    elif "tags" in keys:
        keys = sorted(keys)
    tags = draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=5))
    flow = draw(st.booleans())
    lines: list[str] = []
    for key in keys:
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(COMMENTS)))
        if key == "tags":
            if flow:
                lines.append("tags: [" + ", ".join(tags) + "]")
            else:
                lines.append("tags:")
                lines.extend(f"- {tag}" for tag in tags)
            continue
        line = f"{key}: {values[key]}"
        if draw(st.integers(0, 6)) == 0:
            line += "  # why"
        lines.append(line)
        if draw(st.integers(0, 8)) == 0:
            lines.append("")
    return lines


def _topic_ref(style: int, note: str) -> str:
    if style == 0:
        return f"![](topics/{note.replace(' ', '%20')})"
    if style == 1:
        return f"![[topics/{note}]]"
    if style == 2:
        return f"![](topics/{note})"  # literal space: T002
    if style == 3:
        return f"[{note}](topics/{note.replace(' ', '%20')})"  # no '!': T002
    return f"![](topics/Model/{note.partition('/')[2].replace(' ', '%20')})"  # T001


@st.composite
def body(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    source = draw(st.sampled_from((LINK, LINK, f"<{LINK}>", LINK.replace("2024", "2023"), "")))
    if source:
        lines.append(source)
    sections = draw(
        st.sampled_from((("Summary", "Links", "Topics"), ("Summary", "Topics"), ("Summary",)))
    )
    for section in sections:
        heading = f"## {section}"
        if draw(st.integers(0, 6)) == 0:
            heading += " <!-- seedlint-disable-line W001 -->"
        lines.append(heading)
        lines.append("")
        if section == "Summary":
            lines.append("The author discusses the job market.")
            if draw(st.booleans()):
                lines += ["", "1. **Trends**: research is more applied.", "2. **Startups**: ok."]
        elif section == "Links":
            items = [
                "- [Cohere Careers](https://cohere.com/careers) : Careers at Cohere.",
                "- [AI Research Job Market](https://www.interconnects.ai/p/job) : Insights.",
            ]
            if draw(st.booleans()):
                items.append(items[0])  # L006
            lines += items
        else:
            notes = draw(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=4))
            refs = [_topic_ref(draw(st.integers(0, 6)) % 5, note) for note in notes]
            for index, ref in enumerate(refs):
                if index and draw(st.integers(0, 5)):
                    lines.append("")  # else the two share a paragraph: T002
                lines.append(ref)
        lines.append("")
    return lines[:-1]


@st.composite
def seeds(draw: st.DrawFn) -> Drawn:
    lines = ["---", *draw(front_matter()), "---", "", *draw(body())]
    for index in draw(st.lists(st.integers(0, len(lines) - 1), max_size=3)):
        lines[index] += draw(st.sampled_from((" ", "\t", "   ", "  ")))  # W001
    newline = draw(st.sampled_from(("\n", "\r\n")))
    breaks = [newline] * (len(lines) - 1)
    for index in draw(st.lists(st.integers(0, len(breaks) - 1), max_size=2)) if breaks else []:
        breaks[index] = "\n" if newline == "\r\n" else "\r\n"  # W002
    text = "".join(line + brk for line, brk in zip(lines, breaks, strict=False)) + lines[-1]
    if draw(st.booleans()):
        text += newline
    bom = draw(st.integers(0, 4)) == 0
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    return Drawn(text, data)


MUTATIONS = (" ", "\t", "\r", "\n", "\r\n", "#", "-", ":", "'", '"', "[", "]", "!", "é", "---")


@st.composite
def mutated(draw: st.DrawFn, base: str) -> Drawn:
    """``base`` with a few characters inserted or deleted anywhere: arbitrary damage."""
    text = base
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(MUTATIONS)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
    return Drawn(text, text.encode("utf-8"))
