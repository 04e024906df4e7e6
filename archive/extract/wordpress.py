"""WordPress conventions: where themes put the article body, and the plugin boxes inside it.

Core themes, block themes and the big magazine themes (Newspaper, JNews, ...) each wrap the post
content in a known container. Plugins then inject share buttons, related posts, ads and tag lists
into that container; their class names follow a few stable words, so they are matched by word.
"""

from __future__ import annotations

import re

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
MIN_BODY_CHARS = 200  # a container with less than this is an excerpt or a stub: try the next layer
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


def find_body(root):
    """The post content container by WordPress convention: (element, source) or (None, reason)."""
    for selector, source in BODY:
        candidates = select_elements(root, selector)
        if not candidates:
            continue
        # Archive widgets reuse the class for excerpts: the article is the longest one.
        best = max(candidates, key=_text_len) if len(candidates) > 1 else candidates[0]
        if _text_len(best) >= MIN_BODY_CHARS:
            return best, source
    return None, "no WordPress body container"


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
