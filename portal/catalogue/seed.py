"""Demo permit categories, built from the project's reference data
(portal/data/permit_categories.json: facts gathered from public pages of Indonesian licensing
offices; values marked "inferred" are typical values, fine for a demo).

The JSON lists each category's fields flat; this module turns them into the form engine's
definition: one topic per page, option labels in both languages, the engine's field types,
sensible limits, and a few "show only when" conditions. Idempotent by slug: a category that
already exists is left as it is (its form may have been edited by staff since).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.catalogue.formspec import FormSpec, Problem
from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.seed_en import DESCRIPTION_EN, HELP_EN
from portal.catalogue.services import publish_new_version
from portal.extensions import db

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "permit_categories.json"

# Samarinda's ten districts (kecamatan), for the building site.
SAMARINDA_DISTRICTS = [
    "Loa Janan Ilir",
    "Palaran",
    "Samarinda Ilir",
    "Samarinda Kota",
    "Samarinda Seberang",
    "Samarinda Ulu",
    "Samarinda Utara",
    "Sambutan",
    "Sungai Kunjang",
    "Sungai Pinang",
]

# value -> (Indonesian, English)
OPTION_LABELS: dict[str, tuple[str, str]] = {
    "perorangan": ("Perorangan", "Individual"),
    "badan_usaha": ("Badan usaha", "Business entity"),
    "bangun_baru": ("Bangunan baru", "New building"),
    "perubahan_perluasan": ("Perubahan atau perluasan", "Alteration or extension"),
    "rehabilitasi_renovasi": ("Rehabilitasi atau renovasi", "Rehabilitation or renovation"),
    "pelestarian": ("Pelestarian (cagar budaya)", "Conservation (heritage)"),
    "hunian": ("Hunian (rumah tinggal)", "Residential"),
    "keagamaan": ("Keagamaan", "Religious"),
    "usaha": ("Usaha", "Business"),
    "sosial_budaya": ("Sosial dan budaya", "Social and cultural"),
    "khusus": ("Khusus", "Special"),
    "campuran": ("Campuran", "Mixed use"),
    "milik_sendiri": ("Milik sendiri", "Own property"),
    "sewa_pihak_lain": ("Sewa dari pihak lain", "Rented from someone else"),
    "baru": ("Permohonan baru", "New application"),
    "perpanjangan": ("Perpanjangan", "Renewal"),
    "perubahan": ("Perubahan", "Change"),
    "pencabutan": ("Pencabutan", "Withdrawal"),
    "perpanjangan_perubahan": ("Perpanjangan atau perubahan", "Renewal or change"),
    "tetap_permanen": ("Tetap (permanen)", "Permanent"),
    "tidak_tetap_insidentil": ("Tidak tetap (insidentil)", "Temporary"),
    "berjalan_kendaraan": ("Berjalan (di kendaraan)", "On a vehicle"),
    "sewa": ("Sewa", "Rented"),
    "kontrak": ("Kontrak atau sewa", "Leased"),
    "milik_pemda": ("Milik pemerintah kota", "Owned by the city"),
    "L": ("Laki-laki", "Male"),
    "P": ("Perempuan", "Female"),
    "dokter": ("Dokter", "Doctor"),
    "dokter_spesialis": ("Dokter spesialis", "Specialist doctor"),
    "dokter_gigi": ("Dokter gigi", "Dentist"),
    "dokter_gigi_spesialis": ("Dokter gigi spesialis", "Specialist dentist"),
    "dokter_internsip": ("Dokter internsip", "Intern doctor"),
    "1": ("Tempat praktik ke-1", "First practice place"),
    "2": ("Tempat praktik ke-2", "Second practice place"),
    "3": ("Tempat praktik ke-3", "Third practice place"),
    "fasyankes": ("Di fasilitas pelayanan kesehatan", "At a health facility"),
    "praktik_mandiri": ("Praktik mandiri", "Private practice"),
    "kelompok": ("Kelompok", "Group"),
    "ormas_berbadan_hukum": ("Ormas berbadan hukum", "Incorporated organisation"),
    "ormas_tidak_berbadan_hukum": ("Ormas tidak berbadan hukum", "Unincorporated organisation"),
    "perseorangan": ("Perseorangan", "Sole proprietor"),
    "badan_hukum": ("Badan hukum", "Legal entity"),
    "mikro": ("Mikro", "Micro"),
    "kecil": ("Kecil", "Small"),
    "menengah": ("Menengah", "Medium"),
    "besar": ("Besar", "Large"),
    "pratama": ("Klinik pratama", "Primary clinic"),
    "utama": ("Klinik utama", "Specialist clinic"),
    "rawat_jalan": ("Rawat jalan", "Outpatient"),
    "rawat_inap": ("Rawat inap", "Inpatient"),
    "umum": ("Pelayanan umum", "General practice"),
    "gigi": ("Gigi", "Dental"),
    "KIA/KB": ("KIA/KB (ibu, anak, keluarga berencana)", "Mother and child health, family planning"),
    "laboratorium": ("Laboratorium", "Laboratory"),
    "farmasi": ("Farmasi", "Pharmacy"),
    "spesialis": ("Spesialis", "Specialist care"),
    "CV": ("CV", "CV (limited partnership)"),
    "PT": ("PT", "PT (limited company)"),
    "koperasi": ("Koperasi", "Cooperative"),
    "lainnya": ("Lainnya", "Other"),
    "ya": ("Ya", "Yes"),
    "tidak": ("Tidak", "No"),
}

TDUP_FIELDS_EN = [
    "Tourist attraction",
    "Tourism area",
    "Tourist transport",
    "Travel services",
    "Food and drink",
    "Accommodation",
    "Entertainment and recreation",
    "Meetings, incentives, conferences and exhibitions (MICE)",
    "Tourist information",
    "Tourism consulting",
    "Tour guiding",
    "Water tourism",
    "Spa",
]

PAGE_TITLES = {
    "applicant": ("Data pemohon", "About you"),
    "building": ("Bangunan", "The building"),
    "land": ("Lokasi dan tanah", "Site and land"),
    "advertisement": ("Reklame", "The advertisement"),
    "location": ("Lokasi dan jadwal", "Place and dates"),
    "credentials": ("STR dan rekomendasi", "Registration and recommendation"),
    "practice": ("Tempat praktik", "Place of practice"),
    "research": ("Penelitian", "The research"),
    "institution": ("Institusi", "Institution"),
    "business": ("Data usaha", "The business"),
    "clinic": ("Klinik", "The clinic"),
    "staff": ("Tenaga dan layanan", "Staff and services"),
    "purpose": ("Keperluan", "Purpose"),
}

# Per category: short code, sector, summaries, and the pages (in order) with their fields.
# Fields not listed in a page go to the last page.
CATEGORIES: dict[str, dict[str, Any]] = {
    "pbg": {
        "code": "PBG",
        "sector": Sector.BUILDING,
        "popularity": 90,
        "summary_id": "Persetujuan untuk membangun baru, mengubah, memperluas atau merawat bangunan gedung.",
        "summary_en": "Approval to build, alter, extend or maintain a building.",
        "pages": {
            "applicant": ["jenis_pemohon", "nama_pemohon", "nik", "alamat_pemohon", "no_hp", "email"],
            "land": [
                "alamat_lokasi",
                "kecamatan",
                "kelurahan",
                "koordinat",
                "nomor_sertifikat",
                "status_tanah",
                "nama_pemilik_tanah",
                "luas_tanah_m2",
                "nomor_kkpr",
            ],
            "building": [
                "jenis_kegiatan",
                "fungsi_bangunan",
                "luas_bangunan_m2",
                "jumlah_lantai",
                "kdb_persen",
                "nama_perencana",
                "perkiraan_biaya_rp",
                "nomor_registrasi_simbg",
            ],
        },
    },
    "izin-reklame": {
        "code": "REK",
        "sector": Sector.ADVERTISING,
        "popularity": 60,
        "summary_id": "Izin memasang reklame: papan, baliho, spanduk atau reklame di kendaraan.",
        "summary_en": "Permit to put up an advertisement: a sign, billboard, banner or vehicle advert.",
        "pages": {
            "applicant": [
                "nama_pemohon",
                "nik",
                "alamat_pemohon",
                "no_hp",
                "email",
                "nama_perusahaan",
                "npwpd",
            ],
            "advertisement": [
                "jenis_permohonan",
                "nomor_izin_lama",
                "jenis_reklame",
                "nomor_stnk",
                "naskah_reklame",
                "panjang_m",
                "lebar_m",
                "jumlah_sisi",
                "menggunakan_konstruksi",
                "ketinggian_m",
            ],
            "location": ["alamat_titik", "koordinat", "status_lahan", "tanggal_mulai", "tanggal_selesai"],
        },
    },
    "sip-dokter": {
        "code": "SIP",
        "sector": Sector.HEALTH,
        "popularity": 70,
        "summary_id": "Surat Izin Praktik (SIP) untuk dokter dan dokter gigi di Kota Samarinda.",
        "summary_en": "Practice licence (SIP) for doctors and dentists practising in the city.",
        "pages": {
            "applicant": [
                "nama_lengkap_gelar",
                "nik",
                "tempat_lahir",
                "tanggal_lahir",
                "jenis_kelamin",
                "alamat_rumah",
                "no_hp",
                "email",
            ],
            "credentials": [
                "jenis_permohonan",
                "nomor_sip_lama",
                "jenis_tenaga_medis",
                "nip_nrp",
                "nomor_str",
                "masa_berlaku_str",
                "nomor_rekomendasi_op",
            ],
            "practice": [
                "praktik_ke",
                "jenis_praktik",
                "nama_tempat_praktik",
                "alamat_tempat_praktik",
                "jadwal_praktik",
            ],
        },
    },
    "sipa-apoteker": {
        "code": "SIPA",
        "sector": Sector.HEALTH,
        "popularity": 40,
        "summary_id": "Surat Izin Praktik Apoteker (SIPA) untuk apotek, klinik atau rumah sakit.",
        "summary_en": "Pharmacist's practice licence (SIPA) for a pharmacy, clinic or hospital.",
        "pages": {
            "applicant": ["nama_lengkap_gelar", "nik", "alamat_rumah", "no_hp", "email"],
            "credentials": ["jenis_permohonan", "nomor_str", "nomor_rekomendasi_iai"],
            "practice": ["praktik_ke", "nama_fasilitas", "alamat_fasilitas"],
        },
        "extra_fields": {
            "no_hp": {
                "key": "no_hp",
                "label_id": "Nomor HP/WhatsApp",
                "label_en": "Mobile/WhatsApp number",
                "type": "tel",
                "required": True,
                "help_id": "Untuk pemberitahuan status permohonan.",
                "help_en": "We send status updates to this number.",
            },
            "email": {
                "key": "email",
                "label_id": "Email",
                "label_en": "Email",
                "type": "email",
                "required": False,
            },
        },
    },
    "surat-keterangan-penelitian": {
        "code": "SKP",
        "sector": Sector.RESEARCH,
        "popularity": 50,
        "summary_id": (
            "Surat keterangan untuk melakukan penelitian, survei atau pengumpulan data di kota ini."
        ),
        "summary_en": "Letter allowing research, a survey or data collection in the city.",
        "pages": {
            "applicant": ["kategori_peneliti", "nama_pemohon", "nik", "alamat_pemohon", "no_hp", "email"],
            "institution": ["institusi", "nim_nip", "program_studi", "dosen_pembimbing", "anggota_tim"],
            "research": [
                "judul_penelitian",
                "tujuan_penelitian",
                "ruang_lingkup",
                "metode_penelitian",
                "lokasi_penelitian",
                "sasaran_penelitian",
                "tanggal_mulai",
                "tanggal_selesai",
            ],
        },
    },
    "tdup": {
        "code": "TDUP",
        "sector": Sector.TOURISM,
        "popularity": 45,
        "summary_id": (
            "Tanda Daftar Usaha Pariwisata untuk hotel, rumah makan, biro perjalanan dan usaha wisata lain."
        ),
        "summary_en": "Registration of a tourism business: hotel, restaurant, travel agency and more.",
        "pages": {
            "applicant": ["nama_pemohon", "nik", "alamat_pemohon", "no_hp", "email"],
            "business": [
                "nama_usaha",
                "bentuk_usaha",
                "skala_usaha",
                "nib",
                "npwp",
                "bidang_usaha",
                "jenis_subjenis_usaha",
                "alamat_usaha",
                "kapasitas",
                "jumlah_tenaga_kerja",
                "fasilitas",
            ],
        },
    },
    "izin-operasional-klinik": {
        "code": "KLN",
        "sector": Sector.HEALTH,
        "popularity": 35,
        "summary_id": "Izin operasional untuk klinik pratama atau klinik utama, rawat jalan atau rawat inap.",
        "summary_en": "Operating licence for a primary or specialist clinic, outpatient or inpatient.",
        "pages": {
            "applicant": ["nama_pemohon", "nik", "alamat_pemohon", "no_hp", "email"],
            "clinic": [
                "jenis_permohonan",
                "nama_klinik",
                "jenis_klinik",
                "jenis_rawat",
                "nama_badan_hukum",
                "nib",
                "alamat_klinik",
                "status_tanah",
                "nomor_pbg",
                "jam_operasional",
            ],
            "staff": [
                "nama_dokter_pj",
                "nomor_sip_pj",
                "jumlah_tenaga_medis",
                "jumlah_tenaga_kesehatan",
                "jenis_layanan",
            ],
        },
    },
    "surat-keterangan-domisili-usaha": {
        "code": "SKDU",
        "sector": Sector.GENERAL,
        "popularity": 80,
        "summary_id": "Surat keterangan dari kelurahan bahwa usaha Anda berada di wilayahnya.",
        "summary_en": "A letter from the village office confirming where your business is located.",
        "pages": {
            "applicant": ["nama_pemohon", "nik", "no_kk", "alamat_pemohon", "rt", "rw", "no_hp", "email"],
            "business": [
                "nama_usaha",
                "bentuk_usaha",
                "jenis_usaha",
                "alamat_usaha",
                "status_tempat_usaha",
                "mulai_usaha",
                "jumlah_karyawan",
            ],
            "purpose": ["keperluan", "nomor_pengantar_rt"],
        },
    },
}

# Fields the reference data lacks but the form needs, and conditions ("show only when").
ADDED_FIELDS: dict[str, list[dict[str, Any]]] = {
    "pbg": [
        {
            "key": "nama_pemilik_tanah",
            "type": "text",
            "required": True,
            "label_id": "Nama pemilik tanah",
            "label_en": "Name of the land owner",
            "help_id": "Sesuai perjanjian pemanfaatan tanah.",
            "help_en": "As in the land-use agreement.",
        }
    ],
}
CONDITIONS: dict[str, dict[str, tuple[str, str, bool]]] = {
    # field -> (controller, value, required when shown)
    "pbg": {"nama_pemilik_tanah": ("status_tanah", "sewa_pihak_lain", True)},
    "izin-reklame": {
        "nomor_izin_lama": ("jenis_permohonan", "perpanjangan", True),
        "nomor_stnk": ("jenis_reklame", "berjalan_kendaraan", True),
        "ketinggian_m": ("menggunakan_konstruksi", "ya", True),
    },
    "sip-dokter": {"nomor_sip_lama": ("jenis_permohonan", "perpanjangan", True)},
}

#: Fields filled in from the applicant's account (the applicant can still change them).
PREFILL = {
    "nama_pemohon": "full_name",
    "nama_lengkap_gelar": "full_name",
    "nik": "nik",
    "no_hp": "phone",
    "email": "email",
}
DATE_RULES = {
    "tanggal_lahir": "past",
    "mulai_usaha": "past",
    "tanggal_mulai": "future",
    "tanggal_selesai": "future",
}
DOC_SIZES_MB = {
    "pas_foto": 2,
    "gambar_rencana_teknis": 20,
    "proposal_penelitian": 10,
    "perhitungan_struktur": 20,
    "dokumen_lingkungan": 20,
    "profil_klinik": 10,
}
DOC_MAX_FILES = {
    "gambar_rencana_teknis": 10,
    "foto_denah_lokasi": 3,
    "foto_lokasi_usaha": 3,
    "daftar_peralatan": 3,
}
DOC_SAMPLES = {
    "surat_permohonan": "static/samples/contoh-surat-permohonan.pdf",
    "pas_foto": "static/samples/contoh-pas-foto.png",
}


def load_reference() -> dict[str, Any]:
    """The reference data shipped with the project."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def _option(value: str) -> dict[str, str]:
    label_id, label_en = OPTION_LABELS.get(value, (value.replace("_", " ").capitalize(),) * 2)
    return {"value": value, "label_id": label_id, "label_en": label_en}


def convert_field(
    raw: dict[str, Any], page: str, order: int, *, business_fields: list[str] | None = None
) -> dict[str, Any]:
    """One field of the reference data as a FieldSpec dict (``business_fields``: the options of
    the tourism business field, from the data)."""
    key = raw["key"]
    kind = raw["type"]
    help_id = raw.get("help_id") or ""
    field: dict[str, Any] = {
        "key": key,
        "label_id": raw["label_id"],
        "label_en": raw.get("label_en", ""),
        "help_id": help_id,
        "help_en": raw.get("help_en") or HELP_EN.get(help_id, ""),
        "required": bool(raw.get("required")),
        "page": page,
        "order": order,
    }
    options = [str(o) for o in raw.get("options") or []]
    if key == "nik":
        kind = "nik"
        field["help_id"], field["help_en"] = "16 digit sesuai e-KTP.", "16 digits, as on your e-KTP."
    elif key == "nib":
        kind = "nib"
        field["help_id"], field["help_en"] = "13 digit dari OSS.", "13 digits, from the OSS system."
    elif key == "npwp":
        kind = "npwp"
    elif kind == "tel":
        kind = "phone"
    elif kind == "currency":
        kind = "rupiah"
    elif kind == "boolean":
        kind, options = "radio", ["ya", "tidak"]
    elif kind == "multiselect":
        kind = "checkbox"
    elif kind == "geo":
        kind = "text"
        field["pattern"] = r"-?[0-9]{1,2}[.,][0-9]{3,8}\s*[,;]\s*-?[0-9]{1,3}[.,][0-9]{3,8}"
        field["pattern_message_id"] = "Tulis lintang dan bujur, contoh: -0.502106, 117.153709"
        field["pattern_message_en"] = "Write the latitude and longitude, for example: -0.502106, 117.153709"
        example = "Lintang, bujur. Contoh: -0.502106, 117.153709"
        field["help_id"] = f"{help_id} {example}" if help_id else example
        field["help_en"] = "Latitude, longitude. Example: -0.502106, 117.153709"
    elif kind == "repeater":
        kind = "textarea"
        field["help_id"] = "Satu nama per baris."
        field["help_en"] = "One name per line."
    elif kind == "number" and (key.endswith("_m2") or key.endswith("_m") or key.endswith("_persen")):
        kind = "decimal"
        field["min"] = 0
        if key.endswith("_persen"):
            field["max"] = 100
    elif kind == "number":
        field["min"] = 0
        if key == "jumlah_lantai":
            field["min"], field["max"] = 1, 200
        if key == "jumlah_sisi":
            field["min"], field["max"] = 1, 8
    if raw.get("pattern") and kind == "text" and "pattern" not in field:
        field["pattern"] = raw["pattern"].removeprefix("^").removesuffix("$")
        if field["pattern"] == "[0-9]{16}":
            field["pattern_message_id"] = "Tulis 16 angka."
            field["pattern_message_en"] = "Enter 16 digits."
    if kind == "select" and not options:
        if key == "kecamatan":
            options = SAMARINDA_DISTRICTS
            field["options"] = [{"value": d, "label_id": d, "label_en": d} for d in options]
        elif key == "kelurahan":
            kind = "text"
        elif key == "bidang_usaha":
            field["options"] = [
                {
                    "value": re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40],
                    "label_id": label,
                    "label_en": en,
                }
                for label, en in zip(business_fields or [], TDUP_FIELDS_EN, strict=True)
            ]
    if options and "options" not in field:
        field["options"] = [_option(o) for o in options]
    if kind in ("date",) and key in DATE_RULES:
        field["date_rule"] = DATE_RULES[key]
    if key in PREFILL:
        field["prefill"] = PREFILL[key]
    field["type"] = kind
    return field


def build_definition(raw_category: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """The reference category's fields and documents as a form definition (fields, documents)."""
    slug = raw_category["slug"]
    meta = CATEGORIES[slug]
    by_key = {f["key"]: f for f in raw_category["fields"]}
    by_key.update(meta.get("extra_fields", {}))
    for extra in ADDED_FIELDS.get(slug, []):
        by_key[extra["key"]] = {**extra, "type": extra["type"]}
    pages = dict(meta["pages"])
    listed = {k for keys in pages.values() for k in keys}
    leftover = [k for k in by_key if k not in listed]
    if leftover:
        last = list(pages)[-1]
        pages[last] = [*pages[last], *leftover]
    fields: list[dict] = []
    order = 0
    for page, keys in pages.items():
        first = True
        for key in keys:
            if key not in by_key:
                continue
            order += 10
            field = convert_field(
                by_key[key], page, order, business_fields=raw_category.get("business_fields_id")
            )
            if first:
                field["page_title_id"], field["page_title_en"] = PAGE_TITLES[page]
                first = False
            condition = CONDITIONS.get(slug, {}).get(key)
            if condition:
                controller, value, required = condition
                field["show_if"] = {"field": controller, "equals": value}
                field["required"] = required
            fields.append(field)
    documents = []
    for raw in raw_category["documents"]:
        description_id = raw.get("description_id", "")
        description_en = raw.get("description_en") or DESCRIPTION_EN.get(description_id, "")
        types = []
        for t in raw.get("types") or ["pdf"]:
            t = "jpeg" if t == "jpg" else t
            if t in ("pdf", "jpeg", "png") and t not in types:
                types.append(t)
        documents.append(
            {
                "key": raw["key"],
                "label_id": plain_indonesian(raw["label_id"]),
                "label_en": raw.get("label_en", ""),
                "description_id": plain_indonesian(description_id),
                "description_en": description_en,
                "allowed_types": types,
                "max_mb": DOC_SIZES_MB.get(raw["key"], 5),
                "required": bool(raw.get("required")),
                "max_files": DOC_MAX_FILES.get(raw["key"], 1),
                "sample_key": DOC_SAMPLES.get(raw["key"]),
            }
        )
    return fields, documents


def _months(validity: dict[str, Any]) -> int | None:
    if validity.get("years"):
        return int(validity["years"]) * 12
    if validity.get("months"):
        return int(validity["months"])
    return None


def build_category(raw: dict[str, Any]) -> PermitCategory:
    meta = CATEGORIES[raw["slug"]]
    cost = raw.get("cost") or {}
    handled = raw.get("handled_by") or {}
    validity = raw.get("validity") or {}
    output = raw.get("output") or {}
    description_id = "\n\n".join(x for x in (handled.get("id"), validity.get("label_id")) if x)
    description_en = "\n\n".join(x for x in (handled.get("en"), validity.get("label_en")) if x)
    return PermitCategory(
        slug=raw["slug"],
        code=meta["code"],
        sector=meta["sector"],
        name_id=raw["name_id"],
        name_en=raw["name_en"],
        summary_id=meta["summary_id"],
        summary_en=meta["summary_en"],
        description_id=description_id,
        description_en=description_en,
        time_limit_days=int(raw["time_limit_working_days"]),
        cost_rupiah=int(cost.get("service_fee_idr") or 0),
        cost_note_id=cost.get("label_id", ""),
        cost_note_en=cost.get("label_en", ""),
        legal_basis="\n".join(
            item["title_id"] for item in raw.get("legal_basis", []) if item.get("title_id")
        ),
        output_id=output.get("name_id", ""),
        output_en=output.get("name_en", ""),
        validity_months=_months(validity),
        popularity=meta.get("popularity", 0),
        active=True,
    )


_FOTOKOPI = re.compile(r"\b[Ff]otokopi\b")


def plain_indonesian(text: str) -> str:
    """The office's paper-era words made right for uploads: a document is sent as a photo or a
    scan, not a photocopy ("Fotokopi KTP" -> "Foto KTP")."""
    return _FOTOKOPI.sub(lambda m: "Foto" if m.group(0)[0] == "F" else "foto", text)


def seed_categories() -> Iterator[str]:
    """Create the demo categories and version 1 of their forms; skip slugs that exist."""
    data = load_reference()
    existing = set(db.session.scalars(select(PermitCategory.slug)))
    for raw in data["categories"]:
        if raw["slug"] in existing or raw["slug"] not in CATEGORIES:
            continue
        category = build_category(raw)
        db.session.add(category)
        db.session.flush()
        fields, documents = build_definition(raw)
        publish_new_version(category, fields, documents, commit=False)
        yield f"permit category {category.slug} ({len(fields)} fields, {len(documents)} documents)"
    db.session.commit()


def check_definitions() -> dict[str, list[Problem]]:
    """Problems of every seed definition (empty lists when all is well); for tests."""
    return {
        raw["slug"]: FormSpec.from_version(*build_definition(raw)).validate_definition()
        for raw in load_reference()["categories"]
        if raw["slug"] in CATEGORIES
    }
