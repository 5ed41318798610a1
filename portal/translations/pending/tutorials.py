"""Indonesian for the msgids of the video tutorials (portal/tutorials, templates/tutorials)."""

T = {
    "Video guides": "Video Panduan",
    "Video guide": "Video Panduan",
    "Breadcrumb": "Navigasi",
    "Search": "Cari",
    "Chapters": "Bagian",
    "Your browser cannot play this video.": "Peramban Anda tidak dapat memutar video ini.",
    "Open the video file": "Buka berkas video",
    "Smaller video (for slow connections)": "Video lebih kecil (untuk internet lambat)",
    "Listen only (audio)": "Dengar saja (audio)",
    "Full transcript": "Teks Narasi lengkap",
    "Watched": "Sudah ditonton",
    "Transcript": "Teks Narasi",
    "Watch how": "Lihat caranya",
    "All video guides": "Semua Video Panduan",
    "Short videos that show each step of applying for a permit, with captions and a transcript.":
        "Video singkat yang menunjukkan setiap langkah mengajukan izin, dengan teks dan Teks Narasi.",
    "Search the video guides": "Cari Video Panduan",
    'Words from a title or from what the video says, for example "upload" or "NIK".':
        'Kata dari judul atau dari isi video, misalnya "unggah" atau "NIK".',
    '%(num)d video guide found for "%(q)s".': '%(num)d Video Panduan ditemukan untuk "%(q)s".',
    "Show all": "Tampilkan semua",
    "No video guide matches. Try another word, or call the help desk.":
        "Tidak ada Video Panduan yang cocok. Coba kata lain, atau hubungi Layanan Bantuan.",
    "Length": "Durasi",
    "Matches your search": "Cocok dengan pencarian Anda",
    "This video guide is not published yet; only administrators can see it.":
        "Video Panduan ini belum terbit; hanya admin yang dapat melihatnya.",
    "Starting at chapter: %(title)s": "Mulai dari bagian: %(title)s",
    "Caption files (WebVTT)": "Berkas teks video (WebVTT)",
    "Unknown stage: %(stage)s.": "Tahap tidak dikenal: %(stage)s.",
    "The tutorial has no chapter with the id %(chapter)s.":
        "Video Panduan ini tidak punya bagian dengan kode %(chapter)s.",
    "The video address must start with https:// and be on one of these sites: %(hosts)s.":
        "Alamat video harus diawali https:// dan berasal dari salah satu situs ini: %(hosts)s.",
    "Add a video file or a video address before publishing.":
        "Tambahkan berkas video atau alamat video sebelum menerbitkan.",
    "Add captions in Indonesian and English before publishing.":
        "Tambahkan teks video dalam bahasa Indonesia dan bahasa Inggris sebelum menerbitkan.",
    # Stage names (portal/tutorials/stages.py)
    "Create an account": "Daftar akun",
    "Log in": "Masuk",
    "Choose the permit type": "Pilih Jenis Izin",
    "Read the requirements": "Baca Persyaratan",
    "Fill in the form": "Isi formulir",
    "Upload the documents": "Unggah dokumen",
    "Check and submit": "Periksa dan ajukan",
    "Track the status": "Pantau status",
    "Make corrections": "Perbaiki permohonan",
    "Download the permit": "Unduh izin",
}
