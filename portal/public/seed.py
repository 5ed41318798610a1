"""Demo content for the public pages: a few news items and FAQ entries (Indonesian, as the
office would write them). Idempotent: an item whose title or question exists is skipped."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from portal.db import utcnow
from portal.extensions import db
from portal.public.markup import render_markdown
from portal.public.models import FaqEntry, News

NEWS = [
    (
        "Layanan perizinan daring SatuPintu dibuka",
        "Mulai hari ini permohonan izin dapat diajukan **dari rumah** melalui SatuPintu.\n\n"
        "- Pilih Jenis Izin\n- Isi formulir dan unggah dokumen\n- Pantau status dengan Nomor Registrasi\n\n"
        "Setiap langkah dilengkapi [Video Panduan](/tutorials).",
    ),
    (
        "Jadwal layanan selama cuti bersama Idulfitri 1447 H",
        "Kantor tutup pada **20 sampai 24 Maret 2026**. Permohonan tetap dapat diajukan secara daring; "
        "hari libur tidak dihitung dalam Jangka Waktu Penyelesaian.",
    ),
]
FAQ = [
    (
        "Akun",
        1,
        "Saya tidak menerima email konfirmasi. Apa yang harus saya lakukan?",
        "Periksa folder *Spam*. Jika tetap tidak ada, masuk lalu tekan **Kirim ulang email "
        "konfirmasi**, atau hubungi Layanan Bantuan.",
    ),
    (
        "Akun",
        2,
        "Apakah saya perlu akun untuk menyampaikan pengaduan?",
        "Tidak. Pengaduan dapat dikirim tanpa akun di halaman [Pengaduan](/complaints).",
    ),
    (
        "Permohonan",
        1,
        "Berapa lama permohonan saya diproses?",
        "Sesuai Jangka Waktu Penyelesaian pada Standar Pelayanan setiap Jenis Izin, dihitung dalam "
        "hari kerja. Waktu berhenti selama permohonan menunggu perbaikan dari Anda.",
    ),
    (
        "Permohonan",
        2,
        "Apakah ada biaya?",
        "Sebagian besar layanan tidak dipungut biaya. Biaya setiap Jenis Izin tercantum pada "
        "halaman persyaratannya.",
    ),
    (
        "Dokumen",
        1,
        "Berkas apa yang dapat diunggah?",
        "PDF, JPEG, atau PNG sesuai keterangan pada setiap dokumen, dengan ukuran paling besar "
        "yang tertulis di sana.",
    ),
]


def seed_public_demo() -> Iterator[str]:
    titles = set(db.session.scalars(select(News.title)))
    for title, body in NEWS:
        if title in titles:
            continue
        db.session.add(News(title=title, body=body, body_html=render_markdown(body), published_at=utcnow()))
        yield f"news: {title}"
    questions = set(db.session.scalars(select(FaqEntry.question)))
    for topic, position, question, answer in FAQ:
        if question in questions:
            continue
        db.session.add(
            FaqEntry(
                topic=topic,
                position=position,
                question=question,
                answer=answer,
                answer_html=render_markdown(answer),
            )
        )
        yield f"faq: {question}"
    db.session.commit()
