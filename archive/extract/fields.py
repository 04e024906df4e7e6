"""Source orders: each metadata field is the first value found along an ordered list of layers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar, overload

from archive.extract.page import Page
from archive.extract.selectors import select_text, select_texts

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class Source(Generic[T_co]):
    """One place a field can come from: a name (reported in ``Article.sources``) and a getter."""

    name: str
    get: Callable[[Page], T_co]


# Without ``clean`` the value has its sources' type; ``clean`` takes the text a source found.
@overload
def resolve(page: Page, sources: Iterable[Source[T]]) -> tuple[T | None, str | None]: ...
@overload
def resolve(
    page: Page, sources: Iterable[Source[str | None]], clean: Callable[[str], str | None]
) -> tuple[str | None, str | None]: ...
def resolve(page: Page, sources: Iterable[Source], clean=None) -> tuple[object, str | None]:
    """The first non-empty (cleaned) value along ``sources`` and the name of its source."""
    for source in sources:
        value = source.get(page)
        if clean is not None and value:
            value = clean(value)
        if value:
            return value, source.name
    return None, None


def css(selector: str, scoped: bool = True) -> Callable[[Page], str | None]:
    """First text a selector gives, searched in the article's scope first, then the whole page."""

    def get(page: Page):
        if scoped and page.scope is not None:
            return select_text(page.scope, selector)
        return select_text(page.root, selector)

    return get


def css_all(selector: str, scoped: bool = True) -> Callable[[Page], list[str]]:
    """Every text a selector gives, in the article's scope when known."""

    def get(page: Page):
        root = page.scope if scoped and page.scope is not None else page.root
        return select_texts(root, selector)

    return get


def meta(*keys: str) -> Callable[[Page], str | None]:
    """The first of several ``<meta>`` keys present on the page."""

    def get(page: Page):
        for key in keys:
            if value := page.meta.get(key):
                return value
        return None

    return get


def ld(key: str) -> Callable[[Page], str | None]:
    """One field of the page's JSON-LD article object."""
    return lambda page: page.jsonld.get(key)


def hint(selector: str | None) -> list[Source[str | None]]:
    """The seed's hint as the first source, when the seed gives one."""
    return [Source("hints", css(selector, scoped=False))] if selector else []
