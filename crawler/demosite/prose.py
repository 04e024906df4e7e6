"""Generated headlines and article bodies: Indonesian-looking text from a seeded ``random.Random``.

A body is a tuple of :class:`Block`; its ``text`` is exactly the clean-text block docs/CLEAN_TEXT.md expects
(one line, single spaces), and ``kind`` tells the renderer which element to wear.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from . import lexicon as lx

DATELINE = "Channel9.id – Jakarta."
SMALL_WORDS = {"di", "dan", "ke", "dari", "untuk", "yang", "soal", "dalam", "pada", "atau", "bagi"}


class Block(NamedTuple):
    """One block of an article body: ``kind`` is p, h2, h3, quote, ul, ol, related or initials."""

    kind: str
    text: str
    href_slug: str | None = None  # the linked article of a "Baca juga:" block


def headline(rng: random.Random, category: str) -> str:
    """A news headline in Indonesian title case."""
    actor, topic = rng.choice(lx.ACTORS[category]), rng.choice(lx.TOPICS[category])
    verb, place = rng.choice(lx.VERBS), rng.choice(lx.PLACES)
    form = rng.randrange(4)
    if form == 0:
        text = f"{actor} {verb} {topic}"
    elif form == 1:
        text = f"{topic} jadi sorotan, {actor} angkat bicara"
    elif form == 2:
        text = f"{actor} kunjungi {place} bahas {topic}"
    else:
        text = f"{actor} {verb} {topic} di {place}"
    return title_case(text)


def title_case(text: str) -> str:
    """Capitalise every word but short function words, keeping acronyms such as PBB."""
    words = text.split()
    out = [
        w if w.isupper() or (i and w in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    ]
    return " ".join(out)


def _date(rng: random.Random) -> str:
    return f"{rng.choice(lx.DAYS)} ({rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2023)"


def sentence(rng: random.Random, category: str) -> str:
    """One sentence; a few forms so paragraphs do not look stamped from one mould."""
    form = rng.randrange(5)
    if form == 0:
        return (
            f"{rng.choice(lx.ACTORS[category])} {rng.choice(lx.VERBS)} {rng.choice(lx.TOPICS[category])} "
            f"dalam pertemuan di {rng.choice(lx.PLACES)} pada {_date(rng)}."
        )
    if form == 1:
        return f"“{rng.choice(lx.QUOTES)},” {rng.choice(lx.SPEAKERS)}."
    if form == 2:
        return f"{rng.choice(lx.CONNECTIVES)} {rng.choice(lx.CLAUSES)}."
    clause = rng.choice(lx.CLAUSES)
    return f"{clause[:1].upper()}{clause[1:]}, terutama terkait {rng.choice(lx.TOPICS[category])}."


def paragraph(rng: random.Random, category: str, lead: bool = False) -> str:
    """Two to four sentences; the lead paragraph opens with the Channel9 dateline."""
    sentences = [sentence(rng, category) for _ in range(rng.randint(2, 4))]
    if lead:
        actor, topic = rng.choice(lx.ACTORS[category]), rng.choice(lx.TOPICS[category])
        sentences.insert(0, f"{DATELINE} {actor} {rng.choice(lx.VERBS)} {topic} pada {_date(rng)}.")
    return " ".join(sentences)


def body(rng: random.Random, category: str, older: list, initials: str) -> tuple[Block, ...]:
    """A full article body. ``older`` holds (slug, title) pairs it may link with "Baca juga"."""
    blocks = [Block("p", paragraph(rng, category, lead=True))]
    for index in range(rng.randint(3, 9)):
        blocks.extend(_extras(rng, category, older, index))
        blocks.append(Block("p", paragraph(rng, category)))
    if rng.random() < 0.5:
        blocks.append(Block("initials", f"({initials})"))
    return tuple(blocks)


def _extras(rng: random.Random, category: str, older: list, index: int) -> list[Block]:
    """Whatever may precede a paragraph: a "Baca juga", subheading, quote or list."""
    roll = rng.random()
    if index in (1, 4) and older and roll < 0.6:
        slug, title = older[rng.randrange(len(older))]
        return [Block("related", f"Baca juga: {title}", slug)]
    if index >= 2 and roll < 0.22:
        return [Block(rng.choice(("h2", "h2", "h3")), rng.choice(lx.SUBHEADINGS))]
    if index >= 1 and roll < 0.34:
        return [
            Block("quote", f"“{rng.choice(lx.QUOTES)}. {rng.choice(lx.QUOTES)},” {rng.choice(lx.SPEAKERS)}.")
        ]
    if index >= 1 and roll < 0.46:
        kind = rng.choice(("ul", "ol"))
        return [Block(kind, item + ".") for item in rng.sample(lx.LIST_ITEMS, rng.randint(3, 5))]
    return []


def revise(blocks: tuple[Block, ...], rng: random.Random, category: str) -> tuple[Block, ...]:
    """The body after an editor's update: one paragraph rewritten and an update note added."""
    out = list(blocks)
    paragraphs = [i for i, b in enumerate(out) if b.kind == "p" and i > 0]
    if paragraphs:
        i = rng.choice(paragraphs)
        out[i] = Block("p", f"{out[i].text} {sentence(rng, category)}")
    note = Block("p", rng.choice(lx.UPDATE_NOTES))
    end = len(out) - 1 if out[-1].kind == "initials" else len(out)
    out.insert(end, note)
    return tuple(out)
