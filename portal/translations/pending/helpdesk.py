"""Indonesian for the help desk's msgids (portal/helpdesk, templates/helpdesk, the assist code
page, the tutorial email and the two nav links). Merged into messages.po at integration."""

T = {
    # channels, document states, error codes
    "Phone": "Telepon",
    "WhatsApp": "WhatsApp",
    "Walk-in": "Datang langsung",
    "Email": "Email",
    "waiting for the office's check": "menunggu diperiksa petugas",
    "accepted": "diterima",
    "needs a new file": "perlu berkas baru",
    "left empty": "tidak diisi",
    "too long": "terlalu panjang",
    "too short": "terlalu pendek",
    "not a number": "bukan angka",
    "number outside the allowed range": "angka di luar batas yang diizinkan",
    "not a valid date": "tanggal tidak valid",
    "date must be today or later": "tanggal harus hari ini atau sesudahnya",
    "date must be today or earlier": "tanggal harus hari ini atau sebelumnya",
    "not one of the choices": "bukan salah satu pilihan",
    "not a valid email address": "alamat email tidak valid",
    "not a valid mobile number": "nomor HP tidak valid",
    "not a valid NIK": "NIK tidak valid",
    "not a valid NPWP": "NPWP tidak valid",
    "not a valid NIB": "NIB tidak valid",
    "wrong format": "format salah",
    "no file chosen": "belum memilih berkas",
    "the file is empty": "berkas kosong",
    "the file is too large": "berkas terlalu besar",
    "wrong file type": "jenis berkas salah",
    "the image is too large (pixels)": "gambar terlalu besar (piksel)",
    "the image cannot be read": "gambar tidak dapat dibaca",
    "the PDF cannot be read": "PDF tidak dapat dibaca",
    "the PDF is password-protected": "PDF dikunci dengan kata sandi",
    "the PDF contains scripts or attachments": "PDF berisi skrip atau lampiran",
    # services and forms
    "from the start": "dari awal",
    "Choose a video guide.": "Pilih Video Panduan.",
    "That chapter is not in this video guide.": "Bagian itu tidak ada di Video Panduan ini.",
    "A video guide from the help desk": "Video Panduan dari Layanan Bantuan",
    "The help desk sent you a video guide: %(title)s":
        "Layanan Bantuan mengirimkan Video Panduan untuk Anda: %(title)s",
    "Choose how the applicant contacted us.": "Pilih cara Pemohon menghubungi kami.",
    "Write the topic in a few words.": "Tulis topiknya dalam beberapa kata.",
    "Write what was said.": "Tulis apa yang dibicarakan.",
    "The note is too long.": "Catatan terlalu panjang.",
    "Too many wrong codes. Wait %(minutes)d minutes and try again.":
        "Terlalu banyak kode salah. Tunggu %(minutes)d menit lalu coba lagi.",
    "The code is not right, or it has expired or been ended. Ask the applicant to read it again "
    "or to make a new one.":
        "Kode tidak benar, sudah kedaluwarsa, atau sudah diakhiri. Minta Pemohon membacakannya "
        "lagi atau membuat kode baru.",
    "The start date must be on or before the end date.":
        "Tanggal awal harus sama dengan atau sebelum tanggal akhir.",
    "Choose at most %(days)d days.": "Pilih paling banyak %(days)d hari.",
    "Please fill in this field.": "Mohon isi kolom ini.",
    "Name, email, NIK, phone or tracking number": "Nama, email, NIK, nomor HP, atau Nomor Registrasi",
    "Search by": "Cari berdasarkan",
    "Automatic": "Otomatis",
    "Name (part of it)": "Nama (sebagian)",
    "NIK": "NIK",
    "Tracking number": "Nomor Registrasi",
    "Video guide and chapter": "Video Panduan dan bagiannya",
    "Send to the applicant": "Kirim ke Pemohon",
    "How did they contact us?": "Bagaimana Pemohon menghubungi kami?",
    "Topic": "Topik",
    "What was said": "Isi pembicaraan",
    "Resolved": "Selesai",
    "Save note": "Simpan catatan",
    "Assist code": "Kode Bantuan",
    "The 6 digits the applicant reads to you.": "6 angka yang dibacakan Pemohon kepada Anda.",
    "Open their draft": "Buka draf Pemohon",
    "From": "Dari",
    "To": "Sampai",
    "Show": "Tampilkan",
    # views
    "A new verification email has been sent to the applicant.":
        "Email verifikasi baru sudah dikirim ke Pemohon.",
    "This email address is already verified.": "Alamat email ini sudah terverifikasi.",
    "The video guide has been sent to the applicant by email and as a notice.":
        "Video Panduan sudah dikirim ke Pemohon lewat email dan pemberitahuan.",
    "The note has been saved.": "Catatan sudah disimpan.",
    "The case is marked as resolved.": "Kasus ditandai selesai.",
    "Enter dates as shown, for example 2026-01-31.":
        "Tulis tanggal seperti contoh, misalnya 2026-01-31.",
    "Read this code to the help desk. It works for 15 minutes.":
        "Bacakan kode ini kepada Layanan Bantuan. Kode berlaku 15 menit.",
    "The help desk can no longer see your application.":
        "Layanan Bantuan tidak dapat lagi melihat Permohonan Anda.",
    # templates
    "Assisted view": "Tampilan bantuan",
    "You see the draft as the applicant sees it, read-only. The applicant can see that you "
    "looked.":
        "Anda melihat draf seperti yang dilihat Pemohon, hanya baca. Pemohon dapat melihat bahwa "
        "Anda sudah melihatnya.",
    "The code works until %(time)s.": "Kode berlaku sampai %(time)s.",
    "Refresh": "Muat ulang",
    "Back to the applicant": "Kembali ke Pemohon",
    "Updated": "Diperbarui",
    "The session has ended.": "Sesi sudah berakhir.",
    "Help desk": "Layanan Bantuan",
    "Find an applicant": "Cari Pemohon",
    "Exact email, NIK, phone or tracking number; part of a name.":
        "Email, NIK, nomor HP, atau Nomor Registrasi yang lengkap; atau sebagian nama.",
    "Search": "Cari",
    "Results": "Hasil",
    "No applicant found. Check the spelling, or search by another detail.":
        "Pemohon tidak ditemukan. Periksa ejaan, atau cari dengan data lain.",
    "Applicants found": "Pemohon yang ditemukan",
    "Name": "Nama",
    "Email verified": "Email terverifikasi",
    "Registered on": "Terdaftar pada",
    "Yes": "Ya",
    "No": "Tidak",
    "More results": "Hasil berikutnya",
    "Where people get stuck": "Di mana Pemohon tersendat",
    "Date range": "Rentang tanggal",
    "Applications started from %(start)s to %(end)s.":
        "Permohonan yang dimulai dari %(start)s sampai %(end)s.",
    "How far drafts got, per permit type": "Sejauh mana draf berjalan, per Jenis Izin",
    "“Reached” counts applications that got at least that far. A draft counts at the last step "
    "it was at.":
        "“Sampai” menghitung Permohonan yang paling tidak sampai ke langkah itu. Draf dihitung "
        "pada langkah terakhir yang dibuka.",
    "No applications were started in this period.": "Tidak ada Permohonan yang dimulai pada periode ini.",
    "Submitted": "Diajukan",
    "How far drafts got": "Sejauh mana draf berjalan",
    "Step": "Langkah",
    "Applications": "Permohonan",
    "Fields with the most errors": "Isian dengan kesalahan terbanyak",
    "No errors were recorded in this period.": "Tidak ada kesalahan yang tercatat pada periode ini.",
    "Permit type": "Jenis Izin",
    "Field": "Isian",
    "Problem": "Masalah",
    "Times": "Jumlah",
    "Median time spent (hours), submitted applications":
        "Waktu tengah (median) yang dipakai (jam), Permohonan yang sudah diajukan",
    "From starting the application to the first document upload (requirements and form), from "
    "that upload to submitting (documents and review), and in total.":
        "Dari mulai Permohonan sampai unggah dokumen pertama (persyaratan dan formulir), dari "
        "unggahan itu sampai diajukan (dokumen dan pemeriksaan), dan seluruhnya.",
    "No application started in this period has been submitted.":
        "Belum ada Permohonan dari periode ini yang diajukan.",
    "Median hours from start to submission": "Median jam dari mulai sampai diajukan",
    "Requirements and form": "Persyaratan dan formulir",
    "Documents and review": "Dokumen dan pemeriksaan",
    "Total": "Total",
    "Did they watch the step’s video guide?": "Apakah mereka menonton Video Panduan langkah itu?",
    "For each step with a video guide: the share of applicants who got past the step and of "
    "those whose draft stopped there who watched any of that guide.":
        "Untuk setiap langkah yang punya Video Panduan: persentase Pemohon yang berhasil melewati "
        "langkah itu dan yang drafnya berhenti di sana, yang pernah menonton panduan itu.",
    "No step of these applications has a video guide.":
        "Tidak ada langkah Permohonan ini yang punya Video Panduan.",
    "got through": "berhasil lewat",
    "stopped": "berhenti",
    "Share who watched the video guide": "Persentase yang menonton Video Panduan",
    "Video guide": "Video Panduan",
    "Got through: watched": "Berhasil lewat: menonton",
    "Stopped here: watched": "Berhenti di sini: menonton",
    "Open cases": "Kasus terbuka",
    "There are no open cases.": "Tidak ada kasus terbuka.",
    "When": "Waktu",
    "Applicant": "Pemohon",
    "Channel": "Saluran",
    "Recorded by": "Dicatat oleh",
    "Actions": "Tindakan",
    "Mark resolved": "Tandai selesai",
    "Older cases": "Kasus sebelumnya",
    "Read-only: this page never shows the answers or the files of an application. To see a "
    "draft, ask the applicant for an assist code.":
        "Hanya baca: halaman ini tidak pernah menampilkan jawaban atau berkas Permohonan. Untuk "
        "melihat draf, minta Kode Bantuan kepada Pemohon.",
    "Profile": "Profil",
    "verified": "terverifikasi",
    "not verified": "belum terverifikasi",
    "NIK, partly hidden": "NIK, sebagian disembunyikan",
    "Phone, partly hidden": "Nomor HP, sebagian disembunyikan",
    "Language": "Bahasa",
    "Resend verification email": "Kirim ulang email verifikasi",
    "No applications yet.": "Belum ada Permohonan.",
    "Status": "Status",
    "Started on": "Dimulai pada",
    "Last change": "Perubahan terakhir",
    "Stage reached": "Tahap yang dicapai",
    "Required documents uploaded: %(n)d of %(total)d": "Dokumen wajib yang diunggah: %(n)d dari %(total)d",
    "Steps": "Langkah",
    "done": "selesai",
    "reached": "sudah dibuka",
    "not yet": "belum",
    "Latest errors they saw": "Kesalahan terakhir yang mereka lihat",
    "Timeline": "Riwayat",
    "Video guides watched": "Video Panduan yang ditonton",
    "No video guide watched yet.": "Belum ada Video Panduan yang ditonton.",
    "%(percent)d%% of the video": "%(percent)d%% dari video",
    "watched": "sudah ditonton",
    "not watched": "belum ditonton",
    "See their draft (with their consent)": "Lihat draf Pemohon (dengan izin Pemohon)",
    "Ask the applicant to open “Assist code” in their account and read you the 6 digits.":
        "Minta Pemohon membuka “Kode Bantuan” di akunnya dan membacakan 6 angkanya kepada Anda.",
    "Send a video guide": "Kirim Video Panduan",
    "There are no published video guides yet.": "Belum ada Video Panduan yang diterbitkan.",
    "Support notes": "Catatan layanan",
    "No notes yet.": "Belum ada catatan.",
    "resolved": "selesai",
    "open": "terbuka",
    "Too many wrong codes": "Terlalu banyak kode salah",
    "This protects applicants: assist codes cannot be guessed by trying many numbers. Every try "
    "is recorded.":
        "Ini melindungi Pemohon: Kode Bantuan tidak bisa ditebak dengan mencoba banyak angka. "
        "Setiap percobaan dicatat.",
    "The assist code has expired or the applicant ended the session. Ask for a new code to see "
    "the draft again.":
        "Kode Bantuan sudah kedaluwarsa atau Pemohon sudah mengakhiri sesi. Minta kode baru untuk "
        "melihat draf lagi.",
    "The applicant has no draft that can be changed right now.":
        "Pemohon tidak punya draf yang bisa diubah saat ini.",
    "Stage": "Tahap",
    "Other drafts": "Draf lain",
    "Errors on the page now": "Kesalahan di halaman saat ini",
    "Documents": "Dokumen",
    "required": "wajib",
    "not uploaded": "belum diunggah",
    "Earlier errors": "Kesalahan sebelumnya",
    "Talking to the help desk? Make a code and read it to them. With it they can see your "
    "application as you see it, without changing anything, for 15 minutes or until you end it.":
        "Sedang berbicara dengan Layanan Bantuan? Buat kode lalu bacakan kepada petugas. Dengan "
        "kode itu petugas dapat melihat Permohonan Anda seperti yang Anda lihat, tanpa mengubah "
        "apa pun, selama 15 menit atau sampai Anda mengakhirinya.",
    "Your code": "Kode Anda",
    "A code is active, but it is not shown again here. Make a new code if you need it.":
        "Ada kode yang aktif, tetapi tidak ditampilkan lagi di sini. Buat kode baru jika perlu.",
    "Works until %(time)s.": "Berlaku sampai %(time)s.",
    "End: the help desk stops seeing my application":
        "Akhiri: Layanan Bantuan berhenti melihat Permohonan saya",
    "Make a new code": "Buat kode baru",
    "Make an assist code": "Buat Kode Bantuan",
    "Who from the help desk looked": "Petugas Layanan Bantuan yang sudah melihat",
    "Nobody has used an assist code to look at your application.":
        "Belum ada yang memakai Kode Bantuan untuk melihat Permohonan Anda.",
    "Help desk staff": "Petugas Layanan Bantuan",
    "Last looked": "Terakhir melihat",
    # email
    "Hello %(name)s,": "Halo %(name)s,",
    "The help desk of %(office)s sent you a video guide that shows the next step:":
        "Layanan Bantuan %(office)s mengirimkan Video Panduan yang menunjukkan langkah berikutnya:",
    "Open this link to watch it:": "Buka tautan ini untuk menontonnya:",
}
