"""The replay server's own HTML: collection list, capture list, the not-found page and the banner.

Kept apart from the routes so the handlers read as the flow they are. Every value shown is escaped;
none of these pages carries a script.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from archive.dates import ts_to_datetime
from archive.index.query import Capture

STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;width:100%}td,th{padding:.3em .5em;border-bottom:1px solid #ddd;"
    "text-align:left;vertical-align:top}a{color:#0645ad}.muted{color:#666}form{margin:1em 0}"
)


def page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )


def nice_date(ts: str) -> str:
    return ts_to_datetime(ts).strftime("%Y-%m-%d %H:%M:%S UTC")


def collections_page(names: list[str]) -> str:
    items = "".join(f'<li><a href="/{quote(n)}/">{escape(n)}</a></li>' for n in names)
    return page("arsip replay", f"<h1>Collections</h1><ul>{items or '<li>none yet</li>'}</ul>")


def captures_page(coll: str, rows: list[dict], query: str, page_no: int, pages: int, total: int) -> str:
    """``rows``: dicts with url, title, date, count, ts (latest capture)."""
    body = [
        f'<h1>{escape(coll)}</h1><p><a href="/">all collections</a></p>',
        f'<form method="get" action="/{quote(coll)}/"><input name="q" size="50" value="{escape(query)}" '
        'placeholder="title words or URL prefix"> <button>Search</button></form>',
        f'<p class="muted">{total} article(s)</p><table><tr><th>Title</th><th>Date</th><th>Captures</th></tr>',
    ]
    for row in rows:
        link = f"/{quote(coll)}/{row['ts']}/{escape(row['url'])}"
        body.append(
            f'<tr><td><a href="{link}">{escape(row["title"] or row["url"])}</a><br>'
            f'<span class="muted">{escape(row["url"])}</span></td><td>{escape(row["date"])}</td>'
            f'<td><a href="{calendar_link(coll, row["url"])}">{row["count"]}</a></td></tr>'
        )
    body.append("</table>")
    nav = [(page_no - 1, "previous"), (page_no + 1, "next")]
    links = [
        f'<a href="?{escape(urlencode({"q": query, "page": n}))}">{label}</a>'
        for n, label in nav
        if 1 <= n <= pages
    ]
    body.append(f"<p>page {page_no} of {max(pages, 1)} {' '.join(links)}</p>")
    return page(f"{coll} — arsip replay", "".join(body))


def not_found_page(coll: str, url: str, nearby: list[Capture]) -> str:
    items = "".join(
        f'<li><a href="/{quote(coll)}/{c.timestamp}/{escape(c.url)}">{escape(c.url)}</a> '
        f'<span class="muted">{nice_date(c.timestamp)}</span></li>'
        for c in nearby
    )
    hint = (
        f"<p>Nearest captures in the archive:</p><ul>{items}</ul>"
        if items
        else "<p>The collection is empty.</p>"
    )
    return page(
        "Not in the archive",
        f"<h1>Not in the archive</h1><p><code>{escape(url)}</code> was never "
        f'captured in <a href="/{quote(coll)}/">{escape(coll)}</a>.</p>{hint}',
    )


def calendar_link(coll: str, url: str) -> str:
    """The capture calendar of ``url`` (an attribute value, escaped)."""
    return f"/{quote(coll)}/*/{escape(url)}"


def calendar_page(coll: str, url: str, caps: list[Capture], since: str = "", versions: str = "") -> str:
    """Every capture of ``url`` (oldest first), by year and month, each a link into replay."""
    years: dict[str, dict[str, list[Capture]]] = {}
    for cap in caps:
        years.setdefault(cap.timestamp[:4], {}).setdefault(cap.timestamp[:6], []).append(cap)
    q, u = quote(coll), escape(url)
    jump = " &middot; ".join(
        f'<a href="#y{y}">{y}</a> <span class="muted">({sum(map(len, months.values()))})</span>'
        for y, months in years.items()
    )
    body = [
        f"<h1>Captures of <code>{u}</code></h1>",
        f"<p>{len(caps)} capture(s){' from ' + escape(since) if since else ''}, "
        f"{nice_date(caps[0].timestamp)} to {nice_date(caps[-1].timestamp)}, in "
        f'<a href="/{q}/">{escape(coll)}</a>. For machines: '
        f'<a href="/{q}/timemap/link/{u}">TimeMap</a> (application/link-format), '
        f'<a href="/{q}/cdx?{escape(urlencode({"url": url, "output": "json"}))}">CDX</a>.</p>',
        versions,  # search_pages.versions_note(): links to the diffs when the text changed
        f'<p class="years">{jump}</p>',
    ]
    for year, months in years.items():
        body.append(f'<section id="y{year}"><h2>{year}</h2>')
        for month, month_caps in months.items():
            title = ts_to_datetime(month).strftime("%B %Y")
            body.append(f'<h3 id="m{month}">{title} <span class="muted">({len(month_caps)})</span></h3><ul>')
            body += [
                f'<li><a href="/{q}/{c.timestamp}/{escape(c.url)}">{nice_date(c.timestamp)}</a> '
                f'<span class="muted">{escape(_what(c))}</span></li>'
                for c in month_caps
            ]
            body.append("</ul>")
        body.append("</section>")
    return page(f"Captures of {url} — {coll}", "".join(body))


def _what(cap: Capture) -> str:
    if cap.is_revisit:
        return f"{cap.status or '-'} unchanged (revisit)"
    return f"{cap.status or '-'} {cap.mime or ''}".strip()


def banner(coll: str, cap: Capture, position: int, count: int, text_link: bool = False) -> str:
    """The small fixed bar telling the reader which capture this is; ``text_link`` (articles only)
    adds the link to its clean text."""
    url = escape(cap.url)
    text = (
        f'<a style="color:#0645ad" href="/{quote(coll)}/text/{cap.timestamp}/{url}">clean text</a> &middot; '
        if text_link
        else ""
    )
    return (
        '<div id="arsip-banner" style="all:initial;display:block;font:13px/1.6 system-ui,sans-serif;'
        'background:#fffbe6;color:#222;border-bottom:1px solid #d9c97c;padding:4px 10px">'
        f'<b style="all:unset;font-weight:bold">arsip</b> &middot; archived capture of {url} &middot; '
        f"{nice_date(cap.timestamp)} &middot; capture {position} of {count} &middot; "
        f'<a style="color:#0645ad" href="{calendar_link(coll, cap.url)}">all captures</a> &middot; {text}'
        f'<a style="color:#0645ad" href="/{quote(coll)}/">collection</a></div>'
    )
