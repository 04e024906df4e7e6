"""What a reader types, turned safely into an SQLite FTS5 expression.

The syntax: words (``banjir``), phrases (``"kerja sama"``), prefixes (``ekonom*``), ``AND``
(also implied between terms), ``OR``, ``NOT`` (and ``-word``), parentheses. Operators are upper
case; ``and``/``or``/``not`` in lower case are words. Every word reaches FTS5 as a quoted string,
so nothing a reader types is FTS5 syntax by accident; anything malformed raises
:class:`QueryError` with a message fit for the reader, never an SQLite error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from archive.errors import ArsipError
from archive.search.text import words

MAX_LENGTH = 500  # characters
MAX_TERMS = 32
OPERATORS = {"AND", "OR", "NOT"}
_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|(?P<quote>"[^"]*"?)|(?P<word>[^\s()"]+))')


class QueryError(ArsipError):
    """A search query that cannot be understood; the message says why and how to fix it."""


@dataclass(frozen=True)
class Term:
    word: str  # folded, one token
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = Term | Phrase | Not | And | Or


def _lex(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # only trailing white space is left
            break
        pos = match.end()
        kind = match.lastgroup
        if kind is None:
            break
        value = match.group(kind)
        if kind == "quote":
            if len(value) < 2 or not value.endswith('"'):
                raise QueryError('unbalanced quote: close the phrase with " or remove the quote')
            tokens.append(("phrase", value[1:-1]))
        elif kind == "paren":
            tokens.append((value, value))
        elif value in OPERATORS:
            tokens.append(("op", value))
        else:
            tokens.append(("word", value))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.pos, self.terms = tokens, 0, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        if self.peek() is not None:
            kind, value = self.peek()  # type: ignore[misc]
            raise QueryError(
                "unbalanced parenthesis: ')' without '('" if kind == ")" else f"unexpected {value}"
            )
        return node

    def or_expr(self) -> Node | None:
        items = [self.and_expr("OR")]
        while self.peek() == ("op", "OR"):
            self.next()
            items.append(self.and_expr("OR"))
        kept = [i for i in items if i is not None]
        if len(items) > 1 and len(kept) < len(items):
            raise QueryError("OR needs a word or phrase on each side")
        return kept[0] if len(kept) == 1 else Or(tuple(kept)) if kept else None

    def and_expr(self, after: str) -> Node | None:
        items: list[Node] = []
        while True:
            token = self.peek()
            if token is None or token == (")", ")") or token == ("op", "OR"):
                break
            if token == ("op", "AND"):
                self.next()
                nxt = self.peek()
                if not items or nxt is None or nxt[0] == "op" and nxt[1] != "NOT" or nxt[0] == ")":
                    raise QueryError("AND needs a word or phrase on each side")
                continue
            node = self.unary()
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node | None:
        kind, value = self.next()
        if kind == "op":  # NOT (AND and OR are handled by the callers)
            nxt = self.peek()
            if nxt is None or nxt[0] in ("op", ")"):
                raise QueryError("NOT needs a word or phrase after it (e.g. banjir NOT jakarta)")
            node = self.unary()
            return Not(node) if node is not None else None
        if kind == "(":
            inner = self.or_expr()
            if self.peek() != (")", ")"):
                raise QueryError("unbalanced parenthesis: '(' without ')'")
            self.next()
            return inner
        if kind == ")":
            raise QueryError("unbalanced parenthesis: ')' without '('")
        if kind == "phrase":  # quoted: as typed, even one word (no stem expansion)
            tokens = words(value)
            return self._count(Phrase(tuple(tokens)) if tokens else None)
        if value.startswith("-") and len(value) > 1:
            node = self._word(value[1:])
            return Not(node) if node is not None else None
        return self._word(value)

    def _word(self, value: str) -> Node | None:
        prefix = value.endswith("*")
        core = value.rstrip("*")
        if "*" in core:
            raise QueryError(f"{value}: * goes at the end of a word (ekonom*)")
        tokens = words(core)
        if prefix:
            if len(tokens) != 1 or len(tokens[0]) < 2:
                raise QueryError(f"{value}: a prefix needs at least 2 letters or digits before *")
            return self._count(Term(tokens[0], prefix=True))
        return self._count(_phrase(tokens))

    def _count(self, node: Node | None) -> Node | None:
        if node is not None:
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise QueryError(f"too many terms: at most {MAX_TERMS} words and phrases")
        return node


def _phrase(tokens: list[str]) -> Node | None:
    if not tokens:
        return None
    return Term(tokens[0]) if len(tokens) == 1 else Phrase(tuple(tokens))


def parse(text: str) -> Node:
    """The query ``text`` as a tree; :class:`QueryError` if it is malformed or finds nothing."""
    if len(text) > MAX_LENGTH:
        raise QueryError(f"query too long: {len(text)} characters, at most {MAX_LENGTH}")
    node = _Parser(_lex(text)).parse()
    if node is None:
        raise QueryError("nothing to search for: type a word or a phrase")
    _check_positive(node)
    return node


def _check_positive(node: Node) -> None:
    """Every AND group (and the whole query) must find something before NOT excludes."""
    if isinstance(node, Not):
        raise QueryError("a query cannot only exclude: add a word to find (e.g. banjir NOT jakarta)")
    if isinstance(node, And):
        if all(isinstance(i, Not) for i in node.items):
            raise QueryError("a query cannot only exclude: add a word to find (e.g. banjir NOT jakarta)")
        for item in node.items:
            _check_positive(item.node if isinstance(item, Not) else item)
    elif isinstance(node, Or):
        for item in node.items:
            _check_positive(item)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def to_fts(node: Node, expand: Callable[[str], list[str]] | None = None) -> str:
    """The FTS5 MATCH expression of ``node``; ``expand`` maps a plain word to the indexed words
    sharing its stem (itself first), for words only: phrases and prefixes stay as typed."""
    if isinstance(node, Term):
        if node.prefix:
            return _quote(node.word) + "*"
        forms = expand(node.word) if expand else [node.word]
        if len(forms) <= 1:
            return _quote(node.word)
        return "(" + _quote(node.word) + " OR " + " OR ".join(_quote(f) for f in forms) + ")"
    if isinstance(node, Phrase):
        return _quote(" ".join(node.tokens))
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts(i, expand) for i in node.items) + ")"
    if isinstance(node, And):
        positive = [to_fts(i, expand) for i in node.items if not isinstance(i, Not)]
        expr = "(" + " AND ".join(positive) + ")"
        for item in node.items:
            if isinstance(item, Not):
                expr = f"({expr} NOT {to_fts(item.node, expand)})"
        return expr
    raise QueryError("a query cannot only exclude: add a word to find")  # Not alone: parse() refuses it


def plain_words(node: Node) -> list[str]:
    """The positive words and phrase words of a query (for highlighting outside FTS5)."""
    if isinstance(node, Term):
        return [node.word]
    if isinstance(node, Phrase):
        return list(node.tokens)
    if isinstance(node, And | Or):
        return [w for i in node.items if not isinstance(i, Not) for w in plain_words(i)]
    return []
