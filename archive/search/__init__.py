"""Full-text search over the clean text of every capture, and the changes between captures.

One SQLite FTS5 index per data directory (``<data>/search.sqlite``, :mod:`archive.search.index`),
filled by the crawl as it writes each text and rebuilt from the WARCs' conversion records
(:mod:`archive.search.rebuild`): a lost index is never lost data. :mod:`archive.search.query`
turns what a reader types into an FTS5 expression; :mod:`archive.search.diff` compares two
captures' texts.
"""
