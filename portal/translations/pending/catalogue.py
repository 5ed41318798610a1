# ruff: noqa: E501
"""Indonesian for the msgids of the catalogue (portal/catalogue, templates/catalogue,
macros/dynamic_fields.html). Merged into messages.po at integration. For plural msgids both the
singular and the plural msgid are listed (Indonesian has one form)."""

T = {
    # Sectors (portal/catalogue/models.py, lazy_gettext as _l)
    "Buildings and spatial planning": "Bangunan dan tata ruang",
    "Health": "Kesehatan",
    "Trade and business": "Perdagangan dan usaha",
    "Tourism": "Pariwisata",
    "Education": "Pendidikan",
    "Research": "Penelitian",
    "Environment": "Lingkungan hidup",
    "Transport": "Perhubungan",
    "Social affairs": "Sosial",
    "Advertising": "Reklame",
    "General services": "Layanan umum",
    # Field errors (portal/catalogue/formspec.py)
    "This question cannot be answered right now.": "Pertanyaan ini belum dapat dijawab sekarang.",
    "%(label)s is %(n)s characters long; shorten it to at most %(limit)s characters.":
        "%(label)s berisi %(n)s karakter; persingkat menjadi paling banyak %(limit)s karakter.",
    "%(label)s needs at least %(limit)s characters.": "%(label)s harus berisi paling sedikit %(limit)s karakter.",
    "%(label)s is not in the expected format. Check it and try again.":
        "Format %(label)s tidak sesuai. Periksa lalu coba lagi.",
    "Enter an email address like name@example.com.": "Tulis alamat email seperti nama@contoh.com.",
    "%(label)s cannot be negative. Enter an amount of Rp 0 or more.":
        "%(label)s tidak boleh negatif. Tulis jumlah Rp 0 atau lebih.",
    "%(label)s must be between %(low)s and %(high)s.": "%(label)s harus antara %(low)s dan %(high)s.",
    "%(label)s must be at least %(low)s.": "%(label)s paling sedikit %(low)s.",
    "%(label)s must be at most %(high)s.": "%(label)s paling banyak %(high)s.",
    "Enter %(label)s as a real date, for example 2026-03-17.":
        "Tulis %(label)s dengan tanggal yang benar, contoh 2026-03-17.",
    "%(label)s cannot be in the future. Enter today's date or an earlier one.":
        "%(label)s tidak boleh tanggal yang akan datang. Tulis tanggal hari ini atau sebelumnya.",
    "%(label)s cannot be in the past. Enter today's date or a later one.":
        "%(label)s tidak boleh tanggal yang sudah lewat. Tulis tanggal hari ini atau sesudahnya.",
    "Choose one of the options for %(label)s.": "Pilih salah satu pilihan untuk %(label)s.",
    "Choose only from the options listed for %(label)s.": "Pilih hanya dari pilihan yang ada untuk %(label)s.",
    "Tick at least one option for %(label)s.": "Centang paling sedikit satu pilihan untuk %(label)s.",
    "Tick the box \"%(label)s\" to continue.": "Centang kotak \"%(label)s\" untuk melanjutkan.",
    "Enter a mobile number like 0812 3456 7890 or +62 812 3456 7890.":
        "Tulis nomor HP seperti 0812 3456 7890 atau +62 812 3456 7890.",
    "Enter the 16-digit NIK exactly as printed on the e-KTP (identity card).":
        "Tulis NIK 16 angka persis seperti tertulis di e-KTP.",
    "Enter the NPWP (tax ID) of 15 or 16 digits, for example 01.234.567.8-901.000.":
        "Tulis NPWP 15 atau 16 angka, contoh 01.234.567.8-901.000.",
    "Enter the NIB (business ID) of 13 digits from your OSS registration.":
        "Tulis NIB (Nomor Induk Berusaha) 13 angka dari OSS.",
    "Only needed if you ticked \"%(label)s\".": "Hanya perlu diisi jika Anda mencentang \"%(label)s\".",
    "Only needed if you did not tick \"%(label)s\".":
        "Hanya perlu diisi jika Anda tidak mencentang \"%(label)s\".",
    "Only needed if %(label)s is \"%(value)s\".": "Hanya perlu diisi jika %(label)s adalah \"%(value)s\".",
    "Yes": "Ya",
    "No": "Tidak",
    "Choose an answer for %(label)s.": "Pilih jawaban untuk %(label)s.",
    "Enter %(label)s.": "Isi %(label)s.",
    "Fill in %(label)s.": "Isi %(label)s.",
    "Enter %(label)s as a whole number using digits only, for example 12.":
        "Tulis %(label)s sebagai bilangan bulat dengan angka saja, contoh 12.",
    "Enter %(label)s as a number, for example 12 or 12,5.": "Tulis %(label)s sebagai angka, contoh 12 atau 12,5.",
    "Enter %(label)s as an amount in rupiah, for example 1.500.000.":
        "Tulis %(label)s sebagai jumlah rupiah, contoh 1.500.000.",
    # Form fields macro (templates/macros/dynamic_fields.html)
    "optional": "tidak wajib",
    "Choose…": "Pilih…",
    "Please correct the following:": "Mohon perbaiki hal berikut:",
    # Catalogue pages (templates/catalogue)
    "Permit types": "Jenis Izin",
    "Find the permit you need. Open it to see the requirements, the processing time and the fee before you start.":
        "Cari izin yang Anda perlukan. Buka untuk melihat persyaratan, jangka waktu penyelesaian dan "
        "biaya sebelum Anda mulai.",
    "Search permit types": "Cari jenis izin",
    "Search": "Cari",
    "For example: building, doctor, clinic, advertisement": "Contoh: bangunan, dokter, klinik, reklame",
    "Sector": "Bidang",
    "All sectors": "Semua bidang",
    "%(num)s permit type found.": "%(num)s jenis izin ditemukan.",
    "%(num)s permit types found.": "%(num)s jenis izin ditemukan.",
    "No permit type matches your search.": "Tidak ada jenis izin yang cocok dengan pencarian Anda.",
    "Show all permit types": "Tampilkan semua jenis izin",
    "No permit types are open for applications yet.": "Belum ada jenis izin yang dibuka untuk permohonan.",
    "More permit types": "Jenis izin lainnya",
    "Next page": "Halaman berikutnya",
    "Breadcrumb": "Navigasi",
    "Start application": "Mulai permohonan",
    "You will be asked to log in or create an account first.": "Anda akan diminta masuk atau mendaftar dulu.",
    "Service standard": "Standar Pelayanan",
    "Processing time": "Jangka Waktu Penyelesaian",
    "Fee": "Biaya",
    "Free": "Gratis",
    "%(num)s working day": "%(num)s hari kerja",
    "%(num)s working days": "%(num)s hari kerja",
    "What you receive": "Produk layanan",
    "Valid for": "Masa berlaku",
    "%(num)s year": "%(num)s tahun",
    "%(num)s years": "%(num)s tahun",
    "%(num)s month": "%(num)s bulan",
    "%(num)s months": "%(num)s bulan",
    "No expiry date": "Tidak ada batas waktu",
    "Legal basis": "Dasar Hukum",
    "Requirements: documents to upload": "Persyaratan: dokumen yang diunggah",
    "Prepare a scan or a clear photo of each document before you start.":
        "Siapkan hasil pindai atau foto yang jelas dari setiap dokumen sebelum Anda mulai.",
    "required": "wajib",
    "File types: %(types)s. Up to %(size)s MB per file.": "Jenis berkas: %(types)s. Paling besar %(size)s MB per berkas.",
    "Up to %(num)s file.": "Paling banyak %(num)s berkas.",
    "Up to %(num)s files.": "Paling banyak %(num)s berkas.",
    "See a sample": "Lihat contoh",
    "The form": "Formulir",
    "The form has %(num)s short page:": "Formulir terdiri dari %(num)s halaman singkat:",
    "The form has %(num)s short pages:": "Formulir terdiri dari %(num)s halaman singkat:",
    "%(num)s question": "%(num)s pertanyaan",
    "%(num)s questions": "%(num)s pertanyaan",
    "Your answers are saved at every page: you can stop and continue later.":
        "Jawaban Anda disimpan di setiap halaman: Anda bisa berhenti dan melanjutkan nanti.",
    "No documents are needed.": "Tidak ada dokumen yang diperlukan.",
    "Online applications for this permit are not open yet. Please contact the help desk.":
        "Permohonan online untuk izin ini belum dibuka. Silakan hubungi Layanan Bantuan.",
}
