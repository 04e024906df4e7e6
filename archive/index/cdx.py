"""pywb's CDX server API over arsip's CDXJ index, with pywb 2.10's semantics.

A port of ``pywb/warcserver/index/query.py`` (parameters), ``utils/canonicalize.py``
(``calc_search_range``: the key range of each ``matchType``), ``cdxops.py`` (the processing chain:
resolve revisits, filters, from/to, collapseTime, then closest, reverse or limit) and
``cdxobject.py`` / ``warcserver/handlers.py`` (the ``cdxj``, ``json``, ``text`` and ``link``
outputs, ``fl=``). Rows are shown as pywb's own indexer writes them: the digest without its
``sha1:`` label, and no status on a revisit (status is for response records, by convention).
What still differs from pywb is listed in README.md ("CDX API").
"""

from __future__ import annotations

import json
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice, takewhile
from urllib.parse import quote

from warcio.timeutils import PAD_14_DOWN, PAD_14_UP, pad_timestamp, timestamp_to_http_date, timestamp_to_sec

from archive.errors import ArsipError
from archive.index.build import url_key
from archive.index.query import Capture, CdxjIndex

# cdxobject.CDX_ALT_FIELDS, as pywb has it (its second 's' wins: s is length)
ALT_FIELDS = {
    "u": "url",
    "original": "url",
    "statuscode": "status",
    "mimetype": "mime",
    "m": "mime",
    "l": "length",
    "s": "length",
    "o": "offset",
    "d": "digest",
    "t": "timestamp",
    "k": "urlkey",
    "f": "filename",
}
CONTENT_TYPES = {
    "cdxj": "text/x-cdxj",
    "json": "text/x-ndjson",
    "text": "text/plain",
    "link": "application/link-format",
}
MATCH_TYPES = ("exact", "prefix", "host", "domain")
DEFAULT_LIMIT = 100_000  # pywb's


class CdxQueryError(ArsipError):
    """A CDX query pywb would refuse too (a 400)."""


def search_range(url: str, match_type: str) -> tuple[str, str]:
    """The ``[start, end)`` range of index keys a query covers (pywb's ``calc_search_range``)."""
    start = url_key(url)
    if match_type == "exact":
        return start, start + "!"
    if match_type == "prefix":
        # a URL's trailing slash or '?' is part of the prefix, though the SURT drops it
        if url.endswith("/") and not start.endswith("/"):
            start += "/"
        if url.endswith("?") and not start.endswith("?"):
            start += "?"
        return start, start[:-1] + chr(ord(start[-1]) + 1)
    host = start.split(")/")[0]
    if match_type == "host":
        return host + ")/", host + "*"
    if match_type == "domain":
        return (host + ("," if "," not in host else ")/")), host + "-"
    raise CdxQueryError(f"Invalid match_type: {match_type}")


def key_range(index: CdxjIndex, start: str, end: str) -> Iterator[Capture]:
    """Captures whose line sorts in ``[start, end)``, lazily (one binary search, then a walk)."""
    return takewhile(lambda c: f"{c.urlkey} {c.timestamp}" < end, index.iter_from(start))


def _bool(value: str | None) -> bool:
    return value is not None and value.lower() not in ("", "0", "false", "f", "off")


@dataclass
class CdxQuery:
    """The parameters of one query, read as pywb reads them."""

    url: str
    match_type: str = "exact"
    output: str = "cdxj"
    fields: list[str] | None = None
    filters: list[str] = field(default_factory=list)
    from_ts: str = ""
    to_ts: str = ""
    closest: str = ""
    reverse: bool = False
    limit: int = DEFAULT_LIMIT
    collapse_time: int = 0
    resolve_revisits: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, str], filters: Iterable[str] = ()) -> CdxQuery:
        """From query parameters (``filters``: every ``filter=`` given)."""
        url = params.get("url", "")
        if not url:
            raise CdxQueryError('The "url" param is required')
        match_type = params.get("matchType", "")
        if not match_type:
            if url.startswith("*."):
                url, match_type = url[2:], "domain"
            elif url.endswith("*"):
                url, match_type = url[:-1], "prefix"
            else:
                match_type = "exact"
        if match_type not in MATCH_TYPES:
            raise CdxQueryError(f"Invalid match_type: {match_type}")
        output = params.get("output", "cdxj")
        if output not in CONTENT_TYPES:
            raise CdxQueryError(f"output={output} not supported")
        fl = params.get("fields") or params.get("fl")
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
            collapse = int(params.get("collapseTime") or 0)
        except ValueError:
            raise CdxQueryError("limit and collapseTime must be whole numbers") from None
        if limit < 0:
            raise CdxQueryError("limit must not be negative")
        limit = min(limit, sys.maxsize)  # islice() and deque() take no more; no index holds as many
        closest = params.get("closest", "")
        if closest and not closest.isdigit():
            raise CdxQueryError(f"closest must be a timestamp: {closest}")
        query = cls(
            url=url,
            match_type=match_type,
            output=output,
            fields=fl.split(",") if fl else None,
            filters=list(filters),
            from_ts=params.get("from") or params.get("from_ts") or "",
            to_ts=params.get("to", ""),
            closest=closest,
            reverse=_bool(params.get("reverse")) or params.get("sort") == "reverse",
            limit=limit,
            collapse_time=collapse,
            resolve_revisits=_bool(params.get("resolveRevisits")),
        )
        query.compiled_filters()  # a bad regex is the caller's error, before any output
        return query

    def compiled_filters(self) -> list[CdxFilter]:
        return [CdxFilter(f) for f in self.filters]


class Row(dict):
    """One result: ``urlkey``, ``timestamp``, then the index line's fields, in pywb's order."""

    def __init__(self, cap: Capture):
        super().__init__(urlkey=cap.urlkey, timestamp=cap.timestamp)
        for name, value in cap.fields.items():
            if name == "digest" and isinstance(value, str) and value.lower().startswith("sha1:"):
                value = value[5:]
            if name == "url" and isinstance(value, str) and not value.isascii():
                value = quote(value.encode("utf-8"), safe=":/")  # as pywb's CDXObject
            if name == "status" and cap.is_revisit:
                continue  # pywb's indexer: status only for response records
            self[name] = value

    def line(self) -> str:
        """What a filter without a field matches, as pywb's ``str(cdx)`` for an index row: the row
        as JSON, urlkey and timestamp included."""
        return json.dumps(self)

    def is_revisit(self) -> bool:
        return self.get("mime") == "warc/revisit" or self.get("filename") == "-"


class CdxFilter:
    """``[!][=|~]field:value``: contains (default), exact (``=``) or regex match from the start
    (``~``), negated by ``!``; without a field, on the whole line."""

    def __init__(self, spec: str):
        self.invert = spec.startswith("!")
        spec = spec[1:] if self.invert else spec
        self.mode = spec[0] if spec[:1] in ("=", "~") else ""
        spec = spec[1:] if self.mode else spec
        name, sep, value = spec.partition(":")
        self.field, self.value = (ALT_FIELDS.get(name, name), value) if sep else ("", spec)
        if self.mode == "~":
            try:
                self.regex = re.compile(self.value)
            except re.error as exc:
                raise CdxQueryError(f"bad filter regex {self.value!r}: {exc}") from None

    def __call__(self, row: Row) -> bool:
        value = str(row.get(self.field, "")) if self.field else row.line()
        if self.mode == "=":
            matched = value == self.value
        elif self.mode == "~":
            matched = self.regex.match(value) is not None
        else:
            matched = self.value in value
        return matched != self.invert


def run(index: CdxjIndex, query: CdxQuery) -> Iterator[Row]:
    """The rows of a query, in pywb's order of operations (``cdxops.process_cdx``)."""
    start, end = search_range(query.url, query.match_type)
    rows: Iterable[Row] = (Row(c) for c in key_range(index, start, end))
    if query.resolve_revisits:
        rows = _resolve_revisits(rows)
    if query.filters:
        filters = query.compiled_filters()
        rows = (r for r in rows if all(f(r) for f in filters))
    if query.from_ts or query.to_ts:
        rows = _clamp(rows, query.from_ts, query.to_ts)
    if query.collapse_time:
        rows = _collapse(rows, query.collapse_time)
    if query.closest:
        target = timestamp_to_sec(query.closest)
        ordered = sorted(rows, key=lambda r: abs(target - timestamp_to_sec(r["timestamp"])))  # stable
        return iter(ordered[: query.limit] if query.limit else ordered)
    if query.reverse:
        return iter(deque(rows, maxlen=query.limit or None).__reversed__())
    return islice(rows, query.limit) if query.limit else iter(rows)


def _clamp(rows: Iterable[Row], since: str, until: str) -> Iterator[Row]:
    low = pad_timestamp(since, PAD_14_DOWN) if since and len(since) < 14 else since
    high = pad_timestamp(until, PAD_14_UP) if until and len(until) < 14 else until
    for row in rows:
        if (low and row["timestamp"] < low) or (high and row["timestamp"] > high):
            continue
        yield row


def _collapse(rows: Iterable[Row], length: int) -> Iterator[Row]:
    last = None
    for row in rows:
        token = (row["timestamp"][:length], row.get("status", ""))
        if token != last:
            last = token
            yield row


def _resolve_revisits(rows: Iterable[Row]) -> Iterator[Row]:
    """Add ``orig.length``/``orig.offset``/``orig.filename`` (the original's, or ``-``) and give a
    revisit its original's mime (and status, where it has one)."""
    originals: dict[str, Row] = {}
    for row in rows:
        digest, original, revisit = row.get("digest"), None, row.is_revisit()
        if digest:
            original = originals.get(digest)
            if not original and not revisit:
                originals[digest] = row
        if not revisit:
            original = None
        if original:
            for name in ("mime", "status"):
                if name in row:
                    row[name] = original.get(name, "")
        for name in ("length", "offset", "filename"):
            row["orig." + name] = original.get(name, "-") if original else "-"
        yield row


def render(rows: Iterable[Row], query: CdxQuery, coll: str) -> Iterator[str]:
    """The lines of the answer in the query's output format (each ending in a newline)."""
    fields = query.fields
    if query.output == "link":
        yield from _link(rows, coll)
        return
    for row in rows:
        if query.output == "json":
            picked = row if fields is None else {k: row[k] for k in fields if k in row}
            yield json.dumps(picked) + "\n"
        elif query.output == "text":
            yield " ".join(str(row.get(k, "-")) for k in (row if fields is None else fields)) + "\n"
        else:  # cdxj
            rest = {k: v for k, v in row.items() if k not in ("urlkey", "timestamp")}
            if fields is not None:
                rest = {k: rest[k] for k in fields if k in rest}
            yield f"{row['urlkey']} {row['timestamp']} {json.dumps(rest)}\n"


def _link(rows: Iterable[Row], coll: str) -> Iterator[str]:
    """pywb's ``MementoUtils.make_timemap``: one memento link per row, the original URL in it."""
    previous = None
    for row in rows:
        if previous is not None:
            yield _memento(previous, coll) + ",\n"
        previous = row
    if previous is not None:
        yield _memento(previous, coll) + "\n"


def _memento(row: Row, coll: str) -> str:
    url = row.get("url") or f"file://{row.get('filename')}:{row.get('offset')}:{row.get('length')}"
    when = timestamp_to_http_date(row["timestamp"])
    return f'<{url}>; rel="memento"; datetime="{when}"; collection="{coll}"'
