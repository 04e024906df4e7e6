"""The safety net: comment-form, captcha, share, tag and related residue go; article lines stay."""

from __future__ import annotations

import pytest

from archive.extract.blocks import normalize
from archive.extract.cleanup import clean_blocks, is_noise

PROSE = [
    "Channel9.id – Jakarta. Pemerintah menyiapkan anggaran tambahan untuk perbaikan jalan nasional.",
    "Baca juga: Presiden Rusia Vladimir Putin Terima Undangan Kim Jong Un",
    "“Kami akan mulai bulan depan,” ujarnya.",
    "(FB)",
]


@pytest.mark.parametrize(
    "raw",
    [
        "68\u00a0 +\u00a0 \u00a0 \u00a0 =\u00a0 \u00a075",
        "\u00a0 +\u00a0 \u00a014\u00a0 \u00a0=\u00a0 \u00a023",
        "68 + = 75",
        "+ 14 = 23",
        "12 × = 36",
        "9 − = 4",
        "3 + 4 =",
        "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *",
        "Alamat surel Anda tidak akan dipublikasikan.",
        "Kolom yang wajib diisi ditandai *",
        "Your email address will not be published. Required fields are marked *",
        "Save my name, email, and website in this browser for the next time I comment.",
        "Simpan nama, email, dan situs web saya pada peramban ini untuk komentar saya berikutnya.",
        "Kirim Komentar",
        "Post Comment",
        "Nama *",
        "Email *",
        "Komentar",
        "Share this:",
        "Bagikan ini:",
        "Like this:",
        "Suka ini:",
        "Facebook | Twitter | WhatsApp",
        "Click to share on Twitter (Opens in new window)",
        "Tags: politik, ekonomi",
        "Tag: Rusia",
        "Advertisement",
        "ADVERTISEMENT",
        "2 Comments",
        "3 thoughts on “Judul”",
    ],
)
def test_noise_blocks(raw):
    assert is_noise(normalize(raw))


@pytest.mark.parametrize(
    "text",
    [
        *PROSE,
        "Pasal 28 ayat 3 menyebut 2 + 2 sebagai contoh.",
        "2023",
        "Share prices fell 3 per cent on Monday.",
        "Komentar pembaca menunjukkan dukungan yang luas terhadap kebijakan itu.",
        "Facebook mengumumkan kebijakan baru.",
    ],
)
def test_article_lines_are_not_noise(text):
    assert not is_noise(text)


@pytest.mark.parametrize(
    "tail",
    [
        [
            "Tinggalkan Balasan",
            "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *",
            "68 + = 75",
        ],
        ["Leave a Reply", "Your email address will not be published.", "Name *", "+ 14 = 23"],
        ["Berita Terkait", "Judul berita lain", "Judul berita ketiga"],
        ["You may also like...", "Another headline", "Yet another headline"],
        ["Bagikan:", "Facebook", "Twitter"],
    ],
)
def test_tail_cut_after_end_marker(tail):
    assert clean_blocks(PROSE + tail, title="Judul") == PROSE


def test_end_marker_followed_by_prose_only_drops_the_marker():
    prose = (
        "Paragraf ini panjang sekali dan jelas bagian dari artikel, bukan daftar tautan, karena berisi "
        "kalimat lengkap yang menjelaskan peristiwa dengan rinci kepada pembaca di seluruh negeri hari ini."
    )
    assert clean_blocks(["Pembuka berita.", "Baca Juga", prose]) == ["Pembuka berita.", prose]


def test_repeated_headline_and_category_lines_dropped():
    blocks = ["Internasional", "Judul Berita", *PROSE]
    assert clean_blocks(blocks, title="Judul Berita", category="Internasional") == PROSE
    assert clean_blocks(["JUDUL BERITA.", *PROSE], title="Judul Berita") == PROSE


def test_consecutive_duplicates_and_shortcodes():
    blocks = ["Satu.", "Satu.", "Dua [button link=”/x/” type=”big”]Kirim[/button] tiga."]
    assert clean_blocks(blocks) == ["Satu.", "Dua Kirim tiga."]


def test_normalize():
    assert normalize("  a\u00a0\u00a0b\t\nc\u200b  ") == "a b c"
    assert normalize("Cafe\u0301") == "Café"
    assert normalize("“kutip” – tanda ’") == "“kutip” – tanda ’"
