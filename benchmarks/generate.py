"""Write a realistic seed vault: N seeds, their topic notes, and a seedlint.toml.

The seeds follow the real example (examples/000_7277590c367447cf.txt): sorted front
matter, the bare URL, `## Summary` (paragraphs, numbered lists, `###` subsections, fenced
code with `# comment` lines, inline code), an optional `## Links` list of 2-6 items and
`## Topics` with 2-8 references in both styles. One seed in ten carries one defect from a
fixed menu (schema, YAML, sections, topics, links, whitespace, duplicates), so a run has
findings to report and every rule family is exercised.

Deterministic for a given (n, seed): benchmarks compare like with like.

    python benchmarks/generate.py OUT N [--seed S]

or, from Python (tests, other benchmarks)::

    sys.path.insert(0, "benchmarks"); from generate import generate
    corpus = generate(Path("vault"), 1000)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

KINDS = {
    "Blog post": "Content",
    "Repository": "Repository",
    "Scientific article": "Paper",
    "Documentation": "Tool",
    "Course": "Course",
    "Product main page": "Tool",
}
CATEGORIES = ("Concept", "Library", "Tool", "Model", "Platform", "Dataset")
TAGS = (
    "Natural_Language_Processing",
    "Large_Language_Model",
    "Computer_Vision",
    "Reinforcement_Learning",
    "Machine_Learning",
    "Deep_Learning",
    "Data_Engineering",
    "MLOps",
    "Python",
    "Rust",
    "Databases",
    "Information_Retrieval",
    "Speech",
    "Robotics",
    "AI_Safety",
    "Optimization",
    "Statistics",
    "Distributed_Systems",
    "Compilers",
    "Web3",
)
SOURCES = (
    None,
    None,
    "NLP News",
    "The Batch",
    "Import AI",
    "TLDR AI",
    "Hacker News",
    "https://news.ycombinator.com/",
    "Papers with Code",
    "Ahead of AI",
)
HOSTS = (
    "newsletter.ruder.io/p",
    "arxiv.org/abs",
    "github.com",
    "huggingface.co/blog",
    "www.interconnects.ai/p",
    "blog.research.google",
    "openai.com/research",
    "docs.python.org/3/library",
    "www.deeplearning.ai/courses",
    "lilianweng.github.io/posts",
    "simonwillison.net/2024",
    "pytorch.org/blog",
    "www.anthropic.com/news",
    "engineering.fb.com",
    "www.mckinsey.com/capabilities/quantumblack/our-insights",
)
_VOCABULARY = """
model models training data dataset attention transformer layer layers token tokens
embedding embeddings inference latency throughput benchmark evaluation metric metrics
alignment preference tuning instruction pretraining corpus retrieval index vector search
agent agents tool tools planning reasoning memory context window scaling law compute
gradient optimizer schedule learning rate batch sequence parallelism sharding cluster
quantization distillation pruning sparse mixture experts routing decoder encoder
vision image video audio speech multimodal caption segmentation detection diffusion
policy reward feedback human annotators labels synthetic open weights license release
paper authors results ablation baseline improvement accuracy robustness safety risk
library framework API interface kernel GPU memory cache compiler runtime deployment
product startup market research community ecosystem adoption cost price efficiency
"""
WORDS = _VOCABULARY.split()
NON_ASCII = ("régulation", "données", "modèle", "apprentissage", "Zürich", "naïve", "façade")
VERBS = (
    "describes",
    "introduces",
    "compares",
    "argues for",
    "surveys",
    "benchmarks",
    "explains",
    "revisits",
    "questions",
    "extends",
)
DEFECTS = (
    "bad-type",
    "out-of-bounds",
    "quoted-bool",
    "missing-key",
    "unknown-key",
    "unquoted-date",
    "bad-tag",
    "duplicate-tag",
    "key-order",
    "broken-topic",
    "wrong-category",
    "unencoded-space",
    "missing-summary",
    "source-line",
    "link-item",
    "invalid-url",
    "trailing-whitespace",
    "mixed-line-endings",
    "duplicate-seed",
    "invalid-yaml",
    "duplicate-key",
)


@dataclass
class Corpus:
    """What was written, for tests and benchmarks that need to know."""

    root: Path
    contents: Path
    seeds: list[Path] = field(default_factory=list)
    topics: list[Path] = field(default_factory=list)
    #: Seed path -> the defect written into it (clean seeds are absent).
    defects: dict[Path, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Topic:
    category: str
    name: str

    def markdown_ref(self) -> str:
        return f"![](topics/{self.category}/{quote(self.name)})"

    def wikilink_ref(self) -> str:
        return f"![[topics/{self.category}/{self.name}]]"


def _topics(rng: random.Random, count: int) -> list[Topic]:
    names: set[tuple[str, str]] = set()
    while len(names) < count:
        words = rng.sample(WORDS, rng.choice((1, 2, 2, 3)))
        if rng.random() < 0.05:
            words.append(rng.choice(NON_ASCII))
        name = " ".join(word.capitalize() if i == 0 else word for i, word in enumerate(words))
        names.add((rng.choice(CATEGORIES), name))
    return [Topic(category, name) for category, name in sorted(names)]


def _sentence(rng: random.Random, subject: str | None = None) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 20))
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), rng.choice(NON_ASCII))
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), f"`{rng.choice(WORDS)}()`")
    head = subject or f"The {rng.choice(WORDS)}"
    return f"{head} {rng.choice(VERBS)} " + " ".join(words) + "."


def _summary(rng: random.Random, title: str) -> list[str]:
    lines = [" ".join(_sentence(rng, f"The {title}" if i == 0 else None) for i in range(3))]
    shape = rng.random()
    if shape < 0.35:
        for number in range(1, rng.randint(3, 5)):
            label = " ".join(rng.sample(WORDS, 2)).title()
            lines += ["", f"{number}. **{label}**: {_sentence(rng)} {_sentence(rng)}"]
    elif shape < 0.55:
        for _ in range(rng.randint(1, 2)):
            lines += ["", f"### {' '.join(rng.sample(WORDS, 2)).title()}", "", _sentence(rng)]
    elif shape < 0.7:
        lines += ["", "```python", f"# {rng.choice(WORDS)} example", "import torch"]
        lines += [f"x = torch.{rng.choice(WORDS)}({rng.randint(1, 64)})", "```"]
    else:
        lines += ["", " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))]
    return lines


def _date(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _slug(rng: random.Random) -> str:
    return "-".join(rng.sample(WORDS, rng.randint(2, 5))).lower()


def _url(rng: random.Random, index: int) -> str:
    return f"https://{rng.choice(HOSTS)}/{_slug(rng)}-{index}"


def _title(rng: random.Random, taken: set[str]) -> str:
    while True:
        words = rng.sample(WORDS, rng.randint(2, 6))
        if rng.random() < 0.05:
            words.append(rng.choice(NON_ASCII))
        title = " ".join(words).capitalize()
        if title not in taken:
            taken.add(title)
            return title


def _seed_text(
    rng: random.Random,
    index: int,
    title: str,
    kind: str,
    topics: list[Topic],
    defect: str | None,
    previous_link: str | None,
) -> tuple[str, str]:
    """The seed's text and its link (the next seed may duplicate it)."""
    link = _url(rng, index)
    if defect == "duplicate-seed" and previous_link is not None:
        link = previous_link
    tags = rng.sample(TAGS, rng.randint(1, 4)) if rng.random() < 0.85 else []
    source = rng.choice(SOURCES)
    front: dict[str, str] = {
        "already_read": rng.choice(("false", "false", "true")),
        "link": link,
        "read_priority": str(rng.randint(0, 5)),
        "relevance": str(rng.randint(0, 5)),
        "source": "null" if source is None else source,
        "type": KINDS[kind],
        "upload_date": f"'{_date(rng, 2019, 2025)}'",
    }
    extra: list[str] = []
    if defect == "bad-type":
        front["type"] = front["type"].lower()
    elif defect == "out-of-bounds":
        front["read_priority"] = "7"
    elif defect == "quoted-bool":
        front["already_read"] = '"false"'
    elif defect == "missing-key":
        del front["relevance"]
    elif defect == "unknown-key":
        extra = [f"upload-date: {front['upload_date']}"]
    elif defect == "unquoted-date":
        front["upload_date"] = front["upload_date"].strip("'")
    elif defect == "duplicate-key":
        extra = [f"read_priority: {rng.randint(0, 5)}"]
    if defect == "bad-tag":
        tags = [*tags, "#Machine Learning"]
    elif defect == "duplicate-tag":
        tags = [*tags, tags[0]] if tags else ["Python", "Python"]
    head: list[str] = []
    for key in sorted(front):
        head.append(f"{key}: {front[key]}")
        if key == "source" and tags:
            head.append("tags:")
            head.extend(f"- '{tag}'" if "#" in tag else f"- {tag}" for tag in tags)
    if defect == "key-order":
        head.insert(0, head.pop())  # upload_date first
    if defect == "invalid-yaml":
        head.insert(2, "\tindented: with a tab")
    head.extend(extra)

    body = [link if defect != "source-line" else _url(rng, index + 1)]
    if defect != "missing-summary":
        body += ["## Summary", "", *_summary(rng, title)]
    links = [_url(rng, index * 7 + n) for n in range(rng.randint(2, 6))]
    if rng.random() < 0.9 or defect in ("link-item", "invalid-url"):
        body += ["## Links", ""]
        for number, url in enumerate(links):
            label = " ".join(rng.sample(WORDS, rng.randint(2, 5))).title()
            if defect == "invalid-url" and number == 0:
                url = "htp:/" + url.removeprefix("https://")
            if defect == "link-item" and number == 0:
                body.append(f"- {label} {url}")
                continue
            described = rng.random() < 0.85
            body.append(f"- [{label}]({url})" + (f" : {_sentence(rng)}" if described else ""))
        body.append("")
    body += ["## Topics", ""]
    chosen = rng.sample(topics, rng.randint(2, 8))
    wikilinks = rng.random() < 0.3
    references = [topic.wikilink_ref() if wikilinks else topic.markdown_ref() for topic in chosen]
    if defect == "broken-topic":
        references[0] = Topic("Concept", "No such topic " + _slug(rng)).markdown_ref()
    elif defect == "wrong-category":
        topic = chosen[0]
        other = CATEGORIES[(CATEGORIES.index(topic.category) + 1) % len(CATEGORIES)]
        references[0] = Topic(other, topic.name).markdown_ref()
    elif defect == "unencoded-space":
        multiword = next((topic for topic in chosen if " " in topic.name), chosen[0])
        references[0] = f"![](topics/{multiword.category}/{multiword.name})"
    body.append("\n\n".join(references))
    lines = ["---", *head, "---", "", *body]
    if defect == "trailing-whitespace":
        lines[len(head) + 4] += "  "
    text = "\n".join(lines)
    if defect == "mixed-line-endings":
        first, _, rest = text.partition("\n")
        text = first + "\r\n" + rest
    return text + ("\n" if rng.random() < 0.5 else ""), link


def _topic_note(rng: random.Random, topic: Topic) -> str:
    return (
        f"---\ntype: {topic.category}\ndate: '{_date(rng, 2022, 2025)}'\n---\n\n"
        f"# {topic.name}\n\n{_sentence(rng)}\n"
    )


def generate(out: Path, n: int, *, seed: int = 1, defect_rate: float = 0.1) -> Corpus:
    """Write ``n`` seeds under ``out/contents``, their notes under ``out/topics``.

    ``out/seedlint.toml`` names ``out`` as the topics root, so ``seedlint check out`` (or
    ``out/contents``) resolves every reference. About one topic note for every 25 seeds
    (at least 60) keeps references shared between seeds, as in a real vault.
    """
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(out, out / "contents")
    (out / "seedlint.toml").write_text('topics-root = "."\n', encoding="utf-8")
    topics = _topics(rng, max(60, n // 25))
    for topic in topics:
        folder = out / "topics" / topic.category
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{topic.name}.md"
        path.write_text(_topic_note(rng, topic), encoding="utf-8")
        corpus.topics.append(path)
    for kind in KINDS:
        (corpus.contents / kind).mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    previous_link: str | None = None
    for index in range(n):
        kind = rng.choice(list(KINDS))
        title = _title(rng, taken)
        defect = rng.choice(DEFECTS) if rng.random() < defect_rate else None
        text, previous_link = _seed_text(rng, index, title, kind, topics, defect, previous_link)
        path = corpus.contents / kind / f"{title}.md"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        corpus.seeds.append(path)
        if defect is not None:
            corpus.defects[path] = defect
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the vault into")
    parser.add_argument("n", type=int, help="number of seeds")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    corpus = generate(args.out, args.n, seed=args.seed)
    size = sum(os.path.getsize(path) for path in corpus.seeds)
    print(
        f"{len(corpus.seeds)} seeds ({size / max(1, len(corpus.seeds)):.0f} bytes on average), "
        f"{len(corpus.topics)} topic notes, {len(corpus.defects)} defective, in {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
