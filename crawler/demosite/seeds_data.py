"""The real Channel9.id articles the user gave (docs/CLEAN_TEXT.md), placed in the demo site verbatim.

Their clean text lives in ``data/<slug>.txt`` in the golden shape (title, category, blank, title,
blank, blocks), so the site's expected text for them is the golden file byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources

from .prose import Block

WIB = timezone(timedelta(hours=7))
BACA_JUGA = "Baca juga: "
PUTIN_TITLE = "Presiden Rusia Vladimir Putin Terima Undangan Kim Jong Un"


@dataclass(frozen=True)
class FixedArticle:
    """A hand-placed article: its slug, time and (optionally) verbatim body and comment captcha."""

    slug: str
    category: str
    published: datetime
    initials: str
    title: str | None = None  # taken from the data file when None
    captcha: tuple[int | None, int | None, int] | None = None  # (left, right, sum); None = the input box


FIXED = (
    FixedArticle(
        "presiden-rusia-vladimir-putin-terima-undangan-kim-jong-un",
        "Internasional",
        datetime(2023, 9, 13, 18, 40, tzinfo=WIB),
        "RS",
        title=PUTIN_TITLE,
    ),
    FixedArticle(
        "amerika-serikat-khawatir-ada-potensi-bisnis-senjata-korea-utara-rusia",
        "Internasional",
        datetime(2023, 9, 14, 10, 21, tzinfo=WIB),
        "FB",
        captcha=(68, None, 75),
    ),
    FixedArticle(
        "pakar-internasional-sebut-negara-barat-sulit-hentikan-kerja-sama-korea-utara-rusia",
        "Internasional",
        datetime(2023, 9, 14, 16, 5, tzinfo=WIB),
        "FB",
        captcha=(None, 14, 23),
    ),
)


def verbatim(slug: str) -> tuple[str, str, list[str]] | None:
    """(title, category, blocks) of a seed article from its data file, or None if it has none."""
    path = resources.files(__package__) / "data" / f"{slug}.txt"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n\n")
    title, category = head.split("\n")
    _title_again, _, blocks = rest.partition("\n\n")
    return title, category, blocks.rstrip("\n").split("\n\n")


def verbatim_blocks(texts: list[str], slug_of_title) -> tuple[Block, ...]:
    """Typed blocks for a seed body: "Baca juga" lines link by title, "(XX)" is the initials."""
    blocks = []
    for text in texts:
        if text.startswith(BACA_JUGA):
            blocks.append(Block("related", text, slug_of_title(text[len(BACA_JUGA) :])))
        elif text.startswith("(") and text.endswith(")") and text[1:-1].isupper() and len(text) <= 6:
            blocks.append(Block("initials", text))
        else:
            blocks.append(Block("p", text))
    return tuple(blocks)
