"""Indonesian for the msgids of portal/storage (errors.py). Merged into messages.po at integration."""

T = {
    # What a refused file looks like ("Berkas ini <found>; ...").
    "a PDF document": "dokumen PDF",
    "a JPEG image": "gambar JPEG",
    "a PNG image": "gambar PNG",
    "a GIF image": "gambar GIF",
    "a BMP image": "gambar BMP",
    "a TIFF image": "gambar TIFF",
    "a WebP image": "gambar WebP",
    "a HEIC photo (the iPhone photo format)": "foto HEIC (format foto iPhone)",
    "an AVIF image": "gambar AVIF",
    "an SVG drawing": "gambar SVG",
    "a web page (HTML)": "halaman web (HTML)",
    "an XML file": "berkas XML",
    "a ZIP archive": "arsip ZIP",
    "a RAR archive": "arsip RAR",
    "a 7-Zip archive": "arsip 7-Zip",
    "a compressed (gzip) file": "berkas terkompresi (gzip)",
    "a Word document": "dokumen Word",
    "an Excel spreadsheet": "lembar kerja Excel",
    "a PowerPoint presentation": "presentasi PowerPoint",
    "an old Office document (Word, Excel or PowerPoint)": "dokumen Office lama (Word, Excel atau PowerPoint)",
    "an RTF document": "dokumen RTF",
    "a program (EXE)": "program (EXE)",
    "a program": "program",
    "a script": "skrip",
    "an MP4 video": "video MP4",
    "a QuickTime video (MOV)": "video QuickTime (MOV)",
    "a WebM video": "video WebM",
    "a Matroska video (MKV)": "video Matroska (MKV)",
    "a WebVTT captions file": "berkas teks video WebVTT",
    "a plain text file": "berkas teks biasa",
    "a file of an unknown type": "berkas dengan jenis yang tidak dikenal",
    # Hints.
    "Save it as PDF in your word processor (File, Save As, PDF) and upload the PDF.":
        "Simpan sebagai PDF di pengolah kata Anda (File, Save As, PDF), lalu unggah PDF tersebut.",
    "Save it as PDF (File, Save As, PDF) and upload the PDF.":
        "Simpan sebagai PDF (File, Save As, PDF), lalu unggah PDF tersebut.",
    "Set your phone camera to \"Most Compatible\" (JPEG), or convert the photo to JPEG.":
        "Atur kamera ponsel ke \"Most Compatible\" (JPEG), atau ubah foto ke JPEG.",
    "Unpack the archive and upload each document on its own.":
        "Buka (ekstrak) arsip itu, lalu unggah setiap dokumen satu per satu.",
    # Lists of allowed types.
    "%(first)s or %(last)s": "%(first)s atau %(last)s",
    "an %(types)s file": "berkas %(types)s",
    "a %(types)s file": "berkas %(types)s",
    # Messages.
    "The file is empty. Choose the file again; if it is a scan, save it again on your device "
    "before uploading.":
        "Berkas ini kosong. Pilih berkas lagi; jika berkas hasil pindai, simpan ulang di perangkat "
        "Anda sebelum mengunggah.",
    "The file is %(size)s; the limit is %(limit)s. Scan at a lower resolution or split the PDF.":
        "Ukuran berkas %(size)s; batasnya %(limit)s. Pindai dengan resolusi lebih rendah atau "
        "bagi PDF menjadi beberapa berkas.",
    "The file is larger than the limit of %(limit)s. Scan at a lower resolution or split the PDF.":
        "Ukuran berkas melebihi batas %(limit)s. Pindai dengan resolusi lebih rendah atau bagi PDF "
        "menjadi beberapa berkas.",
    "This file is %(found)s; this document must be %(types)s.":
        "Berkas ini %(found)s; dokumen ini harus berupa %(types)s.",
    "The image is %(width)s x %(height)s pixels; the limit is %(limit)s megapixels. Make the image "
    "smaller or scan at a lower resolution.":
        "Gambar berukuran %(width)s x %(height)s piksel; batasnya %(limit)s megapiksel. Perkecil "
        "gambar atau pindai dengan resolusi lebih rendah.",
    "The image could not be read; it may be damaged or incomplete. Open it on your device, save it "
    "again as JPEG or PNG and upload it again.":
        "Gambar tidak dapat dibaca; mungkin rusak atau tidak lengkap. Buka di perangkat Anda, "
        "simpan ulang sebagai JPEG atau PNG, lalu unggah lagi.",
    "The PDF is protected with a password or encryption. Save a copy without protection (for "
    "example print it to a new PDF) and upload that copy.":
        "PDF ini dilindungi kata sandi atau enkripsi. Simpan salinan tanpa perlindungan (misalnya "
        "cetak ke PDF baru), lalu unggah salinan itu.",
    "The PDF could not be read; it may be damaged or incomplete. Save or scan the document again "
    "and upload the new file.":
        "PDF tidak dapat dibaca; mungkin rusak atau tidak lengkap. Simpan atau pindai ulang "
        "dokumen, lalu unggah berkas yang baru.",
    "The PDF contains scripts, actions or attached files, which are not accepted. Print it to a "
    "new PDF (File, Print, Save as PDF) and upload that copy.":
        "PDF ini berisi skrip, aksi, atau lampiran berkas, yang tidak diterima. Cetak ke PDF baru "
        "(File, Print, Save as PDF), lalu unggah salinan itu.",
    "The captions file is not UTF-8 text. Save it with UTF-8 encoding and upload it again.":
        "Berkas teks video bukan teks UTF-8. Simpan dengan encoding UTF-8, lalu unggah lagi.",
    "The file could not be accepted. Check it and upload it again.":
        "Berkas tidak dapat diterima. Periksa berkas, lalu unggah lagi.",
}
