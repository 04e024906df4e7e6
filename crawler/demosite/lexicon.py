"""Indonesian-looking vocabulary for the demo site's generated articles.

The words are real Indonesian so that language detection and trafilatura's heuristics see the
kind of text they meet on Channel9.id; the sentences they form are plausible, not true.
"""

from __future__ import annotations

CATEGORIES = ("Nasional", "Internasional", "Ekonomi", "Olahraga", "Teknologi")

# Subjects and topics per category: (who, what) pools the sentence builder draws from.
ACTORS = {
    "Nasional": (
        "Presiden Joko Widodo",
        "Menteri Dalam Negeri",
        "Ketua DPR",
        "Gubernur DKI Jakarta",
        "Komisi Pemilihan Umum",
        "Kapolri",
        "Badan Nasional Penanggulangan Bencana",
        "Menko Polhukam",
        "Wakil Presiden",
        "Bawaslu",
    ),
    "Internasional": (
        "Presiden Amerika Serikat",
        "Sekjen PBB",
        "Pemerintah Tiongkok",
        "Menlu Jepang",
        "Uni Eropa",
        "Perdana Menteri Inggris",
        "Presiden Prancis",
        "ASEAN",
        "Pemerintah Australia",
        "Presiden Ukraina",
    ),
    "Ekonomi": (
        "Bank Indonesia",
        "Menteri Keuangan",
        "Otoritas Jasa Keuangan",
        "Badan Pusat Statistik",
        "Kementerian Perdagangan",
        "Bursa Efek Indonesia",
        "Pertamina",
        "Kadin Indonesia",
        "Menteri BUMN",
        "Lembaga Penjamin Simpanan",
    ),
    "Olahraga": (
        "Tim nasional Indonesia",
        "PSSI",
        "Pelatih Shin Tae-yong",
        "Persija Jakarta",
        "Pebulu tangkis Jonatan Christie",
        "Komite Olimpiade Indonesia",
        "Persib Bandung",
        "Menpora",
        "Atlet angkat besi Eko Yuli",
        "Bali United",
    ),
    "Teknologi": (
        "Kementerian Kominfo",
        "Perusahaan rintisan lokal",
        "Gojek",
        "Tokopedia",
        "Badan Siber dan Sandi Negara",
        "Telkomsel",
        "Peneliti BRIN",
        "Google Indonesia",
        "Asosiasi E-commerce Indonesia",
        "Operator seluler",
    ),
}

TOPICS = {
    "Nasional": (
        "pemilu serentak",
        "revisi undang-undang",
        "penanganan banjir",
        "program bantuan sosial",
        "pemindahan ibu kota",
        "reformasi birokrasi",
        "keamanan mudik",
        "pemberantasan korupsi",
    ),
    "Internasional": (
        "konflik di Laut Tiongkok Selatan",
        "krisis pangan global",
        "perang di Ukraina",
        "perjanjian perdagangan bebas",
        "perubahan iklim",
        "pengungsi Rohingya",
        "sanksi ekonomi",
        "kerja sama pertahanan",
    ),
    "Ekonomi": (
        "suku bunga acuan",
        "inflasi tahunan",
        "nilai tukar rupiah",
        "harga beras",
        "ekspor batu bara",
        "investasi asing",
        "pajak karbon",
        "kredit usaha rakyat",
    ),
    "Olahraga": (
        "Piala Asia",
        "kualifikasi Piala Dunia",
        "Liga 1",
        "SEA Games",
        "Indonesia Open",
        "naturalisasi pemain",
        "pembinaan usia muda",
        "renovasi stadion",
    ),
    "Teknologi": (
        "kecerdasan buatan",
        "kebocoran data pribadi",
        "jaringan 5G",
        "pusat data nasional",
        "transaksi digital",
        "keamanan siber",
        "satelit Satria",
        "ekonomi digital",
    ),
}

VERBS = (
    "menyoroti",
    "membahas",
    "menegaskan pentingnya",
    "mengkritik",
    "mendorong percepatan",
    "mengevaluasi",
    "menanggapi",
    "mengumumkan rencana",
    "menolak usulan",
    "mendukung kebijakan",
)

CONNECTIVES = (
    "Selain itu,",
    "Sementara itu,",
    "Menurut dia,",
    "Di sisi lain,",
    "Oleh karena itu,",
    "Sebelumnya,",
    "Dalam kesempatan yang sama,",
    "Lebih lanjut,",
    "Namun demikian,",
)

CLAUSES = (
    "langkah tersebut dinilai penting untuk menjaga stabilitas",
    "masyarakat diminta tetap tenang dan tidak mudah terprovokasi",
    "pemerintah akan melakukan evaluasi secara menyeluruh",
    "koordinasi antarlembaga terus diperkuat dalam beberapa pekan terakhir",
    "data terbaru menunjukkan adanya peningkatan yang cukup signifikan",
    "sejumlah pihak meminta agar prosesnya dilakukan secara transparan",
    "rapat lanjutan dijadwalkan berlangsung pada pekan depan",
    "anggaran yang disiapkan mencapai triliunan rupiah",
    "kebijakan itu diharapkan berdampak langsung bagi warga",
    "para pengamat menilai situasi masih berkembang",
    "pihaknya akan terus memantau perkembangan di lapangan",
    "target tersebut harus dicapai sebelum akhir tahun",
)

PLACES = (
    "Jakarta",
    "Surabaya",
    "Bandung",
    "Medan",
    "Makassar",
    "Yogyakarta",
    "Semarang",
    "Denpasar",
    "Balikpapan",
    "Jenewa",
    "Tokyo",
    "Brussel",
    "Washington",
    "Beijing",
    "Canberra",
)

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

SPEAKERS = ("ujarnya", "kata dia", "ucapnya kepada wartawan", "tuturnya", "jelasnya", "tegasnya")
QUOTES = (
    "Kami ingin memastikan semua berjalan sesuai aturan",
    "Ini bukan pekerjaan satu lembaga saja, semua harus terlibat",
    "Kita tidak boleh lengah menghadapi situasi seperti ini",
    "Hasilnya akan kami sampaikan kepada publik secepatnya",
    "Prosesnya memang panjang, tetapi kami optimistis",
    "Masyarakat berhak mendapatkan informasi yang benar",
)

SUBHEADINGS = (
    "Latar Belakang",
    "Tanggapan Pemerintah",
    "Dampak bagi Masyarakat",
    "Langkah Selanjutnya",
    "Sorotan Pengamat",
    "Data dan Fakta",
    "Reaksi Publik",
)

LIST_ITEMS = (
    "Memperkuat koordinasi lintas kementerian",
    "Menyiapkan anggaran darurat",
    "Melibatkan pemerintah daerah",
    "Membuka posko pengaduan masyarakat",
    "Meningkatkan pengawasan di lapangan",
    "Menyusun regulasi turunan",
    "Melakukan sosialisasi kepada warga",
    "Mengevaluasi program setiap bulan",
)

TAGS = (
    "Jokowi",
    "DPR",
    "Pemilu 2024",
    "Korea Utara",
    "Rusia",
    "Amerika Serikat",
    "PBB",
    "Tiongkok",
    "Ukraina",
    "Rupiah",
    "Bank Indonesia",
    "Inflasi",
    "Timnas",
    "PSSI",
    "Liga 1",
    "Bulu Tangkis",
    "AI",
    "Startup",
    "Keamanan Siber",
    "Kominfo",
    "Jakarta",
    "Banjir",
    "Korupsi",
    "Investasi",
)

# Editors' initials as printed at the end of articles, and the names in the byline.
AUTHORS = (
    ("FB", "Fajar Budiman"),
    ("RS", "Rina Susanti"),
    ("AW", "Adi Wibowo"),
    ("DN", "Dewi Natalia"),
    ("HK", "Hendra Kurniawan"),
    ("MR", "Maya Rahmawati"),
)

UPDATE_NOTES = (
    "Pembaruan: artikel ini telah diperbarui dengan keterangan tambahan dari narasumber.",
    "Pembaruan: redaksi menambahkan tanggapan resmi yang diterima setelah berita terbit.",
    "Ralat: angka pada paragraf sebelumnya telah dikoreksi sesuai data terbaru.",
)
