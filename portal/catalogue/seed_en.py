# ruff: noqa: E501
"""English for the Indonesian help texts and document descriptions of the reference data
(portal/data/permit_categories.json gives them in Indonesian only)."""

HELP_EN = {
    "13 bidang usaha menurut Permenpar 18/2016.": "The 13 business fields of Tourism Ministry Regulation 18/2016.",
    "13 digit NIB dari OSS.": "The 13-digit NIB from the OSS system.",
    "16 digit sesuai e-KTP.": "16 digits, as on your e-KTP.",
    "16 digit.": "16 digits.",
    "3 lantai atau lebih memerlukan perhitungan struktur.": "Three floors or more need structural calculations.",
    "Alamat lengkap, jangan disingkat.": "Full address, without abbreviations.",
    "Alamat tidak boleh disingkat.": "Write the address without abbreviations.",
    "Bangun baru, perubahan/perluasan, atau rehabilitasi; mempengaruhi indeks retribusi.":
        "New building, alteration/extension or rehabilitation; this affects the retribution index.",
    "Bila sewa, lampirkan perjanjian pemanfaatan.": "If rented, attach the land-use agreement.",
    "Bila sudah mendaftar di simbg.pu.go.id.": "If you have already registered at simbg.pu.go.id.",
    "Bila ya, lampirkan gambar & perhitungan konstruksi.": "If yes, attach the structure drawings and calculations.",
    "Contoh Bontang: tutupan bangunan maksimal 60% luas lahan.":
        "Example from Bontang: the building may cover at most 60% of the plot.",
    "Dalam wilayah kelurahan penerbit.": "Within the area of the issuing village office.",
    "Dasar perhitungan retribusi.": "Used to calculate the retribution.",
    "Diminta bersama permohonan tata ruang.": "Asked for with the spatial-planning application.",
    "Dokumen elektronik dapat dikirim ke email.": "Electronic documents can be sent to this email.",
    "Fungsi harus sesuai peruntukan di RTRW.": "The function must match the zoning in the city's spatial plan (RTRW).",
    "Hanya reklame berjalan.": "Only for advertisements on vehicles.",
    "Isi 'Seumur Hidup' atau tanggal.": "Write 'Seumur Hidup' (for life) or the expiry date.",
    "Izin umumnya berlaku 1 tahun.": "Permits are usually valid for 1 year.",
    "Jalan, RT, kelurahan, kecamatan.": "Street, RT, urban village, district.",
    "Kelurahan/kecamatan/instansi yang dituju.": "The village office, district office or agency you will visit.",
    "Kontrak minimal 5 tahun.": "A lease of at least 5 years.",
    "Mis. hotel, restoran, biro perjalanan wisata.": "For example a hotel, restaurant or travel agency.",
    "Mis. pembukaan rekening, pengajuan kredit, izin lanjutan.":
        "For example opening a bank account, applying for credit, or a further permit.",
    "Nama dan NIK anggota (penelitian kelompok).": "Names and NIKs of the members (group research).",
    "Perawat, bidan, kefarmasian, analis, gizi.": "Nurses, midwives, pharmacy staff, lab analysts, nutritionists.",
    "Perorangan atau badan usaha.": "An individual or a business entity.",
    "Perseorangan WNI, badan usaha, atau badan usaha berbadan hukum yang berkedudukan di Indonesia.":
        "An Indonesian individual, a business entity, or an incorporated business based in Indonesia.",
    "SIP diberikan paling banyak untuk 3 tempat praktik.": "A doctor may hold a SIP for at most 3 practice places.",
    "Sebagian kelurahan hanya menerbitkan domisili bila sudah menetap min. 1 tahun.":
        "Some village offices issue the letter only after you have been there for at least 1 year.",
    "Sesuai KTP.": "As written on your ID card (KTP).",
    "Sesuai STR.": "As written on your STR.",
    "Tetap dan tidak tetap.": "Permanent or temporary.",
    "Untuk notifikasi status permohonan.": "We send status updates to this number.",
    "Untuk perpanjangan.": "For a renewal.",
    "Untuk perpanjangan/pencabutan.": "For a renewal or withdrawal.",
    "Usaha mikro/kecil perseorangan dapat mendaftar secara sukarela.":
        "Micro and small sole-proprietor businesses may register voluntarily.",
}

DESCRIPTION_EN = {
    "Surat permohonan ditandatangani di atas meterai Rp10.000.": "The application letter, signed over a Rp10,000 duty stamp.",
    "Identitas pemohon (KTP; KITAS bagi WNA).": "The applicant's identity card (KTP; KITAS for foreigners).",
    "Hanya bila pengurusan dikuasakan kepada orang lain.": "Only if someone else applies on your behalf.",
    "Sertifikat/surat tanah yang dilegalisir pejabat berwenang.": "Land certificate or deed, legalised by the competent official.",
    "Wajib bila bangunan berdiri di atas tanah milik pihak lain (sewa).": "Needed if the building stands on someone else's land (rented).",
    "Pernyataan pemohon bermeterai.": "The applicant's statement with a duty stamp.",
    "Tahun berjalan (Seruyan); sebagian daerah meminta 2 tahun terakhir (Bontang).":
        "For the current year (Seruyan); some regions ask for the last 2 years (Bontang).",
    "Memastikan lokasi sesuai rencana tata ruang.": "Shows that the site fits the spatial plan.",
    "Untuk bangunan yang berdampak pada lingkungan sekitar.": "For buildings that affect their surroundings.",
    "Denah, tampak, potongan, detail, site plan; format A3 pada praktik IMB lama Samarinda.":
        "Floor plans, elevations, sections, details and site plan; A3 size in Samarinda's former practice.",
    "Untuk bangunan 3 lantai atau lebih / menara; data sondir diminta di Bontang.":
        "For buildings of 3 floors or more, or towers; Bontang also asks for soil test data.",
    "Badan usaha atau arsitek bersertifikat; surat penunjukan konsultan bila ada.":
        "A certified firm or architect; the consultant's appointment letter if there is one.",
    "Mencakup seluruh komponen bangunan.": "Covering every part of the building.",
    "Bahan bangunan dan metode konstruksi.": "Building materials and construction method.",
    "Surat pernyataan pemohon.": "A statement signed by the applicant.",
    "Khusus pemohon berbadan hukum (PT dengan pengesahan Kemenkumham).":
        "Only for incorporated applicants (a PT approved by the Ministry of Law).",
    "Diketahui RT/RW, Lurah dan Camat setempat.": "Acknowledged by the local RT/RW, village head and district head.",
    "Diminta di Bontang.": "Asked for in Bontang.",
    "Diisi dan ditandatangani pemohon.": "Filled in and signed by the applicant.",
    "KTP yang masih berlaku.": "A valid identity card (KTP).",
    "Bila pengurusan dikuasakan.": "If someone applies on your behalf.",
    "Bagi pemohon berbentuk badan.": "For applicants that are organisations.",
    "NPWP usaha/pribadi; Sinjai juga meminta NPWP Daerah.": "Business or personal tax ID; Sinjai also asks for the regional tax ID.",
    "Bila titik reklame bukan milik pemohon.": "If the advertisement site does not belong to the applicant.",
    "Untuk reklame berkonstruksi; reklame > 6 m² di Tabanan juga perlu kajian teknis konsultan.":
        "For advertisements with a structure; in Tabanan, those over 6 m² also need a consultant's technical review.",
    "Desain materi reklame yang akan dipasang.": "The design of the advertisement to be put up.",
    "Titik pemasangan reklame.": "Where the advertisement will be put up.",
    "Dibayar lebih dulu ke Bapenda.": "Paid beforehand to the regional revenue agency (Bapenda).",
    "Mis. dari Dinas Perkim bila diperlukan.": "For example from the housing and settlements office, when needed.",
    "Khusus reklame berjalan.": "Only for advertisements on vehicles.",
    "Untuk perpanjangan.": "For a renewal.",
    "Untuk reklame besar (> 6 m²) di Tabanan.": "For large advertisements (over 6 m²) in Tabanan.",
    "Memuat pernyataan kebenaran dan keabsahan dokumen, bermeterai.":
        "States that the documents are true and valid, with a duty stamp.",
    "Sambas: wajib untuk praktik mandiri.": "Sambas: needed for a private practice.",
    "STR dari Konsil; sejak UU 17/2023 STR berlaku seumur hidup.":
        "The STR from the Medical Council; since Law 17/2023 the STR is valid for life.",
    "Sesuai wilayah tempat praktik.": "From the area of the practice place.",
    "Dari pimpinan fasyankes (RS, puskesmas, klinik) atau pernyataan memiliki tempat praktik mandiri.":
        "From the head of the health facility (hospital, puskesmas, clinic), or a statement that you have a private practice.",
    "Fotokopi izin fasilitas tempat bekerja.": "A copy of the licence of the facility where you work.",
    "Dari dokter yang memiliki SIP / dokter pemerintah.": "From a doctor who holds a SIP, or a government doctor.",
    "Bagi dokter ASN/TNI/Polri atau yang bekerja purna waktu di fasyankes lain.":
        "For doctors who are civil servants, military or police, or who work full time at another facility.",
    "3 lembar; Sambas meminta latar merah.": "3 copies; Sambas asks for a red background.",
    "Untuk permohonan SIP kedua atau ketiga, dan SIP lama untuk perpanjangan.":
        "For a second or third SIP, and the old SIP for a renewal.",
    "Khusus praktik mandiri.": "Only for a private practice.",
    "Khusus perpanjangan (Magelang).": "Only for a renewal (Magelang).",
    "Perorangan: diketahui lurah/kepala desa domisili; mahasiswa/dosen: ditandatangani pimpinan bidang penelitian perguruan tinggi; badan usaha/ormas: pimpinan bidang penelitian.":
        "Individuals: acknowledged by the village head where you live; students and lecturers: signed by the "
        "university's head of research; businesses and organisations: by their head of research.",
    "Memuat latar belakang, maksud & tujuan, ruang lingkup, jangka waktu, sasaran, metode, lokasi, dan hasil yang diharapkan.":
        "With the background, aims, scope, time frame, target, method, location and expected results.",
    "Bermeterai Rp10.000.": "With a Rp10,000 duty stamp.",
    "3 lembar (peneliti atau ketua tim).": "3 copies (the researcher or team leader).",
    "Untuk peneliti mahasiswa (praktik Kesbangpol Tegal).": "For student researchers (practice of Kesbangpol Tegal).",
    "Badan usaha: pengesahan badan hukum; ormas tidak berbadan hukum: Surat Keterangan Terdaftar; ormas berbadan hukum: SK pengesahan.":
        "Businesses: the legal entity approval; unincorporated organisations: the registration letter (SKT); "
        "incorporated organisations: the approval decree.",
    "Bila dikuasakan, beserta KTP penerima kuasa.": "If someone applies for you, with that person's identity card.",
    "Atau identitas sah lain.": "Or another valid identity document.",
    "Bagi pemohon badan usaha; untuk jasa perjalanan wisata, maksud dan tujuan harus mencantumkan usaha tersebut.":
        "For business entities; for travel services, the deed's purpose must name that business.",
    "TDUP diterbitkan melalui OSS setelah NIB.": "The TDUP is issued through OSS after the NIB.",
    "Sesuai skala usaha.": "According to the size of the business.",
    "Khusus usaha daya tarik wisata.": "Only for tourist attraction businesses.",
    "Bagi usaha yang sebelumnya dikenai sanksi (TDUP dibekukan).": "For businesses sanctioned before (TDUP frozen).",
    "Malang: wajib untuk klinik rawat inap.": "Malang: needed for inpatient clinics.",
    "Bukti kepemilikan yang disahkan notaris atau kontrak minimal 5 tahun.":
        "Proof of ownership certified by a notary, or a lease of at least 5 years.",
    "Lokasi, bangunan & ruangan, sarana-prasarana, ketenagaan, peralatan, kefarmasian, laboratorium, jenis pelayanan; visi-misi dan struktur organisasi.":
        "Location, building and rooms, facilities, staff, equipment, pharmacy, laboratory, services; mission and "
        "organisation chart.",
    "Limbah padat/B3; izin limbah cair dan uji baku mutu air pada perpanjangan.":
        "Solid and hazardous waste; for a renewal, the waste-water permit and water quality test.",
    "Terbit setelah visitasi tim Dinkes; asli.": "Issued after the health office's site visit; the original.",
    "Untuk perubahan/perpanjangan.": "For a change or renewal.",
    "Bila diwakilkan.": "If someone applies on your behalf.",
    "Menyatakan pemohon benar berdomisili/berusaha di alamat tersebut.":
        "Confirms that the applicant lives or does business at that address.",
    "Tetangga kanan, kiri, depan, belakang tempat usaha.": "The neighbours on the right, left, front and back of the business.",
    "Untuk CV/PT.": "For a CV or PT.",
    "Diminta di sebagian daerah.": "Asked for in some regions.",
    "Bila STR dalam proses, bukti permohonan STR dapat dilampirkan (Humbahas).":
        "If the STR is being processed, the proof of the STR application may be attached (Humbahas).",
    "Sesuai tempat praktik.": "From the practice place.",
    "Dari pimpinan fasilitas pelayanan kefarmasian (apotek, RS, klinik).":
        "From the head of the pharmacy facility (pharmacy, hospital, clinic).",
    "2 lembar.": "2 copies.",
    "Untuk SIPA kedua/ketiga.": "For a second or third SIPA.",
}
