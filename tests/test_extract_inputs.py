"""Bad input never raises: empty, binary, not HTML, malformed, legacy charsets, huge and deep pages."""

from __future__ import annotations

import codecs
import gzip

import pytest

from archive.extract import decode, extract
from crawler.seed import ExtractionHints

URL = "https://berita.example/a/"
PARAS = [
    "Pemerintah kota menyiapkan 40 bus listrik baru untuk rute pinggiran mulai bulan depan.",
    "Wali kota mengatakan tarif tidak akan naik selama masa uji coba enam bulan.",
    "Warga berharap armada baru juga menjangkau kawasan perumahan di timur kota.",
]


def page(title="Bus Listrik Mulai Beroperasi", paras=PARAS, head="", body_class="entry-content") -> str:
    ps = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f'<!DOCTYPE html><html lang="id"><head>{head}<title>{title}</title></head><body><article class="post">'
        f'<h1 class="entry-title">{title}</h1><div class="{body_class}">{ps}</div></article></body></html>'
    )


@pytest.mark.parametrize(
    "html, reason",
    [
        (b"", "empty page"),
        (b"   \n\t ", "empty page"),
        ("", "empty page"),
        (None, "empty page"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary content"),
        (gzip.compress(b"<html><body><p>still compressed</p></body></html>"), "binary content"),
        (bytes(range(256)) * 16, "binary content"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary content"),
        (b"Just some plain text, no markup at all.", "not html"),
        (12345, "not html"),
    ],
)
def test_unusable_input_gives_reason(html, reason):
    article = extract(html, URL)
    assert not article.ok and article.reason.startswith(reason)
    assert article.blocks == [] and article.render() == "\n\n\n\n"
    assert article.reason_code == reason.replace(" ", "-")


def test_non_html_content_type():
    article = extract(b'{"title": "x"}', URL, headers={"Content-Type": "application/json"})
    assert article.reason == "not html (application/json)"
    image = extract(b"<html>", URL, headers={b"Content-Type": [b"image/jpeg"]})
    assert image.reason == "not html (image/jpeg)"


def test_too_large_page_is_refused_without_parsing():
    huge = b"<html><body>" + b"<p>x</p>" * (decode.MAX_BYTES // 8 + 1) + b"</body></html>"
    article = extract(huge, URL)
    assert not article.ok and article.reason.startswith("page too large")


def test_large_page_under_the_limit_is_extracted():
    paras = [f"Paragraf nomor {i} dari laporan panjang tentang anggaran daerah." for i in range(40_000)]
    html = page(paras=paras).encode()
    assert len(html) > 2_000_000
    article = extract(html, URL)
    assert article.ok and len(article.blocks) == 40_000
    assert article.blocks[-1] == paras[-1]


def test_deeply_nested_page():
    html = "<html><body>" + "<div>" * 50_000 + "<p>Teks terdalam halaman ini.</p>" + "</div>" * 50_000
    article = extract(html, URL)  # libxml2 caps the depth; we only require a clear result
    assert article.ok or article.reason


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><h1 class='entry-title'>Judul<div class='entry-content'><p>"
        + PARAS[0]
        + "<p>"
        + PARAS[1],
        "<<<>>><html<<body>><p>" + PARAS[0] + "</b></i></table></p></p></html></html>",
        "<html><body><h1>Judul</h1><p>" + PARAS[0] + "</p><p>" + PARAS[1] + "</p><p class='trunc",
        "<?xml version='1.0' encoding='utf-8'?><html><body><h1>Judul</h1><p>"
        + PARAS[0]
        + "</p></body></html>",
        "\x00\x01 <html><body><p>" + PARAS[0] + "</p></body></html>",
        "<html><body><p>" + PARAS[0] + "\ud800</p></body></html>",
    ],
)
def test_malformed_html_gives_clear_result(html):
    for value in (html, html.encode("utf-8", "surrogatepass")):
        article = extract(value, URL)
        assert article.ok or article.reason


def test_unclosed_tags_still_give_text():
    html = "<html><body><h1 class='entry-title'>Judul</h1><div class='entry-content'><p>" + "<p>".join(PARAS)
    article = extract(html.encode(), URL)
    assert article.ok and article.blocks == PARAS


WESTERN = [
    "Le café «Chez Renée» a rouvert – après deux ans – près de la gare.",
    "Les habitués ont salué le retour du crème brûlée à 4,50 €.",
]


def test_windows_1252_declared_in_meta():
    html = page("Café rouvert", WESTERN, head='<meta charset="windows-1252">').encode("cp1252")
    article = extract(html, URL)
    assert (
        article.encoding == "windows-1252" and article.blocks == WESTERN and article.title == "Café rouvert"
    )


def test_iso_8859_1_declared_in_header():
    paras = [
        "Die Bürger von Köln stimmten für die neue Brücke über den Rhein.",
        "Größere Schiffe können passieren.",
    ]
    html = page("Brücke in Köln", paras).encode("latin-1")
    article = extract(html, URL, headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    assert article.blocks == paras and article.title == "Brücke in Köln"


def test_header_charset_wins_over_meta():
    html = page(
        "Brücke",
        ["Größere Schiffe können passieren, sagte die Stadt am Montag."],
        head='<meta charset="utf-8">',
    ).encode("latin-1")
    article = extract(html, URL, headers=[(b"Content-Type", b"text/html; charset=iso-8859-1")])
    assert article.blocks == ["Größere Schiffe können passieren, sagte die Stadt am Montag."]


def test_undeclared_legacy_bytes_fall_back_to_windows_1252():
    html = page("Café rouvert", WESTERN).encode("cp1252")
    article = extract(html, URL)
    assert article.encoding == "windows-1252" and article.blocks == WESTERN


def test_undeclared_utf8_is_utf8():
    article = extract(page("Café rouvert", WESTERN).encode("utf-8"), URL)
    assert article.encoding == "utf-8" and article.blocks == WESTERN


def test_utf16_with_bom():
    html = codecs.BOM_UTF16_LE + page("Café rouvert", WESTERN).encode("utf-16-le")
    article = extract(html, URL)
    assert article.blocks == WESTERN


def test_unknown_charset_label_is_ignored():
    html = page("Café rouvert", WESTERN, head='<meta charset="x-no-such-charset">').encode("utf-8")
    assert extract(html, URL).blocks == WESTERN


def test_str_and_bytes_give_the_same_article():
    html = page()
    assert extract(html, URL).render() == extract(html.encode(), URL).render()


def test_page_without_article_text():
    article = extract(
        "<html><head><title>Beranda</title></head><body><nav><a href='/'>Beranda</a></nav></body></html>", URL
    )
    assert not article.ok and article.reason.startswith("no article text")


def test_broken_hints_fall_back_with_a_note():
    hints = ExtractionHints(title="h1..[", body="div.tidak-ada", category="xpath://*[", drop=("::bad",))
    article = extract(page(), URL, hints=hints)
    assert article.ok and article.blocks == PARAS
    assert article.sources["body"] == "wordpress:entry-content" and article.sources["title"] == "entry-title"


def test_hint_body_without_text_falls_back():
    html = page().replace("<article", '<div class="ringkasan"><span class="ikon"></span></div><article')
    article = extract(html, URL, hints=ExtractionHints(body="div.ringkasan"))
    assert article.ok and article.blocks == PARAS and article.sources["body"] == "wordpress:entry-content"


def test_drop_selectors_apply_to_the_hinted_body():
    html = page(paras=[*PARAS, '<span class="promo">Unduh aplikasi kami sekarang juga!</span>'])
    hints = ExtractionHints(body="div.entry-content", drop=(".promo",))
    assert extract(html, URL, hints=hints).blocks == PARAS


def test_nbsp_zero_width_and_nfc_normalized():
    paras = [
        "Kata\u00a0\u00a0dengan   spasi\u200b aneh\u2003di sini.",
        "Cafe\u0301 dan  kopi  tubruk pagi ini di pasar.",
    ]
    article = extract(page(paras=paras), URL)
    assert article.blocks == ["Kata dengan spasi aneh di sini.", "Café dan kopi tubruk pagi ini di pasar."]
