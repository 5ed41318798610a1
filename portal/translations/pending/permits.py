"""Indonesian for the msgids of portal/permits (services, forms, views, templates/permits) and
the permit download link on the application page. Merged into messages.po at integration."""

T = {
    # The verification page's status, printed large.
    "VALID": "BERLAKU",
    "EXPIRED": "KEDALUWARSA",
    "REVOKED": "DICABUT",
    "Verify a permit": "Cek Keabsahan Izin",
    "This permit was issued by the office and is in force.":
        "Izin ini diterbitkan oleh Dinas dan masih berlaku.",
    "This permit was issued by the office, but its validity period has ended.":
        "Izin ini diterbitkan oleh Dinas, tetapi masa berlakunya sudah habis.",
    "This permit was issued by the office, but it has been revoked and is no longer in force.":
        "Izin ini diterbitkan oleh Dinas, tetapi sudah dicabut dan tidak berlaku lagi.",
    "Permit number": "Nomor izin",
    "Permit type": "Jenis izin",
    "Permit holder": "Pemegang izin",
    "Issued on": "Tanggal terbit",
    "Valid until": "Berlaku sampai",
    "No expiry": "Tidak ada batas waktu",
    "Revoked on": "Dicabut pada",
    "Reason": "Alasan",
    "Compare these details with the printed permit. The holder's name is partly hidden to "
    "protect their privacy. For questions, contact the office.":
        "Cocokkan data ini dengan dokumen izin yang dicetak. Nama pemegang izin sebagian "
        "disamarkan untuk melindungi privasinya. Jika ada pertanyaan, hubungi Dinas.",
    # The certificate (PDF).
    "Number": "Nomor",
    "NIK (national ID number)": "NIK (Nomor Induk Kependudukan)",
    "Tracking number": "Nomor Registrasi",
    "Scan the QR code or open this address to verify the permit":
        "Pindai kode QR atau buka alamat ini untuk memeriksa keabsahan izin",
    "Government of %(city)s": "Pemerintah %(city)s",
    "Issued at %(place)s": "Ditetapkan di %(place)s",
    "on %(date)s": "pada tanggal %(date)s",
    "This document was issued electronically through SatuPintu.":
        "Dokumen ini diterbitkan secara elektronik melalui SatuPintu.",
    # Issuing and revoking.
    "A permit is issued only for an approved application.":
        "Izin hanya diterbitkan untuk permohonan yang sudah disetujui.",
    "Only an approver can revoke a permit.": "Hanya Pejabat Penandatangan yang dapat mencabut izin.",
    "Give the reason for revoking the permit.": "Tuliskan alasan pencabutan izin.",
    "The reason is too long (at most %(limit)s characters).":
        "Alasan terlalu panjang (paling banyak %(limit)s karakter).",
    "This permit has already been revoked.": "Izin ini sudah dicabut.",
    "Reason for revoking": "Alasan pencabutan",
    "Shown to the permit holder and on the public verification page.":
        "Ditampilkan kepada pemegang izin dan di halaman Cek Keabsahan Izin.",
    "Revoke the permit": "Cabut izin",
    "The permit has been revoked. The verification page now shows it.":
        "Izin sudah dicabut. Halaman Cek Keabsahan Izin sekarang menampilkannya.",
    # The approver's permit page.
    "Permit": "Izin",
    "Status": "Status",
    "Public verification page": "Halaman Cek Keabsahan Izin",
    "Download the permit document": "Unduh Dokumen Izin",
    "Revoke this permit": "Cabut izin ini",
    "A revoked permit shows as REVOKED on its verification page at once. This cannot be undone.":
        "Izin yang dicabut langsung tampil DICABUT di halaman Cek Keabsahan Izin. Ini tidak "
        "dapat dibatalkan.",
    # The applicant's application page.
    "Revoked": "Dicabut",
}
