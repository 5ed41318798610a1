"""Demo agencies of the service mall (Indonesian first, as the office would write them).
Idempotent: an agency whose slug exists is skipped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

from sqlalchemy import select

from portal.directory.models import Agency, AgencyService, OpeningHours
from portal.extensions import db

WEEKDAYS = {d: (time(8), time(15)) for d in range(5)}  # Monday to Friday 08:00-15:00
WITH_SATURDAY = {**WEEKDAYS, 5: (time(8), time(12))}

# slug, name_id, name_en, summary_id, summary_en, counters, website, hours, services
# services: name_id, name_en, counter, requirements_id, requirements_en, keywords, link
AGENCIES = [
    (
        "dukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil (Dukcapil)",
        "Population and Civil Registration Office (Dukcapil)",
        "KTP elektronik, Kartu Keluarga, akta kelahiran dan akta kematian.",
        "Electronic ID cards, family cards, birth and death certificates.",
        "A1-A4",
        "https://dukcapil.kemendagri.go.id",
        WITH_SATURDAY,
        [
            (
                "Perekaman dan pencetakan KTP elektronik",
                "Electronic ID card (KTP-el)",
                "A1",
                "Kartu Keluarga asli\nBerusia 17 tahun atau sudah menikah",
                "Original family card\nAged 17 or married",
                "ktp baru, ktp hilang, ktp rusak, e-ktp, rekam ktp",
                "",
            ),
            (
                "Kartu Keluarga (baru atau perubahan)",
                "Family card (new or changed)",
                "A2",
                "Kartu Keluarga lama\nBuku nikah atau akta cerai\nSurat pindah (jika pindah datang)",
                "Old family card\nMarriage book or divorce certificate\nMoving letter (when moving in)",
                "kk, kartu keluarga, tambah anggota keluarga, pecah kk",
                "",
            ),
            (
                "Akta kelahiran",
                "Birth certificate",
                "A3",
                "Surat keterangan lahir dari rumah sakit atau bidan\nKartu Keluarga\nKTP kedua orang tua",
                "Birth letter from the hospital or midwife\nFamily card\nBoth parents' ID cards",
                "akte lahir, akta anak, surat lahir",
                "",
            ),
        ],
    ),
    (
        "samsat",
        "Samsat (Sistem Administrasi Manunggal Satu Atap)",
        "Samsat (vehicle registration and tax)",
        "Pajak kendaraan bermotor tahunan dan lima tahunan, STNK dan pelat nomor.",
        "Yearly and five-yearly motor vehicle tax, vehicle registration (STNK) and number plates.",
        "B1-B3",
        "https://samsat.info",
        WITH_SATURDAY,
        [
            (
                "Perpanjangan STNK tahunan (bayar pajak kendaraan)",
                "Yearly STNK renewal (vehicle tax)",
                "B1",
                "KTP asli pemilik\nSTNK asli",
                "Owner's original ID card\nOriginal STNK",
                "perpanjang stnk, pajak motor, pajak mobil, bayar pajak kendaraan, pkb",
                "",
            ),
            (
                "Ganti pelat nomor dan STNK lima tahunan",
                "Five-yearly new plates and STNK",
                "B2",
                "KTP asli pemilik\nSTNK asli\nBPKB asli\nCek fisik kendaraan",
                "Owner's original ID card\nOriginal STNK\nOriginal BPKB\nVehicle check",
                "ganti plat, plat nomor, stnk 5 tahun, cek fisik",
                "",
            ),
        ],
    ),
    (
        "bpjs-kesehatan",
        "BPJS Kesehatan",
        "BPJS Kesehatan (national health insurance)",
        "Pendaftaran peserta JKN-KIS, perubahan data dan pindah faskes.",
        "JKN-KIS membership, changes of data and of the health facility.",
        "C1-C2",
        "https://www.bpjs-kesehatan.go.id",
        WEEKDAYS,
        [
            (
                "Pendaftaran peserta mandiri",
                "Registering as an independent member",
                "C1",
                "KTP\nKartu Keluarga\nBuku tabungan untuk autodebet",
                "ID card\nFamily card\nBank book for direct debit",
                "daftar bpjs, kis, jkn, asuransi kesehatan",
                "https://www.bpjs-kesehatan.go.id",
            ),
            (
                "Pindah fasilitas kesehatan (faskes)",
                "Changing the health facility",
                "C2",
                "Kartu JKN-KIS\nKTP",
                "JKN-KIS card\nID card",
                "pindah puskesmas, ganti faskes, ganti klinik",
                "",
            ),
        ],
    ),
    (
        "bpjs-ketenagakerjaan",
        "BPJS Ketenagakerjaan",
        "BPJS Ketenagakerjaan (workers' social security)",
        "Kepesertaan pekerja dan klaim Jaminan Hari Tua.",
        "Workers' membership and old-age savings (JHT) claims.",
        "C3",
        "https://www.bpjsketenagakerjaan.go.id",
        WEEKDAYS,
        [
            (
                "Klaim Jaminan Hari Tua (JHT)",
                "Old-age savings (JHT) claim",
                "C3",
                "Kartu peserta\nKTP\nKartu Keluarga\nSurat keterangan berhenti bekerja",
                "Membership card\nID card\nFamily card\nLetter of leaving work",
                "cairkan jht, klaim bpjs tk, jamsostek",
                "",
            ),
        ],
    ),
    (
        "kpp-pratama",
        "Kantor Pelayanan Pajak (KPP) Pratama",
        "Tax office (KPP Pratama)",
        "NPWP, pelaporan SPT dan konsultasi pajak.",
        "Tax numbers (NPWP), tax returns (SPT) and tax advice.",
        "D1-D2",
        "https://pajak.go.id",
        WEEKDAYS,
        [
            (
                "Pendaftaran NPWP",
                "Tax number (NPWP) registration",
                "D1",
                "KTP",
                "ID card",
                "npwp baru, nomor pajak, daftar pajak",
                "https://pajak.go.id",
            ),
            (
                "Bantuan pelaporan SPT Tahunan",
                "Help with the yearly tax return (SPT)",
                "D2",
                "NPWP\nBukti potong pajak dari pemberi kerja",
                "Tax number\nTax slip from the employer",
                "lapor spt, efiling, pajak tahunan",
                "",
            ),
        ],
    ),
    (
        "imigrasi",
        "Kantor Imigrasi",
        "Immigration office",
        "Paspor baru dan penggantian paspor.",
        "New and replacement passports.",
        "E1",
        "https://www.imigrasi.go.id",
        WEEKDAYS,
        [
            (
                "Paspor baru",
                "New passport",
                "E1",
                "KTP\nKartu Keluarga\nAkta kelahiran atau ijazah",
                "ID card\nFamily card\nBirth certificate or diploma",
                "bikin paspor, buat paspor, passport",
                "",
            ),
        ],
    ),
    (
        "pdam",
        "Perumda Air Minum (PDAM)",
        "Water utility (PDAM)",
        "Sambungan baru air minum dan pengaduan tagihan.",
        "New water connections and bill complaints.",
        "F1",
        "",
        WEEKDAYS,
        [
            (
                "Sambungan baru air minum",
                "New water connection",
                "F1",
                "KTP\nDenah lokasi rumah",
                "ID card\nA sketch of the house's location",
                "pasang air, pasang pdam, air ledeng",
                "",
            ),
        ],
    ),
]


def seed_directory() -> Iterator[str]:
    for position, (slug, name_id, name_en, sum_id, sum_en, counters, website, hours, items) in enumerate(
        AGENCIES
    ):
        if db.session.scalar(select(Agency.id).where(Agency.slug == slug)) is not None:
            continue
        agency = Agency(
            slug=slug,
            name_id=name_id,
            name_en=name_en,
            summary_id=sum_id,
            summary_en=sum_en,
            counters=counters,
            website=website,
            position=position,
        )
        agency.hours = [OpeningHours(weekday=d, opens=o, closes=c) for d, (o, c) in hours.items()]
        agency.services = [
            AgencyService(
                name_id=n_id,
                name_en=n_en,
                counter=counter,
                requirements_id=r_id,
                requirements_en=r_en,
                keywords=kw,
                link=link,
                position=i,
            )
            for i, (n_id, n_en, counter, r_id, r_en, kw, link) in enumerate(items)
        ]
        db.session.add(agency)
        yield f"service mall agency {slug}"
    db.session.flush()
