"""Replay's search, diff and changes pages, over the data directory's search index.

- ``/search?q=`` (every collection) and ``/<coll>/search?q=``: ranked results with snippets,
  facets by category and month (each a link that narrows the search), paging;
- ``/<coll>/diff/<ts1>/<ts2>/<url>``: two captures' clean texts side by side, title, category and
  every block, with word-level insertions and deletions marked;
- ``/<coll>/changes`` and ``/<coll>/changes.atom``: articles whose text changed, newest first,
  each linking to its diff.

Every value shown is escaped; no page carries a script. A malformed query is a 400 page saying
what is wrong, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape as xml_escape

from aiohttp import web

from archive.errors import ArsipError
from archive.replay.pages import calendar_link, nice_date, page
from archive.search.diff import ADDED, CHANGED, REMOVED, SAME, Row, changed_rows, compare
from archive.search.index import MARK_END, MARK_START, Filters, SearchIndex, SearchUnavailable, index_path
from archive.search.query import QueryError
from archive.urls import canonicalize

PAGE_CSP = "default-src 'self'; style-src 'unsafe-inline'; script-src 'none'"
PER_PAGE = 20
FEED_ENTRIES = 50
STYLE = (
    "<style>mark{background:#ffe066}del{background:#ffd7d5;text-decoration:line-through}"
    "ins{background:#ccf2d1;text-decoration:none}.snippet{margin:.2em 0 .8em}.facets{float:right;"
    "width:14em;margin-left:1.5em;font-size:90%}.facets li{list-style:none}.facets ul{padding:0}"
    "tr.same td{color:#666}tr.changed td,tr.added td,tr.removed td{background:#fffbea}"
    "td.side{width:46%}.error{color:#b00}</style>"
)
CHANGE_LABEL = {CHANGED: "changed", ADDED: "added", REMOVED: "removed"}


def html_response(body: str, status: int = 200) -> web.Response:
    response = web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def ts_date(ts: str) -> str:
    return f"{ts[:4]}-{ts[4:6]}-{ts[6:8]}"


def marked(snippet: str) -> str:
    """A snippet, escaped, its matches in <mark>."""
    flat = re.sub(r"\s+", " ", snippet).strip()
    return escape(flat).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def diff_link(coll: str, old_ts: str, new_ts: str, url: str) -> str:
    return f"/{quote(coll)}/diff/{old_ts}/{new_ts}/{escape(url)}"


def target_url(raw: str) -> str:
    raw = re.sub(r"^(https?):/+", r"\1://", raw)
    return raw if re.match(r"^https?://", raw) else "http://" + raw


_INDEXES: dict[Path, SearchIndex] = {}


def open_index(data_dir: Path) -> SearchIndex:
    """The data directory's search index, opened once per process (SearchUnavailable if absent)."""
    if data_dir not in _INDEXES:
        _INDEXES[data_dir] = SearchIndex(index_path(data_dir), create=False)
    return _INDEXES[data_dir]


def versions_note(data_dir: str | Path, coll: str, url: str) -> str:
    """For the capture calendar: the article's distinct texts, each linking to the diff with the
    one before; empty when it has one text or none (or there is no search index)."""
    try:
        index = open_index(Path(data_dir).resolve())
        versions = index.versions(coll, url) or index.versions(coll, canonicalize(url))
    except (ArsipError, OSError):
        return ""
    if len(versions) < 2:
        return ""
    links = " &middot; ".join(
        f'<a href="{diff_link(coll, versions[i - 1]["ts"], v["ts"], v["url"])}">{escape(nice_date(v["ts"]))}</a>'
        for i, v in enumerate(versions)
        if i
    )
    return (
        f'<p class="versions">{len(versions)} distinct texts; what changed at {links} '
        f'(<a href="/{quote(coll)}/changes">every change</a>)</p>'
    )


class SearchPages:
    """The handlers, bound to one data directory; the index is opened on first use."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir).resolve()

    def index(self) -> SearchIndex:
        return open_index(self.data_dir)

    def _collection(self, name: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9._-]+", name) or not (self.data_dir / name / "warcs").is_dir():
            raise web.HTTPNotFound(text=f"no collection {name!r}\n")
        return name

    # -- search ----------------------------------------------------------------------------

    async def search(self, request: web.Request) -> web.Response:
        coll = request.match_info.get("coll")
        if coll:
            self._collection(coll)
        params = request.query
        q = params.get("q", "").strip()
        try:
            page_no = max(int(params.get("page", "1")), 1)
        except ValueError:
            page_no = 1
        month = params.get("month", "")
        filters = Filters(
            collection=coll,
            since=params.get("since") or month or None,
            until=params.get("until") or month or None,
            category=params.get("category") or None,
            author=params.get("author") or None,
            all_captures=params.get("captures") == "all",
        )
        action = f"/{quote(coll)}/search" if coll else "/search"
        title = f"search {coll}" if coll else "search every collection"
        body = [STYLE, f"<h1>{escape(title)}</h1>", _breadcrumb(coll), _form(action, params)]
        if not q:
            return html_response(page(title, "".join(body)))
        try:
            results = self.index().search(q, filters, limit=PER_PAGE, offset=(page_no - 1) * PER_PAGE)
        except QueryError as exc:
            body.append(f'<p class="error">{escape(str(exc))}</p>')
            return html_response(page(title, "".join(body)), status=400)
        except SearchUnavailable as exc:
            body.append(f'<p class="error">{escape(str(exc))}</p>')
            return html_response(page(title, "".join(body)), status=503)
        except ArsipError as exc:
            body.append(f'<p class="error">{escape(str(exc))}</p>')
            return html_response(page(title, "".join(body)), status=400)
        body.append(_facets(action, params, results.facets))
        scope = "every capture" if filters.all_captures else "latest capture of each article"
        body.append(
            f'<p class="muted">{results.total} result(s) ({scope})</p><ol start="{(page_no - 1) * PER_PAGE + 1}">'
        )
        for hit in results.hits:
            url = escape(hit.url)
            replay = f"/{quote(hit.collection)}/{hit.ts}/{url}"
            text = f"/{quote(hit.collection)}/text/{hit.ts}/{url}"
            extra = [
                f'<a href="{text}">clean text</a>',
                f'<a href="{calendar_link(hit.collection, hit.url)}">captures</a>',
            ]
            if hit.versions > 1:
                prev = self.index().previous_ts(hit.collection, hit.canonical_url, hit.ts)
                if prev:
                    extra.append(
                        f'<a href="{diff_link(hit.collection, prev, hit.ts, hit.url)}">what changed</a>'
                    )
                extra.append(f"{hit.versions} versions")
            where = "" if coll else f"{escape(hit.collection)} · "
            body.append(
                f'<li class="hit"><a href="{replay}"><b>{escape(hit.title or hit.url)}</b></a><br>'
                f'<span class="muted">{where}{escape((hit.published or ts_date(hit.ts))[:10])} · '
                f"{escape(hit.category or '-')} · {url}</span>"
                f'<div class="snippet">{marked(hit.snippet)}</div>'
                f'<span class="muted">captured {nice_date(hit.ts)} · {" · ".join(extra)}</span></li>'
            )
        body.append("</ol>")
        body.append(
            _pager(
                page_no,
                results.total,
                PER_PAGE,
                lambda n: f"{action}?{escape(urlencode({**params, 'page': n}))}",
                ("previous", "next"),
            )
        )
        return html_response(page(f"{q} - {title}", "".join(body)))

    # -- diff ------------------------------------------------------------------------------

    async def diff(self, request: web.Request) -> web.Response:
        coll = self._collection(request.match_info["coll"])
        ts1, ts2 = request.match_info["ts1"], request.match_info["ts2"]
        prefix = f"/{coll}/diff/{ts1}/{ts2}/"
        url = target_url(request.raw_path[len(prefix) :])
        try:
            index = self.index()
        except SearchUnavailable as exc:
            return html_response(page("diff", f'<p class="error">{escape(str(exc))}</p>'), status=503)
        versions = index.versions(coll, url) or index.versions(coll, canonicalize(url))
        if not versions:
            raise web.HTTPNotFound(text=f"no archived text of {url} in {coll}\n")
        old, new = _pick(versions, ts1), _pick(versions, ts2)
        if old is None or new is None:
            listed = ", ".join(v["ts"] for v in versions)
            raise web.HTTPNotFound(
                text=f"no text of {url} captured at or before {ts1 if old is None else ts2}; texts: {listed}\n"
            )
        rows = compare(old["text"], new["text"])
        return html_response(
            page(f"changes: {new['title']}", _diff_body(coll, url, versions, old, new, rows))
        )

    # -- changes ---------------------------------------------------------------------------

    async def changes(self, request: web.Request) -> web.Response:
        coll = self._collection(request.match_info["coll"])
        try:
            page_no = max(int(request.query.get("page", "1")), 1)
        except ValueError:
            page_no = 1
        try:
            index = self.index()
        except SearchUnavailable as exc:
            return html_response(page("changes", f'<p class="error">{escape(str(exc))}</p>'), status=503)
        total = index.count_changes(coll)
        entries = index.changes(coll, limit=PER_PAGE * 2, offset=(page_no - 1) * PER_PAGE * 2)
        body = [
            STYLE,
            f"<h1>{escape(coll)}: changed articles</h1>",
            _breadcrumb(coll),
            f'<p class="muted">{total} text change(s), newest first · <a href="/{quote(coll)}/changes.atom">Atom feed</a></p>',
            "<table><tr><th>Changed</th><th>Article</th><th></th></tr>",
        ]
        for e in entries:
            body.append(
                f'<tr><td>{escape(nice_date(e["ts"]))}</td><td><a href="/{quote(coll)}/{e["ts"]}/{escape(e["url"])}">'
                f'{escape(e["title"] or e["url"])}</a><br><span class="muted">{escape(e["url"])} · '
                f"{escape(e['category'] or '-')} · previous text {escape(nice_date(e['prev_ts']))}</span></td>"
                f'<td><a href="{diff_link(coll, e["prev_ts"], e["ts"], e["url"])}">diff</a></td></tr>'
            )
        body.append("</table>")
        body.append(_pager(page_no, total, PER_PAGE * 2, lambda n: f"?page={n}", ("newer", "older")))
        return html_response(page(f"{coll}: changed articles", "".join(body)))

    async def changes_atom(self, request: web.Request) -> web.Response:
        coll = self._collection(request.match_info["coll"])
        try:
            entries = self.index().changes(coll, limit=FEED_ENTRIES)
        except SearchUnavailable:
            entries = []
        base = f"{request.scheme}://{request.host}"
        feed_id = f"{base}/{quote(coll)}/changes"
        updated = _iso(entries[0]["ts"]) if entries else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = [
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
            f"<title>{xml_escape(coll)}: changed articles</title><id>{xml_escape(feed_id)}</id>",
            f"<updated>{updated}</updated><generator>arsip</generator>",
            f'<link rel="self" href="{xml_escape(feed_id)}.atom"/><link rel="alternate" href="{xml_escape(feed_id)}"/>',
        ]
        for e in entries:
            link = base + diff_link(coll, e["prev_ts"], e["ts"], e["url"]).replace("&amp;", "&")
            out.append(
                f"<entry><title>{xml_escape(e['title'] or e['url'])}</title><id>{xml_escape(link)}</id>"
                f'<link rel="alternate" type="text/html" href="{xml_escape(link)}"/>'
                f"<updated>{_iso(e['ts'])}</updated>"
                f"<summary>{xml_escape(_summary(e))}</summary>"
                f'<category term="{xml_escape(e["category"] or "")}"/></entry>'
            )
        out.append("</feed>\n")
        return web.Response(text="".join(out), content_type="application/atom+xml", charset="utf-8")


def _pager(
    page_no: int, total: int, per_page: int, href: Callable[[int], str], labels: tuple[str, str]
) -> str:
    """'page 2 of 5' with links (``href(n)``) to the pages before and after, where there are such."""
    pages = max((total + per_page - 1) // per_page, 1)
    nav = [
        f'<a href="{href(n)}">{label}</a>'
        for n, label in ((page_no - 1, labels[0]), (page_no + 1, labels[1]))
        if 1 <= n <= pages
    ]
    return f"<p>page {page_no} of {pages} {' '.join(nav)}</p>"


def _summary(entry: dict) -> str:
    return f"text changed at {nice_date(entry['ts'])} (previous text {nice_date(entry['prev_ts'])}): {entry['url']}"


def _iso(ts: str) -> str:
    return f"{ts[:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z"


def _pick(versions: list[dict], ts: str) -> dict | None:
    end = ts.ljust(14, "9")
    found = [v for v in versions if v["ts"] <= end]
    return found[-1] if found else None


def _breadcrumb(coll: str | None) -> str:
    links = ['<a href="/">collections</a>', '<a href="/search">search everything</a>']
    if coll:
        c = quote(coll)
        links[1:1] = [
            f'<a href="/{c}/">{escape(coll)}</a>',
            f'<a href="/{c}/search">search</a>',
            f'<a href="/{c}/changes">changes</a>',
        ]
    return f"<p>{' · '.join(links)}</p>"


def _form(action: str, params) -> str:
    q = escape(params.get("q", ""))
    every = " checked" if params.get("captures") == "all" else ""
    keep = "".join(
        f'<input type="hidden" name="{k}" value="{escape(params[k])}">'
        for k in ("category", "month", "author", "since", "until")
        if params.get(k)
    )
    return (
        f'<form method="get" action="{action}"><input name="q" size="50" value="{q}" '
        "placeholder='words, \"a phrase\", prefix*, AND OR NOT' autofocus> "
        f'<label><input type="checkbox" name="captures" value="all"{every}> every capture</label> '
        f"{keep}<button>Search</button></form>"
    )


def _facets(action: str, params, facets: dict[str, list[tuple[str, int]]]) -> str:
    parts = ['<div class="facets">']
    for name, key in (("category", "category"), ("month", "month")):
        current = params.get(key, "")
        items = []
        for value, count in facets.get(name, [])[:24]:
            chosen = value == current or (key == "category" and value.lower() == current.lower())
            query = {k: v for k, v in params.items() if k not in (key, "page")}
            if not chosen:
                query[key] = value
            label = escape(value or "(none)")
            items.append(
                f'<li class="facet-{name}"><a href="{action}?{escape(urlencode(query))}">'
                f'{"<b>" + label + "</b> ✕" if chosen else label}</a> <span class="count">{count}</span></li>'
            )
        parts.append(f"<h3>{'Category' if name == 'category' else 'Month'}</h3><ul>{''.join(items)}</ul>")
    parts.append("</div>")
    return "".join(parts)


def _segments(segments) -> str:
    out = []
    for op, text in segments:
        if op == "del":
            out.append(f"<del>{escape(text)}</del>")
        elif op == "ins":
            out.append(f"<ins>{escape(text)}</ins>")
        else:
            out.append(escape(text))
    return "".join(out)


def _diff_body(coll: str, url: str, versions: list[dict], old: dict, new: dict, rows: list[Row]) -> str:
    c = quote(coll)
    changed = changed_rows(rows)
    counts = {kind: sum(r.kind == kind for r in changed) for kind in (CHANGED, ADDED, REMOVED)}
    summary = ", ".join(f"{n} {CHANGE_LABEL[k]}" for k, n in counts.items() if n) or "no change in the text"
    others = " ".join(
        f'<a href="{diff_link(coll, versions[i - 1]["ts"], v["ts"], url)}">{escape(nice_date(v["ts"]))}</a>'
        for i, v in enumerate(versions)
        if i
    )
    head = [
        STYLE,
        f"<h1>{escape(new['title'] or url)}</h1>",
        _breadcrumb(coll),
        f'<p class="muted">{escape(url)} · {len(versions)} distinct text(s) · <a href="{calendar_link(coll, url)}">all captures</a></p>',
        f'<p class="summary">{summary} (title, category and blocks)</p>',
        f"<p>every change: {others}</p>" if others else "",
        '<table class="diff"><tr><th></th>',
    ]
    for label, v in (("old", old), ("new", new)):
        head.append(
            f'<th class="side">{label}: <a href="/{c}/{v["ts"]}/{escape(v["url"])}">{escape(nice_date(v["ts"]))}</a> '
            f'(<a href="/{c}/text/{v["ts"]}/{escape(v["url"])}">text</a>)</th>'
        )
    head.append("</tr>")
    for row in rows:
        mark = "" if row.kind == SAME else f" <small>{CHANGE_LABEL[row.kind]}</small>"
        head.append(
            f'<tr class="{row.field} {row.kind}"><td class="muted">{row.field}{mark}</td>'
            f'<td class="side old">{_segments(row.old)}</td><td class="side new">{_segments(row.new)}</td></tr>'
        )
    head.append("</table>")
    return "".join(head)


def add_routes(app: web.Application, data_dir: str | Path) -> None:
    """Register the search, diff and changes routes (before replay's catch-all routes)."""
    pages = SearchPages(data_dir)
    app.router.add_get("/search", pages.search)
    app.router.add_get("/{coll}/search", pages.search)
    app.router.add_get("/{coll}/changes", pages.changes)
    app.router.add_get("/{coll}/changes.atom", pages.changes_atom)
    app.router.add_get("/{coll}/diff/{ts1:\\d{1,14}}/{ts2:\\d{1,14}}/{tail:.*}", pages.diff)
