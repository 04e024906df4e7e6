"""The clean text as the index sees it: its fields, and words as FTS5's ``unicode61`` tokenizer cuts them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case without diacritics, as ``unicode61 remove_diacritics 2`` folds a token."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))


def words(text: str) -> list[str]:
    """The tokens FTS5 indexes for ``text``: runs of letters and digits, folded."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class CleanText:
    """A clean text file split into its parts (docs/CLEAN_TEXT.md): headline, category, blocks."""

    title: str
    category: str
    blocks: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n\n".join(self.blocks)


def parse_clean_text(text: str) -> CleanText:
    """``<title>\\n<category>\\n\\n<title>\\n\\n<block>\\n\\n<block>...``; a text of another shape
    keeps every non-empty line as a block."""
    lines = text.split("\n")
    title = lines[0].strip() if lines else ""
    category = lines[1].strip() if len(lines) > 1 else ""
    rest = lines[2:]
    blocks = [line.strip() for line in rest if line.strip()]
    if blocks and blocks[0] == title:
        blocks = blocks[1:]
    return CleanText(title, category, tuple(blocks))
