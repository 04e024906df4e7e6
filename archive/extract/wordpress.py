"""WordPress conventions: where themes put the article body, and the plugin boxes inside it.

Core themes, block themes and the big magazine themes (Newspaper, JNews, ...) each wrap the post
content in a known container. Plugins then inject share buttons, related posts, ads and tag lists
into that container; their class names follow a few stable words, so they are matched by word.
"""

from __future__ import annotations

import re

from lxml import etree

from archive.extract.blocks import element_blocks
from archive.extract.selectors import remove, select_elements

# Body containers, most specific first: (selector, source name).
BODY = (
    (".entry-content", "entry-content"),
    (".wp-block-post-content", "wp-block-post-content"),
    (".td-post-content", "td-post-content"),
    (".jeg_post_content .content-inner", "jeg_post_content"),
    (".jeg_post_content", "jeg_post_content"),
    ("[itemprop~='articleBody']", "itemprop-articleBody"),
)
MIN_BODY_CHARS = 200  # a container with less than this is an excerpt or a stub: try the next layer...
# ...unless the page is a single post and the container is the only one of its kind: a short post
# (breaking news, a photo post, a one-paragraph update) is taken from its own container, never from
# trafilatura's reading of the whole page (site title, tagline, post navigation).
# Words in a class or id that mark a plugin box, never article text.
JUNK = re.compile(
    r"(?:^|[-_])(?:share|shares|sharing|sharedaddy|sharethis|social|socials|related|relatedposts|yarpp|"
    r"crp|latest-posts|buttons|newsletter|subscribe|subscription|comments?|respond|advert|adverts|advertisement|ads|ad|"
    r"adsbygoogle|iklan|a-rec|sponsor|sponsored|promo|outbrain|taboola|mgid|tags|tag-links|tagcloud|"
    r"breadcrumbs?|author-box|author-bio|saboxplugin|popular|mc4wp|addtoany|a2a|heateor|jp|wpcnt|"
    r"post-navigation|nav-links|navigation|print|rating|reactions?|donate|donation|toc|ez-toc)"
    r"(?:[-_]|$)",
    re.I,
)
# Classes that contain a junk word yet hold article text.
NOT_JUNK = re.compile(
    r"^(?:wp-block-(?:quote|pullquote|list|heading|table|group|columns?|paragraph)|"
    r"has-[\w-]+|is-style-[\w-]+)$",
    re.I,
)


def is_junk(el) -> bool:
    """True when an element's class or id names a plugin box (share, related, ads, tags, ...)."""
    for attr in ("class", "id"):
        value = el.get(attr)
        if not value:
            continue
        for token in value.split():
            if JUNK.search(token) and not NOT_JUNK.search(token):
                return True
    return False


def strip_junk(container) -> int:
    """Remove plugin boxes inside a body container (not the container itself); returns how many."""
    doomed = [el for el in container.iterdescendants() if isinstance(el.tag, str) and is_junk(el)]
    for el in doomed:
        remove(el)  # removing a box already inside a removed box is harmless
    return len(doomed)


def _text_len(el) -> int:
    return sum(len(block) for block in element_blocks(el))


def find_body(root, single: bool = False):
    """The post content container by WordPress convention: (element, source) or (None, reason).

    ``single``: the page is one post by its own signals (``identity.page_kind``); then a short
    container that is the only one of its selector on the page is the post's whole body."""
    short = None
    for selector, source in BODY:
        candidates = select_elements(root, selector)
        if not candidates:
            continue
        # Archive widgets reuse the class for excerpts: the article is the longest one.
        best = max(candidates, key=_text_len) if len(candidates) > 1 else candidates[0]
        length = _text_len(best)
        if length >= MIN_BODY_CHARS:
            return best, source
        if single and short is None and length and len(candidates) == 1:
            short = best, source
    if short is not None:
        return short
    return None, "no WordPress body container"


# Comment threads and their forms, by class or id: WordPress core and classic themes (#comments,
# .comments-area, ol.comment-list, #respond), block themes (wp-block-comments, wp-block-post-comments,
# wp-block-comment-template), magazine themes (jeg_comments, td-comments), Disqus, Facebook, Jetpack.
WITH_CLASS_OR_ID = etree.XPath(".//*[@class or @id]")
COMMENT_WORDS = ("omment", "disqus", "respond", "wpdiscuz", "wpdcom")
COMMENT_TOKEN = re.compile(
    r"^(?:wp-block-(?:post-)?|jeg_|td-|tdb-|ast-|fb-|fb_|post-|article-|entry-|single-|div-|li-)?"
    r"(?:comments?|commentlist|respond|disqus|dsq|wpdiscuz|wpdcom)"
    r"(?:[-_](?:\d+|area|section|wrapper|wrap|container|list|form|form-title|title|template|query-loop|"
    r"inner|holder|box|block|thread|widget|respond|body|content|main|reply-title|section))*$",
    re.I,
)
NEVER_COMMENTS = frozenset(("html", "body", "main", "h1"))
HOLDS_BODY = etree.XPath(
    "boolean(.//*[contains(@class, 'entry-content') or contains(@class, 'post-content') or "
    "contains(@itemprop, 'articleBody')])"
)


def _comment_box(el) -> bool:
    for attr in ("id", "class"):
        for token in (el.get(attr) or "").split():
            if COMMENT_TOKEN.match(token):
                return True
    return False


# Embedded social cards (an Instagram, TikTok, Facebook or Threads post as its widget renders it:
# "View this post on Instagram", "A post shared by ...", "original sound"): widget chrome, not the
# article's text. A tweet is different: a newsroom embeds it to quote it, so its words and its
# attribution line stay, as a quotation (its "pic.twitter.com" link goes: cleanup.py).
EMBED_WORDS = ("instagram", "tiktok", "fb-post", "fb-video", "threads-post", "facebook")
EMBED_TOKEN = re.compile(
    r"^(?:instagram-media(?:-rendered)?|tiktok-embed|fb-post|fb-video|threads-post|"
    r"wp-block-embed-(?:instagram|facebook|tiktok)|is-provider-(?:instagram|facebook|tiktok))$"
)


def _embed_card(el) -> bool:
    cls = el.get("class")
    if not cls or not any(word in cls for word in EMBED_WORDS):
        return False
    return any(EMBED_TOKEN.match(t) for t in cls.split()) and not HOLDS_BODY(el)


def strip_embeds(root) -> int:
    """Remove embedded social cards (Instagram, TikTok, Facebook, Threads) from the page."""
    return _strip(root, comments=False, cards=True)


def strip_comments_and_cards(root) -> int:
    """:func:`strip_comments` and :func:`strip_embeds` in one pass over the tree."""
    return _strip(root, comments=True, cards=True)


def _strip(root, comments: bool, cards: bool) -> int:
    doomed = [
        el
        for el in WITH_CLASS_OR_ID(root)
        if (comments and _comment_thread(el)) or (cards and _embed_card(el))
    ]
    for el in doomed:
        remove(el)  # removing an element inside one already removed is harmless
    return len(doomed)


def strip_comments(root) -> int:
    """Remove reader comment threads and comment forms inside a body container, or from the whole
    page before trafilatura reads it: a comment never reaches the text, whichever layer gives the
    body. An element that holds the headline or a post container is never removed (a theme's odd
    class on the post itself)."""
    return _strip(root, comments=True, cards=False)


def _comment_thread(el) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not any(word in names for word in COMMENT_WORDS):
        return False
    if el.tag in NEVER_COMMENTS or not _comment_box(el):
        return False
    return el.find(".//h1") is None and not HOLDS_BODY(el)


SCOPES = ("article", "main")
SCOPE_CLASS = re.compile(
    r"(?:^|\s)(?:hentry|type-post|post|single-post|td-post|jeg_post|wp-block-post)(?:\s|$)"
)


def article_scope(body):
    """The element that holds the whole post (header, meta, content) around a body element."""
    if body is None:
        return None
    for el in body.iterancestors():
        if not isinstance(el.tag, str):
            continue
        if el.tag in SCOPES or SCOPE_CLASS.search(el.get("class") or ""):
            return el
    return None


LINK_RUN = 2  # this many link-only items or paragraphs in a row make a list of other stories
LINKED_PARAGRAPHS = etree.XPath(".//p[.//a]")


def _all_link(el) -> bool:
    """True when all of an element's text is the text of its links (a teaser, not a sentence)."""
    first = el.find(".//a")
    if first is None:
        return False
    text = "".join("".join(el.itertext()).split())
    links = "".join("".join("".join(a.itertext()).split()) for a in el.iter("a"))
    return bool(text) and links == text


def strip_link_lists(root) -> int:
    """Remove lists of other stories inside a body (or the page, before trafilatura): a list whose
    every item is one link, and a run of paragraphs that are each nothing but a link ("You may also
    like", a related box without a class). Runs after metadata is read (tag links are lists too)."""
    doomed = []
    for lst in root.iter("ul", "ol"):
        items = [li for li in lst if isinstance(li.tag, str) and li.tag == "li"]
        if len(items) >= LINK_RUN and all(_all_link(li) for li in items):
            doomed.append(lst)
    run: list = []
    for p in LINKED_PARAGRAPHS(root):  # a paragraph without a link breaks a run: never link-only
        link_only = _all_link(p)
        if link_only and (not run or p.getprevious() is run[-1]):
            run.append(p)
            continue
        if len(run) >= LINK_RUN:
            doomed.extend(run)
        run = [p] if link_only else []
    if len(run) >= LINK_RUN:
        doomed.extend(run)
    for el in doomed:
        remove(el)
    return len(doomed)


# Table policy (docs/CLEAN_TEXT.md): a data table is read row by row, one block per row. A table of
# more than MAX_TABLE_ROWS rows beside an article that stands on its own (at least
# APPENDIX_PROSE_CHARS of text outside the tables, and more than the table's own) is an appendix (a
# staff list, full results): it is dropped, the archived page keeps it. When the text is mostly the
# table (a standings or top-scorers page with a short introduction), the table is the article.
MAX_TABLE_ROWS = 25
APPENDIX_PROSE_CHARS = 1000


def drop_appendix_tables(container, table: str = "table", row: str = "tr") -> int:
    """Remove the large data tables that are an appendix to the article (see MAX_TABLE_ROWS);
    ``table``/``row``: the tag names (``table``/``row`` in trafilatura's output)."""
    tables = [t for t in container.iter(table) if next(t.iterancestors(table), None) is None]
    big = [
        t
        for t in tables
        if sum(1 for _ in t.iter(row)) > MAX_TABLE_ROWS and next(t.iterdescendants(table), None) is None
    ]
    if not big:
        return 0
    prose = _chars(container) - sum(_chars(t) for t in tables)
    doomed = [t for t in big if prose >= max(APPENDIX_PROSE_CHARS, _chars(t))]
    for t in doomed:
        remove(t)
    return len(doomed)


def _chars(el) -> int:
    return sum(len(part.strip()) for part in el.itertext())
