# Indonesian for the lead's later texts (plural forms: the singular msgid is the key).
T = {
    "%(num)d application assigned.": "%(num)d permohonan sudah ditugaskan.",
    "%(num)d working day": "%(num)d hari kerja",
    "%(num)d working day overdue": "terlambat %(num)d hari kerja",
    "A flagged answer is not part of this form.": "Jawaban yang ditandai tidak ada di formulir ini.",
    "A flagged document is not part of this form.": "Dokumen yang ditandai tidak ada di formulir ini.",
    "Another officer": "Verifikator lain",
    "You": "Anda",
    "approval": "persetujuan",
    "rejection": "penolakan",
    "Check": "Pemeriksaan",
    "not checked yet": "belum diperiksa",
    "accepted": "diterima",
    "flagged for correction": "ditandai untuk diperbaiki",
    "Permit types": "Jenis Izin",
    "The office will finish your application by %(date)s at the latest. If it asks you for corrections, the time stops until you send them.":
        "Dinas akan menyelesaikan permohonan Anda paling lambat %(date)s. Jika Dinas meminta perbaikan, waktu penyelesaian berhenti sampai Anda mengirim perbaikannya.",
    "The portal is busy. Wait a moment and press “Submit application” again.":
        "Portal sedang sibuk. Tunggu sebentar, lalu tekan “Ajukan permohonan” lagi.",
}
T["The office cannot store files at the moment. Your file was not saved; try again later, and if it keeps happening, contact the help desk."] = (
    "Kantor belum bisa menyimpan berkas saat ini. Berkas Anda tidak tersimpan; coba lagi nanti, "
    "dan jika masih terjadi, hubungi Layanan Bantuan.")
