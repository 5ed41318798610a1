"""The finder's starting data: the everyday words people use for the eight permits, the permits
other offices issue that people look for here (PIRT, NIB, a business outside the city), and the
questions of "Help me choose a permit". Idempotent: what exists (perhaps edited by an admin) is
left as it is."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from portal.catalogue import finder
from portal.catalogue.models import CategoryKeywords, FinderTree, PermitCategory, Signpost
from portal.catalogue.search import rebuild_index
from portal.extensions import db

#: slug -> the words and phrases citizens type for that permit (one per line in the admin page).
KEYWORDS: dict[str, list[str]] = {
    "pbg": [
        "bangun rumah",
        "membangun rumah",
        "rumah",
        "gedung",
        "bangunan",
        "renovasi",
        "renovasi rumah",
        "tambah lantai",
        "ruko",
        "imb",
        "izin mendirikan bangunan",
        "pagar",
        "kos-kosan",
        "building permit",
        "house",
        "construction",
    ],
    "izin-reklame": [
        "spanduk",
        "baliho",
        "reklame",
        "papan nama",
        "papan nama toko",
        "iklan",
        "pasang iklan",
        "pasang spanduk",
        "billboard",
        "neon box",
        "umbul-umbul",
        "banner",
        "signage",
        "poster",
    ],
    "sip-dokter": [
        "praktik",
        "praktik dokter",
        "dokter",
        "dokter gigi",
        "dokter umum",
        "dokter spesialis",
        "buka praktik",
        "sip",
        "doctor",
        "dentist",
    ],
    "sipa-apoteker": [
        "apotek",
        "apoteker",
        "farmasi",
        "obat",
        "toko obat",
        "buka apotek",
        "pharmacy",
        "pharmacist",
    ],
    "izin-operasional-klinik": [
        "klinik",
        "klinik pratama",
        "klinik utama",
        "balai pengobatan",
        "klinik kecantikan",
        "klinik gigi",
        "clinic",
    ],
    "surat-keterangan-penelitian": [
        "penelitian",
        "riset",
        "skripsi",
        "tesis",
        "disertasi",
        "tugas akhir",
        "survei",
        "kuesioner",
        "mahasiswa",
        "izin penelitian",
        "research",
        "thesis",
    ],
    "tdup": [
        "homestay",
        "penginapan",
        "hotel",
        "losmen",
        "wisma",
        "villa",
        "kos harian",
        "wisata",
        "pariwisata",
        "restoran",
        "kafe",
        "tempat hiburan",
        "biro perjalanan",
        "tourism",
    ],
    "surat-keterangan-domisili-usaha": [
        "usaha",
        "buka usaha",
        "izin usaha",
        "warung",
        "buka warung",
        "toko",
        "buka toko",
        "kios",
        "katering",
        "rumah makan",
        "warung makan",
        "makanan",
        "jualan",
        "berjualan",
        "dagang",
        "bengkel",
        "laundry",
        "salon",
        "domisili",
        "sktu",
        "tempat usaha",
        "umkm",
        "shop",
        "business",
    ],
}

SIGNPOSTS: list[dict[str, str]] = [
    {
        "slug": "pirt",
        "name_id": "Sertifikat Produksi Pangan Industri Rumah Tangga (SPP-IRT / PIRT)",
        "name_en": "Home food production certificate (SPP-IRT / PIRT)",
        "issuer_id": "Lewat OSS (oss.go.id), diperiksa Dinas Kesehatan Kota",
        "issuer_en": "Through OSS (oss.go.id), checked by the city health office",
        "summary_id": "Untuk makanan atau minuman buatan rumah yang dikemas dan dijual (kue, keripik, "
        "sambal, minuman botol). Daftar di OSS; Dinas Kesehatan memeriksa tempat "
        "produksi dan memberi penyuluhan keamanan pangan. Layanan Bantuan kami dapat "
        "membantu Anda mendaftar.",
        "summary_en": "For home-made food or drinks that are packed and sold (cakes, crisps, sambal, "
        "bottled drinks). Register on OSS; the health office checks the kitchen and "
        "gives a food safety course. Our help desk can help you register.",
        "bring_id": "Foto KTP\nNIB (nomor usaha dari OSS; gratis)\nSertifikat penyuluhan keamanan pangan "
        "(dari Dinas Kesehatan)\nFoto dapur atau tempat produksi\nContoh label kemasan",
        "bring_en": "Photo of your ID card (KTP)\nNIB (business number from OSS; free)\nFood safety "
        "course certificate (from the health office)\nPhoto of the kitchen or production "
        "place\nA sample of the package label",
        "link_url": "https://oss.go.id",
        "keywords": "pirt\nspp-irt\nspp irt\nmakanan rumahan\nusaha makanan rumahan\nmakanan rumah\n"
        "industri rumah tangga\nkue\nkeripik\nsambal\nkue kering\nfrozen food\n"
        "makanan kemasan\nminuman kemasan\njualan kue\nhome food",
    },
    {
        "slug": "nib",
        "name_id": "Nomor Induk Berusaha (NIB)",
        "name_en": "Business ID number (NIB)",
        "issuer_id": "Lewat OSS (oss.go.id), gratis",
        "issuer_en": "Through OSS (oss.go.id), free",
        "summary_id": "Nomor usaha untuk semua usaha, juga usaha kecil di rumah. Daftar sendiri di OSS "
        "dengan NIK Anda; NIB langsung terbit. Anda juga bisa datang ke Mal Pelayanan "
        "Publik untuk dibantu.",
        "summary_en": "The business number every business needs, small home businesses too. Register "
        "yourself on OSS with your NIK; the NIB is issued at once. You can also come "
        "to the public service mall for help.",
        "bring_id": "KTP (NIK)\nNPWP (jika ada)\nEmail dan nomor HP yang aktif\nAlamat tempat usaha\n"
        "Jenis usaha Anda",
        "bring_en": "ID card (NIK)\nTax number NPWP (if you have one)\nA working email and phone "
        "number\nThe business address\nWhat your business does",
        "link_url": "https://oss.go.id",
        "keywords": "nib\nnomor induk berusaha\noss\nnomor usaha\nizin usaha\nizin buka usaha\n"
        "siup\ntdp\numkm\nusaha mikro\nbusiness id",
    },
    {
        "slug": "usaha-luar-kota",
        "name_id": "Usaha di luar kota",
        "name_en": "A business outside the city",
        "issuer_id": "DPMPTSP atau kantor kelurahan di kota atau kabupaten tempat usaha Anda",
        "issuer_en": "The licensing office or kelurahan office of the city or regency where the business is",
        "summary_id": "Surat keterangan tempat usaha diterbitkan oleh daerah tempat usaha berada. Jika "
        "usaha Anda di luar kota ini, hubungi kantor di sana.",
        "summary_en": "A business domicile letter is issued where the business is. If your business is "
        "outside this city, contact the office there.",
        "bring_id": "KTP\nAlamat tempat usaha",
        "bring_en": "ID card (KTP)\nThe business address",
        "link_url": "",
        "keywords": "luar kota\nluar daerah",
    },
]


def _choice(label_id: str, label_en: str, target: str) -> dict[str, str]:
    return {"label_id": label_id, "label_en": label_en, "target": target}


TREE: list[dict] = [
    {
        "key": "start",
        "question_id": "Apa yang ingin Anda lakukan?",
        "question_en": "What do you want to do?",
        "help_id": "",
        "help_en": "",
        "choices": [
            _choice(
                "Membangun atau merenovasi rumah atau gedung",
                "Build or renovate a house or building",
                "permit:pbg",
            ),
            _choice(
                "Memasang spanduk, baliho, papan nama atau iklan",
                "Put up a banner, billboard, sign or advertisement",
                "permit:izin-reklame",
            ),
            _choice(
                "Berjualan atau membuka usaha (warung, toko, makanan)",
                "Sell things or open a business (stall, shop, food)",
                "q:usaha",
            ),
            _choice(
                "Membuka praktik dokter, apotek atau klinik",
                "Open a doctor's practice, pharmacy or clinic",
                "q:kesehatan",
            ),
            _choice(
                "Membuka penginapan, homestay atau usaha wisata",
                "Open a homestay, guest house or tourism business",
                "permit:tdup",
            ),
            _choice(
                "Melakukan penelitian atau skripsi",
                "Do research or a thesis",
                "permit:surat-keterangan-penelitian",
            ),
        ],
    },
    {
        "key": "usaha",
        "question_id": "Apa yang Anda perlukan untuk usaha Anda?",
        "question_en": "What do you need for your business?",
        "help_id": "",
        "help_en": "",
        "choices": [
            _choice(
                "Menjual makanan atau minuman buatan rumah yang dikemas (kue, keripik, sambal)",
                "Sell packed home-made food or drinks (cakes, crisps, sambal)",
                "signpost:pirt",
            ),
            _choice(
                "Nomor usaha (NIB) untuk usaha saya",
                "A business number (NIB) for my business",
                "signpost:nib",
            ),
            _choice(
                "Surat keterangan tempat usaha (warung, toko, rumah makan)",
                "A letter for the business premises (stall, shop, restaurant)",
                "q:usaha-dimana",
            ),
        ],
    },
    {
        "key": "usaha-dimana",
        "question_id": "Di mana tempat usaha Anda?",
        "question_en": "Where is your business?",
        "help_id": "",
        "help_en": "",
        "choices": [
            _choice("Di kota ini", "In this city", "permit:surat-keterangan-domisili-usaha"),
            _choice("Di luar kota ini", "Outside this city", "signpost:usaha-luar-kota"),
        ],
    },
    {
        "key": "kesehatan",
        "question_id": "Anda mengurus sebagai perorangan atau badan usaha?",
        "question_en": "Are you applying as a person or as a business?",
        "help_id": "",
        "help_en": "",
        "choices": [
            _choice(
                "Perorangan: saya dokter atau dokter gigi",
                "A person: I am a doctor or dentist",
                "permit:sip-dokter",
            ),
            _choice("Perorangan: saya apoteker", "A person: I am a pharmacist", "permit:sipa-apoteker"),
            _choice(
                "Badan usaha: kami membuka klinik",
                "A business: we are opening a clinic",
                "permit:izin-operasional-klinik",
            ),
        ],
    },
]


def seed_finder() -> Iterator[str]:
    """Keywords of the eight permits (where an admin has not set any), the signposts, and the
    question tree (when there is none yet); then rebuild the search index."""
    categories = {c.slug: c for c in db.session.scalars(select(PermitCategory))}
    for slug, words in KEYWORDS.items():
        category = categories.get(slug)
        if category is not None and db.session.get(CategoryKeywords, category.id) is None:
            finder.save_keywords(category, "\n".join(words))
            yield f"search keywords for {slug} ({len(words)})"
    existing = set(db.session.scalars(select(Signpost.slug)))
    for values in SIGNPOSTS:
        if values["slug"] not in existing:
            finder.save_signpost(None, values)
            yield f"signpost {values['slug']}"
    if db.session.scalar(select(FinderTree.id).limit(1)) is None:
        present = set(categories)
        if all(
            ch["target"].partition(":")[2] in present or not ch["target"].startswith("permit:")
            for node in TREE
            for ch in node["choices"]
        ):
            finder.save_tree(TREE)
            yield "finder questions"
    yield f"search index ({rebuild_index()} entries)"
    db.session.commit()
