"""Z201 tag-not-in-vocabulary: every front matter tag is one the vault's vocabulary lists.

The rule owns two options, validated by seedlint against :class:`VocabularyOptions`
before any file is linted (an unknown key or a bad value is exit 2 naming the key):

- ``file``: the vocabulary, one tag a line, ``#`` starting a comment. Typed
  :class:`~seedlint.rule_options.InputFile`, so seedlint reads it once per run (a path
  relative to the configuration's folder, which it may not leave) and keys its result
  cache by the file's bytes: editing the vocabulary re-checks the seeds, touching it does
  not. Unset, the rule checks nothing.
- ``ignore-case``: compare tags without regard to case.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import lru_cache

from pydantic import Field

from seedlint.context import RunContext
from seedlint.document import Document
from seedlint.findings import Problem, Severity
from seedlint.rule import rule
from seedlint.rule_options import InputFile, RuleOptions

CODE = "Z201"


class VocabularyOptions(RuleOptions):
    file: InputFile | None = Field(
        default=None, description="The vocabulary: one tag a line, `#` starts a comment."
    )
    ignore_case: bool = Field(default=False, description="Compare tags ignoring case.")


@lru_cache(maxsize=4)
def vocabulary(text: str, ignore_case: bool) -> dict[str, str]:
    """The tags of a vocabulary file's text, by the form compared (parsed once per run,
    not once per seed)."""
    tags = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return {(tag.casefold() if ignore_case else tag): tag for tag in tags if tag}


@rule(
    CODE,
    "tag-not-in-vocabulary",
    "A tag that the vault's controlled vocabulary does not list.",
    Severity.WARNING,
    options=VocabularyOptions,
)
def tag_not_in_vocabulary(doc: Document, context: RunContext) -> Iterator[Problem]:
    """Tags group seeds only when everyone spells them the same way: a vault that keeps a
    list of its tags wants every seed to use those, not a near-synonym.

    Example: with `Machine_Learning` in the vocabulary, `tags: [MachineLearning]` is
    reported as `tag 'MachineLearning' is not in the vocabulary (did you mean
    'Machine_Learning'?)`.

    Fix by hand: use a listed tag, or add the new one to the vocabulary.
    """
    options = context.options(CODE, VocabularyOptions)
    front = doc.front_matter
    if options.file is None or front is None:
        return
    entry = front.entry("tags")
    if entry is None or not isinstance(entry.value, list):
        return  # not a list of tags: the schema rules say so
    allowed = vocabulary(options.file.text(), options.ignore_case)
    for value, span in zip(entry.value, entry.item_spans, strict=False):
        if not isinstance(value, str):
            continue
        if (value.casefold() if options.ignore_case else value) in allowed:
            continue
        near = difflib.get_close_matches(value, sorted(allowed.values()), n=1, cutoff=0.75)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        yield Problem(CODE, span.start, span.end, f"tag '{value}' is not in the vocabulary{hint}")


RULES = [tag_not_in_vocabulary]
