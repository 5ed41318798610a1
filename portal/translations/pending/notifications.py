# ruff: noqa: E501
"""Indonesian for the msgids of the notifications (portal/notifications, applications/notify.py,
templates/email/officer_resubmitted.txt and status_approved.txt, templates/notifications, the
bell in base.html). Merged into messages.po at integration."""

T = {
    # The bell (base.html) and the notices page
    "Notifications (%(count)s)": "Notifikasi (%(count)s)",
    "Notifications": "Notifikasi",
    "Mark all as read": "Tandai semua sudah dibaca",
    "Mark as read": "Tandai sudah dibaca",
    "New": "Baru",
    "Older notifications": "Notifikasi sebelumnya",
    "Newest notifications": "Notifikasi terbaru",
    "You have no notifications.": "Belum ada notifikasi.",
    "All notifications are marked as read.": "Semua notifikasi sudah ditandai dibaca.",
    # The officer's email when a flagged application is resubmitted
    "Corrections to check: %(number)s": "Perbaikan perlu diperiksa: %(number)s",
    "The applicant has corrected application %(number)s, which you asked to be corrected, and submitted it again. Please check the corrected items.":
        "Pemohon sudah memperbaiki permohonan %(number)s yang Anda minta diperbaiki, lalu mengajukannya ulang. Silakan periksa bagian yang diperbaiki.",
    "Open the application in the back office:": "Buka permohonan di halaman petugas:",
    # The submission email (status_submitted.txt)
    "The office will finish your application by %(date)s at the latest. If it asks you for corrections, the time stops until you send them.":
        "Dinas akan menyelesaikan permohonan Anda paling lambat %(date)s. Jika Dinas meminta perbaikan, waktu penyelesaian berhenti sampai Anda mengirim perbaikan.",
    # The approval email
    "Permit number: %(number)s": "Nomor izin: %(number)s",
    "Download the permit document:": "Unduh dokumen izin:",
}
