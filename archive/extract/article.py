"""The result of extraction: one article, rendered in the shape of the seed files (docs/CLEAN_TEXT.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.extract.identity import looks_like_article


@dataclass
class Article:
    """Title, category, body blocks and metadata of one page.

    ``ok`` is False when the page gave no article; ``reason`` then says why ("empty page",
    "not html", "no article text", ...). ``sources`` names the layer that produced each field,
    so a wrong value can be traced to a hint, a WordPress convention or the fallback.
    """

    url: str
    title: str | None = None
    category: str | None = None
    blocks: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    canonical_url: str | None = None
    encoding: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    page_kind: str = "unknown"  # "article", "listing", "page" (WordPress page) or "unknown": identity.py

    @property
    def ok(self) -> bool:
        """True when the page yielded an article (then ``reason`` is None)."""
        return self.reason is None

    @property
    def reason_code(self) -> str | None:
        """The reason without its details, as a stable slug for stats keys ("no-article-text")."""
        if self.reason is None:
            return None
        head = self.reason.split(";")[0].split("(")[0].split(":")[0].strip().lower()
        return "-".join(head.split()) or "unknown"

    @property
    def is_article(self) -> bool:
        """True for an article page: by its signals, or with none either way, by its text length."""
        return self.ok and looks_like_article(self.page_kind, self.blocks)

    @classmethod
    def failed(cls, url: str, reason: str) -> Article:
        """An empty article that says why the page gave none."""
        return cls(url=url, reason=reason)

    @property
    def text(self) -> str:
        """The body alone: blocks separated by one blank line."""
        return "\n\n".join(self.blocks)

    def render(self) -> str:
        """The clean text file: title, category, blank, title, blank, blocks, final newline."""
        title = self.title or ""
        head = f"{title}\n{self.category or ''}\n\n{title}\n"
        if not self.blocks:
            return head
        return head + "\n" + self.text + "\n"

    def to_dict(self) -> dict:
        """JSON-able metadata for ``articles.jsonl`` (everything but the text)."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "category": self.category,
            "published": self.published,
            "modified": self.modified,
            "author": self.author,
            "tags": list(self.tags),
            "language": self.language,
            "encoding": self.encoding,
            "blocks": len(self.blocks),
            "ok": self.ok,
            "page_kind": self.page_kind,
            "reason": self.reason,
            "sources": dict(self.sources),
        }
