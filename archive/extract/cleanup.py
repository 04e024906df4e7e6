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

MONTHS = (
    r"jan(uary|uari)?|feb(ruary|ruari)?|mar(ch|et)?|apr(il)?|may|mei|jun(e|i)?|jul(y|i)?|aug(ust)?|"
    r"agu(stus)?|sep(t|tember)?|oct(ober)?|okt(ober)?|nov(ember)?|dec(ember)?|des(ember)?"
)
DAYS = r"mon(day)?|tue(s|sday)?|wed(nesday)?|thu(rs|rsday)?|fri(day)?|sat(urday)?|sun(day)?|senin|selasa|rabu|kamis|jum'?at|sabtu|minggu"
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
        r"^(share|bagikan)( this| ini)?( article| story| post| artikel| berita)? (on|ke|via|with|lewat) \w+",
        r"^(filed|posted) (under|in)\s*:",
        r"^(\d+\s*(min|mins|minutes?|menit)\s*(read|baca)|(estimated )?(reading|read) time\s*:?\s*\d+.*|"
        r"waktu (baca|membaca)\s*:?\s*\d+.*)$",
        r"^\d+ (of|dari) \d+$",  # slideshow counters
        # a photo agency's credit on a line of its own (a caption left behind)
        r"^(getty images|afp|ap photo|associated press|shutterstock|istock|antara foto)(\s*/\s*[\w .]{1,40})?$",
        # a timestamp on a line of its own (the date is metadata: ``published``), English and Indonesian
        rf"^((published|updated|last updated|posted|diterbitkan|diperbarui|dipublikasikan)\s*(on|at|:)?\s*)?"
        rf"(({DAYS}),?\s*)?"
        rf"(\d{{1,2}}\s+({MONTHS})\.?,?\s+\d{{4}}|({MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|"
        rf"\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})"
        rf"(\s*([-–|,•·]|at|pukul|jam)?\s*\d{{1,2}}[:.]\d{{2}}(\s*(am|pm|a\.m\.|p\.m\.))?(\s*[a-z]{{2,4}})?)?\s*$",
        r"^(updated|published|posted|last updated|diperbarui)\s*(at|on|:)?\s*\d{1,2}[:.]\d{2}\s*(am|pm|a\.m\.|p\.m\.)?\s*$",
    )
]
# Promotions inside the body: links to other stories, app and newsletter promos, appeals, social
# follow lines, in Indonesian and English. Each is a short line (never prose, see PROMO_MAX).
# ``Baca juga: ...`` is not one of them: the seed files keep it (docs/CLEAN_TEXT.md).
# PROMO_START match at the block's start (one regex, tried at one position), PROMO_ANY anywhere.
PROMO_START = (
    # "READ MORE: <headline>", "Related: ...", "[Related: ...]", "Trending: ...", "SEE MORE: ..."
    r"\[?(read more|read also|also read|more reading|see also|see more|related|related post|"
    r"related posts|related article|related articles|related story|related stories|related coverage|"
    r"related news|recommended|recommended reading|also|more|more on this|watch|watch more|must read|"
    r"don'?t miss|trending|trending now|top stories|popular|most read|editor'?s picks?|"
    r"terpopuler|trending sekarang|berita populer|rekomendasi|tonton|tonton juga|saksikan|"
    r"saksikan juga|dengarkan)\s*[:|]\s*\S",
    # calls to action: apps, newsletters, subscriptions, follows, donations
    r"(click|tap|klik) (here|di ?sini)\b",
    r"(follow|like) (us|\w+( \w+)?) on (twitter|facebook|instagram|tiktok|youtube|linkedin|threads|"
    r"telegram|whatsapp|google news|x)\b",
    r"(ikuti|follow|gabung(lah)?( ke| di| dengan)?|bergabung(lah)?( ke| di| dengan)?) .{0,60}"
    r"\b(google news|instagram|twitter|facebook|tiktok|youtube|telegram|whatsapp|saluran|kanal|channel)\b",
    r"(dapatkan|simak) (update|informasi|berita) .{0,80}\b(google news|telegram|whatsapp|aplikasi)\b",
    r"(dear|to our) readers?\b.{0,400}\b(support|donat|contribut|subscri|member)",
    r"(pembaca|sahabat) (yang )?(budiman|terhormat|setia|\w+)\b.{0,400}\b(dukung|donasi|berlangganan|"
    r"kontribusi|traktir)",
    r"(support|dukung) (our|independent|quality|jurnalisme|kami|media)\b.{0,200}"
    r"(journalism|jurnalisme|donat|subscri|berlangganan|contribut)",
    r"(like|enjoyed?) this (story|article|post)\?",
    r"(tell us|let us know) what you think|what do you think\?\s*(let us know|tell us)",
    r"subscribe to .{0,60}\b(youtube|channel|podcast|newsletters?)\b",
    r"(most read|most popular|popular|trending|more|more stories|more news|read more|top stories) "
    r"(in|on|from|at) [\w .&'’-]{1,40}$",
    r"(don'?t miss|must read|reuse this content|recommended for you|editor'?s picks?)\s*:?$",
    r"pic\.twitter\.com/\w+$|(view this post on (instagram|tiktok|facebook)|a post shared by .{1,80})$",
    r"(copyright|hak cipta)\s*(©|\(c\)|ⓒ)|(©|\(c\)|ⓒ)\s*\d{4}\b|(copyright|hak cipta) ([\w.-]+ )?\d{4}\b",
)
# Each with the words one of which every match contains: a block without any is not searched.
PROMO_ANY = (
    (
        ("click", "tap", "klik"),
        r"[.!?:]\s+(click|tap|klik) (here|di ?sini)\b|\b(click|clicking|tap|klik) (here|di ?sini)[.!]?$",
    ),
    (
        ("app", "aplikasi"),
        r"\b(get|download) (the|our) [\w .&'’-]{0,30}\bapp\b|\b(unduh|download) aplikasi\b",
    ),
    (
        ("sign up", "subscribe", "register"),
        r"\b(sign up|subscribe|register) (for|to) (our|the|\w+['’]s)?\s?[\w .&'’-]{0,40}"
        r"(newsletter|bulletin|briefing|digest|daily|email|updates)\b",
    ),
    (("newsletter", "inbox"), r"\b(newsletters?|inbox)\b.{0,60}\b(sign up|subscribe)\b|\bin your inbox\b"),
    (("berlangganan",), r"\bberlangganan\b.{0,40}\b(newsletter|buletin|surel|email)\b"),
    (("tweet", "reserved"), r"click to tweet$|all rights reserved\.?$"),
    (("share it", "bagikan"), r"\b(share it|bagikan) (with|kepada|ke) (a )?(friends?|teman)"),
)
PROMO_START_RE = re.compile("|".join(f"(?:{p})" for p in PROMO_START), _I)
PROMO_ANY_RE = [(words, re.compile(p, _I)) for words, p in PROMO_ANY]
PROMO_MAX = 300  # characters: a promotion is a line, never a paragraph of the article
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


def _top_level_branches(pattern: str) -> list[str]:
    """A pattern's alternatives outside any group or character class."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def _split(patterns: list[re.Pattern]) -> tuple[re.Pattern | None, list[re.Pattern]]:
    """One regex for the patterns anchored at the start (``match``: tried at one position, not along
    the block) and the others as they are: the same verdicts, a fraction of the scans."""
    anchored = [p for p in patterns if all(b.startswith("^") for b in _top_level_branches(p.pattern))]
    others = [p for p in patterns if p not in anchored]
    joined = re.compile("|".join(f"(?:{p.pattern})" for p in anchored), _I) if anchored else None
    return joined, others


NOISE_START, NOISE_ANY = _split(NOISE)
# Words one of which every match of an unanchored NOISE pattern contains (a pattern not listed here
# is searched in every block).
NOISE_GUARDS = {
    r"alamat (e-?mail|surel) anda tidak akan (di)?publikasikan": ("alamat",),
    r"your email address will not be published": ("your email",),
    r"required fields are marked": ("required",),
    r"(this site|situs ini) (uses|menggunakan) akismet": ("akismet",),
}
NOISE_ANY_GUARDED = [(NOISE_GUARDS.get(p.pattern, ()), p) for p in NOISE_ANY]


def _search_guarded(guarded, block: str) -> bool:
    low = block.lower()
    return any((not words or any(w in low for w in words)) and p.search(block) for words, p in guarded)


END_START, END_ANY = _split(END)


PROSE_WORDS = 8  # a sentence of this many words or more that ends like one is article prose


def is_noise(block: str) -> bool:
    """True for a block that is boilerplate wherever it appears."""
    if NOISE_START is not None and NOISE_START.match(block):
        return True
    return _search_guarded(NOISE_ANY_GUARDED, block) or is_promo(block)


def is_promo(block: str) -> bool:
    """True for a promotion inside the body (READ MORE line, app or newsletter promo, appeal)."""
    if len(block) > PROMO_MAX and not block.isupper():
        return False
    if PROMO_START_RE.match(block):
        return True
    if _search_guarded(PROMO_ANY_RE, block):
        return True
    return _shouted_call(block)


SHOUTED_CALL = re.compile(
    r"\b(CLICK|TAP|DOWNLOAD|SUBSCRIBE|SIGN UP|FOLLOW|WATCH|LISTEN|GET|READ|KLIK|UNDUH|IKUTI|BACA)\b"
)


def _shouted_call(block: str) -> bool:
    """A line in capitals that calls to act (``CLICK HERE TO GET THE APP``, ``READ MORE``)."""
    if not block.isupper() or block.startswith("BACA JUGA") or sum(c.isalpha() for c in block) < 8:
        return False
    return bool(SHOUTED_CALL.search(block)) and len(block.split()) <= 20


def is_end(block: str) -> bool:
    """True for a heading that marks the end of the article text."""
    return bool(END_START is not None and END_START.match(block)) or any(p.search(block) for p in END_ANY)


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
        end = is_end(block)
        if end and _tail_like(blocks[i + 1 :]):
            break
        if end or is_noise(block) or (kept and kept[-1] == block):
            continue
        kept.append(block)
    while kept and (_same(kept[0], title) or _same(kept[0], category)):
        kept.pop(0)
    return kept
