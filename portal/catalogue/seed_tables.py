"""The demo categories' tables, beside the reference data (portal/data/permit_categories.json):
what portal.catalogue.seed adds to it or changes when it builds each category's form: the
districts, option and page labels in both languages, each category's pages, added fields and
conditions, prefilled fields, date rules, and document sizes, counts and samples."""

from __future__ import annotations

from typing import Any

from portal.catalogue.models import HolderKind, Sector

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
        "holder": HolderKind.EITHER,
        "co_applicant": ("Pemilik tanah", "Land owner"),
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
        "holder": HolderKind.EITHER,
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
        "holder": HolderKind.EITHER,
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
        "holder": HolderKind.EITHER,
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
    "alamat_pemohon": "address",
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
