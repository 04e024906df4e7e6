"""The safety net: drop comment-form, share, tag and related-post residue that markup let through.

It runs on blocks, after every layer, so it catches what no selector knew about: Channel9.id's
comment form sits in a container no extractor recognises, and its math captcha leaves only digits,
``+`` and ``=`` between non-breaking spaces. Phrases are the stock WordPress strings in Indonesian
and English. A marker of the article's end (reply heading, "Related posts", "Share this") cuts
everything after it when what follows looks like a tail of short lines, never an article's prose.
"""

from __future__ import annotations

import re

_I = re.I

# Blocks that are never article text, wherever they are.
NOISE = [
    re.compile(p, _I)
    for p in (
        r"^\s*\d*\s*[+\-−x×*÷:/]\s*\d*\s*=\s*\d*\s*$",  # math captcha: "68 + = 75", "+ 14 = 23"
        r"^(?=.*\d)(?=.*=)[\d\s+\-−x×*÷:/=?]+$",
        r"alamat (e-?mail|surel) anda tidak akan (di)?publikasikan",
        r"your email address will not be published",
        r"^(ruas|kolom) yang wajib (diisi )?ditandai",
        r"required fields are marked",
        r"^simpan nama, (e-?mail|surel)",
        r"^save my name, email",
        r"^(beritahu|beri tahu) saya",
        r"^notify me of",
        r"(this site|situs ini) (uses|menggunakan) akismet",
        r"^(kirim|posting) komentar$|^post comment$|^submit comment$",
        r"^(nama|name|email|e-?mail|surel|situs web|website|komentar|comment)\s*\*?$",
        r"^(share|bagikan|bagikan ini|share this|share this article|bagikan artikel ini)\s*:?$",
        r"^(like this|suka ini|menyukai ini)\s*:?$|^(like|suka) (loading|memuat)",
        r"^(klik untuk|click to) (berbagi|share|print|cetak|email)",
        r"^(share|bagikan) (on|ke|via) \w+",
        r"^(facebook|twitter|x|whatsapp|telegram|linkedin|pinterest|email|print|cetak|line|reddit|tumblr|copy link|salin tautan)"
        r"(\s*[,|/·•]?\s*(facebook|twitter|x|whatsapp|telegram|linkedin|pinterest|email|print|cetak|line|reddit|"
        r"tumblr|copy link|salin tautan))*$",
        r"^(tags?|tagged|tagged with|topik|label|kata kunci|keywords)\s*:",
        r"^(advert|advertisement|advertisment|iklan|sponsored|sponsored content|scroll to continue with content|"
        r"scroll untuk melanjutkan)$",
        r"^this slideshow requires javascript\.?$",
        r"^(\d+\s+)?(komentar|comments?|responses?|tanggapan)(\s*\(\d+\))?$",
        r"^\d+ (thoughts?|responses?|replies|komentar|tanggapan) (on|to|pada|untuk) ",
        r"^(belum ada komentar|no comments yet|be the first to comment)",
    )
]
# Blocks that mark the end of the article: what follows is form, comments, tags or related posts.
END = [
    re.compile(p, _I)
    for p in (
        r"^(tinggalkan|berikan) (balasan|komentar|tanggapan)",
        r"^(leave a (reply|comment)|post a comment|add a comment|write a comment)",
        r"^(batalkan balasan|cancel reply)$",
        r"^(related|related posts?|related articles?|related news|berita terkait|artikel terkait|"
        r"baca juga|lihat juga|berita lainnya|berita lain|you may also like|you might also like|"
        r"recommended|rekomendasi|terpopuler|populer|most popular|most read|trending|"
        r"more stories|more from|read more|baca selanjutnya|selengkapnya)\s*(:|\.\.\.|…)?$",
        r"^(share this|bagikan|share|tags?|topik)\s*:?$",
    )
]
# WordPress shortcodes a theme failed to expand: "[button link=...]", "[/button]".
SHORTCODE = re.compile(r"\[(?:/[a-z][\w-]*|[a-z][\w-]*(?:\s+[\w-]+\s*=\s*[\"“”'][^\]]*)+)\]", _I)
PROSE_END = '.!?…"”’)'
PROSE_WORDS = 8  # a sentence of this many words or more that ends like one is article prose


def is_noise(block: str) -> bool:
    """True for a block that is boilerplate wherever it appears."""
    return any(p.search(block) for p in NOISE)


def is_end(block: str) -> bool:
    """True for a heading that marks the end of the article text."""
    return any(p.search(block) for p in END)


def _prose(block: str) -> bool:
    """A full sentence, as opposed to a link title, a label or a button."""
    return block.endswith(tuple(PROSE_END)) and len(block.split()) >= PROSE_WORDS and not is_noise(block)


def _tail_like(blocks: list[str]) -> bool:
    return not any(_prose(b) for b in blocks)


def _same(a: str, b: str | None) -> bool:
    if not b:
        return False
    return a.casefold().strip(" .:") == b.casefold().strip(" .:")


def _unshortcode(block: str) -> str:
    return " ".join(SHORTCODE.sub(" ", block).split())


def clean_blocks(blocks: list[str], title: str | None = None, category: str | None = None) -> list[str]:
    """The article's blocks without residue, repeated headline lines or repeats."""
    blocks = [_unshortcode(b) if "[" in b else b for b in blocks]
    kept: list[str] = []
    for i, block in enumerate(blocks):
        if not block:
            continue
        if is_end(block) and _tail_like(blocks[i + 1 :]):
            break
        if is_noise(block) or is_end(block) or (kept and kept[-1] == block):
            continue
        kept.append(block)
    while kept and (_same(kept[0], title) or _same(kept[0], category)):
        kept.pop(0)
    return kept
