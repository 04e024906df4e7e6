"""Clean article text and metadata from WordPress-style news pages (docs/CLEAN_TEXT.md).

>>> article = extract(html_bytes, url, hints=seed.hints, headers=response_headers)
>>> article.ok, article.render()
"""

from archive.extract.article import Article
from archive.extract.core import extract

__all__ = ["Article", "extract"]
