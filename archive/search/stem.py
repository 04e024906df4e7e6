"""Indonesian stems (the Sastrawi algorithm, PyPI ``PySastrawi``) for query expansion.

The index stays a plain-token FTS5 index (snippets mark the words as written); beside it, table
``stems`` maps every indexed word to its stem. A plain query word is expanded to the indexed words
that share its stem (``bocor`` finds ``kebocoran``); phrases and prefixes are left as typed.
README ("What the search finds") has the evaluation that chose this.
"""

from __future__ import annotations

from functools import lru_cache

MIN_LENGTH = 4  # shorter words are kept as they are: "di", "ke", "pbb", "5g"


@lru_cache(maxsize=1)
def _stemmer():
    """Sastrawi's stemmer; None when the package is missing (then every word is its own stem)."""
    try:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    except ImportError:
        return None
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one folded word (itself for short words, numbers and words Sastrawi leaves)."""
    if len(word) < MIN_LENGTH or not word.isalpha():
        return word
    stemmer = _stemmer()
    return (stemmer.stem(word) or word) if stemmer is not None else word
